//! Rows are checked on every core; the outcome must equal checking them one
//! at a time in file order.

mod common;

use common::{contacts, outcomes, run};
use intake::MemoryStore;

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

#[test]
fn parallel_checking_equals_one_row_at_a_time() {
    let csv = mixed_file();
    // 1,000-row batches are checked on every core; 50-row batches on one.
    let mut parallel_store = MemoryStore::new();
    let parallel = run(
        &contacts().preview(true).batch_size(1000),
        &csv,
        &mut parallel_store,
    );
    let mut serial_store = MemoryStore::new();
    let serial = run(
        &contacts().preview(true).batch_size(50),
        &csv,
        &mut serial_store,
    );
    assert!(
        parallel.failed > 0 && parallel.updated > 0,
        "{}",
        parallel.summary()
    );
    assert_eq!(outcomes(&parallel), outcomes(&serial));
    assert_eq!(parallel.warnings, serial.warnings);
    assert_eq!(parallel.failures, serial.failures);
    assert_eq!(parallel_store.customers(), serial_store.customers());
}

#[test]
fn checking_threads_kept_across_batches_equal_one_row_at_a_time() {
    let csv = mixed_file();
    // Six batches of 150 rows, each shared with the same checking threads
    // (on a machine with more than one core), against 50-row batches
    // checked on one thread.
    let mut shared_store = MemoryStore::new();
    let shared = run(
        &contacts().preview(true).batch_size(150),
        &csv,
        &mut shared_store,
    );
    let mut serial_store = MemoryStore::new();
    let serial = run(
        &contacts().preview(true).batch_size(50),
        &csv,
        &mut serial_store,
    );
    assert_eq!(outcomes(&shared), outcomes(&serial));
    assert_eq!(shared.warnings, serial.warnings);
    assert_eq!(shared.failures, serial.failures);
    assert_eq!(shared_store.customers(), serial_store.customers());
}
