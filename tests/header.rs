//! Header mapping: which column feeds which field.

mod common;

use common::*;
use intake::{
    ColumnOverrides, ErrorKind, Field, Importer, MatchKind, MemoryStore, Schema, WarningCode,
};

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

fn one(header: &str) -> Option<String> {
    contacts_fields(&[header]).remove(0)
}

#[test]
fn header_names_match_ignoring_accents_and_punctuation() {
    assert_eq!(one("Téléphone").as_deref(), Some("phone"));
    assert_eq!(one("E-mail address:").as_deref(), Some("email"));
    assert_eq!(one("Zip/Postal Code").as_deref(), Some("postal_code"));
    assert_eq!(one("Phone #").as_deref(), Some("phone"));
}

#[test]
fn camel_case_headers_match() {
    assert_eq!(
        contacts_fields(&["FirstName", "LastName", "EmailAddress", "PhoneNumber"]),
        [
            Some("first_name".to_string()),
            Some("last_name".to_string()),
            Some("email".to_string()),
            Some("phone".to_string())
        ]
    );
}

#[test]
fn typos_of_field_names_are_read_as_the_field() {
    for (typo, field) in [
        ("Emial", "email"),
        ("Frist Name", "first_name"),
        ("Phnoe", "phone"),
        ("Adress", "street1"),
        ("Compnay", "company"),
        ("Brithday", "birthday"),
        ("Postal Cdoe", "postal_code"),
        ("Emaill", "email"),
    ] {
        assert_eq!(one(typo).as_deref(), Some(field), "{typo}");
    }
}

#[test]
fn a_typo_is_reported_as_a_guess() {
    let schema = intake::presets::contacts();
    let map = schema.map_header(&["Emial"]).unwrap();
    assert_eq!(map.matched_by(0), Some(MatchKind::Similar));
    let note = map.note(0).unwrap();
    assert!(note.contains("'Emial'") && note.contains("Email"), "{note}");
}

#[test]
fn other_words_are_not_typos() {
    // One changed, missing or extra letter makes another word, not a typo.
    for word in [
        "County",
        "Stage",
        "Status",
        "Mother",
        "Emails",
        "Estate",
        "Statue",
        "Contacted",
        "Recorded",
        "Deference",
    ] {
        assert_eq!(one(word), None, "{word}");
    }
}

#[test]
fn short_headers_are_never_guessed() {
    for short in ["Emal", "Ctiy", "Nmae", "Tle"] {
        assert_eq!(one(short), None, "{short}");
    }
}

#[test]
fn a_typo_never_takes_a_field_from_its_exact_column() {
    let schema = intake::presets::contacts();
    let map = schema.map_header(&["Emial", "Email"]).unwrap();
    assert_eq!(map.field_of(0), None);
    assert_eq!(map.matched_by(1), Some(MatchKind::Name));
    assert_eq!(
        map.note(0),
        Some("Column 'Emial' was not imported: column 'Email' already fills Email.")
    );
}

#[test]
fn a_typo_close_to_two_fields_is_not_guessed() {
    let schema = Schema::builder("ledger")
        .field(Field::text("account"))
        .field(Field::text("acount_type"))
        .field(Field::text("amount"))
        .field(Field::text("amuont"))
        .build()
        .unwrap();
    // One swap from "amount", and exactly the name of another field.
    assert_eq!(
        schema.field_for_header("Amuont").map(|f| f.id()),
        Some("amuont")
    );
    // One swap from "amount", one edit from "amuont": could be either.
    assert!(schema.field_for_header("Amoutn").is_none());
}

#[test]
fn numbered_headers_are_never_guessed_as_another_number() {
    for header in [
        "Street 3",
        "Address 3",
        "Address Line 3",
        "Business Street 3",
    ] {
        assert_eq!(one(header), None, "{header}");
    }
}

#[test]
fn the_earlier_alias_wins_and_the_later_is_ignored() {
    // Both are aliases of phone; mobile ranks above home.
    assert_eq!(
        contacts_fields(&["Home Phone", "Mobile Phone"]),
        [None, Some("phone".to_string())]
    );
}

#[test]
fn two_equally_close_typos_are_duplicate_columns() {
    let err = intake::presets::contacts()
        .map_header(&["Emial", "Eamil"])
        .unwrap_err();
    assert_eq!(err.code(), "duplicate_columns");
    assert!(
        err.message().contains("'Emial' and 'Eamil'"),
        "{}",
        err.message()
    );
}

#[test]
fn a_bare_region_column_is_not_the_state() {
    // Sales territory in CRMs, IP location in Mailchimp.
    assert_eq!(one("Region"), None);
    assert_eq!(one("State/Region").as_deref(), Some("state"));
}

#[test]
fn salutation_is_the_field_service_title() {
    let schema = intake::presets::field_service();
    let header = [
        "Salutation",
        "First Name",
        "Last Name",
        "Email",
        "Mailing City",
    ];
    let map = schema.map_header(&header).unwrap();
    let title = schema
        .fields()
        .iter()
        .position(|f| f.id() == "title")
        .unwrap();
    assert_eq!(map.column_of(title), Some(0));
}

#[test]
fn many_long_header_names_map_without_delay() {
    // Hostile headers: the typo rule must stay cheap.
    // The last column, Email, makes it a file the preset accepts.
    let header: Vec<String> = (0..2_000)
        .map(|i| format!("{}{i}", "ab".repeat(2_000)))
        .chain((0..2_000).map(|i| format!("aaaaaaaaaaaaaaaaaaaaaaaaaaaaa{i}")))
        .chain(["Email".to_string()])
        .collect();
    let map = intake::presets::contacts().map_header(&header).unwrap();
    assert!((0..header.len() - 1).all(|col| map.field_of(col).is_none()));
}

// Explicit choices of the app.

#[test]
fn a_mapped_column_feeds_its_field_over_an_exact_match() {
    let mut store = MemoryStore::new();
    let report = contacts()
        .map_column("Cust Email", "email")
        .import(
            "Email,Cust Email\noffice@example.com,ann@example.com\n".as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!(fields(&report), [None, Some("email")]);
    assert!(by_email(&store, "ann@example.com").is_some());
    assert!(by_email(&store, "office@example.com").is_none());
}

#[test]
fn an_ignored_column_feeds_nothing() {
    let (report, store) = {
        let mut store = MemoryStore::new();
        let report = contacts()
            .ignore_column("Phone")
            .import(
                "Email,Phone\nann@example.com,(415) 555-0101\n".as_bytes(),
                &mut store,
            )
            .unwrap();
        (report, store)
    };
    assert_eq!(fields(&report), [Some("email"), None]);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("phone"), None);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::IgnoredColumn && w.message.contains("Phone")));
}

#[test]
fn a_chosen_column_is_named_as_header_names_are() {
    let report = contacts()
        .map_column("cust-email", "email")
        .import(
            "CUST EMAIL,First Name\nann@example.com,Ann\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap();
    assert_eq!(fields(&report), [Some("email"), Some("first_name")]);
}

#[test]
fn a_chosen_column_is_reported_as_chosen() {
    let schema = intake::presets::contacts();
    let overrides = ColumnOverrides::new().map("Misc", "other");
    let map = schema
        .map_header_with(&["Misc", "Email"], &overrides)
        .unwrap();
    assert_eq!(map.matched_by(0), Some(MatchKind::Chosen));
    assert_eq!(map.note(0), None);
}

#[test]
fn mapping_to_an_unknown_field_is_invalid_config() {
    let err = contacts()
        .map_column("Cust Email", "e_mail")
        .import(
            "Cust Email\nann@example.com\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_config");
    assert!(err.message().contains("e_mail"), "{}", err.message());
}

#[test]
fn choosing_a_column_the_file_lacks_is_invalid_config() {
    for importer in [
        contacts().map_column("Cust Email", "email"),
        contacts().ignore_column("Email 2"),
    ] {
        let err = importer
            .import(
                "Email\nann@example.com\n".as_bytes(),
                &mut MemoryStore::new(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "invalid_config");
        assert!(
            err.message().contains("not in the file"),
            "{}",
            err.message()
        );
    }
}

#[test]
fn mapping_two_columns_to_one_field_is_invalid_config() {
    let err = contacts()
        .map_column("A", "email")
        .map_column("B", "email")
        .import(
            "A,B\na@example.com,b@example.com\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_config");
    assert!(err.message().contains("'A' and 'B'"), "{}", err.message());
}

#[test]
fn a_later_choice_about_a_column_replaces_the_earlier() {
    let schema = intake::presets::contacts();
    let overrides = ColumnOverrides::new().map("Misc", "other").ignore("Misc");
    let map = schema
        .map_header_with(&["Misc", "Email"], &overrides)
        .unwrap();
    assert_eq!(map.field_of(0), None);
}

#[test]
fn ignoring_a_required_column_makes_it_missing() {
    let err = Importer::new(two_required())
        .ignore_column("Full name")
        .import(
            "Full name,Account number\nAnn,42\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "missing_columns");
}

#[test]
fn an_address_is_never_mixed_from_two_addresses() {
    // The file's first address has no city column: the city of the
    // shipping address is not its city.
    let schema = intake::presets::contacts();
    let header = [
        "Address Line1",
        "Shipping Address Line1",
        "Shipping Address City",
        "Email",
    ];
    let map = schema.map_header(&header).unwrap();
    assert_eq!(
        map.field_of(0).map(|f| schema.fields()[f].id()),
        Some("street1")
    );
    assert_eq!(map.field_of(1), None);
    assert_eq!(map.field_of(2), None);
    assert_eq!(
        map.note(2),
        Some("Column 'Shipping Address City' was not imported: the file holds several addresses, and the one of column 'Address Line1' is imported.")
    );
}

#[test]
fn a_header_splitting_a_name_into_words_is_another_name() {
    // Thunderbird: the day of a birth date, next to its year and month.
    assert_eq!(
        contacts_fields(&["Birth Year", "Birth Month", "Birth Day"]),
        [None, None, None]
    );
    assert_eq!(one("Birthday").as_deref(), Some("birthday"));
    // Joined or split by a short piece, a name stays the name.
    assert_eq!(one("E Mail").as_deref(), Some("email"));
    assert_eq!(one("EMAILADDRESS").as_deref(), Some("email"));
    assert_eq!(one("Street 1").as_deref(), Some("street1"));
}

#[test]
fn a_column_read_as_a_typo_gets_a_guessed_column_warning() {
    let (report, _) = run_fresh("Emial,First Name\nann@example.com,Ann\n");
    assert_eq!(fields(&report), vec![Some("email"), Some("first_name")]);
    let guessed: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.code == WarningCode::GuessedColumn)
        .collect();
    assert_eq!(guessed.len(), 1, "{:?}", report.warnings);
    assert!(
        guessed[0].message.contains("Emial"),
        "{}",
        guessed[0].message
    );
}

// A header that means nothing: refused whole, not a file of failed rows.

/// The contacts preset's name, email and phone columns (one of which each
/// row needs), as its template writes them.
const CONTACTS_IDENTIFIERS: [&str; 4] = ["First name", "Last name", "Email", "Phone"];

/// The columns a `missing_columns` error names.
fn missing_columns(err: &intake::Error) -> &[String] {
    assert_eq!(err.code(), "missing_columns", "{}", err.message());
    match err.kind() {
        ErrorKind::MissingColumns(columns) => columns,
        other => panic!("expected MissingColumns, got {other:?}"),
    }
}

#[test]
fn the_contacts_identifier_columns_are_named_as_the_template_writes_them() {
    let template = intake::Template::new(&intake::presets::contacts()).header();
    for label in CONTACTS_IDENTIFIERS {
        assert!(template.iter().any(|c| c == label), "{label}: {template:?}");
    }
}

#[test]
fn header_where_no_column_maps_is_missing_columns_naming_the_expected_columns() {
    let mut store = MemoryStore::new();
    let err = contacts()
        .import(
            "Favourite colour,Shoe size\nred,7\nblue,9\n".as_bytes(),
            &mut store,
        )
        .unwrap_err();
    assert_eq!(missing_columns(&err), CONTACTS_IDENTIFIERS);
    let message = err.message();
    assert!(
        message.starts_with("None of the file's columns is one we know"),
        "{message}"
    );
    assert!(
        message.contains("at least one of First name, Last name, Email, Phone"),
        "{message}"
    );
    assert!(
        message.contains("Check that the first row is the header"),
        "{message}"
    );
    assert!(store.is_empty());
}

#[test]
fn title_row_above_the_header_is_missing_columns() {
    // The first row is a title, so the real header reads as a data row.
    let err = contacts()
        .import(
            "Customer list 2024\nFirst Name,Email\nAnn,ann@example.com\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(missing_columns(&err), CONTACTS_IDENTIFIERS);
    assert!(err.message().contains("first row is the header"));
}

#[test]
fn header_where_no_column_maps_names_every_field_when_no_rule_says_which() {
    let schema = Schema::builder("notes")
        .field(Field::text("title").label("Title"))
        .field(Field::text("body").label("Body"))
        .build()
        .unwrap();
    let err = Importer::new(schema)
        .import("Foo,Bar\nx,y\n".as_bytes(), &mut MemoryStore::new())
        .unwrap_err();
    assert_eq!(missing_columns(&err), ["Title", "Body"]);
    assert!(
        err.message().contains("at least one of Title, Body"),
        "{}",
        err.message()
    );
}

#[test]
fn contacts_file_of_only_company_and_city_is_missing_columns_naming_the_identifiers() {
    let mut store = MemoryStore::new();
    let err = contacts()
        .import(
            "company,city\nAcme,Springfield\nInitech,Austin\n".as_bytes(),
            &mut store,
        )
        .unwrap_err();
    assert_eq!(missing_columns(&err), CONTACTS_IDENTIFIERS);
    let message = err.message();
    assert!(
        message.starts_with("The file has none of the columns First name, Last name, Email, Phone"),
        "{message}"
    );
    assert!(
        message.contains("each row needs at least one of them"),
        "{message}"
    );
    assert!(store.is_empty());
}

#[test]
fn every_import_path_refuses_a_header_without_identifier_columns() {
    let schema = intake::presets::contacts();
    let header = ["company", "city"];
    assert_eq!(
        missing_columns(&schema.map_header(&header).unwrap_err()),
        CONTACTS_IDENTIFIERS
    );
    let err = schema
        .map_header_with(&header, &ColumnOverrides::new().map("city", "city"))
        .unwrap_err();
    assert_eq!(missing_columns(&err), CONTACTS_IDENTIFIERS);
    let err = contacts()
        .import_rows(
            header.iter().map(|h| h.to_string()).collect(),
            vec![vec!["Acme".to_string(), "Austin".to_string()]],
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(missing_columns(&err), CONTACTS_IDENTIFIERS);
    // No header at all, from an app's own source: nothing maps either.
    let err = contacts()
        .import_rows(
            Vec::new(),
            Vec::<Vec<String>>::new(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(missing_columns(&err), CONTACTS_IDENTIFIERS);
}

#[test]
fn contacts_file_of_only_a_phone_column_imports() {
    let (report, store) = run_fresh("Phone\n(415) 555-0101\n");
    assert_eq!((report.inserted, report.failed), (1, 0), "{report:?}");
    assert!(by_phone(&store, "+14155550101").is_some());
}

#[test]
fn ignoring_the_only_identifier_column_is_missing_columns() {
    let err = contacts()
        .ignore_column("Email")
        .import(
            "Email,Company\nann@example.com,Acme\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(missing_columns(&err), CONTACTS_IDENTIFIERS);
}

#[test]
fn a_column_mapped_by_hand_to_an_identifier_makes_the_file_importable() {
    let mut store = MemoryStore::new();
    let report = contacts()
        .map_column("Cust Mail", "email")
        .import(
            "Cust Mail,Company\nann@example.com,Acme\n".as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!(report.inserted, 1);
    assert!(by_email(&store, "ann@example.com").is_some());
}

#[test]
fn field_service_without_its_required_columns_still_names_the_required_ones() {
    // The required columns are checked first, as before: the message names
    // them, not "at least one of".
    let err = Importer::new(intake::presets::field_service())
        .import(
            "company,notes\nAcme,x\n".as_bytes(),
            &mut MemoryStore::new(),
        )
        .unwrap_err();
    assert_eq!(
        missing_columns(&err),
        ["first_name", "last_name", "email", "city"]
    );
    assert!(
        err.message()
            .starts_with("The file has no required columns: first_name, last_name, email, city."),
        "{}",
        err.message()
    );
}

#[test]
fn field_service_with_its_required_columns_imports() {
    let mut store = MemoryStore::new();
    let report = Importer::new(intake::presets::field_service())
        .context(intake::Context::new().default_country("US").unwrap())
        .import(
            "first_name,last_name,email,city\nAl,Li,al@example.com,Austin\n".as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!((report.inserted, report.failed), (1, 0), "{report:?}");
}

#[test]
fn empty_file_without_a_header_is_still_empty_file() {
    for upload in ["", "\n\n", "\u{feff}"] {
        let err = contacts()
            .import(upload.as_bytes(), &mut MemoryStore::new())
            .unwrap_err();
        assert_eq!(err.code(), "empty_file", "{upload:?}");
    }
}
