use std::hash::{BuildHasher, Hasher};

use hashbrown::HashTable;

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::journal::{check_journal_len, written_digest, ImportJournal, JournalEntry};
use super::{
    Customer, CustomerId, ImportId, Journal, JournalWrite, MatchKey, Store, StoreError,
    Transactional, Write,
};
use crate::record::{Record, Value};

/// A store in memory, with hash indexes on normalized email and phone
/// (O(1) per lookup). It enforces what a database's unique indexes would:
/// no two customers share an email or a phone.
///
/// Which values are keys: every [`Value::Email`] and [`Value::Phone`] of
/// the fields named by [`MemoryStore::key_fields`] (by default `email` and
/// `phone`, the presets' identifiers).
///
/// It keeps a [`Journal`] of each import's writes (unless
/// [`keep_journal`](MemoryStore::keep_journal) turns it off), so an
/// import into it can be undone ([`Importer::undo`](crate::Importer::undo)).
///
/// ```
/// use intake::{presets, Importer, MatchKey, MemoryStore};
///
/// let mut store = MemoryStore::new();
/// Importer::new(presets::contacts())
///     .import("email,phone\nann@example.com,+1 415 555 0101\n".as_bytes(), &mut store)?;
/// assert_eq!(store.len(), 1);
/// let ann = store.find(&MatchKey::Phone("+14155550101".into())).unwrap();
/// assert_eq!(ann.record.text("email"), Some("ann@example.com"));
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemoryStore {
    /// Customer `CustomerId::Int(n)` is at `n - 1`: ids are handed out
    /// in order and never reused, so no map (and no rehashing as it
    /// grows). A removed customer leaves `None` behind.
    customers: Vec<Option<Record>>,
    /// How many of `customers` were removed.
    removed: usize,
    /// Every key of every customer as (the key's hash, the customer): the
    /// keys themselves are in the customers' records, so an entry takes
    /// 16 bytes, and growing the table never hashes a key again. The
    /// customer is its place in `customers`.
    index: HashTable<(u64, usize)>,
    /// Seeded per store, so that an upload cannot choose keys that
    /// collide.
    hasher: foldhash::fast::RandomState,
    key_fields: Vec<String>,
    snapshot: Option<Box<MemoryStore>>,
    /// Each import's journal and when it started; `None` when the store
    /// keeps none. Part of the store, so a transaction's snapshot undoes
    /// it with the writes.
    journals: Option<BTreeMap<ImportId, (SystemTime, ImportJournal)>>,
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore {
            customers: Vec::new(),
            removed: 0,
            index: HashTable::new(),
            hasher: foldhash::fast::RandomState::default(),
            key_fields: vec!["email".into(), "phone".into()],
            snapshot: None,
            journals: Some(BTreeMap::new()),
        }
    }
}

impl MemoryStore {
    /// An empty store keyed on the `email` and `phone` fields.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Sets which fields are unique keys (match your schema's identifiers).
    pub fn key_fields<I, S>(mut self, fields: I) -> MemoryStore
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.key_fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Whether the store keeps a [`Journal`] of each import's writes, so
    /// that imports can be undone (default: yes). Without one,
    /// [`Store::journal`] answers `None` and imports cost no journal.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let importer = Importer::new(presets::contacts());
    /// let mut store = MemoryStore::new().keep_journal(false);
    /// let report = importer.import("email\nann@example.com\n".as_bytes(), &mut store)?;
    /// let err = importer.undo(&report.import_id.unwrap(), &mut store).unwrap_err();
    /// assert_eq!(err.code(), "unknown_import");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn keep_journal(mut self, keep: bool) -> MemoryStore {
        self.journals = match (keep, self.journals.take()) {
            (true, Some(kept)) => Some(kept),
            (true, None) => Some(BTreeMap::new()),
            (false, _) => None,
        };
        self
    }

    /// How many customers the store holds.
    pub fn len(&self) -> usize {
        self.customers.len() - self.removed
    }

    /// Whether the store holds no customer.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The customer `key` belongs to.
    pub fn find(&self, key: &MatchKey) -> Option<Customer> {
        let (kind, text) = match key {
            MatchKey::Email(v) => (Kind::Email, v.as_str()),
            MatchKey::Phone(v) => (Kind::Phone, v.as_str()),
        };
        let at = self.owner(kind, text)?;
        self.customer_at(at)
    }

    /// The customer with id `id`.
    pub fn get(&self, id: &CustomerId) -> Option<Customer> {
        self.customer_at(index_of(id)?)
    }

    fn customer_at(&self, at: usize) -> Option<Customer> {
        self.customers.get(at)?.as_ref().map(|record| Customer {
            id: id_at(at),
            record: record.clone(),
        })
    }

    /// Every customer, in id order.
    pub fn customers(&self) -> Vec<Customer> {
        self.customers
            .iter()
            .enumerate()
            .filter_map(|(at, record)| {
                record.as_ref().map(|record| Customer {
                    id: id_at(at),
                    record: record.clone(),
                })
            })
            .collect()
    }

    /// Where the customer whose key this is sits in `customers`.
    fn owner(&self, kind: Kind, text: &str) -> Option<usize> {
        let hash = hash(&self.hasher, kind, text);
        let has_key = |at: usize| {
            self.customers
                .get(at)
                .and_then(Option::as_ref)
                .is_some_and(|record| keys_of(&self.key_fields, record).any(|k| k == (kind, text)))
        };
        self.index
            .find(hash, |&(h, at)| h == hash && has_key(at))
            .map(|&(_, at)| at)
    }

    /// Refuses a write whose keys belong to another customer, as a unique
    /// index would.
    fn check_unique(&self, record: &Record, owner: Option<usize>) -> Result<(), StoreError> {
        for (kind, text) in keys_of(&self.key_fields, record) {
            if let Some(other) = self.owner(kind, text) {
                if Some(other) != owner {
                    return Err(StoreError::new(format!(
                        "{text} already belongs to another customer"
                    ))
                    .conflict());
                }
            }
        }
        Ok(())
    }

    /// Indexes the customer at `at` under the keys of `record`.
    fn index_keys(&mut self, record: &Record, at: usize) {
        for (kind, text) in keys_of(&self.key_fields, record) {
            let hash = hash(&self.hasher, kind, text);
            self.index.insert_unique(hash, (hash, at), |&(h, _)| h);
        }
    }

    /// Takes the customer at `at` out of the index under the keys of
    /// `record`.
    fn unindex_keys(&mut self, record: &Record, at: usize) {
        for (kind, text) in keys_of(&self.key_fields, record) {
            let hash = hash(&self.hasher, kind, text);
            if let Ok(entry) = self.index.find_entry(hash, |&(h, i)| h == hash && i == at) {
                entry.remove();
            }
        }
    }

    fn write(&mut self, write: Write) -> Result<CustomerId, StoreError> {
        match write {
            Write::Insert(record) => {
                self.check_unique(&record, None)?;
                let at = self.customers.len();
                self.index_keys(&record, at);
                self.customers.push(Some(record));
                Ok(id_at(at))
            }
            Write::Update { id, record } => {
                let missing = || StoreError::new(format!("customer {id} does not exist"));
                let at = index_of(&id).ok_or_else(missing)?;
                let old = self
                    .customers
                    .get(at)
                    .and_then(Option::as_ref)
                    .ok_or_else(missing)?
                    .clone();
                self.check_unique(&record, Some(at))?;
                self.unindex_keys(&old, at);
                self.index_keys(&record, at);
                if let Some(slot) = self.customers.get_mut(at) {
                    *slot = Some(record);
                }
                Ok(id)
            }
        }
    }

    /// Deletes customer `id`, freeing its keys.
    fn delete(&mut self, id: &CustomerId) -> Result<(), StoreError> {
        let missing = || StoreError::new(format!("customer {id} does not exist"));
        let at = index_of(id).ok_or_else(missing)?;
        let old = self
            .customers
            .get_mut(at)
            .and_then(Option::take)
            .ok_or_else(missing)?;
        self.unindex_keys(&old, at);
        self.removed += 1;
        Ok(())
    }
}

/// The keys of `record`: the emails and phones of the `key_fields`.
fn keys_of<'r>(
    key_fields: &'r [String],
    record: &'r Record,
) -> impl Iterator<Item = (Kind, &'r str)> + 'r {
    key_fields.iter().filter_map(|f| match record.get(f) {
        Some(Value::Email(v)) => Some((Kind::Email, v.as_str())),
        Some(Value::Phone(v)) => Some((Kind::Phone, v.as_str())),
        _ => None,
    })
}

/// A key's hash in the index.
fn hash(hasher: &foldhash::fast::RandomState, kind: Kind, text: &str) -> u64 {
    let mut hasher = hasher.build_hasher();
    hasher.write_u8(kind as u8);
    hasher.write(text.as_bytes());
    hasher.finish()
}

/// Which kind of key a value is, as the index hashes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email = 0,
    Phone = 1,
}

/// Where customer `id` is in `MemoryStore::customers`: ids are integers
/// from 1.
fn index_of(id: &CustomerId) -> Option<usize> {
    usize::try_from(id.as_int()?.checked_sub(1)?).ok()
}

/// The id of the customer at `at` in `MemoryStore::customers`.
fn id_at(at: usize) -> CustomerId {
    // A store holds far fewer than i64::MAX customers: memory runs out first.
    CustomerId::Int(i64::try_from(at).unwrap_or(i64::MAX).saturating_add(1))
}

impl Store for MemoryStore {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        Ok(keys.iter().map(|k| self.find(k)).collect())
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        Ok(writes.into_iter().map(|w| self.write(w)).collect())
    }

    fn journal(&mut self) -> Option<&mut dyn Journal> {
        match self.journals {
            Some(_) => Some(self),
            None => None,
        }
    }
}

impl Journal for MemoryStore {
    fn apply_journaled(
        &mut self,
        import: &ImportId,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        check_journal_len(&writes, journal)?;
        let written: Vec<_> = match self.journals {
            Some(_) => writes.iter().map(written_digest).collect(),
            None => Vec::new(),
        };
        let results = self.apply(writes)?;
        if let Some(journals) = self.journals.as_mut() {
            let (_, kept) = journals
                .entry(import.clone())
                .or_insert_with(|| (SystemTime::now(), ImportJournal::new(Vec::new(), false)));
            for ((result, digest), write) in results.iter().zip(written).zip(journal) {
                if let Ok(id) = result {
                    kept.entries
                        .push(JournalEntry::new(write.clone(), id.clone(), digest));
                }
            }
        }
        Ok(results)
    }

    fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError> {
        Ok(self
            .journals
            .as_ref()
            .and_then(|journals| journals.get(import))
            .map(|(_, journal)| journal.clone()))
    }

    fn customers_by_id(&mut self, ids: &[CustomerId]) -> Result<Vec<Option<Customer>>, StoreError> {
        Ok(ids.iter().map(|id| self.get(id)).collect())
    }

    fn remove(&mut self, ids: &[CustomerId]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        Ok(ids.iter().map(|id| self.delete(id)).collect())
    }

    fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError> {
        match self.journals.as_mut().and_then(|j| j.get_mut(import)) {
            Some((_, journal)) => {
                journal.undone = true;
                Ok(())
            }
            None => Err(StoreError::new(format!(
                "no journal of the import {import}"
            ))),
        }
    }

    fn prune(&mut self, older_than: SystemTime) -> Result<u64, StoreError> {
        let Some(journals) = self.journals.as_mut() else {
            return Ok(0);
        };
        let before = journals.len();
        journals.retain(|_, (started, _)| *started >= older_than);
        Ok((before - journals.len()) as u64)
    }
}

impl Transactional for MemoryStore {
    fn begin(&mut self) -> Result<(), StoreError> {
        let mut copy = self.clone();
        copy.snapshot = None;
        self.snapshot = Some(Box::new(copy));
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.snapshot = None;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        match self.snapshot.take() {
            Some(before) => {
                *self = *before;
                Ok(())
            }
            None => Err(StoreError::new("no transaction to roll back")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(email: &str) -> Record {
        [("email", Value::Email(email.into()))]
            .into_iter()
            .collect()
    }

    #[test]
    fn a_key_whose_hash_collides_with_another_customers_finds_its_own_customer() {
        let mut store = MemoryStore::new();
        let ann = store.write(Write::Insert(customer("ann@example.com")));
        let bo = store.write(Write::Insert(customer("bo@example.com")));
        let (Ok(ann), Ok(_)) = (ann, bo) else {
            panic!("both inserts succeed")
        };
        // Bo indexed under Ann's hash too, as if his email hashed the same.
        let hash = hash(&store.hasher, Kind::Email, "ann@example.com");
        // Bo is the second customer: at 1.
        store.index.insert_unique(hash, (hash, 1), |&(h, _)| h);
        let found = store.find(&MatchKey::Email("ann@example.com".into()));
        assert_eq!(found.map(|c| c.id), Some(ann));
        assert!(store
            .check_unique(&customer("ann@example.com"), Some(0))
            .is_ok());
        assert!(store
            .check_unique(&customer("ann@example.com"), Some(1))
            .is_err());
    }

    #[test]
    fn an_update_that_keeps_its_email_keeps_it_indexed_once() {
        let mut store = MemoryStore::new();
        let Ok(ann) = store.write(Write::Insert(customer("ann@example.com"))) else {
            panic!("the insert succeeds")
        };
        let mut changed = customer("ann@example.com");
        changed.insert("phone", Value::Phone("+14155550101".into()));
        assert!(store
            .write(Write::Update {
                id: ann.clone(),
                record: changed
            })
            .is_ok());
        assert_eq!(store.index.len(), 2);
        let by_phone = store.find(&MatchKey::Phone("+14155550101".into()));
        assert_eq!(by_phone.map(|c| c.id), Some(ann));
    }
}
