//! Plans committed into the database stores: exactly what was previewed,
//! or nothing when the customers changed meanwhile. PostgreSQL runs
//! against the server of `INTAKE_PG_URL` (see tests/postgres.rs).
#![cfg(any(feature = "sqlite", feature = "postgres"))]

mod common;

use common::contacts;
use intake::{Importer, MemoryStore, Policy, Report, Transactional};
use intake_generator::{Flavour, Generator};

/// The counts a report gives.
fn counts(report: &Report) -> (u64, u64, u64, u64, u64) {
    (
        report.rows,
        report.inserted,
        report.updated,
        report.unchanged,
        report.failed,
    )
}

/// A generated file's first half imported, then a plan of the whole file
/// committed: the same counts as the same in memory; then a plan whose
/// customer is changed before its commit is refused, writing nothing.
/// `total` counts the store's customers.
fn plan_and_commit<S: Transactional>(store: &mut S, total: impl Fn(&mut S) -> i64) {
    let (csv, _) = Generator::new(Flavour::Contacts, 5).to_vec(2000);
    let text = String::from_utf8(csv.clone()).expect("generated as UTF-8");
    let half: String = text.lines().take(1001).map(|l| format!("{l}\n")).collect();
    let importer: Importer = contacts().policy(Policy::upsert());
    let mut memory = MemoryStore::new();
    importer
        .import(half.as_bytes(), &mut memory)
        .expect("seeded");
    importer
        .import(half.as_bytes(), &mut *store)
        .expect("seeded");
    let direct = importer
        .import(csv.as_slice(), &mut memory)
        .expect("imported");

    let mut plan = Vec::new();
    let preview = importer
        .plan(csv.as_slice(), &mut *store, &mut plan)
        .expect("planned");
    let committed = importer
        .commit_plan(plan.as_slice(), &mut *store)
        .expect("committed");
    assert_eq!(counts(&preview), counts(&direct));
    assert_eq!(counts(&committed), counts(&direct));
    assert!(committed.updated > 0 && committed.inserted > 0);
    assert_eq!(total(store), memory.len() as i64);

    // A plan updating Ann, then Ann changed by another upload.
    let ann = "email,first_name\nplan-ann@example.com,Ann\n";
    importer.import(ann.as_bytes(), &mut *store).expect("Ann");
    let mut plan = Vec::new();
    importer
        .plan(
            "email,first_name\nplan-ann@example.com,Anne\nplan-new@example.com,New\n".as_bytes(),
            &mut *store,
            &mut plan,
        )
        .expect("planned");
    importer
        .import(
            "email,first_name\nplan-ann@example.com,Annie\n".as_bytes(),
            &mut *store,
        )
        .expect("changed meanwhile");
    let before = total(store);
    let err = importer
        .commit_plan(plan.as_slice(), &mut *store)
        .expect_err("outdated");
    assert_eq!(err.code(), "plan_outdated");
    assert_eq!(total(store), before, "the new customer was not written");
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_store_commits_a_plan_or_refuses_it_when_outdated() {
    let mut store = intake::SqliteStore::in_memory().expect("opened");
    plan_and_commit(&mut store, |s| s.len().expect("counted") as i64);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_store_commits_a_plan_or_refuses_it_when_outdated() {
    use common::postgres::{connect, required_env, runtime};
    use intake::{presets, Blocking, PostgresStore, TableMapping};

    let Some(url) = required_env("INTAKE_PG_URL") else {
        return;
    };
    let runtime = runtime();
    let table = format!("t_plan_{}", std::process::id());
    let client = connect(&runtime, &url);
    runtime
        .block_on(client.batch_execute(&format!("DROP TABLE IF EXISTS {table}")))
        .expect("dropped");
    let mapping = TableMapping::for_schema(&presets::contacts()).table(&table);
    let store = runtime
        .block_on(PostgresStore::new(connect(&runtime, &url), mapping))
        .expect("opened");
    let mut store = Blocking::new(store, runtime.handle().clone());
    let count = format!("SELECT count(*) FROM {table}");
    plan_and_commit(&mut store, |_| {
        let row = runtime
            .block_on(client.query_one(&count, &[]))
            .expect("counted");
        row.get(0)
    });
}

#[cfg(feature = "postgres")]
#[test]
fn an_async_app_commits_a_plan_into_postgres_store() {
    use common::postgres::{connect, required_env, runtime};
    use intake::{presets, PostgresStore, TableMapping};

    let Some(url) = required_env("INTAKE_PG_URL") else {
        return;
    };
    let runtime = runtime();
    let table = format!("t_plan_async_{}", std::process::id());
    let client = connect(&runtime, &url);
    runtime.block_on(async {
        client
            .batch_execute(&format!("DROP TABLE IF EXISTS {table}"))
            .await
            .expect("dropped");
        let mapping = TableMapping::for_schema(&presets::contacts()).table(&table);
        let mut store = PostgresStore::new(connect_async(&url).await, mapping)
            .await
            .expect("opened");
        let importer = contacts();
        let mut plan = Vec::new();
        let mut empty = MemoryStore::new();
        importer
            .plan(
                "email,first_name\nasync-ann@example.com,Ann\n".as_bytes(),
                &mut empty,
                &mut plan,
            )
            .expect("planned");
        let report = importer
            .commit_plan_async(plan.as_slice(), &mut store)
            .await
            .expect("committed");
        assert_eq!(report.inserted, 1);
        let again = importer
            .commit_plan_async(plan.as_slice(), &mut store)
            .await;
        assert_eq!(again.expect_err("taken now").code(), "plan_outdated");
        let row = client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .expect("counted");
        assert_eq!(row.get::<_, i64>(0), 1);
    });

    /// A connection opened from inside the runtime.
    async fn connect_async(url: &str) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("connected");
        tokio::spawn(connection);
        client
    }
}

#[cfg(feature = "sqlite")]
#[test]
fn a_plan_committed_into_sqlite_store_can_be_undone() {
    let mut store = intake::SqliteStore::in_memory().expect("opened");
    let importer = contacts();
    importer
        .import(
            "email,first_name\nann@example.com,Ann\n".as_bytes(),
            &mut store,
        )
        .expect("seeded");
    let mut plan = Vec::new();
    importer
        .plan(
            "email,first_name\nann@example.com,Anne\nbob@example.com,Bob\n".as_bytes(),
            &mut store,
            &mut plan,
        )
        .expect("planned");
    let committed = importer
        .commit_plan(plan.as_slice(), &mut store)
        .expect("committed");
    let undone = importer
        .undo(&committed.import_id.expect("wrote"), &mut store)
        .expect("undone");
    assert_eq!((undone.removed, undone.updated), (1, 1));
    assert_eq!(store.len().expect("counted"), 1);
}
