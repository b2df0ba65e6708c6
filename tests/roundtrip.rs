//! Properties of whole imports (proptest): valid customers written to CSV
//! come back exactly; a second import of a file changes nothing; a
//! failed-rows file, once fixed, imports cleanly.

mod common;

use chrono::NaiveDate;
use intake::{presets, Context, Importer, MemoryStore, Record, Report, Value, WarningCode};
use proptest::prelude::*;

/// One valid customer: what is written in the file and what the store
/// must hold for it.
#[derive(Debug, Clone)]
struct Customer {
    /// Cells in [`HEADER`] order, as a person might type them.
    cells: Vec<String>,
    /// The normalized values the store must keep.
    expected: Record,
}

const HEADER: [&str; 8] = [
    "First Name",
    "Last Name",
    "E-mail",
    "Mobile",
    "Company",
    "City",
    "State",
    "Birthday",
];

/// A column and a bad value for it that fails the row. (An unknown state
/// would not: the contacts preset keeps it as written, with a warning.)
const BREAKAGES: [(usize, &str); 3] = [(2, "name at example.com"), (3, "12"), (7, "2020-02-31")];

/// Names with what people type into them: accents, spaces, commas, quotes,
/// apostrophes, hyphens, line breaks, a leading `=` or `-` that the
/// failed-rows file has to neutralize.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][a-z]{0,8}",
        "[A-ZÀ-Ö][a-zà-öø-ÿ]{1,6}( [A-Z][a-z]{1,6})?",
        "[A-Z][a-z]{1,5}[,'\"\n-][a-z]{1,5}",
        "[=+@-][a-z]{1,6}",
        "李[一-龥]{1,2}",
    ]
}

/// A state as people write it, and its ISO code.
fn state() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(vec![
        ("CA", "US-CA"),
        ("California", "US-CA"),
        ("calif.", "US-CA"),
        ("ny", "US-NY"),
        ("New York", "US-NY"),
        ("TX", "US-TX"),
        ("Texas", "US-TX"),
        ("", ""),
    ])
}

/// Customer `i` of a file: unique email and phone, other values drawn.
fn customer(i: usize) -> impl Strategy<Value = Customer> {
    (
        name(),
        name(),
        any::<bool>(),
        0..4usize,
        prop::option::of(name()),
        prop::option::of("[A-Z][a-z]{2,9}"),
        state(),
        prop::option::of((1940i32..2010, 1u32..13, 1u32..29)),
    )
        .prop_map(
            move |(first, last, shout, phone_style, company, city, state, birthday)| {
                let email = format!("customer{i}@example.com");
                let written_email = if shout {
                    email.to_uppercase()
                } else {
                    email.clone()
                };
                let line = 1000 + i;
                let phone = format!("+1650253{line:04}");
                let written_phone = match phone_style {
                    0 => format!("(650) 253-{line:04}"),
                    1 => format!("650.253.{line:04}"),
                    2 => format!("+1 650 253 {line:04}"),
                    _ => format!("1650253{line:04}"),
                };
                let birthday = birthday.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
                let (written_state, state_code) = state;

                let mut expected = Record::new();
                expected.insert("first_name", Value::Text(first.trim().into()));
                expected.insert("last_name", Value::Text(last.trim().into()));
                expected.insert("email", Value::Email(email.into()));
                expected.insert("phone", Value::Phone(phone.into()));
                if let Some(company) = &company {
                    expected.insert("company", Value::Text(company.trim().into()));
                }
                if let Some(city) = &city {
                    expected.insert("city", Value::Text(city.into()));
                }
                if !state_code.is_empty() {
                    expected.insert("state", Value::State(state_code.into()));
                }
                if let Some(date) = birthday {
                    expected.insert("birthday", Value::Date(date));
                }
                let cells = vec![
                    first,
                    last,
                    written_email,
                    written_phone,
                    company.unwrap_or_default(),
                    city.unwrap_or_default(),
                    written_state.to_string(),
                    birthday.map(|d| d.to_string()).unwrap_or_default(),
                ];
                Customer { cells, expected }
            },
        )
}

/// Up to 30 customers, each different.
fn customers() -> impl Strategy<Value = Vec<Customer>> {
    (0..30usize).prop_flat_map(|n| (0..n).map(customer).collect::<Vec<_>>())
}

/// The CSV file of these rows, under [`HEADER`].
fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER).expect("write header");
    for row in rows {
        out.write_record(row).expect("write row");
    }
    out.into_inner().expect("flush to memory")
}

fn importer() -> Importer {
    Importer::new(presets::contacts()).context(Context::new().default_country("US").unwrap())
}

fn import(file: &[u8], store: &mut MemoryStore) -> Report {
    match importer().import(file, store) {
        Ok(report) => report,
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

/// The store's records, without the country the account's default fills
/// in: the generated customers say nothing about it.
fn stored(store: &MemoryStore) -> Vec<Record> {
    common::records(store)
        .into_iter()
        .map(|mut record| {
            record.remove("country");
            record
        })
        .collect()
}

fn expected(customers: &[Customer]) -> Vec<Record> {
    customers.iter().map(|c| c.expected.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn valid_customers_written_to_csv_are_stored_exactly(customers in customers()) {
        let rows: Vec<Vec<String>> = customers.iter().map(|c| c.cells.to_vec()).collect();
        let mut store = MemoryStore::new();
        let report = import(&csv_of(&rows), &mut store);

        prop_assert_eq!(report.failed, 0, "{:?}", report.failures);
        prop_assert_eq!(report.inserted, customers.len() as u64);
        prop_assert_eq!(stored(&store), expected(&customers));
    }

    #[test]
    fn importing_the_same_file_again_leaves_every_row_unchanged(customers in customers()) {
        let rows: Vec<Vec<String>> = customers.iter().map(|c| c.cells.to_vec()).collect();
        let file = csv_of(&rows);
        let mut store = MemoryStore::new();
        import(&file, &mut store);
        let before = stored(&store);

        let again = import(&file, &mut store);

        prop_assert_eq!(again.unchanged, customers.len() as u64);
        prop_assert_eq!((again.inserted, again.updated, again.failed), (0, 0, 0));
        prop_assert_eq!(stored(&store), before);
    }

    #[test]
    fn a_failed_rows_file_once_fixed_imports_cleanly(
        customers in customers(),
        breaks in prop::collection::vec((any::<prop::sample::Index>(), 0..BREAKAGES.len()), 0..8),
    ) {
        // Break one cell in some rows; remember the good value to put back.
        let mut rows: Vec<Vec<String>> = customers.iter().map(|c| c.cells.to_vec()).collect();
        let mut broken = std::collections::BTreeMap::new();
        if !rows.is_empty() {
            for (index, breakage) in breaks {
                let row = index.index(rows.len());
                let (column, bad) = BREAKAGES[breakage];
                if broken.contains_key(&row) {
                    continue;
                }
                let good = std::mem::replace(&mut rows[row][column], bad.to_string());
                broken.insert(row, (column, good));
            }
        }
        let mut store = MemoryStore::new();
        let report = import(&csv_of(&rows), &mut store);
        prop_assert_eq!(report.failed, broken.len() as u64);
        prop_assert_eq!(report.inserted, (customers.len() - broken.len()) as u64);

        // The person opens the failed-rows file, fixes each flagged cell
        // and uploads it again, `errors` column and all.
        let mut failed_rows = Vec::new();
        report.write_failed_rows(&mut failed_rows).expect("write to memory");
        let mut reader = csv::Reader::from_reader(failed_rows.as_slice());
        let header = reader.headers().expect("header").clone();
        let mut fixed = csv::Writer::from_writer(Vec::new());
        fixed.write_record(&header).expect("write header");
        for (record, (_, (column, good))) in reader.records().zip(&broken) {
            let mut cells: Vec<String> =
                record.expect("a row").iter().map(str::to_string).collect();
            cells[*column] = good.clone();
            fixed.write_record(&cells).expect("write row");
        }
        let fixed = fixed.into_inner().expect("flush to memory");
        let second = import(&fixed, &mut store);

        prop_assert_eq!(second.failed, 0, "{:?}", second.failures);
        prop_assert!(
            second.warnings.iter().all(|w| w.code != WarningCode::IgnoredColumn),
            "the errors column is ours, not the person's: {:?}",
            second.warnings
        );
        prop_assert_eq!(second.inserted, broken.len() as u64);
        let mut all = stored(&store);
        let mut want = expected(&customers);
        all.sort_by(|a, b| a.text("email").cmp(&b.text("email")));
        want.sort_by(|a, b| a.text("email").cmp(&b.text("email")));
        prop_assert_eq!(all, want);
    }
}
