//! The embedded city directory: a default city for every ISO 3166-2
//! subdivision, from GeoNames (CC BY 4.0).
//!
//! The data is `seats.tsv` beside this file, one `CODE<TAB>City` line per
//! subdivision, sorted by code, built by `scripts/cities/rebuild.sh`.

use std::sync::{Arc, OnceLock};

use super::{CityDirectory, PlaceMatcher};

/// `CODE\tCity` lines after `#` comments.
const DATA: &str = include_str!("seats.tsv");

/// A [`CityDirectory`] that ships with the crate (feature `cities`, on by
/// default): for every ISO 3166-2 subdivision the state matcher knows, the
/// seat of its government, or its most populous city where no seat is
/// known, as GeoNames records them (CC BY 4.0, see the README's
/// third-party data section).
///
/// [`Context::new`](crate::Context::new) already consults it for the
/// states that the app's own directory does not know;
/// [`Context::embedded_cities`](crate::Context::embedded_cities) turns that
/// off. Names are spelled as GeoNames spells them (`Munich`, `Québec`,
/// `Sevilla`).
///
/// ```
/// use intake::geo::{CityDirectory, SeatDirectory};
///
/// let seats = SeatDirectory::new();
/// assert_eq!(seats.seat("AU-NSW"), Some("Sydney"));
/// assert_eq!(seats.seat("NL-NH"), Some("Haarlem")); // the seat, not Amsterdam
/// // As the importer asks: a full code, a code within the country, a name.
/// assert_eq!(seats.first_city(Some("US"), "US-TX").as_deref(), Some("Austin"));
/// assert_eq!(seats.first_city(Some("CA"), "BC").as_deref(), Some("Victoria"));
/// assert_eq!(seats.first_city(Some("DE"), "Bavaria").as_deref(), Some("Munich"));
/// assert_eq!(seats.first_city(None, "Bavaria"), None);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SeatDirectory {
    // Private: built with `new`, so that options can come later.
    _private: (),
}

impl SeatDirectory {
    /// The directory. The data is parsed on first use, once per process
    /// (under a millisecond).
    ///
    /// ```
    /// use intake::geo::SeatDirectory;
    /// assert_eq!(SeatDirectory::new().seat("CA-BC"), Some("Victoria"));
    /// ```
    pub fn new() -> SeatDirectory {
        SeatDirectory::default()
    }

    /// The city of the subdivision with the full ISO 3166-2 code `code`
    /// (`AU-NSW`, any case), if the data has one.
    ///
    /// ```
    /// use intake::geo::SeatDirectory;
    /// assert_eq!(SeatDirectory::new().seat("gb-wls"), Some("Cardiff"));
    /// assert_eq!(SeatDirectory::new().seat("XX-YY"), None);
    /// ```
    pub fn seat(&self, code: &str) -> Option<&'static str> {
        let code = code.trim().to_ascii_uppercase();
        let entries = entries();
        entries
            .binary_search_by(|&(c, _)| c.cmp(code.as_str()))
            .ok()
            .and_then(|i| entries.get(i))
            .map(|&(_, city)| city)
    }

    /// Every subdivision that has a city, and the city, sorted by code:
    /// for an app that copies them into its own directory, or shows them.
    ///
    /// ```
    /// use intake::geo::SeatDirectory;
    /// let australia: Vec<_> = SeatDirectory::new()
    ///     .iter()
    ///     .filter(|(code, _)| code.starts_with("AU-"))
    ///     .collect();
    /// assert_eq!(australia.len(), 8);
    /// assert_eq!(australia[0], ("AU-ACT", "Canberra"));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        entries().iter().copied()
    }
}

impl CityDirectory for SeatDirectory {
    /// The seat of `state`: a full ISO 3166-2 code (what the importer passes
    /// for a recognised state), a code within `country` (`TX`), or any name
    /// [`PlaceMatcher::state`] recognises in `country` (`Texas`, `Bavaria`).
    fn first_city(&self, country: Option<&str>, state: &str) -> Option<String> {
        let state = state.trim();
        if let Some(city) = self.seat(state) {
            return Some(city.to_string());
        }
        let country = country.map(str::trim).filter(|c| !c.is_empty())?;
        if country.len() == 2 {
            if let Some(city) = self.seat(&format!("{country}-{state}")) {
                return Some(city.to_string());
            }
        }
        let code = PlaceMatcher::new().state(country, state).ok()?;
        self.seat(&code).map(str::to_string)
    }
}

/// The data's entries, sorted by code, parsed once.
fn entries() -> &'static [(&'static str, &'static str)] {
    static ENTRIES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut entries: Vec<(&'static str, &'static str)> = DATA
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t'))
            .collect();
        // The file is sorted; sorting again keeps a hand edit from breaking
        // the binary search.
        entries.sort_unstable_by_key(|&(code, _)| code);
        entries
    })
}

/// An app's directory with the embedded one under it: the app's city when
/// it has one, else the seat.
#[derive(Debug)]
pub(crate) struct Layered {
    pub(crate) first: Arc<dyn CityDirectory>,
    pub(crate) then: SeatDirectory,
}

impl CityDirectory for Layered {
    fn first_city(&self, country: Option<&str>, state: &str) -> Option<String> {
        self.first
            .first_city(country, state)
            .or_else(|| self.then.first_city(country, state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subdivision keshvar (the state matcher's data) has, by country.
    fn subdivisions() -> Vec<(String, Vec<String>)> {
        keshvar::CountryIterator::new()
            .map(|c| {
                let alpha2 = c.alpha2().to_string();
                let codes = c
                    .subdivisions()
                    .values()
                    .map(|s| format!("{alpha2}-{}", s.code()))
                    .collect();
                (alpha2, codes)
            })
            .collect()
    }

    /// The code the state matcher produces for each of keshvar's codes it
    /// still reads (it maps some to ISO's newer codes: `KZ-AKM` to `KZ-11`).
    fn matched(country: &str, codes: &[String]) -> Vec<String> {
        let mut places = PlaceMatcher::new();
        codes
            .iter()
            .filter_map(|code| places.state(country, code).ok())
            .map(|code| code.to_string())
            .collect()
    }

    #[test]
    fn every_code_in_the_data_is_one_the_state_matcher_reads() {
        let mut places = PlaceMatcher::new();
        let unread: Vec<&str> = SeatDirectory::new()
            .iter()
            .map(|(code, _)| code)
            .filter(|code| {
                let country = code.split('-').next().unwrap_or_default();
                places.state(country, code).is_err()
            })
            .collect();
        // Codes keshvar has that the matcher has since withdrawn (GB-NTH,
        // split in 2021) are kept for apps that stored them: a handful.
        assert!(unread.len() <= 20, "{unread:?}");
    }

    #[test]
    fn every_state_the_matcher_gives_in_the_main_countries_has_a_city() {
        let seats = SeatDirectory::new();
        let main = [
            "US", "AU", "GB", "CA", "NZ", "DE", "FR", "IE", "ES", "IT", "NL", "IN",
        ];
        // Uninhabited: no city to give.
        let none = ["US-UM", "FR-CP"];
        let mut missing = Vec::new();
        for (country, codes) in subdivisions() {
            if main.contains(&country.as_str()) {
                for code in matched(&country, &codes) {
                    if seats.seat(&code).is_none() && !none.contains(&code.as_str()) {
                        missing.push(code);
                    }
                }
            }
        }
        assert!(missing.is_empty(), "no city for {missing:?}");
    }

    #[test]
    fn nearly_every_state_the_matcher_gives_has_a_city() {
        let seats = SeatDirectory::new();
        let all: Vec<String> = subdivisions()
            .into_iter()
            .flat_map(|(country, codes)| matched(&country, &codes))
            .collect();
        let covered = all.iter().filter(|c| seats.seat(c).is_some()).count();
        // 97% of keshvar's codes when built; fewer means the mapping broke.
        assert!(
            covered * 100 >= all.len() * 97,
            "{covered} of {}",
            all.len()
        );
    }

    #[test]
    fn cities_are_plain_names() {
        for (code, city) in SeatDirectory::new().iter() {
            assert!(
                !city.trim().is_empty() && city.trim() == city,
                "{code}: {city:?}"
            );
            assert!(!city.contains(['\t', '\r', '\n']), "{code}: {city:?}");
        }
    }
}
