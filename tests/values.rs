//! Values as people really type and paste them: phones in the row's own
//! country, emails with what copying leaves around them, dates written as
//! date-times or in another order, what spreadsheets do to values,
//! formula-like cells, and the corrections the report lists.

mod common;

use common::*;
use intake::{presets, validate, Context, DateFormat, Importer, MemoryStore, Policy};
use rlibphonenumber::enums::Region;
use rlibphonenumber::{PhoneNumberFormat, PHONE_NUMBER_UTIL};

/// libphonenumber's own answer for `number` dialled in `region`: its
/// E.164 form when it is a valid number, else `None`.
fn libphonenumber(number: &str, region: &str) -> Option<String> {
    let region: Region = region.parse().ok()?;
    let parsed = PHONE_NUMBER_UTIL.parse(number, Some(region)).ok()?;
    parsed
        .is_valid()
        .then(|| parsed.format_as(PhoneNumberFormat::E164).to_string())
}

/// Local numbers as people of each country write them, valid and not.
const LOCAL_PHONES: &[(&str, &str, &[&str])] = &[
    (
        "AU",
        "Australia",
        &["0412 345 678", "(02) 9374 4000", "0712036551", "12345"],
    ),
    (
        "GB",
        "United Kingdom",
        &["020 7946 0958", "07700 900123", "0161 496 0000", "0800 12"],
    ),
    (
        "DE",
        "Germany",
        &["030 1234567", "0151 23456789", "089 / 12 34 56", "0000 1"],
    ),
    (
        "FR",
        "France",
        &["01 42 68 53 00", "06 12 34 56 78", "09 12 34 56"],
    ),
    (
        "IT",
        "Italy",
        &["3294827303", "06 6982 1234", "02 1234 5678", "12 34"],
    ),
    ("ES", "Spain", &["912 345 678", "612 345 678", "112 34"]),
    (
        "NL",
        "Netherlands",
        &["020 123 4567", "06 12345678", "06 1234"],
    ),
    ("IE", "Ireland", &["01 234 5678", "087 123 4567", "0871"]),
    (
        "NZ",
        "New Zealand",
        &["09 123 4567", "021 123 4567", "09 12"],
    ),
    ("IN", "India", &["098765 43210", "022 2345 6789", "98765"]),
    ("JP", "Japan", &["03-1234-5678", "090-1234-5678", "03-12"]),
    (
        "BR",
        "Brazil",
        &["(11) 91234-5678", "(21) 2345-6789", "1234-567"],
    ),
    ("MX", "Mexico", &["55 1234 5678", "81 8123 4567", "55 12"]),
    (
        "CA",
        "Canada",
        &["(416) 555-0199", "604 555 0123", "555 0199"],
    ),
];

#[test]
fn phones_are_read_in_the_rows_own_country_as_libphonenumber_reads_them() {
    let mut csv = String::from("email,phone,country\n");
    let mut expected = Vec::new();
    for (code, name, numbers) in LOCAL_PHONES {
        for (i, number) in numbers.iter().enumerate() {
            csv.push_str(&format!("p{i}@{code}.example.com,\"{number}\",{name}\n"));
            expected.push((*code, *number, libphonenumber(number, code)));
        }
    }
    // Every country has valid numbers and invalid ones in the list.
    for (code, ..) in LOCAL_PHONES {
        let answers: Vec<_> = expected.iter().filter(|(c, ..)| c == code).collect();
        assert!(
            answers.iter().any(|(.., e)| e.is_some()),
            "{code}: no valid number"
        );
        assert!(
            answers.iter().any(|(.., e)| e.is_none()),
            "{code}: no invalid number"
        );
    }
    let (report, store) = run_fresh(&csv);
    for (i, (code, number, answer)) in expected.iter().enumerate() {
        let row = i as u64 + 2;
        let email = format!(
            "p{}@{}.example.com",
            numbers_index(code, number),
            code.to_lowercase()
        );
        match answer {
            Some(e164) => {
                let customer = by_email(&store, &email).unwrap_or_else(|| {
                    panic!("{code} {number}: not imported: {:?}", report.failures)
                });
                assert_eq!(
                    customer.record.text("phone"),
                    Some(e164.as_str()),
                    "{code} {number}"
                );
            }
            None => {
                let failure = failure_of(&report, row);
                assert_eq!(codes(failure), ["invalid_phone"], "{code} {number}");
                assert!(
                    failure.problems[0].message.contains(code),
                    "{code} {number}: {}",
                    failure.problems[0].message
                );
            }
        }
    }
}

/// The position of `number` in its country's list (the test's emails
/// are numbered by it).
fn numbers_index(code: &str, number: &str) -> usize {
    LOCAL_PHONES
        .iter()
        .find(|(c, ..)| *c == code)
        .and_then(|(.., numbers)| numbers.iter().position(|n| *n == number))
        .unwrap_or(0)
}

#[test]
fn phone_of_a_row_without_a_country_is_read_in_the_default_country() {
    let (report, store) = run_fresh("email,phone\nann@example.com,(415) 555-0101\n");
    assert_eq!(report.inserted, 1);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("phone"), Some("+14155550101"));
}

#[test]
fn phone_of_an_unrecognised_country_is_read_in_the_default_country() {
    let (report, store) = run_fresh("email,phone,country\nann@example.com,(415) 555-0101,Narnia\n");
    assert_eq!(report.inserted, 1);
    assert_eq!(
        by_email(&store, "ann@example.com")
            .unwrap()
            .record
            .text("phone"),
        Some("+14155550101")
    );
}

#[test]
fn phone_dialled_with_the_home_countrys_international_prefix_is_read_as_dialled() {
    // A US company's list: the Australian customer's number written as
    // dialled from the US.
    let (report, store) =
        run_fresh("email,phone,country\nann@example.com,011 61 418 050 322,Australia\n");
    assert_eq!(report.inserted, 1, "{:?}", report.failures);
    assert_eq!(
        by_email(&store, "ann@example.com")
            .unwrap()
            .record
            .text("phone"),
        Some("+61418050322")
    );
}

#[test]
fn secondary_contacts_phones_are_read_in_the_rows_country() {
    let csv = "first_name,last_name,email,city,country,mobile,phone2\n\
               Ann,Lee,ann@example.com,Sydney,Australia,0412 345 678,(02) 9374 4000\n";
    let mut store = MemoryStore::new();
    let report = Importer::new(presets::field_service())
        .context(Context::new().default_country("US").unwrap())
        .import(csv.as_bytes(), &mut store)
        .unwrap();
    assert_eq!(report.inserted, 1, "{:?}", report.failures);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("mobile"), Some("+61412345678"));
    assert_eq!(ann.record.text("phone2"), Some("+61293744000"));
}

#[test]
fn pasted_email_is_cleaned_and_the_preview_says_what_was_removed() {
    let cases = [
        (
            "Ann Lee <Ann@Example.com>",
            "removed the display name 'Ann Lee'",
        ),
        ("<ann@example.com>", "removed the angle brackets around it"),
        ("mailto:ann@example.com", "removed the mailto: prefix"),
        ("'ann@example.com'", "removed the quotes around it"),
        ("ann@exa\u{200B}mple.com", "removed invisible characters"),
        (
            "\u{FEFF}ann@example.com\u{00A0}",
            "removed invisible characters",
        ),
        ("ann@exam\u{00AD}ple.com", "removed invisible characters"),
        (
            "\"Lee, Ann\" <mailto:ann@example.com>",
            "removed the display name 'Lee, Ann' and the mailto: prefix",
        ),
    ];
    for (cell, note) in cases {
        let csv = format!("email\n\"{}\"\n", cell.replace('"', "\"\""));
        let mut store = MemoryStore::new();
        let report = contacts()
            .preview(true)
            .import(csv.as_bytes(), &mut store)
            .unwrap();
        assert_eq!(report.inserted, 1, "{cell}: {:?}", report.failures);
        assert_eq!(report.corrected, 1, "{cell}");
        let change = &report.changes.as_ref().unwrap()[0];
        assert_eq!(change.values["email"], "ann@example.com", "{cell}");
        let correction = &change.corrections[0];
        assert_eq!(
            (correction.field.as_str(), correction.note.as_str()),
            ("email", note),
            "{cell}"
        );
        assert_eq!(
            correction.original,
            cell.trim_matches(|c: char| c.is_whitespace()),
            "{cell}"
        );
        assert!(report
            .summary()
            .contains("1 value was corrected; see the preview."));
    }
}

#[test]
fn plain_email_is_not_a_correction() {
    let (report, _) = run_fresh("email\n ANN@example.com \n");
    assert_eq!((report.inserted, report.corrected), (1, 0));
}

#[test]
fn two_emails_in_one_cell_fail_with_what_to_do() {
    for cell in [
        "ann@example.com; bob@example.com",
        "ann@example.com, bob@example.com",
        "Ann <ann@example.com>, Bob <bob@example.com>",
    ] {
        let (report, _) = run_fresh(&format!("email\n\"{cell}\"\n"));
        let failure = failure_of(&report, 2);
        assert_eq!(codes(failure), ["invalid_email"], "{cell}");
        assert!(
            failure.problems[0]
                .message
                .contains("more than one email address: keep one"),
            "{cell}"
        );
    }
}

#[test]
fn address_repeated_as_its_own_display_name_is_one_address() {
    let email = validate::email_as_pasted("ann@example.com <ann@example.com>").unwrap();
    assert_eq!(email.value, "ann@example.com");
}

#[test]
fn what_stays_no_address_after_cleaning_fails_quoting_the_cell() {
    let err = validate::email_as_pasted("Ann <ann@example>").unwrap_err();
    assert_eq!(err.code.as_str(), "invalid_email");
    assert!(
        err.message
            .starts_with("'Ann <ann@example>' is not a valid email address"),
        "{}",
        err.message
    );
}

#[test]
fn iso_date_field_accepts_a_date_time_and_keeps_its_date() {
    for cell in [
        "1986-10-25T00:00:00",
        "1986-10-25T08:30:00Z",
        "1986-10-25T23:59:59+02:00",
        "1986-10-25T23:59:59-0500",
        "1986-10-25 00:00:00",
        "1986-10-25 00:00",
        "1986-10-25T08:30:00.123Z",
    ] {
        let mut store = MemoryStore::new();
        let csv = format!("email,birthday\nann@example.com,{cell}\n");
        let report = contacts()
            .preview(true)
            .import(csv.as_bytes(), &mut store)
            .unwrap();
        assert_eq!(report.inserted, 1, "{cell}: {:?}", report.failures);
        let change = &report.changes.as_ref().unwrap()[0];
        assert_eq!(change.values["birthday"], "1986-10-25", "{cell}");
        assert!(change.corrections[0].note.contains("date-time"), "{cell}");
    }
}

#[test]
fn date_time_with_an_impossible_time_is_refused() {
    let iso = [DateFormat::iso()];
    for cell in [
        "1986-10-25T25:00",
        "1986-10-25T10:61",
        "1986-10-25 noon",
        "1986-10-25T10:00+5",
    ] {
        assert!(validate::date(cell, &iso).is_err(), "{cell}");
    }
}

#[test]
fn date_in_another_order_is_refused_offering_its_only_reading() {
    let iso = [DateFormat::iso()];
    for (cell, offer) in [
        ("25/10/1986", "Did you mean 1986-10-25?"),
        ("10/25/1986", "Did you mean 1986-10-25?"),
        ("1986/10/25", "Did you mean 1986-10-25?"),
        ("25.10.1986", "Did you mean 1986-10-25?"),
    ] {
        let err = validate::date(cell, &iso).unwrap_err();
        assert_eq!(err.code.as_str(), "invalid_date");
        assert!(err.message.ends_with(offer), "{cell}: {}", err.message);
    }
}

#[test]
fn date_offer_is_written_in_the_fields_format() {
    let joined = [DateFormat::new("YYYY/MM/DD").unwrap()];
    let err = validate::date("2018-05-12", &joined).unwrap_err();
    assert!(
        err.message.ends_with("Did you mean 2018/05/12?"),
        "{}",
        err.message
    );
}

#[test]
fn date_with_two_readings_names_both() {
    let err = validate::date("05/06/1986", &[DateFormat::iso()]).unwrap_err();
    assert!(
        err.message.contains("It could be 1986-06-05 or 1986-05-06"),
        "{}",
        err.message
    );
}

#[test]
fn spreadsheet_serial_number_in_a_date_column_is_explained() {
    let (report, _) = run_fresh("email,birthday\nann@example.com,31345\n");
    let message = &failure_of(&report, 2).problems[0].message;
    assert!(
        message.contains("a spreadsheet probably turned the date 1985-10-25 into it"),
        "{message}"
    );
    assert!(message.contains("Format the column as text"), "{message}");
}

#[test]
fn phone_in_scientific_notation_is_explained() {
    let (report, _) = run_fresh("email,phone\nann@example.com,4.15555E+09\n");
    let problem = &failure_of(&report, 2).problems[0];
    assert_eq!(problem.code.as_str(), "invalid_phone");
    assert!(
        problem
            .message
            .contains("how a spreadsheet shows a long number"),
        "{}",
        problem.message
    );
    assert!(problem
        .message
        .contains("format the column as text before saving"));
}

#[test]
fn id_in_scientific_notation_is_imported_with_a_warning() {
    let (report, _) = run_fresh("email,Record ID\nann@example.com,1.23E+15\n");
    assert_eq!(report.inserted, 1);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code.as_str() == "spreadsheet_changed")
        .expect("a spreadsheet_changed warning");
    assert!(
        warning.message.starts_with("Row 2: Record ID: '1.23E+15'"),
        "{}",
        warning.message
    );
}

#[test]
fn formula_like_cell_is_kept_with_a_warning_naming_row_and_column() {
    let (report, store) = run_fresh(
        "email,Company\nann@example.com,\"=HYPERLINK(\"\"http://x.test\"\",\"\"x\"\")\"\n",
    );
    assert_eq!(report.inserted, 1);
    let warning = &report.warnings[0];
    assert_eq!(warning.code.as_str(), "formula_like");
    assert!(
        warning.message.starts_with("Row 2: Company: '=HYPERLINK("),
        "{}",
        warning.message
    );
    assert_eq!(
        by_email(&store, "ann@example.com")
            .unwrap()
            .record
            .text("company"),
        Some("=HYPERLINK(\"http://x.test\",\"x\")")
    );
}

#[test]
fn formula_like_cell_fails_its_row_when_the_importer_refuses_formulas() {
    for cell in ["=1+1", "+SUM(A1:A3)", "-A1+2", "@IF(1;2)"] {
        let csv = format!("email,company\nann@example.com,{cell}\n");
        let report = contacts()
            .refuse_formulas(true)
            .import(csv.as_bytes(), &mut MemoryStore::new())
            .unwrap();
        let failure = failure_of(&report, 2);
        assert_eq!(codes(failure), ["not_allowed"], "{cell}");
        assert_eq!(failure.problems[0].column.as_deref(), Some("company"));
    }
}

#[test]
fn text_starting_with_a_dash_or_plus_is_not_a_formula() {
    let (report, _) = run_fresh("email,company,other\nann@example.com,- none -,+44 20 7946 0958\n");
    assert_eq!(report.inserted, 1);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn summary_when_nothing_is_new_says_so() {
    let csv = "email,first_name\nann@example.com,Ann\nbob@example.com,Bob\n";
    let mut store = seeded(csv);
    let report = run(&contacts().policy(Policy::upsert()), csv, &mut store);
    assert_eq!(report.unchanged, 2);
    assert_eq!(
        report.summary(),
        "Nothing to import: 2 customers were already up to date."
    );
    let dry = run(&contacts().dry_run(true), csv, &mut store);
    assert_eq!(
        dry.summary(),
        "Dry run: nothing to import: 2 customers were already up to date. No rows failed. Nothing was written."
    );
}

/// The contacts preset with an app's own date field that reads day or
/// month first.
fn with_member_since() -> Importer {
    let schema = presets::contacts()
        .with_fields(
            [intake::Field::date("member_since", vec![DateFormat::iso()])
                .label("Member since")
                .day_or_month_first()],
        )
        .unwrap();
    Importer::new(schema).context(Context::new().default_country("US").unwrap())
}

#[test]
fn day_or_month_first_column_is_decided_by_a_value_read_only_one_way() {
    let csv = "email,Member since\n\
               a@example.com,05/06/2001\n\
               b@example.com,25/10/1986\n\
               c@example.com,2001-02-03\n";
    let mut store = MemoryStore::new();
    let report = run(&with_member_since().preview(true), csv, &mut store);
    assert_eq!(report.inserted, 3, "{:?}", report.failures);
    let values: Vec<&str> = report
        .changes
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| c.values["member_since"].as_str())
        .collect();
    assert_eq!(values, ["2001-06-05", "1986-10-25", "2001-02-03"]);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code.as_str() == "date_order")
        .expect("a date_order warning");
    assert_eq!(
        warning.message,
        "Member since: dates were read day first (DD/MM/YYYY), as '25/10/1986' in row 3 can only be read that way."
    );
}

#[test]
fn day_or_month_first_column_reads_month_first_when_its_values_say_so() {
    let csv = "email,Member since\na@example.com,10/25/1986\nb@example.com,05/06/2001\n";
    let mut store = MemoryStore::new();
    let report = run(&with_member_since().preview(true), csv, &mut store);
    let changes = report.changes.as_ref().unwrap();
    assert_eq!(changes[1].values["member_since"], "2001-05-06");
    assert!(report
        .warnings
        .iter()
        .any(|w| w.message.contains("month first (MM/DD/YYYY)")));
}

#[test]
fn day_or_month_first_value_that_stays_ambiguous_is_refused_naming_both_readings() {
    let csv = "email,Member since\na@example.com,05/06/2001\n";
    let (report, _) = (run(&with_member_since(), csv, &mut MemoryStore::new()), ());
    let problem = &failure_of(&report, 2).problems[0];
    assert_eq!(problem.code.as_str(), "invalid_date");
    assert!(
        problem
            .message
            .contains("could be 2001-06-05 (day first) or 2001-05-06 (month first)"),
        "{}",
        problem.message
    );
}

#[test]
fn day_or_month_first_value_in_the_other_order_than_the_column_is_refused() {
    let csv = "email,Member since\na@example.com,25/10/1986\nb@example.com,10/25/1986\n";
    let report = run(&with_member_since(), csv, &mut MemoryStore::new());
    assert_eq!(report.inserted, 1);
    let problem = &failure_of(&report, 3).problems[0];
    assert!(
        problem.message.contains(
            "can only be read as 1986-10-25, but this column's dates are written day first"
        ),
        "{}",
        problem.message
    );
}

#[test]
fn day_or_month_first_decision_is_the_same_across_batches_and_threads() {
    // The telling value comes in the third batch of ten: rows before it
    // are ambiguous and refused, rows after it are read day first.
    let mut csv = String::from("email,Member since\n");
    for i in 0..60 {
        let date = if i == 25 {
            "25/10/1986".to_string()
        } else {
            format!("0{}/06/2001", 1 + i % 9)
        };
        csv.push_str(&format!("p{i}@example.com,{date}\n"));
    }
    let one = run(
        &with_member_since().batch_size(10),
        &csv,
        &mut MemoryStore::new(),
    );
    let all = run(
        &with_member_since().batch_size(1000),
        &csv,
        &mut MemoryStore::new(),
    );
    assert_eq!(one.failed, 20, "the first two batches are undecided");
    assert_eq!(all.failed, 0, "one batch: the telling value decides it");
}

#[test]
fn presets_still_refuse_dates_in_another_order() {
    let (report, _) = run_fresh("email,birthday\nann@example.com,25/10/1986\n");
    assert_eq!(codes(failure_of(&report, 2)), ["invalid_date"]);
}

#[test]
fn contacts_keeps_an_unrecognized_postal_code_with_a_warning() {
    let (report, store) = run_fresh("email,postal_code,country\nann@example.com,ABC-123,Canada\n");
    assert_eq!(report.inserted, 1);
    assert_eq!(
        by_email(&store, "ann@example.com")
            .unwrap()
            .record
            .text("postal_code"),
        Some("ABC-123")
    );
    let warning = &report.warnings[0];
    assert_eq!(warning.code.as_str(), "unrecognized");
    assert!(
        warning.message.contains("not a postal code of Canada"),
        "{}",
        warning.message
    );
}

#[test]
fn field_service_fails_an_invalid_postal_code() {
    let csv = "first_name,last_name,email,city,postal_code,country\n\
               Ann,Lee,ann@example.com,Toronto,ABC-123,Canada\n";
    let report = Importer::new(presets::field_service())
        .context(Context::new().default_country("US").unwrap())
        .import(csv.as_bytes(), &mut MemoryStore::new())
        .unwrap();
    let failure = failure_of(&report, 2);
    assert_eq!(codes(failure), ["invalid_postal_code"]);
    assert_eq!(failure.problems[0].column.as_deref(), Some("postal_code"));
}

#[test]
fn zip_code_that_lost_its_leading_zero_is_restored_and_listed() {
    let csv = "email,state,postal_code\nann@example.com,MA,2134\n";
    let mut store = MemoryStore::new();
    let report = run(&contacts().preview(true), csv, &mut store);
    assert_eq!(
        by_email(&store, "ann@example.com")
            .unwrap()
            .record
            .text("postal_code"),
        Some("02134")
    );
    assert_eq!(report.corrected, 1);
    let correction = &report.changes.as_ref().unwrap()[0].corrections[0];
    assert_eq!(
        (correction.original.as_str(), correction.value.as_str()),
        ("2134", "02134")
    );
    assert!(
        correction.note.contains("leading zero"),
        "{}",
        correction.note
    );
    assert!(report
        .summary()
        .contains("1 value was corrected; see the preview."));
}

#[test]
fn postal_codes_are_normalized_for_the_rows_country() {
    let csv = "email,postal_code,country\n\
               a@example.com,k1a0b1,Canada\n\
               b@example.com,sw1a1aa,UK\n\
               c@example.com,1234ab,Netherlands\n\
               d@example.com,2000,Australia\n";
    let (report, store) = run_fresh(csv);
    assert_eq!(report.inserted, 4, "{:?}", report.failures);
    let zip = |email: &str| {
        by_email(&store, email)
            .unwrap()
            .record
            .text("postal_code")
            .map(str::to_string)
    };
    assert_eq!(zip("a@example.com").as_deref(), Some("K1A 0B1"));
    assert_eq!(zip("b@example.com").as_deref(), Some("SW1A 1AA"));
    assert_eq!(zip("c@example.com").as_deref(), Some("1234 AB"));
    assert_eq!(zip("d@example.com").as_deref(), Some("2000"));
}

#[test]
fn row_problems_keep_the_files_column_order() {
    let (report, _) = run_fresh("phone,birthday,email\n12,1990-02-30,bad\n");
    let columns: Vec<_> = failure_of(&report, 2)
        .problems
        .iter()
        .map(|p| p.column.clone().unwrap_or_default())
        .collect();
    assert_eq!(columns, ["phone", "birthday", "email"]);
}
