//! The index of countries and subdivisions, built once per process from
//! `keshvar`'s data corrected and completed by the [`tables`](super::tables).
//!
//! The countries are indexed on first use (a few milliseconds); a
//! country's subdivisions only when one of its states is first matched.
//! Indexing the 5,000 subdivisions of the world took most of 60 ms, which
//! every import with a country or state column waited for before its
//! first row (and a small upload, for nothing it used).

use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::fold::code_key;
use super::names::{display_name, looks_like_code, name_keys, ALTERNATE, OFFICIAL};
use super::spelling::{spellings, Spelling};
use super::tables::{
    COUNTRY_DISPLAY_NAMES, EXTRA_COUNTRY_NAMES, EXTRA_STATES, EXTRA_STATE_NAMES, FORMER_CODES,
    FORMER_NAMES, RENAMED_STATES, SAME_PLACES, STATE_DISPLAY_NAMES, WITHDRAWN_STATES,
};
use crate::invalid::Invalid;
use crate::messages::place;
use crate::problem::ProblemCode;

/// A subdivision.
pub(super) struct Sub {
    /// Full ISO 3166-2 code: `US-CA`.
    pub(super) code: String,
    /// Name for messages.
    pub(super) name: String,
}

/// A country, and the index of its subdivisions once it is needed.
pub(super) struct CountryData {
    pub(super) alpha2: String,
    /// Key of the alpha-2 code, as it prefixes full codes: `us`.
    pub(super) prefix: String,
    /// English name for messages.
    pub(super) name: String,
    /// Keys of the country's own names and codes (`australia`, `au`).
    pub(super) own_names: HashSet<String>,
    /// The data's country, whose subdivisions `states` indexes.
    data: keshvar::Country,
    states: OnceLock<States>,
}

/// The index of a country's subdivisions.
pub(super) struct States {
    pub(super) subs: Vec<Sub>,
    /// Key of a region code (`ca`) → subdivisions.
    pub(super) codes: HashMap<String, Vec<usize>>,
    /// Name key → (strength, subdivision).
    pub(super) names: HashMap<String, Vec<(u8, usize)>>,
    /// Name keys long enough to be misspelt.
    pub(super) fuzzy: Vec<Spelling>,
}

impl CountryData {
    /// The country's subdivisions, indexed the first time they are asked
    /// for.
    pub(super) fn states(&self) -> &States {
        self.states
            .get_or_init(|| build_states(&self.alpha2, &self.data))
    }

    pub(super) fn code_of(&self, i: usize) -> Result<String, Invalid> {
        match self.states().subs.get(i) {
            Some(s) => Ok(s.code.clone()),
            None => Err(Invalid::new(
                ProblemCode::UnknownState,
                place::no_such_state(&self.name),
            )),
        }
    }
}

pub(super) struct Index {
    /// Sorted by alpha-2.
    pub(super) countries: Vec<CountryData>,
    /// Code key (`us`, `usa`, `840`) → country.
    pub(super) country_codes: HashMap<String, usize>,
    /// Name key → (strength, country).
    pub(super) country_names: HashMap<String, Vec<(u8, usize)>>,
    pub(super) country_fuzzy: Vec<Spelling>,
    /// Name key of a subdivision anywhere → the countries that have one.
    state_names: OnceLock<HashMap<&'static str, Vec<usize>>>,
}

/// Every subdivision's name keys and the countries that have a
/// subdivision of that name: `KEY<TAB>AA BB` lines, sorted, after `#`
/// comments. Derived from the index itself; the test
/// `state_names_file_is_up_to_date` fails when it is out of date, and
/// rewrites it when run with `INTAKE_WRITE_STATE_NAMES=1`.
const STATE_NAMES: &str = include_str!("state_names.tsv");

pub(super) fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(Index::build)
}

impl Index {
    pub(super) fn country_index(&self, alpha2: &str) -> Option<usize> {
        self.countries
            .binary_search_by(|c| c.alpha2.as_str().cmp(alpha2))
            .ok()
    }

    pub(super) fn country_label(&self, i: usize) -> Option<String> {
        self.countries.get(i).map(|c| c.name.clone())
    }

    /// Name key of a subdivision anywhere → the countries that have one,
    /// read from [`STATE_NAMES`] the first time (7,564 lines to split):
    /// indexing every country's subdivisions to learn them would cost
    /// most of the 60 ms the lazy index saves, and the first misspelt
    /// state of a file asks.
    pub(super) fn state_names(&self) -> &HashMap<&'static str, Vec<usize>> {
        self.state_names.get_or_init(|| {
            let mut state_names = HashMap::new();
            for line in STATE_NAMES.lines().filter(|l| !l.starts_with('#')) {
                let Some((key, countries)) = line.split_once('\t') else {
                    debug_assert!(false, "a line of state_names.tsv without a tab: {line}");
                    continue;
                };
                let countries: Vec<usize> = countries
                    .split(' ')
                    .filter_map(|alpha2| self.country_index(alpha2))
                    .collect();
                state_names.insert(key, countries);
            }
            state_names
        })
    }

    fn build() -> Index {
        let mut all: Vec<keshvar::Country> = keshvar::CountryIterator::new().collect();
        all.sort_by_key(|c| c.alpha2().to_string());

        let mut countries = Vec::with_capacity(all.len());
        let mut country_codes = HashMap::new();
        let mut country_names: HashMap<String, Vec<(u8, usize)>> = HashMap::new();

        for (ci, country) in all.into_iter().enumerate() {
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

            countries.push(CountryData {
                prefix: code_key(&alpha2),
                alpha2,
                name: display,
                own_names: HashSet::new(),
                data: country,
                states: OnceLock::new(),
            });
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
            state_names: OnceLock::new(),
        }
    }
}

fn build_states(alpha2: &str, country: &keshvar::Country) -> States {
    let entries = entries(alpha2, country);
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
                    .strip_prefix(alpha2)
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
    redirect(alpha2, &subs, &mut codes, &mut names);
    for (_, list, successors) in FORMER_NAMES.iter().filter(|(a2, ..)| *a2 == alpha2) {
        // A name that now covers several subdivisions names none of them.
        let ids: Vec<usize> = successors
            .iter()
            .filter_map(|r| sub_index(alpha2, &subs, r))
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
    States {
        subs,
        codes,
        names,
        fuzzy,
    }
}

/// A subdivision as the index takes it in: the data's, corrected by the
/// [`tables`](super::tables), or one the data lacks.
pub(super) struct Entry {
    /// The current region code: `CA`, `KZN`.
    pub(super) region: String,
    /// Its names with their strength.
    pub(super) names: Vec<(&'static str, u8)>,
    /// Codes it had, still read: `ZN` for `ZA-KZN`.
    pub(super) former_codes: Vec<&'static str>,
    /// Name for messages.
    pub(super) display: String,
}

/// The subdivisions of a country, sorted by code: the data's, without
/// placeholder codes (`LR-X1~`), with current codes and names, and those
/// the data lacks.
pub(super) fn entries(alpha2: &str, country: &keshvar::Country) -> Vec<Entry> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The state names as the index makes them, every country's
    /// subdivisions indexed: name key → countries, by index.
    fn computed_state_names() -> std::collections::BTreeMap<&'static str, Vec<usize>> {
        let mut keys: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (ci, country) in index().countries.iter().enumerate() {
            for key in country.states().names.keys() {
                keys.entry(key).or_default().push(ci);
            }
        }
        keys
    }

    /// [`computed_state_names`] as `state_names.tsv` writes them.
    fn state_names_file() -> String {
        let idx = index();
        let mut out = String::from(
            "# Name key of every subdivision -> the countries that have one of that name.\n\
             # Derived from the index (keshvar-0.7.0 and src/geo/tables.rs); do not edit by hand:\n\
             # INTAKE_WRITE_STATE_NAMES=1 cargo test --lib state_names_file rewrites it.\n",
        );
        for (key, countries) in computed_state_names() {
            assert!(!key.contains(['\t', '\n', '\r']), "{key:?}");
            let countries: Vec<&str> = countries
                .iter()
                .filter_map(|&ci| idx.countries.get(ci))
                .map(|c| c.alpha2.as_str())
                .collect();
            out.push_str(&format!("{key}\t{}\n", countries.join(" ")));
        }
        out
    }

    #[test]
    fn state_names_file_is_up_to_date() {
        let expected = state_names_file();
        if std::env::var_os("INTAKE_WRITE_STATE_NAMES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/geo/state_names.tsv");
            std::fs::write(path, &expected).unwrap();
            // Compiled in with the next build.
            return;
        }
        assert!(
            STATE_NAMES == expected,
            "src/geo/state_names.tsv is out of date: \
             INTAKE_WRITE_STATE_NAMES=1 cargo test --lib state_names_file"
        );
    }

    #[test]
    fn state_names_read_from_the_file_match_the_index() {
        let idx = index();
        let computed = computed_state_names();
        assert_eq!(idx.state_names().len(), computed.len());
        for (key, countries) in &computed {
            assert_eq!(idx.state_names().get(key), Some(countries), "{key}");
        }
    }

    #[test]
    fn codes_are_one_subdivision_each() {
        for c in &index().countries {
            let mut codes: Vec<&str> = c.states().subs.iter().map(|s| s.code.as_str()).collect();
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
                c.is_some_and(|c| c.states().subs.iter().all(|s| s.code != code)),
                "{code} is current"
            );
        }
    }
}
