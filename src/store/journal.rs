//! Undo: the id every writing import gets, and what a store keeps to undo
//! one.

use std::fmt;
use std::time::SystemTime;

use super::{Customer, CustomerId, Store, StoreError, Write};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use crate::record::Value;
use crate::record::{Record, RecordDigest};

/// The id of an import that wrote: in its [`Report`](crate::Report) (JSON
/// `import_id`), and the key of its journal in a store that keeps one, so
/// the import can be undone.
///
/// Made of a random UUID: unique across processes and machines, and
/// not guessable from another import's id.
///
/// ```
/// use intake::{presets, Importer, MemoryStore};
///
/// let report = Importer::new(presets::contacts())
///     .import("email\nann@example.com\n".as_bytes(), &mut MemoryStore::new())?;
/// let id = report.import_id.expect("the import wrote a customer");
/// assert_eq!(id.as_str().len(), 36);
/// assert_eq!(id.as_str().parse::<intake::ImportId>(), Ok(id.clone()));
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct ImportId(Box<str>);

impl ImportId {
    /// A new, random id.
    pub(crate) fn new() -> ImportId {
        ImportId(uuid::Uuid::new_v4().hyphenated().to_string().into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ImportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a text is not an [`ImportId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidImportId;

impl fmt::Display for InvalidImportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an import id is a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8")
    }
}

impl std::error::Error for InvalidImportId {}

/// Reads an id as written by [`Display`](fmt::Display): a UUID.
impl std::str::FromStr for ImportId {
    type Err = InvalidImportId;

    fn from_str(text: &str) -> Result<ImportId, InvalidImportId> {
        let uuid: uuid::Uuid = text.trim().parse().map_err(|_| InvalidImportId)?;
        Ok(ImportId(uuid.hyphenated().to_string().into()))
    }
}

/// What a journal keeps of one write beside the write itself: where it
/// came from in the file and what the customer held before it. The
/// importer hands one per write to [`Journal::apply_journaled`].
///
/// ```
/// use intake::{JournalWrite, Record, Value};
///
/// let before: Record = [("first_name", Value::Text("Ann".into()))].into_iter().collect();
/// let update = JournalWrite::new(3, 3, Some(before));
/// assert_eq!(update.row, 3);
/// assert!(JournalWrite::new(2, 2, None).before.is_none(), "an insert had nothing before");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalWrite {
    /// The spreadsheet row of the write (the first, when several rows of
    /// the file fold into one write).
    pub row: u64,
    /// The physical line where that row starts.
    pub line: u64,
    /// The customer's values before the write; `None` for an insert.
    pub before: Option<Record>,
}

impl JournalWrite {
    /// What the journal keeps of a write from `row` (starting on `line`)
    /// of a customer who held `before` (`None`: a new customer).
    pub fn new(row: u64, line: u64, before: Option<Record>) -> JournalWrite {
        JournalWrite { row, line, before }
    }
}

/// One write of an import as a journal kept it.
///
/// ```
/// use intake::{presets, Importer, Journal, MatchKey, MemoryStore, RecordDigest};
///
/// let mut store = MemoryStore::new();
/// let report = Importer::new(presets::contacts())
///     .import("email\nann@example.com\n".as_bytes(), &mut store)?;
/// let id = report.import_id.expect("the import wrote");
/// let journal = store.journal_of(&id)?.expect("the memory store keeps a journal");
/// let entry = &journal.entries[0];
/// assert_eq!((entry.row, entry.before.is_none()), (2, true));
/// let ann = store.find(&MatchKey::Email("ann@example.com".into())).unwrap();
/// assert_eq!(entry.written, RecordDigest::of(&ann.record));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalEntry {
    /// The spreadsheet row of the write.
    pub row: u64,
    /// The physical line where that row starts.
    pub line: u64,
    /// The customer written.
    pub customer: CustomerId,
    /// The customer's values before the write; `None` when the write
    /// created the customer.
    pub before: Option<Record>,
    /// A digest of the customer's values as written: when the digest of
    /// what the customer holds is another, something else changed it
    /// since. A digest, not the values: the journal keeps the values
    /// before each write, which the undo needs, and only a fingerprint of
    /// what it wrote, which the store holds anyway.
    pub written: RecordDigest,
}

impl JournalEntry {
    /// An entry for `write` of `customer`, who holds `written` after it.
    ///
    /// ```
    /// use intake::{CustomerId, JournalEntry, JournalWrite, Record, RecordDigest};
    ///
    /// let written = RecordDigest::of(&Record::new());
    /// let entry = JournalEntry::new(JournalWrite::new(2, 2, None), CustomerId::from(7), written);
    /// assert_eq!(entry.customer, CustomerId::from(7));
    /// ```
    pub fn new(write: JournalWrite, customer: CustomerId, written: RecordDigest) -> JournalEntry {
        JournalEntry {
            row: write.row,
            line: write.line,
            customer,
            before: write.before,
            written,
        }
    }
}

/// The journal of one import: its writes in the order they were made,
/// and whether it has been undone.
///
/// ```
/// use intake::ImportJournal;
///
/// let journal = ImportJournal::new(Vec::new(), false);
/// assert!(journal.entries.is_empty() && !journal.undone);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportJournal {
    /// Every write, in the order written.
    pub entries: Vec<JournalEntry>,
    /// Whether [`Importer::undo`](crate::Importer::undo) has undone it.
    pub undone: bool,
}

impl ImportJournal {
    /// A journal of `entries`, `undone` or not.
    pub fn new(entries: Vec<JournalEntry>, undone: bool) -> ImportJournal {
        ImportJournal { entries, undone }
    }
}

/// A store that keeps a journal of each import's writes, so that
/// [`Importer::undo`](crate::Importer::undo) can undo an import.
///
/// The importer journals on its own: [`Store::journal`] says whether a
/// store keeps one, and every writing import into such a store calls
/// [`apply_journaled`](Journal::apply_journaled) instead of
/// [`apply`](Store::apply), with the import's [`ImportId`]. The store
/// records, **in the same atomic step as the writes** (the same
/// transaction, for a database), one [`JournalEntry`] per write that
/// succeeded: its row, the customer's id, its values before and as
/// written (its [`RecordDigest`]). The importer decides what an undo does (net effect per
/// customer, which customers changed since); the store only answers and
/// writes.
///
/// [`MemoryStore`](crate::MemoryStore), `SqliteStore` and `PostgresStore` (through
/// `Blocking`; async apps use `AsyncJournal`) keep one. An
/// app's store implements it by keeping the entries beside its customers
/// (a table of import id, row, customer id, before, digest written) and
/// returning `Some(self)` from [`Store::journal`]:
///
/// ```
/// use std::collections::BTreeMap;
/// use std::time::SystemTime;
/// use intake::{
///     presets, Customer, CustomerId, ImportId, ImportJournal, Importer, Journal, JournalEntry,
///     JournalWrite, MatchKey, MemoryStore, RecordDigest, Store, StoreError, Transactional,
///     Write,
/// };
///
/// /// Customers in a MemoryStore, the journal beside them.
/// #[derive(Default)]
/// struct AppStore {
///     customers: MemoryStore,
///     journals: BTreeMap<ImportId, (SystemTime, ImportJournal)>,
/// }
///
/// impl Store for AppStore {
///     fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
///         self.customers.lookup(keys)
///     }
///     fn apply(&mut self, writes: Vec<Write>) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
///         self.customers.apply(writes)
///     }
///     fn journal(&mut self) -> Option<&mut dyn Journal> {
///         Some(self)
///     }
/// }
///
/// impl Journal for AppStore {
///     fn apply_journaled(
///         &mut self,
///         import: &ImportId,
///         writes: Vec<Write>,
///         journal: &[JournalWrite],
///     ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
///         let written: Vec<_> = writes.iter().map(|w| match w {
///             Write::Insert(r) | Write::Update { record: r, .. } => RecordDigest::of(r),
///             _ => RecordDigest::of(&Default::default()),
///         }).collect();
///         let results = self.customers.apply(writes)?;
///         let (_, kept) = self.journals.entry(import.clone())
///             .or_insert_with(|| (SystemTime::now(), ImportJournal::new(Vec::new(), false)));
///         for ((result, record), write) in results.iter().zip(written).zip(journal) {
///             if let Ok(id) = result {
///                 kept.entries.push(JournalEntry::new(write.clone(), id.clone(), record));
///             }
///         }
///         Ok(results)
///     }
///     fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError> {
///         Ok(self.journals.get(import).map(|(_, j)| j.clone()))
///     }
///     fn customers_by_id(&mut self, ids: &[CustomerId]) -> Result<Vec<Option<Customer>>, StoreError> {
///         Ok(ids.iter().map(|id| self.customers.get(id)).collect())
///     }
///     fn remove(&mut self, ids: &[CustomerId]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
///         self.customers.remove(ids)
///     }
///     fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError> {
///         if let Some((_, j)) = self.journals.get_mut(import) {
///             j.undone = true;
///         }
///         Ok(())
///     }
///     fn prune(&mut self, older_than: SystemTime) -> Result<u64, StoreError> {
///         let before = self.journals.len();
///         self.journals.retain(|_, (at, _)| *at >= older_than);
///         Ok((before - self.journals.len()) as u64)
///     }
/// }
///
/// // This example's undo is not all-or-nothing: its transaction calls
/// // do nothing. A real store's would.
/// impl Transactional for AppStore {
///     fn begin(&mut self) -> Result<(), StoreError> { Ok(()) }
///     fn commit(&mut self) -> Result<(), StoreError> { Ok(()) }
///     fn rollback(&mut self) -> Result<(), StoreError> { Ok(()) }
/// }
///
/// let importer = Importer::new(presets::contacts());
/// let mut store = AppStore::default();
/// let report = importer.import("email\nann@example.com\n".as_bytes(), &mut store)?;
/// let undo = importer.undo(&report.import_id.unwrap(), &mut store)?;
/// assert_eq!(undo.removed, 1);
/// assert!(store.customers.is_empty());
/// # Ok::<(), intake::Error>(())
/// ```
pub trait Journal: Store {
    /// Applies `writes` as [`Store::apply`] does and, in the same atomic
    /// step, records a [`JournalEntry`] of import `import` for each write
    /// that succeeded. `journal` holds one [`JournalWrite`] per write, in
    /// the same order.
    fn apply_journaled(
        &mut self,
        import: &ImportId,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError>;

    /// The journal of `import`, or `None` when the store keeps none of it
    /// (an unknown id, or a journal pruned).
    fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError>;

    /// The customer of each id, in the same order (`None`: no such
    /// customer).
    fn customers_by_id(&mut self, ids: &[CustomerId]) -> Result<Vec<Option<Customer>>, StoreError>;

    /// Deletes the customers `ids`, one result per id; `Err` when the
    /// call as a whole failed and nothing was deleted.
    fn remove(&mut self, ids: &[CustomerId]) -> Result<Vec<Result<(), StoreError>>, StoreError>;

    /// Marks `import` as undone: its journal says so from now on.
    fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError>;

    /// Forgets the journals of the imports that started before
    /// `older_than`; they can no longer be undone. Answers how many.
    fn prune(&mut self, older_than: SystemTime) -> Result<u64, StoreError>;
}

/// The digest of the record a write writes.
pub(crate) fn written_digest(write: &Write) -> RecordDigest {
    match write {
        Write::Insert(record) | Write::Update { record, .. } => RecordDigest::of(record),
    }
}

/// Refuses a journaled call whose journal does not answer its writes one
/// for one: the batch fails as a whole, before anything is written.
pub(crate) fn check_journal_len(
    writes: &[Write],
    journal: &[JournalWrite],
) -> Result<(), StoreError> {
    if writes.len() == journal.len() {
        Ok(())
    } else {
        Err(StoreError::new(format!(
            "{} journal entries were given for {} writes",
            journal.len(),
            writes.len()
        )))
    }
}

/// Milliseconds since the Unix epoch, as the database journals keep times.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn unix_millis(at: SystemTime) -> i64 {
    match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |n| -n),
    }
}

/// A record as the database journals keep it: a JSON object of each
/// field's kind and text (`{"email":["email","ann@example.com"]}`), so it
/// comes back with its variants (a password hash as a hash).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn record_to_json(record: &Record) -> String {
    let object: serde_json::Map<String, serde_json::Value> = record
        .iter()
        .map(|(field, value)| {
            let kind = value.kind_name();
            (
                field.to_string(),
                serde_json::json!([kind, value.to_string()]),
            )
        })
        .collect();
    serde_json::Value::Object(object).to_string()
}

/// What a database journal says when it holds what it did not write.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn unreadable() -> StoreError {
    StoreError::new("the import journal holds a record it cannot read")
}

/// A record from the JSON object [`record_to_json`] wrote.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn record_from_object(
    object: serde_json::Map<String, serde_json::Value>,
) -> Result<Record, StoreError> {
    let mut values = Vec::with_capacity(object.len());
    for (field, pair) in object {
        let (Some(kind), Some(text)) = (
            pair.get(0).and_then(serde_json::Value::as_str),
            pair.get(1).and_then(serde_json::Value::as_str),
        ) else {
            return Err(unreadable());
        };
        let value = Value::of_kind(kind, text).ok_or_else(unreadable)?;
        values.push((field, value));
    }
    Ok(values.into_iter().collect())
}

/// The journal entries of a call's writes that succeeded, as the
/// database journals keep them in one row (`None`: none succeeded): a
/// JSON array of `[row, line, customer, before, written]` (the
/// customer's id as text, its values before as [`record_to_json`] writes
/// them or `null`, the [`RecordDigest`] as a number). A row per call
/// rather than per write: what the undo reads back whole anyway, at a
/// fraction of the database's cost per row.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn page_of(
    mapping: &crate::store::table::TableMapping,
    writes: &[Write],
    journal: &[JournalWrite],
    results: &[Result<CustomerId, StoreError>],
) -> Option<String> {
    PageTails::of(writes, journal).page(mapping, journal, results)
}

/// The part of each entry of [`page_of`] that does not depend on the
/// write's result: its `before` and `written`, ready before the writes
/// are (a store may have them made on another thread meanwhile).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) struct PageTails {
    /// Each write's `,before,written]`, one after the other.
    text: String,
    /// Where each write's ends in `text`.
    ends: Vec<usize>,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl PageTails {
    /// The tails of `writes`, whose journal is `journal` (one for one).
    pub(crate) fn of(writes: &[Write], journal: &[JournalWrite]) -> PageTails {
        use std::fmt::Write as _;
        let mut tails = PageTails {
            text: String::new(),
            ends: Vec::with_capacity(writes.len()),
        };
        for (write, kept) in writes.iter().zip(journal) {
            tails.text.push(',');
            match &kept.before {
                Some(before) => tails.text.push_str(&record_to_json(before)),
                None => tails.text.push_str("null"),
            }
            // Writing to a String cannot fail.
            let _ = write!(tails.text, ",{}]", written_digest(write).to_bits());
            tails.ends.push(tails.text.len());
        }
        tails
    }

    /// The page of the writes that succeeded (`None`: none did).
    pub(crate) fn page(
        &self,
        mapping: &crate::store::table::TableMapping,
        journal: &[JournalWrite],
        results: &[Result<CustomerId, StoreError>],
    ) -> Option<String> {
        use std::fmt::Write as _;
        let mut page = String::with_capacity(self.text.len() + 32 * results.len());
        page.push('[');
        let mut start = 0;
        for ((kept, result), &end) in journal.iter().zip(results).zip(&self.ends) {
            let tail = self.text.get(start..end).unwrap_or_default();
            start = end;
            let Ok(id) = result else {
                continue;
            };
            if page.len() > 1 {
                page.push(',');
            }
            let _ = write!(page, "[{},{},", kept.row, kept.line);
            match (id, mapping.id_text(id)) {
                // Digits need no escaping.
                (CustomerId::Int(n), _) => {
                    let _ = write!(page, "\"{n}\"");
                }
                (_, text) => {
                    let text = text.unwrap_or_else(|| id.to_string());
                    page.push_str(&serde_json::Value::String(text).to_string());
                }
            }
            page.push_str(tail);
        }
        page.push(']');
        // No write succeeded: nothing to journal.
        (page.len() > 2).then_some(page)
    }
}

/// Below this many writes a call's [`PageTails`] are made on the
/// writing thread: a thread costs more than they do.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
const TAILS_BESIDE_MIN: usize = 512;

/// Runs `write` (a call's writes, on this thread) while the tails of
/// their journal page are made on another: they are the journal's cost of
/// every write, and need nothing from the database. On this thread when
/// the call is small or no thread can be had.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn tails_beside<T>(
    writes: &[Write],
    journal: &[JournalWrite],
    write: impl FnOnce() -> T,
) -> (T, PageTails) {
    if writes.len() < TAILS_BESIDE_MIN {
        return (write(), PageTails::of(writes, journal));
    }
    std::thread::scope(|scope| {
        let beside = std::thread::Builder::new()
            .name("intake-journal".into())
            .spawn_scoped(scope, || PageTails::of(writes, journal));
        let done = write();
        // Making the tails does not panic (it only formats); had it, they
        // are made again here rather than lost.
        let tails = beside
            .ok()
            .and_then(|beside| beside.join().ok())
            .unwrap_or_else(|| PageTails::of(writes, journal));
        (done, tails)
    })
}

/// The entries of a row written by [`page_of`], added to `entries`;
/// `id_of` reads a customer's id from its text.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn read_page(
    page: &str,
    id_of: impl Fn(&str) -> Result<CustomerId, StoreError>,
    entries: &mut Vec<JournalEntry>,
) -> Result<(), StoreError> {
    type Kept = (
        u64,
        u64,
        String,
        Option<serde_json::Map<String, serde_json::Value>>,
        u64,
    );
    let kept: Vec<Kept> = serde_json::from_str(page).map_err(|e| unreadable().with_source(e))?;
    entries.reserve(kept.len());
    for (row, line, customer, before, written) in kept {
        let before = before.map(record_from_object).transpose()?;
        entries.push(JournalEntry::new(
            JournalWrite::new(row, line, before),
            id_of(&customer)?,
            RecordDigest::from_bits(written),
        ));
    }
    Ok(())
}

#[cfg(all(test, any(feature = "sqlite", feature = "postgres")))]
mod tests {
    use super::*;

    /// A record written by [`record_to_json`].
    fn record_from_json(json: &str) -> Result<Record, StoreError> {
        let object = serde_json::from_str(json).map_err(|e| unreadable().with_source(e))?;
        record_from_object(object)
    }

    #[test]
    fn a_record_comes_back_from_the_journal_with_its_variants() {
        let record: Record = [
            (
                "birthday",
                Value::Date(chrono::NaiveDate::from_ymd_opt(1986, 10, 25).unwrap_or_default()),
            ),
            ("email", Value::Email("ann@example.com".into())),
            ("password", Value::PasswordHash("$argon2id$x".into())),
            ("state", Value::State("US-CA".into())),
            ("note", Value::Text("say \"hi\"".into())),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            record_from_json(&record_to_json(&record)).ok(),
            Some(record)
        );
        assert!(record_from_json("{\"x\":[\"colour\",\"red\"]}").is_err());
        assert!(record_from_json("not json").is_err());
    }

    #[test]
    fn a_page_gives_back_its_entries_in_order() {
        let mapping = crate::store::table::TableMapping::for_schema(&crate::presets::contacts());
        let before: Record = [("first_name", Value::Text("Ann".into()))]
            .into_iter()
            .collect();
        let after: Record = [("first_name", Value::Text("Anne".into()))]
            .into_iter()
            .collect();
        let kept = [
            JournalWrite::new(2, 2, None),
            JournalWrite::new(3, 3, None),
            JournalWrite::new(5, 7, Some(before)),
        ];
        let writes = [
            Write::Insert(after.clone()),
            Write::Insert(after.clone()),
            Write::Update {
                id: CustomerId::from(9),
                record: after.clone(),
            },
        ];
        let results = [
            Ok(CustomerId::from(8)),
            Err(StoreError::new("refused")),
            Ok(CustomerId::from(9)),
        ];
        let page = page_of(&mapping, &writes, &kept, &results).expect("two writes succeeded");
        let mut entries = Vec::new();
        read_page(&page, |text| mapping.id_of(text), &mut entries).expect("a page reads back");
        let written = RecordDigest::of(&after);
        let [insert, _, update] = kept.clone();
        assert_eq!(
            entries,
            vec![
                JournalEntry::new(insert, CustomerId::from(8), written),
                JournalEntry::new(update, CustomerId::from(9), written),
            ]
        );
        assert_eq!(
            page_of(&mapping, &writes[1..2], &kept[1..2], &results[1..2]),
            None
        );
        assert!(read_page("[[1,2]]", |t| Ok(CustomerId::from(t)), &mut entries).is_err());
    }

    #[test]
    fn tails_made_beside_the_writes_make_the_page_made_in_turn() {
        let mapping = crate::store::table::TableMapping::for_schema(&crate::presets::contacts());
        let calls = TAILS_BESIDE_MIN + 88;
        let record = |i: usize| -> Record {
            [("email", Value::Email(format!("c{i}@example.com").into()))]
                .into_iter()
                .collect()
        };
        let writes: Vec<Write> = (0..calls).map(|i| Write::Insert(record(i))).collect();
        let kept: Vec<JournalWrite> = (0..calls)
            .map(|i| JournalWrite::new(i as u64 + 2, i as u64 + 2, (i % 3 == 0).then(|| record(i))))
            .collect();
        let results: Vec<Result<CustomerId, StoreError>> = (0..calls)
            .map(|i| match i % 10 {
                7 => Err(StoreError::new("refused")),
                _ => Ok(CustomerId::from(i as i64)),
            })
            .collect();
        let mut ran_beside = false;
        let (written, tails) = tails_beside(&writes, &kept, || {
            ran_beside = true;
            results.clone()
        });
        assert!(ran_beside);
        assert_eq!(
            tails.page(&mapping, &kept, &written),
            PageTails::of(&writes, &kept).page(&mapping, &kept, &results)
        );
        let page = page_of(&mapping, &writes, &kept, &results).expect("writes succeeded");
        let mut entries = Vec::new();
        read_page(&page, |text| mapping.id_of(text), &mut entries).expect("a page reads back");
        assert_eq!(entries.len(), results.iter().filter(|r| r.is_ok()).count());
    }
}
