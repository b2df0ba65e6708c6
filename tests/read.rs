//! Reading: bytes to CSV records, RFC 4180, BOM, line endings, row and
//! line numbers, blank rows, ragged rows.

mod common;

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use common::*;
use intake::{MemoryStore, Store};

#[test]
fn quoted_cell_keeps_its_commas() {
    let (report, store) =
        run_fresh("first_name,email,company\nAnn,ann@example.com,\"Lee, Smith, and Co\"\n");
    assert_eq!(report.inserted, 1);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("company"), Some("Lee, Smith, and Co"));
}

#[test]
fn doubled_quotes_in_quoted_cell_read_as_one_quote() {
    let (_, store) =
        run_fresh("first_name,email,company\nAnn,ann@example.com,\"The \"\"Best\"\" Co\"\n");
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("company"), Some("The \"Best\" Co"));
}

#[test]
fn newline_inside_quoted_cell_is_kept_in_the_value() {
    let (report, store) =
        run_fresh("email,street1,city\nann@example.com,\"1 Main St\nFlat 2\",Springfield\n");
    assert_eq!((report.rows, report.inserted), (1, 1));
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("street1"), Some("1 Main St\nFlat 2"));
    assert_eq!(ann.record.text("city"), Some("Springfield"));
}

#[test]
fn utf8_bom_is_dropped_from_the_first_column_name() {
    let (report, store) = run_fresh("\u{feff}Email,First Name\nann@example.com,Ann\n");
    assert_eq!(report.columns[0].column, "Email");
    assert_eq!(report.columns[0].field.as_deref(), Some("email"));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.inserted, 1);
    assert!(by_email(&store, "ann@example.com").is_some());
}

#[test]
fn utf8_bom_before_a_quoted_first_column_name_is_dropped() {
    let (report, _) = run_fresh("\u{feff}\"Email\",First Name\nann@example.com,Ann\n");
    assert_eq!(report.columns[0].column, "Email");
    assert_eq!(report.columns[0].field.as_deref(), Some("email"));
    assert_eq!(report.inserted, 1);
}

#[test]
fn crlf_and_lf_files_import_the_same() {
    let lf = "First Name,Email,Phone\nAnn,ann@example.com,(415) 555-0101\nBob,bob@example.com,\n";
    let crlf = lf.replace('\n', "\r\n");
    let (lf_report, lf_store) = run_fresh(lf);
    let (crlf_report, crlf_store) = run_fresh(&crlf);
    assert_eq!(lf_report.inserted, 2);
    // Each import has its own id.
    assert_eq!(lf_report, {
        let mut r = crlf_report.clone();
        r.header = lf_report.header.clone();
        r.import_id = lf_report.import_id.clone();
        r
    });
    assert_eq!(crlf_report.header, ["First Name", "Email", "Phone"]);
    assert_eq!(records(&lf_store), records(&crlf_store));
    let bob = by_email(&crlf_store, "bob@example.com").unwrap();
    assert_eq!(bob.record.text("first_name"), Some("Bob"));
    assert_eq!(bob.record.get("phone"), None, "no stray CR in values");
}

#[test]
fn crlf_file_numbers_rows_and_lines_like_lf() {
    let lf = "email\nann@example.com\nbad\nworse\n";
    let (lf_report, _) = run_fresh(lf);
    let (crlf_report, _) = run_fresh(&lf.replace('\n', "\r\n"));
    let at = |r: &intake::Report| -> Vec<(u64, u64)> {
        r.failures.iter().map(|f| (f.row, f.line)).collect()
    };
    assert_eq!(at(&lf_report), [(3, 3), (4, 4)]);
    assert_eq!(at(&crlf_report), [(3, 3), (4, 4)]);
}

#[test]
fn last_row_without_trailing_newline_is_read() {
    let (report, _) = run_fresh("email\nann@example.com\nbob@example.com");
    assert_eq!((report.rows, report.inserted), (2, 2));
}

#[test]
fn header_is_row_one_and_first_record_is_row_two() {
    let (report, _) = run_fresh("email\nnot-an-email\nann@example.com\nalso bad\n");
    let rows: Vec<(u64, u64)> = report.failures.iter().map(|f| (f.row, f.line)).collect();
    assert_eq!(rows, [(2, 2), (4, 4)]);
}

#[test]
fn multi_line_cell_advances_the_line_but_not_the_row() {
    let csv = "email,other\nbad,\"one\ntwo\nthree\"\nworse,x\n";
    let (report, _) = run_fresh(csv);
    let rows: Vec<(u64, u64)> = report.failures.iter().map(|f| (f.row, f.line)).collect();
    assert_eq!(rows, [(2, 2), (3, 5)]);
}

#[test]
fn multi_line_cell_with_crlf_counts_lines_the_same() {
    let csv = "email,other\r\nbad,\"one\r\ntwo\"\r\nworse,x\r\n";
    let (report, _) = run_fresh(csv);
    let rows: Vec<(u64, u64)> = report.failures.iter().map(|f| (f.row, f.line)).collect();
    assert_eq!(rows, [(2, 2), (3, 4)]);
}

#[test]
fn empty_line_is_a_spreadsheet_row_but_not_a_data_row() {
    // A spreadsheet shows the empty line 3 as row 3: "bad" is row 4.
    let (report, _) = run_fresh("email\nann@example.com\n\nbad\n");
    assert_eq!(report.rows, 2);
    assert_eq!(report.inserted, 1);
    let f = &report.failures[0];
    assert_eq!((f.row, f.line), (4, 4));
}

#[test]
fn several_empty_lines_keep_row_numbers_right() {
    let (report, _) = run_fresh("email\r\n\r\n\r\nbad\r\n\r\nworse\r\n");
    assert_eq!(report.rows, 2);
    let rows: Vec<(u64, u64)> = report.failures.iter().map(|f| (f.row, f.line)).collect();
    assert_eq!(rows, [(4, 4), (6, 6)]);
}

#[test]
fn row_of_empty_cells_is_never_counted() {
    let (report, store) = run_fresh(
        "first_name,email\nAnn,ann@example.com\n,\n  ,  \n\"\",\"\"\nBob,bob@example.com\n",
    );
    assert_eq!(report.rows, 2);
    assert_eq!((report.inserted, report.failed), (2, 0));
    assert_eq!(store.len(), 2);
}

#[test]
fn blank_rows_still_occupy_spreadsheet_rows() {
    let (report, _) = run_fresh("first_name,email\n,\n,\nAnn,bad\n");
    assert_eq!(report.rows, 1);
    let f = &report.failures[0];
    assert_eq!((f.row, f.line), (4, 4));
}

#[test]
fn empty_file_is_error_empty_file() {
    let mut store = MemoryStore::new();
    let err = contacts().import("".as_bytes(), &mut store).unwrap_err();
    assert_eq!(err.code(), "empty_file");
    assert!(!err.message().is_empty());
    assert!(store.is_empty());
}

#[test]
fn file_of_only_empty_lines_is_error_empty_file() {
    let err = contacts()
        .import("\r\n\n\r\n".as_bytes(), &mut MemoryStore::new())
        .unwrap_err();
    assert_eq!(err.code(), "empty_file");
}

#[test]
fn file_of_only_a_bom_is_error_empty_file() {
    let err = contacts()
        .import("\u{feff}".as_bytes(), &mut MemoryStore::new())
        .unwrap_err();
    assert_eq!(err.code(), "empty_file");
}

#[test]
fn header_only_file_imports_no_rows() {
    let (report, store) = run_fresh("First Name,Email\n");
    assert_eq!(report.rows, 0);
    assert_counts_add_up(&report);
    assert!(store.is_empty());
}

#[test]
fn missing_trailing_cells_read_as_empty() {
    let (report, store) = run_fresh("first_name,last_name,email,phone\nAnn,Lee\nBob\n");
    assert_eq!(
        (report.inserted, report.failed),
        (2, 0),
        "{:?}",
        report.failures
    );
    let all = records(&store);
    assert_eq!(all[0].text("first_name"), Some("Ann"));
    assert_eq!(all[0].text("last_name"), Some("Lee"));
    assert_eq!(all[0].get("email"), None);
    assert_eq!(all[1].text("first_name"), Some("Bob"));
    assert_eq!(all[1].len(), 1);
}

#[test]
fn extra_empty_cells_are_ignored() {
    let (report, _) = run_fresh("first_name,email\nAnn,ann@example.com,,\nBob,bob@example.com, \n");
    assert_eq!(
        (report.inserted, report.failed),
        (2, 0),
        "{:?}",
        report.failures
    );
}

#[test]
fn extra_non_empty_cells_fail_the_row_with_extra_cells() {
    let (report, store) =
        run_fresh("first_name,email\nAnn,ann@example.com,oops\nBob,bob@example.com\n");
    assert_eq!((report.inserted, report.failed), (1, 1));
    let f = failure_of(&report, 2);
    assert_eq!(codes(f), ["extra_cells"]);
    assert!(by_email(&store, "ann@example.com").is_none());
}

#[test]
fn input_delivered_one_byte_at_a_time_reads_the_same() {
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(slot)) => {
                    *slot = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }
    let csv = "\u{feff}Email,Other\r\nann@example.com,\"a, \"\"b\"\"\r\nc\"\r\nbad,x\r\n";
    let (expected, _) = run_fresh(csv);
    let mut store = MemoryStore::new();
    let report = contacts()
        .import(Trickle(csv.as_bytes()), &mut store)
        .unwrap();
    let mut expected = expected;
    expected.import_id = report.import_id.clone();
    assert_eq!(report, expected);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("other"), Some("a, \"b\"\r\nc"));
}

#[test]
fn rows_are_written_before_the_whole_file_is_read() {
    // A reader that produces 10,000 rows lazily and says when it is done:
    // 4 MB, more than the import parses ahead of the rows it has taken.
    struct Generated {
        next: u64,
        pending: Vec<u8>,
        done: Rc<Cell<bool>>,
    }
    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pending.is_empty() {
                if self.next == 0 {
                    self.pending = b"email,other\n".to_vec();
                } else if self.next <= 10_000 {
                    let note = "x".repeat(400);
                    self.pending = format!("c{}@example.com,{note}\n", self.next).into_bytes();
                } else {
                    self.done.set(true);
                    return Ok(0);
                }
                self.next += 1;
            }
            let n = buf.len().min(self.pending.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            Ok(n)
        }
    }
    struct Watch {
        inner: MemoryStore,
        done: Rc<Cell<bool>>,
        first_apply_saw_done: Option<bool>,
    }
    impl Store for Watch {
        fn lookup(
            &mut self,
            keys: &[intake::MatchKey],
        ) -> Result<Vec<Option<intake::Customer>>, intake::StoreError> {
            self.inner.lookup(keys)
        }
        fn apply(
            &mut self,
            writes: Vec<intake::Write>,
        ) -> Result<Vec<Result<intake::CustomerId, intake::StoreError>>, intake::StoreError>
        {
            self.first_apply_saw_done.get_or_insert(self.done.get());
            self.inner.apply(writes)
        }
    }
    let done = Rc::new(Cell::new(false));
    let reader = Generated {
        next: 0,
        pending: Vec::new(),
        done: done.clone(),
    };
    let mut store = Watch {
        inner: MemoryStore::new(),
        done,
        first_apply_saw_done: None,
    };
    let report = contacts()
        .batch_size(100)
        .import(reader, &mut store)
        .unwrap();
    assert_eq!(report.inserted, 10_000);
    assert_eq!(store.inner.len(), 10_000);
    assert_eq!(
        store.first_apply_saw_done,
        Some(false),
        "the file was read whole first"
    );
}
