use foldhash::{HashMap, HashMapExt};

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
    index: HashMap<MatchKey, CustomerId>,
    key_fields: Vec<String>,
    snapshot: Option<Box<MemoryStore>>,
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore {
            customers: Vec::new(),
            index: HashMap::new(),
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
        let id = *self.index.get(key)?;
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

    fn keys_of(&self, record: &Record) -> Vec<MatchKey> {
        self.key_fields
            .iter()
            .filter_map(|f| match record.get(f) {
                Some(Value::Email(v)) => Some(MatchKey::Email(v.clone())),
                Some(Value::Phone(v)) => Some(MatchKey::Phone(v.clone())),
                _ => None,
            })
            .collect()
    }

    /// Refuses a write whose keys belong to another customer, as a unique
    /// index would.
    fn check_unique(&self, keys: &[MatchKey], owner: Option<CustomerId>) -> Result<(), StoreError> {
        for key in keys {
            if let Some(other) = self.index.get(key) {
                if Some(*other) != owner {
                    return Err(StoreError::new(format!(
                        "{} already belongs to another customer",
                        key.value()
                    )));
                }
            }
        }
        Ok(())
    }

    fn write(&mut self, write: Write) -> Result<CustomerId, StoreError> {
        match write {
            Write::Insert(record) => {
                let keys = self.keys_of(&record);
                self.check_unique(&keys, None)?;
                let id = CustomerId(self.customers.len() as u64 + 1);
                for key in keys {
                    self.index.insert(key, id);
                }
                self.customers.push(record);
                Ok(id)
            }
            Write::Update { id, record } => {
                let old = self
                    .slot(id)
                    .ok_or_else(|| StoreError::new(format!("customer {id} does not exist")))?;
                let old_keys = self.keys_of(old);
                let keys = self.keys_of(&record);
                self.check_unique(&keys, Some(id))?;
                for key in old_keys {
                    self.index.remove(&key);
                }
                for key in keys {
                    self.index.insert(key, id);
                }
                if let Some(slot) = index_of(id).and_then(|i| self.customers.get_mut(i)) {
                    *slot = record;
                }
                Ok(id)
            }
        }
    }
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
