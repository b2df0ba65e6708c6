//! The sentences about one value: its length, an email, a phone, a date,
//! a number, a choice, a password, a postal code, a value written like a
//! formula or changed by a spreadsheet; and the notes of what was
//! corrected in one.
//!
//! A refusal quotes the value ([`quote`]) and says what to do; a
//! correction note says what was changed (`removed the mailto: prefix`).

use super::{join_and, quote};

/// A text longer than its field allows (after the column's name).
pub(crate) fn too_long(len: usize, max_chars: usize) -> String {
    format!("is {len} characters long; at most {max_chars} are allowed. Shorten it.")
}

/// A password longer than the most a hasher is given.
pub(crate) fn password_too_long(len: usize, max_chars: usize) -> String {
    format!("The password is {len} characters long; at most {max_chars} are allowed.")
}

/// An email address refused, and `why` (one of the `EMAIL_…` reasons).
pub(crate) fn invalid_email(value: &str, why: &str) -> String {
    format!("{} is not a valid email address: {why}.", quote(value))
}

/// Why an email address was refused: no `@`.
pub(crate) const EMAIL_NO_AT: &str = "it has no @";
/// Why an email address was refused: nothing before the `@`.
pub(crate) const EMAIL_NOTHING_BEFORE_AT: &str = "nothing comes before the @";
/// Why an email address was refused: nothing after the `@`.
pub(crate) const EMAIL_NOTHING_AFTER_AT: &str = "nothing comes after the @";
/// Why an email address was refused: a domain without a top-level domain.
pub(crate) const EMAIL_NO_DOMAIN_ENDING: &str = "the domain needs an ending such as .com";
/// Why an email address was refused: a display name or angle brackets.
pub(crate) const EMAIL_DISPLAY_NAME: &str = "write the address alone, without a name or <>";
/// Why an email address was refused: an IP address for a domain.
pub(crate) const EMAIL_IP_ADDRESS: &str = "use a domain name, not an IP address";
/// Why an email address was refused: a character addresses can't have.
pub(crate) const EMAIL_CHARACTER: &str = "it contains a character addresses can't have";
/// Why an email address was refused: a part too long.
pub(crate) const EMAIL_TOO_LONG: &str = "it is too long";
/// Why an email address was refused, when nothing more precise is known.
pub(crate) const EMAIL_SPELLING: &str = "check its spelling";

/// A cell holding two email addresses or more.
pub(crate) fn several_emails(value: &str) -> String {
    format!(
        "{} holds more than one email address: keep one in this cell (put another in a column of its own, such as a second contact's email).",
        quote(value)
    )
}

/// What was removed around a pasted address: invisible characters.
pub(crate) const REMOVED_INVISIBLE: &str = "invisible characters";
/// What was removed around a pasted address: the address repeated as its
/// own display name.
pub(crate) const REMOVED_REPEATED_ADDRESS: &str = "the address's copy in front of it";
/// What was removed around a pasted address: a `mailto:` prefix.
pub(crate) const REMOVED_MAILTO: &str = "the mailto: prefix";
/// What was removed around a pasted address: `<` and `>`.
pub(crate) const REMOVED_ANGLE_BRACKETS: &str = "the angle brackets around it";
/// What was removed around a pasted address: brackets.
pub(crate) const REMOVED_BRACKETS: &str = "the brackets around it";
/// What was removed around a pasted address: quotes.
pub(crate) const REMOVED_QUOTES: &str = "the quotes around it";

/// What was removed around a pasted address: its display name.
pub(crate) fn removed_display_name(name: &str) -> String {
    format!("the display name {}", quote(name))
}

/// The correction note of a pasted address: what was removed around it
/// (the `REMOVED_…` parts, in order).
pub(crate) fn removed(parts: &[String]) -> String {
    format!("removed {}", join_and(parts))
}

/// A phone refused: the value, then `why` (one of the `PHONE_…` reasons
/// or [`phone_not_valid`]).
pub(crate) fn invalid_phone(value: &str, why: &str) -> String {
    format!("{} {why}", quote(value))
}

/// Why a phone was refused: too few digits.
pub(crate) const PHONE_FEW_DIGITS: &str = "is not a phone number: it needs at least a few digits.";
/// Why a phone was refused: no country code, and no country to read it in.
pub(crate) const PHONE_NO_COUNTRY_CODE: &str =
    "has no country code: write it with its country code, such as +44 20 7946 0958.";
/// Why a phone was refused: an unknown country code.
pub(crate) const PHONE_UNKNOWN_COUNTRY_CODE: &str = "starts with an unknown country code.";
/// Why a phone was refused: too short.
pub(crate) const PHONE_TOO_SHORT: &str = "is too short to be a phone number: check the digits.";
/// Why a phone was refused: too many digits.
pub(crate) const PHONE_TOO_LONG: &str = "has too many digits to be a phone number.";
/// Why a phone was refused, when nothing more precise is known.
pub(crate) const PHONE_NOT_A_NUMBER: &str = "is not a phone number.";

/// Why a phone was refused: a number of no real line, read in `region` (an
/// alpha-2 code) when it was written without its country code, else as
/// written.
pub(crate) fn phone_not_valid(region: Option<&str>) -> String {
    let place = match region {
        Some(r) => format!(
            " for {}; check the digits, or write it with its country code if it is not a {} number",
            r.to_ascii_uppercase(),
            r.to_ascii_uppercase()
        ),
        None => "; check the digits and the country code".to_string(),
    };
    format!("is not a valid phone number{place}.")
}

/// A long number a spreadsheet wrote in scientific notation
/// (`4.15555E+09`): its last digits are lost.
pub(crate) fn scientific_notation(value: &str) -> String {
    format!(
        "{} is how a spreadsheet shows a long number, and its last digits are lost: format the column as text before saving, type the value again, and upload the file again.",
        quote(value)
    )
}

/// The note of a text cell a spreadsheet wrote in scientific notation,
/// kept.
pub(crate) fn spreadsheet_changed(column: &str, value: &str) -> String {
    format!("{column}: {}", scientific_notation(value))
}

/// A text cell that starts like a formula, refused: `first` is its first
/// character.
pub(crate) fn formula_refused(value: &str, first: char) -> String {
    format!(
        "{} starts like a spreadsheet formula, which this import does not accept: remove the leading '{first}' or write the value as plain text.",
        quote(value)
    )
}

/// The note of a text cell that starts like a formula, kept.
pub(crate) fn formula_kept(column: &str, value: &str) -> String {
    format!(
        "{column}: {} starts like a spreadsheet formula. It was kept as written, as text.",
        quote(value)
    )
}

/// The note of a value not recognised and kept as written: `refusal` is
/// what it would have failed with.
pub(crate) fn kept_as_written(column: &str, refusal: &str) -> String {
    format!("{column}: {refusal} It was kept as written.")
}

/// The correction note of a date read from a date-time.
pub(crate) fn date_from_date_time(value: &str, time: &str) -> String {
    format!(
        "read the date from the date-time {}, without its time {}",
        quote(value),
        quote(time)
    )
}

/// The formats a date may be written in, for a sentence: `YYYY-MM-DD or
/// DD.MM.YYYY`.
fn formats(patterns: &[&str]) -> String {
    patterns.join(" or ")
}

/// A date of no real day (`1986-02-30`).
pub(crate) fn not_a_real_date(value: &str) -> String {
    format!(
        "{} is not a real date: check the day and month.",
        quote(value)
    )
}

/// A number a spreadsheet made of `date` (written in the field's first
/// format); `patterns` are the field's formats.
pub(crate) fn date_as_serial(value: &str, date: &str, patterns: &[&str]) -> String {
    let expected = formats(patterns);
    format!(
        "{} is a number, not a date: a spreadsheet probably turned the date {date} into it. Format the column as text (or as the date {expected}) before saving, then upload the file again.",
        quote(value)
    )
}

/// A value in none of the field's formats (`patterns`): `example` is a
/// date in the first, `readings` the real dates it could mean in another
/// order, in the first format.
pub(crate) fn not_a_date(
    value: &str,
    patterns: &[&str],
    example: Option<&str>,
    readings: &[String],
) -> String {
    let expected = formats(patterns);
    let example = example
        .map(|e| format!(" (for example {e})"))
        .unwrap_or_default();
    let hint = match readings {
        [one] => format!(" Did you mean {one}?"),
        [a, b] => format!(" It could be {a} or {b}: write it as {expected} to say which."),
        _ => String::new(),
    };
    format!(
        "{} is not a date in the format {expected}{example}.{hint}",
        quote(value)
    )
}

/// A date whose day and month can be swapped, in a column whose dates
/// decide nothing: its two readings, in ISO format.
pub(crate) fn day_or_month_first(value: &str, day_first: &str, month_first: &str) -> String {
    format!(
        "{} could be {day_first} (day first) or {month_first} (month first), and no date in this column says which: write it as YYYY-MM-DD.",
        quote(value)
    )
}

/// How a column's dates are written, for a sentence.
pub(crate) fn date_order(day_first: bool) -> &'static str {
    if day_first {
        "day first"
    } else {
        "month first"
    }
}

/// A date that can only be read in the other order than its column's
/// (`day_first` or not): its one reading, in ISO format.
pub(crate) fn against_date_order(value: &str, reading: &str, day_first: bool) -> String {
    format!(
        "{} can only be read as {reading}, but this column's dates are written {}: check the day and the month.",
        quote(value),
        date_order(day_first)
    )
}

/// The warning of a column whose dates were read day first or month
/// first (`pattern`), as the value of `row` can only be read so.
pub(crate) fn dates_read(
    column: &str,
    day_first: bool,
    pattern: &str,
    value: &str,
    row: u64,
) -> String {
    format!(
        "{column}: dates were read {} ({pattern}), as {} in row {row} can only be read that way.",
        date_order(day_first),
        quote(value)
    )
}

/// A value that is not a number.
pub(crate) fn not_a_number(value: &str) -> String {
    format!(
        "{} is not a number: write digits, with a '.' for decimals and no thousands separators.",
        quote(value)
    )
}

/// A value outside a choice list (`allowed`), and the closest choice.
pub(crate) fn not_allowed(value: &str, allowed: &[&str], closest: Option<&str>) -> String {
    let allowed = allowed.join(", ");
    let hint = match closest {
        Some(s) => format!(" Did you mean '{s}'?"),
        None => String::new(),
    };
    format!(
        "{} is not allowed here; use one of: {allowed}.{hint}",
        quote(value)
    )
}

/// What a postal code is called where the data says nothing else.
pub(crate) const A_POSTAL_CODE: &str = "a postal code";

/// What a country's postal codes are called, by the data's tag: `zip`,
/// `pin`, `eircode`, else [`A_POSTAL_CODE`].
pub(crate) fn postal_code_name(tag: &str) -> &'static str {
    match tag {
        "zip" => "a ZIP code",
        "pin" => "a PIN code",
        "eircode" => "an Eircode",
        _ => A_POSTAL_CODE,
    }
}

/// A country's name in a sentence: plural names and names of unions and
/// republics take "the" (the United States, the Cayman Islands), unless
/// they begin with a name of their own (South Georgia and the South
/// Sandwich Islands).
pub(crate) fn country_in_sentence(name: String) -> String {
    let plural = (name.ends_with(" Islands") && !name.contains(" and the "))
        || [
            "Netherlands",
            "Philippines",
            "Bahamas",
            "Maldives",
            "Comoros",
        ]
        .contains(&name.as_str());
    if name.starts_with("United ") || name.contains("Republic") || plural {
        format!("the {name}")
    } else {
        name
    }
}

/// A postal code too long to be one; `name` is what the country's codes
/// are called ([`postal_code_name`]).
pub(crate) fn postal_code_too_long(value: &str, name: &str) -> String {
    format!("{} is too long to be {name}.", quote(value))
}

/// The correction note of a postal code written with the prefix addresses
/// print before the country's codes (`CH-`).
pub(crate) fn removed_postal_prefix(prefix: &str) -> String {
    format!("removed the prefix '{prefix}' printed before codes in addresses")
}

/// The correction note of a postal code whose leading zeros (one or two)
/// were restored.
pub(crate) fn zeros_restored(zeros: usize) -> &'static str {
    if zeros == 1 {
        "the leading zero a spreadsheet drops was restored"
    } else {
        "the two leading zeros a spreadsheet drops were restored"
    }
}

/// A postal code `value` with the leading `zeros` it lost, in a sentence
/// saying it is no code of the row's state.
pub(crate) fn with_restored_zeros(value: &str, zeros: usize) -> String {
    let zeros = if zeros == 1 { "zero" } else { "zeros" };
    format!("{value}, with the leading {zeros} a spreadsheet drops,")
}

/// A postal code of digits with the wrong number of them (`had`), where
/// the country's codes have `lengths`, like `example`; `refused` is the
/// state and the code it would be with its zeros restored
/// ([`with_restored_zeros`]), when that is no code of the state.
pub(crate) fn postal_code_digits(
    value: &str,
    name: &str,
    place: &str,
    had: usize,
    lengths: &[usize],
    example: &str,
    refused: Option<(&str, &str)>,
) -> String {
    let n: Vec<String> = lengths.iter().map(usize::to_string).collect();
    let n = n.join(" or ");
    let zero = match refused {
        Some((state, code)) => format!("; and {code} is not a code of {state}"),
        None => String::new(),
    };
    format!(
        "{} is not {name} of {place}: it has {had} digit{}, where codes there have {n}, like {example}{zero}.",
        quote(value),
        if had == 1 { "" } else { "s" },
    )
}

/// A value that is no postal code of `place`, which has no example.
pub(crate) fn not_a_postal_code(value: &str, name: &str, place: &str) -> String {
    format!("{} is not {name} of {place}.", quote(value))
}

/// A value that is no postal code of `place`, whose codes look like
/// `example`.
pub(crate) fn postal_code_unlike(value: &str, name: &str, place: &str, example: &str) -> String {
    format!(
        "{} is not {name} of {place}: it looks like {example}.",
        quote(value)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_take_the_where_english_does() {
        let the = |name: &str| country_in_sentence(name.to_string());
        assert_eq!(the("United States"), "the United States");
        assert_eq!(the("Cayman Islands"), "the Cayman Islands");
        assert_eq!(the("Netherlands"), "the Netherlands");
        assert_eq!(the("Czech Republic"), "the Czech Republic");
        assert_eq!(the("Canada"), "Canada");
        assert_eq!(
            the("South Georgia and the South Sandwich Islands"),
            "South Georgia and the South Sandwich Islands"
        );
    }

    #[test]
    fn a_phone_is_placed_in_its_region_when_it_has_no_country_code() {
        assert_eq!(
            phone_not_valid(Some("us")),
            "is not a valid phone number for US; check the digits, or write it with its country code if it is not a US number."
        );
        assert_eq!(
            phone_not_valid(None),
            "is not a valid phone number; check the digits and the country code."
        );
    }
}
