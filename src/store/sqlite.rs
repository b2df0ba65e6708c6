use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rusqlite::{Connection, ErrorCode, Params};

use super::{Customer, CustomerId, MatchKey, Store, StoreError, Transactional, Write};
use crate::record::{Record, Value};

/// How long a write waits for another connection's write to finish before
/// it gives up, unless [`SqliteStore::busy_timeout`] says otherwise.
const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The tables and indexes, created when missing.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS customers (
    id    INTEGER PRIMARY KEY,
    email TEXT,
    phone TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS customers_email ON customers (email);
CREATE UNIQUE INDEX IF NOT EXISTS customers_phone ON customers (phone);
CREATE TABLE IF NOT EXISTS customer_values (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (customer_id, field)
) WITHOUT ROWID;
";

/// Every customer with its values; callers add a `WHERE` and the order.
const SELECT_CUSTOMERS: &str = "
SELECT c.id, c.email, c.phone, v.field, v.kind, v.value
FROM customers AS c
LEFT JOIN customer_values AS v ON v.customer_id = c.id";

/// The customers of a batch of keys, in one query: `?1` is a JSON array of
/// emails, `?2` one of phones (no limit on how many keys a batch has).
const LOOKUP: &str = "
WITH wanted (id) AS (
    SELECT id FROM customers WHERE email IN (SELECT value FROM json_each(?1))
    UNION
    SELECT id FROM customers WHERE phone IN (SELECT value FROM json_each(?2))
)
SELECT c.id, c.email, c.phone, v.field, v.kind, v.value
FROM wanted
JOIN customers AS c ON c.id = wanted.id
LEFT JOIN customer_values AS v ON v.customer_id = c.id
ORDER BY c.id, v.field";

/// A store in a SQLite file (feature `sqlite`; SQLite is bundled, nothing
/// to install).
///
/// # Table layout
///
/// ```sql
/// CREATE TABLE customers (
///     id    INTEGER PRIMARY KEY,   -- the CustomerId
///     email TEXT,                  -- the normalized email key, or NULL
///     phone TEXT                   -- the phone key in E.164, or NULL
/// );
/// CREATE UNIQUE INDEX customers_email ON customers (email);
/// CREATE UNIQUE INDEX customers_phone ON customers (phone);
///
/// CREATE TABLE customer_values (
///     customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
///     field       TEXT NOT NULL,   -- the field id: first_name, email2, loyalty_points…
///     kind        TEXT NOT NULL,   -- the Value variant, see below
///     value       TEXT NOT NULL,   -- the normalized value, as Value's Display prints it
///     PRIMARY KEY (customer_id, field)
/// ) WITHOUT ROWID;
/// ```
///
/// `customer_values` holds every field of a customer's [`Record`], one row
/// per field: the primary contact, the secondary contacts (`email2`,
/// `phone3`, …), the account's custom fields and password hashes (never a
/// plain password). The `kind` gives each value back its [`Value`]
/// variant when it is read: `text`, `email`, `phone` (E.164), `date`
/// (`YYYY-MM-DD`), `choice`, `number`, `country` (ISO 3166-1 alpha-2),
/// `state` (ISO 3166-2) or `password_hash` (a PHC string). The tables are
/// created when missing, so an app can also create them itself first
/// (with extra columns of its own, which must allow `NULL` or have a
/// default).
///
/// The `email` and `phone` columns are the customer's match keys: the
/// [`Value::Email`] and [`Value::Phone`] values of the fields named by
/// [`SqliteStore::key_fields`] (by default `email` and `phone`, the
/// presets' identifiers). Their unique indexes refuse a second customer
/// with the same key (SQLite allows any number of `NULL`s). A customer has
/// at most one email key and one phone key: a write whose key fields hold
/// two different emails (or phones) fails.
///
/// # Batches and transactions
///
/// [`lookup`](Store::lookup) answers a whole batch of keys with one
/// query. [`apply`](Store::apply) writes a batch in one transaction, each
/// write in its own savepoint: a write that breaks a unique index fails
/// alone, with a message naming the key, and the others are kept. An
/// error of the database itself (disk full, I/O) fails the whole batch,
/// and nothing of it is written. [`begin`](Transactional::begin) opens a real
/// transaction for an [all-or-nothing](crate::Importer::import_atomic) import
/// (each batch then is a savepoint inside it).
///
/// # Several imports at once
///
/// A file is opened in WAL mode with a busy timeout (30 seconds unless
/// [`busy_timeout`](SqliteStore::busy_timeout) says otherwise), and every
/// batch takes the write lock before it writes: two imports into the same
/// file, from two threads or two processes, each with its own
/// `SqliteStore`, take turns rather than fail. Readers never wait. When
/// both create the same customer, the unique index keeps one: the other
/// import's row fails as `store_failed` ("… already belongs to another
/// customer"), and uploading it again updates the customer. No customer
/// is lost or duplicated. An all-or-nothing import holds the write lock
/// until it ends.
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
    key_fields: Vec<String>,
    /// Whether an all-or-nothing transaction ([`Transactional::begin`]) is open.
    in_transaction: bool,
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

impl SqliteStore {
    /// Opens the SQLite file at `path`, creating it and the
    /// [tables](SqliteStore#table-layout) when missing. Keys on the `email`
    /// and `phone` fields.
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
        SqliteStore::setup(conn).map_err(cannot)
    }

    /// A store in a fresh in-memory database, gone when dropped: for tests
    /// and previews.
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
        let cannot =
            |e: rusqlite::Error| db_error(e, "an in-memory customer database could not be created");
        let conn = Connection::open_in_memory().map_err(cannot)?;
        SqliteStore::setup(conn).map_err(cannot)
    }

    fn setup(conn: Connection) -> Result<SqliteStore, rusqlite::Error> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        retry_while_busy(|| {
            let created = conn.execute_batch(&format!("BEGIN IMMEDIATE;{SCHEMA}COMMIT;"));
            if created.is_err() && !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            created
        })?;
        Ok(SqliteStore {
            conn,
            key_fields: vec!["email".into(), "phone".into()],
            in_transaction: false,
        })
    }

    /// Sets which fields are the match keys kept in the `email` and `phone`
    /// columns (match your schema's identifiers; default: `email` and
    /// `phone`).
    ///
    /// ```
    /// use intake::SqliteStore;
    ///
    /// let store = SqliteStore::in_memory()?.key_fields(["work_email", "work_phone"]);
    /// # Ok::<(), intake::StoreError>(())
    /// ```
    pub fn key_fields<I, S>(mut self, fields: I) -> SqliteStore
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.key_fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Sets how long a write waits for another connection's write to the
    /// same file (another import) before it fails (default: 30 seconds).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
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
            .query_row("SELECT COUNT(*) FROM customers", [], |row| row.get(0))
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

    /// The customer with id `id`.
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
        let Some(rowid) = id.as_int() else {
            return Ok(None);
        };
        let sql = format!("{SELECT_CUSTOMERS} WHERE c.id = ?1 ORDER BY v.field");
        Ok(self
            .query_customers(&sql, [rowid])?
            .into_values()
            .next()
            .map(|(customer, _, _)| customer))
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
        let sql = format!("{SELECT_CUSTOMERS} ORDER BY c.id, v.field");
        Ok(self
            .query_customers(&sql, [])?
            .into_values()
            .map(|(customer, _, _)| customer)
            .collect())
    }

    /// Runs a query of [`SELECT_CUSTOMERS`]'s columns; customers by id,
    /// each with its `email` and `phone` columns.
    #[allow(clippy::type_complexity)]
    fn query_customers<P: Params>(
        &self,
        sql: &str,
        params: P,
    ) -> Result<BTreeMap<i64, (Customer, Option<String>, Option<String>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(read_error)?;
        let mut rows = stmt.query(params).map_err(read_error)?;
        let mut found: BTreeMap<i64, (Customer, Option<String>, Option<String>)> = BTreeMap::new();
        let mut values: BTreeMap<i64, Vec<(String, Value)>> = BTreeMap::new();
        while let Some(row) = rows.next().map_err(read_error)? {
            let rowid: i64 = row.get(0).map_err(read_error)?;
            if let std::collections::btree_map::Entry::Vacant(e) = found.entry(rowid) {
                let customer = Customer {
                    id: CustomerId::Int(rowid),
                    record: Record::new(),
                };
                let email: Option<String> = row.get(1).map_err(read_error)?;
                let phone: Option<String> = row.get(2).map_err(read_error)?;
                e.insert((customer, email, phone));
            }
            let field: Option<String> = row.get(3).map_err(read_error)?;
            let kind: Option<String> = row.get(4).map_err(read_error)?;
            let text: Option<String> = row.get(5).map_err(read_error)?;
            if let (Some(field), Some(kind), Some(text)) = (field, kind, text) {
                let value = value_of(&kind, text).map_err(|why| {
                    StoreError::new(format!(
                        "the customer database holds an unreadable value for field '{field}' of customer {rowid}: {why}"
                    ))
                })?;
                values.entry(rowid).or_default().push((field, value));
            }
        }
        // Each record built at once from all its values.
        for (rowid, values) in values {
            if let Some(entry) = found.get_mut(&rowid) {
                entry.0.record = values.into_iter().collect();
            }
        }
        Ok(found)
    }

    /// The customer of each key, in order, from one query.
    fn look_up(&self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut emails = Vec::new();
        let mut phones = Vec::new();
        for key in keys {
            match key {
                MatchKey::Email(v) => emails.push(v.as_str()),
                MatchKey::Phone(v) => phones.push(v.as_str()),
            }
        }
        let found = self.query_customers(LOOKUP, [json_array(&emails), json_array(&phones)])?;
        let mut by_email: HashMap<&str, &Customer> = HashMap::new();
        let mut by_phone: HashMap<&str, &Customer> = HashMap::new();
        for (customer, email, phone) in found.values() {
            if let Some(email) = email {
                by_email.insert(email.as_str(), customer);
            }
            if let Some(phone) = phone {
                by_phone.insert(phone.as_str(), customer);
            }
        }
        Ok(keys
            .iter()
            .map(|key| {
                let index = match key {
                    MatchKey::Email(_) => &by_email,
                    MatchKey::Phone(_) => &by_phone,
                };
                index.get(key.value()).map(|c| (*c).clone())
            })
            .collect())
    }

    /// The record's email and phone keys, for the `email` and `phone`
    /// columns.
    fn key_columns<'r>(
        &self,
        record: &'r Record,
    ) -> Result<(Option<&'r str>, Option<&'r str>), StoreError> {
        let mut email: Option<(&str, &'r str)> = None;
        let mut phone: Option<(&str, &'r str)> = None;
        for field in &self.key_fields {
            let (slot, v, what) = match record.get(field) {
                Some(Value::Email(v)) => (&mut email, v.as_str(), "email"),
                Some(Value::Phone(v)) => (&mut phone, v.as_str(), "phone"),
                _ => continue,
            };
            match *slot {
                Some((first, seen)) if seen != v => {
                    return Err(StoreError::new(format!(
                        "this store keeps one {what} per customer as its key, but {first} and {field} hold two different ones ({seen} and {v})"
                    )));
                }
                Some(_) => {}
                None => *slot = Some((field.as_str(), v)),
            }
        }
        Ok((email.map(|(_, v)| v), phone.map(|(_, v)| v)))
    }

    /// Runs `sql`, a statement without parameters (transaction control).
    fn control(&self, sql: &str) -> Result<(), rusqlite::Error> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    /// One write, in its own savepoint.
    fn write_one(&self, write: &Write) -> Result<CustomerId, WriteFailure> {
        let batch =
            |e: rusqlite::Error| WriteFailure::Batch(db_error(e, "the customer database failed"));
        self.control("SAVEPOINT intake_write").map_err(batch)?;
        match self.write_inner(write) {
            Ok(id) => {
                self.control("RELEASE intake_write").map_err(batch)?;
                Ok(id)
            }
            Err(failure) => {
                if !self.conn.is_autocommit() {
                    self.control("ROLLBACK TO intake_write").map_err(batch)?;
                    self.control("RELEASE intake_write").map_err(batch)?;
                }
                Err(failure)
            }
        }
    }

    fn write_inner(&self, write: &Write) -> Result<CustomerId, WriteFailure> {
        let record = match write {
            Write::Insert(record) | Write::Update { record, .. } => record,
        };
        let (email, phone) = self.key_columns(record).map_err(WriteFailure::Row)?;
        let failed = |e: rusqlite::Error| classify(e, email, phone);
        let rowid = match write {
            Write::Insert(_) => {
                self.conn
                    .prepare_cached("INSERT INTO customers (email, phone) VALUES (?1, ?2)")
                    .and_then(|mut stmt| stmt.execute((email, phone)))
                    .map_err(failed)?;
                self.conn.last_insert_rowid()
            }
            Write::Update { id, .. } => {
                let missing =
                    || WriteFailure::Row(StoreError::new(format!("customer {id} does not exist")));
                let rowid = id.as_int().ok_or_else(missing)?;
                let changed = self
                    .conn
                    .prepare_cached("UPDATE customers SET email = ?1, phone = ?2 WHERE id = ?3")
                    .and_then(|mut stmt| stmt.execute((email, phone, rowid)))
                    .map_err(failed)?;
                if changed == 0 {
                    return Err(missing());
                }
                self.conn
                    .prepare_cached("DELETE FROM customer_values WHERE customer_id = ?1")
                    .and_then(|mut stmt| stmt.execute([rowid]))
                    .map_err(failed)?;
                rowid
            }
        };
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT INTO customer_values (customer_id, field, kind, value) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(failed)?;
        for (field, value) in record.iter() {
            let (kind, text) = kind_of(value);
            insert
                .execute((rowid, field, kind, text.as_ref()))
                .map_err(failed)?;
        }
        Ok(CustomerId::Int(rowid))
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
        let mut results = Vec::with_capacity(writes.len());
        for write in &writes {
            match self.write_one(write) {
                Ok(id) => results.push(Ok(id)),
                Err(WriteFailure::Row(e)) => results.push(Err(e)),
                Err(WriteFailure::Batch(e)) => {
                    self.abandon_batch();
                    return Err(e);
                }
            }
        }
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

/// A write's database error: a broken constraint fails the write alone;
/// anything else, the batch.
fn classify(e: rusqlite::Error, email: Option<&str>, phone: Option<&str>) -> WriteFailure {
    if e.sqlite_error_code() != Some(ErrorCode::ConstraintViolation) {
        return WriteFailure::Batch(db_error(e, "the customer database failed"));
    }
    let text = e.to_string();
    let key = if text.contains("customers.email") {
        email
    } else if text.contains("customers.phone") {
        phone
    } else {
        None
    };
    WriteFailure::Row(match key {
        Some(key) => db_error(e, format!("{key} already belongs to another customer")).conflict(),
        None => db_error(e, "the customer database refused the write"),
    })
}

/// How a value is kept: its kind and text.
fn kind_of(value: &Value) -> (&'static str, std::borrow::Cow<'_, str>) {
    use std::borrow::Cow;
    match value {
        Value::Text(s) => ("text", Cow::Borrowed(s.as_str())),
        Value::Email(s) => ("email", Cow::Borrowed(s.as_str())),
        Value::Phone(s) => ("phone", Cow::Borrowed(s.as_str())),
        Value::Date(d) => ("date", Cow::Owned(d.format("%Y-%m-%d").to_string())),
        Value::Choice(s) => ("choice", Cow::Borrowed(s.as_str())),
        Value::Number(s) => ("number", Cow::Borrowed(s.as_str())),
        Value::Country(s) => ("country", Cow::Borrowed(s.as_str())),
        Value::State(s) => ("state", Cow::Borrowed(s.as_str())),
        Value::PasswordHash(s) => ("password_hash", Cow::Borrowed(s.as_str())),
    }
}

/// A kept value back as a [`Value`].
fn value_of(kind: &str, text: String) -> Result<Value, String> {
    Ok(match kind {
        "text" => Value::Text(text.into()),
        "email" => Value::Email(text.into()),
        "phone" => Value::Phone(text.into()),
        "date" => Value::Date(
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map_err(|e| format!("'{text}' is not a YYYY-MM-DD date ({e})"))?,
        ),
        "choice" => Value::Choice(text.into()),
        "number" => Value::Number(text.into()),
        "country" => Value::Country(text.into()),
        "state" => Value::State(text.into()),
        "password_hash" => Value::PasswordHash(text.into()),
        other => return Err(format!("unknown kind '{other}'")),
    })
}

/// `items` as a JSON array of strings.
fn json_array(items: &[&str]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_array_round_trips_through_sqlite() {
        let conn = Connection::open_in_memory().unwrap();
        let items = [
            "ann@example.com",
            "\"odd\\name\"@example.com",
            "tab\there\nnew\u{1}line",
            "zoë@exämple.org",
            "",
        ];
        let mut stmt = conn
            .prepare("SELECT value FROM json_each(?1) ORDER BY key")
            .unwrap();
        let back: Vec<String> = stmt
            .query_map([json_array(&items)], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(back, items);
        assert_eq!(json_array(&[]), "[]");
    }

    #[test]
    fn every_kind_round_trips() {
        let values = [
            Value::Text("Ann".into()),
            Value::Email("ann@example.com".into()),
            Value::Phone("+14155550101".into()),
            Value::Date(NaiveDate::from_ymd_opt(1986, 10, 25).unwrap()),
            Value::Choice("Dr".into()),
            Value::Number("-3.5".into()),
            Value::Country("US".into()),
            Value::State("US-CA".into()),
            Value::PasswordHash("$argon2id$v=19$m=64,t=1,p=1$abc$def".into()),
        ];
        for value in values {
            let (kind, text) = kind_of(&value);
            assert_eq!(value_of(kind, text.into_owned()), Ok(value));
        }
        assert!(value_of("colour", "red".into()).is_err());
        assert!(value_of("date", "1986/10/25".into()).is_err());
    }

    #[test]
    fn the_lookup_uses_the_unique_indexes() {
        let store = SqliteStore::in_memory().unwrap();
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {LOOKUP}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map(["[]", "[]"], |row| row.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("customers_email"), "{plan}");
        assert!(plan.contains("customers_phone"), "{plan}");
        assert!(!plan.contains("SCAN c"), "{plan}");
    }

    #[test]
    fn two_different_emails_in_key_fields_fail_the_write() {
        let mut store = SqliteStore::in_memory()
            .unwrap()
            .key_fields(["email", "email2"]);
        let mut r = Record::new();
        r.insert("email", Value::Email("a@example.com".into()));
        r.insert("email2", Value::Email("b@example.com".into()));
        let results = store.apply(vec![Write::Insert(r)]).unwrap();
        let message = results[0].as_ref().unwrap_err().to_string();
        assert!(message.contains("email and email2"), "{message}");
        assert!(store.is_empty().unwrap());
    }
}
