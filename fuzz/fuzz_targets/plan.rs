//! Committing arbitrary bytes as a plan: no panic, and a refused plan
//! writes nothing.
#![no_main]

use intake::{presets, Importer, MemoryStore};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let importer = Importer::new(presets::contacts()).batch_size(2);
    let mut store = MemoryStore::new();
    let seed = "email,phone,first_name\nann@example.com,+14155550101,Ann\nbob@example.com,,Bob\n";
    importer
        .import(seed.as_bytes(), &mut store)
        .expect("the seed imports");
    let before = store.customers();
    match importer.commit_plan(data, &mut store) {
        Ok(report) => {
            assert_eq!(
                report.rows,
                report.inserted + report.updated + report.unchanged + report.failed
            );
        }
        Err(_) => assert_eq!(store.customers(), before, "a refused plan wrote"),
    }
});
