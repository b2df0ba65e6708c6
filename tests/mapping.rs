//! Remembered column mappings: the mapping an import used, saved, and
//! applied again to the next file with the same columns.

use intake::{presets, Importer, MemoryStore, Report, SavedMapping};

/// A file whose columns the automatic mapping gets wrong: "Contact" is the
/// email, "Mobile" is no phone (it holds a note).
const FIRST: &str = "Contact,Mobile,First Name\nann@example.com,call after 5,Ann\n";

fn import(importer: Importer, csv: &str) -> Report {
    importer
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .expect("the file is imported")
}

fn fields(report: &Report) -> Vec<(String, Option<String>)> {
    report
        .columns
        .iter()
        .map(|c| (c.column.clone(), c.field.clone()))
        .collect()
}

fn owned(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    pairs
        .iter()
        .map(|(c, f)| (c.to_string(), f.map(str::to_string)))
        .collect()
}

/// The mapping the person confirmed on the first file.
fn confirmed() -> SavedMapping {
    let report = import(
        Importer::new(presets::contacts())
            .map_column("Contact", "email")
            .ignore_column("Mobile"),
        FIRST,
    );
    assert!(!report.mapping_remembered);
    report.mapping()
}

fn codes(report: &Report) -> Vec<&'static str> {
    report.warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn a_saved_mapping_maps_the_same_columns_in_another_order_as_confirmed() {
    let saved = confirmed();
    let next = "First Name,Contact,Mobile\nBob,bob@example.com,weekends\n";
    let report = import(
        Importer::new(presets::contacts()).remembered_mapping(saved),
        next,
    );
    assert!(report.mapping_remembered);
    assert_eq!(
        fields(&report),
        owned(&[
            ("First Name", Some("first_name")),
            ("Contact", Some("email")),
            ("Mobile", None),
        ])
    );
    assert_eq!((report.inserted, report.failed), (1, 0));
    assert!(!codes(&report).contains(&"mapping_not_used"));
}

#[test]
fn the_report_and_its_summary_say_the_mapping_came_from_memory() {
    let report = import(
        Importer::new(presets::contacts()).remembered_mapping(confirmed()),
        FIRST,
    );
    assert!(report.mapping_remembered);
    assert!(
        report
            .summary()
            .contains("The columns were matched as saved from an earlier import"),
        "{}",
        report.summary()
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["mapping_remembered"], true);
    // Without a remembered mapping, the JSON report is as before.
    let plain = import(Importer::new(presets::contacts()), FIRST);
    let json = serde_json::to_value(&plain).unwrap();
    assert!(json.get("mapping_remembered").is_none());
    assert!(!plain.summary().contains("saved"));
}

#[test]
fn a_mapping_for_other_columns_falls_back_to_the_automatic_mapping_with_a_warning() {
    let next = "Email,Phone\ncleo@example.com,+1 415 555 0101\n";
    let report = import(
        Importer::new(presets::contacts()).remembered_mapping(confirmed()),
        next,
    );
    assert!(!report.mapping_remembered);
    assert_eq!(
        fields(&report),
        owned(&[("Email", Some("email")), ("Phone", Some("phone"))])
    );
    assert_eq!(codes(&report), ["mapping_not_used"]);
    assert!(report.warnings[0].message.contains("matched automatically"));
}

#[test]
fn a_mapping_that_names_a_missing_column_falls_back_with_a_warning() {
    // The mapping as an app stored it, with a column this file lacks
    // (edited by hand, or saved by another version of the app).
    let saved = confirmed();
    let mut json = serde_json::to_value(&saved).unwrap();
    json["columns"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"column": "Fax", "field": null}));
    let edited: SavedMapping = serde_json::from_value(json).unwrap();
    assert_eq!(edited.fingerprint(), saved.fingerprint());

    let report = import(
        Importer::new(presets::contacts()).remembered_mapping(edited),
        FIRST,
    );
    assert!(!report.mapping_remembered);
    let warning = &report.warnings[0];
    assert_eq!(warning.code.as_str(), "mapping_not_used");
    assert!(warning.message.contains("'Fax'"), "{}", warning.message);
    // Automatically: "Mobile" is the phone again, and "Contact" nothing.
    assert_eq!(report.columns[0].field, None);
    assert_eq!(report.columns[1].field.as_deref(), Some("phone"));
}

#[test]
fn a_mapping_that_no_longer_suits_the_schema_falls_back_with_a_warning() {
    // Saved for an account's custom field the schema no longer has.
    let schema = presets::contacts()
        .with_fields([intake::Field::text("shoe_size")])
        .unwrap();
    let csv = "Email,Size\nann@example.com,42\n";
    let saved = import(Importer::new(schema).map_column("Size", "shoe_size"), csv).mapping();
    let report = import(
        Importer::new(presets::contacts()).remembered_mapping(saved),
        csv,
    );
    assert!(!report.mapping_remembered);
    assert_eq!(report.warnings[0].code.as_str(), "mapping_not_used");
    assert_eq!(report.inserted, 1);
}

#[test]
fn of_several_saved_mappings_the_one_for_the_files_columns_is_used() {
    let other = import(
        Importer::new(presets::contacts()),
        "Email,Phone\ncleo@example.com,\n",
    )
    .mapping();
    let report = import(
        Importer::new(presets::contacts())
            .remembered_mapping(other.clone())
            .remembered_mapping(confirmed()),
        FIRST,
    );
    assert!(report.mapping_remembered);
    assert_eq!(report.columns[0].field.as_deref(), Some("email"));

    let none_fits = import(
        Importer::new(presets::contacts())
            .remembered_mapping(other)
            .remembered_mapping(confirmed()),
        "Name,E-mail\nDee,dee@example.com\n",
    );
    assert_eq!(none_fits.warnings[0].code.as_str(), "mapping_not_used");
    assert!(none_fits.warnings[0]
        .message
        .starts_with("None of the saved"));
}

#[test]
fn the_apps_own_choices_win_over_a_remembered_mapping() {
    let report = import(
        Importer::new(presets::contacts())
            .remembered_mapping(confirmed())
            .map_column("Mobile", "phone")
            .ignore_column("Contact"),
        "Contact,Mobile,First Name\nann@example.com,+1 415 555 0101,Ann\n",
    );
    assert!(report.mapping_remembered);
    assert_eq!(
        fields(&report),
        owned(&[
            ("Contact", None),
            ("Mobile", Some("phone")),
            ("First Name", Some("first_name")),
        ])
    );
}

#[test]
fn a_saved_mapping_survives_a_serde_round_trip() {
    let saved = confirmed();
    let json = serde_json::to_string(&saved).unwrap();
    let back: SavedMapping = serde_json::from_str(&json).unwrap();
    assert_eq!(back, saved);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["fingerprint"], saved.fingerprint());
    assert_eq!(
        value["columns"],
        serde_json::json!([
            {"column": "Contact", "field": "email"},
            {"column": "Mobile", "field": null},
            {"column": "First Name", "field": "first_name"},
        ])
    );
}

#[test]
fn the_fingerprint_is_stable_and_ignores_order_case_and_punctuation() {
    // A stored value: the fingerprint must not change between runs,
    // platforms or releases, or saved mappings would stop matching. This
    // is FNV-1a (64 bits) of "contact", "firstname", "mobile", each
    // followed by 0xff.
    let header = ["Contact", "Mobile", "First Name"];
    assert_eq!(SavedMapping::fingerprint_of(&header), "73bba538451c6659");
    assert_eq!(
        confirmed().fingerprint(),
        SavedMapping::fingerprint_of(&header)
    );
    assert_eq!(
        SavedMapping::fingerprint_of(&["first_name", "MOBILE", "contact"]),
        SavedMapping::fingerprint_of(&header)
    );
    assert_ne!(
        SavedMapping::fingerprint_of(&["Contact", "Mobile"]),
        SavedMapping::fingerprint_of(&header)
    );
    // A column repeated is another layout.
    assert_ne!(
        SavedMapping::fingerprint_of(&["Contact", "Mobile", "First Name", "Mobile"]),
        SavedMapping::fingerprint_of(&header)
    );
}

#[test]
fn the_fixed_failed_rows_file_finds_the_mapping_of_the_original() {
    let first = "Contact,Mobile,First Name\nann@example.com,x,Ann\nnot-an-email,y,Bob\n";
    let report = import(
        Importer::new(presets::contacts())
            .map_column("Contact", "email")
            .ignore_column("Mobile"),
        first,
    );
    assert_eq!(report.failed, 1);
    let mut failed = Vec::new();
    report.write_failed_rows(&mut failed).unwrap();
    let fixed = String::from_utf8(failed)
        .unwrap()
        .replace("not-an-email", "bob@example.com");

    let again = import(
        Importer::new(presets::contacts()).remembered_mapping(report.mapping()),
        &fixed,
    );
    assert!(again.mapping_remembered);
    assert_eq!((again.inserted, again.failed), (1, 0));
    assert!(
        !codes(&again).contains(&"mapping_not_used"),
        "{:?}",
        again.warnings
    );
    // Saved from the fixed file, the mapping is the original's.
    assert_eq!(again.mapping(), report.mapping());
}
