//! Undoing an import (`Importer::undo`) through the public API: with the
//! memory store, a SQLite file, and over generated files.

#[cfg(feature = "postgres")]
mod common;

use std::time::{Duration, SystemTime};

use intake::{
    presets, Context, Customer, ImportId, Importer, Journal, MatchKey, MemoryStore, Policy, Report,
    Store, Transactional,
};
use proptest::prelude::*;

fn importer() -> Importer {
    Importer::new(presets::contacts())
        .policy(Policy::upsert())
        .context(Context::new().default_country("US").unwrap())
}

fn import<S: Store + ?Sized>(store: &mut S, csv: &str) -> Report {
    match importer().import(csv.as_bytes(), store) {
        Ok(report) => report,
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

fn undo<S: Journal + Transactional + ?Sized>(store: &mut S, id: &ImportId) -> Report {
    match importer().undo(id, store) {
        Ok(report) => report,
        Err(e) => panic!("undo failed {}: {}", e.code(), e.message()),
    }
}

fn id_of(report: &Report) -> ImportId {
    report.import_id.clone().expect("the import wrote")
}

fn email(address: &str) -> MatchKey {
    MatchKey::Email(address.into())
}

/// The customers' values as text, in id order: what a person sees.
fn as_text(customers: Vec<Customer>) -> Vec<Vec<(String, String)>> {
    customers
        .into_iter()
        .map(|c| {
            c.record
                .iter()
                .map(|(f, v)| (f.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

const EXISTING: &str = "email,first_name,city\nann@example.com,Ann,Oslo\ncy@example.com,Cy,Rome\n";
const MISTAKE: &str = "email,first_name,city\nann@example.com,Anne,\nbob@example.com,Bob,Lima\ncy@example.com,Cyrus,Bern\n";

/// The generic behaviours, run against any journaling store.
mod behaviours {
    use super::*;

    pub fn undo_removes_created_customers<S: Journal + Transactional>(store: &mut S) {
        let report = import(store, "email\nann@example.com\nbob@example.com\n");
        assert_eq!(report.inserted, 2);
        let undone = undo(store, &id_of(&report));
        assert_eq!((undone.rows, undone.removed, undone.failed), (2, 2, 0));
        assert_eq!(undone.undo_of, Some(id_of(&report)));
        assert!(store.lookup(&[email("ann@example.com")]).unwrap()[0].is_none());
        assert!(store.lookup(&[email("bob@example.com")]).unwrap()[0].is_none());
        assert_eq!(undone.summary(), "Undid the import: 2 customers removed.");
    }

    pub fn undo_restores_updated_fields<S: Journal + Transactional>(store: &mut S) {
        import(store, EXISTING);
        let report = import(store, MISTAKE);
        assert_eq!((report.inserted, report.updated), (1, 2));
        let undone = undo(store, &id_of(&report));
        assert_eq!((undone.removed, undone.updated, undone.failed), (1, 2, 0));
        let found = store
            .lookup(&[email("ann@example.com"), email("cy@example.com")])
            .unwrap();
        let ann = found[0].as_ref().expect("ann is kept");
        let cy = found[1].as_ref().expect("cy is kept");
        assert_eq!(ann.record.text("first_name"), Some("Ann"));
        assert_eq!(
            ann.record.get("city").map(|v| v.to_string()).as_deref(),
            Some("Oslo")
        );
        assert_eq!(cy.record.text("first_name"), Some("Cy"));
        assert_eq!(
            cy.record.get("city").map(|v| v.to_string()).as_deref(),
            Some("Rome")
        );
        assert_eq!(
            undone.summary(),
            "Undid the import: 1 customer removed, 2 restored."
        );
    }

    pub fn undo_leaves_a_customer_changed_since_and_lists_it<S: Journal + Transactional>(
        store: &mut S,
    ) {
        import(store, EXISTING);
        let report = import(store, MISTAKE);
        // Another import changes Cy after the mistake.
        import(store, "email,first_name\ncy@example.com,Cyril\n");
        let undone = undo(store, &id_of(&report));
        assert_eq!((undone.removed, undone.updated, undone.failed), (1, 1, 1));
        let conflict = &undone.failures[0];
        assert_eq!(conflict.row, 4, "the mistake's row of Cy");
        assert_eq!(conflict.problems[0].code.as_str(), "changed_since");
        assert!(conflict.problems[0].message.contains("cy@example.com"));
        let cy = store
            .lookup(&[email("cy@example.com")])
            .unwrap()
            .remove(0)
            .unwrap();
        assert_eq!(cy.record.text("first_name"), Some("Cyril"), "left as it is");
        assert_eq!(
            undone.summary(),
            "Undid the import: 1 customer removed, 1 restored. 1 customer was changed since and was left as it is."
        );
    }

    pub fn undoing_twice_changes_nothing<S: Journal + Transactional>(
        store: &mut S,
        customers: impl Fn(&S) -> Vec<Customer>,
    ) {
        import(store, EXISTING);
        let report = import(store, MISTAKE);
        undo(store, &id_of(&report));
        let after_first = as_text(customers(store));
        let again = undo(store, &id_of(&report));
        assert_eq!((again.removed, again.updated, again.failed), (0, 0, 0));
        assert_eq!(again.warnings[0].code.as_str(), "already_undone");
        assert_eq!(
            again.summary(),
            "This import was already undone: nothing changed."
        );
        assert_eq!(as_text(customers(store)), after_first);
    }

    pub fn an_unknown_import_id_is_an_error<S: Journal + Transactional>(store: &mut S) {
        import(store, "email\nann@example.com\n");
        let stranger: ImportId = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
        let err = importer().undo(&stranger, store).unwrap_err();
        assert_eq!(err.code(), "unknown_import");
        assert!(err
            .message()
            .contains("67e55044-10b1-426f-9247-bb680e5fe0c8"));
    }

    pub fn prune_removes_old_journals<S: Journal + Transactional>(store: &mut S) {
        let old = import(store, "email\nann@example.com\n");
        // Nothing is older than an hour ago.
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        assert_eq!(store.prune(an_hour_ago).unwrap(), 0);
        assert!(store.journal_of(&id_of(&old)).unwrap().is_some());
        // Everything so far is older than a moment from now.
        std::thread::sleep(Duration::from_millis(5));
        let now = SystemTime::now();
        std::thread::sleep(Duration::from_millis(5));
        let recent = import(store, "email\nbob@example.com\n");
        assert_eq!(store.prune(now).unwrap(), 1);
        let err = importer().undo(&id_of(&old), store).unwrap_err();
        assert_eq!(err.code(), "unknown_import");
        assert_eq!(undo(store, &id_of(&recent)).removed, 1);
    }

    pub fn undo_of_an_import_that_wrote_a_customer_twice_restores_it_once<
        S: Journal + Transactional,
    >(
        store: &mut S,
    ) {
        import(store, EXISTING);
        // Two batches: Ann is updated in each, Dan created then updated.
        let csv = "email,first_name\nann@example.com,Anna\ndan@example.com,Dan\nann@example.com,Annie\ndan@example.com,Daniel\n";
        let report = importer()
            .batch_size(2)
            .import(csv.as_bytes(), store)
            .unwrap();
        assert_eq!((report.inserted, report.updated), (1, 3));
        let undone = undo(store, &id_of(&report));
        assert_eq!((undone.rows, undone.removed, undone.updated), (2, 1, 1));
        let found = store
            .lookup(&[email("ann@example.com"), email("dan@example.com")])
            .unwrap();
        assert_eq!(
            found[0].as_ref().and_then(|c| c.record.text("first_name")),
            Some("Ann")
        );
        assert!(found[1].is_none());
    }
}

#[test]
fn undo_removes_created_customers() {
    behaviours::undo_removes_created_customers(&mut MemoryStore::new());
}

#[test]
fn undo_restores_updated_fields() {
    behaviours::undo_restores_updated_fields(&mut MemoryStore::new());
}

#[test]
fn undo_leaves_a_customer_changed_since_and_lists_it_as_a_conflict() {
    behaviours::undo_leaves_a_customer_changed_since_and_lists_it(&mut MemoryStore::new());
}

#[test]
fn undoing_twice_changes_nothing() {
    behaviours::undoing_twice_changes_nothing(&mut MemoryStore::new(), MemoryStore::customers);
}

#[test]
fn an_unknown_import_id_is_an_error() {
    behaviours::an_unknown_import_id_is_an_error(&mut MemoryStore::new());
}

#[test]
fn prune_removes_old_journals() {
    behaviours::prune_removes_old_journals(&mut MemoryStore::new());
}

#[test]
fn a_customer_written_several_times_is_undone_to_its_values_before_the_import() {
    behaviours::undo_of_an_import_that_wrote_a_customer_twice_restores_it_once(
        &mut MemoryStore::new(),
    );
}

#[test]
fn a_customer_deleted_since_is_listed_and_one_created_then_deleted_is_not() {
    let mut store = MemoryStore::new();
    import(&mut store, EXISTING);
    let report = import(&mut store, MISTAKE);
    let ann = store.find(&email("ann@example.com")).unwrap().id;
    let bob = store.find(&email("bob@example.com")).unwrap().id;
    store.remove(&[ann, bob]).unwrap();
    let undone = undo(&mut store, &id_of(&report));
    assert_eq!(
        (undone.rows, undone.updated, undone.unchanged, undone.failed),
        (3, 1, 1, 1)
    );
    assert_eq!(
        undone.failures[0].problems[0].code.as_str(),
        "changed_since"
    );
    assert!(undone.failures[0].problems[0].message.contains("deleted"));
}

#[test]
fn a_key_taken_since_leaves_its_customer_as_it_is() {
    let mut store = MemoryStore::new();
    import(&mut store, "email,phone\nann@example.com,415 555 0101\n");
    // The mistake moves Ann (matched by phone) to another email...
    let report = import(&mut store, "email,phone\nann@work.example,415 555 0101\n");
    assert_eq!(report.updated, 1);
    // ...and Ann's old email goes to a new customer since.
    import(&mut store, "email\nann@example.com\n");
    // Ann changed since? No: her record is as the mistake wrote it; her
    // old email is what is taken.
    let undone = undo(&mut store, &id_of(&report));
    assert_eq!((undone.updated, undone.failed), (0, 1));
    assert_eq!(
        undone.failures[0].problems[0].code.as_str(),
        "changed_since"
    );
    assert!(undone.failures[0]
        .store_error()
        .is_some_and(|e| e.is_conflict()));
    assert!(
        store.find(&email("ann@work.example")).is_some(),
        "left as it is"
    );
}

#[test]
fn customers_that_swapped_emails_get_their_own_back() {
    let mut store = MemoryStore::new();
    import(
        &mut store,
        "email,phone\nann@example.com,415 555 0101\nbob@example.com,415 555 0102\n",
    );
    // Matched by phone, row by row: Ann takes a new email, Bob Ann's,
    // Ann Bob's.
    let csv = "email,phone\nnew@example.com,415 555 0101\nann@example.com,415 555 0102\nbob@example.com,415 555 0101\n";
    let report = importer()
        .batch_size(1)
        .import(csv.as_bytes(), &mut store)
        .unwrap();
    assert_eq!(report.updated, 3);
    let undone = undo(&mut store, &id_of(&report));
    assert_eq!((undone.updated, undone.failed), (2, 0));
    let ann = store.find(&MatchKey::Phone("+14155550101".into())).unwrap();
    assert_eq!(ann.record.text("email"), Some("ann@example.com"));
    let bob = store.find(&MatchKey::Phone("+14155550102".into())).unwrap();
    assert_eq!(bob.record.text("email"), Some("bob@example.com"));
}

#[test]
fn an_all_or_nothing_import_rolled_back_leaves_no_journal() {
    let mut store = MemoryStore::new();
    let report = importer()
        .import_atomic(
            "email\nann@example.com\nnot-an-email\n".as_bytes(),
            &mut store,
        )
        .unwrap();
    assert!(report.rolled_back && report.import_id.is_none());
    assert!(store.is_empty());
}

#[test]
fn an_all_or_nothing_import_can_be_undone() {
    let mut store = MemoryStore::new();
    let report = importer()
        .import_atomic("email\nann@example.com\n".as_bytes(), &mut store)
        .unwrap();
    assert_eq!(undo(&mut store, &id_of(&report)).removed, 1);
    assert!(store.is_empty());
}

#[test]
fn the_undo_report_serializes_its_counts_and_the_import_undone() {
    let mut store = MemoryStore::new();
    let report = import(&mut store, "email\nann@example.com\n");
    let undone = undo(&mut store, &id_of(&report));
    let json = serde_json::to_value(&undone).unwrap();
    assert_eq!(json["removed"], 1);
    assert_eq!(json["undo_of"], id_of(&report).as_str());
    assert!(json.get("import_id").is_none());
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use intake::SqliteStore;

    /// A SQLite file of its own, removed when dropped.
    struct TempDb(std::path::PathBuf);

    impl TempDb {
        fn new(name: &str) -> TempDb {
            let path = std::env::temp_dir().join(format!(
                "intake-undo-{name}-{}-{:?}.db",
                std::process::id(),
                std::thread::current().id()
            ));
            let db = TempDb(path);
            db.clean();
            db
        }

        fn open(&self) -> SqliteStore {
            SqliteStore::open(&self.0).unwrap()
        }

        fn clean(&self) {
            for end in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{end}", self.0.display()));
            }
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            self.clean();
        }
    }

    fn all(store: &SqliteStore) -> Vec<Customer> {
        store.customers().unwrap()
    }

    #[test]
    fn sqlite_undo_removes_created_customers() {
        let db = TempDb::new("removes");
        behaviours::undo_removes_created_customers(&mut db.open());
    }

    #[test]
    fn sqlite_undo_restores_updated_fields() {
        let db = TempDb::new("restores");
        behaviours::undo_restores_updated_fields(&mut db.open());
    }

    #[test]
    fn sqlite_undo_leaves_a_customer_changed_since_and_lists_it_as_a_conflict() {
        let db = TempDb::new("conflict");
        behaviours::undo_leaves_a_customer_changed_since_and_lists_it(&mut db.open());
    }

    #[test]
    fn sqlite_undoing_twice_changes_nothing() {
        let db = TempDb::new("twice");
        behaviours::undoing_twice_changes_nothing(&mut db.open(), all);
    }

    #[test]
    fn sqlite_an_unknown_import_id_is_an_error() {
        let db = TempDb::new("unknown");
        behaviours::an_unknown_import_id_is_an_error(&mut db.open());
    }

    #[test]
    fn sqlite_prune_removes_old_journals() {
        let db = TempDb::new("prune");
        behaviours::prune_removes_old_journals(&mut db.open());
    }

    #[test]
    fn sqlite_a_customer_written_several_times_is_undone_to_its_values_before_the_import() {
        let db = TempDb::new("several");
        behaviours::undo_of_an_import_that_wrote_a_customer_twice_restores_it_once(&mut db.open());
    }

    #[test]
    fn sqlite_an_import_is_undone_from_another_connection_later() {
        let db = TempDb::new("later");
        let report = import(&mut db.open(), EXISTING);
        let mut store = db.open();
        assert_eq!(undo(&mut store, &id_of(&report)).removed, 2);
        assert!(store.is_empty().unwrap());
    }

    #[test]
    fn sqlite_a_journal_rolled_back_with_its_all_or_nothing_import_is_unknown() {
        let db = TempDb::new("atomic");
        let mut store = db.open();
        let session_id = {
            let report = importer()
                .import_atomic("email\nann@example.com\nbad\n".as_bytes(), &mut store)
                .unwrap();
            assert!(report.rolled_back);
            report.import_id
        };
        assert!(session_id.is_none());
        assert!(store.is_empty().unwrap());
        let ok = importer()
            .import_atomic("email\nann@example.com\n".as_bytes(), &mut store)
            .unwrap();
        assert_eq!(undo(&mut store, &id_of(&ok)).removed, 1);
    }
}

/// PostgresStore's journal against a real server (`INTAKE_PG_URL`; the
/// tests are skipped without it, unless `INTAKE_PG_REQUIRED` is set).
#[cfg(feature = "postgres")]
mod postgres {
    use std::cell::RefCell;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::common::postgres::{connect, required_env, runtime};
    use intake::{Blocking, IdKind, PostgresStore, TableMapping};
    use tokio::runtime::Runtime;

    /// A schema no other test uses (so its journal tables are its own:
    /// a prune in one test leaves the others' journals), its customers
    /// table's name in it.
    fn fresh_table(runtime: &Runtime, url: &str, test: &str) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        // Short of PostgreSQL's 63 characters for a name.
        let test: String = test.chars().take(24).collect();
        let schema = format!(
            "u_{test}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        sql(
            runtime,
            url,
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"),
        );
        format!("{schema}.customers")
    }

    fn sql(runtime: &Runtime, url: &str, statement: &str) {
        let client = connect(runtime, url);
        runtime
            .block_on(client.batch_execute(statement))
            .expect("the statement ran");
    }

    fn count(runtime: &Runtime, url: &str, query: &str) -> i64 {
        let client = connect(runtime, url);
        runtime
            .block_on(client.query_one(query, &[]))
            .expect("the query ran")
            .get(0)
    }

    fn open(runtime: &Runtime, url: &str, table: &str) -> PostgresStore {
        let mapping = TableMapping::for_schema(&presets::contacts()).table(table);
        runtime
            .block_on(PostgresStore::new(connect(runtime, url), mapping))
            .expect("the store opened")
    }

    /// A store on a fresh table, used from sync code.
    fn store(runtime: &Runtime, url: &str, test: &str) -> Blocking<PostgresStore> {
        let table = fresh_table(runtime, url, test);
        Blocking::new(open(runtime, url, &table), runtime.handle().clone())
    }

    macro_rules! behaviour {
        ($test:ident, $behaviour:ident) => {
            #[test]
            fn $test() {
                let Some(url) = required_env("INTAKE_PG_URL") else {
                    return;
                };
                let runtime = runtime();
                behaviours::$behaviour(&mut store(&runtime, &url, stringify!($behaviour)));
            }
        };
    }

    behaviour!(
        postgres_undo_removes_created_customers,
        undo_removes_created_customers
    );
    behaviour!(
        postgres_undo_restores_updated_fields,
        undo_restores_updated_fields
    );
    behaviour!(
        postgres_undo_leaves_a_customer_changed_since_and_lists_it_as_a_conflict,
        undo_leaves_a_customer_changed_since_and_lists_it
    );
    behaviour!(
        postgres_an_unknown_import_id_is_an_error,
        an_unknown_import_id_is_an_error
    );
    behaviour!(
        postgres_prune_removes_old_journals,
        prune_removes_old_journals
    );
    behaviour!(
        postgres_a_customer_written_several_times_is_undone_to_its_values_before_the_import,
        undo_of_an_import_that_wrote_a_customer_twice_restores_it_once
    );

    #[test]
    fn postgres_undoing_twice_changes_nothing() {
        let Some(url) = required_env("INTAKE_PG_URL") else {
            return;
        };
        let runtime = runtime();
        let table = fresh_table(&runtime, &url, "twice");
        let mut store = Blocking::new(open(&runtime, &url, &table), runtime.handle().clone());
        // The customers as another connection sees them.
        let other = RefCell::new(Blocking::new(
            open(&runtime, &url, &table),
            runtime.handle().clone(),
        ));
        let keys = [
            email("ann@example.com"),
            email("bob@example.com"),
            email("cy@example.com"),
        ];
        behaviours::undoing_twice_changes_nothing(&mut store, |_| {
            let found = other.borrow_mut().lookup(&keys).expect("looked up");
            found.into_iter().flatten().collect()
        });
    }

    #[test]
    fn postgres_an_import_is_undone_from_another_connection_later() {
        let Some(url) = required_env("INTAKE_PG_URL") else {
            return;
        };
        let runtime = runtime();
        let table = fresh_table(&runtime, &url, "later");
        let report = {
            let mut first = Blocking::new(open(&runtime, &url, &table), runtime.handle().clone());
            import(&mut first, EXISTING)
        };
        let mut store = Blocking::new(open(&runtime, &url, &table), runtime.handle().clone());
        assert_eq!(undo(&mut store, &id_of(&report)).removed, 2);
        assert_eq!(
            count(&runtime, &url, &format!("SELECT count(*) FROM {table}")),
            0
        );
    }

    #[test]
    fn an_async_import_into_postgres_is_undone_with_undo_async() {
        let Some(url) = required_env("INTAKE_PG_URL") else {
            return;
        };
        let runtime = runtime();
        let table = fresh_table(&runtime, &url, "async");
        let schema = table.trim_end_matches(".customers").to_string();
        let mut store = open(&runtime, &url, &table);
        runtime.block_on(async {
            let importer = importer();
            importer
                .import_async(EXISTING.as_bytes(), &mut store)
                .await
                .expect("imported");
            let report = importer
                .import_async(MISTAKE.as_bytes(), &mut store)
                .await
                .expect("imported");
            assert_eq!((report.inserted, report.updated), (1, 2));
            let id = id_of(&report);
            let undone = importer.undo_async(&id, &mut store).await.expect("undone");
            assert_eq!((undone.removed, undone.updated, undone.failed), (1, 2, 0));
            let again = importer.undo_async(&id, &mut store).await.expect("undone");
            assert_eq!(again.warnings[0].code.as_str(), "already_undone");
            let found = intake::AsyncStore::lookup(
                &mut store,
                &[email("ann@example.com"), email("bob@example.com")],
            )
            .await
            .expect("looked up");
            assert_eq!(
                found[0].as_ref().and_then(|c| c.record.text("first_name")),
                Some("Ann")
            );
            assert!(found[1].is_none());
        });
        // One journal row per call (here, one per import), in the
        // customers table's schema, holding every write of the call.
        assert_eq!(
            count(
                &runtime,
                &url,
                &format!("SELECT count(*) FROM {schema}.intake_journal")
            ),
            2
        );
        assert_eq!(
            count(
                &runtime,
                &url,
                &format!(
                    "SELECT sum(jsonb_array_length(entries::jsonb)) FROM {schema}.intake_journal"
                )
            ),
            5
        );
    }

    #[test]
    fn a_postgres_store_told_to_keep_no_journal_writes_none() {
        let Some(url) = required_env("INTAKE_PG_URL") else {
            return;
        };
        let runtime = runtime();
        let table = fresh_table(&runtime, &url, "nojournal");
        let schema = table.trim_end_matches(".customers").to_string();
        let mut store = open(&runtime, &url, &table).keep_journal(false);
        assert!(intake::AsyncStore::journal(&mut store).is_none());
        let report = runtime
            .block_on(importer().import_async("email\nann@example.com\n".as_bytes(), &mut store))
            .expect("imported");
        assert_eq!(report.inserted, 1);
        assert_eq!(
            count(
                &runtime,
                &url,
                &format!("SELECT count(*) FROM {schema}.intake_journal")
            ),
            0
        );
    }

    #[test]
    fn a_postgres_journal_rolled_back_with_its_all_or_nothing_import_is_not_kept() {
        let Some(url) = required_env("INTAKE_PG_URL") else {
            return;
        };
        let runtime = runtime();
        let table = fresh_table(&runtime, &url, "atomic");
        let schema = table.trim_end_matches(".customers").to_string();
        let mut store = open(&runtime, &url, &table);
        let journal_rows = || {
            count(
                &runtime,
                &url,
                &format!("SELECT count(*) FROM {schema}.intake_journal"),
            ) + count(
                &runtime,
                &url,
                &format!("SELECT count(*) FROM {schema}.intake_imports"),
            )
        };
        let importer = importer().batch_size(1);
        let report = runtime
            .block_on(importer.import_async_atomic(
                "email\nann@example.com\nbob@example.com\nbad\n".as_bytes(),
                &mut store,
            ))
            .expect("imported");
        // Two batches were written, then rolled back with their journal.
        assert!(report.rolled_back && report.import_id.is_none());
        assert_eq!(journal_rows(), 0);
        let ok = runtime
            .block_on(
                importer.import_async_atomic("email\nann@example.com\n".as_bytes(), &mut store),
            )
            .expect("imported");
        assert_eq!(journal_rows(), 2);
        let undone = runtime
            .block_on(importer.undo_async(&id_of(&ok), &mut store))
            .expect("undone");
        assert_eq!(undone.removed, 1);
        assert_eq!(
            count(&runtime, &url, &format!("SELECT count(*) FROM {table}")),
            0
        );
    }

    #[test]
    fn a_postgres_store_whose_journal_a_write_fails_writes_nothing_of_the_batch() {
        let Some(url) = required_env("INTAKE_PG_URL") else {
            return;
        };
        let runtime = runtime();
        let table = fresh_table(&runtime, &url, "journalfails");
        let schema = table.trim_end_matches(".customers").to_string();
        let mut store = store_on(&runtime, &url, &table);
        // The journal refuses every entry: the batch's writes go with it.
        sql(
            &runtime,
            &url,
            &format!("ALTER TABLE {schema}.intake_journal ADD CONSTRAINT never CHECK (seq < 0)"),
        );
        let report = importer()
            .import("email\nann@example.com\n".as_bytes(), &mut store)
            .expect("imported");
        assert_eq!((report.inserted, report.failed), (0, 1));
        assert_eq!(
            count(&runtime, &url, &format!("SELECT count(*) FROM {table}")),
            0
        );
        // The server's own words stay out of the report.
        let message = &report.failures[0].problems[0].message;
        assert!(!message.contains("never"), "{message}");
    }

    #[test]
    fn a_postgres_customer_the_app_still_refers_to_is_left_and_listed() {
        let Some(url) = required_env("INTAKE_PG_URL") else {
            return;
        };
        let runtime = runtime();
        let table = fresh_table(&runtime, &url, "fkey");
        let schema = table.trim_end_matches(".customers").to_string();
        let mut store = store_on(&runtime, &url, &table);
        let report = import(&mut store, "email\nann@example.com\nbob@example.com\n");
        // An order of the app's refers to Ann: she cannot be deleted.
        sql(
            &runtime,
            &url,
            &format!(
                "CREATE TABLE {schema}.orders (customer bigint REFERENCES {table} (id));
                 INSERT INTO {schema}.orders SELECT id FROM {table} WHERE email = 'ann@example.com'"
            ),
        );
        let undone = undo(&mut store, &id_of(&report));
        assert_eq!((undone.removed, undone.failed), (1, 1));
        let problem = &undone.failures[0].problems[0];
        assert_eq!(problem.code.as_str(), "store_failed");
        assert!(
            !problem.message.contains("foreign key"),
            "the server's words stay out: {}",
            problem.message
        );
        let found = store
            .lookup(&[email("ann@example.com"), email("bob@example.com")])
            .unwrap();
        assert!(found[0].is_some() && found[1].is_none());
    }

    #[test]
    fn postgres_tables_with_uuid_and_text_ids_are_undone() {
        let Some(url) = required_env("INTAKE_PG_URL") else {
            return;
        };
        let runtime = runtime();
        for kind in [IdKind::Uuid, IdKind::Text] {
            let table = fresh_table(&runtime, &url, "ids");
            let mapping = TableMapping::for_schema(&presets::contacts())
                .table(&table)
                .id_column("customer_id", kind);
            let store = runtime
                .block_on(PostgresStore::new(connect(&runtime, &url), mapping))
                .expect("the store opened");
            behaviours::undo_restores_updated_fields(&mut Blocking::new(
                store,
                runtime.handle().clone(),
            ));
        }
    }

    fn store_on(runtime: &Runtime, url: &str, table: &str) -> Blocking<PostgresStore> {
        Blocking::new(open(runtime, url, table), runtime.handle().clone())
    }
}

// Generated files: importing then undoing gives the store back as it was.
const NAMES: [&str; 3] = ["", "Ann", "Bob"];
const EMAILS: [&str; 5] = [
    "",
    "a@example.com",
    "B@example.com",
    "b@example.com ",
    "c@example.com",
];
const PHONES: [&str; 5] = [
    "",
    "415 555 0101",
    "+1 415 555 0102",
    "(415) 555-0103",
    "4155550101",
];

fn file_of(rows: &[(usize, usize, usize)]) -> String {
    let mut csv = String::from("first_name,email,phone\n");
    for &(n, e, p) in rows {
        let name = NAMES.get(n).copied().unwrap_or_default();
        let email = EMAILS.get(e).copied().unwrap_or_default();
        let phone = PHONES.get(p).copied().unwrap_or_default();
        csv.push_str(&format!("{name},{email},{phone}\n"));
    }
    csv
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn importing_then_undoing_gives_back_the_store_as_it_was(
        seed in proptest::collection::vec((0..3usize, 0..5usize, 0..5usize), 0..4),
        rows in proptest::collection::vec((0..3usize, 0..5usize, 0..5usize), 1..12),
        size in 1..5usize,
    ) {
        let mut store = MemoryStore::new();
        let seeded = import(&mut store, &file_of(&seed));
        let before = as_text(store.customers());
        let file = file_of(&rows);
        let report = importer().batch_size(size).import(file.as_bytes(), &mut store).unwrap();
        let Some(id) = report.import_id.clone() else {
            // Nothing written: nothing to undo.
            prop_assert_eq!(as_text(store.customers()), before);
            return Ok(());
        };
        let undone = undo(&mut store, &id);
        prop_assert_eq!(undone.failed, 0, "seed: {:?}\nfile:\n{}", seeded.rows, file);
        prop_assert_eq!(undone.removed, report.inserted);
        prop_assert_eq!(as_text(store.customers()), before, "file:\n{}", file);
    }
}

#[cfg(feature = "sqlite")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn sqlite_importing_then_undoing_gives_back_the_store_as_it_was(
        seed in proptest::collection::vec((0..3usize, 0..5usize, 0..5usize), 0..4),
        rows in proptest::collection::vec((0..3usize, 0..5usize, 0..5usize), 1..12),
        size in 1..5usize,
    ) {
        let mut store = intake::SqliteStore::in_memory().unwrap();
        import(&mut store, &file_of(&seed));
        let before = as_text(store.customers().unwrap());
        let file = file_of(&rows);
        let report = importer().batch_size(size).import(file.as_bytes(), &mut store).unwrap();
        if let Some(id) = report.import_id.clone() {
            let undone = undo(&mut store, &id);
            prop_assert_eq!(undone.failed, 0, "file:\n{}", file);
        }
        prop_assert_eq!(as_text(store.customers().unwrap()), before, "file:\n{}", file);
    }
}
