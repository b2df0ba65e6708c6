//! The whole import on arbitrary bytes: no panic, and the report adds up.
//!
//! The first byte picks the configuration (preset, policy, dry run, atomic,
//! batch size, small limits); the rest is the uploaded file.
#![no_main]

use intake::{presets, Argon2Hasher, Importer, Limits, MemoryStore, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&config, file)) = data.split_first() else {
        return;
    };
    let field_service = config & 1 != 0;
    let schema = if field_service {
        presets::field_service()
    } else {
        presets::contacts()
    };
    let policy = match (config >> 1) & 3 {
        0 => Policy::upsert(),
        1 => Policy::insert_only(),
        2 => Policy::update_only(),
        _ => Policy::upsert().clear_empty(true),
    };
    let dry_run = config & 8 != 0;
    let atomic = config & 16 != 0;
    let mut importer = Importer::new(schema)
        .policy(policy)
        .dry_run(dry_run)
        .preview(config & 32 != 0)
        .batch_size(if config & 64 != 0 { 2 } else { 1000 })
        // The cheapest Argon2 cost: the fuzzer is after parsing, not hashing.
        .password_hasher(Argon2Hasher::with_cost(8, 1, 1).expect("valid cost"));
    if config & 128 != 0 {
        // Small limits, so that the fuzzer reaches every limit's path.
        importer = importer.limits(
            Limits::new()
                .max_columns(8)
                .max_cell_bytes(16)
                .max_row_bytes(64)
                .max_listed_failures(2),
        );
    }

    let mut store = MemoryStore::new();
    let imported = if atomic {
        importer.import_atomic(file, &mut store)
    } else {
        importer.import(file, &mut store)
    };
    let Ok(report) = imported else {
        assert!(store.is_empty(), "a file-level failure wrote customers");
        return;
    };

    let imported = report.inserted + report.updated + report.unchanged;
    assert_eq!(report.rows, imported + report.failed, "counts add up");
    assert_eq!(
        report.failed,
        report.failures.len() as u64 + report.failures_not_listed,
        "every failure is listed or counted"
    );
    // The store started empty: nothing to update or leave unchanged but
    // customers this file created.
    let written = !dry_run && !report.rolled_back;
    let expected_len = if written { report.inserted } else { 0 };
    assert_eq!(store.len() as u64, expected_len, "store holds the new rows");
    let mut previous = 0;
    for failure in &report.failures {
        assert!(failure.row > previous, "failures in file order, once each");
        previous = failure.row;
        assert!(!failure.problems.is_empty(), "a failure says why");
        assert!(!failure.describe().is_empty());
    }
    if let Some(changes) = &report.changes {
        assert_eq!(changes.len() as u64, imported, "one change per imported row");
    }

    let _ = report.summary();
    let mut out = Vec::new();
    report
        .write_failed_rows(&mut out)
        .expect("writing to memory cannot fail");
    let mut failed_rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(out.as_slice());
    for record in failed_rows.records() {
        let record = record.expect("the failed-rows file is valid CSV");
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula reached the failed-rows file: {cell:?}"
            );
        }
    }
});
