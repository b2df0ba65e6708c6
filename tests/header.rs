//! Header mapping: which column feeds which field.

mod common;

use common::*;
use intake::{ErrorKind, Field, Importer, MemoryStore, Schema, WarningCode};

fn fields(report: &intake::Report) -> Vec<Option<&str>> {
    report.columns.iter().map(|c| c.field.as_deref()).collect()
}

#[test]
fn columns_in_any_order_feed_their_fields() {
    let (report, store) =
        run_fresh("phone,last_name,email,first_name\n(415) 555-0101,Lee,ann@example.com,Ann\n");
    assert_eq!(
        fields(&report),
        [
            Some("phone"),
            Some("last_name"),
            Some("email"),
            Some("first_name")
        ]
    );
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("first_name"), Some("Ann"));
    assert_eq!(ann.record.text("last_name"), Some("Lee"));
    assert_eq!(ann.record.text("phone"), Some("+14155550101"));
}

#[test]
fn header_names_match_ignoring_case() {
    let (report, _) = run_fresh("EMAIL,fIRST nAME,Phone\nann@example.com,Ann,\n");
    assert_eq!(
        fields(&report),
        [Some("email"), Some("first_name"), Some("phone")]
    );
    assert!(report.warnings.is_empty());
}

#[test]
fn header_names_match_after_trimming() {
    let (report, _) = run_fresh("  Email ,\tFirst Name\nann@example.com,Ann\n");
    assert_eq!(fields(&report), [Some("email"), Some("first_name")]);
}

#[test]
fn trailing_star_required_marker_is_ignored() {
    let (report, _) = run_fresh("Email*,First Name *,last_name*\nann@example.com,Ann,Lee\n");
    assert_eq!(
        fields(&report),
        [Some("email"), Some("first_name"), Some("last_name")]
    );
    assert_eq!(report.columns[0].column, "Email*", "column as written");
}

#[test]
fn spaces_underscores_and_hyphens_are_equivalent() {
    for name in [
        "First Name",
        "first_name",
        "first-name",
        "First - Name",
        "first__name",
    ] {
        let (report, _) = run_fresh(&format!("{name},email\nAnn,ann@example.com\n"));
        assert_eq!(
            report.columns[0].field.as_deref(),
            Some("first_name"),
            "header {name:?}"
        );
    }
}

#[test]
fn synonyms_people_write_are_understood() {
    let (report, store) = run_fresh(
        "Given Name,Surname,E-mail Address,Telephone,Zip,DOB\nAnn,Lee,ann@example.com,(415) 555-0101,94110,1986-10-25\n",
    );
    assert_eq!(
        fields(&report),
        [
            Some("first_name"),
            Some("last_name"),
            Some("email"),
            Some("phone"),
            Some("postal_code"),
            Some("birthday")
        ]
    );
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("last_name"), Some("Lee"));
    assert_eq!(ann.record.text("postal_code"), Some("94110"));
}

#[test]
fn unknown_column_is_ignored_with_an_ignored_column_warning() {
    let (report, store) = run_fresh("First Name,Middle Name,Email\nAnn,Beth,ann@example.com\n");
    assert_eq!(report.inserted, 1);
    assert_eq!(report.columns[1].column, "Middle Name");
    assert_eq!(report.columns[1].field, None);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].code, WarningCode::IgnoredColumn);
    assert!(report.warnings[0].message.contains("Middle Name"));
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert!(ann.record.iter().all(|(_, v)| v.to_string() != "Beth"));
}

#[test]
fn every_unknown_column_gets_its_own_warning() {
    let (report, _) = run_fresh("Email,Favourite colour,,Shoe size\nann@example.com,red,x,7\n");
    assert_eq!(fields(&report), [Some("email"), None, None, None]);
    let ignored = report
        .warnings
        .iter()
        .filter(|w| w.code == WarningCode::IgnoredColumn)
        .count();
    assert_eq!(ignored, 3);
}

#[test]
fn report_lists_every_column_as_written_in_file_order() {
    let (report, _) = run_fresh("E-mail Address,Notes,Middle Name\nann@example.com,hi,B\n");
    let columns: Vec<(&str, Option<&str>)> = report
        .columns
        .iter()
        .map(|c| (c.column.as_str(), c.field.as_deref()))
        .collect();
    assert_eq!(
        columns,
        [
            ("E-mail Address", Some("email")),
            ("Notes", Some("other")),
            ("Middle Name", None)
        ]
    );
}

fn two_required() -> Schema {
    Schema::builder("accounts")
        .field(Field::text("name").label("Full name").required())
        .field(Field::text("account").label("Account number").required())
        .field(Field::email("email").identifier())
        .build()
        .unwrap()
}

#[test]
fn missing_required_columns_error_names_every_missing_one() {
    let mut store = MemoryStore::new();
    let err = Importer::new(two_required())
        .import("email,notes\nann@example.com,x\n".as_bytes(), &mut store)
        .unwrap_err();
    assert_eq!(err.code(), "missing_columns");
    match err.kind() {
        ErrorKind::MissingColumns(missing) => {
            assert_eq!(missing.len(), 2, "{missing:?}");
            assert!(missing
                .iter()
                .any(|m| m.contains("Full name") || m == "name"));
            assert!(missing
                .iter()
                .any(|m| m.contains("Account number") || m == "account"));
        }
        other => panic!("expected MissingColumns, got {other:?}"),
    }
    assert!(err.message().contains("Full name"), "{}", err.message());
    assert!(
        err.message().contains("Account number"),
        "{}",
        err.message()
    );
    assert!(store.is_empty());
}

#[test]
fn one_missing_required_column_is_named() {
    let err = Importer::new(two_required())
        .import(
            "Full Name*,email\nAnn,ann@example.com\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "missing_columns");
    assert!(matches!(err.kind(), ErrorKind::MissingColumns(m) if m.len() == 1));
    assert!(err.message().contains("Account number"));
    assert!(!err.message().contains("Full name"));
}

#[test]
fn required_columns_present_in_any_spelling_import() {
    let mut store = MemoryStore::new();
    let report = Importer::new(two_required())
        .import(
            "ACCOUNT-NUMBER*,full_name,email\n42,Ann,ann@example.com\n".as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!(report.inserted, 1);
    assert_eq!(
        by_email(&store, "ann@example.com")
            .unwrap()
            .record
            .text("account"),
        Some("42")
    );
}

#[test]
fn exact_name_beats_an_alias_and_the_alias_column_is_ignored() {
    // Ranked, not refused: "Email" is the field's own name, "E-mail
    // Address" only an alias of it.
    let (report, store) =
        run_fresh("Email,First Name,E-mail Address\nann@example.com,Ann,ann@example.org\n");
    assert_eq!(fields(&report), [Some("email"), Some("first_name"), None]);
    assert!(by_email(&store, "ann@example.com").is_some());
    assert!(by_email(&store, "ann@example.org").is_none());
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::IgnoredColumn)
        .unwrap();
    assert!(
        warning.message.contains("E-mail Address"),
        "{}",
        warning.message
    );
}

#[test]
fn id_and_label_of_one_field_are_duplicate_columns() {
    let mut store = MemoryStore::new();
    let err = Importer::new(intake::presets::field_service())
        .import(
            "title,Customer title,first_name,last_name,email,city\nMr,Dr,Al,Li,al@example.com,Austin\n"
                .as_bytes(),
            &mut store,
        )
        .unwrap_err();
    assert_eq!(err.code(), "duplicate_columns");
    assert!(
        err.message().contains("'title' and 'Customer title'"),
        "{}",
        err.message()
    );
    assert!(store.is_empty());
}

#[test]
fn same_column_name_twice_is_duplicate_columns() {
    let err = contacts()
        .import(
            "email,Email\na@example.com,b@example.com\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "duplicate_columns");
    assert!(matches!(err.kind(), ErrorKind::DuplicateColumns(d) if d.len() == 1));
}

#[test]
fn unknown_columns_with_the_same_name_are_not_duplicates() {
    let (report, _) = run_fresh("email,Misc,Misc\nann@example.com,a,b\n");
    assert_eq!(report.inserted, 1);
    assert_eq!(fields(&report), [Some("email"), None, None]);
}

#[test]
fn schema_maps_header_names_the_same_way_as_the_importer() {
    let schema = intake::presets::contacts();
    for (name, id) in [
        ("E-mail Address", "email"),
        ("Surname", "last_name"),
        ("Zip", "postal_code"),
        ("FIRST_NAME*", "first_name"),
        ("Postal-Code", "postal_code"),
    ] {
        assert_eq!(
            schema.field_for_header(name).map(|f| f.id()),
            Some(id),
            "{name}"
        );
    }
    assert!(schema.field_for_header("Middle Name").is_none());
}
