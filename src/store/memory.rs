use std::hash::{BuildHasher, Hasher};

use hashbrown::HashTable;

use super::{Customer, CustomerId, MatchKey, Store, StoreError, Write};
use crate::record::{Record, Value};

/// A store in memory, with hash indexes on normalized email and phone
/// (O(1) per lookup). It enforces what a database's unique indexes would:
/// no two customers share an email or a phone.
///
/// Which values are keys: every [`Value::Email`] and [`Value::Phone`] of
/// the fields named by [`MemoryStore::key_fields`] (by default `email` and
/// `phone`, the presets' identifiers).
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
    /// Customer `CustomerId(n)` is at `n - 1`: ids are handed out in
    /// order and never removed, so no map (and no rehashing as it grows).
    customers: Vec<Record>,
    /// Every key of every customer as (the key's hash, the customer): the
    /// keys themselves are in the customers' records, so an entry takes
    /// 16 bytes, and growing the table never hashes a key again.
    index: HashTable<(u64, CustomerId)>,
    /// Seeded per store, so that an upload cannot choose keys that
    /// collide.
    hasher: foldhash::fast::RandomState,
    key_fields: Vec<String>,
    snapshot: Option<Box<MemoryStore>>,
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore {
            customers: Vec::new(),
            index: HashTable::new(),
            hasher: foldhash::fast::RandomState::default(),
            key_fields: vec!["email".into(), "phone".into()],
            snapshot: None,
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

    /// How many customers the store holds.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// Whether the store holds no customer.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// The customer `key` belongs to.
    pub fn find(&self, key: &MatchKey) -> Option<Customer> {
        let (kind, text) = match key {
            MatchKey::Email(v) => (Kind::Email, v.as_str()),
            MatchKey::Phone(v) => (Kind::Phone, v.as_str()),
        };
        let id = self.owner(kind, text)?;
        self.get(id)
    }

    /// The customer with id `id`.
    pub fn get(&self, id: CustomerId) -> Option<Customer> {
        self.slot(id).map(|record| Customer {
            id,
            record: record.clone(),
        })
    }

    /// Every customer, in id order.
    pub fn customers(&self) -> Vec<Customer> {
        self.customers
            .iter()
            .zip(1u64..)
            .map(|(record, n)| Customer {
                id: CustomerId(n),
                record: record.clone(),
            })
            .collect()
    }

    fn slot(&self, id: CustomerId) -> Option<&Record> {
        self.customers.get(index_of(id)?)
    }

    /// The customer whose key this is.
    fn owner(&self, kind: Kind, text: &str) -> Option<CustomerId> {
        let hash = hash(&self.hasher, kind, text);
        let has_key = |id: CustomerId| {
            self.slot(id)
                .is_some_and(|record| keys_of(&self.key_fields, record).any(|k| k == (kind, text)))
        };
        self.index
            .find(hash, |&(h, id)| h == hash && has_key(id))
            .map(|&(_, id)| id)
    }

    /// Refuses a write whose keys belong to another customer, as a unique
    /// index would.
    fn check_unique(&self, record: &Record, owner: Option<CustomerId>) -> Result<(), StoreError> {
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

    /// Indexes customer `id` under the keys of `record`.
    fn index_keys(&mut self, record: &Record, id: CustomerId) {
        for (kind, text) in keys_of(&self.key_fields, record) {
            let hash = hash(&self.hasher, kind, text);
            self.index.insert_unique(hash, (hash, id), |&(h, _)| h);
        }
    }

    /// Takes customer `id` out of the index under the keys of `record`.
    fn unindex_keys(&mut self, record: &Record, id: CustomerId) {
        for (kind, text) in keys_of(&self.key_fields, record) {
            let hash = hash(&self.hasher, kind, text);
            if let Ok(entry) = self.index.find_entry(hash, |&(h, i)| h == hash && i == id) {
                entry.remove();
            }
        }
    }

    fn write(&mut self, write: Write) -> Result<CustomerId, StoreError> {
        match write {
            Write::Insert(record) => {
                self.check_unique(&record, None)?;
                let id = CustomerId(self.customers.len() as u64 + 1);
                self.index_keys(&record, id);
                self.customers.push(record);
                Ok(id)
            }
            Write::Update { id, record } => {
                let old = self
                    .slot(id)
                    .ok_or_else(|| StoreError::new(format!("customer {id} does not exist")))?
                    .clone();
                self.check_unique(&record, Some(id))?;
                self.unindex_keys(&old, id);
                self.index_keys(&record, id);
                if let Some(slot) = index_of(id).and_then(|i| self.customers.get_mut(i)) {
                    *slot = record;
                }
                Ok(id)
            }
        }
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

/// Where customer `id` is in `MemoryStore::customers`.
fn index_of(id: CustomerId) -> Option<usize> {
    usize::try_from(id.0.checked_sub(1)?).ok()
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
        let (Ok(ann), Ok(bo)) = (ann, bo) else {
            panic!("both inserts succeed")
        };
        // Bo indexed under Ann's hash too, as if his email hashed the same.
        let hash = hash(&store.hasher, Kind::Email, "ann@example.com");
        store.index.insert_unique(hash, (hash, bo), |&(h, _)| h);
        let found = store.find(&MatchKey::Email("ann@example.com".into()));
        assert_eq!(found.map(|c| c.id), Some(ann));
        assert!(store
            .check_unique(&customer("ann@example.com"), Some(ann))
            .is_ok());
        assert!(store
            .check_unique(&customer("ann@example.com"), Some(bo))
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
                id: ann,
                record: changed
            })
            .is_ok());
        assert_eq!(store.index.len(), 2);
        let by_phone = store.find(&MatchKey::Phone("+14155550101".into()));
        assert_eq!(by_phone.map(|c| c.id), Some(ann));
    }
}
