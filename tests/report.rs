//! The report: counts, summary, JSON, failures, failed-rows file, dry run,
//! preview, all-or-nothing imports; and no panic on any input.

mod common;

use common::*;
use intake::{presets, Action, Importer, MemoryStore, Policy};
use proptest::prelude::*;

/// Against a store holding Ann and Bob: 1 new, 1 updated, 1 unchanged,
/// 2 failed.
const MIXED: &str = "\
First Name,E-mail Address,Phone,Birthday
Cy,cy@example.com,,1990-01-01
Annie,ann@example.com,,
Bob,bob@example.com,(415) 555-0102,
Dee,dee@example,,
Eve,eve@example.com,,25/10/1986
";

fn ann_and_bob() -> MemoryStore {
    seeded(
        "first_name,email,phone\nAnn,ann@example.com,415 555 0101\nBob,bob@example.com,415 555 0102\n",
    )
}

fn mixed_report() -> intake::Report {
    run(&contacts(), MIXED, &mut ann_and_bob())
}

fn failed_rows_csv(report: &intake::Report) -> String {
    let mut out = Vec::new();
    report.write_failed_rows(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

// ---- counts and summary ----

#[test]
fn rows_equal_inserted_plus_updated_plus_unchanged_plus_failed() {
    let report = mixed_report();
    assert_eq!(report.rows, 5);
    assert_eq!(
        (
            report.inserted,
            report.updated,
            report.unchanged,
            report.failed
        ),
        (1, 1, 1, 2)
    );
    assert_counts_add_up(&report);
}

#[test]
fn summary_says_what_was_imported_and_what_failed() {
    assert_eq!(
        mixed_report().summary(),
        "Imported 2 customers: 1 new, 1 updated. 1 customer was already up to date. 2 rows failed; see the failed rows."
    );
}

#[test]
fn summary_of_a_clean_import() {
    let (report, _) = run_fresh("email\na@example.com\nb@example.com\n");
    assert_eq!(report.summary(), "Imported 2 customers: 2 new.");
}

#[test]
fn summary_uses_singular_for_one() {
    let (report, _) = run_fresh("email\na@example.com\nbad\n");
    assert_eq!(
        report.summary(),
        "Imported 1 customer: 1 new. 1 row failed; see the failed rows."
    );
}

#[test]
fn summary_of_a_file_without_rows() {
    let (report, _) = run_fresh("email\n");
    assert_eq!(report.summary(), "The file has no customer rows.");
}

// ---- JSON ----

#[test]
fn json_has_the_contract_fields_and_no_changes_without_preview() {
    let json = serde_json::to_value(mixed_report()).unwrap();
    for key in [
        "rows",
        "inserted",
        "updated",
        "unchanged",
        "failed",
        "columns",
        "failures",
        "warnings",
    ] {
        assert!(json.get(key).is_some(), "missing {key} in {json}");
    }
    assert_eq!(json["rows"], 5);
    assert_eq!(json["inserted"], 1);
    assert_eq!(json["updated"], 1);
    assert_eq!(json["unchanged"], 1);
    assert_eq!(json["failed"], 2);
    assert!(json.get("changes").is_none(), "{json}");
    assert!(json.get("header").is_none(), "{json}");
}

#[test]
fn json_columns_give_column_as_written_and_field_or_null() {
    let (report, _) = run_fresh("E-mail Address,Middle Name\nann@example.com,B\n");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["columns"],
        serde_json::json!([
            {"column": "E-mail Address", "field": "email"},
            {"column": "Middle Name", "field": null}
        ])
    );
    assert_eq!(json["warnings"][0]["code"], "ignored_column");
    assert!(json["warnings"][0]["message"].is_string());
}

#[test]
fn json_failures_carry_row_line_and_problems_with_column_code_message() {
    let json = serde_json::to_value(mixed_report()).unwrap();
    let failures = json["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 2);
    let dee = &failures[0];
    assert_eq!(dee["row"], 5);
    assert_eq!(dee["line"], 5);
    assert_eq!(dee["problems"][0]["column"], "E-mail Address");
    assert_eq!(dee["problems"][0]["code"], "invalid_email");
    assert!(dee["problems"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert!(dee.get("cells").is_none(), "cells stay out of the JSON");
}

#[test]
fn json_row_wide_problem_has_null_column() {
    let (report, _) = run_fresh("first_name,company\n,Acme\n");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["failures"][0]["problems"][0]["code"], "no_identifier");
    assert!(json["failures"][0]["problems"][0]["column"].is_null());
}

#[test]
fn json_with_preview_lists_changes() {
    let report = run(&contacts().preview(true), MIXED, &mut ann_and_bob());
    let json = serde_json::to_value(&report).unwrap();
    let changes = json["changes"].as_array().expect("changes with preview");
    assert_eq!(changes.len(), 3);
    assert_eq!(changes[0]["row"], 2);
    assert_eq!(changes[0]["action"], "insert");
    assert_eq!(changes[0]["values"]["email"], "cy@example.com");
    assert_eq!(changes[0]["values"]["birthday"], "1990-01-01");
    assert_eq!(changes[1]["action"], "update");
    assert_eq!(changes[2]["action"], "unchanged");
}

// ---- failures ----

#[test]
fn failure_names_spreadsheet_row_physical_line_column_as_written_and_code() {
    let report = run(
        &contacts(),
        "First Name,E-mail Address\nAnn,\"ann@example.com\"\nBob,\"bob\n@example.com\"\nCy,cy@\n",
        &mut MemoryStore::new(),
    );
    let rows: Vec<(u64, u64)> = report.failures.iter().map(|f| (f.row, f.line)).collect();
    assert_eq!(rows, [(3, 3), (4, 5)]);
    for f in &report.failures {
        assert_eq!(f.problems[0].column.as_deref(), Some("E-mail Address"));
        assert_eq!(f.problems[0].code.as_str(), "invalid_email");
    }
}

#[test]
fn failures_are_in_file_order() {
    let report = run(
        &contacts().batch_size(2),
        "email\nbad1\na@example.com\nbad2\nbad3\nb@example.com\nbad4\n",
        &mut MemoryStore::new(),
    );
    let rows: Vec<u64> = report.failures.iter().map(|f| f.row).collect();
    assert_eq!(rows, [2, 4, 5, 7]);
}

// ---- failed-rows file ----

#[test]
fn failed_rows_file_has_the_original_header_plus_errors() {
    let text = failed_rows_csv(&mixed_report());
    let first = text.lines().next().unwrap();
    assert_eq!(first, "First Name,E-mail Address,Phone,Birthday,errors");
}

#[test]
fn failed_rows_file_holds_each_failed_row_with_its_cells_and_errors() {
    let text = failed_rows_csv(&mixed_report());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with("Dee,dee@example,,,"), "{}", lines[1]);
    assert!(
        lines[1].contains("E-mail Address"),
        "errors name the column: {}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("Eve,eve@example.com,,25/10/1986,"),
        "{}",
        lines[2]
    );
    assert!(lines[2].contains("YYYY-MM-DD"), "{}", lines[2]);
}

#[test]
fn failed_rows_file_of_a_clean_import_is_just_the_header() {
    let (report, _) = run_fresh("Email\na@example.com\n");
    assert_eq!(failed_rows_csv(&report).trim_end(), "Email,errors");
}

#[test]
fn failed_rows_file_neutralises_cells_a_spreadsheet_would_run() {
    let file = "email,company,other\n\
        bad1,=SUM(A1:A2),x\n\
        bad2,+1 415 555 0101,x\n\
        bad3,-2+3,x\n\
        bad4,@cmd,x\n\
        bad5,\"\tTAB\",x\n\
        bad6,\"\rCR\",x\n\
        bad7,plain,it's fine\n";
    let (report, _) = run_fresh(file);
    assert_eq!(report.failed, 7);
    let text = failed_rows_csv(&report);
    for cell in [
        "'=SUM(A1:A2)",
        "'+1 415 555 0101",
        "'-2+3",
        "'@cmd",
        "'\tTAB",
        "'\rCR",
    ] {
        assert!(text.contains(cell), "{cell:?} not neutralised in {text:?}");
    }
    for raw in [
        ",=SUM", ",+1 415", ",-2+3", ",@cmd", ",\tTAB", ",\"\rCR", ",\rCR",
    ] {
        assert!(!text.contains(raw), "{raw:?} left as is in {text:?}");
    }
    assert!(text.contains("bad7,plain,it's fine,"), "{text}");
}

#[test]
fn failed_rows_file_fixed_and_uploaded_again_imports_cleanly() {
    let mut store = ann_and_bob();
    let first = run(&contacts(), MIXED, &mut store);
    let fixed = failed_rows_csv(&first)
        .replace("dee@example,", "dee@example.com,")
        .replace("25/10/1986", "1986-10-25");
    let second = run(&contacts(), &fixed, &mut store);
    assert_eq!(
        (second.rows, second.inserted, second.failed),
        (2, 2, 0),
        "{:?}",
        second.failures
    );
    assert!(by_email(&store, "dee@example.com").is_some());
    let eve = by_email(&store, "eve@example.com").unwrap();
    assert_eq!(
        eve.record.get("birthday").map(|v| v.to_string()).as_deref(),
        Some("1986-10-25")
    );
}

#[test]
fn failed_rows_file_uploaded_again_does_not_warn_about_its_errors_column() {
    let (first, _) = run_fresh("email,first_name\nbad,Ann\n");
    let fixed = failed_rows_csv(&first).replace("bad,", "ann@example.com,");
    let (second, _) = run_fresh(&fixed);
    assert_eq!(second.inserted, 1, "{:?}", second.failures);
    assert!(second.warnings.is_empty(), "{:?}", second.warnings);
}

#[test]
fn a_column_named_errors_before_the_last_is_still_reported_as_ignored() {
    let (report, _) = run_fresh("errors,email\nnone,ann@example.com\n");
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(report.warnings[0].code, intake::WarningCode::IgnoredColumn);
}

#[test]
fn neutralised_cells_read_back_as_their_original_values() {
    let (first, _) = run_fresh("email,phone,company\nbad,+1 415 555 0101,=Acme\n");
    let fixed = failed_rows_csv(&first).replace("bad,", "ann@example.com,");
    let (second, store) = run_fresh(&fixed);
    assert_eq!(second.inserted, 1, "{:?}", second.failures);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("phone"), Some("+14155550101"));
    assert_eq!(ann.record.text("company"), Some("=Acme"));
}

// ---- dry run and preview ----

#[test]
fn dry_run_writes_nothing() {
    let mut store = ScriptedStore::new(ann_and_bob());
    let before = records(&store.inner);
    let report = contacts()
        .dry_run(true)
        .import(MIXED.as_bytes(), &mut store)
        .unwrap();
    assert!(report.dry_run);
    assert_eq!(store.applies, 0, "apply never called");
    assert_eq!(records(&store.inner), before);
}

#[test]
fn dry_run_makes_the_same_decisions_as_a_real_run() {
    let file = "\
first_name,email,phone
Cy,cy@example.com,
Cy,cy@example.com,415 555 0103
Annie,ann@example.com,
Zed,zed@example.com,415 555 0103
X,ann@example.com,415 555 0102
Ann,ann@example.com,
Bob,bob@example.com,
bad,bad@,
";
    for size in [1, 2, 1000] {
        let importer = contacts().preview(true).batch_size(size);
        let dry = run(&importer.clone().dry_run(true), file, &mut ann_and_bob());
        let real = run(&importer, file, &mut ann_and_bob());
        assert_eq!(
            (
                dry.rows,
                dry.inserted,
                dry.updated,
                dry.unchanged,
                dry.failed
            ),
            (
                real.rows,
                real.inserted,
                real.updated,
                real.unchanged,
                real.failed
            ),
            "batch size {size}"
        );
        assert_eq!(dry.failures, real.failures, "batch size {size}");
        // The same but for the ids of customers this file creates, which
        // a dry run has not got (and a real run has: they are new ones).
        let dry_changes = dry.changes.clone().unwrap_or_default();
        let mut real_changes = real.changes.clone().unwrap_or_default();
        for (real_change, dry_change) in real_changes.iter_mut().zip(&dry_changes) {
            if dry_change.customer.is_none() {
                let id = real_change.customer.take().and_then(|id| id.as_int());
                assert!(
                    id.is_some_and(|id| id > 2),
                    "row {}: a new customer",
                    real_change.row
                );
            }
        }
        assert_eq!(dry.changes, Some(real_changes), "batch size {size}");
        assert_eq!(dry.columns, real.columns);
        assert_eq!(dry.warnings, real.warnings);
    }
}

#[test]
fn dry_run_summary_says_nothing_was_written() {
    let report = run(
        &contacts().dry_run(true),
        "email\nann@example.com\n",
        &mut MemoryStore::new(),
    );
    assert_eq!(
        report.summary(),
        "Dry run: would import 1 customer: 1 new. No rows failed. Nothing was written."
    );
}

#[test]
fn preview_lists_each_rows_action_and_normalized_values() {
    let report = run(
        &contacts().preview(true),
        "First Name,Email,Phone,Birthday\nAnn, ANN@Example.com ,(415) 555-0101,1986-10-25\nAnnie,ann@example.com,,\nAnnie,,+1 415 555 0101,\n",
        &mut MemoryStore::new(),
    );
    let changes = report.changes.as_ref().unwrap();
    let summary: Vec<(u64, Action)> = changes.iter().map(|c| (c.row, c.action)).collect();
    assert_eq!(
        summary,
        [
            (2, Action::Insert),
            (3, Action::Update),
            (4, Action::Unchanged)
        ]
    );
    let values = &changes[0].values;
    assert_eq!(values.get("first_name").map(String::as_str), Some("Ann"));
    assert_eq!(
        values.get("email").map(String::as_str),
        Some("ann@example.com")
    );
    assert_eq!(
        values.get("phone").map(String::as_str),
        Some("+14155550101")
    );
    assert_eq!(
        values.get("birthday").map(String::as_str),
        Some("1986-10-25")
    );
    assert_eq!(values.len(), 4);
}

#[test]
fn preview_leaves_failed_rows_out_of_changes() {
    let report = run(
        &contacts().preview(true),
        "email\nbad\nok@example.com\n",
        &mut MemoryStore::new(),
    );
    let rows: Vec<u64> = report.changes.unwrap().iter().map(|c| c.row).collect();
    assert_eq!(rows, [3]);
}

#[test]
fn no_changes_without_preview() {
    assert!(mixed_report().changes.is_none());
}

// ---- all or nothing ----

#[test]
fn atomic_import_with_a_failing_row_leaves_the_store_unchanged() {
    let mut store = ann_and_bob();
    let before = store.customers();
    let report = run_atomic(&contacts().batch_size(2), MIXED, &mut store);
    assert!(report.rolled_back);
    assert_eq!(store.customers(), before);
    assert_eq!(report.failed, 2);
    assert_counts_add_up(&report);
    assert!(
        report.summary().contains("Nothing was written"),
        "{}",
        report.summary()
    );
}

#[test]
fn atomic_import_without_failures_writes_everything() {
    let mut store = ann_and_bob();
    let report = run_atomic(
        &contacts().batch_size(2),
        "email\nc@example.com\nd@example.com\ne@example.com\n",
        &mut store,
    );
    assert!(!report.rolled_back);
    assert_eq!(report.inserted, 3);
    assert_eq!(store.len(), 5);
}

#[test]
fn atomic_import_whose_store_fails_a_batch_writes_nothing() {
    let mut store = ScriptedStore::new(ann_and_bob());
    store.fail_apply_call = Some(2);
    let before = store.inner.customers();
    let result = contacts().batch_size(2).import_atomic(
        "email\nc@example.com\nd@example.com\ne@example.com\n".as_bytes(),
        &mut store,
    );
    match result {
        Err(e) => assert_eq!(e.code(), "store_failed"),
        Ok(report) => assert!(report.rolled_back, "{report:?}"),
    }
    assert_eq!(store.inner.customers(), before);
}

// ---- no panic, whatever the bytes ----

fn check_any_input(bytes: &[u8], importer: &Importer) {
    let mut store = MemoryStore::new();
    if let Ok(report) = importer.import(bytes, &mut store) {
        assert_counts_add_up(&report);
        assert_eq!(
            store.len() as u64,
            report.inserted,
            "an empty store gains the inserts"
        );
        let _ = report.summary();
        let _ = serde_json::to_string(&report).unwrap();
        let mut out = Vec::new();
        let _ = report.write_failed_rows(&mut out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic_and_counts_add_up(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        check_any_input(&bytes, &contacts());
    }

    #[test]
    fn arbitrary_rows_under_a_valid_header_never_panic_and_counts_add_up(
        body in "[a-zA-Z0-9@.,;\"' +()\\-=\r\n\t\u{feff}é]{0,300}",
        size in 1..4usize,
        mode in 0..3usize,
    ) {
        let policy = [Policy::upsert(), Policy::insert_only(), Policy::update_only()][mode];
        let importer = Importer::new(presets::contacts())
            .context(intake::Context::new().default_country("US").unwrap())
            .policy(policy)
            .batch_size(size);
        let file = format!("first_name,email,phone,birthday,company\n{body}");
        check_any_input(file.as_bytes(), &importer);
    }
}

#[test]
fn failures_beyond_the_listed_limit_are_counted_and_warned_about() {
    let mut csv = String::from("email\n");
    for i in 0..10 {
        csv.push_str(&format!("bad{i}\n"));
    }
    let report = contacts()
        .limits(intake::Limits::default().max_listed_failures(4))
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    assert_counts_add_up(&report);
    assert_eq!(report.failed, 10);
    let listed: Vec<u64> = report.failures.iter().map(|f| f.row).collect();
    assert_eq!(listed, vec![2, 3, 4, 5]);
    assert_eq!(report.failures_not_listed, 6);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code == intake::WarningCode::TooManyFailures)
        .expect("a too_many_failures warning");
    assert!(
        warning.message.starts_with("6 more rows failed"),
        "{}",
        warning.message
    );
}

#[test]
fn a_stop_serializes_its_code_and_line_as_before() {
    // An unterminated quote at line 3 stops the reading there.
    let csv = "email\nann@example.com\n\"bob@example.com\n";
    let report = contacts()
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    let stopped = report.stopped.clone().expect("stopped");
    assert_eq!(stopped.code, intake::StopReason::MalformedCsv);
    assert_eq!(stopped.code.as_str(), "malformed_csv");
    assert_eq!(stopped.line(), Some(3));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["stopped"]["code"], "malformed_csv");
    assert_eq!(json["stopped"]["line"], 3);
    let keys: Vec<&String> = json["stopped"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "{keys:?}: code, message, line");
}

#[test]
fn a_cancel_without_a_line_leaves_the_line_out_of_the_json() {
    let stop = intake::StopReason::Cancelled;
    assert_eq!(serde_json::to_value(stop).unwrap(), "cancelled");
    assert_eq!(stop.to_string(), "cancelled");
}

#[test]
fn a_row_failure_has_the_shared_position() {
    let report = contacts()
        .import(MIXED.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    for failure in &report.failures {
        let position = failure.position();
        assert_eq!(position.row(), Some(failure.row));
        assert_eq!(position.line(), failure.line);
        assert!(failure.store_error().is_none(), "no store failed");
    }
    let json = serde_json::to_value(&report).unwrap();
    let first = json["failures"][0].as_object().unwrap();
    assert!(!first.contains_key("store_error") && !first.contains_key("position"));
}

#[test]
fn writing_the_failed_rows_fails_as_the_writer_does() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "disk full",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let report = contacts()
        .import(MIXED.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    let err: std::io::Error = report.write_failed_rows(Broken).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
    let err = intake::Template::new(&presets::contacts())
        .write(Broken)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
}

#[test]
fn an_upload_that_cannot_be_read_keeps_the_io_error_as_the_cause() {
    use std::error::Error as _;
    /// A header, then the connection drops.
    struct Dropped(bool);
    impl std::io::Read for Dropped {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if std::mem::replace(&mut self.0, true) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "upstream 10.0.0.7 reset",
                ));
            }
            let head = b"email\nann@example.com\n";
            let n = head.len().min(buf.len());
            buf[..n].copy_from_slice(&head[..n]);
            Ok(n)
        }
    }
    let outcome = contacts().import(Dropped(false), &mut MemoryStore::new());
    let report = outcome.expect("the rows before are imported, then the import stops");
    let stopped = report.stopped.as_ref().expect("stopped");
    assert_eq!(stopped.code.as_str(), "unreadable");
    assert!(!stopped.message.contains("10.0.0.7"), "{}", stopped.message);
    assert!(!serde_json::to_string(&report).unwrap().contains("10.0.0.7"));
    let cause = stopped
        .error()
        .and_then(|e| e.source())
        .expect("the I/O error is kept");
    assert!(cause.to_string().contains("10.0.0.7"), "{cause}");
}
