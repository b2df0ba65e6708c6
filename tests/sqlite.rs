//! SqliteStore through the public API: re-imports build on earlier ones,
//! the database holds what the report claims, dry runs and rolled-back
//! all-or-nothing imports write nothing, a broken unique index fails one
//! row, batches take one lookup and one apply, every kind of value
//! round-trips, two imports at once neither lose nor duplicate a
//! customer, and the app's own tables (renamed columns, a JSON custom
//! column, UUID and text ids) work like the default one.
#![cfg(feature = "sqlite")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use intake::store::conformance;
use intake::SqliteStore;
use intake::{
    presets, Action, Argon2Hasher, Choices, Context, Customer, CustomerId, DateFormat, Field,
    IdKind, Importer, MatchKey, MemoryStore, PasswordHasher, Policy, Record, Report, Store,
    StoreError, TableMapping, Transactional, Value, Write,
};

// ---------------------------------------------------------------- helpers

/// A database file under the temp directory, removed (with its WAL files)
/// when dropped.
struct TempDb {
    path: PathBuf,
}

impl TempDb {
    fn new(name: &str) -> TempDb {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("intake-test-{}-{name}-{n}.db", std::process::id()));
        let db = TempDb { path };
        db.remove();
        db
    }

    fn open(&self) -> SqliteStore {
        SqliteStore::open(&self.path).expect("open the database")
    }

    fn remove(&self) {
        for end in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{end}", self.path.display()));
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

/// One row of a table as the file holds it: column → text, `NULL`s left
/// out.
type Row = BTreeMap<String, String>;

/// Every row of `table`, in `order` (a column), read with a connection of
/// its own.
fn dump_table(path: &Path, table: &str, order: &str) -> Vec<Row> {
    let conn = rusqlite::Connection::open(path).expect("open for reading");
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
        .unwrap();
    let names: Vec<String> = stmt.column_names().map(|n| n.to_string()).collect();
    let rows = stmt
        .query_map([], |r| {
            let mut row = Row::new();
            for (at, name) in names.iter().enumerate() {
                let text = match r.get_ref(at)? {
                    rusqlite::types::ValueRef::Null => continue,
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Real(x) => x.to_string(),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                };
                row.insert(name.clone(), text);
            }
            Ok(row)
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

/// Everything the default table of the database file holds.
fn dump(path: &Path) -> Vec<Row> {
    dump_table(path, "customers", "id")
}

/// A row's custom fields column, parsed.
fn custom_fields(row: &Row, column: &str) -> BTreeMap<String, String> {
    match row.get(column) {
        Some(json) => serde_json::from_str(json).expect("a JSON object of texts"),
        None => BTreeMap::new(),
    }
}

/// A record as field → text, the way the importer compares customers.
fn texts(record: &Record) -> BTreeMap<String, String> {
    record
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn contacts() -> Importer {
    Importer::new(presets::contacts()).context(Context::new().default_country("US").unwrap())
}

fn import(importer: &Importer, csv: &str, store: &mut impl Store) -> Report {
    match importer.import(csv.as_bytes(), store) {
        Ok(report) => report,
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

fn import_atomic(importer: &Importer, csv: &str, store: &mut impl Transactional) -> Report {
    match importer.import_atomic(csv.as_bytes(), store) {
        Ok(report) => report,
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

fn assert_counts_add_up(report: &Report) {
    assert_eq!(
        report.rows,
        report.inserted + report.updated + report.unchanged + report.failed,
        "rows != inserted + updated + unchanged + failed in {report:?}"
    );
    assert_eq!(report.failed, report.failures.len() as u64);
}

fn codes(report: &Report) -> Vec<(u64, &'static str)> {
    report
        .failures
        .iter()
        .flat_map(|f| f.problems.iter().map(move |p| (f.row, p.code.as_str())))
        .collect()
}

fn email(v: &str) -> MatchKey {
    MatchKey::Email(v.into())
}

fn phone(v: &str) -> MatchKey {
    MatchKey::Phone(v.into())
}

fn records(customers: Vec<Customer>) -> Vec<BTreeMap<String, String>> {
    customers.into_iter().map(|c| texts(&c.record)).collect()
}

fn cheap_hasher() -> Argon2Hasher {
    Argon2Hasher::with_cost(64, 1, 1).expect("valid cost")
}

/// Contacts: two rows fail (bad email, bad date), the others are distinct
/// customers; the last row repeats the first one exactly.
const CONTACTS: &str = "\
first_name,last_name,email,phone,company,city,state,birthday
Ann,Lee,Ann.Lee@Example.com,(415) 555-0101,Lee Landscaping,San Francisco,CA,1986-10-25
José,García,jose@example.com,415.555.0102,\"García & Sons, LLC\",San Francisco,CA,1979-03-14
Bob,Stone,bob@example,(212) 555-0104,,New York,NY,
Cleo,Park,cleo@example.com,312-555-0105,,Chicago,IL,1990-02-30
Mia,Johnson,,+1 312 555 0117,Johnson Florals,Chicago,IL,
,Okafor,,(773) 555-0112,,Chicago,IL,
Hans,Müller,hans@example.co.uk,+44 20 7946 0958,,London,,1968-12-09
Ann,Lee,ann.lee@example.com,+1 415 555 0101,Lee Landscaping,San Francisco,CA,1986-10-25
";

// ------------------------------------------------------------------ tests

#[test]
fn a_reimport_into_the_same_file_is_all_unchanged() {
    let db = TempDb::new("reimport");
    let first = import(&contacts(), CONTACTS, &mut db.open());
    assert_counts_add_up(&first);
    assert_eq!(
        (first.inserted, first.updated, first.unchanged, first.failed),
        (5, 0, 1, 2)
    );
    let before = dump(&db.path);

    // A new process would open the file again.
    let second = import(&contacts(), CONTACTS, &mut db.open());
    assert_counts_add_up(&second);
    assert_eq!(
        (
            second.inserted,
            second.updated,
            second.unchanged,
            second.failed
        ),
        (0, 0, 6, 2)
    );
    assert_eq!(codes(&second), codes(&first));
    assert_eq!(dump(&db.path), before, "an unchanged re-run writes nothing");
}

#[test]
fn the_database_holds_what_the_report_claims() {
    let db = TempDb::new("truth");
    let report = import(&contacts().preview(true), CONTACTS, &mut db.open());
    let changes = report.changes.clone().unwrap();

    let store = db.open();
    assert_eq!(store.len().unwrap() as u64, report.inserted);
    for change in changes.iter().filter(|c| c.action == Action::Insert) {
        let key = match change.values.get("email") {
            Some(mail) => email(mail),
            None => phone(&change.values["phone"]),
        };
        let customer = store.find(&key).unwrap().expect("an inserted customer");
        let stored: BTreeMap<String, String> = customer
            .record
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(stored, change.values, "row {}", change.row);
    }

    // The same import into a MemoryStore leaves the same customers.
    let mut memory = MemoryStore::new();
    import(&contacts(), CONTACTS, &mut memory);
    assert_eq!(
        records(store.customers().unwrap()),
        records(memory.customers())
    );

    // Read back raw: one row per customer, a column per field, the
    // values as their text.
    let rows = dump(&db.path);
    let ann = rows
        .iter()
        .find(|r| r.get("email").map(String::as_str) == Some("ann.lee@example.com"))
        .unwrap();
    for (column, text) in [
        ("phone", "+14155550101"),
        ("first_name", "Ann"),
        ("birthday", "1986-10-25"),
        ("state", "US-CA"),
        ("company", "Lee Landscaping"),
    ] {
        assert_eq!(ann.get(column).map(String::as_str), Some(text), "{column}");
    }
    assert_eq!(
        ann.get("custom_fields"),
        None,
        "contacts have no field without a column: NULL"
    );
    let okafor = rows
        .iter()
        .find(|r| r.get("phone").map(String::as_str) == Some("+17735550112"))
        .unwrap();
    assert_eq!(okafor.get("email"), None, "no email: NULL");
    assert_eq!(okafor.get("first_name"), None, "no first name: NULL");
}

#[test]
fn lookup_answers_every_key_in_order() {
    let mut store = SqliteStore::in_memory().unwrap();
    import(&contacts(), CONTACTS, &mut store);
    let ann = store.find(&email("ann.lee@example.com")).unwrap().unwrap();
    let mia = store.find(&phone("+13125550117")).unwrap().unwrap();
    let answers = store
        .lookup(&[
            email("nobody@example.com"),
            phone("+14155550101"),
            phone("+13125550117"),
            email("ann.lee@example.com"),
            phone("+10000000000"),
        ])
        .unwrap();
    let ids: Vec<Option<CustomerId>> = answers
        .iter()
        .map(|c| c.as_ref().map(|c| c.id.clone()))
        .collect();
    assert_eq!(
        ids,
        [
            None,
            Some(ann.id.clone()),
            Some(mia.id.clone()),
            Some(ann.id.clone()),
            None
        ]
    );
    assert_eq!(answers[1].as_ref(), Some(&ann));
    assert_eq!(store.get(&mia.id).unwrap(), Some(mia));
    assert!(store.lookup(&[]).unwrap().is_empty());
}

#[test]
fn a_lookup_of_many_keys_is_one_query_without_a_parameter_limit() {
    let mut store = SqliteStore::in_memory().unwrap();
    let mut ann = Record::new();
    ann.insert("email", Value::Email("ann@example.com".into()));
    store.apply(vec![Write::Insert(ann)]).unwrap();
    let mut keys: Vec<MatchKey> = (0..40_000)
        .map(|i| email(&format!("user{i}@example.com")))
        .collect();
    keys.push(email("ann@example.com"));
    let answers = store.lookup(&keys).unwrap();
    assert_eq!(answers.len(), keys.len());
    assert_eq!(answers.iter().filter(|a| a.is_some()).count(), 1);
    assert!(answers.last().unwrap().is_some());
}

#[test]
fn a_dry_run_writes_nothing() {
    let db = TempDb::new("dry");
    // Into an empty file.
    let report = import(&contacts().dry_run(true), CONTACTS, &mut db.open());
    assert!(report.dry_run);
    assert_eq!(report.inserted, 5);
    assert!(dump(&db.path).is_empty());

    // Into a file with customers: updates and inserts are only previewed.
    import(&contacts(), CONTACTS, &mut db.open());
    let before = dump(&db.path);
    let changes = "first_name,email,phone\n\
                   Annie,ann.lee@example.com,\n\
                   Zed,zed@example.com,(415) 555-0199\n";
    let report = import(&contacts().dry_run(true), changes, &mut db.open());
    assert_eq!((report.inserted, report.updated), (1, 1));
    assert_eq!(dump(&db.path), before);
}

#[test]
fn an_atomic_import_with_a_failing_row_leaves_the_database_as_it_was() {
    let db = TempDb::new("atomic");
    import(&contacts(), CONTACTS, &mut db.open());
    let before = dump(&db.path);

    let changes = "first_name,email,phone\n\
                   Annie,ann.lee@example.com,\n\
                   Zed,zed@example.com,(415) 555-0199\n\
                   Yan,yan@example,\n\
                   Xia,xia@example.com,\n";
    let report = import_atomic(&contacts().batch_size(2), changes, &mut db.open());
    assert!(report.rolled_back, "{report:?}");
    assert_eq!(codes(&report), [(4, "invalid_email")]);
    assert_eq!(dump(&db.path), before);

    // Without the failing row, it all lands.
    let good = changes.replace("Yan,yan@example,\n", "");
    let report = import_atomic(&contacts().batch_size(2), &good, &mut db.open());
    assert!(!report.rolled_back);
    assert_eq!((report.inserted, report.updated), (2, 1));
    let store = db.open();
    assert_eq!(store.len().unwrap(), before.len() + 2);
    let ann = store.find(&email("ann.lee@example.com")).unwrap().unwrap();
    assert_eq!(ann.record.text("first_name"), Some("Annie"));
}

/// Another import's write lands between this import's lookup and its
/// write: a second connection to the same file creates a customer just
/// before the first `apply`.
struct Interloper {
    inner: SqliteStore,
    other: Option<(SqliteStore, Record)>,
}

impl Store for Interloper {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.inner.lookup(keys)
    }
    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        if let Some((mut other, record)) = self.other.take() {
            let results = other.apply(vec![Write::Insert(record)])?;
            assert!(results[0].is_ok(), "{results:?}");
        }
        self.inner.apply(writes)
    }
}

impl Transactional for Interloper {
    fn begin(&mut self) -> Result<(), StoreError> {
        self.inner.begin()
    }
    fn commit(&mut self) -> Result<(), StoreError> {
        self.inner.commit()
    }
    fn rollback(&mut self) -> Result<(), StoreError> {
        self.inner.rollback()
    }
}

fn zed() -> Record {
    let mut r = Record::new();
    r.insert("first_name", Value::Text("Zed".into()));
    r.insert("phone", Value::Phone("+14155550199".into()));
    r
}

#[test]
fn a_phone_taken_meanwhile_is_looked_up_again_and_the_row_decided_anew() {
    let db = TempDb::new("unique");
    import(&contacts(), CONTACTS, &mut db.open());
    let before = db.open().customers().unwrap();

    // Ann takes a phone that, unknown to this import, Zed got meanwhile:
    // SQLite refuses the write as a conflict, the import looks the row's
    // keys up again, and now they are two customers'.
    let changes = "first_name,email,phone\n\
                   José,jose@example.com,(415) 555-0122\n\
                   Annie,ann.lee@example.com,(415) 555-0199\n\
                   Xia,xia@example.com,\n";
    let mut store = Interloper {
        inner: db.open(),
        other: Some((db.open(), zed())),
    };
    let report = import(&contacts(), changes, &mut store);
    assert_counts_add_up(&report);
    assert_eq!((report.inserted, report.updated, report.failed), (1, 1, 1));
    assert_eq!(codes(&report), [(3, "ambiguous_match")]);
    let message = &report.failures[0].problems[0].message;
    assert!(message.contains("+14155550199"), "{message}");
    assert!(!message.contains("UNIQUE"), "{message}");

    let store = db.open();
    let ann_before = before
        .iter()
        .find(|c| c.record.text("email") == Some("ann.lee@example.com"))
        .unwrap();
    let ann = store.find(&email("ann.lee@example.com")).unwrap().unwrap();
    assert_eq!(&ann, ann_before, "the failed update left Ann as she was");
    let owner = store.find(&phone("+14155550199")).unwrap().unwrap();
    assert_eq!(owner.record.text("first_name"), Some("Zed"));
    let jose = store.find(&email("jose@example.com")).unwrap().unwrap();
    assert_eq!(jose.record.text("phone"), Some("+14155550122"));
    assert!(store.find(&email("xia@example.com")).unwrap().is_some());
    assert_eq!(store.len().unwrap(), before.len() + 2, "Zed and Xia");
}

#[test]
fn an_atomic_import_whose_write_fails_is_rolled_back() {
    let db = TempDb::new("atomic-store");
    import(&contacts(), CONTACTS, &mut db.open());
    let before = dump(&db.path);
    let changes = "first_name,email,phone\n\
                   Xia,xia@example.com,\n\
                   Zed,zed@example.com,(415) 555-0199\n";
    // The interloper cannot write while the atomic import holds the lock:
    // give it a short wait so it fails instead of the import.
    let other = db
        .open()
        .busy_timeout(std::time::Duration::from_millis(50))
        .unwrap();
    let mut store = Interloper {
        inner: db.open(),
        other: Some((other, zed())),
    };
    // Not tried again: the failure must reach the import.
    let result = contacts()
        .store_retries(0)
        .import_atomic(changes.as_bytes(), &mut store);
    // The interloper's write failed as a whole batch (database locked):
    // the all-or-nothing import stops and nothing is written.
    let err = result.expect_err("the store failed");
    assert_eq!(err.code(), "store_failed");
    assert!(err.message().contains("nothing was written"), "{err}");
    assert_eq!(dump(&db.path), before);
}

#[test]
fn apply_fails_single_writes_and_keeps_the_others() {
    let mut store = SqliteStore::in_memory().unwrap();
    let person = |name: &str, mail: &str| -> Record {
        let mut r = Record::new();
        r.insert("first_name", Value::Text(name.into()));
        r.insert("email", Value::Email(mail.into()));
        r
    };
    let results = store
        .apply(vec![
            Write::Insert(person("Ann", "ann@example.com")),
            Write::Insert(person("Imposter", "ann@example.com")),
            Write::Update {
                id: CustomerId::from(999),
                record: person("Nobody", "nobody@example.com"),
            },
            Write::Insert(person("Bob", "bob@example.com")),
        ])
        .unwrap();
    assert_eq!(results.len(), 4);
    assert!(results[0].is_ok());
    assert_eq!(
        results[1].as_ref().unwrap_err().message(),
        "ann@example.com already belongs to another customer"
    );
    assert_eq!(
        results[2].as_ref().unwrap_err().message(),
        "customer 999 does not exist"
    );
    assert!(results[3].is_ok());
    let names: Vec<Option<String>> = store
        .customers()
        .unwrap()
        .iter()
        .map(|c| c.record.text("first_name").map(String::from))
        .collect();
    assert_eq!(names, [Some("Ann".into()), Some("Bob".into())]);

    // An update moves the customer's keys.
    let ann = results[0].clone().unwrap();
    let mut moved = person("Ann", "ann.lee@example.com");
    moved.insert("phone", Value::Phone("+14155550101".into()));
    let results = store
        .apply(vec![Write::Update {
            id: ann.clone(),
            record: moved.clone(),
        }])
        .unwrap();
    assert_eq!(results, [Ok(ann)]);
    assert!(store.find(&email("ann@example.com")).unwrap().is_none());
    assert_eq!(
        store.find(&phone("+14155550101")).unwrap().unwrap().record,
        moved
    );
}

/// Counts the calls that reach the store.
struct Counting {
    inner: SqliteStore,
    lookups: usize,
    applies: usize,
}

impl Store for Counting {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.lookups += 1;
        self.inner.lookup(keys)
    }
    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.applies += 1;
        self.inner.apply(writes)
    }
}

#[test]
fn one_lookup_and_one_apply_per_batch() {
    let db = TempDb::new("count");
    let csv = "email,phone\n\
               a@example.com,(415) 555-0101\n\
               b@example.com,(415) 555-0102\n\
               c@example.com,\n\
               d@example.com,(415) 555-0104\n\
               e@example.com,\n\
               f@example.com,(415) 555-0106\n";
    let mut store = Counting {
        inner: db.open(),
        lookups: 0,
        applies: 0,
    };
    let report = import(&contacts().batch_size(2), csv, &mut store);
    assert_eq!(report.inserted, 6);
    assert_eq!((store.lookups, store.applies), (3, 3));

    // Again: every row is unchanged, so nothing is written.
    store.lookups = 0;
    store.applies = 0;
    let report = import(&contacts().batch_size(2), csv, &mut store);
    assert_eq!(report.unchanged, 6);
    assert_eq!((store.lookups, store.applies), (3, 0));
}

const FIELD_SERVICE: &str = "\
Customer title,first_name,last_name,email,mobile,phone,password,Customer type,Business name,Date joined,street1,city,state,country,first_name2,last_name2,email2,phone2,mobile2,first_name3,mobile3,Loyalty points,Service due,Plan,Gate code
Mrs,Maria,García,maria.garcia@example.com,(415) 555-0134,(415) 555-0101,Pl4ntain!Sky,Personal,,2018/05/12,1 Market St,San Francisco,CA,US,Luis,García,Luis.Garcia@Example.com,,(415) 555-0135,Ana,(415) 555-0136,120,2025-03-01,premium,\"#4521, ring twice\"
Dr,James,O'Neil,james@oneil-plumbing.com,,(312) 555-0188,pipes&wrenches42,Business,\"O'Neil Plumbing, LLC\",2021/11/03,200 W Madison St,Chicago,IL,US,,,,,,,,-3.5,,Basic,
Ms,Priya,Natarajan,priya@example.com,,,,Personal,,2020/07/01,9 Pike St,Seattle,WA,US,Raj,,raj@example.com,(206) 555-0143,,,,,,,
";

fn field_service() -> Importer {
    let schema = presets::field_service()
        .with_fields([
            Field::number("loyalty_points").label("Loyalty points"),
            Field::date("service_due", vec![DateFormat::iso()]).label("Service due"),
            Field::choice("plan", Choices::new(["Basic", "Premium"])).label("Plan"),
            Field::text("gate_code").label("Gate code"),
        ])
        .unwrap();
    Importer::new(schema)
        .password_hasher(cheap_hasher())
        .context(Context::new().default_country("US").unwrap())
}

#[test]
fn the_field_service_preset_in_the_default_table_keeps_its_other_fields_in_custom_fields() {
    let db = TempDb::new("field-service");
    let report = import(&field_service(), FIELD_SERVICE, &mut db.open());
    assert_eq!((report.inserted, report.failed), (3, 0), "{report:?}");

    let mut memory = MemoryStore::new();
    import(&field_service(), FIELD_SERVICE, &mut memory);

    let store = db.open();
    let stored = records(store.customers().unwrap());
    let expected = records(memory.customers());
    assert_eq!(stored.len(), expected.len());
    for (got, want) in stored.iter().zip(&expected) {
        // Password hashes differ by salt: compare the rest, and verify.
        let strip = |r: &BTreeMap<String, String>| {
            let mut r = r.clone();
            r.remove("password");
            r
        };
        assert_eq!(strip(got), strip(want));
        assert_eq!(got.contains_key("password"), want.contains_key("password"));
    }

    let maria = store
        .find(&email("maria.garcia@example.com"))
        .unwrap()
        .unwrap()
        .record;
    for (field, text) in [
        ("title", "Mrs"),
        ("date_joined", "2018-05-12"),
        ("email2", "luis.garcia@example.com"),
        ("mobile", "+14155550134"),
        ("mobile2", "+14155550135"),
        ("mobile3", "+14155550136"),
        ("loyalty_points", "120"),
        ("service_due", "2025-03-01"),
        ("plan", "Premium"),
        ("gate_code", "#4521, ring twice"),
    ] {
        assert_eq!(
            maria.get(field).map(|v| v.to_string()).as_deref(),
            Some(text),
            "{field}"
        );
    }
    let hasher = cheap_hasher();
    match maria.get("password") {
        Some(Value::PasswordHash(hash)) => {
            assert!(hasher.verify("Pl4ntain!Sky", hash));
            assert!(!hash.contains("Pl4ntain"));
        }
        other => panic!("no password hash: {other:?}"),
    }
    // A secondary contact's email is not a key: it matches nobody.
    assert!(store
        .find(&email("luis.garcia@example.com"))
        .unwrap()
        .is_none());

    // Raw: the contacts' fields in their columns, the others in
    // custom_fields as texts, the password only as its hash.
    let rows = dump(&db.path);
    let row = rows
        .iter()
        .find(|r| r.get("email").map(String::as_str) == Some("maria.garcia@example.com"))
        .unwrap();
    assert_eq!(row.get("first_name").map(String::as_str), Some("Maria"));
    assert_eq!(row.get("phone").map(String::as_str), Some("+14155550101"));
    assert_eq!(row.get("state").map(String::as_str), Some("US-CA"));
    let custom = custom_fields(row, "custom_fields");
    for (field, text) in [
        ("title", "Mrs"),
        ("mobile", "+14155550134"),
        ("date_joined", "2018-05-12"),
        ("email2", "luis.garcia@example.com"),
        ("loyalty_points", "120"),
        ("gate_code", "#4521, ring twice"),
    ] {
        assert_eq!(custom.get(field).map(String::as_str), Some(text), "{field}");
    }
    assert!(custom["password"].starts_with("$argon2id$"), "{custom:?}");
    assert!(!row.values().any(|v| v.contains("Pl4ntain")));
    for column in ["title", "mobile", "email2", "password"] {
        assert!(!row.contains_key(column), "{column} has no column");
    }
    // Priya has no password: none in her custom fields.
    let priya = rows
        .iter()
        .find(|r| r.get("email").map(String::as_str) == Some("priya@example.com"))
        .unwrap();
    let custom = custom_fields(priya, "custom_fields");
    assert!(!custom.contains_key("password"), "{custom:?}");
    assert_eq!(custom.get("title").map(String::as_str), Some("Ms"));

    // The preset's insert-only policy: every customer already exists.
    let again = import(&field_service(), FIELD_SERVICE, &mut db.open());
    assert_eq!(again.failed, 3);
    assert!(codes(&again).iter().all(|(_, c)| *c == "already_exists"));
    // As an upsert, the same file changes nothing (passwords included).
    let upsert = import(
        &field_service().policy(Policy::upsert()),
        FIELD_SERVICE,
        &mut db.open(),
    );
    assert_eq!((upsert.unchanged, upsert.failed), (3, 0), "{upsert:?}");
    assert_eq!(dump(&db.path), rows);
}

/// A file of `prefix` customers and the shared ones, interleaved.
fn racing_csv(prefix: &str, shared: usize) -> String {
    let mut csv = String::from("first_name,email,phone\n");
    for i in 0..shared {
        csv.push_str(&format!(
            "{prefix}{i},{prefix}{i}@example.com,\n{prefix} shares {i},shared{i}@example.com,(415) 555-{:04}\n",
            1000 + i
        ));
    }
    csv
}

/// The database after a race: no customer twice, every one with an
/// email.
fn assert_consistent(path: &Path) -> Vec<Row> {
    let rows = dump(path);
    let mut emails = std::collections::HashSet::new();
    let mut phones = std::collections::HashSet::new();
    for row in &rows {
        let mail = row
            .get("email")
            .unwrap_or_else(|| panic!("customer {} has no email", row["id"]));
        assert!(emails.insert(mail.clone()), "{mail} twice");
        if let Some(tel) = row.get("phone") {
            assert!(phones.insert(tel.clone()), "{tel} twice");
        }
    }
    rows
}

#[test]
fn two_imports_at_once_neither_lose_nor_duplicate_a_customer() {
    const SHARED: usize = 25;
    for round in 0..3 {
        let db = TempDb::new(&format!("race{round}"));
        let path = db.path.clone();
        let runs: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|prefix| {
                let path = path.clone();
                thread::spawn(move || {
                    let mut store = SqliteStore::open(&path).expect("open in a thread");
                    let importer = contacts().policy(Policy::upsert()).batch_size(3);
                    import(&importer, &racing_csv(prefix, SHARED), &mut store)
                })
            })
            .collect();
        let reports: Vec<Report> = runs.into_iter().map(|t| t.join().unwrap()).collect();

        let rows = assert_consistent(&path);
        assert_eq!(rows.len(), 3 * SHARED, "a, b and the shared customers");
        let inserted: u64 = reports.iter().map(|r| r.inserted).sum();
        assert_eq!(inserted, rows.len() as u64, "each customer inserted once");
        for report in &reports {
            assert_counts_add_up(report);
            assert_eq!(report.rows, 2 * SHARED as u64);
            for failure in &report.failures {
                // Only the loser of a race to create a shared customer.
                let problem = &failure.problems[0];
                assert_eq!(problem.code.as_str(), "store_failed");
                assert!(
                    problem
                        .message
                        .contains("already belongs to another customer"),
                    "{}",
                    problem.message
                );
                assert!(
                    failure
                        .cells
                        .get(1)
                        .is_some_and(|c| c.starts_with("shared")),
                    "{failure:?}"
                );
            }
        }
    }
}

#[test]
fn an_atomic_import_and_a_plain_one_at_once_take_turns() {
    const SHARED: usize = 20;
    let db = TempDb::new("race-atomic");
    // Open once first: both threads find the tables.
    drop(db.open());
    let path = db.path.clone();
    let runs: Vec<_> = [("a", true), ("b", false)]
        .into_iter()
        .map(|(prefix, atomic)| {
            let path = path.clone();
            thread::spawn(move || {
                let mut store = SqliteStore::open(&path).expect("open in a thread");
                let importer = contacts().policy(Policy::upsert()).batch_size(4);
                let csv = racing_csv(prefix, SHARED);
                if atomic {
                    import_atomic(&importer, &csv, &mut store)
                } else {
                    import(&importer, &csv, &mut store)
                }
            })
        })
        .collect();
    let reports: Vec<Report> = runs.into_iter().map(|t| t.join().unwrap()).collect();
    let rows = assert_consistent(&path);
    assert_eq!(rows.len(), 3 * SHARED);
    // The all-or-nothing import holds the write lock from its first
    // lookup on: it never loses a race, so it is never rolled back.
    let atomic = &reports[0];
    assert_eq!(atomic.failed, 0, "{:?}", atomic.failures);
    assert!(!atomic.rolled_back);
    for report in &reports {
        assert_counts_add_up(report);
    }
    let inserted: u64 = reports.iter().map(|r| r.inserted).sum();
    assert_eq!(inserted, rows.len() as u64);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_clearly() {
    let db = TempDb::new("not-a-db");
    std::fs::write(
        &db.path,
        "first_name,email\nAnn,ann@example.com\n".repeat(200),
    )
    .unwrap();
    let err = SqliteStore::open(&db.path).unwrap_err();
    let message = err.message();
    assert!(message.contains("could not be opened"), "{message}");
    assert!(
        message.contains(&db.path.display().to_string()),
        "{message}"
    );
}

#[test]
fn a_store_can_move_to_another_thread() {
    fn send<T: Send>(_: &T) {}
    send(&SqliteStore::in_memory().unwrap());
}

// ------------------------------------------------------ the app's own tables

/// Creates tables in the file at `path`, as an app would.
fn create(path: &Path, ddl: &str) {
    rusqlite::Connection::open(path)
        .expect("open to create tables")
        .execute_batch(ddl)
        .expect("create the app's tables");
}

/// The app's table: its own names, an integer id, the fields without a
/// column in a JSON column, and a column of the app's own that the store
/// leaves to its default.
const APP_TABLE: &str = "
CREATE TABLE crm_people (
    person_id     INTEGER PRIMARY KEY,
    given_name    TEXT,
    family_name   TEXT,
    email_address TEXT UNIQUE,
    mobile_number TEXT,
    extra         TEXT,
    created_at    TEXT NOT NULL DEFAULT 'by the app'
);
CREATE UNIQUE INDEX crm_people_mobile ON crm_people (mobile_number);
";

fn app_mapping() -> TableMapping {
    TableMapping::for_schema(&presets::contacts())
        .table("crm_people")
        .id_column("person_id", IdKind::Int)
        .column("first_name", "given_name")
        .column("last_name", "family_name")
        .column("email", "email_address")
        .column("phone", "mobile_number")
        .only_columns(["first_name", "last_name", "email", "phone"])
        .custom_fields(Some("extra"))
}

/// Contacts with an account's own field.
fn with_loyalty() -> (Importer, String) {
    let schema = presets::contacts()
        .with_fields([Field::number("loyalty_points").label("Loyalty points")])
        .unwrap();
    let importer = Importer::new(schema).context(Context::new().default_country("US").unwrap());
    let csv: String = CONTACTS
        .lines()
        .enumerate()
        .map(|(n, line)| match n {
            0 => format!("{line},Loyalty points\n"),
            _ => format!("{line},120\n"),
        })
        .collect();
    (importer, csv)
}

#[test]
fn the_apps_own_table_with_renamed_columns_and_a_json_column_reimports_unchanged() {
    let db = TempDb::new("app-table");
    create(&db.path, APP_TABLE);
    let (importer, csv) = with_loyalty();
    let open = || SqliteStore::open_with(&db.path, app_mapping()).expect("open the app's table");

    let first = import(&importer, &csv, &mut open());
    assert_counts_add_up(&first);
    assert_eq!(
        (first.inserted, first.updated, first.unchanged, first.failed),
        (5, 0, 1, 2)
    );
    let before = dump_table(&db.path, "crm_people", "person_id");
    assert_eq!(before.len(), 5);

    let second = import(&importer, &csv, &mut open());
    assert_eq!(
        (
            second.inserted,
            second.updated,
            second.unchanged,
            second.failed
        ),
        (0, 0, 6, 2)
    );
    assert_eq!(
        dump_table(&db.path, "crm_people", "person_id"),
        before,
        "an unchanged re-run writes nothing"
    );

    // The custom fields read back with the others.
    let store = open();
    let ann = store.find(&email("ann.lee@example.com")).unwrap().unwrap();
    for (field, text) in [
        ("first_name", "Ann"),
        ("last_name", "Lee"),
        ("phone", "+14155550101"),
        ("city", "San Francisco"),
        ("state", "US-CA"),
        ("birthday", "1986-10-25"),
        ("loyalty_points", "120"),
    ] {
        assert_eq!(
            ann.record.get(field).map(|v| v.to_string()).as_deref(),
            Some(text),
            "{field}"
        );
    }
    assert_eq!(store.get(&ann.id).unwrap(), Some(ann.clone()));
    assert_eq!(
        store.find(&phone("+14155550101")).unwrap().map(|c| c.id),
        Some(ann.id.clone())
    );

    // The same customers as in the default table.
    let mut default = SqliteStore::in_memory().unwrap();
    import(&importer, &csv, &mut default);
    assert_eq!(
        records(store.customers().unwrap()),
        records(default.customers().unwrap())
    );

    // Raw: the app's names, the JSON object, the app's own column kept.
    let row = before
        .iter()
        .find(|r| r.get("email_address").map(String::as_str) == Some("ann.lee@example.com"))
        .unwrap();
    assert_eq!(row.get("given_name").map(String::as_str), Some("Ann"));
    assert_eq!(
        row.get("mobile_number").map(String::as_str),
        Some("+14155550101")
    );
    assert_eq!(
        row.get("created_at").map(String::as_str),
        Some("by the app")
    );
    let extra = custom_fields(row, "extra");
    assert_eq!(
        extra,
        [
            ("birthday", "1986-10-25"),
            ("city", "San Francisco"),
            ("company", "Lee Landscaping"),
            ("loyalty_points", "120"),
            ("state", "US-CA"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<BTreeMap<_, _>>()
    );

    // An update moves the values between the columns and the JSON.
    let changes = "first_name,email,city\nAnnie,ann.lee@example.com,Oakland\n";
    let report = import(&contacts(), changes, &mut open());
    assert_eq!(report.updated, 1, "{report:?}");
    let ann = open().find(&email("ann.lee@example.com")).unwrap().unwrap();
    assert_eq!(ann.record.text("first_name"), Some("Annie"));
    assert_eq!(ann.record.text("city"), Some("Oakland"));
    assert_eq!(ann.record.text("loyalty_points"), Some("120"));
}

/// UUID ids, made by the store (the column has no default).
const UUID_TABLE: &str = "
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY NOT NULL,
    email      TEXT UNIQUE,
    phone      TEXT UNIQUE,
    first_name TEXT,
    last_name  TEXT,
    attributes TEXT
);
";

fn uuid_mapping() -> TableMapping {
    TableMapping::new("accounts")
        .id_column("account_id", IdKind::Uuid)
        .column("email", "email")
        .column("phone", "phone")
        .column("first_name", "first_name")
        .column("last_name", "last_name")
        .custom_fields(Some("attributes"))
}

/// Text ids, made by the database (a default), in a table of the app's
/// own names.
const TEXT_TABLE: &str = "
CREATE TABLE clients (
    ref  TEXT PRIMARY KEY NOT NULL DEFAULT ('cus_' || lower(hex(randomblob(6)))),
    mail TEXT,
    tel  TEXT,
    name TEXT,
    data TEXT
);
CREATE UNIQUE INDEX clients_mail ON clients (mail);
CREATE UNIQUE INDEX clients_tel ON clients (tel);
";

fn text_mapping() -> TableMapping {
    TableMapping::new("clients")
        .id_column("ref", IdKind::Text)
        .column("email", "mail")
        .column("phone", "tel")
        .column("first_name", "name")
        .custom_fields(Some("data"))
}

/// Runs the conformance suite on fresh files holding `ddl`'s table,
/// opened with `mapping`.
fn conformance_on(name: &str, ddl: &str, mapping: &TableMapping) {
    let mut dbs: Vec<TempDb> = Vec::new();
    let mut make = || {
        let db = TempDb::new(name);
        create(&db.path, ddl);
        let store = SqliteStore::open_with(&db.path, mapping.clone()).expect("open the table");
        dbs.push(db);
        store
    };
    conformance::check(&mut make);
    conformance::check_transactions(&mut make);
}

#[test]
fn a_table_of_uuid_ids_passes_the_conformance_suite_and_reimports_unchanged() {
    conformance_on("uuid-conformance", UUID_TABLE, &uuid_mapping());

    let db = TempDb::new("uuid");
    create(&db.path, UUID_TABLE);
    let open = || SqliteStore::open_with(&db.path, uuid_mapping()).unwrap();
    let first = import(&contacts(), CONTACTS, &mut open());
    assert_eq!((first.inserted, first.failed), (5, 2));
    let store = open();
    let customers = store.customers().unwrap();
    for customer in &customers {
        let uuid = customer.id.as_uuid().expect("a UUID id");
        assert_eq!(uuid.get_version(), Some(uuid::Version::Random));
        assert_eq!(store.get(&customer.id).unwrap().as_ref(), Some(customer));
    }
    let rows = dump_table(&db.path, "accounts", "account_id");
    let mut ids: Vec<String> = rows.iter().map(|r| r["account_id"].clone()).collect();
    let stored: Vec<String> = customers.iter().map(|c| c.id.to_string()).collect();
    ids.sort();
    assert_eq!(ids, stored, "kept as lower-case hyphenated text");
    assert_eq!(store.get(&CustomerId::from(1)).unwrap(), None, "not a UUID");

    let second = import(&contacts(), CONTACTS, &mut open());
    assert_eq!((second.unchanged, second.failed), (6, 2));
    assert_eq!(dump_table(&db.path, "accounts", "account_id"), rows);
}

#[test]
fn a_table_of_text_ids_from_a_default_passes_the_conformance_suite_and_reimports_unchanged() {
    conformance_on("text-conformance", TEXT_TABLE, &text_mapping());

    let db = TempDb::new("text");
    create(&db.path, TEXT_TABLE);
    let open = || SqliteStore::open_with(&db.path, text_mapping()).unwrap();
    let first = import(&contacts(), CONTACTS, &mut open());
    assert_eq!((first.inserted, first.failed), (5, 2));
    let store = open();
    let ann = store.find(&email("ann.lee@example.com")).unwrap().unwrap();
    let id = ann.id.as_text().expect("a text id");
    assert!(id.starts_with("cus_") && id.len() == 16, "{id}");
    assert_eq!(ann.record.text("first_name"), Some("Ann"));
    assert_eq!(ann.record.text("city"), Some("San Francisco"));
    let rows = dump_table(&db.path, "clients", "ref");

    let second = import(&contacts(), CONTACTS, &mut open());
    assert_eq!((second.unchanged, second.failed), (6, 2));
    assert_eq!(dump_table(&db.path, "clients", "ref"), rows);
}

#[test]
fn tables_the_store_creates_for_uuid_and_text_ids_pass_the_conformance_suite() {
    for kind in [IdKind::Uuid, IdKind::Text] {
        let mapping = TableMapping::for_schema(&presets::contacts())
            .table("people")
            .id_column("person_ref", kind);
        let make = || SqliteStore::in_memory_with(mapping.clone()).unwrap();
        conformance::check(make);
        conformance::check_transactions(make);
    }
    let mapping = TableMapping::for_schema(&presets::contacts()).id_column("ref", IdKind::Text);
    let mut store = SqliteStore::in_memory_with(mapping).unwrap();
    import(&contacts(), CONTACTS, &mut store);
    for customer in store.customers().unwrap() {
        let id = customer.id.as_text().expect("a text id");
        let uuid: uuid::Uuid = id.parse().expect("a UUID as text");
        assert_eq!(uuid.get_version(), Some(uuid::Version::Random));
    }
}

#[test]
fn a_table_without_a_column_of_the_mapping_is_refused_at_open() {
    let db = TempDb::new("missing-column");
    create(&db.path, APP_TABLE);
    let refused = |mapping: TableMapping| match SqliteStore::open_with(&db.path, mapping) {
        Ok(_) => panic!("opened"),
        Err(e) => e.message().to_string(),
    };

    let message = refused(app_mapping().column("last_name", "surname"));
    assert!(message.contains("crm_people"), "{message}");
    assert!(message.contains("\"surname\""), "{message}");
    assert!(message.contains("last_name"), "{message}");
    let message = refused(app_mapping().custom_fields(Some("attributes")));
    assert!(message.contains("\"attributes\""), "{message}");
    let message = refused(app_mapping().id_column("id", IdKind::Int));
    assert!(message.contains("\"id\" (the id)"), "{message}");

    // A key column without a unique index.
    create(
        &db.path,
        "CREATE TABLE leads (id INTEGER PRIMARY KEY, email TEXT UNIQUE, phone TEXT);
         CREATE INDEX leads_phone ON leads (phone);",
    );
    let leads = TableMapping::new("leads")
        .column("email", "email")
        .column("phone", "phone");
    let message = refused(leads);
    assert!(message.contains("\"phone\""), "{message}");
    assert!(message.contains("unique index"), "{message}");
    assert!(message.contains("CREATE UNIQUE INDEX"), "{message}");

    // The app's tables were left as they were.
    let tables = rusqlite::Connection::open(&db.path)
        .unwrap()
        .prepare("SELECT name FROM sqlite_master ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(
        tables,
        [
            "crm_people",
            "crm_people_mobile",
            "leads",
            "leads_phone",
            "sqlite_autoindex_crm_people_1",
            "sqlite_autoindex_leads_1"
        ]
    );

    // A mapping that is not valid is refused before the file is touched.
    let nowhere = TempDb::new("invalid-mapping");
    let err = SqliteStore::open_with(&nowhere.path, app_mapping().table("crm people")).unwrap_err();
    assert!(err.message().contains("names the table"), "{err}");
    assert!(!nowhere.path.exists());
}

#[test]
fn a_file_of_another_layout_is_refused_clearly() {
    let db = TempDb::new("old-layout");
    create(
        &db.path,
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, phone TEXT);",
    );
    let err = SqliteStore::open(&db.path).unwrap_err();
    let message = err.message();
    assert!(message.contains("no columns \"first_name\""), "{message}");
}

#[test]
fn an_email_column_that_compares_without_case_finds_its_customer() {
    let db = TempDb::new("nocase");
    create(
        &db.path,
        "CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT COLLATE NOCASE UNIQUE,
             phone TEXT UNIQUE, first_name TEXT);
         INSERT INTO people (email, first_name) VALUES ('Ann@Example.com', 'Ann');",
    );
    let mapping = TableMapping::new("people")
        .column("email", "email")
        .column("phone", "phone")
        .column("first_name", "first_name");
    let mut store = SqliteStore::open_with(&db.path, mapping).unwrap();
    let found = store.lookup(&[email("ann@example.com")]).unwrap();
    assert_eq!(
        found[0].as_ref().and_then(|c| c.record.text("first_name")),
        Some("Ann")
    );
    let report = import(
        &contacts().policy(Policy::upsert()),
        "first_name,email\nAnnie,ann@example.com\n",
        &mut store,
    );
    assert_eq!((report.updated, report.failed), (1, 0), "{report:?}");
    assert_eq!(store.len().unwrap(), 1);
}
