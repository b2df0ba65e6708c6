//! Rows are checked on every core; the outcome must equal checking them one
//! at a time in file order.

mod common;

use common::{contacts, outcomes, run};
use intake::{MemoryStore, Report};

/// 900 rows: repeats, invalid cells and unrecognised states, in a pattern
/// that spreads them over every worker's share of a batch.
fn mixed_file() -> String {
    let mut csv = String::from("email,phone,first_name,state,country\n");
    for i in 0..900u32 {
        let email = match i % 7 {
            0 => "not-an-email".to_string(),
            // Repeats of earlier customers, some with a changed name.
            3 => format!("c{}@example.com", i / 2),
            _ => format!("c{i}@example.com"),
        };
        let state = match i % 5 {
            0 => "Califronia",
            1 => "Atlantis",
            2 => "tx",
            _ => "",
        };
        csv.push_str(&format!(
            "{email},+1 415 555 {:04},Name{},{state},US\n",
            i % 1000,
            i % 3
        ));
    }
    csv
}

/// Imports the mixed file in batches of `rows` and in 50-row batches
/// (checked on one thread), asserts that both give the same outcomes,
/// warnings, failures and customers, and returns the first report.
fn same_as_one_thread(rows: usize) -> Report {
    let csv = mixed_file();
    let mut store = MemoryStore::new();
    let report = run(&contacts().preview(true).batch_size(rows), &csv, &mut store);
    let mut serial_store = MemoryStore::new();
    let serial = run(
        &contacts().preview(true).batch_size(50),
        &csv,
        &mut serial_store,
    );
    assert_eq!(outcomes(&report), outcomes(&serial));
    assert_eq!(report.warnings, serial.warnings);
    assert_eq!(report.failures, serial.failures);
    assert_eq!(store.customers(), serial_store.customers());
    report
}

#[test]
fn parallel_checking_equals_one_row_at_a_time() {
    // 1,000-row batches are checked on every core.
    let parallel = same_as_one_thread(1000);
    assert!(
        parallel.failed > 0 && parallel.updated > 0,
        "{}",
        parallel.summary()
    );
}

#[test]
fn checking_threads_kept_across_batches_equal_one_row_at_a_time() {
    // Six batches of 150 rows, each shared with the same checking threads
    // (on a machine with more than one core).
    same_as_one_thread(150);
}
