use std::borrow::Cow;
use std::cell::Cell;
use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{CachedStatement, Connection, ErrorCode, ToSql};

use super::table::{quoted, IdKind, Row, TableMapping};
use super::{Customer, CustomerId, MatchKey, Store, StoreError, Transactional, Write};
use crate::record::Record;

/// How long a write waits for another connection's write to finish before
/// it gives up, unless [`SqliteStore::busy_timeout`] says otherwise.
const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The most a file's page cache holds: 64 MiB (a negative `cache_size`
/// is in KiB).
const PAGE_CACHE_KIB: i64 = -64 * 1024;

/// How many pages of WAL a commit lets grow before it checkpoints them
/// into the file (SQLite's default is 1000).
const CHECKPOINT_PAGES: i64 = 10_000;

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
/// Every value is kept as the text [`Value`] prints (`NULL` for no
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
/// [`lookup`](Store::lookup) answers a whole batch of keys with one query
/// on the key indexes. [`apply`](Store::apply) writes a batch in one
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
    conn: Connection,
    mapping: TableMapping,
    sql: Statements,
    /// The ids of new customers, when the store makes them (UUID or text
    /// ids in a column without a default).
    new_ids: Option<NewIds>,
    /// Whether an all-or-nothing transaction ([`Transactional::begin`]) is open.
    in_transaction: bool,
}

/// The statements of a mapping, written once when the store is opened.
#[derive(Debug)]
struct Statements {
    /// How many field columns the mapping has (columns `1..=fields` of a
    /// `select`; the custom column, if any, follows).
    fields: usize,
    /// Whether the mapping has a custom fields column.
    custom: bool,
    /// Where the email and phone key columns are among the field columns.
    email_at: usize,
    phone_at: usize,
    /// The email and phone key fields.
    email_field: String,
    phone_field: String,
    /// Every customer (id, field columns, custom column), in id order.
    all: String,
    /// One customer: `?1` its id.
    get: String,
    /// The customers of a batch of keys: `?1` a JSON array of emails,
    /// `?2` one of phones (no limit on how many keys a batch has).
    lookup: String,
    count: String,
    /// `[id,] field columns…, custom`; answers the new id, or no row when
    /// a unique index refused it.
    insert: String,
    /// `field columns…, custom, id`.
    update: String,
    /// `?1` an id.
    exists: String,
    /// Whether another customer than `?2` (`NULL`: any) has the email, or
    /// the phone, `?1`.
    email_taken: String,
    phone_taken: String,
}

impl Statements {
    fn new(mapping: &TableMapping, store_makes_ids: bool) -> Statements {
        let table = quoted(mapping.get_table());
        let (id_column, _) = mapping.get_id_column();
        let id = quoted(id_column);
        let fields: Vec<String> = mapping.field_columns().map(|(_, c)| quoted(c)).collect();
        let custom = mapping.get_custom_fields().map(quoted);
        let written: Vec<&str> = fields
            .iter()
            .map(String::as_str)
            .chain(custom.as_deref())
            .collect();
        let position = |column: Option<&str>| {
            mapping
                .field_columns()
                .position(|(_, c)| Some(c) == column)
                .unwrap_or(0)
        };
        // The key fields: those whose columns are the key columns.
        let field_of = |column: Option<&str>| {
            mapping
                .field_columns()
                .find(|(_, c)| Some(*c) == column)
                .map(|(f, _)| f.to_string())
                .unwrap_or_default()
        };
        let email_field = field_of(mapping.email_column());
        let phone_field = field_of(mapping.phone_column());
        let email = quoted(mapping.email_column().unwrap_or_default());
        let phone = quoted(mapping.phone_column().unwrap_or_default());
        let select = format!("SELECT {id}, {} FROM {table}", written.join(", "));

        let mut insert_columns = Vec::with_capacity(written.len() + 1);
        if store_makes_ids {
            insert_columns.push(id.as_str());
        }
        insert_columns.extend(&written);
        let placeholders: Vec<String> = (1..=insert_columns.len())
            .map(|n| format!("?{n}"))
            .collect();
        let assignments: Vec<String> = written
            .iter()
            .enumerate()
            .map(|(n, column)| format!("{column} = ?{}", n + 1))
            .collect();
        let taken = |column: &str| {
            format!(
                "SELECT 1 FROM {table} WHERE {column} = ?1 AND (?2 IS NULL OR {id} <> ?2) LIMIT 1"
            )
        };
        Statements {
            fields: fields.len(),
            custom: custom.is_some(),
            email_at: position(mapping.email_column()),
            phone_at: position(mapping.phone_column()),
            email_field,
            phone_field,
            all: format!("{select} ORDER BY {id}"),
            get: format!("{select} WHERE {id} = ?1"),
            lookup: format!(
                "{select} WHERE {email} IN (SELECT value FROM json_each(?1))\n\
                 UNION ALL\n\
                 {select} WHERE {phone} IN (SELECT value FROM json_each(?2))"
            ),
            count: format!("SELECT COUNT(*) FROM {table}"),
            insert: format!(
                "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT DO NOTHING RETURNING {id}",
                insert_columns.join(", "),
                placeholders.join(", ")
            ),
            update: format!(
                "UPDATE {table} SET {} WHERE {id} = ?{}",
                assignments.join(", "),
                written.len() + 1
            ),
            exists: format!("SELECT 1 FROM {table} WHERE {id} = ?1"),
            email_taken: taken(&email),
            phone_taken: taken(&phone),
        }
    }
}

/// The table and indexes of a mapping, created when the table is missing.
fn create_table(mapping: &TableMapping) -> String {
    let (schema, name) = split_table(mapping.get_table());
    let table = quoted(mapping.get_table());
    let (id_column, kind) = mapping.get_id_column();
    let id_type = match kind {
        IdKind::Int => "INTEGER PRIMARY KEY",
        _ => "TEXT PRIMARY KEY NOT NULL",
    };
    let mut sql = format!(
        "CREATE TABLE IF NOT EXISTS {table} (\n    {} {id_type}",
        quoted(id_column)
    );
    for (_, column) in mapping.field_columns() {
        sql.push_str(&format!(",\n    {} TEXT", quoted(column)));
    }
    if let Some(custom) = mapping.get_custom_fields() {
        sql.push_str(&format!(",\n    {} TEXT", quoted(custom)));
    }
    sql.push_str("\n);\n");
    let prefix = schema
        .map(|s| format!("{}.", quoted(s)))
        .unwrap_or_default();
    for column in [mapping.email_column(), mapping.phone_column()]
        .into_iter()
        .flatten()
    {
        sql.push_str(&format!(
            "CREATE UNIQUE INDEX IF NOT EXISTS {prefix}{} ON {} ({});\n",
            quoted(&format!("{name}_{column}")),
            quoted(name),
            quoted(column)
        ));
    }
    sql
}

/// `schema.table` as its schema, if any, and its table.
fn split_table(table: &str) -> (Option<&str>, &str) {
    match table.split_once('.') {
        Some((schema, name)) => (Some(schema), name),
        None => (None, table),
    }
}

/// Makes ids for new customers: random (version 4) UUIDs, from a hasher
/// seeded by the operating system's randomness over a counter (the `uuid`
/// crate's own generator is not compiled in).
#[derive(Debug)]
struct NewIds {
    kind: IdKind,
    seed: RandomState,
    counter: Cell<u64>,
}

impl NewIds {
    fn new(kind: IdKind) -> NewIds {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        NewIds {
            kind,
            seed: RandomState::new(),
            counter: Cell::new(now),
        }
    }

    fn next(&self) -> CustomerId {
        let n = self.counter.get().wrapping_add(1);
        self.counter.set(n);
        let high = u128::from(self.seed.hash_one((n, 0u8)));
        let low = u128::from(self.seed.hash_one((n, 1u8)));
        let bytes = ((high << 64) | low).to_be_bytes();
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        match self.kind {
            IdKind::Uuid => CustomerId::Uuid(uuid),
            _ => CustomerId::from(uuid.hyphenated().to_string()),
        }
    }
}

/// An id as the id column compares with it.
enum IdParam {
    Int(i64),
    Text(String),
}

impl ToSql for IdParam {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            IdParam::Int(n) => ToSqlOutput::from(*n),
            IdParam::Text(t) => ToSqlOutput::from(t.as_str()),
        })
    }
}

/// Why one write of a batch failed.
enum WriteFailure {
    /// This write only: the others of the batch go on.
    Row(StoreError),
    /// The database failed: the batch as a whole fails.
    Batch(StoreError),
}

/// A database error, kept as the cause of a [`StoreError`] saying what
/// failed: temporary when the database was busy or locked.
fn db_error(e: rusqlite::Error, what: impl Into<String>) -> StoreError {
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
fn read_error(e: rusqlite::Error) -> StoreError {
    db_error(e, "the customer database could not be read")
}

/// A database error while writing: the batch fails.
fn batch_error(e: rusqlite::Error) -> WriteFailure {
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
        retry_while_busy(|| conn.pragma_update_and_check(None, "journal_mode", "WAL", mode))
            .map_err(cannot)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(cannot)?;
        // Each batch is a transaction of its own, and its rows land all
        // over the key indexes: a batch of 1000 rows rewrites most of
        // their pages (about 750 pages of WAL a batch at 100k customers).
        // A page cache that holds them (instead of SQLite's 2 MiB) saves
        // reading them again for every batch, and a checkpoint every
        // 10000 pages of WAL (instead of 1000: about every batch) saves
        // copying them into the file, and waiting for the disk, at every
        // batch: 100k rows import in about half the time.
        conn.pragma_update(None, "cache_size", PAGE_CACHE_KIB)
            .map_err(cannot)?;
        conn.pragma_update(None, "wal_autocheckpoint", CHECKPOINT_PAGES)
            .map_err(cannot)?;
        SqliteStore::setup(conn, mapping)
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
        Ok(SqliteStore {
            sql: Statements::new(&mapping, new_ids.is_some()),
            conn,
            mapping,
            new_ids,
            in_transaction: false,
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

    /// The id as the id column compares with it; `None` when it is of
    /// another kind (nobody's).
    fn id_param(&self, id: &CustomerId) -> Option<IdParam> {
        match (self.mapping.get_id_column().1, id) {
            (IdKind::Int, CustomerId::Int(n)) => Some(IdParam::Int(*n)),
            _ => self.mapping.id_text(id).map(IdParam::Text),
        }
    }

    /// The id read from the id column.
    fn id_from(&self, value: ValueRef<'_>) -> Result<CustomerId, StoreError> {
        match (value, self.mapping.get_id_column().1) {
            (ValueRef::Integer(n), IdKind::Int) => Ok(CustomerId::Int(n)),
            (ValueRef::Integer(n), _) => self.mapping.id_of(&n.to_string()),
            (ValueRef::Text(text), _) => match std::str::from_utf8(text) {
                Ok(text) => self.mapping.id_of(text),
                Err(_) => Err(self.unreadable("an id that is not UTF-8 text")),
            },
            (ValueRef::Null, _) => Err(self.unreadable("a customer without an id")),
            _ => Err(self
                .unreadable("an id that is neither an integer nor text (UUIDs are kept as text)")),
        }
    }

    fn unreadable(&self, what: &str) -> StoreError {
        let (column, _) = self.mapping.get_id_column();
        StoreError::new(format!(
            "the customer table {} holds {what} in its column {column}",
            self.mapping.get_table()
        ))
    }

    /// The customer of a row of a `select`: its id, field columns and
    /// custom column.
    fn customer_of(&self, row: &rusqlite::Row<'_>) -> Result<Customer, StoreError> {
        let id = self.id_from(row.get_ref(0).map_err(read_error)?)?;
        let text_at = |at: usize| -> Result<Option<String>, StoreError> {
            let value = row.get_ref(at).map_err(read_error)?;
            Ok(match value {
                ValueRef::Null => None,
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                    Some(String::from_utf8(bytes.to_vec()).map_err(|_| {
                        StoreError::new(format!(
                            "the customer table {} holds a value that is not UTF-8 text for customer {id}",
                            self.mapping.get_table()
                        ))
                    })?)
                }
                ValueRef::Integer(n) => Some(n.to_string()),
                ValueRef::Real(x) => Some(x.to_string()),
            })
        };
        let mut values = Vec::with_capacity(self.sql.fields);
        for at in 1..=self.sql.fields {
            values.push(text_at(at)?);
        }
        let custom = match self.sql.custom {
            true => text_at(self.sql.fields + 1)?,
            false => None,
        };
        let record = self.mapping.record_of(values, custom.as_deref())?;
        Ok(Customer { id, record })
    }

    /// The customer of each key, in order, from one query.
    fn look_up(&self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut emails: Vec<&str> = Vec::new();
        let mut phones: Vec<&str> = Vec::new();
        for key in keys {
            match key {
                MatchKey::Email(v) => emails.push(v.as_str()),
                MatchKey::Phone(v) => phones.push(v.as_str()),
            }
        }
        let json = |items: &[&str]| {
            serde_json::to_string(items).map_err(|e| {
                StoreError::new("the keys could not be written as JSON").with_source(e)
            })
        };
        let (emails, phones) = (json(&emails)?, json(&phones)?);
        let mut stmt = self
            .conn
            .prepare_cached(&self.sql.lookup)
            .map_err(read_error)?;
        let mut rows = stmt.query([emails, phones]).map_err(read_error)?;
        let mut found: Vec<Customer> = Vec::new();
        let mut seen: HashMap<CustomerId, ()> = HashMap::new();
        while let Some(row) = rows.next().map_err(read_error)? {
            // A customer found by both keys comes twice.
            let id = self.id_from(row.get_ref(0).map_err(read_error)?)?;
            if let Entry::Vacant(slot) = seen.entry(id) {
                slot.insert(());
                found.push(self.customer_of(row)?);
            }
        }
        let mut by_email: HashMap<Cow<'_, str>, &Customer> = HashMap::new();
        let mut by_phone: HashMap<&str, &Customer> = HashMap::new();
        for customer in &found {
            if let Some(email) = customer.record.text(&self.sql.email_field) {
                // The keys are lower-cased; an app's column that compares
                // without case (COLLATE NOCASE) may hold capitals.
                let email = match email.bytes().any(|b| b.is_ascii_uppercase()) {
                    true => Cow::Owned(email.to_ascii_lowercase()),
                    false => Cow::Borrowed(email),
                };
                by_email.insert(email, customer);
            }
            if let Some(phone) = customer.record.text(&self.sql.phone_field) {
                by_phone.insert(phone, customer);
            }
        }
        Ok(keys
            .iter()
            .map(|key| {
                let found = match key {
                    MatchKey::Email(v) => by_email.get(v.as_str()),
                    MatchKey::Phone(v) => by_phone.get(v.as_str()),
                };
                found.map(|c| (*c).clone())
            })
            .collect())
    }

    /// Runs `sql`, a statement without parameters (transaction control).
    fn control(&self, sql: &str) -> Result<(), rusqlite::Error> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    /// Every write of a batch, in the open transaction: one result each,
    /// or the batch's failure.
    fn write_all(
        &self,
        writes: &[Write],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let prepare = |sql: &str| {
            self.conn
                .prepare_cached(sql)
                .map_err(|e| db_error(e, "the customer database failed"))
        };
        let mut insert: Option<CachedStatement<'_>> = None;
        let mut update: Option<CachedStatement<'_>> = None;
        let mut results = Vec::with_capacity(writes.len());
        for write in writes {
            let result = match write {
                Write::Insert(record) => {
                    let stmt = match &mut insert {
                        Some(stmt) => stmt,
                        None => insert.insert(prepare(&self.sql.insert)?),
                    };
                    self.insert(stmt, record)
                }
                Write::Update { id, record } => {
                    let stmt = match &mut update {
                        Some(stmt) => stmt,
                        None => update.insert(prepare(&self.sql.update)?),
                    };
                    self.update(stmt, id, record)
                }
            };
            match result {
                Ok(id) => results.push(Ok(id)),
                Err(WriteFailure::Row(e)) => results.push(Err(e)),
                Err(WriteFailure::Batch(e)) => return Err(e),
            }
        }
        Ok(results)
    }

    /// Binds a row's columns from parameter `first` on; the next free one.
    fn bind_row(
        &self,
        stmt: &mut CachedStatement<'_>,
        first: usize,
        row: &Row,
    ) -> Result<usize, rusqlite::Error> {
        let mut at = first;
        for value in &row.values {
            stmt.raw_bind_parameter(at, value.as_deref())?;
            at += 1;
        }
        if self.sql.custom {
            // No custom field: NULL rather than `{}`.
            let custom = row.custom.as_deref().filter(|json| *json != "{}");
            stmt.raw_bind_parameter(at, custom)?;
            at += 1;
        }
        Ok(at)
    }

    fn insert(
        &self,
        stmt: &mut CachedStatement<'_>,
        record: &Record,
    ) -> Result<CustomerId, WriteFailure> {
        let row = self.mapping.row_of(record).map_err(WriteFailure::Row)?;
        let mut first = 1;
        if let Some(new_ids) = &self.new_ids {
            let id = new_ids.next();
            let param = self.id_param(&id).unwrap_or(IdParam::Text(id.to_string()));
            stmt.raw_bind_parameter(1, param).map_err(batch_error)?;
            first = 2;
        }
        self.bind_row(stmt, first, &row).map_err(batch_error)?;
        let inserted = {
            let mut rows = stmt.raw_query();
            match rows.next() {
                Ok(Some(back)) => match back.get_ref(0) {
                    Ok(value) => {
                        let id = self.id_from(value).map_err(WriteFailure::Batch)?;
                        // Runs the statement to its end.
                        rows.next().map_err(batch_error)?;
                        Ok(Some(id))
                    }
                    Err(e) => Err(e),
                },
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            }
        };
        match inserted {
            Ok(Some(id)) => Ok(id),
            // A unique index refused it (ON CONFLICT DO NOTHING).
            Ok(None) => Err(self.refused(None, &row, None)),
            Err(e) => Err(self.refused(Some(e), &row, None)),
        }
    }

    fn update(
        &self,
        stmt: &mut CachedStatement<'_>,
        id: &CustomerId,
        record: &Record,
    ) -> Result<CustomerId, WriteFailure> {
        let missing =
            || WriteFailure::Row(StoreError::new(format!("customer {id} does not exist")));
        let Some(param) = self.id_param(id) else {
            return Err(missing());
        };
        let row = self.mapping.row_of(record).map_err(WriteFailure::Row)?;
        let at = self.bind_row(stmt, 1, &row).map_err(batch_error)?;
        stmt.raw_bind_parameter(at, &param).map_err(batch_error)?;
        match stmt.raw_execute() {
            Ok(0) => {
                // Not there, or left alone by a trigger of the app's.
                let exists = self
                    .conn
                    .prepare_cached(&self.sql.exists)
                    .and_then(|mut s| s.exists([&param]))
                    .map_err(batch_error)?;
                match exists {
                    false => Err(missing()),
                    true => Err(WriteFailure::Row(StoreError::new(format!(
                        "the customer database left customer {id} unchanged"
                    )))),
                }
            }
            Ok(_) => Ok(id.clone()),
            Err(e) => Err(self.refused(Some(e), &row, Some(&param))),
        }
    }

    /// Why the database refused a write (`e`, or a unique index when there
    /// is none): a conflict naming the key when the email or the phone
    /// belongs to another customer than `id`; the write's own failure for
    /// another constraint; the batch's for anything else.
    fn refused(&self, e: Option<rusqlite::Error>, row: &Row, id: Option<&IdParam>) -> WriteFailure {
        if !self.conn.is_autocommit() {
            match &e {
                None => {}
                Some(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {}
                Some(_) => return WriteFailure::Batch(self.failed(e)),
            }
        } else {
            // SQLite ended the transaction: nothing of the batch is left.
            return WriteFailure::Batch(self.failed(e));
        }
        let unique = match &e {
            None => true,
            Some(e) => e.sqlite_error().is_some_and(|f| {
                matches!(
                    f.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                )
            }),
        };
        if unique {
            for (at, sql) in [
                (self.sql.email_at, &self.sql.email_taken),
                (self.sql.phone_at, &self.sql.phone_taken),
            ] {
                let Some(Some(key)) = row.values.get(at) else {
                    continue;
                };
                let taken = self
                    .conn
                    .prepare_cached(sql)
                    .and_then(|mut s| s.exists((key, id)));
                match taken {
                    Ok(true) => {
                        let error =
                            StoreError::new(format!("{key} already belongs to another customer"))
                                .conflict();
                        return WriteFailure::Row(match e {
                            Some(e) => error.with_source(e),
                            None => error,
                        });
                    }
                    Ok(false) => {}
                    Err(e) => return batch_error(e),
                }
            }
        }
        let message = match &e {
            Some(e) => format!("the customer database refused the write: {e}"),
            None => format!(
                "the customer database refused the write: a unique column of the table {} already holds one of its values",
                self.mapping.get_table()
            ),
        };
        WriteFailure::Row(match e {
            Some(e) => StoreError::new(message).with_source(e),
            None => StoreError::new(message),
        })
    }

    fn failed(&self, e: Option<rusqlite::Error>) -> StoreError {
        match e {
            Some(e) => db_error(e, "the customer database failed"),
            None => StoreError::new("the customer database ended the transaction"),
        }
    }

    /// Undoes what the current batch wrote, after it failed as a whole.
    fn abandon_batch(&self) {
        if self.conn.is_autocommit() {
            // SQLite already rolled the transaction back.
            return;
        }
        // Already failing: a failure to undo leaves nothing better to do.
        if self.in_transaction {
            let _ = self.control("ROLLBACK TO intake_batch");
            let _ = self.control("RELEASE intake_batch");
        } else {
            let _ = self.control("ROLLBACK");
        }
    }

    /// Refuses to go on when SQLite ended an all-or-nothing transaction on
    /// its own (after a database error).
    fn check_transaction(&mut self) -> Result<(), StoreError> {
        if self.in_transaction && self.conn.is_autocommit() {
            self.in_transaction = false;
            return Err(StoreError::new(
                "the customer database ended the all-or-nothing transaction after an error, so nothing was written",
            ));
        }
        Ok(())
    }
}

/// The default table: the contacts preset's fields.
fn default_mapping() -> TableMapping {
    TableMapping::for_schema(&crate::presets::contacts())
}

/// The table's columns, `(name, has a default)`; none when the table is
/// missing.
fn table_columns(
    conn: &Connection,
    mapping: &TableMapping,
) -> Result<Vec<(String, bool)>, rusqlite::Error> {
    let (schema, name) = split_table(mapping.get_table());
    let sql = match schema {
        Some(_) => "SELECT name, dflt_value IS NOT NULL FROM pragma_table_info(?1, ?2)",
        None => "SELECT name, dflt_value IS NOT NULL FROM pragma_table_info(?1)",
    };
    let mut stmt = conn.prepare(sql)?;
    let read = |row: &rusqlite::Row<'_>| Ok((row.get(0)?, row.get(1)?));
    match schema {
        Some(schema) => stmt.query_map([name, schema], read)?.collect(),
        None => stmt.query_map([name], read)?.collect(),
    }
}

/// The columns of the table that a unique index of their own (or a
/// `UNIQUE` or `PRIMARY KEY` constraint) covers.
fn unique_columns(
    conn: &Connection,
    mapping: &TableMapping,
) -> Result<Vec<String>, rusqlite::Error> {
    let (schema, name) = split_table(mapping.get_table());
    let schema = schema.unwrap_or("main");
    let mut indexes = conn.prepare(
        "SELECT name FROM pragma_index_list(?1, ?2) WHERE \"unique\" = 1 AND partial = 0",
    )?;
    let names: Vec<String> = indexes
        .query_map([name, schema], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut info = conn.prepare("SELECT name FROM pragma_index_info(?1, ?2)")?;
    let mut unique = Vec::new();
    for index in names {
        let columns: Vec<Option<String>> = info
            .query_map([index.as_str(), schema], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        if let [Some(column)] = columns.as_slice() {
            unique.push(column.clone());
        }
    }
    Ok(unique)
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
        let plan = plan(&store, &store.sql.lookup, ["[]", "[]"]);
        assert!(plan.contains("customers_email"), "{plan}");
        assert!(plan.contains("customers_phone"), "{plan}");
        assert!(!plan.contains("SCAN customers"), "{plan}");
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
