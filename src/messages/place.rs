//! The sentences about a place: a country or a state not recognised,
//! missing, or of another country.
//!
//! `country` is a country's English name as the place matcher has it
//! (`United States`); the suggestions are names, best first.

use super::quote;

/// A country cell that is empty.
pub(crate) const COUNTRY_EMPTY: &str = "The country is empty: write a country.";

/// A country the place index does not hold.
pub(crate) const COUNTRY_NOT_RECOGNISED: &str = "The country is not recognised.";

/// A value that is no country.
pub(crate) fn unknown_country(value: &str) -> String {
    format!("{} is not a recognised country.", quote(value))
}

/// A value that names several countries.
pub(crate) fn ambiguous_country(value: &str) -> String {
    format!("{} could be more than one country.", quote(value))
}

/// A state whose row gives no country to check it in.
pub(crate) fn state_without_country_given(state: &str) -> String {
    format!(
        "No country is given, so the state {} cannot be checked.",
        quote(state)
    )
}

/// A state whose row's country is not recognised.
pub(crate) fn state_of_unknown_country(country: &str, state: &str) -> String {
    format!(
        "{} is not a recognised country, so the state {} cannot be checked.",
        quote(country),
        quote(state)
    )
}

/// A state in a row without a country, nor a default country for the
/// import.
pub(crate) fn state_without_country(state: &str) -> String {
    format!(
        "{} can't be checked because the row has no country: fill in the country.",
        quote(state)
    )
}

/// A state cell that is empty.
pub(crate) fn state_empty(country: &str) -> String {
    format!("The state is empty: write a state of {country}.")
}

/// A state the place index lost track of (no value quoted: there is none
/// to quote).
pub(crate) fn no_such_state(country: &str) -> String {
    format!("That is not a state of {country}.")
}

/// A value that is no state of `country`.
pub(crate) fn not_a_state(value: &str, country: &str) -> String {
    format!("{} is not a state of {country}.", quote(value))
}

/// A value that could be several states of `country`.
pub(crate) fn ambiguous_state(value: &str, country: &str) -> String {
    format!(
        "{} could be more than one state of {country}.",
        quote(value)
    )
}

/// A state of a country that has none.
pub(crate) fn state_of_none(value: &str, country: &str) -> String {
    format!(
        "{} is not a state of {country}, which has none.",
        quote(value)
    )
}

/// A value that is no state of `country` but one of the `others`.
pub(crate) fn state_elsewhere(value: &str, country: &str, others: &[String]) -> String {
    let shown = quote(value);
    match others {
        [one] => format!("{shown} is not a state of {country}; it is in {one}."),
        [a, b] => format!("{shown} is not a state of {country}; it is in {a} or {b}."),
        _ => format!("{shown} is not a state of {country}."),
    }
}

/// A state as a suggestion when two suggested states share a name:
/// `Georgia (US-GA)`.
pub(crate) fn state_with_code(name: &str, code: &str) -> String {
    format!("{name} ({code})")
}

/// A refusal followed by the suggestions, if there are any.
pub(crate) fn with_suggestions(mut message: String, suggestions: &[String]) -> String {
    if !suggestions.is_empty() {
        message.push_str(&format!(" Did you mean: {}?", suggestions.join(", ")));
    }
    message
}
