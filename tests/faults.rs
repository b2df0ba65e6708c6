//! Fault injection: a store that fails its Nth lookup, its Nth write or a
//! whole batch, under imports of generated files. Whatever fails, the
//! report tells the truth about what the store holds.

use std::collections::BTreeMap;

use intake::{
    presets, Action, Context, Customer, CustomerId, Importer, MatchKey, MemoryStore, Policy,
    Report, Store, StoreError, Transactional, Write,
};
use proptest::prelude::*;

mod common;

/// Which call of the store fails (0-based, counted over the import).
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// The Nth `lookup` call fails as a whole.
    Lookup(usize),
    /// The Nth write (counted across `apply` calls) fails on its own.
    Write(usize),
    /// The Nth `apply` call fails as a whole; nothing of it is written.
    Apply(usize),
}

/// Wraps a store and injects one fault.
struct FaultyStore<S> {
    inner: S,
    fault: Fault,
    lookups: usize,
    writes: usize,
    applies: usize,
}

impl<S: Store> FaultyStore<S> {
    fn new(inner: S, fault: Fault) -> FaultyStore<S> {
        FaultyStore {
            inner,
            fault,
            lookups: 0,
            writes: 0,
            applies: 0,
        }
    }
}

impl<S: Store> Store for FaultyStore<S> {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        let n = self.lookups;
        self.lookups += 1;
        if matches!(self.fault, Fault::Lookup(f) if f == n) {
            return Err(StoreError::new("lookup timed out"));
        }
        self.inner.lookup(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let n = self.applies;
        self.applies += 1;
        if matches!(self.fault, Fault::Apply(f) if f == n) {
            return Err(StoreError::new("connection reset"));
        }
        let (fault, written) = (self.fault, &mut self.writes);
        common::apply_refusing(&mut self.inner, writes, |_| {
            let w = *written;
            *written += 1;
            matches!(fault, Fault::Write(f) if f == w)
        })
    }
}

impl<S: Transactional> Transactional for FaultyStore<S> {
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

/// Customer `i` of the pool: a fixed email and phone, so a customer's
/// identity never changes; `name` varies to make updates.
fn row(customer: u8, name: u8) -> String {
    format!(
        "c{customer}@example.com,+1 415 555 01{customer:02},Name{name}",
        customer = customer % 8,
        name = name % 3
    )
}

fn csv(rows: &[(u8, u8)]) -> String {
    let mut out = String::from("email,phone,first_name\n");
    for &(c, n) in rows {
        out.push_str(&row(c, n));
        out.push('\n');
    }
    out
}

/// The store's customers as comparable value maps, sorted.
type Snapshot = Vec<BTreeMap<String, String>>;

fn snapshot(customers: Vec<Customer>) -> Snapshot {
    let mut out: Snapshot = customers
        .into_iter()
        .map(|c| {
            c.record
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    out.sort();
    out
}

/// What the store must hold after `report`, replaying the rows it reports
/// as imported onto `before` (every row fills every field, so an update
/// replaces the customer's values).
fn expected(before: &Snapshot, report: &Report) -> Snapshot {
    let mut model: BTreeMap<String, BTreeMap<String, String>> = before
        .iter()
        .map(|values| (values["email"].clone(), values.clone()))
        .collect();
    for change in report.changes.as_deref().unwrap_or_default() {
        let email = change.values["email"].clone();
        match change.action {
            Action::Insert => {
                assert!(
                    !model.contains_key(&email),
                    "row {} inserted an existing customer",
                    change.row
                );
                model.insert(email, change.values.clone());
            }
            Action::Update => {
                assert!(
                    model.contains_key(&email),
                    "row {} updated a missing customer",
                    change.row
                );
                model.insert(email, change.values.clone());
            }
            Action::Unchanged => assert_eq!(
                model.get(&email),
                Some(&change.values),
                "row {} reported unchanged, but the customer differs",
                change.row
            ),
            _ => panic!("unknown action"),
        }
    }
    let mut out: Snapshot = model.into_values().collect();
    out.sort();
    out
}

fn importer(batch: usize) -> Importer {
    Importer::new(presets::contacts())
        .policy(Policy::upsert())
        .context(Context::new().default_country("US").unwrap())
        .batch_size(batch)
        .preview(true)
}

/// Imports `csv` into `store`, all or nothing when `atomic`.
fn import<S: Transactional>(
    importer: &Importer,
    csv: &str,
    store: &mut S,
    atomic: bool,
) -> Result<Report, intake::Error> {
    if atomic {
        importer.import_atomic(csv.as_bytes(), store)
    } else {
        importer.import(csv.as_bytes(), store)
    }
}

/// Runs one import through a faulty store and checks every property.
fn check<S: Transactional>(
    store: S,
    customers: impl Fn(&S) -> Vec<Customer>,
    seed: &[(u8, u8)],
    rows: &[(u8, u8)],
    fault: Fault,
    batch: usize,
    atomic: bool,
) -> Result<(), TestCaseError> {
    let mut store = store;
    let seeded = importer(1000).import(csv(seed).as_bytes(), &mut store);
    prop_assert!(seeded.is_ok_and(|r| r.failed == 0));
    let before = snapshot(customers(&store));
    let mut faulty = FaultyStore::new(store, fault);
    let outcome = import(&importer(batch), &csv(rows), &mut faulty, atomic);
    let after = snapshot(customers(&faulty.inner));
    match outcome {
        Ok(report) => {
            prop_assert_eq!(
                report.rows,
                report.inserted + report.updated + report.unchanged + report.failed
            );
            prop_assert_eq!(report.rows, rows.len() as u64);
            prop_assert_eq!(report.failed, report.failures.len() as u64);
            for failure in &report.failures {
                prop_assert!(failure
                    .problems
                    .iter()
                    .all(|p| p.code.as_str() == "store_failed"));
            }
            if report.rolled_back {
                prop_assert!(atomic);
                prop_assert_eq!(&after, &before, "a rolled-back import changed the store");
            } else {
                prop_assert!(
                    !atomic || report.failed == 0,
                    "an atomic import kept failed rows"
                );
                prop_assert_eq!(&after, &expected(&before, &report));
            }
        }
        Err(e) => {
            // A file-level store failure: only all-or-nothing imports end so.
            prop_assert!(atomic, "non-atomic import failed whole: {}", e.message());
            prop_assert_eq!(e.code(), "store_failed");
            prop_assert_eq!(&after, &before, "a failed atomic import changed the store");
        }
    }
    Ok(())
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (0usize..6).prop_map(Fault::Lookup),
        (0usize..12).prop_map(Fault::Write),
        (0usize..6).prop_map(Fault::Apply),
    ]
}

fn rows() -> impl Strategy<Value = Vec<(u8, u8)>> {
    prop::collection::vec((0u8..8, 0u8..3), 1..16)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn memory_store_report_matches_store_under_any_fault(
        seed in prop::collection::vec((0u8..8, 0u8..3), 0..4),
        rows in rows(),
        fault in fault(),
        batch in 1usize..5,
        atomic in any::<bool>(),
    ) {
        check(MemoryStore::new(), MemoryStore::customers, &seed, &rows, fault, batch, atomic)?;
    }
}

#[cfg(feature = "sqlite")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn sqlite_store_report_matches_store_under_any_fault(
        seed in prop::collection::vec((0u8..8, 0u8..3), 0..4),
        rows in rows(),
        fault in fault(),
        batch in 1usize..5,
        atomic in any::<bool>(),
    ) {
        let store = intake::SqliteStore::in_memory().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let customers = |s: &intake::SqliteStore| s.customers().unwrap_or_default();
        check(store, customers, &seed, &rows, fault, batch, atomic)?;
    }
}

#[test]
fn a_failed_write_fails_exactly_its_rows() {
    let rows = [(1, 0), (2, 0), (1, 1), (3, 0)];
    let mut store = FaultyStore::new(MemoryStore::new(), Fault::Write(0));
    let report = importer(10)
        .import(csv(&rows).as_bytes(), &mut store)
        .unwrap();
    // Rows 2 and 4 (customer 1, created then renamed) share the first write.
    let failed: Vec<u64> = report.failures.iter().map(|f| f.row).collect();
    assert_eq!(failed, vec![2, 4]);
    assert_eq!(report.inserted, 2);
    assert_eq!(store.inner.len(), 2);
}

#[test]
fn an_unchanged_repeat_of_a_failed_write_fails_too() {
    // Row 3 repeats row 2 exactly: it is "unchanged" only if row 2 was saved.
    let rows = [(1, 0), (1, 0)];
    let mut store = FaultyStore::new(MemoryStore::new(), Fault::Write(0));
    let report = importer(10)
        .import(csv(&rows).as_bytes(), &mut store)
        .unwrap();
    assert_eq!(report.failed, 2);
    assert_eq!(report.unchanged, 0);
    assert!(store.inner.is_empty());
}

#[test]
fn stop_on_store_failure_ends_the_import_at_the_failed_batch() {
    let rows = [(1, 0), (2, 0), (3, 0), (4, 0)];
    let mut store = FaultyStore::new(MemoryStore::new(), Fault::Apply(0));
    let report = importer(2)
        .stop_on_store_failure(true)
        .import(csv(&rows).as_bytes(), &mut store)
        .unwrap();
    assert_eq!(report.rows, 2);
    assert_eq!(report.failed, 2);
    let stopped = report.stopped.expect("the import stopped");
    assert_eq!(stopped.code.as_str(), "store_failed");
    assert_eq!(stopped.line(), Some(4));
    assert!(stopped.message.contains("row 4"), "{}", stopped.message);
    assert!(store.inner.is_empty());
}

#[test]
fn without_stop_on_store_failure_the_import_goes_on() {
    let rows = [(1, 0), (2, 0), (3, 0), (4, 0)];
    let mut store = FaultyStore::new(MemoryStore::new(), Fault::Apply(0));
    let report = importer(2)
        .import(csv(&rows).as_bytes(), &mut store)
        .unwrap();
    assert_eq!((report.failed, report.inserted), (2, 2));
    assert!(report.stopped.is_none());
    assert_eq!(store.inner.len(), 2);
}

#[test]
fn atomic_import_with_a_failed_lookup_writes_nothing() {
    let rows = [(1, 0), (2, 0), (3, 0)];
    let mut store = FaultyStore::new(MemoryStore::new(), Fault::Lookup(1));
    let err = importer(1)
        .import_atomic(csv(&rows).as_bytes(), &mut store)
        .unwrap_err();
    assert_eq!(err.code(), "store_failed");
    assert!(store.inner.is_empty());
}
