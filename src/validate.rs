//! Cell validators: one function per kind of value, each returning the
//! normalized value or an [`Invalid`] with a message a person can act on.
//!
//! The importer calls these for every cell; they are public so that an app
//! can check single values the same way (in a form, say).
//!
//! ```
//! use intake::validate;
//!
//! assert_eq!(validate::email(" Ann@Example.COM ").unwrap(), "ann@example.com");
//! assert_eq!(validate::phone("(415) 555-0101", Some("US")).unwrap(), "+14155550101");
//! assert_eq!(validate::email("ann@localhost").unwrap_err().code.as_str(), "invalid_email");
//! ```

use std::fmt;

use chrono::NaiveDate;
use rlibphonenumber::enums::Region;
use rlibphonenumber::{PhoneNumberFormat, PHONE_NUMBER_UTIL};
use unicode_normalization::UnicodeNormalization;

use crate::record::Text;
use crate::report::ProblemCode;
use crate::schema::{Choices, DateFormat};

/// Why a cell's value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Invalid {
    /// The stable problem code.
    pub code: ProblemCode,
    /// What is wrong and what to do.
    pub message: String,
    /// Close allowed values, best first.
    pub suggestions: Vec<String>,
}

impl Invalid {
    pub(crate) fn new(code: ProblemCode, message: String) -> Invalid {
        Invalid {
            code,
            message,
            suggestions: Vec::new(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Invalid {}

/// How much of a refused value a message quotes, so one huge cell cannot
/// make the report huge.
const QUOTE_LIMIT: usize = 40;

/// The value quoted for a message, shortened if long.
pub(crate) fn quote(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(QUOTE_LIMIT).collect();
    if chars.next().is_some() {
        format!("'{head}…'")
    } else {
        format!("'{head}'")
    }
}

/// Free text: trimmed, at most `max_chars` characters.
///
/// ```
/// use intake::validate;
/// assert_eq!(validate::text("  Ann ", 10).unwrap(), "Ann");
/// assert_eq!(validate::text("Annabelle", 3).unwrap_err().code.as_str(), "too_long");
/// ```
pub fn text(input: &str, max_chars: usize) -> Result<Text, Invalid> {
    let value = input.trim();
    // No more bytes than allowed characters: no need to count them.
    if value.len() > max_chars {
        let len = value.chars().count();
        if len > max_chars {
            return Err(Invalid::new(
                ProblemCode::TooLong,
                format!("is {len} characters long; at most {max_chars} are allowed. Shorten it."),
            ));
        }
    }
    Ok(Text::new(value))
}

/// An email address, parsed strictly (a top-level domain is required; no
/// display names such as `Ann <ann@example.com>`; no IP literals), and
/// normalized: trimmed, NFC, lower-cased.
///
/// ```
/// use intake::validate;
/// assert_eq!(validate::email("ANN@example.com").unwrap(), "ann@example.com");
/// assert!(validate::email("Ann <ann@example.com>").is_err());
/// assert!(validate::email("ann@[10.0.0.1]").is_err());
/// ```
pub fn email(input: &str) -> Result<Text, Invalid> {
    let trimmed = input.trim();
    // ASCII is its own NFC form, and lower-cases byte by byte.
    let value = if trimmed.is_ascii() {
        Text::ascii_lowercase(trimmed)
    } else {
        Text::from(trimmed.nfc().collect::<String>().to_lowercase())
    };
    let options = email_address::Options::default()
        .with_required_tld()
        .without_display_text()
        .without_domain_literal();
    match email_address::EmailAddress::parse_with_options(&value, options) {
        Ok(_) => Ok(value),
        Err(e) => {
            use email_address::Error as E;
            let why = match e {
                E::MissingSeparator => "it has no @",
                E::LocalPartEmpty => "nothing comes before the @",
                E::DomainEmpty => "nothing comes after the @",
                E::DomainTooFew => "the domain needs an ending such as .com",
                E::UnsupportedDisplayName | E::MissingDisplayName | E::MissingEndBracket => {
                    "write the address alone, without a name or <>"
                }
                E::UnsupportedDomainLiteral | E::InvalidIPAddress => {
                    "use a domain name, not an IP address"
                }
                E::InvalidCharacter => "it contains a character addresses can't have",
                E::LocalPartTooLong | E::DomainTooLong | E::SubDomainTooLong => "it is too long",
                _ => "check its spelling",
            };
            Err(Invalid::new(
                ProblemCode::InvalidEmail,
                format!(
                    "{} is not a valid email address: {why}.",
                    quote(input.trim())
                ),
            ))
        }
    }
}

/// A phone number, checked with libphonenumber's rules and returned in
/// E.164. A number without a country code is read as a number of `region`
/// (an ISO 3166-1 alpha-2 code such as `"US"`).
///
/// ```
/// use intake::validate;
/// assert_eq!(validate::phone("+44 20 7946 0958", None).unwrap(), "+442079460958");
/// assert_eq!(validate::phone("415.555.0101", Some("US")).unwrap(), "+14155550101");
/// assert!(validate::phone("12", Some("US")).is_err());
/// ```
pub fn phone(input: &str, region: Option<&str>) -> Result<Text, Invalid> {
    let country = region.and_then(|r| r.trim().to_ascii_uppercase().parse().ok());
    phone_in(input, country, region)
}

pub(crate) fn phone_in(
    input: &str,
    country: Option<Region>,
    region_name: Option<&str>,
) -> Result<Text, Invalid> {
    let value = input.trim();
    let fail = |why: String| {
        Err(Invalid::new(
            ProblemCode::InvalidPhone,
            format!("{} {why}", quote(value)),
        ))
    };
    if value.chars().filter(char::is_ascii_digit).count() < 3 {
        return fail("is not a phone number: it needs at least a few digits.".into());
    }
    // The parser has panicked on odd input in past releases; a cell must
    // never take the import down, so a panic is a refused value.
    // A number written with its country code is read as such: parsing it
    // with a default region would strip that region's prefix from it.
    let country = if value.starts_with('+') {
        None
    } else {
        country
    };
    let parsed = std::panic::catch_unwind(|| PHONE_NUMBER_UTIL.parse(value, country));
    let number = match parsed {
        Ok(Ok(n)) => n,
        Ok(Err(e)) => {
            use rlibphonenumber::ParseError as P;
            return match e {
                P::InvalidCountryCode if !value.starts_with('+') && country.is_none() => fail(
                    "has no country code: write it with its country code, such as +44 20 7946 0958."
                        .into(),
                ),
                P::InvalidCountryCode => fail("starts with an unknown country code.".into()),
                P::TooShortAfterIdd | P::TooShortNsn => {
                    fail("is too short to be a phone number: check the digits.".into())
                }
                P::TooLongNsn => fail("has too many digits to be a phone number.".into()),
                _ => fail("is not a phone number.".into()),
            };
        }
        Err(_) => return fail("is not a phone number.".into()),
    };
    // Most numbers belong to their country code's main region (the US for
    // +1): valid there is valid, and checking it first spares the search
    // over every region that shares the code (25 for +1).
    let valid = PHONE_NUMBER_UTIL
        .get_region_for_country_code(number.country_code)
        .is_some_and(|main| number.is_valid_for_region(main))
        || number.is_valid();
    if !valid {
        let place = match (value.starts_with('+'), region_name) {
            (false, Some(r)) => format!(
                " for {}; check the digits, or write it with its country code if it is not a {} number",
                r.to_ascii_uppercase(),
                r.to_ascii_uppercase()
            ),
            _ => "; check the digits and the country code".to_string(),
        };
        return fail(format!("is not a valid phone number{place}."));
    }
    Ok(Text::from(
        number.format_as(PhoneNumberFormat::E164).as_ref(),
    ))
}

/// A date in one of `formats`, tried in order. Impossible dates (such as
/// 1986-02-30) fail; nothing is guessed beyond the formats given.
///
/// ```
/// use intake::{validate, DateFormat};
/// let iso = [DateFormat::new("YYYY-MM-DD").unwrap()];
/// assert_eq!(validate::date("1986-10-25", &iso).unwrap().to_string(), "1986-10-25");
/// assert!(validate::date("1986-02-30", &iso).is_err());
/// assert!(validate::date("25/10/1986", &iso).is_err());
/// ```
pub fn date(input: &str, formats: &[DateFormat]) -> Result<NaiveDate, Invalid> {
    let value = input.trim();
    let mut impossible = false;
    for format in formats {
        match format.parse_parts(value) {
            Some((y, m, d)) => match NaiveDate::from_ymd_opt(y, m, d) {
                Some(date) => return Ok(date),
                None => impossible = true,
            },
            None => continue,
        }
    }
    let expected: Vec<&str> = formats.iter().map(DateFormat::pattern).collect();
    let expected = expected.join(" or ");
    let example = formats
        .first()
        .map(|f| format!(" (for example {})", f.example()))
        .unwrap_or_default();
    let message = if impossible {
        format!(
            "{} is not a real date: check the day and month.",
            quote(value)
        )
    } else {
        format!(
            "{} is not a date in the format {expected}{example}.",
            quote(value)
        )
    };
    Err(Invalid::new(ProblemCode::InvalidDate, message))
}

/// A decimal number: an optional sign, digits, and an optional `.` with
/// more digits. Thousands separators are refused rather than guessed
/// (`1,234` is one thousand in one country and one point two in another).
///
/// ```
/// use intake::validate;
/// assert_eq!(validate::number(" -3.5 ").unwrap(), "-3.5");
/// assert_eq!(validate::number("1,234").unwrap_err().code.as_str(), "invalid_number");
/// ```
pub fn number(input: &str) -> Result<Text, Invalid> {
    let value = input.trim();
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok = !whole.is_empty()
        && all_digits(whole)
        && fraction.is_none_or(|f| !f.is_empty() && all_digits(f))
        && value.len() <= 64;
    if ok {
        Ok(Text::new(value.strip_prefix('+').unwrap_or(value)))
    } else {
        Err(Invalid::new(
            ProblemCode::InvalidNumber,
            format!(
                "{} is not a number: write digits, with a '.' for decimals and no thousands separators.",
                quote(value)
            ),
        ))
    }
}

/// The longest password accepted, in characters: hashing cost must not
/// grow with hostile input.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A plain-text password: not empty, at most [`MAX_PASSWORD_CHARS`]
/// characters. The message never quotes the password.
///
/// ```
/// use intake::validate;
/// assert!(validate::password("s3cret pass").is_ok());
/// let long = "x".repeat(200);
/// assert!(!validate::password(&long).unwrap_err().message.contains("xxx"));
/// ```
pub fn password(input: &str) -> Result<(), Invalid> {
    let len = input.chars().count();
    if len > MAX_PASSWORD_CHARS {
        return Err(Invalid::new(
            ProblemCode::TooLong,
            format!(
                "The password is {len} characters long; at most {MAX_PASSWORD_CHARS} are allowed."
            ),
        ));
    }
    Ok(())
}

/// One of the `choices`, matched case-insensitively, ignoring surrounding
/// spaces and trailing dots (`DR.` = `Dr`), by canonical spelling or alias.
/// Returns the canonical spelling.
///
/// ```
/// use intake::{validate, Choices};
/// let titles = Choices::new(["Dr", "Mr", "Mrs", "Miss", "Ms"]);
/// assert_eq!(validate::choice("DR.", &titles).unwrap(), "Dr");
/// let err = validate::choice("Mrss", &titles).unwrap_err();
/// assert_eq!(err.suggestions, ["Mrs"]);
/// ```
pub fn choice(input: &str, choices: &Choices) -> Result<Text, Invalid> {
    if let Some(canonical) = choices.find(input) {
        return Ok(Text::new(canonical));
    }
    let allowed = choices.values().collect::<Vec<_>>().join(", ");
    let suggestions: Vec<String> = choices.closest(input).into_iter().collect();
    let hint = match suggestions.first() {
        Some(s) => format!(" Did you mean '{s}'?"),
        None => String::new(),
    };
    Err(Invalid {
        code: ProblemCode::NotAllowed,
        message: format!(
            "{} is not allowed here; use one of: {allowed}.{hint}",
            quote(input.trim())
        ),
        suggestions,
    })
}
