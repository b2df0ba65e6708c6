//! Every validator on arbitrary text: no panic, and what a validator accepts
//! it accepts again unchanged (normalizing twice changes nothing).
#![no_main]

use intake::geo::PlaceMatcher;
use intake::{Choices, DateFormat};
use intake::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let input = text.as_ref();

    if let Ok(text) = validate::text(input, 64) {
        assert_eq!(validate::text(&text, 64).as_deref(), Ok(text.as_str()));
    }
    if let Ok(email) = validate::email(input) {
        assert_eq!(validate::email(&email).as_deref(), Ok(email.as_str()));
    }
    // Cleaning what pasting leaves: what it gives back needs no cleaning.
    if let Ok(email) = validate::email_as_pasted(input) {
        let again = validate::email_as_pasted(&email.value).expect("a cleaned email is valid");
        assert_eq!((again.value.as_str(), again.correction), (email.value.as_str(), None));
    }
    for (country, state) in [("US", Some("US-MA")), ("US", None), ("CA", None), ("GB", None), ("DE", None), ("JP", None)] {
        if let Ok(code) = validate::postal_code(input, country, state) {
            let again = validate::postal_code(&code.value, country, state).expect("a postal code is valid again");
            assert_eq!((again.value.as_str(), again.correction), (code.value.as_str(), None));
        }
    }
    for region in [None, Some("US"), Some("GB"), Some("DE")] {
        if let Ok(phone) = validate::phone(input, region) {
            assert!(phone.starts_with('+'), "E.164: {phone}");
            assert_eq!(validate::phone(&phone, None).as_deref(), Ok(phone.as_str()));
        }
    }
    let formats = [
        DateFormat::iso(),
        DateFormat::new("YYYY/MM/DD").expect("valid pattern"),
        DateFormat::new("DD.MM.YYYY").expect("valid pattern"),
    ];
    if let Ok(date) = validate::date_as_written(input, &formats) {
        // The date, written in the first format, reads back as itself.
        use chrono::Datelike;
        let written = formats[0].format(date.value.year(), date.value.month(), date.value.day());
        if date.value.year() >= 1000 {
            assert_eq!(validate::date(&written, &formats).ok(), Some(date.value));
        }
    }
    let _ = DateFormat::new(input);
    if let Ok(number) = validate::number(input) {
        assert_eq!(validate::number(&number).as_deref(), Ok(number.as_str()));
    }
    let _ = validate::password(input);
    let choices = Choices::new(["Mr", "Mrs", "Dr"]).alias("Doctor", "Dr");
    if let Ok(choice) = validate::choice(input, &choices) {
        assert_eq!(validate::choice(&choice, &choices).as_deref(), Ok(choice.as_str()));
    }

    let mut places = PlaceMatcher::new();
    let country = places.country(input).unwrap_or_else(|_| "US".into());
    let _ = places.state(&country, input);
    let _ = places.state("US", input);
});
