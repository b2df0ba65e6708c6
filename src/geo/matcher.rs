//! Countries and states as people type them, matched to ISO 3166 codes.
//!
//! The data is embedded: every country of ISO 3166-1 and every subdivision
//! of ISO 3166-2 with their alternate names, from the `keshvar` crate
//! (BSD-3-Clause), plus [tables](super::tables) of what people write that
//! the data lacks (US postal abbreviations such as `Calif.`, English names
//! such as `Tuscany`, Japanese prefecture names in kanji, ISO's own current
//! names).
//!
//! The data (keshvar 0.7.0) lags ISO 3166-2 in places; checked against
//! Debian's iso-codes 4.18, which follows ISO, the tables bring it up to
//! date: subdivisions ISO added (`GB-NNH` North Northamptonshire), codes ISO
//! changed (`ZA-ZN` is now `ZA-KZN`, read either way), subdivisions ISO
//! withdrew (`GB-NTH` Northamptonshire, split in 2021: its name and code now
//! ask which of the two), and names of units newer than ISO's list, matched
//! to the ISO subdivision that contains them (`Cumberland` and `Westmorland
//! and Furness`, England's 2023 unitary authorities, are `GB-CMA` Cumbria).
//! Every code returned is in ISO 3166-2 as iso-codes 4.18 lists it.
//!
//! One place is one answer. Where ISO lists a place twice, as a region and
//! as its only subdivision under the same name (Spain's single-province
//! communities: `Navarra` is the community `ES-NC` and the province
//! `ES-NA`), the name is not ambiguous: it gives one code, and either code
//! is read as that one. The code kept is the one of the level the country's
//! postal addresses name: in Spain the province (`ES-NA`, `ES-S`, `ES-LO`,
//! `ES-O`, `ES-MU`, `ES-M`, `ES-PM`), because Spanish addresses and postal
//! codes (`31xxx` is Navarra) go by province, so a column of Spanish states
//! stays at one level (`Bizkaia` is `ES-BI`, `Navarra` is `ES-NA`). The data
//! has no parents, so these pairs are listed (see
//! [`SAME_PLACES`](super::tables::SAME_PLACES)), taken from ISO's parent
//! data; a rule on names alone would be wrong (`Saaremaa` is an Estonian
//! county and one of its three parishes; `Veszprém` a Hungarian county and
//! its county town).
//!
//! Matching works on a folded form of the text: compatibility-decomposed,
//! accents and other combining marks dropped, lower-cased, with spaces and
//! punctuation ignored (`Tôkyô` = `tokyo`, `B.C.` = `BC`). A name with one
//! comma is also read the other way round, as ISO writes some (`Rioja, La`
//! = `La Rioja`, `Navarra, Comunidad Foral de` = `Comunidad Foral de
//! Navarra`), in the data and in the input. In order:
//!
//! 1. a code, with or without the country prefix (`CA`, `US-CA`);
//! 2. an official name, then an alternate name (`Bayern`, `Bavaria`);
//!    when two subdivisions share the best name the text is ambiguous and
//!    refused;
//! 3. the same without designators (`New York State`, `Tokyo-to`, `東京都`);
//! 4. a misspelling, accepted only when one subdivision is within a few
//!    edits (none for four letters or fewer) and every other subdivision is
//!    at least two edits further away, and the text is not the exact name
//!    of a subdivision of another country.
//!
//! Anything else is refused: a wrong confident match corrupts a record,
//! a refusal only asks for a fix.

use foldhash::{HashMap, HashSet, HashSetExt};

use super::fold::{canonical, inverted, variants, words};
use super::index::{index, CountryData};
use super::spelling::{fuzzy, suggest, MAX_SUGGESTIONS};
use crate::invalid::Invalid;
use crate::messages::place;
use crate::problem::ProblemCode;
use crate::record::Text;

/// Longer text is no place name (the longest are about 60 characters).
const MAX_INPUT_CHARS: usize = 100;

/// Entries each cache of a [`PlaceMatcher`] holds at most, so a file of
/// distinct junk cannot grow it without bound.
const CACHE_LIMIT: usize = 20_000;

/// Matches country and state text to ISO codes, caching per (country, text)
/// within one import.
///
/// Countries come back as ISO 3166-1 alpha-2 codes (`US`), states as full
/// ISO 3166-2 codes (`US-CA`). Text that no single answer clearly fits is
/// refused with a message a person can act on and up to three suggestions.
///
/// ```
/// use intake::geo::PlaceMatcher;
///
/// let mut places = PlaceMatcher::new();
/// assert_eq!(places.country("U.S.A.").unwrap(), "US");
/// assert_eq!(places.state("US", "Califronia").unwrap(), "US-CA");
/// assert_eq!(places.state("DE", "Bavaria").unwrap(), "DE-BY");
///
/// let err = places.state("US", "Carolina").unwrap_err();
/// assert_eq!(err.code.as_str(), "unknown_state");
/// assert_eq!(err.suggestions, ["North Carolina", "South Carolina"]);
/// ```
#[derive(Debug, Default)]
pub struct PlaceMatcher {
    /// Country text → answer.
    countries: HashMap<String, Result<Text, Invalid>>,
    /// Country text → state text → answer (nested, so that a cached
    /// answer is found without building a key).
    states: HashMap<String, HashMap<String, Result<Text, Invalid>>>,
    /// How many answers `states` holds.
    states_len: usize,
}

impl PlaceMatcher {
    /// A matcher with empty caches. The embedded data is indexed once per
    /// process, on first use.
    ///
    /// ```
    /// use intake::geo::PlaceMatcher;
    /// let mut places = PlaceMatcher::new();
    /// assert_eq!(places.state("CA", "B.C.").unwrap(), "CA-BC");
    /// ```
    pub fn new() -> PlaceMatcher {
        PlaceMatcher::default()
    }

    /// The ISO 3166-1 alpha-2 code (`"US"`) of a country written as an
    /// alpha-2, alpha-3 or numeric code, an English or local name, or a
    /// common form: `us`, `USA`, `U.S.A.`, `United States of America`,
    /// `UK`, `Great Britain`, `Deutschland`, `Germany`, `DEU`, `Mexique`.
    /// Case, accents and punctuation are ignored; a misspelling is accepted
    /// only when one country is clearly the closest.
    ///
    /// Fails with `unknown_country`.
    ///
    /// ```
    /// use intake::geo::PlaceMatcher;
    ///
    /// let mut places = PlaceMatcher::new();
    /// assert_eq!(places.country("United States of America").unwrap(), "US");
    /// assert_eq!(places.country("Great Britain").unwrap(), "GB");
    /// assert_eq!(places.country("DEU").unwrap(), "DE");
    /// assert_eq!(places.country("Deutschland").unwrap(), "DE");
    /// assert_eq!(places.country("Germnay").unwrap(), "DE");
    /// assert_eq!(places.country("Atlantis").unwrap_err().code.as_str(), "unknown_country");
    /// ```
    pub fn country(&mut self, input: &str) -> Result<Text, Invalid> {
        if let Some(found) = self.countries.get(input) {
            return found.clone();
        }
        let found =
            match_country(input).map(|i| index().countries.get(i).map(|c| c.alpha2.clone()));
        let found = match found {
            Ok(Some(alpha2)) => Ok(Text::from(alpha2)),
            Ok(None) => Err(country_error(input, &[])),
            Err(e) => Err(e),
        };
        if self.countries.len() < CACHE_LIMIT && input.len() <= 4 * MAX_INPUT_CHARS {
            self.countries.insert(input.to_string(), found.clone());
        }
        found
    }

    /// The full ISO 3166-2 code (`"US-CA"`) of a state (province, region,
    /// prefecture, …) of `country`, an alpha-2 code (any form
    /// [`country`](PlaceMatcher::country) accepts works).
    ///
    /// Accepted: codes with or without the country prefix (`CA`, `US-CA`,
    /// `B.C.`), official and alternate names in any case with accents,
    /// spacing and punctuation ignored (`Tôkyô` = `Tokyo`, `Bavaria` =
    /// `Bayern`), common abbreviations (`Calif.`, `N. Carolina`, `NSW`), and
    /// misspellings when one state is clearly the closest (`Califronia`).
    ///
    /// A place ISO lists twice, as a region and as its only subdivision,
    /// is one place with one code: the code of the level the country's
    /// postal addresses name. For Spain's single-province communities that
    /// is the province, as Spanish addresses and postal codes go by
    /// province: `Navarra`, `Comunidad Foral de Navarra`, `ES-NC` and
    /// `ES-NA` all give `ES-NA`; likewise `ES-S` Cantabria (for `ES-CB`),
    /// `ES-LO` La Rioja (`ES-RI`), `ES-O` Asturias (`ES-AS`), `ES-MU` Murcia
    /// (`ES-MC`), `ES-M` Madrid (`ES-MD`) and `ES-PM` Illes Balears
    /// (`ES-IB`). ISO's inverted names are read both ways round
    /// (`Asturias, Principado de` = `Principado de Asturias`).
    ///
    /// Fails with `unknown_state` for text that is not a state of the
    /// country, or that could be more than one (`Carolina`, `Dakota`,
    /// `New`, a county since split such as `Northamptonshire`), a city, or a
    /// state of another country, with up to three suggestions; with
    /// `unknown_country` if `country` is not one.
    ///
    /// ```
    /// use intake::geo::PlaceMatcher;
    ///
    /// let mut places = PlaceMatcher::new();
    /// assert_eq!(places.state("US", "ca").unwrap(), "US-CA");
    /// assert_eq!(places.state("US", "US-CA").unwrap(), "US-CA");
    /// assert_eq!(places.state("US", "N. Carolina").unwrap(), "US-NC");
    /// assert_eq!(places.state("JP", "Tôkyô").unwrap(), "JP-13");
    /// assert_eq!(places.state("CA", "Québec").unwrap(), "CA-QC");
    /// assert_eq!(places.state("ES", "Navarra").unwrap(), "ES-NA");
    /// assert_eq!(places.state("ES", "ES-NC").unwrap(), "ES-NA");
    /// assert_eq!(places.state("ES", "Asturias, Principado de").unwrap(), "ES-O");
    ///
    /// let err = places.state("US", "Atlantis").unwrap_err();
    /// assert_eq!(err.message, "'Atlantis' is not a state of United States.");
    /// let err = places.state("US", "Ontario").unwrap_err();
    /// assert_eq!(err.code.as_str(), "unknown_state");
    /// ```
    pub fn state(&mut self, country: &str, input: &str) -> Result<Text, Invalid> {
        if let Some(found) = self.states.get(country).and_then(|s| s.get(input)) {
            return found.clone();
        }
        let found = match self.country(country) {
            Ok(alpha2) => match index().country_index(&alpha2) {
                Some(c) => match_state(c, input).map(Text::from),
                None => Err(country_error(country, &[])),
            },
            Err(_) => {
                let message = if country.trim().is_empty() {
                    place::state_without_country_given(input.trim())
                } else {
                    place::state_of_unknown_country(country.trim(), input.trim())
                };
                Err(Invalid::new(ProblemCode::UnknownCountry, message))
            }
        };
        if self.states_len < CACHE_LIMIT
            && country.len() <= 4 * MAX_INPUT_CHARS
            && input.len() <= 4 * MAX_INPUT_CHARS
        {
            self.states_len += 1;
            self.states
                .entry(country.to_string())
                .or_default()
                .insert(input.to_string(), found.clone());
        }
        found
    }

    /// The English name of a country by its alpha-2 code, for messages:
    /// the short ISO name, or the name people use where that is long
    /// (`United States`, `United Kingdom`, `South Korea`).
    ///
    /// ```
    /// use intake::geo::PlaceMatcher;
    /// assert_eq!(PlaceMatcher::country_name("US").as_deref(), Some("United States"));
    /// assert_eq!(PlaceMatcher::country_name("de").as_deref(), Some("Germany"));
    /// assert_eq!(PlaceMatcher::country_name("XX"), None);
    /// ```
    pub fn country_name(alpha2: &str) -> Option<String> {
        let code = alpha2.trim();
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let i = index().country_index(&code.to_ascii_uppercase())?;
        index().countries.get(i).map(|c| c.name.clone())
    }
}

/// The index of the country `input` names, as a whole or, failing that, in
/// parts that agree (`Germany (DE)`).
fn match_country(input: &str) -> Result<usize, Invalid> {
    let whole = match_country_whole(input);
    if whole.is_ok() {
        return whole;
    }
    match agreeing_parts(input, match_country_whole) {
        Some(i) => Ok(i),
        None => whole,
    }
}

/// The index of the country `input` names.
fn match_country_whole(input: &str) -> Result<usize, Invalid> {
    let idx = index();
    let text = input.trim();
    if text.is_empty() {
        return Err(Invalid::new(
            ProblemCode::UnknownCountry,
            place::COUNTRY_EMPTY.to_string(),
        ));
    }
    if text.chars().nth(MAX_INPUT_CHARS).is_some() {
        return Err(country_error(text, &[]));
    }
    let words = words(text);
    let plain = words.concat();
    if plain.is_empty() {
        return Err(country_error(text, &[]));
    }
    if is_placeholder(&words) {
        return Err(country_error(text, &[]));
    }
    if let Some(&i) = idx.country_codes.get(&plain).filter(|_| code_like(text)) {
        return Ok(i);
    }
    let canon = canonical(words.clone()).concat();
    let mut keys = vec![canon.clone()];
    keys.extend(variants(&words, &canon, &HashSet::new()));
    keys.extend(inverted(text));
    for key in &keys {
        match exact(&idx.country_names, key) {
            Found::One(i) => return Ok(i),
            Found::Ambiguous(ids) => {
                let names: Vec<String> = ids.iter().filter_map(|&i| idx.country_label(i)).collect();
                return Err(refused_country(text, &names, true));
            }
            Found::None => {}
        }
    }
    // A state typed as a country is not a misspelt country.
    let is_a_state = keys
        .iter()
        .any(|k| idx.state_names().contains_key(k.as_str()));
    if !is_a_state {
        if let Some(i) = fuzzy(&idx.country_fuzzy, &canon).or_else(|| {
            (plain != canon)
                .then(|| fuzzy(&idx.country_fuzzy, &plain))
                .flatten()
        }) {
            return Ok(i);
        }
    }
    let names: Vec<String> = suggest(&idx.country_fuzzy, &canon)
        .into_iter()
        .filter_map(|i| idx.country_label(i))
        .collect();
    Err(country_error(text, &names))
}

/// The full code of the state of `country` (an index) that `input` names,
/// as a whole or, failing that, in parts that agree (`CA - California`,
/// `NY/New York`).
fn match_state(country: usize, input: &str) -> Result<String, Invalid> {
    let whole = match_state_whole(country, input);
    if whole.is_ok() {
        return whole;
    }
    match agreeing_parts(input, |part| match_state_whole(country, part)) {
        Some(code) => Ok(code),
        None => whole,
    }
}

/// The answer for each part of `text` split at brackets, slashes and
/// spaced dashes, when there are two to four parts and all of them have
/// the same answer.
fn agreeing_parts<T: PartialEq>(
    text: &str,
    answer: impl Fn(&str) -> Result<T, Invalid>,
) -> Option<T> {
    if text.chars().nth(MAX_INPUT_CHARS).is_some() {
        return None;
    }
    let parts: Vec<&str> = text
        .split(" - ")
        .flat_map(|p| p.split(" – "))
        .flat_map(|p| p.split(['(', ')', '[', ']', '/']))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if !(2..=4).contains(&parts.len()) {
        return None;
    }
    let mut agreed: Option<T> = None;
    for part in parts {
        let found = answer(part).ok()?;
        match &agreed {
            Some(a) if *a != found => return None,
            Some(_) => {}
            None => agreed = Some(found),
        }
    }
    agreed
}

/// The full code of the state of `country` (an index) that `input` names.
fn match_state_whole(country: usize, input: &str) -> Result<String, Invalid> {
    let idx = index();
    let Some(c) = idx.countries.get(country) else {
        return Err(Invalid::new(
            ProblemCode::UnknownCountry,
            place::COUNTRY_NOT_RECOGNISED.to_string(),
        ));
    };
    let text = input.trim();
    if text.is_empty() {
        return Err(Invalid::new(
            ProblemCode::UnknownState,
            place::state_empty(&c.name),
        ));
    }
    if text.chars().nth(MAX_INPUT_CHARS).is_some() {
        return Err(state_error(c, text, Refusal::Unknown, &[]));
    }
    let states = c.states();
    if states.subs.is_empty() {
        return Err(state_error(c, text, Refusal::NoStates, &[]));
    }
    let words = words(text);
    let plain = words.concat();
    if plain.is_empty() {
        return Err(state_error(c, text, Refusal::Unknown, &[]));
    }
    if is_placeholder(&words) {
        return Err(state_error(c, text, Refusal::Unknown, &[]));
    }
    // 1. A code, with or without the country prefix (`CA`, `US-CA`,
    // `US CA`; not `USCA`, which could be a word).
    let code = match words.as_slice() {
        [prefix, region] if *prefix == c.prefix => region,
        _ => &plain,
    };
    match states
        .codes
        .get(code)
        .filter(|_| code_like(text))
        .map(Vec::as_slice)
    {
        Some([one]) => return c.code_of(*one),
        Some(many) if many.len() > 1 => {
            return Err(state_error(c, text, Refusal::Ambiguous, many));
        }
        _ => {}
    }
    // 2-3. A name, as written, then without designators.
    let canon = canonical(words.clone()).concat();
    let mut keys = vec![canon.clone()];
    keys.extend(variants(&words, &canon, &c.own_names));
    keys.extend(inverted(text));
    for key in &keys {
        match exact(&states.names, key) {
            Found::One(i) => return c.code_of(i),
            Found::Ambiguous(ids) => return Err(state_error(c, text, Refusal::Ambiguous, &ids)),
            Found::None => {}
        }
    }
    // A state of another country: refuse, and say whose it is.
    let mut elsewhere: Vec<usize> = keys
        .iter()
        .filter(|k| k.chars().count() >= 4)
        .filter_map(|k| idx.state_names().get(k.as_str()))
        .flatten()
        .copied()
        .filter(|&i| i != country)
        .collect();
    elsewhere.sort_unstable();
    elsewhere.dedup();
    if !elsewhere.is_empty() {
        return Err(state_error(c, text, Refusal::Elsewhere(elsewhere), &[]));
    }
    // 4. A misspelling, when one state is clearly the closest.
    if let Some(i) = fuzzy(&states.fuzzy, &canon).or_else(|| {
        (plain != canon)
            .then(|| fuzzy(&states.fuzzy, &plain))
            .flatten()
    }) {
        return c.code_of(i);
    }
    let close = suggest(&states.fuzzy, &canon);
    Err(state_error(c, text, Refusal::Unknown, &close))
}

/// What an exact lookup found.
enum Found {
    One(usize),
    Ambiguous(Vec<usize>),
    None,
}

/// The entries whose strongest name is `key`.
fn exact(names: &HashMap<String, Vec<(u8, usize)>>, key: &str) -> Found {
    let Some(hits) = names.get(key) else {
        return Found::None;
    };
    let Some(best) = hits.iter().map(|&(tier, _)| tier).min() else {
        return Found::None;
    };
    let mut ids: Vec<usize> = hits
        .iter()
        .filter(|&&(tier, _)| tier == best)
        .map(|&(_, i)| i)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    match ids.as_slice() {
        [] => Found::None,
        [one] => Found::One(*one),
        _ => Found::Ambiguous(ids),
    }
}

/// Whether `text` could be a code: ASCII letters and digits, with at most
/// dots, spaces, dashes and underscores between them (`US-CA`, `B.C.`),
/// not `N/A` or `Lú`.
fn code_like(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
}

/// `N/A`, `n.a.`, `N A`: "not applicable", not Namibia (`NA` alone still
/// is).
fn is_placeholder(words: &[String]) -> bool {
    words.len() == 2
        && words.first().is_some_and(|w| w == "n")
        && words.get(1).is_some_and(|w| w == "a")
}

/// Why a state was refused.
enum Refusal {
    Unknown,
    Ambiguous,
    NoStates,
    /// A state of these other countries.
    Elsewhere(Vec<usize>),
}

fn state_error(c: &CountryData, text: &str, why: Refusal, ids: &[usize]) -> Invalid {
    let country = &c.name;
    let mut suggestions: Vec<String> = ids
        .iter()
        .take(MAX_SUGGESTIONS)
        .filter_map(|&i| c.states().subs.get(i))
        .map(|s| s.name.clone())
        .collect();
    // Two suggestions of one name: tell them apart by code.
    let same_names = suggestions
        .iter()
        .enumerate()
        .any(|(i, a)| suggestions.iter().skip(i + 1).any(|b| a == b));
    if same_names {
        suggestions = ids
            .iter()
            .take(MAX_SUGGESTIONS)
            .filter_map(|&i| c.states().subs.get(i))
            .map(|s| place::state_with_code(&s.name, &s.code))
            .collect();
    }
    let message = match why {
        Refusal::Ambiguous => place::ambiguous_state(text, country),
        Refusal::NoStates => place::state_of_none(text, country),
        Refusal::Unknown => place::not_a_state(text, country),
        Refusal::Elsewhere(others) => {
            let names: Vec<String> = others
                .iter()
                .filter_map(|&i| index().country_label(i))
                .collect();
            place::state_elsewhere(text, country, &names)
        }
    };
    let message = place::with_suggestions(message, &suggestions);
    let mut err = Invalid::new(ProblemCode::UnknownState, message);
    err.suggestions = suggestions;
    err
}

fn country_error(text: &str, suggestions: &[String]) -> Invalid {
    refused_country(text, suggestions, false)
}

/// A refusal of `text` as a country, `ambiguous` if it names several.
fn refused_country(text: &str, suggestions: &[String], ambiguous: bool) -> Invalid {
    let message = if ambiguous {
        place::ambiguous_country(text.trim())
    } else {
        place::unknown_country(text.trim())
    };
    let suggestions: Vec<String> = suggestions.iter().take(MAX_SUGGESTIONS).cloned().collect();
    let message = place::with_suggestions(message, &suggestions);
    let mut err = Invalid::new(ProblemCode::UnknownCountry, message);
    err.suggestions = suggestions;
    err
}
