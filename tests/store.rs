//! The store: MemoryStore's lookups and unique keys, batch-shaped calls,
//! per-write failures, whole-batch failures.

mod common;

use common::*;
use intake::{
    Customer, CustomerId, MatchKey, MemoryStore, Policy, Record, Store, StoreError, Transactional,
    Value, Write,
};

fn email(v: &str) -> MatchKey {
    MatchKey::Email(v.into())
}

fn phone(v: &str) -> MatchKey {
    MatchKey::Phone(v.into())
}

fn person(name: &str, mail: Option<&str>, tel: Option<&str>) -> Record {
    let mut r = Record::new();
    r.insert("first_name", Value::Text(name.into()));
    if let Some(m) = mail {
        r.insert("email", Value::Email(m.into()));
    }
    if let Some(t) = tel {
        r.insert("phone", Value::Phone(t.into()));
    }
    r
}

const FIVE: &str =
    "email\na@example.com\nb@example.com\nc@example.com\nd@example.com\ne@example.com\n";

#[test]
fn memory_store_finds_imported_customers_by_normalized_email_and_phone() {
    let (_, store) = run_fresh("first_name,email,phone\nAnn,Ann@Example.com,(415) 555-0101\n");
    let by_mail = store.find(&email("ann@example.com")).unwrap();
    let by_tel = store.find(&phone("+14155550101")).unwrap();
    assert_eq!(by_mail, by_tel);
    assert_eq!(by_mail.record.text("first_name"), Some("Ann"));
    assert!(
        store.find(&email("Ann@Example.com")).is_none(),
        "keys are normalized"
    );
    assert_eq!(store.get(&by_mail.id), Some(by_mail));
}

#[test]
fn memory_store_lookup_answers_every_key_in_order() {
    let mut store =
        seeded("first_name,email,phone\nAnn,ann@example.com,415 555 0101\nBob,bob@example.com,\n");
    let ann = store.find(&email("ann@example.com")).unwrap();
    let bob = store.find(&email("bob@example.com")).unwrap();
    let answers = store
        .lookup(&[
            email("nobody@example.com"),
            phone("+14155550101"),
            email("bob@example.com"),
            email("ann@example.com"),
        ])
        .unwrap();
    let ids: Vec<Option<&CustomerId>> = answers.iter().map(|c| c.as_ref().map(|c| &c.id)).collect();
    assert_eq!(ids, [None, Some(&ann.id), Some(&bob.id), Some(&ann.id)]);
}

#[test]
fn memory_store_apply_returns_one_result_per_write() {
    let mut store = MemoryStore::new();
    let results = store
        .apply(vec![
            Write::Insert(person("Ann", Some("ann@example.com"), None)),
            Write::Insert(person("Bob", Some("bob@example.com"), Some("+14155550102"))),
        ])
        .unwrap();
    assert_eq!(results.len(), 2);
    let ids: Vec<CustomerId> = results.into_iter().map(Result::unwrap).collect();
    assert_ne!(ids[0], ids[1]);
    assert_eq!(store.len(), 2);
    assert_eq!(store.find(&phone("+14155550102")).unwrap().id, ids[1]);
}

#[test]
fn memory_store_refuses_a_write_whose_key_belongs_to_another_customer() {
    let mut store = MemoryStore::new();
    let results = store
        .apply(vec![
            Write::Insert(person("Ann", Some("ann@example.com"), None)),
            Write::Insert(person("Imposter", Some("ann@example.com"), None)),
            Write::Insert(person("Bob", Some("bob@example.com"), None)),
        ])
        .unwrap();
    assert!(results[0].is_ok());
    assert!(results[1].is_err(), "a unique index refuses it");
    assert!(results[2].is_ok(), "one bad write does not fail the others");
    assert_eq!(store.len(), 2);
}

#[test]
fn memory_store_update_moves_the_customers_keys() {
    let mut store = MemoryStore::new();
    let id = store
        .apply(vec![Write::Insert(person(
            "Ann",
            Some("ann@example.com"),
            None,
        ))])
        .unwrap()[0]
        .clone()
        .unwrap();
    let results = store
        .apply(vec![Write::Update {
            id: id.clone(),
            record: person("Ann", Some("ann.lee@example.com"), Some("+14155550101")),
        }])
        .unwrap();
    assert_eq!(results[0].as_ref().ok(), Some(&id));
    assert!(store.find(&email("ann@example.com")).is_none());
    assert_eq!(store.find(&email("ann.lee@example.com")).unwrap().id, id);
    assert_eq!(store.find(&phone("+14155550101")).unwrap().id, id);
}

#[test]
fn memory_store_update_of_unknown_customer_fails_that_write() {
    let mut store = MemoryStore::new();
    let results = store
        .apply(vec![Write::Update {
            id: CustomerId::from(999),
            record: person("Ann", None, None),
        }])
        .unwrap();
    assert!(results[0].is_err());
    assert!(store.is_empty());
}

#[test]
fn one_lookup_call_and_one_apply_call_per_batch() {
    let mut store = ScriptedStore::new(MemoryStore::new());
    let report = contacts()
        .batch_size(2)
        .import(FIVE.as_bytes(), &mut store)
        .unwrap();
    assert_eq!(report.inserted, 5);
    assert_eq!(store.lookups, 3, "batches of 2, 2 and 1");
    assert_eq!(store.applies, 3);
    assert_eq!(store.applied, [2, 2, 1]);
    assert_eq!(
        store.looked_up.iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 2, 1]
    );
}

#[test]
fn a_small_file_takes_one_lookup_and_one_apply() {
    let mut store = ScriptedStore::new(MemoryStore::new());
    contacts().import(FIVE.as_bytes(), &mut store).unwrap();
    assert_eq!((store.lookups, store.applies), (1, 1));
    assert_eq!(store.applied, [5]);
}

#[test]
fn keys_of_one_lookup_call_are_distinct() {
    let mut store = ScriptedStore::new(MemoryStore::new());
    contacts()
        .import(
            "email,phone\nann@example.com,415 555 0101\nANN@example.com,(415) 555-0101\nann@example.com,\n"
                .as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!(store.lookups, 1);
    let keys = &store.looked_up[0];
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(keys.len(), unique.len(), "{keys:?}");
    assert_eq!(keys.len(), 2);
}

#[test]
fn repeats_inside_a_batch_reach_the_store_as_one_write_per_customer() {
    let mut store = ScriptedStore::new(MemoryStore::new());
    let report = contacts()
        .import(
            "first_name,email\nAnn,ann@example.com\nAnnie,ann@example.com\nAnn B.,ann@example.com\n"
                .as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!((report.inserted, report.updated), (1, 2));
    assert_eq!(store.inner.len(), 1);
    assert_eq!(
        by_email(&store.inner, "ann@example.com")
            .unwrap()
            .record
            .text("first_name"),
        Some("Ann B.")
    );
}

#[test]
fn a_failing_write_fails_exactly_its_row_with_store_failed() {
    let mut store = ScriptedStore::new(MemoryStore::new());
    store.refuse_email = Some("c@example.com".into());
    let report = contacts().import(FIVE.as_bytes(), &mut store).unwrap();
    assert_eq!((report.inserted, report.failed), (4, 1));
    let f = failure_of(&report, 4);
    assert_eq!(codes(f), ["store_failed"]);
    // The store's text is the app's, not the person's.
    assert!(
        f.problems[0].message.contains("could not be saved"),
        "{}",
        f.problems[0].message
    );
    assert!(!f.problems[0].message.contains("disk quota exceeded"));
    assert_eq!(
        f.store_error().map(|e| e.message()),
        Some("disk quota exceeded")
    );
    assert_eq!(store.inner.len(), 4);
    assert!(by_email(&store.inner, "c@example.com").is_none());
    assert_counts_add_up(&report);
}

#[test]
fn a_failing_write_fails_every_row_it_carries_and_no_other() {
    // Rows 2 and 3 are the same customer: one write carries both.
    let mut store = ScriptedStore::new(MemoryStore::new());
    store.refuse_email = Some("ann@example.com".into());
    let report = contacts()
        .import(
            "first_name,email\nAnn,ann@example.com\nAnnie,ann@example.com\nBob,bob@example.com\n"
                .as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!(report.failed, 2);
    assert!(report.failures.iter().all(|f| codes(f) == ["store_failed"]));
    assert_eq!(report.inserted, 1);
    assert_counts_add_up(&report);
}

#[test]
fn apply_returning_err_fails_the_rows_of_that_batch_only() {
    let mut store = ScriptedStore::new(MemoryStore::new());
    store.fail_apply_call = Some(2);
    let report = contacts()
        .batch_size(2)
        .import(FIVE.as_bytes(), &mut store)
        .unwrap();
    assert_eq!((report.inserted, report.failed), (3, 2));
    let failed: Vec<u64> = report.failures.iter().map(|f| f.row).collect();
    assert_eq!(failed, [4, 5]);
    assert!(report.failures.iter().all(|f| codes(f) == ["store_failed"]));
    let message = &report.failures[0].problems[0].message;
    assert!(message.contains("could not be saved"), "{message}");
    assert!(!message.contains("connection reset"), "{message}");
    assert!(report
        .failures
        .iter()
        .all(|f| f.store_error().map(|e| e.message()) == Some("connection reset")));
    assert_eq!(store.inner.len(), 3);
    assert!(by_email(&store.inner, "c@example.com").is_none());
    assert!(by_email(&store.inner, "e@example.com").is_some());
    assert_counts_add_up(&report);
}

#[test]
fn lookup_returning_err_fails_the_rows_of_that_batch() {
    struct DownOnce {
        inner: MemoryStore,
        calls: usize,
    }
    impl Store for DownOnce {
        fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
            self.calls += 1;
            if self.calls == 1 {
                return Err(StoreError::new("timeout"));
            }
            self.inner.lookup(keys)
        }
        fn apply(
            &mut self,
            writes: Vec<Write>,
        ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
            self.inner.apply(writes)
        }
    }
    let mut store = DownOnce {
        inner: MemoryStore::new(),
        calls: 0,
    };
    let report = contacts()
        .batch_size(2)
        .import(FIVE.as_bytes(), &mut store)
        .unwrap();
    assert_eq!((report.inserted, report.failed), (3, 2));
    assert!(report.failures.iter().all(|f| codes(f) == ["store_failed"]));
    assert_eq!(store.inner.len(), 3);
}

#[test]
fn store_holds_exactly_what_the_report_says_was_written() {
    let mut store = seeded(
        "first_name,email,phone\nAnn,ann@example.com,415 555 0101\nBob,bob@example.com,415 555 0102\n",
    );
    let before = store.len();
    let file = "\
first_name,email,phone,birthday
Annie,ann@example.com,,
Bob,bob@example.com,415 555 0102,
Cy,cy@example.com,,1990-01-01
Dee,dee@example.com,,1990-02-30
X,ann@example.com,415 555 0102,
Eve,eve@example.com,(415) 555-0105,
";
    let report = run(
        &contacts()
            .policy(Policy::upsert())
            .preview(true)
            .batch_size(2),
        file,
        &mut store,
    );
    assert_counts_add_up(&report);
    assert_eq!(
        (
            report.inserted,
            report.updated,
            report.unchanged,
            report.failed
        ),
        (2, 1, 1, 2)
    );
    assert_eq!(store.len(), before + report.inserted as usize);
    for change in report.changes.as_ref().unwrap() {
        let mail = change
            .values
            .get("email")
            .expect("every row here has an email");
        let customer = by_email(&store, mail).expect("a changed row is in the store");
        for (field, value) in &change.values {
            assert_eq!(
                customer.record.get(field).map(|v| v.to_string()).as_deref(),
                Some(value.as_str()),
                "row {} field {field}",
                change.row
            );
        }
    }
    assert!(
        by_email(&store, "dee@example.com").is_none(),
        "failed row not written"
    );
    assert_eq!(
        by_email(&store, "ann@example.com")
            .unwrap()
            .record
            .text("first_name"),
        Some("Annie")
    );
}

/// A store whose every failure carries text the person who uploaded the
/// file must never read (a server name, a query).
struct Leaky {
    inner: MemoryStore,
    /// Which call fails: lookups and applies counted together, 1-based.
    fail_call: usize,
    calls: usize,
    /// Fail one write per batch instead of a whole call.
    refuse_email: Option<String>,
    temporary: bool,
    refuse_begin: bool,
}

const SECRET: &str = "pg-primary-3.internal: SELECT * FROM customers WHERE tenant_id = 42";

impl Leaky {
    fn new() -> Leaky {
        Leaky {
            inner: MemoryStore::new(),
            fail_call: 0,
            calls: 0,
            refuse_email: None,
            temporary: false,
            refuse_begin: false,
        }
    }

    fn error(&self) -> StoreError {
        let e = StoreError::new(SECRET).with_source(std::io::Error::other(SECRET));
        if self.temporary {
            e.temporary()
        } else {
            e
        }
    }
}

impl Store for Leaky {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.calls += 1;
        if self.calls == self.fail_call {
            return Err(self.error());
        }
        self.inner.lookup(keys)
    }
    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.calls += 1;
        if self.calls == self.fail_call {
            return Err(self.error());
        }
        let refused = self.refuse_email.clone();
        let mut results = Vec::new();
        for write in writes {
            let record = match &write {
                Write::Insert(r) | Write::Update { record: r, .. } => r,
                _ => unreachable!("the engine sends inserts and updates"),
            };
            if refused.is_some() && record.text("email") == refused.as_deref() {
                results.push(Err(self.error()));
            } else {
                results.extend(self.inner.apply(vec![write])?);
            }
        }
        Ok(results)
    }
}

impl Transactional for Leaky {
    fn begin(&mut self) -> Result<(), StoreError> {
        if self.refuse_begin {
            return Err(self.error());
        }
        self.inner.begin()
    }
    fn commit(&mut self) -> Result<(), StoreError> {
        self.inner.commit()
    }
    fn rollback(&mut self) -> Result<(), StoreError> {
        self.inner.rollback()
    }
}

/// Everything the person can see of a report: its JSON, its summary, the
/// failed-rows file.
fn shown(report: &intake::Report) -> String {
    let mut failed = Vec::new();
    report.write_failed_rows(&mut failed).unwrap();
    format!(
        "{}\n{}\n{}",
        serde_json::to_string(report).unwrap(),
        report.summary(),
        String::from_utf8(failed).unwrap()
    )
}

#[test]
fn a_stores_own_text_never_reaches_the_report_the_summary_or_the_failed_rows() {
    // A refused write, a failed lookup, a failed apply, and a stop.
    for temporary in [false, true] {
        let mut refused = Leaky::new();
        refused.refuse_email = Some("c@example.com".into());
        refused.temporary = temporary;
        let report = contacts().import(FIVE.as_bytes(), &mut refused).unwrap();
        assert_eq!(report.failed, 1);
        let failure = failure_of(&report, 4);
        assert_eq!(
            failure.store_error().map(|e| e.message()),
            Some(SECRET),
            "the app gets the store's error"
        );
        let hint = if temporary {
            "again later"
        } else {
            "contact support"
        };
        assert!(failure.describe().contains(hint), "{}", failure.describe());
        let text = shown(&report);
        assert!(
            !text.contains("pg-primary") && !text.contains("SELECT"),
            "{text}"
        );

        for (fail_call, stop) in [(1, false), (2, false), (2, true), (3, true)] {
            let mut store = Leaky::new();
            store.fail_call = fail_call;
            store.temporary = temporary;
            // Not tried again: a passing failure reaches its rows.
            let report = contacts()
                .batch_size(2)
                .store_retries(0)
                .stop_on_store_failure(stop)
                .import(FIVE.as_bytes(), &mut store)
                .unwrap();
            assert!(report.failed > 0, "call {fail_call} failed rows");
            assert_eq!(report.stopped.is_some(), stop, "call {fail_call}");
            assert!(report
                .failures
                .iter()
                .all(|f| f.store_error().map(|e| e.message()) == Some(SECRET)));
            let text = shown(&report);
            assert!(
                !text.contains("pg-primary") && !text.contains("SELECT"),
                "{text}"
            );
            if let Some(stopped) = &report.stopped {
                assert_eq!(stopped.code.as_str(), "store_failed");
                assert!(stopped.message.contains(hint), "{}", stopped.message);
                let cause = stopped.error().and_then(std::error::Error::source);
                assert_eq!(cause.map(ToString::to_string).as_deref(), Some(SECRET));
            }
        }
    }
}

#[test]
fn a_stores_own_text_is_the_source_of_a_file_level_error_not_its_message() {
    use std::error::Error as _;
    // The store cannot start an all-or-nothing import.
    let mut store = Leaky::new();
    store.refuse_begin = true;
    let err = contacts()
        .import_atomic(FIVE.as_bytes(), &mut store)
        .unwrap_err();
    // A failed lookup inside an all-or-nothing import.
    let mut failing = Leaky::new();
    failing.fail_call = 1;
    let err2 = contacts()
        .import_atomic(FIVE.as_bytes(), &mut failing)
        .unwrap_err();
    for err in [err, err2] {
        assert_eq!(err.code(), "store_failed");
        let shown = format!("{err} {}", serde_json::to_string(&err).unwrap());
        assert!(!shown.contains("pg-primary"), "{shown}");
        let source = err.source().expect("the store's error is the cause");
        assert_eq!(source.to_string(), SECRET);
        let store_error = source.downcast_ref::<StoreError>().expect("a StoreError");
        assert!(store_error.source().is_some(), "and its own cause");
    }
}

// ---- the app's own ids ----

/// Imports a file, then the same file changed, into a store with `kind`
/// ids: the second import updates the customers the first created, by
/// their ids, and a third is all unchanged.
fn import_twice_with(kind: IdKind) {
    let mut store = OtherIds::new(kind);
    let first = "email,first_name\nann@example.com,Ann\nbob@example.com,Bob\n";
    let changed =
        "email,first_name\nann@example.com,Annie\nbob@example.com,Bob\ncy@example.com,Cy\n";
    let import = |csv: &str, store: &mut OtherIds| {
        contacts()
            .policy(Policy::upsert())
            .import(csv.as_bytes(), store)
            .expect("imported")
    };
    let report = import(first, &mut store);
    assert_eq!(report.inserted, 2);
    let report = import(changed, &mut store);
    assert_eq!(
        (report.inserted, report.updated, report.unchanged),
        (1, 1, 1)
    );
    let report = import(changed, &mut store);
    assert_eq!(report.unchanged, 3);
    assert_eq!(store.inner.len(), 3);
    let ann = store
        .lookup(&[email("ann@example.com")])
        .expect("looked up")
        .remove(0)
        .expect("Ann is there");
    assert_eq!(ann.record.text("first_name"), Some("Annie"));
}

#[test]
fn customers_with_uuid_ids_are_updated_by_their_ids() {
    import_twice_with(IdKind::Uuid);
}

#[test]
fn customers_with_text_ids_are_updated_by_their_ids() {
    import_twice_with(IdKind::Text);
}

#[test]
fn a_json_report_writes_integer_ids_as_numbers_and_others_as_strings() {
    let ids = [
        CustomerId::from(7),
        CustomerId::from(uuid::Uuid::from_u128(1)),
        CustomerId::from("cus_7"),
    ];
    let json = serde_json::to_string(&ids).expect("serialized");
    assert_eq!(
        json,
        r#"[7,"00000000-0000-0000-0000-000000000001","cus_7"]"#
    );
}
