//! Spreadsheet uploads (.xlsx, .xls, .ods): the same pipeline as CSV, cells
//! typed right, hostile files refused in bounded memory.
//!
//! The workbooks under tests/data/sheets/ are made by LibreOffice from
//! customers.fods (see make.py there); the hostile files by hostile.py.
#![cfg(feature = "spreadsheet")]

mod common;

use std::io::Read;

use common::*;
use intake::{presets, Context, ErrorKind, Importer, Limit, Limits, MemoryStore, Report, Template};

/// The same workbook in each format LibreOffice writes.
const FORMATS: [&str; 3] = ["customers.xlsx", "customers.xls", "customers.ods"];

fn sheet_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/sheets/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Imports `file` with `importer`; the import must not fail at file level.
fn import_file(importer: &Importer, file: &str) -> (Report, MemoryStore) {
    let mut store = MemoryStore::new();
    match importer.import(&sheet_file(file)[..], &mut store) {
        Ok(report) => (report, store),
        Err(e) => panic!("{file}: file-level error {}: {}", e.code(), e.message()),
    }
}

/// The error importing `file` with the contacts preset.
fn refusal(file: &str) -> intake::Error {
    match contacts().import(&sheet_file(file)[..], &mut MemoryStore::new()) {
        Ok(report) => panic!("{file} was imported: {report:?}"),
        Err(e) => e,
    }
}

/// The text of field `field` of the customer with `email`, in `store`.
fn value(store: &MemoryStore, email: &str, field: &str) -> Option<String> {
    let customer = by_email(store, email).unwrap_or_else(|| panic!("no customer {email}"));
    customer.record.get(field).map(|v| v.to_string())
}

#[test]
fn first_visible_sheet_is_imported_through_the_same_pipeline() {
    for file in FORMATS {
        let (report, store) = import_file(&contacts(), file);
        assert_eq!(
            (report.rows, report.inserted, report.failed),
            (4, 3, 1),
            "{file}: {report:?}"
        );
        assert_eq!(codes(&report.failures[0]), ["invalid_email"], "{file}");
        assert_eq!(store.len(), 3, "{file}");
    }
}

#[test]
fn hidden_sheet_is_skipped_by_default() {
    for file in FORMATS {
        let (_, store) = import_file(&contacts(), file);
        assert!(by_email(&store, "old@example.com").is_none(), "{file}");
    }
}

#[test]
fn failures_name_the_row_the_sheet_shows_counting_leading_empty_rows() {
    for file in FORMATS {
        let (report, _) = import_file(&contacts(), file);
        // Row 1 is empty, the header is row 2, Cleo is row 5.
        let cleo = failure_of(&report, 5);
        assert_eq!((cleo.row, cleo.line), (5, 5), "{file}");
        assert_eq!(cleo.problems[0].column.as_deref(), Some("Email"), "{file}");
    }
}

#[test]
fn phone_stored_as_number_keeps_all_its_digits() {
    for file in FORMATS {
        let (_, store) = import_file(&contacts(), file);
        let ann = value(&store, "ann@example.com", "phone");
        assert_eq!(ann.as_deref(), Some("+14155550101"), "{file}");
        let dan = value(&store, "dan@example.com", "phone");
        assert_eq!(dan.as_deref(), Some("+14155550103"), "{file}");
    }
}

#[test]
fn postal_code_stored_as_text_keeps_its_leading_zero() {
    for file in FORMATS {
        let (_, store) = import_file(&contacts(), file);
        let ann = value(&store, "ann@example.com", "postal_code");
        assert_eq!(ann.as_deref(), Some("02134"), "{file}");
    }
}

#[test]
fn postal_code_stored_as_number_gets_the_zip_codes_leading_zero_back() {
    // Bob's cell holds the number 2134 shown through a 00000 format: the
    // file has no leading zero to keep, and a US ZIP code of four digits
    // is one that lost it.
    for file in FORMATS {
        let (report, store) = import_file(&contacts(), file);
        let bob = value(&store, "bob@example.com", "postal_code");
        assert_eq!(bob.as_deref(), Some("02134"), "{file}");
        assert!(report.corrected >= 1, "{file}");
    }
}

#[test]
fn date_cell_is_a_date_whatever_its_display_format() {
    for file in FORMATS {
        let (report, store) = import_file(&contacts(), file);
        // Shown as "25 Oct 1986" and "02/14/1990"; the field takes ISO.
        let ann = value(&store, "ann@example.com", "birthday");
        assert_eq!(ann.as_deref(), Some("1986-10-25"), "{file}");
        let bob = value(&store, "bob@example.com", "birthday");
        assert_eq!(bob.as_deref(), Some("1990-02-14"), "{file}");
        assert!(report.failures.iter().all(|f| f.row == 5), "{file}");
    }
}

#[test]
fn date_cell_takes_the_format_of_the_field_it_maps_to() {
    // Field service takes YYYY/MM/DD only; Ann's cell is a date shown as
    // 05/12/2018, Bob's is the text 2018/06/01.
    let importer = Importer::new(presets::field_service())
        .sheet("Field service")
        .context(Context::new().default_country("US").unwrap());
    for file in FORMATS {
        let (report, store) = import_file(&importer, file);
        assert_eq!(
            (report.inserted, report.failed),
            (2, 0),
            "{file}: {report:?}"
        );
        let ann = value(&store, "ann@example.com", "date_joined");
        assert_eq!(ann.as_deref(), Some("2018-05-12"), "{file}");
        let bob = value(&store, "bob@example.com", "date_joined");
        assert_eq!(bob.as_deref(), Some("2018-06-01"), "{file}");
    }
}

#[test]
fn empty_row_in_a_sheet_ends_field_service_data() {
    let importer = Importer::new(presets::field_service())
        .sheet("Field service")
        .context(Context::new().default_country("US").unwrap());
    for file in FORMATS {
        let (report, store) = import_file(&importer, file);
        assert_eq!(report.rows, 2, "{file}");
        assert!(by_email(&store, "cleo@example.com").is_none(), "{file}");
        assert!(!report.warnings.is_empty(), "{file}");
    }
}

#[test]
fn whole_number_reads_without_a_decimal_point() {
    for file in FORMATS {
        let (_, store) = import_file(&contacts(), file);
        let ann = value(&store, "ann@example.com", "reference_id");
        assert_eq!(ann.as_deref(), Some("1001"), "{file}");
        let dan = value(&store, "dan@example.com", "reference_id");
        assert_eq!(dan.as_deref(), Some("1004.5"), "{file}");
    }
}

#[test]
fn formula_gives_its_saved_value() {
    // Not customers.xls: LibreOffice's .xls export saves no result for a
    // formula giving text (it writes the number 0), so there is none to read.
    for file in ["customers.xlsx", "customers.ods"] {
        let (_, store) = import_file(&contacts(), file);
        let ann = value(&store, "ann@example.com", "other");
        assert_eq!(ann.as_deref(), Some("Ann Lee"), "{file}");
    }
}

#[test]
fn error_cell_reads_as_empty() {
    // Bob's Reference ID is =NA().
    for file in FORMATS {
        let (_, store) = import_file(&contacts(), file);
        assert_eq!(
            value(&store, "bob@example.com", "reference_id"),
            None,
            "{file}"
        );
    }
}

#[test]
fn date_typed_as_text_is_read_as_that_text() {
    for file in FORMATS {
        let (_, store) = import_file(&contacts(), file);
        let dan = value(&store, "dan@example.com", "birthday");
        assert_eq!(dan.as_deref(), Some("1980-01-02"), "{file}");
    }
}

#[test]
fn trailing_empty_and_formatted_rows_are_not_rows() {
    for file in FORMATS {
        let (report, _) = import_file(&contacts(), file);
        // 4 customers; the formatted empty rows after them count for nothing.
        assert_eq!(report.rows, 4, "{file}");
        assert_eq!(report.failed, 1, "{file}");
    }
}

#[test]
fn named_sheet_is_found_ignoring_case() {
    let importer = Importer::new(presets::field_service())
        .sheet("FIELD SERVICE")
        .context(Context::new().default_country("US").unwrap());
    let (report, _) = import_file(&importer, "customers.xlsx");
    assert_eq!(report.inserted, 2);
}

#[test]
fn hidden_sheet_can_be_named() {
    for file in FORMATS {
        let (report, store) = import_file(&contacts().sheet("Archive"), file);
        assert_eq!(report.inserted, 1, "{file}");
        assert!(by_email(&store, "old@example.com").is_some(), "{file}");
    }
}

#[test]
fn unknown_sheet_fails_listing_the_sheets() {
    for file in FORMATS {
        let err = contacts()
            .sheet("Clients")
            .import(&sheet_file(file)[..], &mut MemoryStore::new())
            .unwrap_err();
        assert_eq!(err.code(), "unknown_sheet", "{file}");
        match err.kind() {
            ErrorKind::UnknownSheet { sheet, sheets } => {
                assert_eq!(sheet, "Clients");
                assert_eq!(sheets, &["Archive", "Customers", "Field service"]);
            }
            other => panic!("{file}: {other:?}"),
        }
        assert!(
            err.message().contains("'Customers'"),
            "{file}: {}",
            err.message()
        );
    }
}

#[test]
fn spreadsheet_rows_match_the_same_csv() {
    let csv = "\
First Name,Last Name,Email,Phone,Postal Code,Birthday,Reference ID,Other
Ann,Lee,ann@example.com,4155550101,02134,1986-10-25,1001,Ann Lee
Bob,Stone,bob@example.com,4155550102,2134,1990-02-14,,Bob Stone
Cleo,Park,cleo@example,,10001,1975-12-31
Dan,Ray,dan@example.com,14155550103,94105,1980-01-02,1004.5
";
    let (from_csv, csv_store) = run_fresh(csv);
    let (from_sheet, sheet_store) = import_file(&contacts(), "customers.xlsx");
    assert_eq!(records(&sheet_store), records(&csv_store));
    assert_eq!(
        (from_sheet.inserted, from_sheet.failed),
        (from_csv.inserted, from_csv.failed)
    );
    // The same problem, one row lower: the sheet starts with an empty row.
    assert_eq!(
        from_sheet.failures[0].problems,
        from_csv.failures[0].problems
    );
    assert_eq!(from_sheet.failures[0].row, from_csv.failures[0].row + 1);
}

/// Which limit `err` says the file passed.
fn limit_passed(err: &intake::Error) -> Limit {
    match err.kind() {
        ErrorKind::TooLarge { what, .. } => *what,
        other => panic!("not too_large: {other:?}: {}", err.message()),
    }
}

#[test]
fn zip_bomb_is_refused() {
    let err = refusal("bomb.xlsx");
    assert_eq!(err.code(), "too_large");
    assert_eq!(limit_passed(&err), Limit::UnzippedBytes);
    assert!(err.message().contains("once unpacked"), "{}", err.message());
}

#[test]
fn sheet_spanning_every_column_is_refused() {
    let err = refusal("wide.xlsx");
    assert_eq!(err.code(), "too_large");
    assert_eq!(limit_passed(&err), Limit::Columns);
    assert!(err.message().contains("16384 columns"), "{}", err.message());
    assert!(err.message().contains("XFD"), "{}", err.message());
}

#[test]
fn shared_strings_announcing_a_trillion_texts_are_refused() {
    let err = refusal("strings.xlsx");
    assert_eq!(err.code(), "too_large");
    assert_eq!(limit_passed(&err), Limit::Cells);
    assert!(err.message().contains("too large"), "{}", err.message());
}

#[test]
fn ods_row_repeated_a_million_times_is_refused() {
    let err = refusal("repeated.ods");
    assert_eq!(err.code(), "too_large");
    assert_eq!(limit_passed(&err), Limit::Cells);
    assert!(err.message().contains("cells"), "{}", err.message());
}

#[test]
fn xls_dimensions_announcing_billions_of_cells_are_refused() {
    let err = refusal("dimensions.xls");
    assert_eq!(err.code(), "too_large");
    assert_eq!(limit_passed(&err), Limit::Cells);
    assert!(err.message().contains("cells"), "{}", err.message());
}

#[test]
fn zip_that_is_not_a_spreadsheet_is_refused() {
    let err = refusal("photos.zip");
    assert_eq!(err.code(), "unreadable");
    assert!(
        err.message().contains("not a spreadsheet"),
        "{}",
        err.message()
    );
}

#[test]
fn truncated_spreadsheet_is_unreadable() {
    for file in FORMATS {
        let bytes = sheet_file(file);
        for len in [16, bytes.len() / 2, bytes.len() - 1] {
            let err = contacts()
                .import(&bytes[..len], &mut MemoryStore::new())
                .unwrap_err();
            assert_eq!(err.code(), "unreadable", "{file} cut at {len}");
        }
    }
}

#[test]
fn upload_beyond_the_byte_limit_is_refused() {
    let huge = b"PK\x03\x04"
        .chain(std::io::repeat(0))
        .take(Limits::default().get_max_spreadsheet_bytes() + 10);
    let err = contacts()
        .import(huge, &mut MemoryStore::new())
        .unwrap_err();
    assert_eq!(err.code(), "too_large");
    assert_eq!(limit_passed(&err), Limit::SpreadsheetBytes);
    assert!(
        err.message().contains("larger than 32 MB"),
        "{}",
        err.message()
    );
}

#[test]
fn csv_upload_is_still_read_as_csv() {
    let (report, _) = run_fresh("email\nann@example.com\n");
    assert_eq!(report.inserted, 1);
}

fn field_service() -> Importer {
    Importer::new(presets::field_service())
        .password_hasher(intake::Argon2Hasher::with_cost(64, 1, 1).unwrap())
        .context(Context::new().default_country("US").unwrap())
}

#[test]
fn xlsx_template_imports_as_it_is() {
    let xlsx = Template::new(&presets::field_service()).to_xlsx().unwrap();
    let mut store = MemoryStore::new();
    let report = field_service().import(&xlsx[..], &mut store).unwrap();
    assert_eq!((report.inserted, report.failed), (2, 0), "{report:?}");
    let maria = by_email(&store, "maria.garcia@example.com").unwrap();
    assert_eq!(maria.record.text("postal_code"), Some("94105"));
}

#[test]
fn xlsx_template_has_the_columns_of_the_csv_template() {
    let schema = presets::field_service();
    let xlsx = Template::new(&schema).to_xlsx().unwrap();
    let report = field_service()
        .dry_run(true)
        .import(&xlsx[..], &mut MemoryStore::new())
        .unwrap();
    let columns: Vec<String> = report.columns.iter().map(|c| c.column.clone()).collect();
    assert_eq!(columns, Template::new(&schema).header());
    assert!(report.columns.iter().all(|c| c.field.is_some()));
}

// Date cells of columns the app maps or ignores itself.

/// A cell of [`xlsx`]: text, or a date (and time of day) stored as a
/// spreadsheet date, shown in a format of its own.
enum Cell<'a> {
    Text(&'a str),
    Date(u16, u8, u8, u16, u8),
}

/// An .xlsx workbook of one sheet holding `rows` (the header first). Its
/// dates are shown as 25/10/1986 14:30, a format no field takes, so the
/// text a cell arrives as shows which format the reader chose.
fn xlsx(rows: &[&[Cell]]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let shown = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (row, cells) in (0u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(cells.iter()) {
            match *cell {
                Cell::Text(text) => {
                    sheet.write_string(row, col, text).unwrap();
                }
                Cell::Date(y, m, d, hh, mm) => {
                    let date = ExcelDateTime::from_ymd(y, m, d)
                        .and_then(|date| date.and_hms(hh, mm, 0))
                        .unwrap();
                    sheet
                        .write_datetime_with_format(row, col, &date, &shown)
                        .unwrap();
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// The failed-rows file of `report`, as text.
fn failed_rows(report: &Report) -> String {
    let mut out = Vec::new();
    report.write_failed_rows(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn date_cell_of_a_column_mapped_by_hand_takes_the_fields_iso_format() {
    // "When we met" means no field: only the app's choice makes it the
    // birthday, so only the final mapping can write it as the birthday's
    // ISO date, without the time of day (an unmapped column keeps it).
    // Bob's row fails (his email): the failed-rows file shows his date as
    // it was read.
    let upload = xlsx(&[
        &[Cell::Text("Email"), Cell::Text("When we met")],
        &[
            Cell::Text("ann@example.com"),
            Cell::Date(1986, 10, 25, 14, 30),
        ],
        &[Cell::Text("bob@example"), Cell::Date(1990, 2, 14, 8, 0)],
    ]);
    let mut store = MemoryStore::new();
    let report = contacts()
        .map_column("When we met", "birthday")
        .import(&upload[..], &mut store)
        .unwrap();
    assert_eq!((report.inserted, report.failed), (1, 1), "{report:?}");
    assert_eq!(
        value(&store, "ann@example.com", "birthday").as_deref(),
        Some("1986-10-25")
    );
    let failed = failed_rows(&report);
    assert!(failed.contains("\nbob@example,1990-02-14,"), "{failed}");
}

#[test]
fn date_cell_of_a_column_mapped_by_hand_takes_the_fields_own_format() {
    // Field service's date joined takes YYYY/MM/DD only. Bob's row fails
    // (his email), so the failed-rows file shows his date as it was read.
    let header = [
        Cell::Text("first_name"),
        Cell::Text("last_name"),
        Cell::Text("email"),
        Cell::Text("city"),
        Cell::Text("When we met"),
    ];
    let ann = [
        Cell::Text("Ann"),
        Cell::Text("Lee"),
        Cell::Text("ann@example.com"),
        Cell::Text("Austin"),
        Cell::Date(2018, 5, 12, 9, 15),
    ];
    let bob = [
        Cell::Text("Bob"),
        Cell::Text("Stone"),
        Cell::Text("bob@example"),
        Cell::Text("Austin"),
        Cell::Date(2018, 6, 1, 0, 0),
    ];
    let upload = xlsx(&[&header, &ann, &bob]);
    let mut store = MemoryStore::new();
    let report = field_service()
        .map_column("When we met", "date_joined")
        .import(&upload[..], &mut store)
        .unwrap();
    assert_eq!((report.inserted, report.failed), (1, 1), "{report:?}");
    assert_eq!(codes(failure_of(&report, 3)), ["invalid_email"]);
    assert_eq!(
        value(&store, "ann@example.com", "date_joined").as_deref(),
        Some("2018-05-12")
    );
    let failed = failed_rows(&report);
    assert!(failed.contains(",2018/06/01,"), "{failed}");
}

#[test]
fn date_cell_of_a_column_a_remembered_mapping_maps_takes_the_fields_own_format() {
    // As mapped by hand above, but by the mapping saved from an earlier
    // import of the same columns.
    let header = [
        Cell::Text("first_name"),
        Cell::Text("last_name"),
        Cell::Text("email"),
        Cell::Text("city"),
        Cell::Text("When we met"),
    ];
    let csv = "first_name,last_name,email,city,When we met\nCleo,Ray,cleo@example.com,Austin,2017/01/02\n";
    let saved = field_service()
        .map_column("When we met", "date_joined")
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap()
        .mapping();
    let ann = [
        Cell::Text("Ann"),
        Cell::Text("Lee"),
        Cell::Text("ann@example.com"),
        Cell::Text("Austin"),
        Cell::Date(2018, 5, 12, 9, 15),
    ];
    let upload = xlsx(&[&header, &ann]);
    let mut store = MemoryStore::new();
    let report = field_service()
        .remembered_mapping(saved)
        .import(&upload[..], &mut store)
        .unwrap();
    assert!(report.mapping_remembered);
    assert_eq!((report.inserted, report.failed), (1, 0), "{report:?}");
    assert_eq!(
        value(&store, "ann@example.com", "date_joined").as_deref(),
        Some("2018-05-12")
    );
}

#[test]
fn date_cell_of_an_ignored_column_is_not_written_for_the_field() {
    // "Date joined" would feed date_joined (YYYY/MM/DD); ignored, it is
    // an unmapped column, whose dates read as ISO.
    let header = [
        Cell::Text("first_name"),
        Cell::Text("last_name"),
        Cell::Text("email"),
        Cell::Text("city"),
        Cell::Text("Date joined"),
    ];
    let bob = [
        Cell::Text("Bob"),
        Cell::Text("Stone"),
        Cell::Text("bob@example"),
        Cell::Text("Austin"),
        Cell::Date(2018, 5, 12, 0, 0),
    ];
    let upload = xlsx(&[&header, &bob]);
    let report = field_service()
        .ignore_column("Date joined")
        .import(&upload[..], &mut MemoryStore::new())
        .unwrap();
    assert_eq!(report.failed, 1, "{report:?}");
    assert_eq!(report.columns[4].field, None);
    let failed = failed_rows(&report);
    assert!(failed.contains(",2018-05-12,"), "{failed}");
    assert!(!failed.contains("2018/05/12"), "{failed}");
}

#[test]
fn sheet_without_identifier_columns_is_missing_columns() {
    // As for CSV: a sheet of companies and cities has no one to import.
    let upload = xlsx(&[
        &[Cell::Text("Company"), Cell::Text("City")],
        &[Cell::Text("Acme"), Cell::Text("Austin")],
    ]);
    let err = contacts()
        .import(&upload[..], &mut MemoryStore::new())
        .unwrap_err();
    assert_eq!(err.code(), "missing_columns", "{}", err.message());
    assert!(
        matches!(err.kind(), ErrorKind::MissingColumns(m) if m == &["First name", "Last name", "Email", "Phone"]),
        "{:?}",
        err.kind()
    );
}

// Each spreadsheet limit, set small, refuses a small file as `too_large`.

/// The error importing `upload` with the contacts preset and `limits`.
fn refused_with(limits: Limits, upload: &[u8]) -> intake::Error {
    match contacts()
        .limits(limits)
        .import(upload, &mut MemoryStore::new())
    {
        Ok(report) => panic!("imported: {report:?}"),
        Err(e) => e,
    }
}

/// Asserts `err` is `too_large` for `what` set to `limit`, its message
/// saying what the most is and what to do.
fn assert_too_large(err: &intake::Error, what: Limit, limit: u64, most: &str) {
    assert_eq!(err.code(), "too_large", "{}", err.message());
    assert!(
        matches!(err.kind(), ErrorKind::TooLarge { what: w, limit: l } if *w == what && *l == limit),
        "{:?}",
        err.kind()
    );
    assert!(err.message().contains(most), "{}", err.message());
}

/// An .xlsx workbook of `rows` rows of `cols` cells, the first row a
/// header the contacts preset maps (Email, First Name, …); every row has
/// its own email, and the same texts in its other cells.
fn text_sheet(rows: usize, cols: usize) -> Vec<u8> {
    let header = ["Email", "First Name", "Last Name", "Phone", "City"];
    let mut cells: Vec<Vec<String>> =
        vec![header.iter().take(cols).map(|h| h.to_string()).collect()];
    for r in 1..rows {
        let mut row = vec![format!("person{r}@example.com")];
        row.extend((1..cols).map(|c| format!("Name{c}")));
        cells.push(row);
    }
    let texts: Vec<Vec<Cell>> = cells
        .iter()
        .map(|row| row.iter().map(|t| Cell::Text(t)).collect())
        .collect();
    let rows: Vec<&[Cell]> = texts.iter().map(|r| &r[..]).collect();
    xlsx(&rows)
}

/// An .ods file whose one sheet holds `rows` (each a list of cells' text),
/// zipped as LibreOffice does: the mimetype first, stored.
fn ods(rows: &[&[&str]]) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut table = String::new();
    for row in rows {
        table.push_str("<table:table-row>");
        for cell in row.iter() {
            table.push_str(&format!(
                "<table:table-cell office:value-type=\"string\"><text:p>{cell}</text:p></table:table-cell>"
            ));
        }
        table.push_str("</table:table-row>");
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Customers\">{table}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
          <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
          <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
          <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
          </manifest:manifest>",
    )
    .unwrap();
    zip.start_file("content.xml", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A BIFF record.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend(u16::try_from(data.len()).unwrap().to_le_bytes());
    r.extend(data);
    r
}

/// An .xls file (an OLE compound file holding a Workbook stream) whose one
/// sheet is made of the BIFF records `sheet`.
fn xls(sheet: &[Vec<u8>]) -> Vec<u8> {
    use std::io::Write;
    let bound = |pos: u32| {
        record(
            0x0085,
            &[&pos.to_le_bytes()[..], &[0, 0, 1, 0, b'S']].concat(),
        )
    };
    let globals = u32::try_from(bound(0).len() + record(0x000A, &[]).len()).unwrap();
    let mut stream = bound(globals);
    stream.extend(record(0x000A, &[]));
    for r in sheet {
        stream.extend(r);
    }
    stream.extend(record(0x000A, &[]));
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    file.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// A BIFF Number record at `row`, `col`.
fn number(row: u16, col: u16) -> Vec<u8> {
    let mut data = row.to_le_bytes().to_vec();
    data.extend(col.to_le_bytes());
    data.extend([0; 10]);
    record(0x0203, &data)
}

#[test]
fn spreadsheet_bytes_limit_refuses_a_larger_upload() {
    let upload = text_sheet(3, 2);
    assert!(upload.len() > 1000);
    let err = refused_with(Limits::default().max_spreadsheet_bytes(1000), &upload);
    assert_too_large(
        &err,
        Limit::SpreadsheetBytes,
        1000,
        "larger than 1000 bytes",
    );
    assert!(
        err.message().contains("Split it into smaller files"),
        "{}",
        err.message()
    );
    // Within the limit, the same file imports.
    let limits = Limits::default().max_spreadsheet_bytes(upload.len() as u64);
    let report = contacts()
        .limits(limits)
        .import(&upload[..], &mut MemoryStore::new())
        .unwrap();
    assert_eq!(report.inserted, 2);
}

#[test]
fn unzipped_bytes_limit_refuses_a_zip_that_unpacks_beyond_it() {
    let upload = text_sheet(3, 2);
    let err = refused_with(Limits::default().max_unzipped_bytes(2048), &upload);
    assert_too_large(
        &err,
        Limit::UnzippedBytes,
        2048,
        "more than 2 KB once unpacked",
    );
    let err = refused_with(
        Limits::default().max_unzipped_bytes(100),
        &ods(&[&["Email"], &["ann@example.com"]]),
    );
    assert_too_large(&err, Limit::UnzippedBytes, 100, "once unpacked");
}

#[test]
fn cells_limit_refuses_an_xlsx_sheet_with_more_filled_cells() {
    // 5 rows of 2 cells; the 7 different texts the workbook announces are
    // within the limit, the 10 cells are not.
    let upload = text_sheet(5, 2);
    let err = refused_with(Limits::default().max_cells(9), &upload);
    assert_too_large(&err, Limit::Cells, 9, "at most 9 cells can be imported");
    assert!(err.message().contains("filled cells"), "{}", err.message());
    let report = contacts()
        .limits(Limits::default().max_cells(10))
        .import(&upload[..], &mut MemoryStore::new())
        .unwrap();
    assert_eq!(report.inserted, 4);
}

#[test]
fn cells_limit_refuses_an_xlsx_announcing_more_texts() {
    // 7 different texts: the shared strings are refused before any cell.
    let err = refused_with(Limits::default().max_cells(3), &text_sheet(5, 2));
    assert_too_large(&err, Limit::Cells, 3, "7 different texts");
}

#[test]
fn cells_limit_refuses_an_ods_file_with_more_cells() {
    let upload = ods(&[
        &["Email", "First Name"],
        &["ann@example.com", "Ann"],
        &["bob@example.com", "Bob"],
    ]);
    let err = refused_with(Limits::default().max_cells(5), &upload);
    assert_too_large(&err, Limit::Cells, 5, "more than 5 cells");
    let report = contacts()
        .limits(Limits::default().max_cells(6))
        .import(&upload[..], &mut MemoryStore::new())
        .unwrap();
    assert_eq!(report.inserted, 2);
}

#[test]
fn cells_limit_refuses_an_xls_file_with_more_cells() {
    // Two cells 10 rows and 10 columns apart: calamine would build 121.
    let upload = xls(&[number(0, 0), number(10, 10)]);
    let err = refused_with(Limits::default().max_cells(100), &upload);
    assert_too_large(&err, Limit::Cells, 100, "more than 100 cells");
}

#[test]
fn sheet_text_limit_refuses_an_ods_file_with_more_text() {
    let long = "x".repeat(300);
    let upload = ods(&[&["Email", "Notes"], &["ann@example.com", &long]]);
    let err = refused_with(Limits::default().max_sheet_text_bytes(200), &upload);
    assert_too_large(
        &err,
        Limit::SheetTextBytes,
        200,
        "more than 200 bytes of text",
    );
}

#[test]
fn sheet_text_limit_refuses_an_xls_file_with_more_text() {
    // A Label record announcing 300 characters.
    let mut label = 0u16.to_le_bytes().to_vec();
    label.extend([0, 0, 0, 0]);
    label.extend(300u16.to_le_bytes());
    label.extend([0]);
    label.extend(b"abc");
    let upload = xls(&[record(0x0204, &label)]);
    let err = refused_with(Limits::default().max_sheet_text_bytes(200), &upload);
    assert_too_large(&err, Limit::SheetTextBytes, 200, "of text");
}

#[test]
fn columns_limit_refuses_a_wider_sheet() {
    let err = refused_with(Limits::default().max_columns(2), &text_sheet(3, 3));
    assert_too_large(&err, Limit::Columns, 2, "at most 2 can be read");
    assert!(
        err.message().contains("3 columns (A to C)"),
        "{}",
        err.message()
    );
}
