//! The contract between the importer and a store: the [`Store`] trait and
//! what crosses it (keys, customers, writes, errors).

use std::fmt;
use std::sync::Arc;

use crate::messages;
use crate::record::{Record, Text};

#[cfg(doc)]
use crate::MemoryStore;

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

/// A store's failure: its own message, for the app's logs, and what the
/// importer may tell the person who uploaded the file.
///
/// The message is never shown to that person: a row whose write failed
/// reads that the customer could not be saved, and whether uploading it
/// again later may help ([`temporary`](StoreError::temporary)) or its
/// email or phone belongs to another customer
/// ([`conflict`](StoreError::conflict)). The app gets the error itself
/// from [`RowFailure::store_error`](crate::RowFailure::store_error), or
/// as the [`source`](std::error::Error::source) of a file-level
/// [`Error`](crate::Error).
///
/// ```
/// use intake::StoreError;
///
/// let e = StoreError::new("connection reset").temporary();
/// assert_eq!(e.to_string(), "connection reset");
/// assert!(e.is_temporary());
/// ```
#[derive(Debug, Clone)]
pub struct StoreError {
    message: String,
    temporary: bool,
    conflict: bool,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl StoreError {
    /// A failure with `message`, for the app's logs.
    ///
    /// ```
    /// use intake::StoreError;
    ///
    /// let e = StoreError::new("disk quota exceeded");
    /// assert_eq!(e.message(), "disk quota exceeded");
    /// assert!(!e.is_temporary() && !e.is_conflict());
    /// ```
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
            temporary: false,
            conflict: false,
            source: None,
        }
    }

    /// Marks the failure as passing (a timeout, a busy or unreachable
    /// database): the person is told to upload the rows again later.
    ///
    /// ```
    /// use intake::StoreError;
    ///
    /// assert!(StoreError::new("lock timeout").temporary().is_temporary());
    /// ```
    pub fn temporary(mut self) -> StoreError {
        self.temporary = true;
        self
    }

    /// Marks the failure as a unique key refused: the customer's email or
    /// phone already belongs to another customer. The person is told so
    /// (not which customer).
    ///
    /// ```
    /// use intake::StoreError;
    ///
    /// let e = StoreError::new("duplicate key value violates unique constraint").conflict();
    /// assert!(e.is_conflict());
    /// ```
    pub fn conflict(mut self) -> StoreError {
        self.conflict = true;
        self
    }

    /// Keeps `source` (the database driver's error) as the cause:
    /// [`source`](std::error::Error::source) returns it.
    ///
    /// ```
    /// use std::error::Error;
    /// use intake::StoreError;
    ///
    /// let io = std::io::Error::other("broken pipe");
    /// let e = StoreError::new("the customer database failed").with_source(io);
    /// assert_eq!(e.source().map(|s| s.to_string()).as_deref(), Some("broken pipe"));
    /// ```
    pub fn with_source<E>(mut self, source: E) -> StoreError
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        self.source = Some(Arc::new(source));
        self
    }

    /// The message, for the app's logs.
    ///
    /// ```
    /// use intake::StoreError;
    /// assert_eq!(StoreError::new("connection reset").message(), "connection reset");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether trying again later may succeed ([`temporary`](StoreError::temporary)).
    ///
    /// ```
    /// use intake::StoreError;
    /// assert!(!StoreError::new("constraint failed").is_temporary());
    /// ```
    pub fn is_temporary(&self) -> bool {
        self.temporary
    }

    /// Whether the customer's email or phone belongs to another customer
    /// ([`conflict`](StoreError::conflict)).
    ///
    /// ```
    /// use intake::StoreError;
    /// assert!(!StoreError::new("timeout").is_conflict());
    /// ```
    pub fn is_conflict(&self) -> bool {
        self.conflict
    }

    /// What the person who uploaded the file reads when a row could not
    /// be saved because of this error: never the store's own text.
    pub(crate) fn not_saved(&self) -> String {
        messages::not_saved(self.conflict, self.temporary)
    }

    /// What the person reads when a row's customer could not be looked up.
    pub(crate) fn not_looked_up(&self) -> String {
        messages::not_looked_up(self.temporary)
    }
}

/// Two store errors are equal when their messages and marks are: the
/// causes are not compared.
impl PartialEq for StoreError {
    fn eq(&self, other: &StoreError) -> bool {
        self.message == other.message
            && self.temporary == other.temporary
            && self.conflict == other.conflict
    }
}

impl Eq for StoreError {}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Where customers are looked up and written: implement it for your own
/// database.
///
/// **The writes of one [`apply`](Store::apply) call are a set**: each
/// customer appears at most once and no write depends on another (a key
/// freed by one write and taken by another go to separate calls). So a
/// store may run a call as one set-based statement, in any order, as long
/// as each result answers its own write.
///
/// The importer calls [`lookup`](Store::lookup) once per batch with every
/// match key it does not already know, then `apply` with the batch's
/// writes: one call in the common case, more when the batch frees keys
/// and takes them again. A write refused because its email or phone
/// belongs to another customer should fail as
/// [`StoreError::conflict`]: the importer looks that row up again and
/// decides again (another import may have created the customer
/// meanwhile). Values may be kept as text: the importer compares
/// customers as text ([`Record::eq_as_text`]) and reads identifiers by
/// their fields. Check an implementation with
/// [`conformance`](crate::store::conformance).
///
/// With PostgreSQL, beware a prepared `WHERE email = ANY($1) OR phone =
/// ANY($2)`: a cached generic plan can scan the whole table (42 s instead
/// of 4.9 s for 100k rows in a trial app); look emails and phones up in
/// two statements, or set `plan_cache_mode = force_custom_plan`.
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
        Err(no_transactions())
    }

    /// Makes everything since [`begin`](Store::begin) permanent.
    fn commit(&mut self) -> Result<(), StoreError> {
        Err(no_transactions())
    }

    /// Undoes everything since [`begin`](Store::begin).
    fn rollback(&mut self) -> Result<(), StoreError> {
        Err(no_transactions())
    }
}

/// What a store without transactions answers to `begin`, `commit` and
/// `rollback`.
pub(crate) fn no_transactions() -> StoreError {
    StoreError::new("this store does not support all-or-nothing imports")
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
