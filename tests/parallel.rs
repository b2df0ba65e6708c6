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

/// Imports the mixed file in batches of `rows` checked by `threads`
/// checking threads, and again on the calling thread alone, asserts that
/// both give the same outcomes, warnings, failures and customers, and
/// returns the first report. Batches are shared with the threads when
/// they hold at least 64 rows a thread (the engine's own included), on
/// any machine: the thread count is the test's, not the machine's.
fn same_as_one_thread(rows: usize, threads: usize) -> Report {
    let csv = mixed_file();
    let mut store = MemoryStore::new();
    let importer = contacts()
        .preview(true)
        .batch_size(rows)
        .checking_threads(threads);
    let report = run(&importer, &csv, &mut store);
    let mut serial_store = MemoryStore::new();
    let serial = run(
        &contacts()
            .preview(true)
            .batch_size(rows)
            .checking_threads(0),
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
    // 1,000-row batches shared by three checking threads and the engine's.
    let parallel = same_as_one_thread(1000, 3);
    assert!(
        parallel.failed > 0 && parallel.updated > 0,
        "{}",
        parallel.summary()
    );
}

#[test]
fn many_checking_threads_equal_one_row_at_a_time() {
    // More threads than the batch has shares for some of them.
    same_as_one_thread(1000, 12);
}

#[test]
fn checking_threads_kept_across_batches_equal_one_row_at_a_time() {
    // Six batches of 150 rows, each shared with the same checking thread.
    same_as_one_thread(150, 1);
}

#[test]
fn a_file_parsed_on_its_own_thread_reports_as_one_parsed_in_turn() {
    // 20,000 rows (1.2 MB), more than the import parses ahead; Latin-1,
    // semicolons, a blank line and a quoted line break along the way.
    let mut csv = b"email;first_name;other\n".to_vec();
    for i in 0..20_000u32 {
        csv.extend_from_slice(format!("c{i}@example.com;Ren\u{e9};\"a\nb\"\n").as_bytes());
        if i == 12_345 {
            csv.push(b'\n');
        }
    }
    // Every character below U+0100 as its Latin-1 byte.
    let csv: Vec<u8> = String::from_utf8(csv)
        .unwrap()
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let import = |threads| {
        let mut store = MemoryStore::new();
        let report = contacts()
            .preview(true)
            .checking_threads(threads)
            .import(&csv[..], &mut store)
            .unwrap();
        (report, store)
    };
    let (ahead, ahead_store) = import(1);
    let (in_turn, in_turn_store) = import(0);
    assert_eq!(ahead.inserted, 20_000, "{}", ahead.summary());
    assert_eq!(outcomes(&ahead), outcomes(&in_turn));
    assert_eq!(ahead.encoding, in_turn.encoding);
    assert!(ahead.encoding.is_some());
    assert_eq!(ahead.delimiter, in_turn.delimiter);
    assert_eq!(ahead.warnings, in_turn.warnings);
    assert_eq!(ahead_store.customers(), in_turn_store.customers());
}
