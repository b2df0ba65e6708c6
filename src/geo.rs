//! Places: countries and states as people type them, matched to ISO 3166
//! codes, and where a city comes from when a row leaves it empty.
//!
//! - [`PlaceMatcher`] (`geo/matcher.rs`): the matching steps, the caches and
//!   the refusals; its module docs describe the data and the matching.
//! - `geo/fold.rs`: text folded to keys (accents, case, spaces and
//!   punctuation ignored; abbreviations spelled out; designators dropped).
//! - `geo/names.rs`: the keys a name of the data is found by, and the name
//!   shown in messages.
//! - `geo/spelling.rs`: misspellings accepted and suggestions offered.
//! - `geo/index.rs`: the index of countries and subdivisions, built once
//!   per process from `keshvar`'s data (a country's subdivisions when
//!   first needed), and `geo/state_names.tsv`, the subdivision names of
//!   every country, derived from it and checked against it by a test.
//! - `geo/tables.rs`: the hand-kept tables of what people write that the
//!   data lacks, and where the data lags ISO 3166-2.
//! - [`CityDirectory`], [`MemoryCityDirectory`] (here) and, with feature
//!   `cities`, `SeatDirectory` (`geo/seats.rs`): the city of a state.

mod fold;
mod index;
mod matcher;
mod names;
mod spelling;
mod tables;
pub use matcher::PlaceMatcher;
#[cfg(feature = "cities")]
mod seats;
#[cfg(feature = "cities")]
pub use seats::SeatDirectory;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Knows the cities of states, for filling in an empty city.
///
/// The importer asks for the first city of a row's state when the row has
/// a state but no city (see [`Rule::DefaultCity`](crate::Rule::DefaultCity)).
/// Implement it over your own data, or use [`MemoryCityDirectory`].
pub trait CityDirectory: fmt::Debug + Send + Sync {
    /// The first city of `state` in `country`. A recognised state comes as
    /// its ISO 3166-2 code (`US-TX`) and a recognised country as its alpha-2
    /// code; others as written. `country` is the import's default country
    /// when the row has none, `None` when neither is known.
    fn first_city(&self, country: Option<&str>, state: &str) -> Option<String>;
}

/// A [`CityDirectory`] in memory: cities listed per state, the first one
/// added being a state's first city.
///
/// States match ignoring case, accents aside, spaces and punctuation
/// (`new york`, `New-York`, `NEW YORK.`); a state added without a country
/// matches in any country.
///
/// ```
/// use intake::geo::{CityDirectory, MemoryCityDirectory};
///
/// let cities = MemoryCityDirectory::new()
///     .city(Some("US"), "California", "Sacramento")
///     .city(Some("US"), "California", "Los Angeles")
///     .city(None, "Ontario", "Toronto");
/// assert_eq!(cities.first_city(Some("US"), "california").as_deref(), Some("Sacramento"));
/// assert_eq!(cities.first_city(Some("CA"), "Ontario").as_deref(), Some("Toronto"));
/// assert_eq!(cities.first_city(Some("US"), "Texas"), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryCityDirectory {
    /// (country key or "", state key) → cities in the order added.
    cities: HashMap<(String, String), Vec<String>>,
}

impl MemoryCityDirectory {
    /// An empty directory.
    pub fn new() -> MemoryCityDirectory {
        MemoryCityDirectory::default()
    }

    /// Adds `city` to `state` of `country` (`None`: any country).
    pub fn city(mut self, country: Option<&str>, state: &str, city: &str) -> MemoryCityDirectory {
        self.cities
            .entry((country.map(place_key).unwrap_or_default(), place_key(state)))
            .or_default()
            .push(city.to_string());
        self
    }
}

impl CityDirectory for MemoryCityDirectory {
    fn first_city(&self, country: Option<&str>, state: &str) -> Option<String> {
        let find = |state: &str| {
            let state = place_key(state);
            country
                .and_then(|c| self.cities.get(&(place_key(c), state.clone())))
                .or_else(|| self.cities.get(&(String::new(), state)))
                .and_then(|cities| cities.first().cloned())
        };
        // A recognised state arrives as its ISO 3166-2 code (`US-TX`); the
        // directory may list it by its own code (`TX`).
        find(state).or_else(|| state.split_once('-').and_then(|(_, code)| find(code)))
    }
}

/// The directory an import consults: the app's own, with (feature
/// `cities`, unless `embedded` is false) the embedded [`SeatDirectory`]
/// under it for the states the app's does not know.
pub(crate) fn layered(
    app: Option<Arc<dyn CityDirectory>>,
    embedded: bool,
) -> Option<Arc<dyn CityDirectory>> {
    #[cfg(feature = "cities")]
    if embedded {
        let seats = SeatDirectory::new();
        return Some(match app {
            Some(first) => Arc::new(seats::Layered { first, then: seats }),
            None => Arc::new(seats),
        });
    }
    // Without the feature there is nothing to layer.
    let _ = embedded;
    app
}

/// A place name for matching: lower-case letters and digits only.
///
/// Not the state matcher's folding ([`fold::words`]), on purpose: this one
/// keeps accents and letters as written (`Québec` ≠ `Quebec`, `Straße` ≠
/// `Strasse`, fullwidth `ＴＸ` ≠ `TX`) and reads `&` as nothing, not `and`,
/// as [`MemoryCityDirectory`] documents; making it the matcher's would
/// change which of an app's states meet. The importer hands the directory
/// recognised states as their ISO codes, which fold alike either way.
pub(crate) fn place_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
