//! SqliteStore through the public API: re-imports build on earlier ones,
//! the database holds what the report claims, dry runs and rolled-back
//! all-or-nothing imports write nothing, a broken unique index fails one
//! row, batches take one lookup and one apply, every kind of value
//! round-trips, and two imports at once neither lose nor duplicate a
//! customer.
#![cfg(feature = "sqlite")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use chrono::NaiveDate;
use intake::SqliteStore;
use intake::{
    presets, Action, Argon2Hasher, Choices, Context, Customer, CustomerId, DateFormat, Field,
    Importer, MatchKey, MemoryStore, PasswordHasher, Policy, Record, Report, Store, StoreError,
    Transactional, Value, Write,
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

/// One customer row as the file holds it: id, email and phone columns,
/// and its (field, kind, value) rows.
type Row = (
    i64,
    Option<String>,
    Option<String>,
    Vec<(String, String, String)>,
);

/// Everything the database file holds, read with a connection of its own.
fn dump(path: &Path) -> Vec<Row> {
    let conn = rusqlite::Connection::open(path).expect("open for reading");
    let mut customers: Vec<Row> = conn
        .prepare("SELECT id, email, phone FROM customers ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, Vec::new())))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut stmt = conn
        .prepare("SELECT customer_id, field, kind, value FROM customer_values ORDER BY customer_id, field")
        .unwrap();
    let values: Vec<(i64, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (id, field, kind, value) in values {
        let owner = customers
            .iter_mut()
            .find(|c| c.0 == id)
            .unwrap_or_else(|| panic!("values of customer {id}, who does not exist"));
        owner.3.push((field, kind, value));
    }
    customers
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

fn records(customers: Vec<Customer>) -> Vec<Record> {
    customers.into_iter().map(|c| c.record).collect()
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

    // Read back raw: keys in their columns, kinds as documented.
    let rows = dump(&db.path);
    let ann = rows
        .iter()
        .find(|r| r.1.as_deref() == Some("ann.lee@example.com"))
        .unwrap();
    assert_eq!(ann.2.as_deref(), Some("+14155550101"));
    assert!(ann
        .3
        .contains(&("birthday".into(), "date".into(), "1986-10-25".into())));
    assert!(ann
        .3
        .contains(&("phone".into(), "phone".into(), "+14155550101".into())));
    let okafor = rows
        .iter()
        .find(|r| r.2.as_deref() == Some("+17735550112"))
        .unwrap();
    assert_eq!(okafor.1, None, "no email: NULL");
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
fn field_service_custom_fields_and_secondary_contacts_round_trip() {
    let db = TempDb::new("field-service");
    let report = import(&field_service(), FIELD_SERVICE, &mut db.open());
    assert_eq!((report.inserted, report.failed), (3, 0), "{report:?}");

    let mut memory = MemoryStore::new();
    import(&field_service(), FIELD_SERVICE, &mut memory);

    let store = db.open();
    let stored = records(store.customers().unwrap());
    let expected = records(memory.customers());
    assert_eq!(stored.len(), expected.len());
    let hasher = cheap_hasher();
    for (got, want) in stored.iter().zip(&expected) {
        // Password hashes differ by salt: compare the rest, and verify.
        let strip = |r: &Record| {
            let mut r = r.clone();
            r.remove("password");
            r
        };
        assert_eq!(strip(got), strip(want));
        assert_eq!(got.contains("password"), want.contains("password"));
    }

    let maria = store
        .find(&email("maria.garcia@example.com"))
        .unwrap()
        .unwrap()
        .record;
    assert_eq!(maria.get("title"), Some(&Value::Choice("Mrs".into())));
    assert_eq!(
        maria.get("date_joined"),
        Some(&Value::Date(NaiveDate::from_ymd_opt(2018, 5, 12).unwrap()))
    );
    assert_eq!(
        maria.get("email2"),
        Some(&Value::Email("luis.garcia@example.com".into()))
    );
    assert_eq!(
        maria.get("mobile2"),
        Some(&Value::Phone("+14155550135".into()))
    );
    assert_eq!(
        maria.get("mobile3"),
        Some(&Value::Phone("+14155550136".into()))
    );
    assert_eq!(
        maria.get("loyalty_points"),
        Some(&Value::Number("120".into()))
    );
    assert_eq!(
        maria.get("service_due"),
        Some(&Value::Date(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()))
    );
    assert_eq!(maria.get("plan"), Some(&Value::Choice("Premium".into())));
    assert_eq!(maria.text("gate_code"), Some("#4521, ring twice"));
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
    // The raw kinds.
    let rows = dump(&db.path);
    let kinds: BTreeMap<String, String> = rows
        .iter()
        .find(|r| r.1.as_deref() == Some("maria.garcia@example.com"))
        .unwrap()
        .3
        .iter()
        .map(|(field, kind, _)| (field.clone(), kind.clone()))
        .collect();
    for (field, kind) in [
        ("title", "choice"),
        ("first_name", "text"),
        ("email", "email"),
        ("mobile", "phone"),
        ("password", "password_hash"),
        ("date_joined", "date"),
        ("email2", "email"),
        ("loyalty_points", "number"),
    ] {
        assert_eq!(kinds.get(field).map(String::as_str), Some(kind), "{field}");
    }

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

/// The database after a race: no customer twice, every key column agrees
/// with the customer's values.
fn assert_consistent(path: &Path) -> Vec<Row> {
    let rows = dump(path);
    let mut emails = std::collections::HashSet::new();
    for (id, mail, tel, values) in &rows {
        let value = |field: &str| {
            values
                .iter()
                .find(|(f, _, _)| f == field)
                .map(|(_, _, v)| v.clone())
        };
        assert_eq!(mail, &value("email"), "customer {id}");
        assert_eq!(tel, &value("phone"), "customer {id}");
        let mail = mail.clone().expect("every racing customer has an email");
        assert!(emails.insert(mail.clone()), "{mail} twice");
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
