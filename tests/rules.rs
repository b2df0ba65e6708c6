//! Row rules: required, at least one identifier, required if; every
//! problem of a row reported at once.

mod common;

use common::*;
use intake::{Choices, Field, Importer, MemoryStore, ProblemCode, Report, Rule, Schema};

fn import_with(schema: Schema, csv: &str) -> (Report, MemoryStore) {
    let mut store = MemoryStore::new();
    let report = Importer::new(schema)
        .import(csv.as_bytes(), &mut store)
        .unwrap();
    (report, store)
}

#[test]
fn contacts_row_without_name_email_or_phone_fails_no_identifier() {
    let (report, store) = run_fresh("First Name,Email,Phone,Company\n,,,Acme\n");
    assert_eq!(report.failed, 1);
    let f = failure_of(&report, 2);
    assert_eq!(codes(f), ["no_identifier"]);
    assert_eq!(f.problems[0].column, None, "a problem of the whole row");
    assert!(store.is_empty());
}

#[test]
fn contacts_row_with_any_one_identifier_is_imported() {
    let (report, store) = run_fresh(
        "first_name,last_name,email,phone,company\nAnn,,,,A\n,Lee,,,B\n,,cy@example.com,,C\n,,,415 555 0101,D\n",
    );
    assert_eq!(
        (report.inserted, report.failed),
        (4, 0),
        "{:?}",
        report.failures
    );
    assert_eq!(store.len(), 4);
}

#[test]
fn contacts_file_without_identifier_columns_is_refused_missing_columns() {
    // Every row would fail no_identifier: the file is refused whole
    // (tests/header.rs has the details).
    let mut store = MemoryStore::new();
    let err = contacts()
        .import(
            "Company,City\nAcme,Springfield\nInitech,Austin\n".as_bytes(),
            &mut store,
        )
        .unwrap_err();
    assert_eq!(err.code(), "missing_columns");
    assert!(store.is_empty());
}

fn required_name() -> Schema {
    Schema::builder("people")
        .field(Field::text("name").label("Full name").required())
        .field(Field::email("email").identifier())
        .build()
        .unwrap()
}

#[test]
fn empty_required_cell_fails_required_in_its_column() {
    let (report, store) = import_with(
        required_name(),
        "Full Name,email\n,ann@example.com\nBob,bob@example.com\n",
    );
    assert_eq!((report.inserted, report.failed), (1, 1));
    let p = &failure_of(&report, 2).problems[0];
    assert_eq!(p.code, ProblemCode::Required);
    assert_eq!(p.column.as_deref(), Some("Full Name"));
    assert_eq!(store.len(), 1);
}

#[test]
fn whitespace_only_required_cell_fails_required() {
    let (report, _) = import_with(
        required_name(),
        "Full Name,email\n\"   \",ann@example.com\n",
    );
    assert_eq!(codes(failure_of(&report, 2)), ["required"]);
}

#[test]
fn missing_trailing_required_cell_fails_required() {
    let (report, _) = import_with(required_name(), "email,Full Name\nann@example.com\n");
    assert_eq!(codes(failure_of(&report, 2)), ["required"]);
}

fn address() -> Schema {
    Schema::builder("addresses")
        .field(Field::email("email").identifier())
        .field(Field::text("street"))
        .field(Field::text("city").label("City"))
        .rule(Rule::required_if("city", "street"))
        .build()
        .unwrap()
}

#[test]
fn required_if_fails_when_the_other_field_has_a_value() {
    let (report, _) = import_with(address(), "email,street,City\nann@example.com,1 Main St,\n");
    let f = failure_of(&report, 2);
    assert_eq!(codes(f), ["required"]);
    assert_eq!(f.problems[0].column.as_deref(), Some("City"));
}

#[test]
fn required_if_is_satisfied_when_the_other_field_is_empty_or_both_are_filled() {
    let (report, _) = import_with(
        address(),
        "email,street,city\nann@example.com,,\nbob@example.com,1 Main St,Springfield\n",
    );
    assert_eq!(
        (report.inserted, report.failed),
        (2, 0),
        "{:?}",
        report.failures
    );
}

#[test]
fn required_if_applies_when_the_required_column_is_absent() {
    let (report, _) = import_with(address(), "email,street\nann@example.com,1 Main St\n");
    assert_eq!(codes(failure_of(&report, 2)), ["required"]);
}

fn accounts() -> Schema {
    Schema::builder("accounts")
        .field(Field::email("email").identifier())
        .field(
            Field::choice(
                "customer_type",
                Choices::new(["Personal", "Business"]).alias("Company", "Business"),
            )
            .label("Customer type"),
        )
        .field(Field::text("business_name").label("Business name"))
        .rule(Rule::required_if_equals(
            "business_name",
            "customer_type",
            "Business",
        ))
        .build()
        .unwrap()
}

#[test]
fn required_if_equals_fails_when_the_other_field_has_that_value() {
    let (report, _) = import_with(
        accounts(),
        "email,Customer Type,Business Name\nann@example.com,Business,\n",
    );
    let f = failure_of(&report, 2);
    assert_eq!(codes(f), ["required"]);
    assert_eq!(f.problems[0].column.as_deref(), Some("Business Name"));
}

#[test]
fn required_if_equals_compares_the_normalized_value() {
    let (report, _) = import_with(
        accounts(),
        "email,customer_type,business_name\nann@example.com,business.,\nbob@example.com,company,\n",
    );
    assert_eq!(report.failed, 2);
    assert!(report.failures.iter().all(|f| codes(f) == ["required"]));
}

#[test]
fn required_if_equals_ignores_other_values() {
    let (report, _) = import_with(
        accounts(),
        "email,customer_type,business_name\nann@example.com,Personal,\nbob@example.com,,\ncy@example.com,Business,Acme\n",
    );
    assert_eq!(
        (report.inserted, report.failed),
        (3, 0),
        "{:?}",
        report.failures
    );
}

#[test]
fn row_reports_all_its_problems_at_once() {
    let long = "x".repeat(101);
    let (report, _) = run_fresh(&format!(
        "First Name,Email,Phone,Birthday,Company\n{long},ann@example,12,25/10/1986,Acme,extra\n"
    ));
    let f = failure_of(&report, 2);
    let codes = codes(f);
    for code in [
        "too_long",
        "invalid_email",
        "invalid_phone",
        "invalid_date",
        "extra_cells",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    assert_eq!(codes.len(), 5, "{codes:?}");
    let columns: Vec<Option<&str>> = f.problems.iter().map(|p| p.column.as_deref()).collect();
    assert_eq!(
        &columns[..4],
        [
            Some("First Name"),
            Some("Email"),
            Some("Phone"),
            Some("Birthday")
        ],
        "cell problems in column order"
    );
}

#[test]
fn row_reports_cell_problems_and_rule_problems_together() {
    let (report, _) = import_with(
        accounts(),
        "email,customer_type,business_name\nnot-an-email,Business,\n",
    );
    let mut codes = codes(failure_of(&report, 2));
    codes.sort();
    assert_eq!(codes, ["invalid_email", "required"]);
}

#[test]
fn rule_naming_an_unknown_field_is_invalid_config() {
    let err = Schema::builder("broken")
        .field(Field::text("city"))
        .rule(Rule::required_if("city", "street"))
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "invalid_config");
}
