//! Files as people really bring them: encodings, delimiters, broken
//! quotes, and hostile sizes, all through `Importer::import`.

mod common;

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use common::*;
use intake::{Delimiter, Encoding, ErrorKind, Importer, Limit, Limits, MemoryStore, Report};

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/files/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn import_with(importer: &Importer, bytes: &[u8]) -> (Report, MemoryStore) {
    let mut store = MemoryStore::new();
    match importer.import(bytes, &mut store) {
        Ok(report) => (report, store),
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

fn import(bytes: &[u8]) -> (Report, MemoryStore) {
    import_with(&contacts(), bytes)
}

fn text(store: &MemoryStore, email: &str, field: &str) -> Option<String> {
    by_email(store, email).and_then(|c| c.record.text(field).map(str::to_string))
}

/// A lazily generated input: `head`, then `pattern` repeated until `len`
/// bytes in all; counts the bytes taken from it.
struct Generated {
    head: Vec<u8>,
    pattern: Vec<u8>,
    len: u64,
    pos: u64,
    taken: Rc<Cell<u64>>,
}

impl Generated {
    fn new(head: &str, pattern: &str, len: u64) -> (Generated, Rc<Cell<u64>>) {
        let taken = Rc::new(Cell::new(0));
        let input = Generated {
            head: head.as_bytes().to_vec(),
            pattern: pattern.as_bytes().to_vec(),
            len,
            pos: 0,
            taken: taken.clone(),
        };
        (input, taken)
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() && self.pos < self.len {
            let head = self.head.len() as u64;
            buf[n] = if self.pos < head {
                self.head[self.pos as usize]
            } else {
                self.pattern[((self.pos - head) % self.pattern.len() as u64) as usize]
            };
            n += 1;
            self.pos += 1;
        }
        self.taken.set(self.taken.get() + n as u64);
        Ok(n)
    }
}

// Encodings

#[test]
fn windows_1252_file_from_excel_imports_with_accents_and_euro() {
    let (report, store) = import(&sample("excel_windows_1252.csv"));
    assert_eq!(
        (report.inserted, report.failed),
        (3, 0),
        "{:?}",
        report.failures
    );
    let de = "juergen.mueller@example.de";
    assert_eq!(text(&store, de, "first_name").as_deref(), Some("Jürgen"));
    assert_eq!(text(&store, de, "last_name").as_deref(), Some("Müller"));
    assert_eq!(text(&store, de, "other").as_deref(), Some("Rabatt 5 €"));
    let cl = "mjose@example.cl";
    assert_eq!(text(&store, cl, "city").as_deref(), Some("Ñuñoa"));
    assert_eq!(
        text(&store, cl, "company").as_deref(),
        Some("Café Ñuñoa, Ltda.")
    );
    assert_eq!(
        text(&store, cl, "other").as_deref(),
        Some("“Cliente preferente”")
    );
    let fr = "f.lefevre@example.fr";
    assert_eq!(
        text(&store, fr, "other").as_deref(),
        Some("Œuvres d’art – 10 € de remise")
    );
}

#[test]
fn report_names_a_windows_1252_encoding() {
    let (report, _) = import(&sample("excel_windows_1252.csv"));
    assert_eq!(report.encoding, Some(Encoding::WINDOWS_1252));
    assert_eq!(report.delimiter, None);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["encoding"], "windows-1252");
    assert!(json.get("delimiter").is_none());
    assert!(
        report
            .summary()
            .contains("The file was read as windows-1252 text."),
        "{}",
        report.summary()
    );
}

#[test]
fn utf16le_unicode_text_export_with_bom_imports() {
    let (report, store) = import(&sample("excel_unicode_text.txt"));
    assert_eq!(
        (report.inserted, report.failed),
        (3, 0),
        "{:?}",
        report.failures
    );
    assert_eq!(report.encoding, Some(Encoding::UTF_16LE));
    let cn = "wang.fang@example.cn";
    assert_eq!(text(&store, cn, "first_name").as_deref(), Some("芳"));
    assert_eq!(text(&store, cn, "city").as_deref(), Some("北京"));
    let pl = "zoe@example.pl";
    assert_eq!(
        text(&store, pl, "last_name").as_deref(),
        Some("Łukaszewicz")
    );
    assert_eq!(text(&store, pl, "other").as_deref(), Some("likes 😀 emoji"));
}

#[test]
fn unicode_text_export_is_read_as_tab_separated() {
    let (report, store) = import(&sample("excel_unicode_text.txt"));
    assert_eq!(report.delimiter, Some(Delimiter::Tab));
    assert_eq!(report.header[0], "First Name", "BOM dropped, tab split");
    assert_eq!(
        text(&store, "ann@example.com", "other").as_deref(),
        Some("Tab\tinside, quoted")
    );
    assert_eq!(
        report.summary(),
        "Imported 3 customers: 3 new. The file was read as UTF-16LE text, with cells separated by tabs."
    );
}

#[test]
fn utf16be_file_with_bom_imports() {
    let (report, store) = import(&sample("utf16be_with_bom.txt"));
    assert_eq!(report.inserted, 1);
    assert_eq!(report.encoding, Some(Encoding::UTF_16BE));
    assert_eq!(
        text(&store, "zoe@example.pl", "city").as_deref(),
        Some("Łódź")
    );
}

#[test]
fn utf8_file_with_bom_reports_no_encoding() {
    let (report, store) = import(&sample("excel_semicolon_decimal_comma.csv"));
    assert_eq!(report.encoding, None);
    assert_eq!(report.header[0], "First Name");
    assert_eq!(
        text(&store, "peter@example.de", "last_name").as_deref(),
        Some("Weiß")
    );
}

#[test]
fn windows_1252_accent_far_into_the_file_is_decoded() {
    // The first non-ASCII byte comes after 100 KB of ASCII rows.
    let mut bytes = b"email,last_name\r\n".to_vec();
    for i in 0..4_000 {
        bytes.extend_from_slice(format!("customer{i}@example.com,Smith\r\n").as_bytes());
    }
    assert!(bytes.len() > 100_000);
    bytes.extend_from_slice(b"juergen@example.de,M\xfcller\r\n");
    let (report, store) = import(&bytes);
    assert_eq!((report.inserted, report.failed), (4_001, 0));
    assert_eq!(report.encoding, Some(Encoding::WINDOWS_1252));
    assert_eq!(
        text(&store, "juergen@example.de", "last_name").as_deref(),
        Some("Müller")
    );
}

#[test]
fn encoding_set_by_the_app_overrides_detection() {
    // "Łódź" in Windows-1250 (Central European Excel): too short to detect.
    let bytes = b"email,city\nzoe@example.pl,\xa3\xf3d\x9f\n";
    let importer = contacts().encoding(Encoding::for_label("windows-1250").unwrap());
    let (report, store) = import_with(&importer, bytes);
    assert_eq!(
        text(&store, "zoe@example.pl", "city").as_deref(),
        Some("Łódź")
    );
    assert_eq!(report.encoding.map(Encoding::name), Some("windows-1250"));
}

#[test]
fn byte_order_mark_wins_over_the_encoding_set() {
    let bytes = "\u{feff}email,last_name\nrenee@example.com,Dubois-Müller\n";
    let importer = contacts().encoding(Encoding::WINDOWS_1252);
    let (report, store) = import_with(&importer, bytes.as_bytes());
    assert_eq!(report.encoding, None, "read as UTF-8");
    assert_eq!(
        text(&store, "renee@example.com", "last_name").as_deref(),
        Some("Dubois-Müller")
    );
}

#[test]
fn stray_windows_1252_byte_in_a_utf8_file_stops_as_unreadable_naming_the_line() {
    let (report, store) = import(&sample("utf8_with_stray_latin1_byte.csv"));
    assert_eq!(report.inserted, 2, "the rows before line 4 are imported");
    assert_eq!(
        text(&store, "jose@example.com", "last_name").as_deref(),
        Some("García")
    );
    let stopped = report.stopped.expect("stopped");
    assert_eq!(
        (stopped.code.as_str(), stopped.line()),
        ("unreadable", Some(4))
    );
    assert!(stopped.message.contains("Line 4"), "{}", stopped.message);
    assert!(by_email(&store, "ann@example.com").is_none());
}

#[test]
fn bytes_not_utf8_in_the_header_of_a_file_set_as_utf8_is_unreadable() {
    let err = contacts()
        .encoding(Encoding::UTF_8)
        .import(
            &b"email,Stra\xdfe\nann@example.com,x\n"[..],
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!((err.code(), err.line()), ("unreadable", Some(1)));
}

// Spreadsheet detection runs before the reader (src/spreadsheet); with the
// feature on, the workbook is read instead (tests/spreadsheet.rs).
#[cfg(not(feature = "spreadsheet"))]
#[test]
fn excel_workbook_uploaded_instead_of_csv_is_refused_with_what_to_do() {
    let mut store = MemoryStore::new();
    let err = contacts()
        .import(&sample("customers.xlsx")[..], &mut store)
        .unwrap_err();
    assert_eq!(err.code(), "unreadable");
    assert!(
        err.message().contains("not a CSV file"),
        "{}",
        err.message()
    );
    assert!(err.message().contains("CSV UTF-8"), "{}", err.message());
    assert!(store.is_empty());
}

// Delimiters

#[test]
fn semicolon_file_from_excel_is_detected() {
    let (report, store) = import(&sample("excel_semicolon_decimal_comma.csv"));
    assert_eq!(
        (report.inserted, report.failed),
        (3, 0),
        "{:?}",
        report.failures
    );
    assert_eq!(report.delimiter, Some(Delimiter::Semicolon));
    assert_eq!(
        text(&store, "juergen@example.de", "other").as_deref(),
        Some("Umsatz 1.234,50 €")
    );
    assert_eq!(
        text(&store, "anna@example.de", "other").as_deref(),
        Some("Rabatt 2,5 %; Stammkunde")
    );
    assert_eq!(
        text(&store, "peter@example.de", "other").as_deref(),
        Some("0,75")
    );
}

#[test]
fn report_names_a_semicolon_delimiter() {
    let (report, _) = import(&sample("excel_semicolon_decimal_comma.csv"));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["delimiter"], "semicolon");
    assert!(json.get("encoding").is_none());
    assert!(report
        .summary()
        .ends_with("The file was read with cells separated by semicolons."));
}

#[test]
fn pipe_file_is_detected() {
    let (report, store) = import(&sample("pipe_export.txt"));
    assert_eq!(
        (report.inserted, report.failed),
        (2, 0),
        "{:?}",
        report.failures
    );
    assert_eq!(report.delimiter, Some(Delimiter::Pipe));
    assert_eq!(
        text(&store, "ann@example.com", "company").as_deref(),
        Some("Lee, Smith and Co")
    );
    assert_eq!(
        text(&store, "bob@example.com", "company").as_deref(),
        Some("Stone | Sons")
    );
}

#[test]
fn comma_file_reports_no_delimiter_and_no_encoding() {
    let (report, _) = import(b"email,first_name\nann@example.com,Ann\n");
    assert_eq!((report.delimiter, report.encoding), (None, None));
    let json = serde_json::to_value(&report).unwrap();
    assert!(json.get("delimiter").is_none() && json.get("encoding").is_none());
    assert_eq!(report.summary(), "Imported 1 customer: 1 new.");
}

#[test]
fn delimiter_set_by_the_app_is_used_without_detection() {
    // Commas and semicolons split every line alike: detection says comma.
    let bytes = b"email;first_name,x\nann@example.com;Ann,y\n";
    // Read with commas, no column is one the schema knows: refused whole.
    let detected = contacts()
        .import(&bytes[..], &mut MemoryStore::new())
        .unwrap_err();
    assert_eq!(detected.code(), "missing_columns");
    let importer = contacts().delimiter(Delimiter::Semicolon);
    let (report, store) = import_with(&importer, bytes);
    assert_eq!(report.delimiter, Some(Delimiter::Semicolon));
    assert_eq!(report.header, ["email", "first_name,x"]);
    assert!(by_email(&store, "ann@example.com").is_some());
}

// Malformed CSV

#[test]
fn unterminated_quote_stops_the_import_naming_the_line_where_the_cell_starts() {
    let (report, store) = import(&sample("unterminated_quote.csv"));
    assert_eq!((report.rows, report.inserted), (2, 2));
    assert_eq!(
        text(&store, "bob@example.com", "other").as_deref(),
        Some("fine, quoted")
    );
    let stopped = report.stopped.clone().expect("stopped");
    assert_eq!(
        (stopped.code.as_str(), stopped.line()),
        ("malformed_csv", Some(4))
    );
    assert!(stopped.message.contains("line 4"), "{}", stopped.message);
    assert!(by_email(&store, "cleo@example.com").is_none());
    assert!(by_email(&store, "dan@example.com").is_none());
    assert!(report.summary().contains("The import stopped early"));
}

#[test]
fn unterminated_quote_in_the_header_is_a_file_level_error() {
    let mut store = MemoryStore::new();
    let err = contacts()
        .import(&sample("unterminated_quote_in_header.csv")[..], &mut store)
        .unwrap_err();
    assert_eq!((err.code(), err.line()), ("malformed_csv", Some(1)));
    assert!(store.is_empty());
}

#[test]
fn unterminated_quote_long_before_the_end_is_malformed_not_too_large() {
    // The open quote swallows 300 KB of rows: past the cell limit.
    let mut csv = String::from("email,other\nann@example.com,ok\nbob@example.com,\"oops\n");
    for i in 0..10_000 {
        csv.push_str(&format!("c{i}@example.com,fine\n"));
    }
    let (report, _) = import(csv.as_bytes());
    assert_eq!(report.inserted, 1);
    let stopped = report.stopped.expect("stopped");
    assert_eq!(
        (stopped.code.as_str(), stopped.line()),
        ("malformed_csv", Some(3))
    );
}

#[test]
fn tricky_but_valid_quoting_is_not_malformed() {
    let csv = "email,other,company\r\n\
               ann@example.com,\"say \"\"hi\"\"\",\"a\r\nb\"\r\n\
               bob@example.com,6\" screen,\"Lee \"\"Co\"\"\"";
    let (report, store) = import(csv.as_bytes());
    assert_eq!(report.stopped, None);
    assert_eq!(report.inserted, 2);
    assert_eq!(
        text(&store, "ann@example.com", "other").as_deref(),
        Some("say \"hi\"")
    );
    assert_eq!(
        text(&store, "bob@example.com", "other").as_deref(),
        Some("6\" screen")
    );
    assert_eq!(
        text(&store, "bob@example.com", "company").as_deref(),
        Some("Lee \"Co\"")
    );
}

// Limits

#[test]
fn default_limits_fit_any_spreadsheet_file() {
    let limits = Limits::default();
    assert_eq!(limits.get_max_file_bytes(), 1 << 30);
    assert_eq!(limits.get_max_columns(), 1_000);
    assert_eq!(limits.get_max_cell_bytes(), 128 * 1024);
    assert_eq!(limits.get_max_row_bytes(), 1 << 20);
    // Excel's longest cell, 32,767 characters of three-byte text, fits.
    let cell = "€".repeat(32_767);
    let csv = format!("email,other\nann@example.com,{cell}\n");
    let importer = Importer::new(intake::presets::contacts());
    let (report, _) = import_with(&importer, csv.as_bytes());
    assert_eq!(report.stopped, None);
}

#[test]
fn cell_longer_than_the_limit_stops_the_import_as_too_large() {
    let importer = contacts().limits(Limits::default().max_cell_bytes(1_000));
    let long = "x".repeat(1_001);
    let csv =
        format!("email,other\nann@example.com,ok\nbob@example.com,{long}\ncleo@example.com,ok\n");
    let (report, store) = import_with(&importer, csv.as_bytes());
    assert_eq!(report.inserted, 1);
    let stopped = report.stopped.expect("stopped");
    assert_eq!(
        (stopped.code.as_str(), stopped.line()),
        ("too_large", Some(3))
    );
    assert!(
        stopped.message.contains("1000 bytes"),
        "{}",
        stopped.message
    );
    assert!(by_email(&store, "cleo@example.com").is_none());
}

#[test]
fn cell_of_exactly_the_limit_is_read() {
    let importer = contacts().limits(Limits::default().max_cell_bytes(1_000));
    let csv = format!("email,other\nann@example.com,{}\n", "x".repeat(1_000));
    let (report, _) = import_with(&importer, csv.as_bytes());
    assert_eq!((report.inserted, report.stopped), (1, None));
}

#[test]
fn row_longer_than_the_limit_stops_the_import() {
    let importer = contacts().limits(Limits::default().max_row_bytes(100));
    let csv = format!(
        "email,other,company\nann@example.com,a,b\nbob@example.com,{},{}\n",
        "x".repeat(50),
        "y".repeat(50)
    );
    let (report, _) = import_with(&importer, csv.as_bytes());
    assert_eq!(report.inserted, 1);
    let stopped = report.stopped.expect("stopped");
    assert_eq!(
        (stopped.code.as_str(), stopped.line()),
        ("too_large", Some(3))
    );
}

#[test]
fn too_many_columns_in_the_header_is_a_file_level_error() {
    let importer = contacts().limits(Limits::default().max_columns(3));
    let err = importer
        .import(
            &b"email,a,b,c\nann@example.com,1,2,3\n"[..],
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "too_large");
    assert_eq!(
        err.kind(),
        &ErrorKind::TooLarge {
            what: Limit::Columns,
            limit: 3
        }
    );
    assert_eq!(err.line(), Some(1));
}

#[test]
fn file_larger_than_the_limit_stops_with_the_rows_before_imported() {
    let csv = "email\nann@example.com\nbob@example.com\ncleo@example.com\n";
    let importer = contacts().limits(Limits::default().max_file_bytes(40));
    let (report, store) = import_with(&importer, csv.as_bytes());
    assert_eq!(report.inserted, 2, "ann and bob end before byte 40");
    let stopped = report.stopped.expect("stopped");
    assert_eq!(stopped.code.as_str(), "too_large");
    assert_eq!(stopped.line(), Some(4));
    assert!(by_email(&store, "cleo@example.com").is_none());
}

#[test]
fn one_gigabyte_cell_is_refused_after_reading_little_of_it() {
    let (input, taken) = Generated::new("email,other\nann@example.com,", "x", 1 << 30);
    let mut store = MemoryStore::new();
    let report = contacts().import(input, &mut store).unwrap();
    assert_eq!(report.rows, 0);
    let stopped = report.stopped.expect("stopped");
    assert_eq!(
        (stopped.code.as_str(), stopped.line()),
        ("too_large", Some(2))
    );
    assert!(taken.get() < 1 << 20, "read {} bytes", taken.get());
}

#[test]
fn million_columns_are_refused_after_reading_little() {
    let (input, taken) = Generated::new("", "a,", 2_000_000);
    let err = contacts()
        .import(input, &mut MemoryStore::new())
        .unwrap_err();
    assert_eq!(err.code(), "too_large");
    assert!(taken.get() < 1 << 20, "read {} bytes", taken.get());
}

#[test]
fn million_blank_lines_are_read_through_as_nothing() {
    let (input, taken) = Generated::new("email\r\nann@example.com\r\n", "\r\n", 2_000_000);
    let mut store = MemoryStore::new();
    let report = contacts()
        .max_rows(Some(10))
        .import(input, &mut store)
        .unwrap();
    assert_eq!((report.rows, report.inserted, report.stopped), (1, 1, None));
    assert_eq!(taken.get(), 2_000_000);
}

#[test]
fn million_rows_of_empty_cells_are_read_through_as_nothing() {
    let (input, taken) = Generated::new("email,other\nann@example.com,x\n", ",\n", 2_000_000);
    let mut store = MemoryStore::new();
    let report = contacts()
        .max_rows(Some(10))
        .import(input, &mut store)
        .unwrap();
    assert_eq!((report.rows, report.inserted, report.stopped), (1, 1, None));
    assert_eq!(taken.get(), 2_000_000);
}
