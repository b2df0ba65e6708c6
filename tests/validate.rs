//! Cell validators: each kind of value, alone and through an import.

mod common;

use common::*;
use intake::{
    validate, Choices, Context, DateFormat, Field, Importer, MemoryStore, ProblemCode, Schema,
    Value,
};

// ---- text ----

#[test]
fn text_is_trimmed() {
    assert_eq!(validate::text("  Ann Lee \t", 100).unwrap(), "Ann Lee");
    let (_, store) = run_fresh("email,first_name\nann@example.com,\"   Ann  \"\n");
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("first_name"), Some("Ann"));
}

#[test]
fn text_longer_than_its_limit_is_too_long() {
    let err = validate::text("Annabelle", 5).unwrap_err();
    assert_eq!(err.code, ProblemCode::TooLong);
    assert!(err.message.contains('5'), "{}", err.message);
}

#[test]
fn text_limit_counts_characters_not_bytes() {
    assert_eq!(validate::text("ÉÉÉÉÉ", 5).unwrap(), "ÉÉÉÉÉ");
    assert!(validate::text("ÉÉÉÉÉÉ", 5).is_err());
}

#[test]
fn text_limit_applies_after_trimming() {
    assert_eq!(validate::text("  Ann  ", 3).unwrap(), "Ann");
}

#[test]
fn too_long_cell_fails_its_row_in_its_column() {
    let long = "x".repeat(101);
    let (report, store) = run_fresh(&format!("Email,First Name\nann@example.com,{long}\n"));
    assert_eq!(report.failed, 1);
    let p = &failure_of(&report, 2).problems[0];
    assert_eq!(p.code.as_str(), "too_long");
    assert_eq!(p.column.as_deref(), Some("First Name"));
    assert!(store.is_empty());
}

// ---- email ----

#[test]
fn email_without_top_level_domain_is_invalid() {
    let err = validate::email("ann@example").unwrap_err();
    assert_eq!(err.code, ProblemCode::InvalidEmail);
    assert!(err.message.contains("ann@example"), "{}", err.message);
}

#[test]
fn email_with_display_name_is_invalid() {
    assert_eq!(
        validate::email("Ann Lee <ann@example.com>")
            .unwrap_err()
            .code,
        ProblemCode::InvalidEmail
    );
}

#[test]
fn email_with_ip_literal_domain_is_invalid() {
    assert_eq!(
        validate::email("ann@[192.168.0.1]").unwrap_err().code,
        ProblemCode::InvalidEmail
    );
}

#[test]
fn email_without_at_sign_is_invalid() {
    assert_eq!(
        validate::email("ann.example.com").unwrap_err().code,
        ProblemCode::InvalidEmail
    );
}

#[test]
fn email_is_trimmed_and_lower_cased() {
    assert_eq!(
        validate::email("  Ann.Lee@Example.COM ").unwrap(),
        "ann.lee@example.com"
    );
}

#[test]
fn email_is_nfc_normalized() {
    // "e" + combining acute accent becomes the single character "é".
    let decomposed = "Jose\u{301}@example.com";
    assert_eq!(
        validate::email(decomposed).unwrap(),
        "jos\u{e9}@example.com"
    );
    assert_eq!(
        validate::email(decomposed).unwrap(),
        validate::email("JOS\u{c9}@example.com").unwrap()
    );
}

#[test]
fn email_is_stored_normalized() {
    let (report, store) = run_fresh("Email\n\" ANN@Example.Com \"\n");
    assert_eq!(report.inserted, 1);
    let all = records(&store);
    assert_eq!(
        all[0].get("email"),
        Some(&Value::Email("ann@example.com".into()))
    );
}

#[test]
fn invalid_email_names_the_column_as_written() {
    let (report, _) = run_fresh("E-mail Address\nann@localhost\n");
    let p = &failure_of(&report, 2).problems[0];
    assert_eq!(p.code, ProblemCode::InvalidEmail);
    assert_eq!(p.column.as_deref(), Some("E-mail Address"));
    assert!(!p.message.is_empty());
}

// ---- phone ----

#[test]
fn national_phone_uses_the_default_region() {
    assert_eq!(
        validate::phone("(415) 555-0101", Some("US")).unwrap(),
        "+14155550101"
    );
    assert_eq!(
        validate::phone("020 7946 0958", Some("GB")).unwrap(),
        "+442079460958"
    );
}

#[test]
fn phone_of_a_region_that_shares_its_country_code_is_valid() {
    // Canada shares +1 with the US; Jersey, Guernsey and the Isle of Man
    // share +44 with the UK.
    for (written, e164) in [
        ("+1 604 681 2020", "+16046812020"),
        ("+44 7797 712345", "+447797712345"),
        ("+44 1481 712345", "+441481712345"),
        ("+44 1624 612345", "+441624612345"),
    ] {
        assert_eq!(validate::phone(written, None).unwrap(), e164);
    }
}

proptest::proptest! {
    #[test]
    fn phone_accepts_exactly_what_libphonenumber_finds_valid(
        code in proptest::sample::select(vec![1u32, 7, 33, 44, 47, 61, 262, 358, 590, 599, 800]),
        digits in "[0-9]{6,12}",
    ) {
        use rlibphonenumber::PHONE_NUMBER_UTIL;
        let written = format!("+{code} {digits}");
        let library = PHONE_NUMBER_UTIL
            .parse(&written, None)
            .is_ok_and(|n| PHONE_NUMBER_UTIL.is_valid_number(&n));
        proptest::prop_assert_eq!(validate::phone(&written, None).is_ok(), library, "{}", written);
    }
}

#[test]
fn international_phone_needs_no_region() {
    assert_eq!(
        validate::phone("+1 415 555 0101", None).unwrap(),
        "+14155550101"
    );
    assert_eq!(
        validate::phone("+44 20 7946 0958", Some("US")).unwrap(),
        "+442079460958"
    );
}

#[test]
fn import_context_default_country_reads_national_numbers() {
    let mut store = MemoryStore::new();
    let report = Importer::new(intake::presets::contacts())
        .context(Context::new().default_country("GB").unwrap())
        .import("phone\n020 7946 0958\n".as_bytes(), &mut store)
        .unwrap();
    assert_eq!(report.inserted, 1);
    assert!(by_phone(&store, "+442079460958").is_some());
}

#[test]
fn national_phone_without_default_region_is_invalid_and_asks_for_country_code() {
    let err = validate::phone("(415) 555-0101", None).unwrap_err();
    assert_eq!(err.code, ProblemCode::InvalidPhone);
    assert!(err.message.contains("country code"), "{}", err.message);

    let mut store = MemoryStore::new();
    let report = Importer::new(intake::presets::contacts())
        .import("Phone\n(415) 555-0101\n".as_bytes(), &mut store)
        .unwrap();
    let p = &failure_of(&report, 2).problems[0];
    assert_eq!(p.code.as_str(), "invalid_phone");
    assert_eq!(p.column.as_deref(), Some("Phone"));
}

#[test]
fn invalid_phone_message_quotes_the_value_and_says_what_is_wrong() {
    for bad in ["12", "555-010", "call me", "+1 415 555 0101 0101 99"] {
        let err = validate::phone(bad, Some("US")).unwrap_err();
        assert_eq!(err.code, ProblemCode::InvalidPhone, "{bad}");
        assert!(err.message.contains(bad.trim()), "{bad}: {}", err.message);
        assert!(err.message.len() > bad.len() + 10, "{bad}: {}", err.message);
    }
}

#[test]
fn unknown_default_country_is_refused_when_set() {
    for code in ["ZZ", "UK", "USA", ""] {
        let err = Context::new().default_country(code).unwrap_err();
        assert_eq!(err.code(), "invalid_config", "{code}");
    }
}

// ---- date ----

fn iso() -> Vec<DateFormat> {
    vec![DateFormat::iso()]
}

#[test]
fn iso_date_is_accepted() {
    let d = validate::date("1986-10-25", &iso()).unwrap();
    assert_eq!(d.to_string(), "1986-10-25");
}

#[test]
fn impossible_date_is_invalid_date() {
    let err = validate::date("1986-02-30", &iso()).unwrap_err();
    assert_eq!(err.code, ProblemCode::InvalidDate);
    assert!(validate::date("1987-02-29", &iso()).is_err());
    assert!(validate::date("1988-02-29", &iso()).is_ok());
    assert!(validate::date("1986-13-01", &iso()).is_err());
}

#[test]
fn day_first_date_fails_and_the_message_names_the_format() {
    let err = validate::date("25/10/1986", &iso()).unwrap_err();
    assert_eq!(err.code, ProblemCode::InvalidDate);
    assert!(err.message.contains("YYYY-MM-DD"), "{}", err.message);
    assert!(err.message.contains("25/10/1986"), "{}", err.message);
}

#[test]
fn month_first_date_is_never_guessed() {
    assert!(validate::date("10/25/1986", &iso()).is_err());
    assert!(validate::date("05/06/1986", &iso()).is_err());
}

#[test]
fn date_in_a_custom_format() {
    let formats = vec![DateFormat::new("YYYY/MM/DD").unwrap()];
    assert_eq!(
        validate::date("2018/05/12", &formats).unwrap().to_string(),
        "2018-05-12"
    );
    let err = validate::date("2018-05-12", &formats).unwrap_err();
    assert!(err.message.contains("YYYY/MM/DD"), "{}", err.message);
}

#[test]
fn date_formats_are_tried_in_order() {
    let formats = vec![DateFormat::iso(), DateFormat::new("YYYY/MM/DD").unwrap()];
    assert!(validate::date("2018-05-12", &formats).is_ok());
    assert!(validate::date("2018/05/12", &formats).is_ok());
    assert!(validate::date("12/05/2018", &formats).is_err());
}

#[test]
fn invalid_birthday_fails_in_its_column_and_valid_one_is_stored_as_a_date() {
    let (report, store) =
        run_fresh("Email,Birthday\nann@example.com,1986-10-25\nbob@example.com,1986-02-30\n");
    assert_eq!((report.inserted, report.failed), (1, 1));
    let p = &failure_of(&report, 3).problems[0];
    assert_eq!(p.code.as_str(), "invalid_date");
    assert_eq!(p.column.as_deref(), Some("Birthday"));
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(
        ann.record
            .get("birthday")
            .and_then(Value::as_date)
            .map(|d| d.to_string()),
        Some("1986-10-25".to_string())
    );
}

// ---- choice ----

fn titles() -> Choices {
    Choices::new(["Dr", "Mr", "Mrs", "Miss", "Ms"])
}

#[test]
fn choice_matches_ignoring_case() {
    assert_eq!(validate::choice("dr", &titles()).unwrap(), "Dr");
    assert_eq!(validate::choice("MISS", &titles()).unwrap(), "Miss");
}

#[test]
fn choice_matches_ignoring_a_trailing_dot_and_spaces() {
    assert_eq!(validate::choice("Mrs.", &titles()).unwrap(), "Mrs");
    assert_eq!(validate::choice(" dr. ", &titles()).unwrap(), "Dr");
}

#[test]
fn choice_accepts_aliases_and_returns_the_canonical_value() {
    let types = Choices::new(["Personal", "Business"]).alias("Company", "Business");
    assert_eq!(validate::choice("company", &types).unwrap(), "Business");
    assert_eq!(validate::choice("Company.", &types).unwrap(), "Business");
}

#[test]
fn value_outside_choices_is_not_allowed_with_allowed_values_and_a_suggestion() {
    let err = validate::choice("Mrss", &titles()).unwrap_err();
    assert_eq!(err.code, ProblemCode::NotAllowed);
    for allowed in ["Dr", "Mr", "Mrs", "Miss", "Ms"] {
        assert!(err.message.contains(allowed), "{}", err.message);
    }
    assert_eq!(err.suggestions, ["Mrs"]);
    assert!(err.message.contains("'Mrs'"), "{}", err.message);
}

#[test]
fn value_far_from_every_choice_gets_no_suggestion() {
    let err = validate::choice("Zebra crossing", &titles()).unwrap_err();
    assert_eq!(err.code, ProblemCode::NotAllowed);
    assert!(err.suggestions.is_empty(), "{:?}", err.suggestions);
}

#[test]
fn not_allowed_through_import_carries_column_and_suggestions() {
    let schema = Schema::builder("people")
        .field(Field::choice("title", titles()).label("Customer title"))
        .field(Field::email("email").identifier())
        .build()
        .unwrap();
    let mut store = MemoryStore::new();
    let report = Importer::new(schema)
        .import(
            "Customer Title,email\nDR.,ann@example.com\nProf,bob@example.com\nMsr,cy@example.com\n"
                .as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!((report.inserted, report.failed), (1, 2));
    assert_eq!(
        by_email(&store, "ann@example.com")
            .unwrap()
            .record
            .get("title"),
        Some(&Value::Choice("Dr".into()))
    );
    let p = &failure_of(&report, 3).problems[0];
    assert_eq!(p.code, ProblemCode::NotAllowed);
    assert_eq!(p.column.as_deref(), Some("Customer Title"));
    let p = &failure_of(&report, 4).problems[0];
    assert!(!p.suggestions.is_empty());
}

#[test]
fn exit_code_011_then_a_number_starting_with_1_is_read_right() {
    assert_eq!(
        validate::phone("011 44 161 479 4599", Some("US")).unwrap(),
        "+441614794599"
    );
}
