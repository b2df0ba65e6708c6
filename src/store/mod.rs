//! Where customers live: the [`Store`] trait an app implements for its own
//! database, and [`MemoryStore`]. With the cargo feature `sqlite`,
//! `SqliteStore` keeps customers in a SQLite file (its documentation shows
//! the table layout).
//!
//! The trait is batch-shaped so that a real database gets one round trip per
//! batch, not one per row: [`Store::lookup`] takes every match key of a
//! batch, [`Store::apply`] every write, and each write has its own result so
//! one bad write fails one row, never the batch.

mod memory;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::fmt;

pub use memory::MemoryStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::record::{Record, Text};

/// A store's id for a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct CustomerId(pub u64);

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A normalized identifier: two rows with the same key are the same
/// customer.
///
/// ```
/// use intake::MatchKey;
/// let key = MatchKey::Email("ann@example.com".into());
/// assert_eq!(key.value(), "ann@example.com");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum MatchKey {
    /// A normalized email: trimmed, NFC, lower-cased.
    Email(Text),
    /// A phone in E.164.
    Phone(Text),
}

impl MatchKey {
    /// The normalized value.
    pub fn value(&self) -> &str {
        match self {
            MatchKey::Email(v) | MatchKey::Phone(v) => v.as_str(),
        }
    }
}

/// A customer as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The store's id.
    pub id: CustomerId,
    /// The customer's values.
    pub record: Record,
}

/// One write of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Write {
    /// Create a customer with these values.
    Insert(Record),
    /// Replace customer `id`'s values with `record` (already merged by the
    /// engine with what the customer had).
    Update {
        /// Which customer.
        id: CustomerId,
        /// The customer's new values, complete.
        record: Record,
    },
}

/// A store's failure, with its message for people.
///
/// ```
/// use intake::StoreError;
/// let e = StoreError::new("connection reset");
/// assert_eq!(e.to_string(), "connection reset");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// A failure with `message`.
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// Where customers are looked up and written: implement it for your own
/// database.
///
/// The importer calls [`lookup`](Store::lookup) once per batch with every
/// match key it does not already know, then [`apply`](Store::apply) once
/// with the batch's writes. Repeats inside a batch are resolved by the
/// importer before the batch reaches the store.
///
/// # Example
///
/// A store that keeps customers in a `Vec` (see [`MemoryStore`] for one with
/// indexes):
///
/// ```
/// use intake::{Customer, CustomerId, MatchKey, Record, Store, StoreError, Write};
///
/// #[derive(Default)]
/// struct VecStore(Vec<Record>);
///
/// impl Store for VecStore {
///     fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
///         Ok(keys
///             .iter()
///             .map(|key| {
///                 let field = match key {
///                     MatchKey::Email(_) => "email",
///                     _ => "phone",
///                 };
///                 self.0.iter().position(|r| r.text(field) == Some(key.value())).map(|i| {
///                     Customer { id: CustomerId(i as u64), record: self.0[i].clone() }
///                 })
///             })
///             .collect())
///     }
///
///     fn apply(
///         &mut self,
///         writes: Vec<Write>,
///     ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
///         Ok(writes
///             .into_iter()
///             .map(|w| match w {
///                 Write::Insert(r) => {
///                     self.0.push(r);
///                     Ok(CustomerId(self.0.len() as u64 - 1))
///                 }
///                 Write::Update { id, record } => match self.0.get_mut(id.0 as usize) {
///                     Some(slot) => {
///                         *slot = record;
///                         Ok(id)
///                     }
///                     None => Err(StoreError::new("no such customer")),
///                 },
///                 _ => Err(StoreError::new("unsupported write")),
///             })
///             .collect())
///     }
/// }
///
/// let report = intake::Importer::new(intake::presets::contacts())
///     .import("email\nann@example.com\n".as_bytes(), &mut VecStore::default())?;
/// assert_eq!(report.inserted, 1);
/// # Ok::<(), intake::Error>(())
/// ```
pub trait Store {
    /// Finds the customer each key belongs to, one answer per key, in the
    /// same order. The keys are distinct.
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError>;

    /// Applies a batch of writes, one result per write in the same order:
    /// the customer's id, or why that write failed. `Err` means the batch as
    /// a whole failed and nothing of it was written.
    ///
    /// The writes are the store's to keep: a store that holds records (such
    /// as [`MemoryStore`]) moves them in instead of copying them.
    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError>;

    /// Starts a transaction for an all-or-nothing import. The default
    /// refuses: a store without transactions cannot do atomic imports.
    fn begin(&mut self) -> Result<(), StoreError> {
        Err(StoreError::new(
            "this store does not support all-or-nothing imports",
        ))
    }

    /// Makes everything since [`begin`](Store::begin) permanent.
    fn commit(&mut self) -> Result<(), StoreError> {
        Err(StoreError::new(
            "this store does not support all-or-nothing imports",
        ))
    }

    /// Undoes everything since [`begin`](Store::begin).
    fn rollback(&mut self) -> Result<(), StoreError> {
        Err(StoreError::new(
            "this store does not support all-or-nothing imports",
        ))
    }
}

impl<S: Store + ?Sized> Store for &mut S {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        (**self).lookup(keys)
    }
    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        (**self).apply(writes)
    }
    fn begin(&mut self) -> Result<(), StoreError> {
        (**self).begin()
    }
    fn commit(&mut self) -> Result<(), StoreError> {
        (**self).commit()
    }
    fn rollback(&mut self) -> Result<(), StoreError> {
        (**self).rollback()
    }
}
