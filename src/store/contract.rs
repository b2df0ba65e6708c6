//! The contract between the importer and a store: the [`Store`] trait and
//! what crosses it (keys, customers, writes, errors).

use std::fmt;
use std::sync::Arc;

use super::journal::Journal;
use crate::messages;
use crate::record::{Record, Text};

#[cfg(doc)]
use crate::MemoryStore;

/// A store's id for a customer, of the kind the app's table has: an
/// integer, a UUID or text.
///
/// The importer never makes ids up or does arithmetic on them: it keeps
/// the ids a store's [`lookup`](Store::lookup) and [`apply`](Store::apply)
/// answer and hands them back in [`Write::Update`]. In a JSON report an
/// integer id is a number, the others strings.
///
/// ```
/// use intake::CustomerId;
///
/// let n = CustomerId::from(42);
/// assert_eq!(n.as_int(), Some(42));
/// assert_eq!(n.to_string(), "42");
///
/// let u = CustomerId::from(uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8));
/// assert_eq!(u.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
///
/// let t = CustomerId::from("cus_8Hq2");
/// assert_eq!(t.as_text(), Some("cus_8Hq2"));
/// assert_ne!(CustomerId::from("42"), n, "text is never an integer");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CustomerId {
    /// An integer id (`bigint`, `INTEGER PRIMARY KEY`, an identity column).
    Int(i64),
    /// A UUID id (`uuid` columns).
    Uuid(uuid::Uuid),
    /// A text id (`cus_8Hq2`, a natural key…).
    Text(Box<str>),
}

impl CustomerId {
    /// The integer, for an [`Int`](CustomerId::Int) id.
    ///
    /// ```
    /// use intake::CustomerId;
    /// assert_eq!(CustomerId::from(7).as_int(), Some(7));
    /// assert_eq!(CustomerId::from("7").as_int(), None);
    /// ```
    pub fn as_int(&self) -> Option<i64> {
        match self {
            CustomerId::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The UUID, for a [`Uuid`](CustomerId::Uuid) id.
    ///
    /// ```
    /// use intake::CustomerId;
    /// let id = uuid::Uuid::from_u128(1);
    /// assert_eq!(CustomerId::from(id).as_uuid(), Some(id));
    /// ```
    pub fn as_uuid(&self) -> Option<uuid::Uuid> {
        match self {
            CustomerId::Uuid(u) => Some(*u),
            _ => None,
        }
    }

    /// The text, for a [`Text`](CustomerId::Text) id.
    ///
    /// ```
    /// use intake::CustomerId;
    /// assert_eq!(CustomerId::from("c-1").as_text(), Some("c-1"));
    /// ```
    pub fn as_text(&self) -> Option<&str> {
        match self {
            CustomerId::Text(t) => Some(t),
            _ => None,
        }
    }
}

impl From<i64> for CustomerId {
    fn from(n: i64) -> CustomerId {
        CustomerId::Int(n)
    }
}

impl From<uuid::Uuid> for CustomerId {
    fn from(u: uuid::Uuid) -> CustomerId {
        CustomerId::Uuid(u)
    }
}

impl From<&str> for CustomerId {
    fn from(t: &str) -> CustomerId {
        CustomerId::Text(t.into())
    }
}

impl From<String> for CustomerId {
    fn from(t: String) -> CustomerId {
        CustomerId::Text(t.into_boxed_str())
    }
}

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomerId::Int(n) => write!(f, "{n}"),
            CustomerId::Uuid(u) => write!(f, "{}", u.hyphenated()),
            CustomerId::Text(t) => f.write_str(t),
        }
    }
}

/// An integer id is a JSON number; a UUID (hyphenated) and text are strings.
impl serde::Serialize for CustomerId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CustomerId::Int(n) => serializer.serialize_i64(*n),
            CustomerId::Uuid(u) => serializer.collect_str(&u.hyphenated()),
            CustomerId::Text(t) => serializer.serialize_str(t),
        }
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
///                     Customer { id: CustomerId::from(i as i64), record: self.0[i].clone() }
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
///                     Ok(CustomerId::from(self.0.len() as i64 - 1))
///                 }
///                 Write::Update { id, record } => match id.as_int().and_then(|n| self.0.get_mut(n as usize)) {
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

    /// The store's journal, when it keeps one (`None` by default): every
    /// writing import into it then records its writes there, through
    /// [`Journal::apply_journaled`], and can be undone
    /// ([`Importer::undo`](crate::Importer::undo)). A store that
    /// implements [`Journal`] answers `Some(self)`.
    ///
    /// ```
    /// use intake::{MemoryStore, Store};
    ///
    /// assert!(MemoryStore::new().journal().is_some());
    /// assert!(MemoryStore::new().keep_journal(false).journal().is_none());
    /// ```
    fn journal(&mut self) -> Option<&mut dyn Journal> {
        None
    }
}

/// A store with transactions: what an all-or-nothing import
/// ([`Importer::import_atomic`](crate::Importer::import_atomic)) needs,
/// checked when the program is compiled.
///
/// The importer calls [`begin`](Transactional::begin) before the first
/// lookup, then [`commit`](Transactional::commit) when every row
/// succeeded, or [`rollback`](Transactional::rollback) when any row or
/// the store failed. The lookups and writes in between run inside the
/// transaction.
///
/// ```
/// use intake::{presets, Importer, MemoryStore};
///
/// let csv = "email\nann@example.com\nnot-an-email\n";
/// let mut store = MemoryStore::new();
/// let report = Importer::new(presets::contacts()).import_atomic(csv.as_bytes(), &mut store)?;
/// assert_eq!(report.failed, 1);
/// assert!(report.rolled_back);
/// assert!(store.is_empty());
/// # Ok::<(), intake::Error>(())
/// ```
///
/// A store without transactions does not compile there:
///
/// ```compile_fail
/// use intake::{presets, Customer, CustomerId, Importer, MatchKey, Store, StoreError, Write};
///
/// struct Plain;
/// impl Store for Plain {
///     fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
///         Ok(keys.iter().map(|_| None).collect())
///     }
///     fn apply(&mut self, writes: Vec<Write>) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
///         Ok(writes.iter().map(|_| Ok(CustomerId::from(1))).collect())
///     }
/// }
///
/// Importer::new(presets::contacts()).import_atomic("email\n".as_bytes(), &mut Plain);
/// ```
pub trait Transactional: Store {
    /// Starts a transaction.
    fn begin(&mut self) -> Result<(), StoreError>;

    /// Makes everything since [`begin`](Transactional::begin) permanent.
    fn commit(&mut self) -> Result<(), StoreError>;

    /// Undoes everything since [`begin`](Transactional::begin).
    fn rollback(&mut self) -> Result<(), StoreError>;
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
    fn journal(&mut self) -> Option<&mut dyn Journal> {
        (**self).journal()
    }
}

impl<S: Transactional + ?Sized> Transactional for &mut S {
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
