//! [`SqliteStore`] (feature `sqlite`): customers in a SQLite file, in a
//! table of the app's design or the default one. `layout` writes the
//! statements and checks the table; `rows` reads and writes customers.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{CachedStatement, Connection, ErrorCode, ToSql};

use super::table::{quoted, split_keys, IdKind, Row, TableMapping};
use super::{Customer, CustomerId, MatchKey, Store, StoreError, Transactional, Write};
use crate::record::Record;

mod checkpoint;
mod journal;
mod layout;
mod rows;

use layout::*;
use rows::*;

/// it gives up, unless [`SqliteStore::busy_timeout`] says otherwise.
const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The most a file's page cache holds: 64 MiB (a negative `cache_size`
/// is in KiB).
const PAGE_CACHE_KIB: i64 = -64 * 1024;

/// A store in a SQLite file (feature `sqlite`; SQLite is bundled, nothing
/// to install), in a table of one row per customer: the default one, or
/// the app's own.
///
/// # Table layout
///
/// [`open`](SqliteStore::open) and [`in_memory`](SqliteStore::in_memory)
/// keep customers in the default table for the contacts preset
/// ([`TableMapping::for_schema`]`(&presets::contacts())`), created when
/// missing:
///
/// ```sql
/// CREATE TABLE IF NOT EXISTS "customers" (
///     "id" INTEGER PRIMARY KEY,   -- the CustomerId
///     "first_name" TEXT,
///     "last_name" TEXT,
///     "email" TEXT,               -- the email key: trimmed, NFC, lower-cased
///     "phone" TEXT,               -- the phone key, in E.164 (+14155550101)
///     "company" TEXT,
///     "street1" TEXT,
///     "street2" TEXT,
///     "city" TEXT,
///     "state" TEXT,               -- ISO 3166-2 (US-CA) when recognized
///     "postal_code" TEXT,
///     "country" TEXT,             -- ISO 3166-1 alpha-2 (US) when recognized
///     "birthday" TEXT,            -- YYYY-MM-DD
///     "reference_id" TEXT,
///     "other" TEXT,
///     "custom_fields" TEXT        -- every other field: a JSON object of texts
/// );
/// CREATE UNIQUE INDEX IF NOT EXISTS "customers_email" ON "customers" ("email");
/// CREATE UNIQUE INDEX IF NOT EXISTS "customers_phone" ON "customers" ("phone");
/// ```
///
/// Every value is kept as the text [`Value`](crate::Value) prints (`NULL` for no
/// value) and read back as text: the importer compares customers as text
/// ([`Record::eq_as_text`]), so a re-import of the same file is all
/// unchanged. Fields of another schema (the field-service preset's
/// `title`, `email2`, `password`…, an account's own fields) go into
/// `custom_fields`, e.g. `{"email2":"luis@example.com","loyalty_points":"120"}`;
/// a password is only ever kept as its hash, which is read back as one.
///
/// # The app's own table
///
/// [`open_with`](SqliteStore::open_with) (and
/// [`in_memory_with`](SqliteStore::in_memory_with)) keep customers in the
/// table a [`TableMapping`] describes: its name, its id column
/// ([`IdKind::Int`], or UUIDs or text kept as text), a column per field
/// and an optional JSON column for the fields without one. A table that
/// is missing is created as above (a `TEXT PRIMARY KEY` id for UUID and
/// text ids, filled by the store with a new random UUID); an existing
/// table is used as it is, once its columns are checked: every column of
/// the mapping must exist, and the email and phone key columns must have
/// unique indexes (a `UNIQUE` column or a `CREATE UNIQUE INDEX` of that
/// column alone), which is what makes a second customer with the same key
/// a [conflict](StoreError::conflict) and the lookups fast. Other columns
/// of the table are left to their defaults. A UUID or text id column with
/// a `DEFAULT` gets its ids from the database; one without gets the
/// store's UUIDs (lower-case, hyphenated). A column of another type than
/// `TEXT` works if it gives the same text back (an `INTEGER` column for
/// whole numbers).
///
/// ```
/// use intake::{presets, Importer, MatchKey, SqliteStore, TableMapping};
///
/// // The app's table, with its own names.
/// let path = std::env::temp_dir().join(format!("intake-app-{}.db", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let conn = rusqlite::Connection::open(&path)?;
/// conn.execute_batch(
///     "CREATE TABLE people (
///          person_id INTEGER PRIMARY KEY,
///          mail TEXT UNIQUE,
///          mobile TEXT UNIQUE,
///          given_name TEXT,
///          attributes TEXT,
///          created_at TEXT DEFAULT CURRENT_TIMESTAMP
///      );",
/// )?;
///
/// let mapping = TableMapping::for_schema(&presets::contacts())
///     .table("people")
///     .id_column("person_id", intake::IdKind::Int)
///     .column("email", "mail")
///     .column("phone", "mobile")
///     .column("first_name", "given_name")
///     .only_columns(["email", "phone", "first_name"])
///     .custom_fields(Some("attributes"));
/// let mut store = SqliteStore::open_with(&path, mapping)?;
/// let csv = "first_name,email,city\nAnn,ann@example.com,Oslo\n";
/// let report = Importer::new(presets::contacts()).import(csv.as_bytes(), &mut store)?;
/// assert_eq!(report.inserted, 1);
///
/// let (name, attributes): (String, String) = conn.query_row(
///     "SELECT given_name, attributes FROM people WHERE mail = 'ann@example.com'",
///     [],
///     |row| Ok((row.get(0)?, row.get(1)?)),
/// )?;
/// assert_eq!((name.as_str(), attributes.as_str()), ("Ann", r#"{"city":"Oslo"}"#));
/// let ann = store.find(&MatchKey::Email("ann@example.com".into()))?.unwrap();
/// assert_eq!(ann.record.text("city"), Some("Oslo"));
/// # drop((store, conn));
/// # for end in ["", "-wal", "-shm"] {
/// #     let _ = std::fs::remove_file(format!("{}{end}", path.display()));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Batches and transactions
///
/// [`lookup`](Store::lookup) answers a whole batch of keys with a query
/// on each key index: the emails, then the phones that no customer found
/// by email has (a re-import finds most customers by both).
/// [`apply`](Store::apply) writes a batch in one
/// transaction, one prepared statement per write: an insert whose email
/// or phone is taken, or an update that would take another customer's,
/// fails alone as a [conflict](StoreError::conflict) naming the key
/// ("ann@example.com already belongs to another customer"), an update of
/// a customer that is not there fails alone ("customer 7 does not
/// exist"), and the others are kept. An error of the database itself
/// (disk full, I/O, busy past the timeout) fails the whole batch, and
/// nothing of it is written. [`begin`](Transactional::begin) opens a real
/// transaction for an [all-or-nothing](crate::Importer::import_atomic)
/// import (each batch then is a savepoint inside it).
///
/// # Several imports at once
///
/// A file is opened in WAL mode with a busy timeout (30 seconds unless
/// [`busy_timeout`](SqliteStore::busy_timeout) says otherwise), and every
/// batch takes the write lock before it writes: two imports into the same
/// file, from two threads or two processes, each with its own
/// `SqliteStore`, take turns rather than fail. Readers never wait. When
/// both create the same customer, the unique index keeps one: the other
/// import's row is a conflict, which the importer looks up again and
/// decides anew. No customer is lost or duplicated. An all-or-nothing
/// import holds the write lock until it ends.
///
/// A batch's rows land all over the key indexes, so each batch rewrites
/// many of their pages: the store's connection keeps a page cache of up
/// to 64 MiB and lets the WAL grow to about 40 MB (10000 pages) before it
/// copies it into the file, instead of SQLite's 2 MiB and 1000 pages.
/// That copy (a checkpoint), which waits for the disk, runs on a thread
/// of the store's own with its own connection, beside the import's
/// writes rather than in the way of one of its batches; should that
/// thread not start or fall behind, the store's connection checkpoints
/// itself, from about 160 MB of WAL. The WAL is removed when the store
/// is dropped.
///
/// # Durability
///
/// A file is written with `synchronous = NORMAL`: a commit does not wait
/// for the disk, only a checkpoint does. A batch that
/// [`apply`](Store::apply) reported written survives the program's crash
/// or kill, and the file is never corrupted; a power loss or an
/// operating system crash may lose the last batches committed before it
/// (the file keeps those before them, each batch whole or not at all),
/// which an import of the same file again writes anew. An in-memory store
/// has nothing to keep.
///
/// # Example
///
/// ```
/// use intake::SqliteStore;
/// use intake::{presets, Context, Importer, MatchKey};
///
/// # let path = std::env::temp_dir().join(format!("intake-doc-{}.db", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let importer = Importer::new(presets::contacts()).context(Context::new().default_country("US")?);
/// let csv = "first_name,email,phone\nAnn,ann@example.com,(415) 555-0101\n";
///
/// let mut store = SqliteStore::open(&path)?;
/// let first = importer.import(csv.as_bytes(), &mut store)?;
/// assert_eq!(first.inserted, 1);
///
/// // A later run against the same file builds on the first.
/// let mut store = SqliteStore::open(&path)?;
/// let again = importer.import(csv.as_bytes(), &mut store)?;
/// assert_eq!(again.unchanged, 1);
///
/// let ann = store.find(&MatchKey::Phone("+14155550101".into()))?.unwrap();
/// assert_eq!(ann.record.text("first_name"), Some("Ann"));
/// # drop(store);
/// # for end in ["", "-wal", "-shm"] {
/// #     let _ = std::fs::remove_file(format!("{}{end}", path.display()));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    /// The file's checkpoints, when they run on a thread of their own.
    /// Dropped first (fields drop in order): the thread's connection
    /// closes before the store's, which then checkpoints the rest.
    checkpointer: Option<checkpoint::Checkpointer>,
    conn: Connection,
    mapping: TableMapping,
    sql: Statements,
    /// The ids of new customers, when the store makes them (UUID or text
    /// ids in a column without a default).
    new_ids: Option<NewIds>,
    /// Whether an all-or-nothing transaction ([`Transactional::begin`]) is open.
    in_transaction: bool,
    /// Whether imports write a journal (`journal.rs`).
    keep_journal: bool,
}

/// Why one write of a batch failed.
pub(super) enum WriteFailure {
    /// This write only: the others of the batch go on.
    Row(StoreError),
    /// The database failed: the batch as a whole fails.
    Batch(StoreError),
}

/// A database error, kept as the cause of a [`StoreError`] saying what
/// failed: temporary when the database was busy or locked.
pub(super) fn db_error(e: rusqlite::Error, what: impl Into<String>) -> StoreError {
    let busy = matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    );
    let error = StoreError::new(what).with_source(e);
    if busy {
        error.temporary()
    } else {
        error
    }
}

/// A database error while reading.
pub(super) fn read_error(e: rusqlite::Error) -> StoreError {
    db_error(e, "the customer database could not be read")
}

/// A database error while writing: the batch fails.
pub(super) fn batch_error(e: rusqlite::Error) -> WriteFailure {
    WriteFailure::Batch(db_error(e, "the customer database failed"))
}

impl SqliteStore {
    /// Opens the SQLite file at `path`, creating it and the [default
    /// table](SqliteStore#table-layout) when missing.
    ///
    /// ```
    /// use intake::SqliteStore;
    ///
    /// let path = std::env::temp_dir().join(format!("intake-open-{}.db", std::process::id()));
    /// let store = SqliteStore::open(&path)?;
    /// assert!(store.is_empty()?);
    /// # drop(store);
    /// # for end in ["", "-wal", "-shm"] {
    /// #     let _ = std::fs::remove_file(format!("{}{end}", path.display()));
    /// # }
    /// # Ok::<(), intake::StoreError>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, default_mapping())
    }

    /// Opens the SQLite file at `path` (created when missing) and keeps
    /// customers in [the app's own table](SqliteStore#the-apps-own-table),
    /// as `mapping` describes it: created when missing, otherwise checked
    /// (a missing column or a key column without a unique index fails).
    ///
    /// ```
    /// use intake::{presets, IdKind, Importer, SqliteStore, TableMapping};
    ///
    /// let path = std::env::temp_dir().join(format!("intake-open-with-{}.db", std::process::id()));
    /// # let _ = std::fs::remove_file(&path);
    /// // A table of UUID ids, created by the store.
    /// let mapping = TableMapping::for_schema(&presets::contacts())
    ///     .table("crm_customers")
    ///     .id_column("customer_id", IdKind::Uuid);
    /// let mut store = SqliteStore::open_with(&path, mapping.clone())?;
    /// let report = Importer::new(presets::contacts())
    ///     .import("email\nann@example.com\n".as_bytes(), &mut store)?;
    /// assert_eq!(report.inserted, 1);
    /// assert!(store.customers()?[0].id.as_uuid().is_some());
    ///
    /// // A column the table does not have is refused.
    /// let wrong = mapping.column("first_name", "given_name");
    /// let err = SqliteStore::open_with(&path, wrong).unwrap_err();
    /// assert!(err.message().contains("given_name"), "{err}");
    /// # drop(store);
    /// # for end in ["", "-wal", "-shm"] {
    /// #     let _ = std::fs::remove_file(format!("{}{end}", path.display()));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(
        path: impl AsRef<Path>,
        mapping: TableMapping,
    ) -> Result<SqliteStore, StoreError> {
        mapping.check()?;
        let path = path.as_ref();
        let cannot = |e: rusqlite::Error| {
            db_error(
                e,
                format!(
                    "the customer database {} could not be opened",
                    path.display()
                ),
            )
        };
        let conn = Connection::open(path).map_err(cannot)?;
        conn.busy_timeout(DEFAULT_BUSY_TIMEOUT).map_err(cannot)?;
        // WAL: readers do not wait for a writer. A file system without WAL
        // support keeps its journal mode, which only costs concurrency.
        // Switching needs the file to itself, and SQLite does not wait for
        // that: another connection opening the file at the same time is
        // waited for here.
        let mode = |row: &rusqlite::Row<'_>| row.get::<_, String>(0);
        let journal =
            retry_while_busy(|| conn.pragma_update_and_check(None, "journal_mode", "WAL", mode))
                .map_err(cannot)?;
        // NORMAL: in WAL mode a commit then does not wait for the disk; a
        // power loss may lose the last batches, never corrupt the file
        // (see "Durability" above). FULL would wait at every batch.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(cannot)?;
        // Each batch is a transaction of its own, and its rows land all
        // over the key indexes: a batch of 1000 rows rewrites most of
        // their pages (about 750 pages of WAL a batch at 100k customers).
        // A page cache that holds them (instead of SQLite's 2 MiB) saves
        // reading them again for every batch, and a checkpoint every
        // 10000 pages of WAL (instead of 1000: about every batch) saves
        // copying them into the file, and waiting for the disk, at every
        // batch: 100k rows import in about half the time. The thread
        // below takes the checkpoints off the import's way; SQLite's own,
        // every 10000 pages, are only for a store without it.
        conn.pragma_update(None, "cache_size", PAGE_CACHE_KIB)
            .map_err(cannot)?;
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::CHECKPOINT_PAGES)
            .map_err(cannot)?;
        let mut store = SqliteStore::setup(conn, mapping)?;
        // The checkpoints, which wait for the disk, on a thread of their
        // own (SQLite's, above, when it cannot be had).
        if journal.eq_ignore_ascii_case("wal") {
            store.checkpointer = checkpoint::Checkpointer::start(path, &mut store.conn);
        }
        Ok(store)
    }

    /// A store in a fresh in-memory database with the [default
    /// table](SqliteStore#table-layout), gone when dropped: for tests and
    /// previews.
    ///
    /// ```
    /// use intake::SqliteStore;
    /// use intake::{presets, Importer};
    ///
    /// let mut store = SqliteStore::in_memory()?;
    /// let report = Importer::new(presets::contacts())
    ///     .import("email\nann@example.com\n".as_bytes(), &mut store)?;
    /// assert_eq!(report.inserted, 1);
    /// assert_eq!(store.len()?, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        SqliteStore::in_memory_with(default_mapping())
    }

    /// A store in a fresh in-memory database, in the table `mapping`
    /// describes (created, since the database is new): for trying a
    /// mapping out.
    ///
    /// ```
    /// use intake::{presets, IdKind, Importer, SqliteStore, TableMapping};
    ///
    /// let mapping = TableMapping::for_schema(&presets::contacts())
    ///     .id_column("ref", IdKind::Text)
    ///     .column("email", "email_address");
    /// let mut store = SqliteStore::in_memory_with(mapping)?;
    /// Importer::new(presets::contacts())
    ///     .import("email\nann@example.com\n".as_bytes(), &mut store)?;
    /// let ann = &store.customers()?[0];
    /// assert_eq!(ann.id.as_text().map(str::len), Some(36), "a UUID as text");
    /// assert_eq!(ann.record.text("email"), Some("ann@example.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_memory_with(mapping: TableMapping) -> Result<SqliteStore, StoreError> {
        mapping.check()?;
        let conn = Connection::open_in_memory()
            .map_err(|e| db_error(e, "an in-memory customer database could not be created"))?;
        SqliteStore::setup(conn, mapping)
    }

    /// Creates the mapping's table when missing, checks it, and writes the
    /// statements.
    fn setup(conn: Connection, mapping: TableMapping) -> Result<SqliteStore, StoreError> {
        let table = mapping.get_table().to_string();
        let failed = |e: rusqlite::Error| {
            db_error(e, format!("the customer table {table} could not be set up"))
        };
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(failed)?;
        let mut columns = table_columns(&conn, &mapping).map_err(failed)?;
        if columns.is_empty() {
            let ddl = create_table(&mapping);
            retry_while_busy(|| {
                let created = conn.execute_batch(&format!("BEGIN IMMEDIATE;\n{ddl}COMMIT;"));
                if created.is_err() && !conn.is_autocommit() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                created
            })
            .map_err(failed)?;
            columns = table_columns(&conn, &mapping).map_err(failed)?;
        }
        let has = |name: &str| columns.iter().find(|c| c.0.eq_ignore_ascii_case(name));
        let (id_column, kind) = mapping.get_id_column();
        let mut missing: Vec<String> = Vec::new();
        if has(id_column).is_none() {
            missing.push(format!("{id_column:?} (the id)"));
        }
        for (field, column) in mapping.field_columns() {
            if has(column).is_none() {
                missing.push(format!("{column:?} (the field {field})"));
            }
        }
        if let Some(custom) = mapping.get_custom_fields() {
            if has(custom).is_none() {
                missing.push(format!("{custom:?} (the custom fields)"));
            }
        }
        if !missing.is_empty() {
            let s = if missing.len() == 1 { "" } else { "s" };
            return Err(StoreError::new(format!(
                "the customer table {table} has no column{s} {}, which the table mapping names",
                missing.join(", ")
            )));
        }
        let unique = unique_columns(&conn, &mapping).map_err(failed)?;
        for column in [mapping.email_column(), mapping.phone_column()]
            .into_iter()
            .flatten()
        {
            if !unique.iter().any(|u| u.eq_ignore_ascii_case(column)) {
                let (_, name) = split_table(&table);
                return Err(StoreError::new(format!(
                    "the key column {column:?} of the customer table {table} has no unique index, \
                     which keeps two customers from having the same key: create one \
                     (CREATE UNIQUE INDEX {} ON {} ({}))",
                    quoted(&format!("{name}_{column}")),
                    quoted(name),
                    quoted(column)
                )));
            }
        }
        let id_has_default = has(id_column).is_some_and(|c| c.1);
        let new_ids = match kind {
            IdKind::Int => None,
            _ if id_has_default => None,
            kind => Some(NewIds::new(kind)),
        };
        let id_is_rowid =
            matches!(kind, IdKind::Int) && layout::id_is_rowid(&conn, &mapping).map_err(failed)?;
        Ok(SqliteStore {
            checkpointer: None,
            sql: Statements::new(&mapping, new_ids.is_some(), id_is_rowid),
            conn,
            mapping,
            new_ids,
            in_transaction: false,
            keep_journal: true,
        })
    }

    /// Sets how long a write waits for another connection's write to the
    /// same file (another import) before it fails (default: 30 seconds).
    ///
    /// ```
    /// use std::time::Duration;
    /// use intake::SqliteStore;
    ///
    /// let store = SqliteStore::in_memory()?.busy_timeout(Duration::from_secs(5))?;
    /// # Ok::<(), intake::StoreError>(())
    /// ```
    pub fn busy_timeout(self, timeout: Duration) -> Result<SqliteStore, StoreError> {
        self.conn
            .busy_timeout(timeout)
            .map_err(|e| db_error(e, "the customer database's busy timeout could not be set"))?;
        Ok(self)
    }

    /// How many customers the store holds.
    ///
    /// ```
    /// use intake::SqliteStore;
    /// assert_eq!(SqliteStore::in_memory()?.len()?, 0);
    /// # Ok::<(), intake::StoreError>(())
    /// ```
    pub fn len(&self) -> Result<usize, StoreError> {
        let count: i64 = self
            .conn
            .query_row(&self.sql.count, [], |row| row.get(0))
            .map_err(read_error)?;
        usize::try_from(count).map_err(|_| StoreError::new("the customer count is out of range"))
    }

    /// Whether the store holds no customer.
    ///
    /// ```
    /// use intake::SqliteStore;
    /// assert!(SqliteStore::in_memory()?.is_empty()?);
    /// # Ok::<(), intake::StoreError>(())
    /// ```
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }

    /// The customer `key` belongs to.
    ///
    /// ```
    /// use intake::SqliteStore;
    /// use intake::{presets, Importer, MatchKey};
    ///
    /// let mut store = SqliteStore::in_memory()?;
    /// Importer::new(presets::contacts())
    ///     .import("first_name,email\nAnn,Ann@Example.com\n".as_bytes(), &mut store)?;
    /// let ann = store.find(&MatchKey::Email("ann@example.com".into()))?.unwrap();
    /// assert_eq!(ann.record.text("first_name"), Some("Ann"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn find(&self, key: &MatchKey) -> Result<Option<Customer>, StoreError> {
        Ok(self
            .look_up(std::slice::from_ref(key))?
            .into_iter()
            .next()
            .flatten())
    }

    /// The customer with id `id` (`None` for an id of another kind than
    /// the table's).
    ///
    /// ```
    /// use intake::SqliteStore;
    /// use intake::{CustomerId, Record, Store, Value, Write};
    ///
    /// let mut store = SqliteStore::in_memory()?;
    /// let ann: Record = [("first_name", Value::Text("Ann".into()))].into_iter().collect();
    /// let id = store.apply(vec![Write::Insert(ann.clone())])?.remove(0)?;
    /// assert_eq!(store.get(&id)?.map(|c| c.record), Some(ann));
    /// assert_eq!(store.get(&CustomerId::from(999))?, None);
    /// # Ok::<(), intake::StoreError>(())
    /// ```
    pub fn get(&self, id: &CustomerId) -> Result<Option<Customer>, StoreError> {
        let Some(param) = self.id_param(id) else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached(&self.sql.get)
            .map_err(read_error)?;
        let mut rows = stmt.query([param]).map_err(read_error)?;
        match rows.next().map_err(read_error)? {
            Some(row) => self.customer_of(row).map(Some),
            None => Ok(None),
        }
    }

    /// Every customer, in id order.
    ///
    /// ```
    /// use intake::SqliteStore;
    /// use intake::{presets, Importer};
    ///
    /// let mut store = SqliteStore::in_memory()?;
    /// Importer::new(presets::contacts())
    ///     .import("email\nann@example.com\nbob@example.com\n".as_bytes(), &mut store)?;
    /// let emails: Vec<_> = store
    ///     .customers()?
    ///     .iter()
    ///     .map(|c| c.record.text("email").unwrap_or_default().to_string())
    ///     .collect();
    /// assert_eq!(emails, ["ann@example.com", "bob@example.com"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn customers(&self) -> Result<Vec<Customer>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&self.sql.all)
            .map_err(read_error)?;
        let mut rows = stmt.query([]).map_err(read_error)?;
        let mut customers = Vec::new();
        while let Some(row) = rows.next().map_err(read_error)? {
            customers.push(self.customer_of(row)?);
        }
        Ok(customers)
    }
}

impl Store for SqliteStore {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.check_transaction()?;
        self.look_up(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        if writes.is_empty() {
            return Ok(Vec::new());
        }
        self.check_transaction()?;
        // Outside an all-or-nothing import, take the write lock up front
        // (waiting for another import's batch), so the batch cannot fail
        // half-way for being busy.
        let start = if self.in_transaction {
            "SAVEPOINT intake_batch"
        } else {
            "BEGIN IMMEDIATE"
        };
        self.control(start)
            .map_err(|e| db_error(e, "the customer database could not start writing"))?;
        let results = match self.write_all(&writes) {
            Ok(results) => results,
            Err(e) => {
                self.abandon_batch();
                return Err(e);
            }
        };
        let end = if self.in_transaction {
            "RELEASE intake_batch"
        } else {
            "COMMIT"
        };
        if let Err(e) = self.control(end) {
            self.abandon_batch();
            return Err(db_error(
                e,
                "the customer database could not save the batch",
            ));
        }
        Ok(results)
    }

    fn journal(&mut self) -> Option<&mut dyn super::Journal> {
        match self.keep_journal {
            true => Some(self),
            false => None,
        }
    }
}

impl Transactional for SqliteStore {
    fn begin(&mut self) -> Result<(), StoreError> {
        if self.in_transaction || !self.conn.is_autocommit() {
            return Err(StoreError::new(
                "an all-or-nothing import is already running on this store",
            ));
        }
        self.control("BEGIN IMMEDIATE")
            .map_err(|e| db_error(e, "the customer database could not start a transaction"))?;
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        if !self.in_transaction {
            return Err(StoreError::new("no transaction to commit"));
        }
        self.check_transaction()?;
        self.control("COMMIT")
            .map_err(|e| db_error(e, "the customer database could not commit the import"))?;
        self.in_transaction = false;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        if !self.in_transaction {
            return Err(StoreError::new("no transaction to roll back"));
        }
        self.in_transaction = false;
        if self.conn.is_autocommit() {
            // SQLite already rolled it back.
            return Ok(());
        }
        self.control("ROLLBACK")
            .map_err(|e| db_error(e, "the customer database could not roll the import back"))
    }
}

/// Runs `step` again while the database is busy or locked (another
/// connection opening the same file), for up to the default busy timeout.
fn retry_while_busy<T>(
    mut step: impl FnMut() -> Result<T, rusqlite::Error>,
) -> Result<T, rusqlite::Error> {
    let start = Instant::now();
    loop {
        match step() {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) && start.elapsed() < DEFAULT_BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            outcome => return outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::record::Value;

    fn plan(store: &SqliteStore, sql: &str, params: impl rusqlite::Params) -> String {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map(params, |row| row.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        plan.join("\n")
    }

    #[test]
    fn the_lookup_uses_the_unique_indexes() {
        let store = SqliteStore::in_memory().unwrap();
        let emails = plan(&store, &store.sql.lookup_emails, ["[]"]);
        assert!(emails.contains("customers_email"), "{emails}");
        assert!(!emails.contains("SCAN customers"), "{emails}");
        let phones = plan(&store, &store.sql.lookup_phones, ["[]"]);
        assert!(phones.contains("customers_phone"), "{phones}");
        assert!(!phones.contains("SCAN customers"), "{phones}");
    }

    #[test]
    fn only_a_rowid_id_spares_the_insert_its_returning() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE a (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
             CREATE TABLE b (id INTEGER PRIMARY KEY, email TEXT UNIQUE) WITHOUT ROWID;
             CREATE TABLE c (id INTEGER PRIMARY KEY DESC, email TEXT UNIQUE);
             CREATE TABLE d (id INT PRIMARY KEY, email TEXT UNIQUE);
             CREATE TABLE e (id integer, email TEXT UNIQUE, PRIMARY KEY (id));
             CREATE TABLE f (id INTEGER, n INTEGER, email TEXT UNIQUE, PRIMARY KEY (id, n));",
        )
        .unwrap();
        for (table, rowid) in [
            ("a", true),
            ("b", false),
            ("c", false),
            ("d", false),
            ("e", true),
            ("f", false),
        ] {
            let mapping = TableMapping::for_schema(&presets::contacts())
                .table(table)
                .only_columns(["email"])
                .custom_fields(None);
            assert_eq!(
                layout::id_is_rowid(&conn, &mapping).unwrap(),
                rowid,
                "{table}"
            );
        }
        let store = SqliteStore::in_memory().unwrap();
        assert!(!store.sql.insert_returns);
        assert!(!store.sql.insert.contains("RETURNING"));
    }

    #[test]
    fn an_integer_id_that_is_not_the_rowid_is_read_back() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE customers (id INT PRIMARY KEY NOT NULL DEFAULT 42, email TEXT UNIQUE,
                 phone TEXT UNIQUE);
             INSERT INTO customers (id, email) VALUES (7, 'old@example.com');",
        )
        .unwrap();
        let mapping = TableMapping::for_schema(&presets::contacts())
            .only_columns(["email", "phone"])
            .custom_fields(None);
        let mut store = SqliteStore::setup(conn, mapping).unwrap();
        assert!(store.sql.insert_returns);
        let ann: Record = [("email", Value::Email("ann@example.com".into()))]
            .into_iter()
            .collect();
        let id = store.apply(vec![Write::Insert(ann.clone())]).unwrap()[0]
            .clone()
            .unwrap();
        // Not the rowid (2): the id column's own value.
        assert_eq!(id, CustomerId::Int(42));
        assert_eq!(store.get(&id).unwrap().unwrap().record, ann);
    }

    #[test]
    fn a_rowid_id_is_the_new_rows_even_with_a_trigger_inserting_elsewhere() {
        let mut store = SqliteStore::in_memory().unwrap();
        store
            .conn
            .execute_batch(
                "CREATE TABLE audit (n INTEGER PRIMARY KEY, what TEXT);
                 INSERT INTO audit (n) VALUES (1000);
                 CREATE TRIGGER logged AFTER INSERT ON customers
                 BEGIN INSERT INTO audit (what) VALUES (new.email); END;",
            )
            .unwrap();
        let with = |email: &str| -> Record {
            [("email", Value::Email(email.into()))]
                .into_iter()
                .collect()
        };
        let results = store
            .apply(vec![
                Write::Insert(with("a@example.com")),
                Write::Insert(with("a@example.com")),
                Write::Insert(with("b@example.com")),
            ])
            .unwrap();
        assert_eq!(results[0].clone().unwrap(), CustomerId::Int(1));
        assert!(results[1].as_ref().unwrap_err().is_conflict());
        assert_eq!(results[2].clone().unwrap(), CustomerId::Int(2));
    }

    #[test]
    fn a_file_store_checkpoints_on_its_thread_and_removes_the_wal_when_dropped() {
        let path = std::env::temp_dir().join(format!(
            "intake-checkpoint-{}-{:?}.db",
            std::process::id(),
            std::thread::current().id()
        ));
        let remove = || {
            for end in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{end}", path.display()));
            }
        };
        remove();
        let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
        let mut store = SqliteStore::open(&path).unwrap();
        assert!(store.checkpointer.is_some());
        let writes: Vec<Write> = (0..2000)
            .map(|n| {
                let record: Record = [
                    ("email", Value::Email(format!("c{n}@example.com").into())),
                    ("first_name", Value::Text("x".repeat(500).into())),
                ]
                .into_iter()
                .collect();
                Write::Insert(record)
            })
            .collect();
        for writes in writes.chunks(200) {
            let results = store.apply(writes.to_vec()).unwrap();
            assert!(results.iter().all(Result::is_ok));
        }
        assert!(wal.exists());
        let done = &store.checkpointer.as_ref().unwrap().done;
        let start = Instant::now();
        while done.load(std::sync::atomic::Ordering::Relaxed) == 0
            && start.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(done.load(std::sync::atomic::Ordering::Relaxed) > 0);
        drop(store);
        assert!(!wal.exists(), "the WAL is left behind");
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.len().unwrap(), 2000);
        drop(store);
        remove();
    }

    #[test]
    fn the_conflict_checks_use_the_unique_indexes() {
        let store = SqliteStore::in_memory().unwrap();
        for sql in [&store.sql.email_taken, &store.sql.phone_taken] {
            let plan = plan(&store, sql, rusqlite::params!["x", 1]);
            assert!(plan.contains("INDEX customers_"), "{plan}");
        }
    }

    #[test]
    fn the_default_table_is_the_documented_one() {
        let store = SqliteStore::in_memory().unwrap();
        let columns: Vec<String> = table_columns(&store.conn, &store.mapping)
            .unwrap()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(
            columns,
            [
                "id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "company",
                "street1",
                "street2",
                "city",
                "state",
                "postal_code",
                "country",
                "birthday",
                "reference_id",
                "other",
                "custom_fields"
            ]
        );
        let mut unique = unique_columns(&store.conn, &store.mapping).unwrap();
        unique.sort();
        assert_eq!(unique, ["email", "phone"]);
        let ddl = create_table(&default_mapping());
        assert!(ddl.contains(
            "CREATE UNIQUE INDEX IF NOT EXISTS \"customers_email\" ON \"customers\" (\"email\");"
        ));
    }

    #[test]
    fn keys_with_quotes_and_controls_round_trip_through_json_each() {
        let store = SqliteStore::in_memory().unwrap();
        let items = [
            "ann@example.com",
            "\"odd\\name\"@example.com",
            "tab\there\nnew\u{1}line",
            "zoë@exämple.org",
            "",
        ];
        let json = serde_json::to_string(&items).unwrap();
        let mut stmt = store
            .conn
            .prepare("SELECT value FROM json_each(?1) ORDER BY key")
            .unwrap();
        let back: Vec<String> = stmt
            .query_map([json], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(back, items);
    }

    #[test]
    fn new_ids_are_distinct_version_4_uuids() {
        let ids = NewIds::new(IdKind::Uuid);
        let made: std::collections::HashSet<uuid::Uuid> =
            (0..10_000).map(|_| ids.next().as_uuid().unwrap()).collect();
        assert_eq!(made.len(), 10_000);
        assert!(made
            .iter()
            .all(|u| u.get_version() == Some(uuid::Version::Random)));
        let other = NewIds::new(IdKind::Uuid);
        assert!(!made.contains(&other.next().as_uuid().unwrap()));
        let text = NewIds::new(IdKind::Text).next();
        assert!(text.as_text().unwrap().parse::<uuid::Uuid>().is_ok());
    }

    #[test]
    fn a_password_hash_in_the_custom_fields_comes_back_as_one() {
        let mut store = SqliteStore::in_memory().unwrap();
        let hash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA";
        let record: Record = [
            ("email", Value::Email("ann@example.com".into())),
            ("password", Value::PasswordHash(hash.into())),
            ("gate_code", Value::Text("#4521".into())),
        ]
        .into_iter()
        .collect();
        let id = store.apply(vec![Write::Insert(record.clone())]).unwrap()[0]
            .clone()
            .unwrap();
        assert_eq!(store.get(&id).unwrap().unwrap().record, record);
    }

    #[test]
    fn a_field_without_a_column_fails_its_write_only() {
        let mapping = TableMapping::for_schema(&presets::contacts()).custom_fields(None);
        let mut store = SqliteStore::in_memory_with(mapping).unwrap();
        let with = |field: &str| -> Record {
            [
                ("email", Value::Email(format!("{field}@example.com").into())),
                (field, Value::Text("x".into())),
            ]
            .into_iter()
            .collect()
        };
        let results = store
            .apply(vec![
                Write::Insert(with("city")),
                Write::Insert(with("gate_code")),
            ])
            .unwrap();
        assert!(results[0].is_ok());
        let e = results[1].as_ref().unwrap_err();
        assert!(e.message().contains("gate_code") && !e.is_conflict(), "{e}");
        assert_eq!(store.len().unwrap(), 1);
    }

    #[test]
    fn another_unique_column_refuses_a_write_without_a_conflict() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT UNIQUE, phone TEXT UNIQUE,
                 reference_id TEXT UNIQUE, first_name TEXT NOT NULL DEFAULT '')",
        )
        .unwrap();
        let mapping = TableMapping::for_schema(&presets::contacts())
            .only_columns(["email", "phone", "reference_id"])
            .custom_fields(None);
        let mut store = SqliteStore::setup(conn, mapping).unwrap();
        let with = |email: &str, reference: &str| -> Record {
            [
                ("email", Value::Email(email.into())),
                ("reference_id", Value::Text(reference.into())),
            ]
            .into_iter()
            .collect()
        };
        let results = store
            .apply(vec![
                Write::Insert(with("a@example.com", "R1")),
                Write::Insert(with("b@example.com", "R1")),
            ])
            .unwrap();
        let ann = results[0].clone().unwrap();
        let e = results[1].as_ref().unwrap_err();
        assert!(
            !e.is_conflict() && e.message().contains("unique column"),
            "{e}"
        );
        let b = store
            .apply(vec![Write::Insert(with("b@example.com", "R2"))])
            .unwrap();
        let bob = b[0].clone().unwrap();
        // An update onto another's reference: refused by SQLite, not a key.
        let results = store
            .apply(vec![Write::Update {
                id: bob,
                record: with("b@example.com", "R1"),
            }])
            .unwrap();
        let e = results[0].as_ref().unwrap_err();
        assert!(!e.is_conflict() && e.message().contains("UNIQUE"), "{e}");
        // Onto another's email: a conflict naming the key.
        let results = store
            .apply(vec![Write::Update {
                id: ann,
                record: with("b@example.com", "R1"),
            }])
            .unwrap();
        let e = results[0].as_ref().unwrap_err();
        assert!(e.is_conflict(), "{e}");
        assert_eq!(
            e.message(),
            "b@example.com already belongs to another customer"
        );
    }
}
