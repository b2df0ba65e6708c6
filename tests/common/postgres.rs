//! The PostgreSQL tests' server, runtime and connections.

use tokio::runtime::Runtime;

/// The environment variable `name`, unless empty. Without it the test is
/// skipped (`None`), unless `INTAKE_PG_REQUIRED` is set (as in CI): then
/// it fails.
pub fn required_env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var_os("INTAKE_PG_REQUIRED").is_some() => {
            panic!(
                "INTAKE_PG_REQUIRED is set but {name} is not: no PostgreSQL server to test against"
            )
        }
        _ => {
            eprintln!("skipped: no PostgreSQL server ({name} is not set; see the README)");
            None
        }
    }
}

/// A runtime for the stores' connections.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// A new connection, its driver spawned on `runtime`.
pub fn connect(runtime: &Runtime, url: &str) -> tokio_postgres::Client {
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("connected to the test server");
        tokio::spawn(connection);
        client
    })
}
