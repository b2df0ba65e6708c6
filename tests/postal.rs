//! Postal codes through the public API: per country, as people and
//! spreadsheets write them.

use intake::validate::{postal_code, Invalid, PostalCode};
use intake::ProblemCode;
use proptest::prelude::*;

fn ok(input: &str, country: &str, state: Option<&str>) -> PostalCode {
    match postal_code(input, country, state) {
        Ok(code) => code,
        Err(e) => panic!("{input:?} in {country} {state:?} refused: {}", e.message),
    }
}

/// The normalized value of a code that needed no correction.
fn normal(input: &str, country: &str) -> String {
    let code = ok(input, country, None);
    assert_eq!(code.correction, None, "{input:?} in {country}");
    code.value.to_string()
}

fn refused(input: &str, country: &str, state: Option<&str>) -> Invalid {
    match postal_code(input, country, state) {
        Ok(code) => panic!(
            "{input:?} in {country} {state:?} accepted as {:?}",
            code.value
        ),
        Err(e) => {
            assert_eq!(
                e.code,
                ProblemCode::InvalidPostalCode,
                "{input:?} in {country}"
            );
            assert_eq!(e.code.as_str(), "invalid_postal_code");
            e
        }
    }
}

const ONE_ZERO: &str = "the leading zero a spreadsheet drops was restored";
const TWO_ZEROS: &str = "the two leading zeros a spreadsheet drops were restored";

// ---- United States ----

#[test]
fn zip_and_zip_plus_four_are_accepted_with_a_hyphen_before_the_four() {
    assert_eq!(normal("02134", "US"), "02134");
    assert_eq!(normal(" 90210 ", "US"), "90210");
    assert_eq!(normal("02134-1234", "US"), "02134-1234");
    assert_eq!(normal("02134 1234", "US"), "02134-1234");
    assert_eq!(normal("021341234", "US"), "02134-1234");
}

#[test]
fn zip_missing_its_leading_zero_is_restored_for_massachusetts() {
    let code = ok("2134", "US", Some("US-MA"));
    assert_eq!(code.value, "02134");
    assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
    // The state alone, as some files write it.
    assert_eq!(ok("2134", "US", Some("MA")).value, "02134");
}

#[test]
fn zip_missing_its_leading_zero_is_restored_for_new_jersey_and_new_england() {
    for (zip, state, full) in [
        ("7102", "US-NJ", "07102"),
        ("6103", "US-CT", "06103"),
        ("2903", "US-RI", "02903"),
        ("3301", "US-NH", "03301"),
        ("4101", "US-ME", "04101"),
        ("5401", "US-VT", "05401"),
    ] {
        let code = ok(zip, "US", Some(state));
        assert_eq!(code.value, full, "{state}");
        assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
    }
}

#[test]
fn zip_missing_its_leading_zero_is_restored_when_the_state_is_unknown() {
    // Every 4-digit number is a ZIP from 0 with its zero lost (New England,
    // New Jersey, the forces in Europe): the only reading, and it is noted.
    let code = ok("2134", "US", None);
    assert_eq!(code.value, "02134");
    assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
}

#[test]
fn zip_plus_four_missing_its_leading_zero_is_restored() {
    let code = ok("21341234", "US", Some("US-MA"));
    assert_eq!(code.value, "02134-1234");
    assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
}

#[test]
fn four_digit_zip_is_refused_for_a_state_whose_zips_do_not_start_with_zero() {
    for state in ["US-CA", "US-TX", "US-NY", "US-FL"] {
        let e = refused("2134", "US", Some(state));
        assert!(e.message.contains(state), "{}", e.message);
        assert!(e.message.contains("'2134'"), "{}", e.message);
    }
    let e = refused("2134", "US", Some("US-CA"));
    assert_eq!(
        e.message,
        "'2134' is not a ZIP code of the United States: it has 4 digits, where codes there \
         have 5 or 9, like 95014; and 02134, with the leading zero a spreadsheet drops, is not \
         a code of US-CA."
    );
}

#[test]
fn three_digit_zip_gets_two_zeros_only_where_its_state_says_so() {
    // 00501 is the IRS in Holtsville, NY; without the state, 501 is too
    // little to go on.
    refused("501", "US", None);
    let code = ok("501", "US", Some("US-NY"));
    assert_eq!(code.value, "00501");
    assert_eq!(code.correction.as_deref(), Some(TWO_ZEROS));
    let e = refused("501", "US", Some("US-MA"));
    assert!(
        e.message.ends_with(
            "; and 00501, with the leading zeros a spreadsheet drops, is not a code of US-MA."
        ),
        "{}",
        e.message
    );
    // Puerto Rico as a state of the US, and as a country.
    assert_eq!(ok("907", "US", Some("US-PR")).value, "00907");
    let code = ok("907", "PR", None);
    assert_eq!(code.value, "00907");
    assert_eq!(code.correction.as_deref(), Some(TWO_ZEROS));
}

#[test]
fn a_state_of_another_country_is_ignored() {
    // CA-ON is no US state: the US rule without a state applies.
    assert_eq!(ok("2134", "US", Some("CA-ON")).value, "02134");
}

#[test]
fn zips_that_are_not_zips_are_refused() {
    for bad in [
        "ABCDE",
        "123456",
        "0213",
        "02134-12",
        "02134-12345",
        "2134-1234",
        "02134.1234",
    ] {
        refused(bad, "US", None);
    }
    assert_eq!(
        refused("ABCDE", "US", None).message,
        "'ABCDE' is not a ZIP code of the United States: it looks like 95014."
    );
}

// ---- Canada ----

#[test]
fn canadian_codes_are_upper_cased_with_a_space_in_the_middle() {
    for written in ["k1a0b1", "K1A 0B1", " k1a 0b1 ", "K1A-0B1", "k1a  0b1"] {
        assert_eq!(normal(written, "CA"), "K1A 0B1", "{written:?}");
    }
    assert_eq!(normal("h3z2y7", "CA"), "H3Z 2Y7");
}

#[test]
fn canadian_codes_with_letters_canada_post_never_uses_are_refused() {
    // D, F, I, O, Q, U never appear; W and Z never first.
    for bad in [
        "D1A 0B1", "K1A 0O1", "W1A 0B1", "K1A 0B", "K1A0B12", "123456",
    ] {
        refused(bad, "CA", None);
    }
    assert_eq!(
        refused("ABC", "CA", None).message,
        "'ABC' is not a postal code of Canada: it looks like H3Z 2Y7."
    );
}

// ---- United Kingdom ----

#[test]
fn uk_postcodes_of_every_shape_are_split_before_the_inward_code() {
    for (written, value) in [
        ("sw1a1aa", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("w1a0ax", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("m11ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("b338th", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("cr26xh", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("dn551pt", "DN55 1PT"),
        ("gir0aa", "GIR 0AA"),
        ("BFPO 61", "BFPO 61"),
        ("bfpo1", "BFPO 1"),
    ] {
        assert_eq!(normal(written, "GB"), value, "{written:?}");
    }
}

#[test]
fn uk_postcodes_that_are_not_postcodes_are_refused() {
    // No area QQ; an inward code needs a digit and two letters, never C.
    for bad in [
        "QQ1 1AA",
        "SW1A 1A",
        "SW1A 1CA",
        "SW1A",
        "12345",
        "SW1A 1AAA",
    ] {
        refused(bad, "GB", None);
    }
    let e = refused("SW1A", "GB", None);
    assert_eq!(
        e.message,
        "'SW1A' is not a postal code of the United Kingdom: it looks like EC1Y 8SY."
    );
}

// ---- Australia ----

#[test]
fn australian_postcodes_have_four_digits() {
    assert_eq!(normal("2000", "AU"), "2000");
    assert_eq!(normal("0800", "AU"), "0800");
    for bad in ["20000", "ABCD", "2 00", "200A"] {
        refused(bad, "AU", None);
    }
}

#[test]
fn darwin_postcode_missing_its_zero_is_restored_but_not_in_new_south_wales() {
    // Northern Territory postcodes are 08xx and 09xx.
    let code = ok("800", "AU", None);
    assert_eq!(code.value, "0800");
    assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
    assert_eq!(ok("800", "AU", Some("AU-NT")).value, "0800");
    let e = refused("800", "AU", Some("AU-NSW"));
    assert!(e.message.contains("AU-NSW"), "{}", e.message);
    // No Australian postcode starts 01.
    refused("111", "AU", None);
}

// ---- Germany, France, the Netherlands, Ireland ----

#[test]
fn german_codes_have_five_digits_and_a_lost_zero_is_restored() {
    assert_eq!(normal("10117", "DE"), "10117");
    assert_eq!(normal("01067", "DE"), "01067");
    let code = ok("1067", "DE", None);
    assert_eq!(code.value, "01067");
    assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
    for bad in ["101170", "ABCDE", "1011A", "10 11", "067"] {
        refused(bad, "DE", None);
    }
}

#[test]
fn french_codes_have_five_digits_and_a_lost_zero_is_restored() {
    assert_eq!(normal("75001", "FR"), "75001");
    assert_eq!(normal("75 001", "FR"), "75001");
    let code = ok("1000", "FR", None);
    assert_eq!(code.value, "01000");
    assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
    for bad in ["750011", "7500A", "F-75001"] {
        refused(bad, "FR", None);
    }
}

#[test]
fn dutch_codes_are_four_digits_a_space_and_two_letters() {
    assert_eq!(normal("1234ab", "NL"), "1234 AB");
    assert_eq!(normal("1234 AB", "NL"), "1234 AB");
    assert_eq!(normal("1011-ac", "NL"), "1011 AC");
    // PostNL never uses SA, SD or SS, nor a code from 0.
    for bad in ["1234 SA", "1234 SS", "0123 AB", "1234", "123 AB", "1234 A1"] {
        refused(bad, "NL", None);
    }
    let e = refused("1234", "NL", None);
    assert_eq!(
        e.message,
        "'1234' is not a postal code of the Netherlands: it looks like 1234 AB."
    );
}

#[test]
fn eircodes_are_split_after_the_routing_key() {
    assert_eq!(normal("D02 X285", "IE"), "D02 X285");
    assert_eq!(normal("d02x285", "IE"), "D02 X285");
    assert_eq!(normal("A65-F4E2", "IE"), "A65 F4E2");
    for bad in ["D02 X28", "D02X2855", "D02 X28!"] {
        refused(bad, "IE", None);
    }
    assert!(refused("D02", "IE", None)
        .message
        .contains("an Eircode of Ireland"));
}

// ---- India, Japan, Brazil ----

#[test]
fn indian_pin_codes_have_six_digits_and_none_starts_with_zero() {
    assert_eq!(normal("110001", "IN"), "110001");
    assert_eq!(normal("110 001", "IN"), "110001");
    let e = refused("11001", "IN", None);
    assert_eq!(
        e.message,
        "'11001' is not a PIN code of India: it has 5 digits, where codes there have 6, like 110034."
    );
    refused("1100011", "IN", None);
}

#[test]
fn japanese_codes_take_a_hyphen_after_three_digits() {
    assert_eq!(normal("100-0001", "JP"), "100-0001");
    assert_eq!(normal("1000001", "JP"), "100-0001");
    assert_eq!(normal("100 0001", "JP"), "100-0001");
    // Full-width, as Japanese spreadsheets often have them.
    assert_eq!(normal("１００－０００１", "JP"), "100-0001");
    // Sapporo's 060-0001 as a number.
    let code = ok("600001", "JP", None);
    assert_eq!(code.value, "060-0001");
    assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
    // Separators are read wherever they stand: the digits are the code.
    assert_eq!(normal("1000-001", "JP"), "100-0001");
    for bad in ["100-000", "100-00011", "〒100-0001", "100_0001"] {
        refused(bad, "JP", None);
    }
}

#[test]
fn brazilian_ceps_take_a_hyphen_before_the_last_three_digits() {
    assert_eq!(normal("01310-100", "BR"), "01310-100");
    assert_eq!(normal("01310100", "BR"), "01310-100");
    // São Paulo's CEPs start with 0: one lost to a spreadsheet.
    let code = ok("1310100", "BR", Some("BR-SP"));
    assert_eq!(code.value, "01310-100");
    assert_eq!(code.correction.as_deref(), Some(ONE_ZERO));
    refused("1310100", "BR", Some("BR-RJ"));
    for bad in ["01310-10", "01310-1000", "ABCDE-FGH"] {
        refused(bad, "BR", None);
    }
}

// ---- more countries ----

#[test]
fn more_countries_by_their_own_formats() {
    for (written, country, value) in [
        ("00144", "IT", "00144"),
        ("28039", "ES", "28039"),
        ("114 55", "SE", "11455"),
        ("8001", "CH", "8001"),
        ("1010", "AT", "1010"),
        ("00-950", "PL", "00-950"),
        ("00950", "PL", "00-950"),
        ("2725079", "PT", "2725-079"),
        ("c1070aam", "AR", "C1070AAM"),
        ("06600", "MX", "06600"),
        ("03051", "KR", "03051"),
        ("101000", "RU", "101000"),
        ("lv1073", "LV", "LV-1073"),
        ("0150", "NO", "0150"),
        ("546080", "SG", "546080"),
        ("6011", "NZ", "6011"),
        ("8340457", "CL", "8340457"),
        ("10150", "TH", "10150"),
    ] {
        assert_eq!(normal(written, country), value, "{written:?} in {country}");
    }
}

#[test]
fn the_prefix_printed_before_a_code_is_removed_with_a_note() {
    let code = ok("CH-8001", "CH", None);
    assert_eq!(code.value, "8001");
    assert_eq!(
        code.correction.as_deref(),
        Some("removed the prefix 'CH-' printed before codes in addresses")
    );
    assert_eq!(ok("L-4750", "LU", None).value, "4750");
    assert_eq!(ok("se-114 55", "SE", None).value, "11455");
    assert_eq!(ok("FI-00550", "FI", None).value, "00550");
}

#[test]
fn rome_needs_its_province_for_two_lost_zeros() {
    refused("144", "IT", None);
    let code = ok("144", "IT", Some("IT-RM"));
    assert_eq!(code.value, "00144");
    assert_eq!(code.correction.as_deref(), Some(TWO_ZEROS));
    // Milan's codes start 20: one zero lost can't make 0144x one of them.
    refused("1440", "IT", Some("IT-MI"));
}

#[test]
fn no_zero_is_restored_where_the_country_has_no_codes_from_zero() {
    for (digits, country) in [
        ("101", "AT"),
        ("100", "BE"),
        ("800", "CH"),
        ("11000", "IN"),
        ("123", "NL"),
    ] {
        refused(digits, country, None);
    }
}

#[test]
fn an_invalid_code_is_refused_in_every_country_with_data_quoting_it_and_an_example() {
    for country in [
        "US", "CA", "GB", "AU", "DE", "FR", "NL", "IE", "IN", "JP", "BR", "IT", "ES", "MX", "PL",
        "SE", "CH", "AT", "BE", "PT", "NO", "DK", "FI", "KR", "CN", "RU", "ZA", "NZ", "SG", "AR",
    ] {
        let e = refused("?!", country, None);
        assert!(
            e.message.starts_with("'?!' is not a"),
            "{country}: {}",
            e.message
        );
        assert!(e.message.contains("like "), "{country}: {}", e.message);
        assert!(e.suggestions.is_empty());
    }
}

// ---- countries without data ----

#[test]
fn a_country_without_postal_data_accepts_the_value_as_written() {
    for (written, country) in [
        (" Dubai Main 1 ", "AE"),
        ("999077", "HK"),
        ("anything", "XX"),
        ("12345", ""),
        ("K1A 0B1", "Canada"),
    ] {
        let code = ok(written, country, None);
        assert_eq!(code.value, written.trim(), "{country}");
        assert_eq!(code.correction, None);
    }
}

// ---- hostile input ----

#[test]
fn hostile_values_are_refused_or_kept_without_panicking() {
    let long = "9".repeat(10_000);
    for country in ["US", "GB", "AE", "XX"] {
        let e = refused(&long, country, Some("US-MA"));
        assert!(e.message.contains("too long"), "{}", e.message);
        assert!(e.message.len() < 200, "{}", e.message.len());
    }
    for bad in [
        "021\u{0}34",
        "02134\u{7}",
        "\u{202e}02134",
        "02134\u{200b}",
        "📮",
        "02134📮",
        "٠٢١٣٤", // Arabic-Indic digits: not ASCII, not a ZIP
        "\u{fdfa}\u{fdfa}",
    ] {
        refused(bad, "US", Some("US-MA"));
        let _ = postal_code(bad, "AE", None);
    }
    // Surrounding whitespace of any kind is trimmed.
    assert_eq!(normal("\u{3000}02134\t", "US"), "02134");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_value_is_refused_or_accepted_again_unchanged(
        input in prop_oneof![
            any::<String>(),
            "[0-9]{1,10}",
            "[0-9A-Za-z]{1,4}[ -]?[0-9A-Za-z]{1,4}",
            "[A-Z]{0,4}[ -]?[0-9]{1,6}",
        ],
        country in prop::sample::select(vec![
            "US", "CA", "GB", "AU", "DE", "FR", "NL", "IE", "IN", "JP", "BR", "IT", "PR", "VI",
            "CH", "LU", "PL", "SE", "AR", "BM", "TW", "AE", "XX", "",
        ]),
        state in prop::sample::select(vec![
            None, Some("US-MA"), Some("US-CA"), Some("US-NY"), Some("IT-RM"), Some("AU-NT"),
            Some("BR-SP"), Some("CA-ON"), Some("JP-01"), Some("-"), Some(""),
        ]),
    ) {
        if let Ok(first) = postal_code(&input, country, state) {
            let again = postal_code(&first.value, country, state);
            prop_assert!(again.is_ok(), "{:?} -> {:?} refused", input, first.value);
            let again = again.unwrap();
            prop_assert_eq!(&again.value, &first.value);
            prop_assert_eq!(again.correction, None);
        }
    }
}
