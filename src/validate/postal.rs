//! Postal codes, checked and normalized for their country from Google's
//! address metadata (the data of libaddressinput; see the top of
//! `postal_codes.tsv` for the source, licence and version, and
//! `scripts/postal/convert.py` for how it was made).
//!
//! A code is upper-cased and written the way the country's examples in the
//! data write it (`k1a0b1` → `K1A 0B1`, `sw1a1aa` → `SW1A 1AA`, `1000001`
//! → `100-0001` in Japan); full-width characters are read as their ASCII
//! forms. Beyond that, two changes are made, each noted in
//! [`PostalCode::correction`]:
//!
//! * the prefix the data says addresses print before a code (`CH-8001`,
//!   `L-4750`) is removed;
//! * leading zeros a spreadsheet dropped from a code it took for a number
//!   are put back, only where the data shows such codes exist (see
//!   [`postal_code`]).
//!
//! Countries the data has no format for (those without postal codes, such
//! as AE or HK, and codes it does not know) accept the trimmed value as
//! written.

use std::sync::OnceLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::{Corrected, Invalid};
use crate::geo::PlaceMatcher;
use crate::messages::cell;
use crate::problem::ProblemCode;
use crate::record::Text;

/// A postal code accepted for its country: its `value` normalized
/// (upper-cased, the country's own spacing: `K1A 0B1`, `SW1A 1AA`,
/// `1234 AB`, `02134-1234`, `100-0001`), and its `correction` when it was
/// changed beyond that ("the leading zero a spreadsheet drops was
/// restored"). The same [`Corrected`] value every correcting validator
/// gives.
///
/// ```
/// use intake::validate::postal_code;
///
/// let code = postal_code("2134", "US", Some("US-MA")).unwrap();
/// assert_eq!(code.value, "02134");
/// assert!(code.correction.is_some());
/// assert_eq!(postal_code("k1a0b1", "CA", None).unwrap().correction, None);
/// ```
pub type PostalCode = Corrected<Text>;

/// The longest value looked at, in bytes once trimmed. No country's codes
/// come near it (the longest example in the data has 11 characters, and a
/// code in full-width characters takes three bytes a character), so longer
/// input is refused before any other work.
const MAX_BYTES: usize = 40;

/// Countries whose codes include some starting with 0 although the data
/// shows none (no example starts with 0, no subdivision prefixes), each by
/// its post's own numbering: Germany's 01–09 (Saxony, Thuringia), France's
/// départements 01–09, New Zealand's 0110–0999 (Northland), Singapore's
/// sectors 01–08, China's 01–07 (Inner Mongolia, Shanxi, Hebei),
/// Colombia's departments 05 and 08 (Antioquia, Atlántico), Algeria's
/// wilayas 01–09.
const LEADING_ZERO_KNOWN: &[&str] = &["CN", "CO", "DE", "DZ", "FR", "NZ", "SG"];

/// A postal code of `country` (an ISO 3166-1 alpha-2 code such as `"US"`),
/// checked against the country's format and normalized; `state` is the
/// row's ISO 3166-2 subdivision (`"US-MA"`, or `"MA"` alone) when known,
/// used only to decide whether a missing leading zero may be put back. A
/// subdivision of another country is ignored.
///
/// Leading zeros are restored only when the value is all digits, one or
/// two short of the country's digits-only format, and the data shows codes
/// with those zeros exist where the row is:
///
/// * with a `state` whose codes' prefix the data has, the restored code
///   must start with it: `2134` in US-MA is `02134`, but in US-CA (codes
///   from 90000) it is refused;
/// * otherwise one zero, when some subdivision of the country has codes
///   starting with 0 (the US, Australia's NT and ACT, Spain, Italy,
///   Mexico, Japan, Brazil…) or, for a country without subdivision data,
///   one of the data's examples starts with 0 (Finland's `00550`,
///   Norway's `0025`, Poland's `00-950`) or the country is one of DE, FR,
///   NZ, SG, CN, CO and DZ, whose codes from 0 the data's examples miss;
///   two zeros only when the format itself requires them (Puerto Rico's
///   `00[679]…`), as `501` alone could be much else than `00501`.
///
/// A country the data has no format for accepts the trimmed value as
/// written. A value longer than 40 bytes is refused whatever the country.
///
/// ```
/// use intake::validate::postal_code;
///
/// assert_eq!(postal_code("sw1a1aa", "GB", None).unwrap().value, "SW1A 1AA");
/// assert_eq!(postal_code("1234ab", "NL", None).unwrap().value, "1234 AB");
/// assert_eq!(postal_code("1067", "DE", None).unwrap().value, "01067");
/// assert_eq!(postal_code("2134", "US", Some("US-CA")).unwrap_err().code.as_str(), "invalid_postal_code");
/// assert_eq!(
///     postal_code("ABC", "CA", None).unwrap_err().message,
///     "'ABC' is not a postal code of Canada: it looks like H3Z 2Y7."
/// );
/// // No postal codes in the data: kept as written.
/// assert_eq!(postal_code(" Dubai 1 ", "AE", None).unwrap().value, "Dubai 1");
/// ```
pub fn postal_code(input: &str, country: &str, state: Option<&str>) -> Result<PostalCode, Invalid> {
    let trimmed = input.trim();
    // Only a two-letter code can have data; anything longer is not
    // upper-cased, however long.
    let code = match country.trim() {
        c if c.len() == 2 => c.to_ascii_uppercase(),
        _ => String::new(),
    };
    let data = find(&code);
    if trimmed.len() > MAX_BYTES {
        let name = data.map_or(cell::A_POSTAL_CODE, |c| c.name);
        return Err(Invalid::new(
            ProblemCode::InvalidPostalCode,
            cell::postal_code_too_long(trimmed, name),
        ));
    }
    let Some(data) = data.filter(|c| c.whole().is_some()) else {
        return Ok(PostalCode {
            value: Text::new(trimmed),
            correction: None,
        });
    };
    let written = clean(trimmed);
    if let Some(value) = data.format(&written) {
        return Ok(PostalCode {
            value: Text::from(value),
            correction: None,
        });
    }
    if let Some(found) = data.without_prefix(&written) {
        return Ok(found);
    }
    let state = state.and_then(|s| subdivision_of(&code, s));
    match data.restore_zeros(&written, state.as_deref()) {
        Restored::Yes(found) => Ok(found),
        Restored::No(why) => Err(data.refusal(trimmed, &written, why)),
    }
}

/// A place's postal codes as written, and their answers.
type Answers = foldhash::HashMap<Text, Result<PostalCode, Invalid>>;

/// Answers a checking thread has already given, so that a file's many
/// repeats of one code (a town's ZIP code) are checked once.
#[derive(Debug, Default)]
pub(crate) struct PostalCache {
    /// (country, state) → code as written → answer.
    answers: foldhash::HashMap<(Text, Option<Text>), Answers>,
    /// How many answers are kept.
    len: usize,
}

/// Answers a [`PostalCache`] keeps at most, so that a file of distinct
/// junk cannot grow it without bound.
const CACHE_LIMIT: usize = 20_000;

impl PostalCache {
    /// [`postal_code`], remembered.
    pub(crate) fn check(
        &mut self,
        input: &str,
        country: &str,
        state: Option<&str>,
    ) -> Result<PostalCode, Invalid> {
        let place = (Text::new(country), state.map(Text::new));
        if let Some(found) = self.answers.get(&place).and_then(|codes| codes.get(input)) {
            return found.clone();
        }
        let found = postal_code(input, country, state);
        if self.len < CACHE_LIMIT && input.len() <= MAX_BYTES {
            self.len += 1;
            self.answers
                .entry(place)
                .or_default()
                .insert(Text::new(input), found.clone());
        }
        found
    }
}

/// `input` upper-cased (full-width forms read as ASCII), with each run of
/// spaces as one space: the same text for each way of writing one code.
fn clean(input: &str) -> String {
    let ascii: String = if input.is_ascii() {
        input.to_string()
    } else {
        input.nfkc().collect()
    };
    let mut out = String::with_capacity(ascii.len());
    for word in ascii.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.make_ascii_uppercase();
    out
}

/// The subdivision part of `state` when it is one of `country`'s:
/// `US-MA` and `ma` in the US are `MA`; `CA-ON` in the US is none.
fn subdivision_of(country: &str, state: &str) -> Option<String> {
    let state = state.trim();
    // ISO 3166-2 codes have at most six characters (`GB-BDF`).
    if state.len() > 6 {
        return None;
    }
    let state = state.to_ascii_uppercase();
    let sub = match state.split_once('-') {
        Some((c, sub)) if c == country => sub,
        Some(_) => return None,
        None => state.as_str(),
    };
    (!sub.is_empty()).then(|| sub.to_string())
}

/// The characters a code's parts are written apart with.
fn is_separator(c: char) -> bool {
    c == ' ' || c == '-'
}

/// The class of a byte of a code, for comparing the shapes of two codes:
/// `K1A 0B1` and `H3Z 2Y7` have one shape.
fn class(b: u8) -> u8 {
    if b.is_ascii_digit() {
        b'9'
    } else if b.is_ascii_alphabetic() {
        b'A'
    } else {
        b
    }
}

/// Whether `a` and `b` have letters, digits and other bytes in the same
/// places.
fn same_shape(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| class(x) == class(y))
}

/// `core` with the separators `seps` (each with the position in `core`
/// before which it goes) put in; positions past the end are dropped.
fn lay_out(core: &str, seps: &[(usize, char)]) -> String {
    let mut out = String::with_capacity(core.len() + seps.len());
    for (i, c) in core.chars().enumerate() {
        for &(_, sep) in seps.iter().filter(|(at, _)| *at == i) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// One of a country's examples: its letters and digits (`K1A0B1`) and the
/// separators between them (a space before the fourth).
struct Example {
    text: &'static str,
    core: String,
    seps: Vec<(usize, char)>,
}

impl Example {
    fn new(text: &'static str) -> Example {
        let mut core = String::with_capacity(text.len());
        let mut seps = Vec::new();
        for c in text.chars() {
            if is_separator(c) {
                seps.push((core.chars().count(), c));
            } else {
                core.push(c);
            }
        }
        Example { text, core, seps }
    }

    fn is_digits(&self) -> bool {
        !self.core.is_empty() && self.core.bytes().all(|b| b.is_ascii_digit())
    }
}

struct Subdivision {
    code: &'static str,
    prefix: &'static str,
    regex: OnceLock<Option<Regex>>,
}

impl Subdivision {
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| compile(&format!("^(?:{})", self.prefix)))
            .as_ref()
    }
}

/// A country's postal-code data, its regular expressions compiled at first
/// use.
struct Country {
    code: &'static str,
    format: &'static str,
    examples: Vec<Example>,
    /// What addresses print before a code (`CH-`), if anything.
    post_prefix: &'static str,
    /// What one of the country's codes is called, for messages ("a ZIP
    /// code").
    name: &'static str,
    subdivisions: Vec<Subdivision>,
    whole: OnceLock<Option<Regex>>,
    any_prefix: OnceLock<Option<Regex>>,
}

/// Whether a value missing its leading zeros was given them back, and if
/// not why, for the message.
enum Restored {
    Yes(PostalCode),
    No(Why),
}

/// Why a value was refused, beyond not matching the format.
enum Why {
    /// Not a code of the format, and not digits of another length than
    /// the format's.
    Format,
    /// Digits, but not as many as the country's codes have, and lost
    /// zeros can't explain it. When the row's state refused the code the
    /// zeros would make, the state and that code, for the message.
    Digits { refused: Option<(String, String)> },
}

fn compile(pattern: &str) -> Option<Regex> {
    let regex = Regex::new(pattern).ok();
    // The data is fixed and each pattern is compiled in the tests.
    debug_assert!(regex.is_some(), "postal data pattern {pattern}");
    regex
}

impl Country {
    /// The format as a regular expression for the whole value; `None` if
    /// the data's pattern does not compile (never, by the tests: the
    /// country is then treated as having no data).
    fn whole(&self) -> Option<&Regex> {
        self.whole
            .get_or_init(|| compile(&format!("^(?:{})$", self.format)))
            .as_ref()
    }

    /// The start of any code of any subdivision with data.
    fn any_prefix(&self) -> Option<&Regex> {
        self.any_prefix
            .get_or_init(|| {
                if self.subdivisions.is_empty() {
                    return None;
                }
                let all: Vec<String> = self
                    .subdivisions
                    .iter()
                    .map(|s| format!("(?:{})", s.prefix))
                    .collect();
                compile(&format!("^(?:{})", all.join("|")))
            })
            .as_ref()
    }

    fn matches(&self, value: &str) -> bool {
        // The patterns' \d is any Unicode digit; codes are ASCII.
        value.is_ascii() && self.whole().is_some_and(|r| r.is_match(value))
    }

    /// `written` (cleaned) as the country writes its codes, if it is one:
    /// laid out like an example of the same shape, else like one of the
    /// same length, else with one separator where the format allows it,
    /// else as written, else without separators. The first that matches
    /// the format wins, so a value's normal form is found again from the
    /// normal form itself.
    fn format(&self, written: &str) -> Option<String> {
        if !written.is_ascii() {
            return None;
        }
        let core: String = written.chars().filter(|c| !is_separator(*c)).collect();
        if core.is_empty() {
            return None;
        }
        let shaped = self
            .examples
            .iter()
            .filter(|e| same_shape(&e.core, &core))
            .chain(self.examples.iter().filter(|e| e.core.len() == core.len()))
            .map(|e| lay_out(&core, &e.seps))
            .find(|c| self.matches(c));
        if shaped.is_some() {
            return shaped;
        }
        for sep in [' ', '-'] {
            if !self
                .examples
                .iter()
                .any(|e| e.seps.iter().any(|s| s.1 == sep))
            {
                continue;
            }
            let one = (1..core.len())
                .map(|at| lay_out(&core, &[(at, sep)]))
                .find(|c| self.matches(c));
            if one.is_some() {
                return one;
            }
        }
        if self.matches(written) {
            Some(written.to_string())
        } else {
            self.matches(&core).then_some(core)
        }
    }

    /// `written` without the prefix addresses print before the country's
    /// codes (`CH-8001`), if what is left is a code.
    fn without_prefix(&self, written: &str) -> Option<PostalCode> {
        let prefix = self.post_prefix.trim_end_matches(is_separator);
        if prefix.is_empty() {
            return None;
        }
        let rest = written
            .strip_prefix(prefix)?
            .trim_start_matches(is_separator);
        let value = self.format(rest)?;
        Some(PostalCode {
            value: Text::from(value),
            correction: Some(cell::removed_postal_prefix(self.post_prefix.trim_end())),
        })
    }

    /// `written` with the leading zeros a spreadsheet dropped, if it is all
    /// digits and the data shows such codes exist (see [`postal_code`]).
    fn restore_zeros(&self, written: &str, state: Option<&str>) -> Restored {
        let digits = !written.is_empty() && written.bytes().all(|b| b.is_ascii_digit());
        if !digits {
            return Restored::No(Why::Format);
        }
        let lengths = self.digit_lengths();
        // The right number of digits, or a format of letters too: the
        // format alone says what is wrong.
        if lengths.is_empty() || lengths.contains(&written.len()) {
            return Restored::No(Why::Format);
        }
        let state_data = state.and_then(|s| self.subdivisions.iter().find(|d| d.code == s));
        let mut refused = None;
        for n in lengths {
            let zeros = match n.checked_sub(written.len()) {
                Some(z @ 1..=2) => z,
                _ => continue,
            };
            let padded = format!("{}{written}", "0".repeat(zeros));
            let Some(value) = self.format(&padded) else {
                continue;
            };
            let evidence = match state_data.and_then(Subdivision::regex) {
                Some(prefix) if prefix.is_match(&padded) => true,
                Some(_) => {
                    refused = Some((value.clone(), zeros));
                    false
                }
                None => {
                    self.zeros_forced(&padded, zeros)
                        || (zeros == 1 && self.has_codes_from_zero(&padded))
                }
            };
            if evidence {
                return Restored::Yes(PostalCode {
                    value: Text::from(value),
                    correction: Some(cell::zeros_restored(zeros).to_string()),
                });
            }
        }
        let refused = state_data.zip(refused).map(|(d, (value, zeros))| {
            (
                format!("{}-{}", self.code, d.code),
                cell::with_restored_zeros(&value, zeros),
            )
        });
        Restored::No(Why::Digits { refused })
    }

    /// The lengths of the country's codes that are digits alone, by its
    /// examples: `[5, 9]` in the US (ZIP and ZIP+4), none in Canada. The
    /// first part of an example counts when it is a code by itself, as
    /// `00802` of the Virgin Islands' `00802-1222`.
    fn digit_lengths(&self) -> Vec<usize> {
        let mut lengths: Vec<usize> = Vec::new();
        for e in self.examples.iter().filter(|e| e.is_digits()) {
            lengths.push(e.core.len());
            let first = e.text.split(is_separator).next().unwrap_or_default();
            if first.len() < e.text.len() && self.matches(first) {
                lengths.push(first.len());
            }
        }
        lengths.sort_unstable();
        lengths.dedup();
        lengths
    }

    /// Whether the format allows nothing but 0 in each of the first
    /// `zeros` places of `padded` (Puerto Rico's `00[679]…`).
    fn zeros_forced(&self, padded: &str, zeros: usize) -> bool {
        (0..zeros).all(|at| {
            (b'1'..=b'9').all(|d| {
                let other: String = padded
                    .bytes()
                    .enumerate()
                    .map(|(i, b)| {
                        if i == at {
                            char::from(d)
                        } else {
                            char::from(b)
                        }
                    })
                    .collect();
                self.format(&other).is_none()
            })
        })
    }

    /// Whether the country has codes starting like `padded`, which starts
    /// with one 0, by the data or by [`LEADING_ZERO_KNOWN`].
    fn has_codes_from_zero(&self, padded: &str) -> bool {
        match self.any_prefix() {
            Some(prefix) => prefix.is_match(padded),
            None => {
                self.examples.iter().any(|e| e.core.starts_with('0'))
                    || LEADING_ZERO_KNOWN.contains(&self.code)
            }
        }
    }

    /// The refusal of `trimmed` (`written` once cleaned).
    fn refusal(&self, trimmed: &str, written: &str, why: Why) -> Invalid {
        let name = self.name;
        let place = country_label(self.code);
        let example = self.examples.first().map_or("", |e| e.text);
        let lengths = self.digit_lengths();
        let digits = self.examples.iter().find(|e| e.is_digits());
        let message = match (why, digits) {
            (Why::Digits { refused }, Some(example)) => cell::postal_code_digits(
                trimmed,
                name,
                &place,
                written.len(),
                &lengths,
                example.text,
                refused
                    .as_ref()
                    .map(|(state, code)| (state.as_str(), code.as_str())),
            ),
            _ if example.is_empty() => cell::not_a_postal_code(trimmed, name, &place),
            _ => cell::postal_code_unlike(trimmed, name, &place, example),
        };
        Invalid::new(ProblemCode::InvalidPostalCode, message)
    }
}

/// The country's name for a message ("the United States", "Canada"), or
/// its code when it has none.
fn country_label(code: &str) -> String {
    // Codes the data has and ISO 3166-1 does not assign (Ascension and
    // Tristan da Cunha are parts of SH; XK is Kosovo's user-assigned code).
    let extra = match code {
        "AC" => Some("Ascension Island"),
        "TA" => Some("Tristan da Cunha"),
        "XK" => Some("Kosovo"),
        _ => None,
    };
    match PlaceMatcher::country_name(code).or(extra.map(str::to_string)) {
        Some(name) => cell::country_in_sentence(name),
        None => code.to_string(),
    }
}

/// The data of `country` (an upper-case alpha-2 code), if it has any.
fn find(country: &str) -> Option<&'static Country> {
    let table = table();
    table
        .binary_search_by(|c| c.code.cmp(country))
        .ok()
        .and_then(|i| table.get(i))
}

fn table() -> &'static [Country] {
    static TABLE: OnceLock<Vec<Country>> = OnceLock::new();
    TABLE.get_or_init(|| parse(include_str!("postal_codes.tsv")))
}

/// The data file's countries, sorted by code. Its lines are a country
/// (code, format, examples, prefix, name) or one of its subdivisions
/// (`US-MA` and a prefix), after the country's own line.
fn parse(data: &'static str) -> Vec<Country> {
    let mut countries: Vec<Country> = Vec::new();
    for line in data.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let key = fields.next().unwrap_or_default();
        let pattern = fields.next().unwrap_or_default();
        if let Some((country, sub)) = key.split_once('-') {
            let last = countries.last_mut().filter(|c| c.code == country);
            debug_assert!(last.is_some(), "subdivision {key} before its country");
            if let Some(c) = last {
                c.subdivisions.push(Subdivision {
                    code: sub,
                    prefix: pattern,
                    regex: OnceLock::new(),
                });
            }
            continue;
        }
        let examples = fields.next().unwrap_or_default();
        let post_prefix = fields.next().unwrap_or_default();
        let name = cell::postal_code_name(fields.next().unwrap_or_default());
        countries.push(Country {
            code: key,
            format: pattern,
            examples: examples
                .split(',')
                .filter(|e| !e.is_empty())
                .map(Example::new)
                .collect(),
            post_prefix,
            name,
            subdivisions: Vec::new(),
            whole: OnceLock::new(),
            any_prefix: OnceLock::new(),
        });
    }
    countries.sort_by(|a, b| a.code.cmp(b.code));
    countries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str, country: &str, state: Option<&str>) -> PostalCode {
        match postal_code(input, country, state) {
            Ok(code) => code,
            Err(e) => panic!("{input:?} in {country}: {}", e.message),
        }
    }

    fn refused(input: &str, country: &str, state: Option<&str>) -> Invalid {
        match postal_code(input, country, state) {
            Ok(code) => panic!("{input:?} in {country} accepted as {:?}", code.value),
            Err(e) => e,
        }
    }

    #[test]
    fn every_pattern_of_the_data_compiles_and_every_example_is_its_own_normal_form() {
        let table = table();
        assert!(table.len() > 150, "{} countries", table.len());
        for c in table {
            assert!(c.whole().is_some(), "{}: {}", c.code, c.format);
            for s in &c.subdivisions {
                assert!(s.regex().is_some(), "{}-{}: {}", c.code, s.code, s.prefix);
            }
            if !c.subdivisions.is_empty() {
                assert!(c.any_prefix().is_some(), "{}", c.code);
            }
            for e in &c.examples {
                let code = ok(e.text, c.code, None);
                assert_eq!(code.value, e.text, "{}", c.code);
                assert_eq!(code.correction, None, "{}", c.code);
            }
        }
    }

    #[test]
    fn the_table_is_sorted_without_duplicates() {
        let table = table();
        assert!(table.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn lay_out_puts_separators_before_their_positions() {
        assert_eq!(lay_out("K1A0B1", &[(3, ' ')]), "K1A 0B1");
        assert_eq!(lay_out("1000001", &[(3, '-')]), "100-0001");
        assert_eq!(lay_out("ABC", &[]), "ABC");
        // A position past the end is dropped rather than misplaced.
        assert_eq!(lay_out("AB", &[(5, ' ')]), "AB");
    }

    #[test]
    fn examples_split_into_core_and_separators() {
        let e = Example::new("22162-1010");
        assert_eq!(e.core, "221621010");
        assert_eq!(e.seps, [(5, '-')]);
        assert!(e.is_digits());
        assert!(!Example::new("K1A 0B1").is_digits());
    }

    #[test]
    fn clean_upper_cases_collapses_spaces_and_reads_full_width_forms() {
        assert_eq!(clean("  sw1a \t 1aa "), "SW1A 1AA");
        assert_eq!(clean("１００－０００１"), "100-0001");
        assert_eq!(clean("k1a\u{a0}0b1"), "K1A 0B1");
    }

    #[test]
    fn subdivision_of_reads_iso_codes_and_bare_codes() {
        assert_eq!(subdivision_of("US", "US-MA").as_deref(), Some("MA"));
        assert_eq!(subdivision_of("US", " ma ").as_deref(), Some("MA"));
        assert_eq!(subdivision_of("US", "CA-ON"), None);
        assert_eq!(subdivision_of("US", "US-"), None);
    }

    #[test]
    fn zip_missing_its_leading_zero_is_restored_for_massachusetts() {
        let code = ok("2134", "US", Some("US-MA"));
        assert_eq!(code.value, "02134");
        assert_eq!(
            code.correction.as_deref(),
            Some("the leading zero a spreadsheet drops was restored")
        );
    }

    #[test]
    fn four_digit_zip_in_california_is_refused_naming_the_state() {
        let e = refused("2134", "US", Some("US-CA"));
        assert_eq!(e.code, ProblemCode::InvalidPostalCode);
        assert!(e.message.contains("US-CA"), "{}", e.message);
        assert!(e.message.contains("5"), "{}", e.message);
    }

    #[test]
    fn two_lost_zeros_need_the_state_or_a_format_that_demands_them() {
        assert!(postal_code("501", "US", None).is_err());
        assert_eq!(ok("501", "US", Some("US-NY")).value, "00501");
        assert_eq!(ok("930", "PR", None).value, "00930");
        assert_eq!(ok("930", "US", Some("US-PR")).value, "00930");
        assert!(postal_code("144", "IT", None).is_err());
        assert_eq!(ok("144", "IT", Some("IT-RM")).value, "00144");
    }

    #[test]
    fn a_zero_is_not_restored_where_no_code_starts_with_zero() {
        // India's PIN codes start 1 to 8; the Netherlands' at 1000.
        assert!(postal_code("11000", "IN", None).is_err());
        assert!(postal_code("123", "NL", None).is_err());
        assert!(postal_code("101", "AT", None).is_err());
    }

    #[test]
    fn the_country_prefix_before_a_code_is_removed_with_a_note() {
        let code = ok("CH-8001", "CH", None);
        assert_eq!(code.value, "8001");
        assert!(code.correction.is_some());
        assert_eq!(ok("L-4750", "LU", None).value, "4750");
    }

    #[test]
    fn messages_name_the_country_with_its_article_and_the_codes_kind() {
        let e = refused("ABCDE", "US", None);
        assert_eq!(
            e.message,
            "'ABCDE' is not a ZIP code of the United States: it looks like 95014."
        );
        let e = refused("12", "IN", None);
        assert!(
            e.message.starts_with("'12' is not a PIN code of India"),
            "{}",
            e.message
        );
        let e = refused("1234 SA", "NL", None);
        assert!(e.message.contains("the Netherlands"), "{}", e.message);
    }
}
