//! The I/O-free core: an `ImportSession` driven by hand gives what
//! `Importer::import` gives; every apply call is one a store may run as a
//! set; a write refused because its key was taken meanwhile is looked up
//! and decided again, so concurrent imports lose no row.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use common::{contacts, outcomes};
use intake::{
    Cells, Customer, CustomerId, ImportSession, Importer, MatchKey, MemoryStore, Policy, Record,
    Report, Step, Store, StoreError, Transactional, Value, Write,
};
use intake_generator::{Flavour, Generator};

/// Drives a session over `rows` (numbered from row 2) and `store`.
fn drive(
    importer: &Importer,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    store: &mut impl Transactional,
) -> Report {
    drive_session(importer.session(header), rows, store)
}

/// Drives `session` over `rows` and `store`.
fn drive_session(
    session: Result<ImportSession, intake::Error>,
    rows: Vec<Vec<String>>,
    store: &mut impl Transactional,
) -> Report {
    let mut session = session.expect("the header maps");
    let mut rows = rows.into_iter();
    loop {
        match session.step() {
            Step::Input => match rows.next() {
                Some(cells) => session.push_row(Cells::from_iter(cells)),
                None => session.end_input(None),
            },
            Step::Begin => session.began(store.begin()),
            Step::Lookup(keys) => {
                let found = store.lookup(keys);
                session.looked_up(found);
            }
            Step::Apply(writes) => {
                let results = store.apply(writes);
                session.applied(results);
            }
            Step::Commit => session.ended(store.commit()),
            Step::Rollback => session.ended(store.rollback()),
            Step::Done(report) => return report.expect("no file-level failure"),
            other => panic!("a step this test does not know: {other:?}"),
        }
    }
}

/// A generated contacts file as a header and rows of cells.
fn generated(rows: u64, seed: u64) -> (Vec<String>, Vec<Vec<String>>, Vec<u8>) {
    let (bytes, _) = Generator::new(Flavour::Contacts, seed).to_vec(rows);
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    let cells = reader
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_string).collect())
        .collect();
    (header, cells, bytes)
}

/// The customers' values, whatever their ids: what two stores are
/// compared by.
fn contents(customers: Vec<Customer>) -> BTreeSet<Vec<(String, String)>> {
    customers
        .into_iter()
        .map(|c| {
            c.record
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn a_session_driven_by_hand_gives_what_import_rows_gives() {
    let (header, rows, _) = generated(3_000, 11);
    let importer = contacts().batch_size(250).preview(true);
    let mut by_hand = MemoryStore::new();
    let driven = drive(&importer, header.clone(), rows.clone(), &mut by_hand);
    let mut imported = MemoryStore::new();
    let expected = importer
        .import_rows(header, rows, &mut imported)
        .expect("no file-level failure");
    assert_eq!(outcomes(&driven), outcomes(&expected));
    assert_eq!(driven.failures, expected.failures);
    assert_eq!(driven.warnings, expected.warnings);
    assert_eq!(by_hand.customers(), imported.customers());
    assert!(driven.inserted > 2_000, "{}", driven.summary());
}

#[test]
fn a_session_refuses_a_header_as_import_does() {
    let err = contacts()
        .session(vec!["favourite colour".into()])
        .unwrap_err();
    assert_eq!(err.code(), "missing_columns");
}

#[test]
fn a_step_left_unanswered_ends_the_session_with_invalid_config() {
    let mut session = contacts().session(vec!["email".into()]).expect("maps");
    assert!(matches!(session.step(), Step::Input));
    session.push_row(Cells::from_iter(["ann@example.com"]));
    assert!(matches!(session.step(), Step::Input));
    session.end_input(None);
    assert!(matches!(session.step(), Step::Lookup(_)));
    // Asked for a lookup, the caller answers with writes' results.
    session.applied(Ok(Vec::new()));
    match session.step() {
        Step::Done(Err(e)) => assert_eq!(e.code(), "invalid_config"),
        other => panic!("expected the session to end: {other:?}"),
    }
}

/// The match keys of a record of the contacts preset.
fn keys_of(record: &Record) -> Vec<MatchKey> {
    let mut keys = Vec::new();
    if let Some(Value::Email(e)) = record.get("email") {
        keys.push(MatchKey::Email(e.clone()));
    }
    if let Some(Value::Phone(p)) = record.get("phone") {
        keys.push(MatchKey::Phone(p.clone()));
    }
    keys
}

/// A memory store that checks, at every apply, that the call is one a
/// store may run as a set in any order: each customer at most once, and
/// no key freed by one write and taken by another; and counts the calls.
#[derive(Default)]
struct SetChecker {
    inner: MemoryStore,
    /// Each customer's keys, as written.
    keys: BTreeMap<CustomerId, Vec<MatchKey>>,
    applies: u64,
    lookups: u64,
}

impl Store for SetChecker {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.lookups += 1;
        self.inner.lookup(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.applies += 1;
        let mut updated = BTreeSet::new();
        let mut freed: BTreeMap<MatchKey, usize> = BTreeMap::new();
        let mut claimed: BTreeMap<MatchKey, usize> = BTreeMap::new();
        for (n, write) in writes.iter().enumerate() {
            let (before, after) = match write {
                Write::Insert(record) => (Vec::new(), keys_of(record)),
                Write::Update { id, record } => {
                    assert!(
                        updated.insert(id.clone()),
                        "customer {id} twice in one call"
                    );
                    let old = self.keys.get(id).cloned().unwrap_or_default();
                    (old, keys_of(record))
                }
                other => panic!("unknown write {other:?}"),
            };
            for key in before.iter().filter(|k| !after.contains(k)) {
                freed.insert(key.clone(), n);
            }
            for key in after.iter().filter(|k| !before.contains(k)) {
                claimed.insert(key.clone(), n);
            }
        }
        for (key, by) in &claimed {
            if let Some(frees) = freed.get(key) {
                assert_eq!(
                    frees, by,
                    "{key:?} freed by write {frees} and taken by write {by} of one call"
                );
            }
        }
        let keys: Vec<Vec<MatchKey>> = writes
            .iter()
            .map(|w| match w {
                Write::Insert(record) | Write::Update { record, .. } => keys_of(record),
                _ => Vec::new(),
            })
            .collect();
        let results = self.inner.apply(writes)?;
        for (keys, result) in keys.into_iter().zip(&results) {
            if let Ok(id) = result {
                self.keys.insert(id.clone(), keys);
            }
        }
        Ok(results)
    }
}

#[test]
fn every_apply_call_holds_each_customer_once_and_no_write_takes_a_key_another_frees() {
    // A file whose rows free keys and take them again within a batch:
    // Ann and Bob share three phones, each row taking the free one and
    // freeing its own; other customers come and go between.
    const SEED: &str =
        "email,phone\nann@example.com,+1 415 555 0101\nbob@example.com,+1 415 555 0102\n";
    let mut csv = String::from("email,phone,first_name\n");
    let (mut ann, mut bob, mut free) = (1, 2, 3);
    for i in 0..60 {
        let (who, phone) = if i % 2 == 0 {
            ("ann", &mut ann)
        } else {
            ("bob", &mut bob)
        };
        std::mem::swap(phone, &mut free);
        csv.push_str(&format!(
            "{who}@example.com,+1 415 555 010{phone},{who}{i}\n"
        ));
        csv.push_str(&format!("c{i}@example.com,,C\n"));
    }
    let mut store = SetChecker::default();
    contacts()
        .import(SEED.as_bytes(), &mut store)
        .expect("seeded");
    let report = contacts()
        .preview(true)
        .import(csv.as_bytes(), &mut store)
        .expect("imported");
    let mut alone = common::seeded(SEED);
    let expected = contacts()
        .preview(true)
        .batch_size(1)
        .import(csv.as_bytes(), &mut alone)
        .expect("imported");
    assert_eq!(outcomes(&report), outcomes(&expected));
    assert_eq!(store.inner.customers(), alone.customers());
    assert_eq!(report.updated, 60, "{:?}", report.failures);
    assert!(store.applies > 2, "the swaps need calls of their own");
}

#[test]
fn a_generated_file_takes_one_lookup_and_about_one_apply_per_batch() {
    let (_, _, bytes) = generated(100_000, 7);
    let importer = contacts().policy(Policy::upsert());
    let mut store = SetChecker::default();
    for pass in ["first import", "re-import"] {
        let (applies, lookups) = (store.applies, store.lookups);
        let report = importer.import(&bytes[..], &mut store).expect("imported");
        let batches = report.rows.div_ceil(1_000);
        let per_batch = (store.applies - applies) as f64 / batches as f64;
        eprintln!(
            "{pass}: {} apply and {} lookup calls for {batches} batches ({per_batch:.3} applies a batch); {}",
            store.applies - applies,
            store.lookups - lookups,
            report.summary().lines().next().unwrap_or_default()
        );
        assert!(per_batch <= 1.05, "{pass}: {per_batch} applies a batch");
        assert!(store.lookups - lookups <= batches, "{pass}");
    }
}

/// A store that, just before the import's first apply, lets another
/// import create `rival` (as if it had been uploaded at the same moment).
struct Rival {
    inner: MemoryStore,
    rival: Option<Record>,
}

impl Store for Rival {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.inner.lookup(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        if let Some(rival) = self.rival.take() {
            let results = self.inner.apply(vec![Write::Insert(rival)])?;
            assert!(results.iter().all(Result::is_ok), "{results:?}");
        }
        self.inner.apply(writes)
    }
}

fn ann_elsewhere() -> Record {
    [
        ("email", Value::Email("ann@example.com".into())),
        ("first_name", Value::Text("Ann (other upload)".into())),
    ]
    .into_iter()
    .collect()
}

const ANN: &str = "email,first_name,last_name\nann@example.com,Ann,Lee\nbo@example.com,Bo,\n";

#[test]
fn upsert_updates_the_customer_that_took_the_key_meanwhile() {
    let mut store = Rival {
        inner: MemoryStore::new(),
        rival: Some(ann_elsewhere()),
    };
    let report = contacts()
        .policy(Policy::upsert())
        .import(ANN.as_bytes(), &mut store)
        .expect("imported");
    assert_eq!(
        (report.inserted, report.updated, report.failed),
        (1, 1, 0),
        "{:?}",
        report.failures
    );
    assert_eq!(store.inner.len(), 2, "no second Ann");
    let ann = store
        .inner
        .find(&MatchKey::Email("ann@example.com".into()))
        .expect("Ann");
    assert_eq!(ann.record.text("first_name"), Some("Ann"));
    assert_eq!(ann.record.text("last_name"), Some("Lee"));
}

#[test]
fn insert_only_reports_already_exists_for_a_key_taken_meanwhile() {
    let mut store = Rival {
        inner: MemoryStore::new(),
        rival: Some(ann_elsewhere()),
    };
    let report = contacts()
        .policy(Policy::insert_only())
        .import(ANN.as_bytes(), &mut store)
        .expect("imported");
    assert_eq!((report.inserted, report.failed), (1, 1));
    assert_eq!(report.failures[0].row, 2);
    assert_eq!(
        report.failures[0].problems[0].code.as_str(),
        "already_exists"
    );
    let ann = store
        .inner
        .find(&MatchKey::Email("ann@example.com".into()))
        .expect("Ann");
    assert_eq!(ann.record.text("first_name"), Some("Ann (other upload)"));
}

/// A store that refuses every insert as a conflict, and counts its calls.
#[derive(Default)]
struct AlwaysTaken {
    applies: u64,
}

impl Store for AlwaysTaken {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        Ok(keys.iter().map(|_| None).collect())
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.applies += 1;
        Ok(writes
            .iter()
            .map(|_| {
                Err(StoreError::new(
                    "duplicate key value violates unique constraint \"customers_email_key\"",
                )
                .conflict())
            })
            .collect())
    }
}

#[test]
fn a_write_refused_after_every_retry_fails_its_row_without_the_stores_words() {
    let mut store = AlwaysTaken::default();
    let report = contacts()
        .import(ANN.as_bytes(), &mut store)
        .expect("imported");
    assert_eq!(report.failed, 2);
    assert_eq!(store.applies, 4, "the first write and three retries");
    for failure in &report.failures {
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
            !problem.message.contains("constraint"),
            "{}",
            problem.message
        );
        let cause = failure.store_error().expect("the app gets the cause");
        assert!(cause.is_conflict());
    }
    let mut failed_rows = Vec::new();
    report.write_failed_rows(&mut failed_rows).expect("written");
    let failed_rows = String::from_utf8(failed_rows).expect("UTF-8");
    assert!(!failed_rows.contains("constraint"), "{failed_rows}");
    assert!(!report.summary().contains("constraint"));
}

/// One memory store shared by concurrent imports: each call holds it
/// alone, as a database's statement would.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<MemoryStore>>);

impl Store for Shared {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        let mut store = self.0.lock().unwrap_or_else(|e| e.into_inner());
        store.lookup(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let mut store = self.0.lock().unwrap_or_else(|e| e.into_inner());
        store.apply(writes)
    }
}

/// Imports `bytes` `n` times at once into `make()`'s stores; returns the
/// reports.
fn at_once<S: Store + Send>(n: usize, bytes: &[u8], make: impl Fn() -> S) -> Vec<Report> {
    let importer = contacts().policy(Policy::upsert()).batch_size(200);
    std::thread::scope(|scope| {
        let imports: Vec<_> = (0..n)
            .map(|_| {
                let mut store = make();
                let importer = &importer;
                scope.spawn(move || importer.import(bytes, &mut store).expect("imported"))
            })
            .collect();
        imports
            .into_iter()
            .map(|i| i.join().expect("no panic"))
            .collect()
    })
}

fn store_failed(report: &Report) -> usize {
    report
        .failures
        .iter()
        .filter(|f| f.problems.iter().any(|p| p.code.as_str() == "store_failed"))
        .count()
}

#[test]
fn concurrent_imports_of_one_file_into_one_memory_store_leave_what_one_import_leaves() {
    let (_, _, bytes) = generated(100_000, 5);
    let mut alone = MemoryStore::new();
    let expected = contacts()
        .policy(Policy::upsert())
        .import(&bytes[..], &mut alone)
        .expect("imported");
    let shared = Shared::default();
    let reports = at_once(2, &bytes, || shared.clone());
    for report in &reports {
        assert_eq!(store_failed(report), 0, "{:?}", &report.failures[..3]);
        assert_eq!(report.failed, expected.failed);
        assert_eq!(report.rows, expected.rows);
    }
    let store = shared.0.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(store.len(), alone.len());
    assert_eq!(contents(store.customers()), contents(alone.customers()));
}

#[cfg(feature = "sqlite")]
#[test]
fn concurrent_imports_of_one_file_into_one_sqlite_file_leave_what_one_import_leaves() {
    use intake::SqliteStore;

    let dir = tempfile::tempdir().expect("a temporary folder");
    let (_, _, bytes) = generated(100_000, 5);
    let mut alone = MemoryStore::new();
    contacts()
        .policy(Policy::upsert())
        .import(&bytes[..], &mut alone)
        .expect("imported");
    let path = dir.path().join("customers.db");
    let reports = at_once(2, &bytes, || SqliteStore::open(&path).expect("opened"));
    for report in &reports {
        assert_eq!(store_failed(report), 0, "{:?}", &report.failures[..3]);
    }
    let store = SqliteStore::open(&path).expect("opened");
    assert_eq!(
        contents(store.customers().expect("read")),
        contents(alone.customers())
    );
}

/// A store that keeps every value as text, as a table of TEXT columns
/// would: what it gives back has no variants.
#[derive(Default)]
struct TextColumns(MemoryStore);

impl Store for TextColumns {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        Ok(self
            .0
            .lookup(keys)?
            .into_iter()
            .map(|found| {
                found.map(|c| Customer {
                    id: c.id,
                    record: c
                        .record
                        .iter()
                        .map(|(f, v)| (f, Value::Text(v.to_string().into())))
                        .collect(),
                })
            })
            .collect())
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.0.apply(writes)
    }
}

#[test]
fn a_store_that_keeps_text_gets_the_decisions_of_one_that_keeps_variants() {
    // Unrecognised places, dates, choices: every kind of value.
    let (_, _, bytes) = generated(5_000, 21);
    let importer = contacts().policy(Policy::upsert());
    let mut typed = MemoryStore::new();
    let mut text = TextColumns::default();
    for pass in ["first import", "re-import"] {
        let expected = importer.import(&bytes[..], &mut typed).expect("imported");
        let report = importer.import(&bytes[..], &mut text).expect("imported");
        assert_eq!(
            (
                report.inserted,
                report.updated,
                report.unchanged,
                report.failed
            ),
            (
                expected.inserted,
                expected.updated,
                expected.unchanged,
                expected.failed
            ),
            "{pass}"
        );
    }
    assert_eq!(text.0.customers(), typed.customers());
}

#[test]
fn a_customer_kept_as_text_with_an_unrecognised_state_is_unchanged_on_re_import() {
    let csv = "email,phone,state,country\nann@example.com,(415) 555-0101,Narnia,US\nbo@example.com,,CA,US\n";
    let mut store = TextColumns::default();
    let first = contacts()
        .import(csv.as_bytes(), &mut store)
        .expect("imported");
    assert_eq!(first.inserted, 2);
    let again = contacts()
        .import(csv.as_bytes(), &mut store)
        .expect("imported");
    assert_eq!(
        (again.unchanged, again.updated),
        (2, 0),
        "{:?}",
        again.failures
    );
}

/// A store whose first `failures` calls of each kind fail as a whole,
/// temporarily (a database restarting).
struct Restarting {
    inner: MemoryStore,
    failures: u32,
    lookups: u32,
    applies: u32,
}

impl Restarting {
    fn new(failures: u32) -> Restarting {
        Restarting {
            inner: MemoryStore::new(),
            failures,
            lookups: 0,
            applies: 0,
        }
    }
}

impl Store for Restarting {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.lookups += 1;
        if self.lookups <= self.failures {
            return Err(
                StoreError::new("terminating connection due to administrator command").temporary(),
            );
        }
        self.inner.lookup(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.applies += 1;
        if self.applies <= self.failures {
            return Err(
                StoreError::new("terminating connection due to administrator command").temporary(),
            );
        }
        self.inner.apply(writes)
    }
}

#[test]
fn a_passing_store_failure_is_tried_again_and_the_rows_saved_once() {
    let mut store = Restarting::new(2);
    let report = contacts()
        .import(ANN.as_bytes(), &mut store)
        .expect("imported");
    assert_eq!(
        (report.inserted, report.failed),
        (2, 0),
        "{:?}",
        report.failures
    );
    assert_eq!((store.lookups, store.applies), (3, 3));
    assert_eq!(store.inner.len(), 2);
}

#[test]
fn a_store_failure_that_outlasts_the_retries_fails_the_rows_without_the_stores_words() {
    let mut store = Restarting::new(3);
    let report = contacts()
        .import(ANN.as_bytes(), &mut store)
        .expect("imported");
    assert_eq!(report.failed, 2);
    assert_eq!(store.lookups, 3, "the first try and two retries");
    for failure in &report.failures {
        let message = &failure.problems[0].message;
        assert!(message.contains("Upload it again later"), "{message}");
        assert!(!message.contains("administrator"), "{message}");
    }
    assert!(store.inner.is_empty());
}

#[test]
fn an_atomic_session_asks_for_a_transaction_before_its_first_lookup() {
    let importer = contacts();
    let mut session = importer
        .atomic_session(vec!["email".to_string()])
        .expect("the header maps");
    session.push_row(Cells::from_iter(["ann@example.com"]));
    assert!(matches!(session.step(), Step::Begin));
}

#[test]
fn an_atomic_session_with_a_failed_row_ends_in_a_rollback() {
    let mut store = MemoryStore::new();
    let rows = vec![
        vec!["ann@example.com".to_string()],
        vec!["nobody".to_string()],
    ];
    let report = drive_session(
        contacts().atomic_session(vec!["email".to_string()]),
        rows,
        &mut store,
    );
    assert!(report.rolled_back);
    assert!(store.is_empty());
}

#[test]
fn a_plain_session_never_asks_for_a_transaction() {
    let importer = contacts();
    let mut session = importer
        .session(vec!["email".to_string()])
        .expect("the header maps");
    let mut store = MemoryStore::new();
    let mut fed = false;
    loop {
        match session.step() {
            Step::Input if !fed => {
                session.push_row(Cells::from_iter(["ann@example.com"]));
                fed = true;
            }
            Step::Input => session.end_input(None),
            Step::Lookup(keys) => {
                let found = store.lookup(keys);
                session.looked_up(found);
            }
            Step::Apply(writes) => {
                let results = store.apply(writes);
                session.applied(results);
            }
            Step::Done(report) => {
                assert_eq!(report.expect("imported").inserted, 1);
                break;
            }
            other => panic!("a plain session asked for {other:?}"),
        }
    }
}
