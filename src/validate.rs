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

use chrono::{Datelike, NaiveDate};
use rlibphonenumber::enums::Region;
use rlibphonenumber::{PhoneNumberFormat, PHONE_NUMBER_UTIL};
use unicode_normalization::UnicodeNormalization;

use crate::messages::{cell, quote};
use crate::problem::ProblemCode;
use crate::record::Text;
use crate::schema::{Choices, DateFormat};

mod postal;
pub use crate::invalid::Invalid;
pub(crate) use postal::PostalCache;
pub use postal::{postal_code, PostalCode};

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
                cell::too_long(len, max_chars),
            ));
        }
    }
    Ok(Text::new(value))
}

/// A value a validator accepted, and what it changed beyond normalization.
///
/// Normalization (lower-casing an email, a phone in E.164) is expected and
/// never noted; a change a person might not expect (characters removed, a
/// date read from a date-time) is, so that nothing changes silently.
///
/// ```
/// use intake::validate;
///
/// let email = validate::email_as_pasted("mailto:Ann@Example.com").unwrap();
/// assert_eq!(email.value, "ann@example.com");
/// assert_eq!(email.correction.as_deref(), Some("removed the mailto: prefix"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Corrected<T> {
    /// The value, normalized.
    pub value: T,
    /// What was changed, for people (`removed the display name 'Ann Lee'`),
    /// or `None` when the value was only normalized.
    pub correction: Option<String>,
}

impl<T> Corrected<T> {
    /// A value that needed no correction.
    pub(crate) fn plain(value: T) -> Corrected<T> {
        Corrected {
            value,
            correction: None,
        }
    }
}

/// An email address, parsed strictly (a top-level domain is required; no
/// display names such as `Ann <ann@example.com>`; no IP literals), and
/// normalized: trimmed, NFC, lower-cased.
///
/// [`email_as_pasted`] also removes what copying and pasting leaves
/// around an address; the importer uses that one.
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
                E::MissingSeparator => cell::EMAIL_NO_AT,
                E::LocalPartEmpty => cell::EMAIL_NOTHING_BEFORE_AT,
                E::DomainEmpty => cell::EMAIL_NOTHING_AFTER_AT,
                E::DomainTooFew => cell::EMAIL_NO_DOMAIN_ENDING,
                E::UnsupportedDisplayName | E::MissingDisplayName | E::MissingEndBracket => {
                    cell::EMAIL_DISPLAY_NAME
                }
                E::UnsupportedDomainLiteral | E::InvalidIPAddress => cell::EMAIL_IP_ADDRESS,
                E::InvalidCharacter => cell::EMAIL_CHARACTER,
                E::LocalPartTooLong | E::DomainTooLong | E::SubDomainTooLong => {
                    cell::EMAIL_TOO_LONG
                }
                _ => cell::EMAIL_SPELLING,
            };
            Err(Invalid::new(
                ProblemCode::InvalidEmail,
                cell::invalid_email(input.trim(), why),
            ))
        }
    }
}

/// Characters that copying from a web page, a PDF or a spreadsheet leaves
/// in a cell without anyone seeing them: zero-width space, non-joiner and
/// joiner, word joiner, byte-order mark, soft hyphen, no-break spaces and
/// the direction marks.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{00A0}'
            | '\u{202F}'
            | '\u{200E}'
            | '\u{200F}'
    )
}

/// Quote pairs people and mail programs put around an address.
const QUOTE_PAIRS: &[(char, char)] = &[
    ('"', '"'),
    ('\'', '\''),
    ('<', '>'),
    ('“', '”'),
    ('‘', '’'),
    ('«', '»'),
    ('(', ')'),
    ('[', ']'),
];

/// An email address as people paste it, cleaned, then checked as
/// [`email`] does: invisible characters (zero-width spaces and joiners,
/// no-break spaces, soft hyphens, a stray byte-order mark), surrounding
/// quotes or angle brackets, a `mailto:` prefix and a single display name
/// (`Ann Lee <ann@example.com>`) are removed, and the [`Corrected`] value
/// says what was.
///
/// Two addresses in one cell are refused: which one is meant is for the
/// person to say.
///
/// ```
/// use intake::validate;
///
/// let ann = validate::email_as_pasted("Ann Lee <Ann@Example.com>").unwrap();
/// assert_eq!(ann.value, "ann@example.com");
/// assert_eq!(ann.correction.as_deref(), Some("removed the display name 'Ann Lee'"));
///
/// let plain = validate::email_as_pasted(" ann@example.com ").unwrap();
/// assert_eq!(plain.correction, None);
///
/// let two = validate::email_as_pasted("ann@example.com; bob@example.com").unwrap_err();
/// assert!(two.message.contains("more than one email address"));
/// ```
pub fn email_as_pasted(input: &str) -> Result<Corrected<Text>, Invalid> {
    // Most cells are an address alone: nothing around it to remove.
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'@' | b'_' | b'+' | b'-');
    let trimmed = input.trim();
    if trimmed.bytes().all(plain) && trimmed.bytes().filter(|&b| b == b'@').count() <= 1 {
        return email(trimmed).map(Corrected::plain);
    }
    let mut removed: Vec<String> = Vec::new();
    let mut value: std::borrow::Cow<'_, str> = input.trim().into();
    if value.chars().any(is_invisible) {
        value = value
            .chars()
            .filter(|&c| !is_invisible(c))
            .collect::<String>()
            .trim()
            .to_string()
            .into();
        removed.push(cell::REMOVED_INVISIBLE.into());
    }
    let two_addresses = || {
        Invalid::new(
            ProblemCode::InvalidEmail,
            cell::several_emails(input.trim()),
        )
    };
    // Peel what surrounds the address, outside in, until nothing changes:
    // `"mailto:ann@example.com"`, `<mailto:ann@example.com>`.
    loop {
        let before = value.len();
        if let Some((name, address)) = display_name(&value) {
            // Mail programs often repeat the address as its own name.
            let repeated = name.eq_ignore_ascii_case(&address);
            if name.contains('@') && !repeated {
                return Err(two_addresses());
            }
            removed.push(if repeated {
                cell::REMOVED_REPEATED_ADDRESS.to_string()
            } else {
                cell::removed_display_name(&name)
            });
            value = address.into();
        }
        if let Some(rest) = strip_prefix_ignore_case(&value, "mailto:") {
            value = rest.trim().to_string().into();
            removed.push(cell::REMOVED_MAILTO.into());
        }
        if let Some(inner) = QUOTE_PAIRS.iter().find_map(|&(open, close)| {
            value
                .strip_prefix(open)
                .and_then(|v| v.strip_suffix(close))
                .map(|v| (open, v.trim().to_string()))
        }) {
            let (open, inner) = inner;
            removed.push(
                match open {
                    '<' => cell::REMOVED_ANGLE_BRACKETS,
                    '(' | '[' => cell::REMOVED_BRACKETS,
                    _ => cell::REMOVED_QUOTES,
                }
                .to_string(),
            );
            value = inner.into();
        }
        if value.len() == before {
            break;
        }
    }
    let addresses = value
        .split([',', ';', ' ', '\n', '\t'])
        .filter(|part| part.contains('@'))
        .count();
    if addresses > 1 {
        return Err(two_addresses());
    }
    let address = email(&value).map_err(|mut invalid| {
        if !removed.is_empty() {
            // Quote what the person wrote, not what was left of it.
            invalid.message =
                invalid
                    .message
                    .replacen(&quote(value.trim()), &quote(input.trim()), 1);
        }
        invalid
    })?;
    removed.dedup();
    Ok(Corrected {
        value: address,
        correction: (!removed.is_empty()).then(|| cell::removed(&removed)),
    })
}

/// `Name <address>` or `"Name" <address>`: the name (unquoted) and the
/// address, when the text is one display name and one bracketed address.
fn display_name(text: &str) -> Option<(String, String)> {
    let inner = text.strip_suffix('>')?;
    let open = inner.rfind('<')?;
    let name = inner.get(..open)?.trim();
    let address = inner.get(open + 1..)?.trim();
    if name.is_empty() || name.contains(['<', '>']) || !address.contains('@') {
        return None;
    }
    let name = QUOTE_PAIRS
        .iter()
        .find_map(|&(o, c)| name.strip_prefix(o).and_then(|n| n.strip_suffix(c)))
        .unwrap_or(name)
        .trim();
    Some((name.to_string(), address.to_string()))
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
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
    let fail = |why: &str| {
        Err(Invalid::new(
            ProblemCode::InvalidPhone,
            cell::invalid_phone(value, why),
        ))
    };
    if is_scientific_notation(value) {
        return Err(Invalid::new(
            ProblemCode::InvalidPhone,
            cell::scientific_notation(value),
        ));
    }
    if value.chars().filter(char::is_ascii_digit).count() < 3 {
        return fail(cell::PHONE_FEW_DIGITS);
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
                P::InvalidCountryCode if !value.starts_with('+') && country.is_none() => {
                    fail(cell::PHONE_NO_COUNTRY_CODE)
                }
                P::InvalidCountryCode => fail(cell::PHONE_UNKNOWN_COUNTRY_CODE),
                P::TooShortAfterIdd | P::TooShortNsn => fail(cell::PHONE_TOO_SHORT),
                P::TooLongNsn => fail(cell::PHONE_TOO_LONG),
                _ => fail(cell::PHONE_NOT_A_NUMBER),
            };
        }
        Err(_) => return fail(cell::PHONE_NOT_A_NUMBER),
    };
    if !is_valid(&number) {
        // Read in the region only when written without a country code.
        let region = region_name.filter(|_| !value.starts_with('+'));
        return fail(&cell::phone_not_valid(region));
    }
    Ok(Text::from(
        number.format_as(PhoneNumberFormat::E164).as_ref(),
    ))
}

/// Whether libphonenumber finds `number` valid.
fn is_valid(number: &rlibphonenumber::PhoneNumber) -> bool {
    // Most numbers belong to their country code's main region (the US for
    // +1): valid there is valid, and checking it first spares the search
    // over every region that shares the code (25 for +1).
    PHONE_NUMBER_UTIL
        .get_region_for_country_code(number.country_code)
        .is_some_and(|main| number.is_valid_for_region(main))
        || number.is_valid()
}

/// The number `value` is when dialled from `region` with its
/// international prefix (`011 61 418 050 322` from the US): a number that
/// carries its own country code after the prefix, valid, in E.164.
///
/// A row of another country whose phone was typed by someone dialling
/// from the import's own country is read this way when it is no number
/// of the row's country. Only a number written with the international
/// prefix is: it names its country itself, so nothing is guessed.
pub(crate) fn phone_dialled_from(value: &str, region: Region) -> Option<Text> {
    let value = value.trim();
    if value.starts_with('+') || is_scientific_notation(value) {
        return None;
    }
    let parsed = std::panic::catch_unwind(|| {
        PHONE_NUMBER_UTIL.parse_and_keep_raw_input(value, Some(region))
    });
    let number = parsed.ok()?.ok()?;
    let with_prefix =
        number.country_code_source() == rlibphonenumber::CountryCodeSource::FromNumberWithIdd;
    (with_prefix && is_valid(&number))
        .then(|| Text::from(number.format_as(PhoneNumberFormat::E164).as_ref()))
}

/// A date in one of `formats`, tried in order. Impossible dates (such as
/// 1986-02-30) fail; nothing is guessed beyond the formats given, except
/// that a date-time whose date is in one of them (`1986-10-25T08:30:00Z`,
/// `1986-10-25 00:00:00`) gives its date: see [`date_as_written`].
///
/// ```
/// use intake::{validate, DateFormat};
/// let iso = [DateFormat::new("YYYY-MM-DD").unwrap()];
/// assert_eq!(validate::date("1986-10-25", &iso).unwrap().to_string(), "1986-10-25");
/// assert!(validate::date("1986-02-30", &iso).is_err());
/// assert!(validate::date("25/10/1986", &iso).is_err());
/// ```
pub fn date(input: &str, formats: &[DateFormat]) -> Result<NaiveDate, Invalid> {
    date_as_written(input, formats).map(|d| d.value)
}

/// A date as [`date`] reads it, saying when it was read from a date-time.
///
/// A value in another order than the formats is refused, but when only
/// one reading of it is a real date the message offers it in the first
/// format ("did you mean 1986-10-25?"); a number a spreadsheet made of a
/// date (`31345`) is refused with how to keep the date.
///
/// ```
/// use intake::{validate, DateFormat};
/// let iso = [DateFormat::iso()];
///
/// let d = validate::date_as_written("1986-10-25T00:00:00Z", &iso).unwrap();
/// assert_eq!(d.value.to_string(), "1986-10-25");
/// assert!(d.correction.unwrap().contains("date-time"));
///
/// let err = validate::date_as_written("25/10/1986", &iso).unwrap_err();
/// assert!(err.message.contains("Did you mean 1986-10-25?"));
/// ```
pub fn date_as_written(
    input: &str,
    formats: &[DateFormat],
) -> Result<Corrected<NaiveDate>, Invalid> {
    let value = input.trim();
    let mut impossible = false;
    for format in formats {
        match format.parse_parts(value) {
            Some((y, m, d)) => match NaiveDate::from_ymd_opt(y, m, d) {
                Some(date) => return Ok(Corrected::plain(date)),
                None => impossible = true,
            },
            None => continue,
        }
    }
    if let Some((day, time)) = split_date_time(value) {
        if let Some(date) = formats
            .iter()
            .filter_map(|f| f.parse_parts(day))
            .find_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        {
            return Ok(Corrected {
                value: date,
                correction: Some(cell::date_from_date_time(value, time)),
            });
        }
    }
    let first = formats.first();
    let patterns: Vec<&str> = formats.iter().map(DateFormat::pattern).collect();
    let in_format = |date: NaiveDate| match first {
        Some(f) => f.format(date.year(), date.month(), date.day()),
        None => date.format("%Y-%m-%d").to_string(),
    };
    let message = if impossible {
        cell::not_a_real_date(value)
    } else if let Some(date) = spreadsheet_serial_date(value) {
        cell::date_as_serial(value, &in_format(date), &patterns)
    } else {
        let example = first.map(DateFormat::example);
        let readings: Vec<String> = other_readings(value).into_iter().map(in_format).collect();
        cell::not_a_date(value, &patterns, example.as_deref(), &readings)
    };
    Err(Invalid::new(ProblemCode::InvalidDate, message))
}

/// `1986-10-25T08:30:00+02:00`, `1986-10-25 00:00`: the date and the time
/// of a date-time whose time is one ISO 8601 allows (hours, minutes,
/// optional seconds and fraction, optional `Z` or offset).
fn split_date_time(value: &str) -> Option<(&str, &str)> {
    let at = value.find(['T', ' '])?;
    let day = value.get(..at)?;
    let time = value.get(at + 1..)?.trim_start();
    let clock = time
        .strip_suffix(['Z', 'z'])
        .or_else(|| {
            // An offset: the last '+' or '-' in the time.
            let sign = time.rfind(['+', '-'])?;
            let (clock, offset) = (time.get(..sign)?, time.get(sign + 1..)?);
            let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
            let offset_ok = match offset.split_once(':') {
                Some((h, m)) => digits(h) && digits(m),
                None => {
                    digits(offset)
                        || (offset.len() == 4
                            && offset.get(..2).is_some_and(digits)
                            && offset.get(2..).is_some_and(digits))
                }
            };
            offset_ok.then_some(clock)
        })
        .unwrap_or(time);
    let (hms, fraction) = match clock.split_once(['.', ',']) {
        Some((hms, f)) => (hms, Some(f)),
        None => (clock, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let mut parts = hms.split(':');
    let number = |p: Option<&str>, max: u32| {
        p.filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
            .filter(|n| *n <= max)
    };
    number(parts.next(), 24)?;
    number(parts.next(), 59)?;
    if let Some(seconds) = parts.next() {
        number(Some(seconds), 60)?;
    }
    parts.next().is_none().then_some((day, time))
}

/// The real dates `value` can be read as when its three numbers are in
/// another order than the formats say: year first (`1986/10/25`), or day
/// and month first with a four-digit year (`25.10.1986`, `10/25/1986`),
/// separated by `-`, `/`, `.` or a space. Two dates when the day and the
/// month can be swapped, none when the text is no such date.
fn other_readings(value: &str) -> Vec<NaiveDate> {
    let mut found = Vec::new();
    if let Some((day_first, month_first)) = day_month_readings(value) {
        found.extend(day_first);
        found.extend(month_first.filter(|m| Some(*m) != day_first));
        return found;
    }
    // Year first, in another field's order (`1986/10/25` for YYYY-MM-DD).
    let mut numbers = value.split(['-', '/', '.', ' ']);
    if let (Some(y), Some(m), Some(d), None) = (
        numbers.next(),
        numbers.next(),
        numbers.next(),
        numbers.next(),
    ) {
        let parse = |s: &str, len: std::ops::RangeInclusive<usize>| {
            (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        if let (Some(y), Some(m), Some(d)) = (parse(y, 4..=4), parse(m, 1..=2), parse(d, 1..=2)) {
            found.extend(
                i32::try_from(y)
                    .ok()
                    .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
            );
        }
    }
    found
}

/// The two readings of a date written day and month first with a
/// four-digit year (`05/06/1986`, `25.10.1986`): (day first, month first),
/// each `None` when it is no real date. `None` when the value has no such
/// shape.
pub(crate) fn day_month_readings(value: &str) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    let mut numbers = value.split(['-', '/', '.', ' ']);
    let (Some(a), Some(b), Some(c), None) = (
        numbers.next(),
        numbers.next(),
        numbers.next(),
        numbers.next(),
    ) else {
        return None;
    };
    let digits = |s: &str, min: usize, max: usize| {
        (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (x, z, y) = (digits(a, 1, 2)?, digits(b, 1, 2)?, digits(c, 4, 4)?);
    let y = i32::try_from(y).ok()?;
    Some((
        NaiveDate::from_ymd_opt(y, z, x),
        NaiveDate::from_ymd_opt(y, x, z),
    ))
}

/// The date a spreadsheet means by the serial number `value` (days since
/// 1899-12-30, as Excel, LibreOffice and Google Sheets count), for the
/// numbers that are dates between 1927 and 2119: what a date column saved
/// as "General" turns into. Other numbers are not taken for one.
fn spreadsheet_serial_date(value: &str) -> Option<NaiveDate> {
    if value.len() != 5 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let days: i64 = value.parse().ok()?;
    if !(10_000..=80_000).contains(&days) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

/// Whether `value` is a number in the scientific notation spreadsheets
/// show long numbers in (`4.15555E+09`, `1.23E+15`): what a phone number
/// or an id becomes when its column is saved as a number, its last digits
/// lost.
pub(crate) fn is_scientific_notation(value: &str) -> bool {
    // Most text is no number: a first byte that is no digit, or no
    // exponent, says so.
    let bytes = value.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_digit)
        || bytes.len() > 24
        || !bytes.iter().any(|&b| (b | 0x20) == b'e')
    {
        return false;
    }
    let Some((mantissa, exponent)) = value.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction) && digits(exponent) && exponent.len() <= 3
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
            cell::not_a_number(value),
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
            cell::password_too_long(len, MAX_PASSWORD_CHARS),
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
    let allowed: Vec<&str> = choices.values().collect();
    let suggestions: Vec<String> = choices.closest(input).into_iter().collect();
    Err(Invalid {
        code: ProblemCode::NotAllowed,
        message: cell::not_allowed(
            input.trim(),
            &allowed,
            suggestions.first().map(String::as_str),
        ),
        suggestions,
    })
}
