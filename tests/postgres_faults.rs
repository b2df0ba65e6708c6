//! PostgresStore when things break, against a real server: the server
//! stopped (immediate shutdown) in the middle of an import, and the
//! importing process killed (SIGKILL) in the middle of one.
//!
//! Needs `INTAKE_PG_URL` and `INTAKE_PG_DATA` (the cluster `.ci/postgres.sh`
//! started, which it stops and starts again); skipped without them unless
//! `INTAKE_PG_REQUIRED` is set. The scenarios run one after the other in
//! one test: stopping the server would break any test running beside it.
#![cfg(feature = "postgres")]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::contacts;
use common::postgres::{connect, required_env, runtime};
use intake::{presets, Blocking, Importer, Policy, PostgresStore, Report, TableMapping};
use intake_generator::{Flavour, Generator};
use tokio::runtime::Runtime;

/// The child process's job, in the SIGKILL scenario: the table to import
/// into, and whether all or nothing.
const CHILD_TABLE: &str = "INTAKE_FAULT_CHILD_TABLE";
const CHILD_ATOMIC: &str = "INTAKE_FAULT_CHILD_ATOMIC";

/// The server's URL and data folder, or `None` (skipped).
fn server() -> Option<(String, String)> {
    Some((
        required_env("INTAKE_PG_URL")?,
        required_env("INTAKE_PG_DATA")?,
    ))
}

/// Connects, waiting for a server that is starting again.
fn connect_when_up(runtime: &Runtime, url: &str) -> tokio_postgres::Client {
    let start = Instant::now();
    loop {
        let tried = runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            client.batch_execute("SELECT 1").await?;
            Ok::<_, tokio_postgres::Error>(client)
        });
        match tried {
            Ok(client) => return client,
            Err(_) if start.elapsed() < Duration::from_secs(60) => {
                std::thread::sleep(Duration::from_millis(200))
            }
            Err(e) => panic!("the server did not come back: {e}"),
        }
    }
}

fn count(runtime: &Runtime, url: &str, table: &str) -> i64 {
    let client = connect_when_up(runtime, url);
    runtime
        .block_on(client.query_one(&format!("SELECT count(*) FROM {table}"), &[]))
        .expect("counted")
        .get(0)
}

fn mapping(table: &str) -> TableMapping {
    TableMapping::for_schema(&presets::contacts()).table(table)
}

/// A fresh table, created by a store (dropped first if a run left it).
fn fresh_table(runtime: &Runtime, url: &str, name: &str) -> String {
    let table = format!("{name}_{}", std::process::id());
    let client = connect_when_up(runtime, url);
    runtime
        .block_on(client.batch_execute(&format!("DROP TABLE IF EXISTS {table}")))
        .expect("dropped");
    drop(store(runtime, url, &table));
    table
}

fn store(runtime: &Runtime, url: &str, table: &str) -> Blocking<PostgresStore> {
    let client = connect(runtime, url);
    let store = runtime
        .block_on(PostgresStore::new(client, mapping(table)))
        .expect("the store opened");
    Blocking::new(store, runtime.handle().clone())
}

/// A file of distinct customers (no repeats inside it, every row valid),
/// so that what a table holds says how many rows were written.
fn distinct_customers(rows: u64) -> Vec<u8> {
    Generator::new(Flavour::Contacts, 21)
        .invalid_share(0.0)
        .repeat_share(0.0)
        .to_vec(rows)
        .0
}

/// Runs `.ci/postgres.sh pgctl ARGS…` on the test cluster.
fn pg_ctl(args: &[&str]) {
    let status = Command::new("bash")
        .arg(".ci/postgres.sh")
        .arg("pgctl")
        .args(args)
        .status()
        .expect("ran .ci/postgres.sh");
    assert!(status.success(), "pg_ctl {args:?} failed");
}

/// Waits until `table` holds a customer (an import's first batch).
fn wait_for_rows(runtime: &Runtime, url: &str, table: &str) {
    let start = Instant::now();
    while count(runtime, url, table) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no batch was written"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What the person who uploaded the file reads never holds the server's
/// own text.
fn assert_no_server_text(report: &Report) {
    let mut failed_rows = Vec::new();
    report
        .write_failed_rows(&mut failed_rows)
        .expect("failed rows written");
    let shown = format!(
        "{} {} {}",
        report.summary(),
        serde_json::to_string(report).expect("JSON"),
        String::from_utf8_lossy(&failed_rows)
    );
    for server_text in [
        "terminating",
        "administrator",
        "57P01",
        "db error",
        "connection closed",
    ] {
        assert!(
            !shown.contains(server_text),
            "{server_text:?} shown: {shown}"
        );
    }
}

/// The server stops (immediate shutdown) while an import writes; it then
/// starts again.
fn server_stopped_mid_import(runtime: &Runtime, url: &str, atomic: bool) {
    let table = fresh_table(
        runtime,
        url,
        if atomic { "stop_atomic" } else { "stop_plain" },
    );
    let csv = distinct_customers(20_000);
    let importer = contacts().policy(Policy::upsert()).batch_size(200);
    let outcome = std::thread::scope(|scope| {
        let importing = scope.spawn(|| {
            let mut db = store(runtime, url, &table);
            if atomic {
                importer.import_atomic(csv.as_slice(), &mut db)
            } else {
                importer.import(csv.as_slice(), &mut db)
            }
        });
        if atomic {
            // An atomic import's rows are not visible before its commit:
            // give it time to write a few batches.
            std::thread::sleep(Duration::from_millis(400));
        } else {
            wait_for_rows(runtime, url, &table);
        }
        pg_ctl(&["-m", "immediate", "stop"]);
        let outcome = importing.join().expect("the import ended");
        pg_ctl(&["-w", "start"]);
        outcome
    });
    let held = count(runtime, url, &table);
    match outcome {
        Ok(report) => {
            assert_no_server_text(&report);
            if atomic {
                assert!(report.rolled_back || report.failed == 0, "{report:?}");
                assert_eq!(held, 0, "an atomic import stopped half-way wrote rows");
            } else {
                assert!(report.failed > 0, "the stop failed no row");
                assert_eq!(
                    held as u64, report.inserted,
                    "the table holds what the report says"
                );
            }
        }
        Err(e) => {
            assert_eq!(e.code(), "store_failed");
            let shown = format!("{e} {}", serde_json::to_string(&e).expect("JSON"));
            assert!(!shown.contains("terminating"), "{shown}");
            if atomic {
                assert_eq!(held, 0, "an atomic import that failed wrote rows");
            }
        }
    }
}

/// The importing process is killed (SIGKILL) while it writes; the same
/// file imported again then completes the table.
fn process_killed_mid_import(runtime: &Runtime, url: &str, atomic: bool) {
    let table = fresh_table(
        runtime,
        url,
        if atomic { "kill_atomic" } else { "kill_plain" },
    );
    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "import_as_a_child_process", "--nocapture"])
        .env(CHILD_TABLE, &table)
        .env(CHILD_ATOMIC, if atomic { "1" } else { "" })
        .spawn()
        .expect("the child started");
    if atomic {
        std::thread::sleep(Duration::from_millis(1500));
    } else {
        wait_for_rows(runtime, url, &table);
    }
    child.kill().expect("killed");
    let _ = child.wait();
    let held = count(runtime, url, &table);
    if atomic {
        // The server rolls back a transaction whose connection died.
        let start = Instant::now();
        let mut held = held;
        while held != 0 && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
            held = count(runtime, url, &table);
        }
        assert_eq!(held, 0, "a killed atomic import left rows");
        return;
    }
    let csv = distinct_customers(20_000);
    assert!(held > 0 && held < 20_000, "{held} rows before the kill");
    let mut db = store(runtime, url, &table);
    let again = contacts()
        .policy(Policy::upsert())
        .import(csv.as_slice(), &mut db)
        .expect("imported again");
    assert_eq!(again.failed, 0, "{:?}", again.failures.first());
    assert_eq!(again.updated, 0);
    assert_eq!(again.inserted as i64 + held, 20_000, "the rest inserted");
    assert_eq!(again.unchanged as i64, held, "the rest unchanged");
    assert_eq!(count(runtime, url, &table), 20_000);
}

/// The child of `process_killed_mid_import`: a no-op unless its
/// environment names a table.
#[test]
fn import_as_a_child_process() {
    let Ok(table) = std::env::var(CHILD_TABLE) else {
        return;
    };
    let Some((url, _)) = server() else { return };
    let runtime = runtime();
    let mut db = store(&runtime, &url, &table);
    let importer: Importer = contacts().policy(Policy::upsert()).batch_size(200);
    let csv = distinct_customers(20_000);
    let _ = if std::env::var(CHILD_ATOMIC).is_ok_and(|a| !a.is_empty()) {
        importer.import_atomic(csv.as_slice(), &mut db)
    } else {
        importer.import(csv.as_slice(), &mut db)
    };
}

#[test]
fn the_server_stopped_or_the_process_killed_mid_import_loses_nothing_reported() {
    if std::env::var_os(CHILD_TABLE).is_some() {
        return;
    }
    let Some((url, _data)) = server() else { return };
    let runtime = runtime();
    for atomic in [false, true] {
        server_stopped_mid_import(&runtime, &url, atomic);
        process_killed_mid_import(&runtime, &url, atomic);
    }
}
