//! Countries and states as people type them, matched to ISO 3166 codes.
//!
//! The data is embedded: every country of ISO 3166-1 and every subdivision
//! of ISO 3166-2 with their alternate names, from the `keshvar` crate
//! (BSD-3-Clause), plus tables below of what people write that the data
//! lacks (US postal abbreviations such as `Calif.`, English names such as
//! `Tuscany`, Japanese prefecture names in kanji, ISO's own current names).
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
//! has no parents, so these pairs are listed (see [`SAME_PLACES`]), taken
//! from ISO's parent data; a rule on names alone would be wrong (`Saaremaa`
//! is an Estonian county and one of its three parishes; `Veszprém` a
//! Hungarian county and its county town).
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

use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::record::Text;
use crate::report::ProblemCode;
use crate::validate::{quote, Invalid};

/// Longer text is no place name (the longest are about 60 characters).
const MAX_INPUT_CHARS: usize = 100;
/// Entries each cache of a [`PlaceMatcher`] holds at most, so a file of
/// distinct junk cannot grow it without bound.
const CACHE_LIMIT: usize = 20_000;
/// Suggestions an error carries at most.
const MAX_SUGGESTIONS: usize = 3;
/// How close a suggestion must be (Jaro-Winkler similarity).
const SUGGEST_SIMILARITY: f64 = 0.86;

/// Strength of a name: an official name beats an alternate one.
const OFFICIAL: u8 = 0;
const ALTERNATE: u8 = 1;

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
                    format!(
                        "No country is given, so the state {} cannot be checked.",
                        quote(input.trim())
                    )
                } else {
                    format!(
                        "{} is not a recognised country, so the state {} cannot be checked.",
                        quote(country.trim()),
                        quote(input.trim())
                    )
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

// ---------------------------------------------------------------------------
// Matching

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
            "The country is empty: write a country.".to_string(),
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
    let is_a_state = keys.iter().any(|k| idx.state_names.contains_key(k));
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
            "The country is not recognised.".to_string(),
        ));
    };
    let text = input.trim();
    if text.is_empty() {
        return Err(Invalid::new(
            ProblemCode::UnknownState,
            format!("The state is empty: write a state of {}.", c.name),
        ));
    }
    if text.chars().nth(MAX_INPUT_CHARS).is_some() {
        return Err(state_error(c, text, Refusal::Unknown, &[]));
    }
    if c.subs.is_empty() {
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
    match c
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
        match exact(&c.names, key) {
            Found::One(i) => return c.code_of(i),
            Found::Ambiguous(ids) => return Err(state_error(c, text, Refusal::Ambiguous, &ids)),
            Found::None => {}
        }
    }
    // A state of another country: refuse, and say whose it is.
    let mut elsewhere: Vec<usize> = keys
        .iter()
        .filter(|k| k.chars().count() >= 4)
        .filter_map(|k| idx.state_names.get(k))
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
    if let Some(i) = fuzzy(&c.fuzzy, &canon)
        .or_else(|| (plain != canon).then(|| fuzzy(&c.fuzzy, &plain)).flatten())
    {
        return c.code_of(i);
    }
    let close = suggest(&c.fuzzy, &canon);
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

/// Edits a misspelling of `len` letters may have.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=9 => 1,
        10..=14 => 2,
        _ => 3,
    }
}

/// A name in a fuzzy pool: its key, the key's length in characters, and
/// the entry it names.
struct Spelling {
    key: String,
    len: usize,
    /// The letters of `key`, as a set (see [`letters`]).
    letters: u64,
    id: usize,
}

/// The set of characters of `key`, folded onto 64 bits. Every character of
/// one key missing from another takes an edit, so the larger count of
/// missing characters either way is a lower bound of their distance.
fn letters(key: &str) -> u64 {
    key.chars().fold(0, |set, c| set | 1 << (c as u32 % 64))
}

/// The entry `key` is a clear misspelling of: within the allowed edits,
/// with the same first letter (people rarely get that wrong) and not a
/// plural of it (`Virginias` names several places), while every other
/// entry, by any of its names, is at least two edits further.
fn fuzzy(pool: &[Spelling], key: &str) -> Option<usize> {
    let len = key.chars().count();
    let allowed = allowed_edits(len);
    if allowed == 0 {
        return None;
    }
    let first = key.chars().next();
    let mask = letters(key);
    let reach = allowed + 2;
    // Per entry: the distance of its closest name, and of its closest name
    // that could be the answer.
    let mut best: HashMap<usize, (usize, Option<usize>)> = HashMap::new();
    for s in pool {
        let missing = (mask & !s.letters)
            .count_ones()
            .max((s.letters & !mask).count_ones());
        if s.len.abs_diff(len) > reach || missing as usize > reach {
            continue;
        }
        let d = strsim::osa_distance(key, &s.key);
        if d > reach {
            continue;
        }
        let plural = key.strip_suffix('s') == Some(s.key.as_str()) && !s.key.ends_with('s');
        let candidate = s.key.chars().next() == first && !plural;
        let e = best.entry(s.id).or_insert((d, None));
        e.0 = e.0.min(d);
        if candidate {
            e.1 = Some(e.1.map_or(d, |c| c.min(d)));
        }
    }
    let (id, d1) = best
        .iter()
        .filter_map(|(&id, &(_, cand))| cand.map(|c| (id, c)))
        .min_by_key(|&(id, c)| (c, id))?;
    if d1 > allowed {
        return None;
    }
    let rival = best
        .iter()
        .filter(|&(other, _)| *other != id)
        .any(|(_, &(any, _))| any < d1 + 2);
    (!rival).then_some(id)
}

/// Up to three entries close to `key`, closest first: names that contain
/// it, then names similar to it.
fn suggest(pool: &[Spelling], key: &str) -> Vec<usize> {
    let len = key.chars().count();
    if len < 3 {
        return Vec::new();
    }
    // A fragment (`Carolina`): the names that contain it; else names that
    // look like it.
    let fragment = pool.iter().any(|s| s.key.contains(key));
    let mask = letters(key);
    let mut best: HashMap<usize, f64> = HashMap::new();
    for s in pool {
        let near = (s.len.abs_diff(len) <= len / 3 + 1
            && ((mask & !s.letters).count_ones() as usize) <= len / 3 + 1)
            || s.key.get(..3).is_some_and(|p| key.starts_with(p));
        let score = if s.key.contains(key) {
            0.9 + 0.1 * (len as f64 / s.len.max(1) as f64)
        } else if len >= 4 && !fragment && near {
            strsim::jaro_winkler(key, &s.key)
        } else {
            0.0
        };
        if score >= SUGGEST_SIMILARITY {
            let e = best.entry(s.id).or_insert(score);
            *e = e.max(score);
        }
    }
    let mut ranked: Vec<(f64, usize)> = best.into_iter().map(|(id, s)| (s, id)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, id)| id)
        .collect()
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
    let shown = quote(text);
    let country = &c.name;
    let mut suggestions: Vec<String> = ids
        .iter()
        .take(MAX_SUGGESTIONS)
        .filter_map(|&i| c.subs.get(i))
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
            .filter_map(|&i| c.subs.get(i))
            .map(|s| format!("{} ({})", s.name, s.code))
            .collect();
    }
    let mut message = match why {
        Refusal::Ambiguous => format!("{shown} could be more than one state of {country}."),
        Refusal::NoStates => format!("{shown} is not a state of {country}, which has none."),
        Refusal::Unknown => format!("{shown} is not a state of {country}."),
        Refusal::Elsewhere(others) => {
            let names: Vec<String> = others
                .iter()
                .filter_map(|&i| index().country_label(i))
                .collect();
            match names.as_slice() {
                [one] => format!("{shown} is not a state of {country}; it is in {one}."),
                [a, b] => format!("{shown} is not a state of {country}; it is in {a} or {b}."),
                _ => format!("{shown} is not a state of {country}."),
            }
        }
    };
    if !suggestions.is_empty() {
        message.push_str(&format!(" Did you mean: {}?", suggestions.join(", ")));
    }
    let mut err = Invalid::new(ProblemCode::UnknownState, message);
    err.suggestions = suggestions;
    err
}

fn country_error(text: &str, suggestions: &[String]) -> Invalid {
    refused_country(text, suggestions, false)
}

/// A refusal of `text` as a country, `ambiguous` if it names several.
fn refused_country(text: &str, suggestions: &[String], ambiguous: bool) -> Invalid {
    let shown = quote(text.trim());
    let mut message = if ambiguous {
        format!("{shown} could be more than one country.")
    } else {
        format!("{shown} is not a recognised country.")
    };
    let suggestions: Vec<String> = suggestions.iter().take(MAX_SUGGESTIONS).cloned().collect();
    if !suggestions.is_empty() {
        message.push_str(&format!(" Did you mean: {}?", suggestions.join(", ")));
    }
    let mut err = Invalid::new(ProblemCode::UnknownCountry, message);
    err.suggestions = suggestions;
    err
}

// ---------------------------------------------------------------------------
// Folding text to keys

/// The words of `text`, folded: compatibility-decomposed, combining marks
/// dropped, lower-cased, letters without a decomposition spelled out
/// (`ß` → `ss`, `ø` → `o`); anything but a letter or digit separates words,
/// and `&` is the word `and`.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            match c {
                'ß' | 'ẞ' => word.push_str("ss"),
                'æ' | 'Æ' => word.push_str("ae"),
                'œ' | 'Œ' => word.push_str("oe"),
                'ø' | 'Ø' => word.push('o'),
                'đ' | 'Đ' | 'ð' | 'Ð' => word.push('d'),
                'ł' | 'Ł' => word.push('l'),
                'þ' | 'Þ' => word.push_str("th"),
                'ı' => word.push('i'),
                _ => word.extend(c.to_lowercase().filter(|l| !is_combining_mark(*l))),
            }
        } else {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if c == '&' {
                words.push("and".to_string());
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Words with abbreviations people use for common words spelled out
/// (`St.` → `saint`, a leading `N.` → `north`), `northern` and the like
/// read as `north` in names of several words (`W. Australia` = `Western
/// Australia`), and a leading `the` dropped.
/// Applied alike to names and to input, so both meet in the middle.
fn canonical(mut words: Vec<String>) -> Vec<String> {
    for w in words.iter_mut() {
        let full = match w.as_str() {
            "st" | "sankt" => "saint",
            "ste" => "sainte",
            "mt" => "mount",
            "ft" => "fort",
            _ => continue,
        };
        *w = full.to_string();
    }
    if words.len() >= 2 {
        for w in words.iter_mut() {
            let short = match w.as_str() {
                "northern" => "north",
                "southern" => "south",
                "eastern" => "east",
                "western" => "west",
                _ => continue,
            };
            *w = short.to_string();
        }
        if let Some(first) = words.first_mut() {
            let full = match first.as_str() {
                "n" | "no" | "nth" => Some("north"),
                "s" | "so" | "sth" => Some("south"),
                "e" => Some("east"),
                "w" => Some("west"),
                _ => None,
            };
            if let Some(full) = full {
                *first = full.to_string();
            }
        }
        if words.first().is_some_and(|w| w == "the") {
            words.remove(0);
        }
    }
    words
}

/// Words that say what kind of place follows or precedes a name.
const DESIGNATOR_PREFIXES: &[&[&str]] = &[
    &["state", "of"],
    &["province", "of"],
    &["provincia", "de"],
    &["provincia", "di"],
    &["canton", "of"],
    &["canton", "de"],
    &["kanton"],
    &["county"],
    &["co"],
    &["estado", "de"],
    &["prefecture", "of"],
];
const DESIGNATOR_SUFFIXES: &[&[&str]] = &[
    &["state"],
    &["province"],
    &["prefecture"],
    &["ken"],
    &["fu"],
    &["to"],
    &["canton"],
    &["county"],
    &["territory"],
];
/// Kanji suffixes of Japanese prefectures (都 Tokyo, 道 Hokkaido, 府 Osaka
/// and Kyoto, 県 the rest).
const KANJI_SUFFIXES: &[char] = &['都', '道', '府', '県'];

/// Other keys to try for input whose key is `canon`: as written without
/// abbreviations spelled out, without designators (`New York State`,
/// `Tokyo-to`, `東京都`), without a trailing name of the country
/// (`Queensland, Australia`: `country` holds the keys of its names), and
/// with a leading `N.` read as `new` (`N. Hampshire`).
fn variants(words: &[String], canon: &str, country: &HashSet<String>) -> Vec<String> {
    let mut out: Vec<String> = vec![words.concat()];
    let canon_words = canonical(words.to_vec());
    for split in 1..canon_words.len() {
        let tail: String = canon_words.iter().skip(split).map(String::as_str).collect();
        if country.contains(&tail) {
            out.push(canon_words.iter().take(split).map(String::as_str).collect());
        }
    }
    if words.len() >= 2 && words.first().is_some_and(|w| w == "n") {
        out.push(format!(
            "new{}",
            words.iter().skip(1).map(String::as_str).collect::<String>()
        ));
    }
    for prefix in DESIGNATOR_PREFIXES {
        if canon_words.len() > prefix.len()
            && canon_words.iter().zip(prefix.iter()).all(|(a, b)| a == b)
        {
            out.push(
                canon_words
                    .iter()
                    .skip(prefix.len())
                    .map(String::as_str)
                    .collect(),
            );
        }
    }
    for suffix in DESIGNATOR_SUFFIXES {
        let n = canon_words.len();
        if n > suffix.len()
            && canon_words
                .iter()
                .skip(n - suffix.len())
                .zip(suffix.iter())
                .all(|(a, b)| a == b)
        {
            out.push(
                canon_words
                    .iter()
                    .take(n - suffix.len())
                    .map(String::as_str)
                    .collect(),
            );
        }
    }
    if !canon.is_ascii() && canon.chars().count() >= 3 {
        if let Some(stripped) = canon.strip_suffix(KANJI_SUFFIXES) {
            out.push(stripped.to_string());
        }
    }
    out.retain(|k| !k.is_empty() && k != canon);
    out.dedup();
    out
}

/// The key of `text` read the other way round at its one comma, as ISO
/// writes some names (`Rioja, La`, `Navarra, Comunidad Foral de`), so that
/// such input meets a name the data writes in reading order.
fn inverted(text: &str) -> Option<String> {
    let (head, tail) = text.split_once(',')?;
    if tail.contains(',') {
        return None;
    }
    let key = canonical(words(&format!("{tail} {head}"))).concat();
    (!key.is_empty()).then_some(key)
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

/// The key of a code: its letters and digits, lower-cased.
fn code_key(text: &str) -> String {
    words(text).concat()
}

/// The keys a name is found by: the name itself and its parts and
/// rearrangements (`Cardiff [Caerdydd GB-CRD]` → `Cardiff`, `Caerdydd`;
/// `Zürich (de)` → `Zürich`; `Coruña, A` → `A Coruña`; `Korea (Republic
/// of)` → `Korea`, `Republic of Korea`; `Alicante/Alacant` → both;
/// `Thüringen` → also `Thueringen`), each with its strength.
fn name_keys(name: &str, tier: u8) -> Vec<(String, u8)> {
    let mut forms: Vec<(String, u8)> = Vec::new();
    let mut push = |form: &str, tier: u8| {
        let form = form.trim();
        if !form.is_empty() {
            forms.push((form.to_string(), tier));
        }
    };
    push(name, tier);
    // "Main [Alternate XX-YYY]": both, without the alternate code.
    let (main, bracket) = split_enclosed(name, '[', ']');
    push(&main, tier);
    for alt in bracket {
        let alt: Vec<&str> = alt
            .split_whitespace()
            .filter(|w| !looks_like_code(w))
            .collect();
        push(&alt.join(" "), ALTERNATE.max(tier));
    }
    // Language-tagged parts: "Biel (de) Bienne (fr)".
    for part in language_parts(&main) {
        push(&part, tier);
    }
    // "(…)": dropped; "Korea (Republic of)" → "Republic of Korea".
    let (base, parens) = split_enclosed(&main, '(', ')');
    push(&base, tier);
    for p in parens {
        let p = p.trim();
        if p.ends_with(" of") || p.ends_with(" of the") {
            push(&format!("{p} {base}"), tier);
        }
    }
    // "Edinburgh, City of" → "City of Edinburgh"; "Coruña, A" → "A Coruña".
    if let Some((head, tail)) = base.split_once(',') {
        if !tail.contains(',') {
            push(&format!("{} {}", tail.trim(), head.trim()), tier);
        }
    }
    // "Alicante/Alacant".
    if base.contains('/') {
        for part in base.split('/') {
            push(part, tier);
        }
    }
    let mut with_variants: Vec<(String, u8)> = Vec::new();
    for (form, tier) in forms {
        // German umlauts are also written ae, oe, ue.
        if form.contains(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü']) {
            let spelled: String = form
                .chars()
                .flat_map(|c| match c {
                    'ä' => "ae".chars().collect::<Vec<_>>(),
                    'ö' => "oe".chars().collect(),
                    'ü' => "ue".chars().collect(),
                    'Ä' => "Ae".chars().collect(),
                    'Ö' => "Oe".chars().collect(),
                    'Ü' => "Ue".chars().collect(),
                    c => vec![c],
                })
                .collect();
            with_variants.push((spelled, tier));
        }
        // "La Réunion" → also "Réunion".
        let w = words(&form);
        if w.len() >= 2
            && w.first()
                .is_some_and(|a| matches!(a.as_str(), "la" | "le" | "les" | "l"))
        {
            with_variants.push((
                w.iter().skip(1).cloned().collect::<Vec<_>>().join(" "),
                ALTERNATE,
            ));
        }
        with_variants.push((form, tier));
    }
    let mut keys: Vec<(String, u8)> = with_variants
        .into_iter()
        .flat_map(|(form, tier)| {
            // Also as written where spelling out shortened it (`northern` →
            // `north`), so a misspelling of the full word is still near.
            let w = words(&form);
            let plain = w.concat();
            let canon = canonical(w).concat();
            let plain = (plain.len() > canon.len()).then_some((plain, tier));
            std::iter::once((canon, tier)).chain(plain)
        })
        .filter(|(key, _)| !key.is_empty())
        .collect();
    keys.sort();
    keys.dedup_by(|a, b| a.0 == b.0);
    keys
}

/// `text` without its `open`…`close` groups, and the groups' contents.
fn split_enclosed(text: &str, open: char, close: char) -> (String, Vec<String>) {
    let mut outside = String::new();
    let mut groups = Vec::new();
    let mut inside: Option<String> = None;
    for c in text.chars() {
        match (&mut inside, c) {
            (None, c) if c == open => inside = Some(String::new()),
            (Some(group), c) if c == close => {
                groups.push(std::mem::take(group));
                inside = None;
            }
            (Some(group), c) => group.push(c),
            (None, c) => outside.push(c),
        }
    }
    if let Some(group) = inside {
        outside.push_str(&group);
    }
    (
        outside.split_whitespace().collect::<Vec<_>>().join(" "),
        groups,
    )
}

/// Parts of a name tagged with their language: `Biel (de) Bienne (fr)` →
/// `Biel`, `Bienne`. Empty if the name has no such tags.
fn language_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = name;
    while let Some(open) = rest.find('(') {
        let after = rest.get(open + 1..).unwrap_or("");
        let Some(close) = after.find(')') else { break };
        let tag = after.get(..close).unwrap_or("");
        if !(2..=3).contains(&tag.len()) || !tag.chars().all(|c| c.is_ascii_lowercase()) {
            break;
        }
        parts.push(rest.get(..open).unwrap_or("").trim().to_string());
        rest = after.get(close + 1..).unwrap_or("");
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// `GB-CRD`: an ISO 3166-2 code inside a name.
fn looks_like_code(word: &str) -> bool {
    match word.split_once('-') {
        Some((country, region)) => {
            country.len() == 2
                && country.chars().all(|c| c.is_ascii_uppercase())
                && !region.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
        None => false,
    }
}

/// Whether `text` has a Latin letter (so a person reading English can read
/// it as a name).
fn is_latin(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| (c as u32) < 0x0250 || ('\u{1E00}'..='\u{1EFF}').contains(&c))
}

// ---------------------------------------------------------------------------
// The index

/// A subdivision.
struct Sub {
    /// Full ISO 3166-2 code: `US-CA`.
    code: String,
    /// Name for messages.
    name: String,
}

/// A country and the index of its subdivisions.
struct CountryData {
    alpha2: String,
    /// Key of the alpha-2 code, as it prefixes full codes: `us`.
    prefix: String,
    /// English name for messages.
    name: String,
    subs: Vec<Sub>,
    /// Key of a region code (`ca`) → subdivisions.
    codes: HashMap<String, Vec<usize>>,
    /// Name key → (strength, subdivision).
    names: HashMap<String, Vec<(u8, usize)>>,
    /// Name keys long enough to be misspelt.
    fuzzy: Vec<Spelling>,
    /// Keys of the country's own names and codes (`australia`, `au`).
    own_names: HashSet<String>,
}

impl CountryData {
    fn code_of(&self, i: usize) -> Result<String, Invalid> {
        match self.subs.get(i) {
            Some(s) => Ok(s.code.clone()),
            None => Err(Invalid::new(
                ProblemCode::UnknownState,
                format!("That is not a state of {}.", self.name),
            )),
        }
    }
}

struct Index {
    /// Sorted by alpha-2.
    countries: Vec<CountryData>,
    /// Code key (`us`, `usa`, `840`) → country.
    country_codes: HashMap<String, usize>,
    /// Name key → (strength, country).
    country_names: HashMap<String, Vec<(u8, usize)>>,
    country_fuzzy: Vec<Spelling>,
    /// Name key of a subdivision anywhere → the countries that have one.
    state_names: HashMap<String, Vec<usize>>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(Index::build)
}

impl Index {
    fn country_index(&self, alpha2: &str) -> Option<usize> {
        self.countries
            .binary_search_by(|c| c.alpha2.as_str().cmp(alpha2))
            .ok()
    }

    fn country_label(&self, i: usize) -> Option<String> {
        self.countries.get(i).map(|c| c.name.clone())
    }

    fn build() -> Index {
        let mut all: Vec<keshvar::Country> = keshvar::CountryIterator::new().collect();
        all.sort_by_key(|c| c.alpha2().to_string());

        let mut countries = Vec::with_capacity(all.len());
        let mut country_codes = HashMap::new();
        let mut country_names: HashMap<String, Vec<(u8, usize)>> = HashMap::new();
        let mut state_names: HashMap<String, Vec<usize>> = HashMap::new();

        for (ci, country) in all.iter().enumerate() {
            let alpha2 = country.alpha2().to_string();
            country_codes.insert(code_key(&alpha2), ci);
            country_codes.insert(code_key(&country.alpha3().to_string()), ci);
            country_codes.insert(code_key(country.number()), ci);

            let mut names: Vec<(&str, u8)> = vec![
                (country.iso_short_name(), OFFICIAL),
                (country.iso_long_name(), OFFICIAL),
            ];
            names.extend(
                country
                    .unofficial_name_list()
                    .iter()
                    .map(|n| (*n, ALTERNATE)),
            );
            names.extend(
                EXTRA_COUNTRY_NAMES
                    .iter()
                    .filter(|(a2, _)| *a2 == alpha2)
                    .flat_map(|(_, list)| list.iter().map(|n| (*n, ALTERNATE))),
            );
            for (name, tier) in names {
                for (key, tier) in name_keys(name, tier) {
                    country_names.entry(key).or_default().push((tier, ci));
                }
            }

            let display = COUNTRY_DISPLAY_NAMES
                .iter()
                .find(|(a2, _)| *a2 == alpha2)
                .map(|(_, n)| n.to_string())
                .unwrap_or_else(|| country.iso_short_name().to_string());

            let data = build_country(alpha2, display, country);
            for key in data.names.keys() {
                state_names.entry(key.clone()).or_default().push(ci);
            }
            countries.push(data);
        }

        for (key, hits) in country_names.iter_mut() {
            hits.sort_unstable();
            hits.dedup();
            for &(_, ci) in hits.iter() {
                if let Some(c) = countries.get_mut(ci) {
                    c.own_names.insert(key.clone());
                }
            }
        }
        for (key, &ci) in &country_codes {
            if let Some(c) = countries.get_mut(ci) {
                c.own_names.insert(key.clone());
            }
        }
        let country_fuzzy = spellings(&country_names);
        Index {
            countries,
            country_codes,
            country_names,
            country_fuzzy,
            state_names,
        }
    }
}

fn build_country(alpha2: String, name: String, country: &keshvar::Country) -> CountryData {
    let entries = entries(&alpha2, country);
    let prefix = code_key(&alpha2);
    let mut subs = Vec::with_capacity(entries.len());
    let mut codes: HashMap<String, Vec<usize>> = HashMap::new();
    let mut names: HashMap<String, Vec<(u8, usize)>> = HashMap::new();

    for (i, entry) in entries.into_iter().enumerate() {
        codes.entry(code_key(&entry.region)).or_default().push(i);
        for former in &entry.former_codes {
            codes.entry(code_key(former)).or_default().push(i);
        }
        for (n, tier) in &entry.names {
            // An alternate code in a name: "Cardiff [Caerdydd GB-CRD]".
            for w in n.split(|c: char| c.is_whitespace() || c == '[' || c == ']') {
                if let Some(alternate) = w
                    .strip_prefix(alpha2.as_str())
                    .and_then(|r| r.strip_prefix('-'))
                    .filter(|_| looks_like_code(w))
                {
                    codes.entry(code_key(alternate)).or_default().push(i);
                }
            }
            for (key, tier) in name_keys(n, *tier) {
                names.entry(key).or_default().push((tier, i));
            }
        }
        subs.push(Sub {
            code: format!("{alpha2}-{}", entry.region),
            name: entry.display,
        });
    }
    redirect(&alpha2, &subs, &mut codes, &mut names);
    for (_, list, successors) in FORMER_NAMES.iter().filter(|(a2, ..)| *a2 == alpha2) {
        // A name that now covers several subdivisions names none of them.
        let ids: Vec<usize> = successors
            .iter()
            .filter_map(|r| sub_index(&alpha2, &subs, r))
            .collect();
        for former in list.iter() {
            for (key, _) in name_keys(former, OFFICIAL) {
                names.insert(key, ids.iter().map(|&i| (OFFICIAL, i)).collect());
            }
        }
    }

    for hits in codes.values_mut() {
        hits.sort_unstable();
        hits.dedup();
    }
    for hits in names.values_mut() {
        hits.sort_unstable();
        hits.dedup();
    }
    let fuzzy = spellings(&names);
    CountryData {
        alpha2,
        prefix,
        name,
        subs,
        codes,
        names,
        fuzzy,
        own_names: HashSet::new(),
    }
}

/// A subdivision as the index takes it in: the data's, corrected by the
/// tables below, or one the data lacks.
struct Entry {
    /// The current region code: `CA`, `KZN`.
    region: String,
    /// Its names with their strength.
    names: Vec<(&'static str, u8)>,
    /// Codes it had, still read: `ZN` for `ZA-KZN`.
    former_codes: Vec<&'static str>,
    /// Name for messages.
    display: String,
}

/// The subdivisions of a country, sorted by code: the data's, without
/// placeholder codes (`LR-X1~`), with current codes and names, and those
/// the data lacks.
fn entries(alpha2: &str, country: &keshvar::Country) -> Vec<Entry> {
    let mut out: Vec<Entry> = country
        .subdivisions()
        .values()
        .filter(|s| is_region_code(s.code()))
        .map(|s| {
            let region = FORMER_CODES
                .iter()
                .find(|(a2, former, _)| *a2 == alpha2 && *former == s.code())
                .map_or(s.code(), |(_, _, now)| *now);
            let renamed = RENAMED_STATES
                .iter()
                .find(|(a2, r, _)| *a2 == alpha2 && *r == region);
            let mut names = match renamed {
                Some((_, _, now)) => vec![(*now, OFFICIAL), (s.name(), ALTERNATE)],
                None => vec![(s.name(), OFFICIAL)],
            };
            names.extend(s.unofficial_name_list().iter().map(|n| (*n, ALTERNATE)));
            entry(alpha2, region, names)
        })
        .collect();
    for (_, region, list) in EXTRA_STATES.iter().filter(|(a2, ..)| *a2 == alpha2) {
        let names = list
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, if i == 0 { OFFICIAL } else { ALTERNATE }))
            .collect();
        out.push(entry(alpha2, region, names));
    }
    out.sort_by(|a, b| a.region.cmp(&b.region));
    out
}

/// The entry of region `region` of `alpha2` with `names` (the official
/// one first) and what the tables add to it.
fn entry(alpha2: &str, region: &str, mut names: Vec<(&'static str, u8)>) -> Entry {
    names.extend(
        EXTRA_STATE_NAMES
            .iter()
            .filter(|(a2, r, _)| *a2 == alpha2 && *r == region)
            .flat_map(|(_, _, list)| list.iter().map(|n| (*n, ALTERNATE))),
    );
    let former_codes = FORMER_CODES
        .iter()
        .filter(|(a2, _, now)| *a2 == alpha2 && *now == region)
        .map(|(_, former, _)| *former)
        .collect();
    let display = STATE_DISPLAY_NAMES
        .iter()
        .find(|(a2, r, _)| *a2 == alpha2 && *r == region)
        .map(|(_, _, n)| n.to_string())
        .unwrap_or_else(|| display_name(&names));
    Entry {
        region: region.to_string(),
        names,
        former_codes,
        display,
    }
}

/// Whether a region code is an ISO one: one to three capitals or digits.
fn is_region_code(region: &str) -> bool {
    (1..=3).contains(&region.len())
        && region
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The index in `subs` of region `region` of `alpha2`.
fn sub_index(alpha2: &str, subs: &[Sub], region: &str) -> Option<usize> {
    let code = format!("{alpha2}-{region}");
    subs.iter().position(|s| s.code == code)
}

/// Points the codes and names of subdivisions ISO withdrew at those now
/// covering them ([`WITHDRAWN_STATES`]: several make the text ambiguous,
/// none forget it), and those of the second of a pair that is one place at
/// the first ([`SAME_PLACES`]).
fn redirect(
    alpha2: &str,
    subs: &[Sub],
    codes: &mut HashMap<String, Vec<usize>>,
    names: &mut HashMap<String, Vec<(u8, usize)>>,
) {
    let find = |region: &str| sub_index(alpha2, subs, region);
    let mut to: HashMap<usize, Vec<usize>> = HashMap::new();
    for (_, region, successors) in WITHDRAWN_STATES.iter().filter(|(a2, ..)| *a2 == alpha2) {
        if let Some(i) = find(region) {
            to.insert(i, successors.iter().filter_map(|r| find(r)).collect());
        }
    }
    for (_, kept, merged) in SAME_PLACES.iter().filter(|(a2, ..)| *a2 == alpha2) {
        if let (Some(k), Some(m)) = (find(kept), find(merged)) {
            to.insert(m, vec![k]);
        }
    }
    if to.is_empty() {
        return;
    }
    for ids in codes.values_mut() {
        *ids = ids
            .iter()
            .flat_map(|i| to.get(i).cloned().unwrap_or_else(|| vec![*i]))
            .collect();
    }
    for hits in names.values_mut() {
        *hits = hits
            .iter()
            .flat_map(|&(tier, i)| match to.get(&i) {
                Some(now) => now.iter().map(|&j| (tier, j)).collect(),
                None => vec![(tier, i)],
            })
            .collect();
    }
    codes.retain(|_, ids| !ids.is_empty());
    names.retain(|_, hits| !hits.is_empty());
}

/// A subdivision's name for messages, from its names (the official one
/// first): the official name without language tags and bracketed
/// alternates, in reading order (`A Coruña`), or a Latin-script alternate
/// name where the official one is in another script.
fn display_name(names: &[(&str, u8)]) -> String {
    let official = names.first().map_or("", |(n, _)| *n);
    let (main, _) = split_enclosed(official, '[', ']');
    let parts = language_parts(&main);
    let name = match parts.first() {
        Some(first) => first.clone(),
        None => main,
    };
    // "Coruña, A" → "A Coruña"; "Edinburgh, City of" → "City of Edinburgh".
    let name = match name.split_once(',') {
        Some((head, tail)) if !tail.contains(',') && tail.split_whitespace().count() <= 2 => {
            format!("{} {}", tail.trim(), head.trim())
        }
        _ => name,
    };
    if is_latin(&name) {
        return name;
    }
    names
        .iter()
        .skip(1)
        .map(|(n, _)| *n)
        .find(|n| is_latin(n))
        .map(|n| n.to_string())
        .unwrap_or(name)
}

/// The keys of `names` long enough to be misspelt.
fn spellings(names: &HashMap<String, Vec<(u8, usize)>>) -> Vec<Spelling> {
    let mut out: Vec<Spelling> = names
        .iter()
        .flat_map(|(key, hits)| {
            let len = key.chars().count();
            let set = letters(key);
            hits.iter().map(move |&(_, id)| Spelling {
                key: key.clone(),
                len,
                letters: set,
                id,
            })
        })
        .filter(|s| s.len >= 5)
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key).then(a.id.cmp(&b.id)));
    out.dedup_by(|a, b| a.key == b.key && a.id == b.id);
    out
}

// ---------------------------------------------------------------------------
// What people write that the data lacks

/// Countries' names for messages where the short ISO name is long or formal.
const COUNTRY_DISPLAY_NAMES: &[(&str, &str)] = &[
    ("BO", "Bolivia"),
    ("BN", "Brunei"),
    ("CD", "Democratic Republic of the Congo"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("GB", "United Kingdom"),
    ("IR", "Iran"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("LA", "Laos"),
    ("MD", "Moldova"),
    ("MF", "Saint Martin"),
    ("PS", "Palestine"),
    ("RU", "Russia"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("US", "United States"),
    ("VA", "Vatican City"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
    ("VN", "Vietnam"),
];

/// Country names people write that the data lacks.
const EXTRA_COUNTRY_NAMES: &[(&str, &[&str])] = &[
    ("AE", &["UAE", "U.A.E.", "Emirates"]),
    ("AT", &["Osterreich"]),
    ("BA", &["Bosnia", "Bosnia-Herzegovina"]),
    ("CD", &["DR Congo", "DRC", "Congo-Kinshasa"]),
    ("CG", &["Congo-Brazzaville"]),
    ("CH", &["Svizzera", "Confoederatio Helvetica"]),
    (
        "CN",
        &["PRC", "People's Republic of China", "Mainland China"],
    ),
    ("CZ", &["Cesko", "Czech"]),
    ("DK", &["Danmark"]),
    ("FI", &["Suomi"]),
    (
        "GB",
        &["Britain", "U.K.", "Scotland", "Wales", "Northern Ireland"],
    ),
    ("GR", &["Hellas", "Ellada"]),
    ("HU", &["Magyarorszag"]),
    ("IE", &["Republic of Ireland", "Eire"]),
    ("IN", &["Bharat"]),
    ("JP", &["Nippon", "Nihon"]),
    ("KP", &["DPRK"]),
    ("KR", &["Republic of Korea", "ROK"]),
    ("MK", &["Macedonia", "North Macedonia"]),
    ("NL", &["Holland"]),
    ("NZ", &["Aotearoa"]),
    ("NO", &["Norge"]),
    ("PL", &["Polska"]),
    ("SA", &["KSA", "Saudi"]),
    ("SE", &["Sverige"]),
    ("TR", &["Turkiye"]),
    (
        "US",
        &["U.S.", "U.S.A.", "United States of America", "the States"],
    ),
    ("VA", &["Vatican"]),
    ("ZA", &["RSA"]),
];

/// State names the data lacks: (country, region code, names). Postal
/// abbreviations of the US (GPO style), Canada and Mexico, English names
/// of German, Spanish, Italian and French regions, British county
/// abbreviations, Japanese prefectures in kanji, ISO's current names, and
/// names of units newer than ISO's list, on the ISO subdivision that
/// contains them.
const EXTRA_STATE_NAMES: &[(&str, &str, &[&str])] = &[
    // United States.
    ("US", "AL", &["Ala."]),
    ("US", "AK", &["Alas."]),
    ("US", "AZ", &["Ariz."]),
    ("US", "AR", &["Ark."]),
    ("US", "CA", &["Calif.", "Cal."]),
    ("US", "CO", &["Colo."]),
    ("US", "CT", &["Conn."]),
    ("US", "DE", &["Del."]),
    (
        "US",
        "DC",
        &[
            "Washington D.C.",
            "Washington DC",
            "Wash. D.C.",
            "Washington, District of Columbia",
        ],
    ),
    ("US", "FL", &["Fla."]),
    ("US", "ID", &["Ida."]),
    ("US", "IL", &["Ill."]),
    ("US", "IN", &["Ind."]),
    ("US", "KS", &["Kan.", "Kans."]),
    ("US", "MA", &["Mass."]),
    ("US", "MI", &["Mich."]),
    ("US", "MN", &["Minn."]),
    ("US", "MS", &["Miss."]),
    ("US", "MT", &["Mont."]),
    ("US", "NE", &["Neb.", "Nebr."]),
    ("US", "NV", &["Nev."]),
    ("US", "NM", &["N. Mex.", "N.M."]),
    ("US", "ND", &["N. Dak."]),
    ("US", "OK", &["Okla."]),
    ("US", "OR", &["Ore.", "Oreg."]),
    ("US", "PA", &["Penn.", "Penna."]),
    ("US", "SD", &["S. Dak."]),
    ("US", "TN", &["Tenn."]),
    ("US", "TX", &["Tex."]),
    ("US", "WA", &["Wash.", "Washington State"]),
    ("US", "WV", &["W. Va.", "W. Virginia"]),
    ("US", "WI", &["Wis.", "Wisc."]),
    ("US", "WY", &["Wyo."]),
    // Canada.
    ("CA", "AB", &["Alta."]),
    ("CA", "MB", &["Man."]),
    ("CA", "NL", &["Nfld.", "NF", "Newfoundland & Labrador"]),
    ("CA", "NT", &["NWT", "N.W.T."]),
    ("CA", "ON", &["Ont."]),
    ("CA", "PE", &["PEI", "P.E.I."]),
    ("CA", "QC", &["PQ", "Que."]),
    ("CA", "SK", &["Sask."]),
    ("CA", "YT", &["Yuk."]),
    // United Kingdom.
    ("GB", "NIR", &["N. Ireland"]),
    ("GB", "BST", &["Bristol"]),
    ("GB", "DND", &["Dundee"]),
    ("GB", "EDH", &["Edinburgh"]),
    ("GB", "GLG", &["Glasgow"]),
    ("GB", "KHL", &["Hull", "Kingston upon Hull"]),
    ("GB", "AGY", &["Anglesey"]),
    ("GB", "IOS", &["Scilly"]),
    ("GB", "ORK", &["Orkney"]),
    ("GB", "ZET", &["Shetland"]),
    ("GB", "WLS", &["Wales [Cymru GB-CYM]"]),
    // ISO's current names where the data's differ in more than spelling
    // (a misspelling of `Herefordshire` is `Hertfordshire`).
    ("GB", "BFS", &["Belfast City"]),
    ("GB", "HEF", &["Herefordshire"]),
    // England's 2023 unitary authorities, which ISO does not list yet:
    // the county that contains them.
    (
        "GB",
        "CMA",
        &["Cumberland", "Westmorland and Furness", "Westmorland"],
    ),
    ("GB", "BKM", &["Bucks"]),
    ("GB", "CAM", &["Cambs"]),
    ("GB", "DBY", &["Derbys"]),
    ("GB", "GLS", &["Glos"]),
    ("GB", "HAM", &["Hants"]),
    ("GB", "HRT", &["Herts"]),
    ("GB", "LAN", &["Lancs"]),
    ("GB", "LEC", &["Leics"]),
    ("GB", "LIN", &["Lincs"]),
    ("GB", "NTH", &["Northants"]),
    ("GB", "NTT", &["Notts"]),
    ("GB", "OXF", &["Oxon"]),
    ("GB", "STS", &["Staffs"]),
    ("GB", "WAR", &["Warks"]),
    ("GB", "WIL", &["Wilts"]),
    ("GB", "WOR", &["Worcs"]),
    // Germany.
    (
        "DE",
        "MV",
        &[
            "Mecklenburg-Western Pomerania",
            "Mecklenburg-West Pomerania",
        ],
    ),
    ("DE", "NI", &["Lower Saxony"]),
    ("DE", "NW", &["North Rhine-Westphalia", "NRW"]),
    ("DE", "SN", &["Saxony"]),
    ("DE", "ST", &["Saxony-Anhalt"]),
    ("DE", "TH", &["Thuringia"]),
    // France.
    ("FR", "BRE", &["Brittany"]),
    ("FR", "NOR", &["Normandy"]),
    (
        "FR",
        "NAQ",
        &["New Aquitaine", "Aquitaine", "Limousin", "Poitou-Charentes"],
    ),
    // France's regions before 2016, within today's.
    ("FR", "ARA", &["Rhône-Alpes", "Auvergne"]),
    ("FR", "BFC", &["Bourgogne", "Burgundy", "Franche-Comté"]),
    ("FR", "GES", &["Lorraine", "Champagne-Ardenne"]),
    ("FR", "HDF", &["Nord-Pas-de-Calais", "Picardie", "Picardy"]),
    (
        "FR",
        "NOR",
        &[
            "Haute-Normandie",
            "Basse-Normandie",
            "Upper Normandy",
            "Lower Normandy",
        ],
    ),
    ("FR", "OCC", &["Midi-Pyrénées", "Languedoc-Roussillon"]),
    // Spain.
    ("ES", "AN", &["Andalusia"]),
    ("ES", "CL", &["Castile and Leon"]),
    ("ES", "CM", &["Castile-La Mancha"]),
    ("ES", "CN", &["Canarias", "Islas Canarias"]),
    ("ES", "CT", &["Catalonia", "Catalunya"]),
    ("ES", "GA", &["Galiza"]),
    ("ES", "MC", &["Region of Murcia", "Murcia, Región de"]),
    ("ES", "MD", &["Community of Madrid", "Madrid, Comunidad de"]),
    ("ES", "PV", &["Basque Country", "Euskadi"]),
    (
        "ES",
        "VC",
        &[
            "Valencian Community",
            "Comunitat Valenciana",
            "Valenciana, Comunidad",
        ],
    ),
    // ISO's names of the single-province communities (one place with
    // their province, see `SAME_PLACES`).
    (
        "ES",
        "NC",
        &[
            "Navarra, Comunidad Foral de",
            "Nafarroako Foru Komunitatea",
            "Chartered Community of Navarre",
        ],
    ),
    (
        "ES",
        "AS",
        &["Asturias, Principado de", "Principality of Asturias"],
    ),
    ("ES", "IB", &["Illes Balears"]),
    // Italy.
    ("IT", "21", &["Piedmont"]),
    ("IT", "52", &["Tuscany"]),
    ("IT", "82", &["Sicily"]),
    ("IT", "88", &["Sardinia"]),
    ("IT", "FI", &["Florence"]),
    ("IT", "GE", &["Genoa"]),
    ("IT", "MI", &["Milan"]),
    ("IT", "MN", &["Mantua"]),
    ("IT", "PD", &["Padua"]),
    ("IT", "SR", &["Syracuse"]),
    ("IT", "NA", &["Naples"]),
    ("IT", "RM", &["Rome"]),
    ("IT", "TO", &["Turin"]),
    ("IT", "VE", &["Venice"]),
    // The province of Aosta is the region.
    ("IT", "23", &["Aosta"]),
    // Sardinia's provinces of 2005-2016 and of its 2025 reform, which ISO
    // does not list: the 2016 province that contains each.
    ("IT", "NU", &["Ogliastra"]),
    (
        "IT",
        "SS",
        &[
            "Olbia-Tempio",
            "Gallura",
            "Gallura Nord-Est Sardegna",
            "Città metropolitana di Sassari",
        ],
    ),
    (
        "IT",
        "SU",
        &["Carbonia-Iglesias", "Sulcis Iglesiente", "Medio Campidano"],
    ),
    // Norway's counties of the 2024 reform, which ISO does not list: the
    // 2020 county that contains each.
    ("NO", "30", &["Østfold", "Akershus", "Buskerud"]),
    ("NO", "38", &["Vestfold", "Telemark"]),
    ("NO", "54", &["Troms", "Finnmark"]),
    // ISO's current names where the data's differ in more than spelling.
    ("BE", "WAL", &["wallonne, Région", "Wallonie"]),
    ("NL", "FR", &["Fryslân"]),
    ("NZ", "WGN", &["Greater Wellington"]),
    ("NZ", "MWT", &["Manawatū-Whanganui"]),
    ("PT", "20", &["Região Autónoma dos Açores"]),
    ("PT", "30", &["Região Autónoma da Madeira"]),
    (
        "KZ",
        "61",
        &["Turkistan", "Turkestan", "Turkestankaya oblast'"],
    ),
    // Switzerland.
    ("CH", "AI", &["Appenzell Inner Rhodes"]),
    ("CH", "AR", &["Appenzell Outer Rhodes"]),
    ("CH", "BL", &["Basel-Country", "Basel-Land", "Baselland"]),
    ("CH", "BS", &["Basel-City"]),
    ("CH", "GE", &["Geneva"]),
    // Mexico.
    ("MX", "AGU", &["Ags."]),
    ("MX", "BCN", &["B.C."]),
    (
        "MX",
        "CMX",
        &[
            "CDMX",
            "Mexico City",
            "D.F.",
            "Distrito Federal",
            "México D.F.",
        ],
    ),
    ("MX", "GUA", &["Gto."]),
    (
        "MX",
        "MEX",
        &["Edomex", "Estado de Mexico", "State of Mexico"],
    ),
    ("MX", "NLE", &["N.L."]),
    ("MX", "QUE", &["Qro."]),
    ("MX", "ROO", &["Q. Roo"]),
    ("MX", "TAM", &["Tamps."]),
    // India.
    ("IN", "AN", &["Andaman and Nicobar"]),
    ("IN", "DH", &["Dadra and Nagar Haveli", "Daman and Diu"]),
    (
        "IN",
        "DL",
        &["NCT of Delhi", "National Capital Territory of Delhi"],
    ),
    ("IN", "JK", &["J&K"]),
    ("IN", "PY", &["Puducherry"]),
    ("IN", "TS", &["Telangana"]),
    ("IN", "UK", &["Uttarakhand", "Uttaranchal"]),
    // Japan: prefectures in kanji (the suffix 都, 道, 府 or 県 may follow).
    ("JP", "01", &["北海道"]),
    ("JP", "02", &["青森"]),
    ("JP", "03", &["岩手"]),
    ("JP", "04", &["宮城"]),
    ("JP", "05", &["秋田"]),
    ("JP", "06", &["山形"]),
    ("JP", "07", &["福島"]),
    ("JP", "08", &["茨城"]),
    ("JP", "09", &["栃木"]),
    ("JP", "10", &["群馬"]),
    ("JP", "11", &["埼玉"]),
    ("JP", "12", &["千葉"]),
    ("JP", "13", &["東京"]),
    ("JP", "14", &["神奈川"]),
    ("JP", "15", &["新潟"]),
    ("JP", "16", &["富山"]),
    ("JP", "17", &["石川"]),
    ("JP", "18", &["福井"]),
    ("JP", "19", &["山梨"]),
    ("JP", "20", &["長野"]),
    ("JP", "21", &["岐阜"]),
    ("JP", "22", &["静岡"]),
    ("JP", "23", &["愛知"]),
    ("JP", "24", &["三重"]),
    ("JP", "25", &["滋賀"]),
    ("JP", "26", &["京都"]),
    ("JP", "27", &["大阪"]),
    ("JP", "28", &["兵庫"]),
    ("JP", "29", &["奈良"]),
    ("JP", "30", &["和歌山"]),
    ("JP", "31", &["鳥取"]),
    ("JP", "32", &["島根"]),
    ("JP", "33", &["岡山"]),
    ("JP", "34", &["広島"]),
    ("JP", "35", &["山口"]),
    ("JP", "36", &["徳島"]),
    ("JP", "37", &["香川"]),
    ("JP", "38", &["愛媛"]),
    ("JP", "39", &["高知"]),
    ("JP", "40", &["福岡"]),
    ("JP", "41", &["佐賀"]),
    ("JP", "42", &["長崎"]),
    ("JP", "43", &["熊本"]),
    ("JP", "44", &["大分"]),
    ("JP", "45", &["宮崎"]),
    ("JP", "46", &["鹿児島"]),
    ("JP", "47", &["沖縄"]),
];

/// Subdivisions whose official name in the data is in a script other than
/// Latin with no Latin alternate.
const STATE_DISPLAY_NAMES: &[(&str, &str, &str)] =
    &[("IN", "TS", "Telangana"), ("IN", "UK", "Uttarakhand")];

// Where the data lags ISO 3166-2, checked against Debian's iso-codes 4.18
// (which follows ISO's Online Browsing Platform).

/// Subdivisions ISO lists that the data lacks: (country, region code,
/// names, the official one first).
const EXTRA_STATES: &[(&str, &str, &[&str])] = &[
    // Algeria's wilayas of 2019.
    ("DZ", "49", &["Timimoun"]),
    ("DZ", "50", &["Bordj Badji Mokhtar"]),
    ("DZ", "51", &["Ouled Djellal"]),
    ("DZ", "52", &["Béni Abbès"]),
    ("DZ", "53", &["In Salah"]),
    ("DZ", "54", &["In Guezzam"]),
    ("DZ", "55", &["Touggourt"]),
    ("DZ", "56", &["Djanet"]),
    ("DZ", "57", &["El Meghaier"]),
    ("DZ", "58", &["El Meniaa"]),
    ("ET", "SI", &["Sidama"]),
    (
        "ET",
        "SW",
        &[
            "Southwest Ethiopia Peoples",
            "South West Ethiopia Peoples' Region",
        ],
    ),
    // Northamptonshire, split in 2021.
    ("GB", "NNH", &["North Northamptonshire"]),
    ("GB", "WNH", &["West Northamptonshire"]),
    // Indonesia's provinces of 2022 (ISO spells Pegunungan "Pengunungan").
    ("ID", "PD", &["Papua Barat Daya", "Southwest Papua"]),
    (
        "ID",
        "PE",
        &["Papua Pegunungan", "Papua Pengunungan", "Highland Papua"],
    ),
    ("ID", "PS", &["Papua Selatan", "South Papua"]),
    ("ID", "PT", &["Papua Tengah", "Central Papua"]),
    // Iceland's municipalities merged in 2022.
    ("IS", "HUG", &["Húnabyggð"]),
    ("IS", "SKR", &["Skagafjörður"]),
    ("KP", "15", &["Kaeseong", "Kaesong"]),
    // Kazakhstan's regions of 2022.
    (
        "KZ",
        "10",
        &["Abai oblysy", "Abai Region", "Abai", "Abajskaja oblast’"],
    ),
    (
        "KZ",
        "33",
        &[
            "Jetisu oblysy",
            "Jetisu Region",
            "Zhetisū oblysy",
            "Zhetysu",
        ],
    ),
    (
        "KZ",
        "62",
        &["Ulytau oblysy", "Ulytau Region", "Ulytauskaja oblast’"],
    ),
    ("ME", "25", &["Zeta"]),
    ("PA", "NT", &["Naso Tjër Di"]),
    // Maguindanao, split in 2022.
    ("PH", "MGN", &["Maguindanao del Norte"]),
    ("PH", "MGS", &["Maguindanao del Sur"]),
];

/// Codes ISO replaced: (country, former region code, current one). A
/// subdivision the data lists under the former code takes the current one;
/// the former is still read.
const FORMER_CODES: &[(&str, &str, &str)] = &[
    // France's overseas regions, one place with their departments.
    ("FR", "GP", "971"),
    ("FR", "MQ", "972"),
    ("FR", "GF", "973"),
    ("FR", "RE", "974"),
    ("FR", "YT", "976"),
    // The province of Aosta is the region; Sardinia's provinces of
    // 2005-2016 are within the 2016 ones.
    ("IT", "AO", "23"),
    ("IT", "OG", "NU"),
    ("IT", "OT", "SS"),
    ("IT", "CI", "SU"),
    ("IT", "VS", "SU"),
    // Kazakhstan's codes, now numeric.
    ("KZ", "AKM", "11"),
    ("KZ", "AKT", "15"),
    ("KZ", "ALA", "75"),
    ("KZ", "ALM", "19"),
    ("KZ", "AST", "71"),
    ("KZ", "ATY", "23"),
    ("KZ", "KAR", "35"),
    ("KZ", "KUS", "39"),
    ("KZ", "KZY", "43"),
    ("KZ", "MAN", "47"),
    ("KZ", "PAV", "55"),
    ("KZ", "SEV", "59"),
    ("KZ", "SHY", "79"),
    ("KZ", "VOS", "63"),
    ("KZ", "YUZ", "61"),
    ("KZ", "ZAP", "27"),
    ("KZ", "ZHA", "31"),
    ("ZA", "ZN", "KZN"),
];

/// Subdivisions whose current ISO name the data lacks: (country, region
/// code, name). The data's name stays an alternate one.
const RENAMED_STATES: &[(&str, &str, &str)] = &[
    // A unitary authority since Bedfordshire's abolition in 2009.
    ("GB", "BDF", "Bedford"),
    ("IS", "1", "Höfuðborgarsvæði"),
    ("KZ", "61", "Türkistan oblysy"),
    ("MH", "ENI", "Enewetak & Ujelang"),
];

/// Subdivisions the data lists that ISO withdrew: (country, region code,
/// the subdivisions that now cover it). Its names and code give the one
/// successor, or, with several, ask which; with none they are forgotten.
const WITHDRAWN_STATES: &[(&str, &str, &[&str])] = &[
    ("BI", "BJ", &["BM", "BL"]),
    ("CV", "CS", &["SM"]),
    ("CV", "SN", &["RB", "TS"]),
    ("GB", "NTH", &["NNH", "WNH"]),
    ("IS", "0", &["1"]),
    ("IS", "AKH", &["SKR"]),
    ("IS", "SSF", &["SKR"]),
    ("IS", "BLO", &["HUG"]),
    ("IS", "HUT", &["HUG"]),
    ("IS", "HEL", &["STY"]),
    ("IS", "SBH", &["LAN"]),
    ("IS", "SKU", &["THG"]),
    ("MA", "BAH", &["CHT"]),
    ("MA", "MEL", &["INE"]),
    ("MA", "MMD", &["MAR"]),
    ("MA", "MMN", &["MAR"]),
    ("MA", "SYB", &["MAR"]),
    ("MH", "UJL", &["ENI"]),
    // Nepal's development regions and zones, replaced by provinces in 2015
    // (the provinces' own names include Bagmati, Gandaki, Karnali, Koshi
    // and Lumbini).
    ("NP", "1", &[]),
    ("NP", "2", &[]),
    ("NP", "3", &[]),
    ("NP", "4", &[]),
    ("NP", "5", &[]),
    ("NP", "BA", &[]),
    ("NP", "BH", &[]),
    ("NP", "DH", &[]),
    ("NP", "GA", &[]),
    ("NP", "JA", &[]),
    ("NP", "KA", &[]),
    ("NP", "KO", &[]),
    ("NP", "LU", &[]),
    ("NP", "MA", &[]),
    ("NP", "ME", &[]),
    ("NP", "NA", &[]),
    ("NP", "RA", &[]),
    ("NP", "SA", &[]),
    ("NP", "SE", &[]),
    ("PH", "MAG", &["MGN", "MGS"]),
];

/// Names of former subdivisions whose area is now several: (country,
/// names, the subdivisions that cover it). Such a name asks which.
const FORMER_NAMES: &[(&str, &[&str], &[&str])] = &[
    // ISO gave GB-BDF to Bedford, one of the county's three parts.
    ("GB", &["Bedfordshire", "Beds"], &["BDF", "CBF", "LUT"]),
];

/// Places ISO lists twice, as a region and as its only subdivision under
/// the same name: (country, the code kept, the code read as it). Taken
/// from ISO's parent data (iso-codes 4.18), where these are the regions
/// with one subdivision of their name. The code kept is the level the
/// country's postal addresses name: Spain's provinces, Estonia's counties.
const SAME_PLACES: &[(&str, &str, &str)] = &[
    ("EE", "39", "205"),
    ("ES", "LO", "RI"),
    ("ES", "M", "MD"),
    ("ES", "MU", "MC"),
    ("ES", "NA", "NC"),
    ("ES", "O", "AS"),
    ("ES", "PM", "IB"),
    ("ES", "S", "CB"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_extra_name_names_a_real_place() {
        let idx = index();
        let pairs = |t: &'static [(&'static str, &'static str, &'static str)]| {
            t.iter().map(|(a2, region, _)| (*a2, *region))
        };
        let states = EXTRA_STATE_NAMES
            .iter()
            .map(|(a2, region, _)| (*a2, *region))
            .chain(pairs(STATE_DISPLAY_NAMES))
            .chain(pairs(RENAMED_STATES))
            .chain(FORMER_CODES.iter().map(|(a2, _, now)| (*a2, *now)))
            .chain(
                SAME_PLACES
                    .iter()
                    .flat_map(|(a2, a, b)| [(*a2, *a), (*a2, *b)]),
            )
            .chain(WITHDRAWN_STATES.iter().flat_map(|(a2, region, to)| {
                std::iter::once((*a2, *region)).chain(to.iter().map(move |r| (*a2, *r)))
            }))
            .chain(
                FORMER_NAMES
                    .iter()
                    .flat_map(|(a2, _, to)| to.iter().map(move |r| (*a2, *r))),
            );
        for (a2, region) in states {
            let c = idx.country_index(a2).and_then(|i| idx.countries.get(i));
            let code = format!("{a2}-{region}");
            assert!(
                c.is_some_and(|c| c.subs.iter().any(|s| s.code == code)),
                "no state {code}"
            );
        }
        let countries = EXTRA_COUNTRY_NAMES
            .iter()
            .map(|(a2, _)| *a2)
            .chain(COUNTRY_DISPLAY_NAMES.iter().map(|(a2, _)| *a2));
        for a2 in countries {
            assert!(idx.country_index(a2).is_some(), "no country {a2}");
        }
    }

    #[test]
    fn codes_are_one_subdivision_each() {
        for c in &index().countries {
            let mut codes: Vec<&str> = c.subs.iter().map(|s| s.code.as_str()).collect();
            codes.sort_unstable();
            let n = codes.len();
            codes.dedup();
            assert_eq!(codes.len(), n, "{}: a code twice", c.alpha2);
        }
        // A former code is no current one.
        for (a2, former, _) in FORMER_CODES {
            let code = format!("{a2}-{former}");
            let c = index()
                .country_index(a2)
                .and_then(|i| index().countries.get(i));
            assert!(
                c.is_some_and(|c| c.subs.iter().all(|s| s.code != code)),
                "{code} is current"
            );
        }
    }

    /// Each pair of `SAME_PLACES` has a name of one within a name of the
    /// other (`Asturias`, `Principado de Asturias`): a guard against a
    /// wrong code in the table.
    #[test]
    fn same_places_share_a_name() {
        for (a2, kept, merged) in SAME_PLACES {
            let country = keshvar::Alpha2::try_from(*a2).map(|a| a.to_country());
            let Ok(country) = country else {
                panic!("no country {a2}");
            };
            let keys = |region: &str| -> Vec<String> {
                entries(a2, &country)
                    .into_iter()
                    .filter(|e| e.region == region)
                    .flat_map(|e| e.names)
                    .flat_map(|(n, tier)| name_keys(n, tier))
                    .map(|(k, _)| k)
                    .filter(|k| k.chars().count() >= 4)
                    .collect()
            };
            let (a, b) = (keys(kept), keys(merged));
            assert!(
                a.iter().any(|x| b
                    .iter()
                    .any(|y| x.contains(y.as_str()) || y.contains(x.as_str()))),
                "{a2}-{kept} {a:?} and {a2}-{merged} {b:?} share no name"
            );
        }
    }

    #[test]
    fn words_fold_accents_case_and_punctuation() {
        assert_eq!(words("Tôkyô"), ["tokyo"]);
        assert_eq!(words("B.C."), ["b", "c"]);
        assert_eq!(words("Thüringen"), ["thuringen"]);
        assert_eq!(words("Straße & Co"), ["strasse", "and", "co"]);
        assert_eq!(words("ＴＯＫＹＯ"), ["tokyo"]);
        assert!(words("…—🙂").is_empty());
        assert_eq!(canonical(words("N. Carolina")).concat(), "northcarolina");
        assert_eq!(canonical(words("St. Gallen")).concat(), "saintgallen");
        assert_eq!(canonical(words("Sankt Gallen")).concat(), "saintgallen");
    }

    #[test]
    fn names_give_their_parts() {
        let keys: Vec<String> = name_keys("Cardiff [Caerdydd GB-CRD]", OFFICIAL)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert!(keys.contains(&"cardiff".to_string()), "{keys:?}");
        assert!(keys.contains(&"caerdydd".to_string()), "{keys:?}");
        let keys: Vec<String> = name_keys("Korea (Republic of)", OFFICIAL)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert!(keys.contains(&"korea".to_string()), "{keys:?}");
        assert!(keys.contains(&"republicofkorea".to_string()), "{keys:?}");
        let keys: Vec<String> = name_keys("Coruña, A", OFFICIAL)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert!(keys.contains(&"acoruna".to_string()), "{keys:?}");
        assert_eq!(language_parts("Biel (de) Bienne (fr)"), ["Biel", "Bienne"]);
        assert!(language_parts("Korea (Republic of)").is_empty());
    }

    /// Where the data gives one key to two subdivisions of a country at the
    /// same strength, that text is refused as ambiguous; list them to see
    /// that each is genuinely ambiguous.
    #[test]
    #[ignore = "prints the data's ambiguous names"]
    fn print_ambiguous_names() {
        let idx = index();
        for c in &idx.countries {
            for (key, hits) in &c.names {
                if let Found::Ambiguous(ids) = exact(&c.names, key) {
                    let codes: Vec<&str> = ids
                        .iter()
                        .filter_map(|&i| c.subs.get(i))
                        .map(|s| s.code.as_str())
                        .collect();
                    eprintln!("{} {key}: {codes:?} {hits:?}", c.alpha2);
                }
            }
            for (key, ids) in &c.codes {
                if let Found::One(i) = exact(&c.names, key) {
                    if !ids.contains(&i) {
                        eprintln!("{} code/name clash {key}: {ids:?} vs {i}", c.alpha2);
                    }
                }
            }
        }
    }
}
