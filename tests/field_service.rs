//! The field-service preset and the capabilities it brings: templates,
//! choices, dates, passwords, secondary contacts, custom fields, city
//! defaults, the row limit and blank rows.

use intake::geo::MemoryCityDirectory;
use intake::{
    presets, Argon2Hasher, BlankRows, Context, ErrorKind, Field, Importer, MemoryStore,
    PasswordHasher, ProblemCode, Report, Template, Value,
};

const HEADER: &str = "Customer title,first_name*,last_name*,email*,mobile,phone,password,Customer type,Business name,Date joined,street1,street2,city*,state,postal_code,country";

fn cheap_hasher() -> Argon2Hasher {
    Argon2Hasher::with_cost(64, 1, 1).expect("valid cost")
}

fn importer() -> Importer {
    Importer::new(presets::field_service())
        .password_hasher(cheap_hasher())
        .context(
            Context::new()
                .default_country("US")
                .unwrap()
                .company_city("Denver")
                .city_directory(
                    MemoryCityDirectory::new()
                        .city(Some("US"), "CA", "Sacramento")
                        .city(Some("US"), "CA", "Los Angeles"),
                )
                // The app's directory alone; tests/cities.rs covers the
                // embedded one under it.
                .embedded_cities(false),
        )
}

fn row(fields: &[(&str, &str)]) -> String {
    let columns: Vec<&str> = HEADER.split(',').collect();
    columns
        .iter()
        .map(|c| {
            let key = c.trim_end_matches('*');
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn ann(extra: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("first_name", "Ann"),
        ("last_name", "Lee"),
        ("email", "ann@example.com"),
        ("city", "Oakland"),
    ];
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push((k, v));
    }
    row(&fields)
}

fn import(body: &[String], store: &mut MemoryStore) -> Report {
    let csv = format!("{HEADER}\n{}\n", body.join("\n"));
    importer()
        .import(csv.as_bytes(), store)
        .expect("file-level success")
}

fn codes(report: &Report) -> Vec<(u64, String, Option<String>)> {
    report
        .failures
        .iter()
        .flat_map(|f| {
            f.problems
                .iter()
                .map(move |p| (f.row, p.code.as_str().to_string(), p.column.clone()))
        })
        .collect()
}

#[test]
fn template_marks_required_columns_with_a_star() {
    let header = Template::new(&presets::field_service()).header();
    assert_eq!(header.first().map(String::as_str), Some("Customer title"));
    assert!(header.contains(&"first_name*".to_string()));
    assert!(header.contains(&"city*".to_string()));
    assert!(header.contains(&"mobile".to_string()));
    assert!(header.contains(&"email3".to_string()));
}

#[test]
fn template_lists_custom_fields_after_the_schema_fields() {
    let schema = presets::field_service()
        .with_fields([Field::text("gate_code").label("Gate code")])
        .unwrap();
    let header = Template::new(&schema).header();
    assert_eq!(header.last().map(String::as_str), Some("Gate code"));
}

#[test]
fn filled_in_template_imports_as_it_is() {
    let csv = Template::new(&presets::field_service()).to_csv().unwrap();
    let mut store = MemoryStore::new();
    let report = importer().import(csv.as_bytes(), &mut store).unwrap();
    assert_eq!(report.failed, 0, "{:?}", report.failures);
    assert_eq!(report.inserted, 2);
    assert_eq!(store.len(), 2);
}

#[test]
fn title_is_stored_in_its_canonical_spelling() {
    let mut store = MemoryStore::new();
    let report = import(&[ann(&[("Customer title", "DR.")])], &mut store);
    assert_eq!(report.inserted, 1);
    let customer = store.customers().remove(0);
    assert_eq!(customer.record.text("title"), Some("Dr"));
}

#[test]
fn unknown_title_is_not_allowed_with_a_suggestion() {
    let report = import(
        &[ann(&[("Customer title", "Mrss")])],
        &mut MemoryStore::new(),
    );
    let problem = &report.failures[0].problems[0];
    assert_eq!(problem.code, ProblemCode::NotAllowed);
    assert_eq!(problem.column.as_deref(), Some("Customer title"));
    assert_eq!(problem.suggestions, ["Mrs"]);
    assert!(problem.message.contains("Dr, Mr, Mrs, Miss, Ms"));
}

#[test]
fn business_customer_needs_a_business_name() {
    let report = import(
        &[ann(&[("Customer type", "business")])],
        &mut MemoryStore::new(),
    );
    assert_eq!(
        codes(&report),
        [(2, "required".to_string(), Some("Business name".to_string()))]
    );
}

#[test]
fn personal_customer_needs_no_business_name() {
    let report = import(
        &[ann(&[("Customer type", "Personal")])],
        &mut MemoryStore::new(),
    );
    assert_eq!(report.inserted, 1);
}

#[test]
fn date_joined_accepts_only_year_month_day_with_slashes() {
    let mut store = MemoryStore::new();
    let report = import(
        &[
            ann(&[("Date joined", "2018/05/12")]),
            ann(&[("email", "b@example.com"), ("Date joined", "12/05/2018")]),
            ann(&[("email", "c@example.com"), ("Date joined", "2018-05-12")]),
            ann(&[("email", "d@example.com"), ("Date joined", "2018/02/30")]),
        ],
        &mut store,
    );
    assert_eq!(report.inserted, 1);
    let failures = codes(&report);
    assert_eq!(failures.len(), 3);
    assert!(failures.iter().all(|(_, code, _)| code == "invalid_date"));
    assert!(report.failures[0].problems[0]
        .message
        .contains("YYYY/MM/DD"));
    let joined = store
        .customers()
        .remove(0)
        .record
        .get("date_joined")
        .cloned();
    assert_eq!(joined.map(|v| v.to_string()).as_deref(), Some("2018-05-12"));
}

#[test]
fn password_is_stored_as_an_argon2id_hash() {
    let mut store = MemoryStore::new();
    import(&[ann(&[("password", "hunter2 secret")])], &mut store);
    let customer = store.customers().remove(0);
    let Some(Value::PasswordHash(hash)) = customer.record.get("password") else {
        panic!("no password hash stored: {customer:?}");
    };
    assert!(hash.starts_with("$argon2id$"));
    assert!(cheap_hasher().verify("hunter2 secret", hash));
}

#[test]
fn password_never_appears_in_report_failed_rows_or_preview() {
    let secret = "Tr0ub4dor&3-unique";
    let mut store = MemoryStore::new();
    let csv = format!(
        "{HEADER}\n{}\n{}\n",
        ann(&[("password", secret)]),
        ann(&[("email", "bad-email"), ("password", secret)]),
    );
    let report = importer()
        .preview(true)
        .import(csv.as_bytes(), &mut store)
        .unwrap();
    assert_eq!((report.inserted, report.failed), (1, 1));
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains(secret));
    assert!(!format!("{report:?}").contains(secret));
    assert!(!format!("{store:?}").contains(secret));
    let mut failed = Vec::new();
    report.write_failed_rows(&mut failed).unwrap();
    let failed = String::from_utf8(failed).unwrap();
    assert!(!failed.contains(secret));
    assert!(failed.contains("enter it again"));
    let values = &report.changes.as_ref().unwrap()[0].values;
    assert!(!values.contains_key("password"));
}

#[test]
fn secondary_contact_problem_names_the_column_as_written() {
    let csv = "first_name,last_name,email,city,email2,Phone2\nAnn,Lee,ann@example.com,Oakland,not-an-email,12\n";
    let report = importer()
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    let columns: Vec<_> = report.failures[0]
        .problems
        .iter()
        .map(|p| (p.column.clone().unwrap_or_default(), p.code.as_str()))
        .collect();
    assert_eq!(
        columns,
        [
            ("email2".to_string(), "invalid_email"),
            ("Phone2".to_string(), "invalid_phone")
        ]
    );
}

#[test]
fn secondary_contacts_are_stored_with_the_customer() {
    let mut store = MemoryStore::new();
    let csv = "first_name,last_name,email,city,first_name2,email2,mobile3\nAnn,Lee,ann@example.com,Oakland,Bo,BO@example.com,415 555 0199\n";
    importer().import(csv.as_bytes(), &mut store).unwrap();
    let record = store.customers().remove(0).record;
    assert_eq!(record.text("first_name2"), Some("Bo"));
    assert_eq!(record.text("email2"), Some("bo@example.com"));
    assert_eq!(record.text("mobile3"), Some("+14155550199"));
}

#[test]
fn custom_field_is_accepted_by_label_or_id_and_reaches_the_store() {
    let schema = presets::field_service()
        .with_fields([Field::number("loyalty_points").label("Loyalty points")])
        .unwrap();
    for column in ["Loyalty points", "loyalty_points"] {
        let mut store = MemoryStore::new();
        let csv = format!(
            "first_name,last_name,email,city,{column}\nAnn,Lee,ann@example.com,Oakland,120\n"
        );
        let report = Importer::new(schema.clone())
            .import(csv.as_bytes(), &mut store)
            .unwrap();
        assert_eq!(report.inserted, 1, "{column}");
        let record = store.customers().remove(0).record;
        assert_eq!(record.text("loyalty_points"), Some("120"));
    }
}

#[test]
fn custom_number_field_refuses_text() {
    let schema = presets::field_service()
        .with_fields([Field::number("loyalty_points").label("Loyalty points")])
        .unwrap();
    let csv =
        "first_name,last_name,email,city,Loyalty points\nAnn,Lee,ann@example.com,Oakland,lots\n";
    let report = Importer::new(schema)
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    assert_eq!(
        report.failures[0].problems[0].code,
        ProblemCode::InvalidNumber
    );
}

#[test]
fn empty_city_with_a_state_takes_the_states_first_city() {
    let mut store = MemoryStore::new();
    let report = import(&[ann(&[("city", ""), ("state", "CA")])], &mut store);
    assert_eq!(report.cities_filled, 1);
    assert_eq!(store.customers()[0].record.text("city"), Some("Sacramento"));
}

#[test]
fn empty_city_without_a_state_takes_the_company_city() {
    let mut store = MemoryStore::new();
    let report = import(&[ann(&[("city", "")])], &mut store);
    assert_eq!(report.cities_filled, 1);
    assert_eq!(store.customers()[0].record.text("city"), Some("Denver"));
    assert!(report.summary().contains("1 empty city was filled in"));
}

#[test]
fn empty_city_with_a_state_the_directory_lacks_fails_as_required() {
    let report = import(
        &[ann(&[("city", ""), ("state", "Nevada")])],
        &mut MemoryStore::new(),
    );
    assert_eq!(
        codes(&report),
        [(2, "required".to_string(), Some("city*".to_string()))]
    );
    assert!(report.failures[0].problems[0]
        .message
        .contains("no city is known"));
}

#[test]
fn misspelled_state_is_stored_as_its_iso_code() {
    let mut store = MemoryStore::new();
    let report = import(&[ann(&[("state", "Califronia")])], &mut store);
    assert_eq!(report.inserted, 1, "{:?}", report.failures);
    assert_eq!(store.customers()[0].record.text("state"), Some("US-CA"));
}

#[test]
fn unknown_state_fails_the_row() {
    let report = import(&[ann(&[("state", "Atlantis")])], &mut MemoryStore::new());
    assert_eq!(
        codes(&report),
        [(2, "unknown_state".to_string(), Some("state".to_string()))]
    );
}

#[test]
fn missing_required_columns_are_all_named() {
    let err = importer()
        .import(
            "email,mobile\nann@example.com,\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "missing_columns");
    let ErrorKind::MissingColumns(missing) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(missing, &["first_name", "last_name", "city"]);
}

#[test]
fn more_than_2500_rows_are_refused_whole() {
    let rows: Vec<String> = (0..2501)
        .map(|i| ann(&[("email", &format!("c{i}@example.com"))]))
        .collect();
    let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
    let mut store = MemoryStore::new();
    let err = importer().import(csv.as_bytes(), &mut store).unwrap_err();
    assert_eq!(err.code(), "too_many_rows");
    assert!(err.message().contains("2501 rows"));
    assert!(err.message().contains("Split"));
    assert!(store.is_empty());
}

#[test]
fn exactly_2500_rows_are_imported() {
    let rows: Vec<String> = (0..2500)
        .map(|i| ann(&[("email", &format!("c{i}@example.com"))]))
        .collect();
    let mut store = MemoryStore::new();
    let report = import(&rows, &mut store);
    assert_eq!(report.inserted, 2500);
}

#[test]
fn row_limit_is_configurable() {
    let csv = format!(
        "{HEADER}\n{}\n{}\n",
        ann(&[]),
        ann(&[("email", "b@example.com")])
    );
    let err = importer()
        .max_rows(Some(1))
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap_err();
    assert_eq!(err.code(), "too_many_rows");
    let report = importer()
        .max_rows(None)
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    assert_eq!(report.inserted, 2);
}

#[test]
fn blank_row_ends_the_data_with_a_warning() {
    let blank = ",".repeat(HEADER.split(',').count() - 1);
    let mut store = MemoryStore::new();
    let report = import(
        &[
            ann(&[]),
            blank,
            ann(&[("email", "b@example.com")]),
            ann(&[("email", "c@example.com")]),
        ],
        &mut store,
    );
    assert_eq!((report.rows, report.inserted), (1, 1));
    assert_eq!(store.len(), 1);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.contains("blank row"))
        .expect("a warning about the rows after the blank row");
    assert!(warning.message.contains("2 non-empty rows"));
}

#[test]
fn blank_rows_can_be_skipped_instead() {
    let blank = ",".repeat(HEADER.split(',').count() - 1);
    let csv = format!(
        "{HEADER}\n{}\n{blank}\n{}\n",
        ann(&[]),
        ann(&[("email", "b@example.com")])
    );
    let report = importer()
        .blank_rows(BlankRows::Skip)
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    assert_eq!(report.inserted, 2);
}

#[test]
fn existing_customer_fails_as_already_exists() {
    let mut store = MemoryStore::new();
    import(&[ann(&[])], &mut store);
    let report = import(&[ann(&[("first_name", "Annie")])], &mut store);
    assert_eq!(codes(&report), [(2, "already_exists".to_string(), None)]);
    assert_eq!(store.customers()[0].record.text("first_name"), Some("Ann"));
}

#[test]
fn existing_customer_is_found_by_phone_too() {
    let mut store = MemoryStore::new();
    import(&[ann(&[("phone", "(415) 555-0101")])], &mut store);
    let report = import(
        &[ann(&[
            ("email", "other@example.com"),
            ("phone", "+1 415 555 0101"),
        ])],
        &mut store,
    );
    assert_eq!(codes(&report), [(2, "already_exists".to_string(), None)]);
}

#[test]
fn repeat_in_file_fails_naming_the_first_row() {
    let mut store = MemoryStore::new();
    let report = import(&[ann(&[]), ann(&[("first_name", "Annie")])], &mut store);
    assert_eq!(report.inserted, 1);
    assert_eq!(codes(&report), [(3, "duplicate_in_file".to_string(), None)]);
    assert!(report.failures[0].problems[0].message.contains("Row 2"));
    assert_eq!(store.customers()[0].record.text("first_name"), Some("Ann"));
}

#[test]
fn failed_rows_details_list_every_problem_of_every_row() {
    let report = import(
        &[
            ann(&[("email", "nope"), ("Customer title", "Sir")]),
            ann(&[("email", "b@example.com"), ("Date joined", "yesterday")]),
        ],
        &mut MemoryStore::new(),
    );
    assert_eq!(report.failed, 2);
    assert_eq!(report.failures[0].problems.len(), 2);
    let mut out = Vec::new();
    report.write_failed_rows(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(text.lines().next().unwrap().ends_with(",errors"));
}

/// A hasher that always fails, with text that is the app's business.
#[derive(Debug)]
struct BrokenHasher;

impl PasswordHasher for BrokenHasher {
    fn hash(&self, _plain: &str) -> Result<String, String> {
        Err("HSM at 10.0.0.7 refused: token expired".to_string())
    }
    fn verify(&self, _plain: &str, _hash: &str) -> bool {
        false
    }
}

#[test]
fn a_failing_hasher_fails_the_row_without_showing_its_text() {
    let csv =
        "first_name,last_name,email,city,password\nAnn,Lee,ann@example.com,Denver,s3cret pass\n";
    let report = importer()
        .password_hasher(BrokenHasher)
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    let failure = &report.failures[0];
    assert_eq!(failure.problems[0].code, ProblemCode::StoreFailed);
    let message = &failure.problems[0].message;
    assert!(
        message.starts_with("The password could not be saved"),
        "{message}"
    );
    assert!(
        !message.contains("HSM") && !message.contains("10.0.0.7"),
        "{message}"
    );
    let mut file = Vec::new();
    report.write_failed_rows(&mut file).unwrap();
    assert!(!String::from_utf8(file).unwrap().contains("HSM"));
}
