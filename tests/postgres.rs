//! PostgresStore against a real server: the conformance suite, the app's
//! own table, re-imports, concurrent and all-or-nothing imports.
//!
//! The server's URL comes from `INTAKE_PG_URL` (`.ci/run` starts one; see
//! the README to run them locally). Without it these tests are skipped,
//! unless `INTAKE_PG_REQUIRED` is set (as in CI): then they fail.
#![cfg(feature = "postgres")]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::contacts;
use common::postgres::{connect, required_env, runtime};
use intake::store::conformance;
use intake::{presets, Blocking, IdKind, Importer, Policy, PostgresStore, Report, TableMapping};
use intake_generator::{Flavour, Generator};
use tokio::runtime::Runtime;

/// The test server's URL, or `None` (skipped).
fn server() -> Option<String> {
    required_env("INTAKE_PG_URL")
}

/// A table name no other test uses, dropped if an earlier run left it.
fn fresh_table(runtime: &Runtime, url: &str, test: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "t_{test}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    sql(runtime, url, &format!("DROP TABLE IF EXISTS {name}"));
    name
}

/// Runs `statement` on a connection of its own.
fn sql(runtime: &Runtime, url: &str, statement: &str) {
    let client = connect(runtime, url);
    runtime
        .block_on(client.batch_execute(statement))
        .expect("the statement ran");
}

/// One number from a query.
fn count(runtime: &Runtime, url: &str, query: &str) -> i64 {
    let client = connect(runtime, url);
    runtime
        .block_on(client.query_one(query, &[]))
        .expect("the query ran")
        .get(0)
}

/// A store for `mapping` on a connection of its own, used from sync code.
fn store(runtime: &Runtime, url: &str, mapping: TableMapping) -> Blocking<PostgresStore> {
    let client = connect(runtime, url);
    let store = runtime
        .block_on(PostgresStore::new(client, mapping))
        .expect("the store opened");
    Blocking::new(store, runtime.handle().clone())
}

fn default_mapping(table: &str) -> TableMapping {
    TableMapping::for_schema(&presets::contacts()).table(table)
}

fn import(importer: &Importer, csv: &[u8], store: &mut Blocking<PostgresStore>) -> Report {
    match importer.import(csv, store) {
        Ok(report) => report,
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

fn store_failed(report: &Report) -> usize {
    report
        .failures
        .iter()
        .filter(|f| f.problems.iter().any(|p| p.code.as_str() == "store_failed"))
        .count()
}

#[test]
fn postgres_store_passes_the_conformance_suite() {
    let Some(url) = server() else { return };
    let runtime = runtime();
    let make = || {
        let table = fresh_table(&runtime, &url, "conformance");
        store(&runtime, &url, default_mapping(&table))
    };
    conformance::check(make);
    conformance::check_transactions(make);
}

#[test]
fn tables_with_uuid_and_text_ids_pass_the_conformance_suite() {
    let Some(url) = server() else { return };
    let runtime = runtime();
    for kind in [IdKind::Uuid, IdKind::Text] {
        let make = || {
            let table = fresh_table(&runtime, &url, "ids");
            store(
                &runtime,
                &url,
                default_mapping(&table).id_column("customer_id", kind),
            )
        };
        conformance::check(make);
        conformance::check_transactions(make);
    }
}

#[test]
fn the_apps_own_table_is_written_through_the_mapping() {
    let Some(url) = server() else { return };
    let runtime = runtime();
    let table = fresh_table(&runtime, &url, "own");
    sql(
        &runtime,
        &url,
        &format!(
            "CREATE TABLE {table} (
                person_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                email_address varchar(200) UNIQUE,
                phone_number varchar(32) UNIQUE,
                given_name text,
                family_name text,
                born date,
                extra jsonb NOT NULL DEFAULT '{{}}'
            )"
        ),
    );
    let mapping = TableMapping::for_schema(&presets::contacts())
        .table(&table)
        .id_column("person_id", IdKind::Uuid)
        .only_columns(["email", "phone", "first_name", "last_name", "birthday"])
        .column("email", "email_address")
        .column("phone", "phone_number")
        .column("first_name", "given_name")
        .column("last_name", "family_name")
        .column("birthday", "born")
        .custom_fields(Some("extra"));
    let csv = "first_name,last_name,email,phone,birthday,city\n\
               Ann,Lee,ann@example.com,(415) 555-0101,1986-10-25,Oakland\n\
               Bob,Ray,bob@example.com,,,\n";
    let mut db = store(&runtime, &url, mapping);
    let first = import(&contacts(), csv.as_bytes(), &mut db);
    assert_eq!((first.inserted, first.failed), (2, 0), "{first:?}");
    let again = import(&contacts(), csv.as_bytes(), &mut db);
    assert_eq!(again.unchanged, 2, "{again:?}");
    assert_eq!(
        count(
            &runtime,
            &url,
            &format!(
                "SELECT count(*) FROM {table} WHERE email_address = 'ann@example.com'
                 AND phone_number = '+14155550101' AND born = '1986-10-25'
                 AND extra->>'city' = 'Oakland'"
            )
        ),
        1
    );
}

#[test]
fn a_mapping_naming_a_missing_column_is_refused_when_the_store_opens() {
    let Some(url) = server() else { return };
    let runtime = runtime();
    let table = fresh_table(&runtime, &url, "missing");
    sql(
        &runtime,
        &url,
        &format!("CREATE TABLE {table} (id bigserial PRIMARY KEY, email text, phone text)"),
    );
    let client = connect(&runtime, &url);
    let err = runtime
        .block_on(PostgresStore::new(client, default_mapping(&table)))
        .expect_err("first_name has no column");
    assert!(err.message().contains("first_name"), "{}", err.message());
}

#[test]
fn a_generated_file_imported_twice_is_decided_as_in_memory() {
    let Some(url) = server() else { return };
    let runtime = runtime();
    let table = fresh_table(&runtime, &url, "again");
    let (csv, _) = Generator::new(Flavour::Contacts, 11).to_vec(3000);
    let importer = contacts().policy(Policy::upsert());
    let counts = |r: &Report| (r.inserted, r.updated, r.unchanged, r.failed);
    let mut memory = intake::MemoryStore::new();
    let mut db = store(&runtime, &url, default_mapping(&table));
    for round in ["first", "second"] {
        let in_memory = importer
            .import(csv.as_slice(), &mut memory)
            .expect("imported");
        let in_postgres = import(&importer, &csv, &mut db);
        assert_eq!(store_failed(&in_postgres), 0, "{round}");
        assert_eq!(counts(&in_postgres), counts(&in_memory), "{round} import");
    }
    assert_eq!(
        count(&runtime, &url, &format!("SELECT count(*) FROM {table}")),
        memory.len() as i64
    );
}

/// Four overlapping slices of one generated file.
fn overlapping_files(rows: usize) -> Vec<Vec<u8>> {
    let (csv, _) = Generator::new(Flavour::Contacts, 5).to_vec(rows as u64);
    let text = String::from_utf8(csv).expect("UTF-8");
    let mut lines = text.lines();
    let header = lines.next().expect("a header").to_string();
    let body: Vec<&str> = lines.collect();
    let slice = body.len() / 2;
    (0..4)
        .map(|k| {
            let start = k * body.len() / 6;
            let mut file = header.clone();
            for line in body.iter().skip(start).take(slice) {
                file.push('\n');
                file.push_str(line);
            }
            file.push('\n');
            file.into_bytes()
        })
        .collect()
}

#[test]
fn four_concurrent_imports_of_overlapping_files_lose_and_duplicate_nothing() {
    let Some(url) = server() else { return };
    let runtime = runtime();
    let table = fresh_table(&runtime, &url, "four");
    // Created once first, so that the four race on rows, not the table.
    drop(store(&runtime, &url, default_mapping(&table)));
    let files = overlapping_files(4000);
    let reports: Vec<Report> = std::thread::scope(|scope| {
        let runs: Vec<_> = files
            .iter()
            .map(|file| {
                let (url, table, runtime) = (&url, &table, &runtime);
                scope.spawn(move || {
                    let mut db = store(runtime, url, default_mapping(table));
                    import(
                        &contacts().policy(Policy::upsert()).batch_size(200),
                        file,
                        &mut db,
                    )
                })
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("an import"))
            .collect()
    });
    for report in &reports {
        assert_eq!(store_failed(report), 0, "{:?}", report.failures.first());
        assert_eq!(
            report.rows,
            report.inserted + report.updated + report.unchanged + report.failed
        );
    }
    let inserted: u64 = reports.iter().map(|r| r.inserted).sum();
    let held = count(&runtime, &url, &format!("SELECT count(*) FROM {table}"));
    assert_eq!(inserted as i64, held, "every customer inserted once");
    // What one import of all the rows alone would leave.
    let alone_table = fresh_table(&runtime, &url, "alone");
    let (all, _) = Generator::new(Flavour::Contacts, 5).to_vec(4000);
    let mut alone = store(&runtime, &url, default_mapping(&alone_table));
    let one = import(&contacts().policy(Policy::upsert()), &all, &mut alone);
    assert_eq!(
        held as u64, one.inserted,
        "the same customers as one import of the whole file"
    );
}

#[test]
fn two_overlapping_all_or_nothing_imports_both_end() {
    let Some(url) = server() else { return };
    let runtime = runtime();
    let table = fresh_table(&runtime, &url, "atomic");
    drop(store(&runtime, &url, default_mapping(&table)));
    let files = overlapping_files(1200);
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for file in files.iter().take(2) {
            let (url, table, runtime, done) = (&url, &table, &runtime, done.clone());
            scope.spawn(move || {
                let mut db = store(runtime, url, default_mapping(table));
                let outcome = contacts()
                    .policy(Policy::upsert())
                    .batch_size(100)
                    .import_atomic(file.as_slice(), &mut db);
                let _ = done.send(outcome);
            });
        }
        for _ in 0..2 {
            let outcome = finished
                .recv_timeout(Duration::from_secs(120))
                .expect("an all-or-nothing import hung");
            match outcome {
                Ok(report) => assert_eq!(store_failed(&report), 0, "{:?}", report.failures.first()),
                Err(e) => assert_eq!(e.code(), "store_failed"),
            }
        }
    });
    let held = count(&runtime, &url, &format!("SELECT count(*) FROM {table}"));
    let distinct = count(
        &runtime,
        &url,
        &format!("SELECT count(DISTINCT coalesce(email, phone)) FROM {table}"),
    );
    assert_eq!(held, distinct, "no customer twice");
}
