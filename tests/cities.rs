//! The embedded city directory (feature `cities`): a row with a state and
//! no city gets the state's seat, for the states people write in the
//! countries of the realistic corpus, under the app's own directory, and
//! not at all when turned off.
#![cfg(feature = "cities")]

use intake::geo::PlaceMatcher;
use intake::geo::{CityDirectory, MemoryCityDirectory, SeatDirectory};
use intake::{presets, Argon2Hasher, Context, Importer, MemoryStore, Report};

fn importer(context: Context) -> Importer {
    Importer::new(presets::field_service())
        .password_hasher(Argon2Hasher::with_cost(64, 1, 1).expect("valid cost"))
        .context(context)
}

/// Imports one customer a state, each with that state as written, the
/// country `country` and no city; the report and the cities stored, in
/// file order.
fn import(context: Context, country: &str, states: &[&str]) -> (Report, Vec<Option<String>>) {
    let mut csv = String::from("first_name,last_name,email,city,state,country\n");
    for (i, state) in states.iter().enumerate() {
        csv.push_str(&format!(
            "Ann,Lee,ann{i:02}@example.com,,\"{state}\",{country}\n"
        ));
    }
    let mut store = MemoryStore::new();
    let report = importer(context)
        .import(csv.as_bytes(), &mut store)
        .expect("file-level success");
    let mut customers = store.customers();
    customers.sort_by_key(|c| c.record.text("email").map(str::to_string));
    let cities = customers
        .iter()
        .map(|c| c.record.text("city").map(str::to_string))
        .collect();
    (report, cities)
}

/// Each state (as people write it, in `country`) with the city its row
/// gets from the embedded directory in a full import with the default
/// context.
fn assert_seats(country: &str, expected: &[(&str, &str)]) {
    let states: Vec<&str> = expected.iter().map(|&(state, _)| state).collect();
    let (report, cities) = import(
        Context::new().default_country("US").unwrap(),
        country,
        &states,
    );
    let failures: Vec<String> = report.failures.iter().map(|f| f.describe()).collect();
    assert!(failures.is_empty(), "{country}: {failures:?}");
    assert_eq!(report.cities_filled, expected.len() as u64);
    for (&(state, city), got) in expected.iter().zip(&cities) {
        assert_eq!(got.as_deref(), Some(city), "{country}: {state}");
    }
    // The same through the directory alone, with the code the state
    // matcher produces: the codes line up.
    let mut places = PlaceMatcher::new();
    for &(state, city) in expected {
        let code = places.state(country, state).expect("a state");
        let seat = SeatDirectory::new().first_city(Some(country), &code);
        assert_eq!(seat.as_deref(), Some(city), "{country}: {state} ({code})");
    }
}

#[test]
fn united_states_rows_get_their_state_capital() {
    assert_seats(
        "US",
        &[
            ("TX", "Austin"),
            ("California", "Sacramento"),
            ("N.Y.", "Albany"),
            ("Washington", "Olympia"),
            ("Illinois", "Springfield"),
            ("District of Columbia", "Washington"),
            ("Puerto Rico", "San Juan"),
        ],
    );
}

#[test]
fn australian_rows_get_their_state_capital() {
    assert_seats(
        "AU",
        &[
            ("NSW", "Sydney"),
            ("Victoria", "Melbourne"),
            ("QLD", "Brisbane"),
            ("Western Australia", "Perth"),
            ("South Australia", "Adelaide"),
            ("Tasmania", "Hobart"),
            ("NT", "Darwin"),
            ("ACT", "Canberra"),
        ],
    );
}

#[test]
fn british_rows_get_their_nations_capital_or_their_councils_seat() {
    assert_seats(
        "GB",
        &[
            ("England", "London"),
            ("Scotland", "Edinburgh"),
            ("Wales", "Cardiff"),
            ("Northern Ireland", "Belfast"),
            ("Kent", "Maidstone"),
            ("Manchester", "Manchester"),
            ("Aberdeenshire", "Aberdeen"),
            // A London borough's city is London.
            ("Camden", "London"),
        ],
    );
}

#[test]
fn canadian_rows_get_their_provincial_capital() {
    assert_seats(
        "CA",
        &[
            ("BC", "Victoria"),
            ("Ontario", "Toronto"),
            ("Québec", "Québec"),
            ("Alberta", "Edmonton"),
            ("Nova Scotia", "Halifax"),
            ("Nunavut", "Iqaluit"),
        ],
    );
}

#[test]
fn new_zealand_rows_get_their_regional_councils_seat() {
    assert_seats(
        "NZ",
        &[
            ("Auckland", "Auckland"),
            ("Wellington", "Wellington"),
            ("Canterbury", "Christchurch"),
            ("Otago", "Dunedin"),
            ("Waikato", "Hamilton"),
            ("Bay of Plenty", "Whakatane"),
        ],
    );
}

#[test]
fn german_rows_get_their_lands_capital() {
    assert_seats(
        "DE",
        &[
            ("Bavaria", "Munich"),
            ("Bayern", "Munich"),
            ("Berlin", "Berlin"),
            ("NRW", "Düsseldorf"),
            ("Hessen", "Wiesbaden"),
            ("Hamburg", "Hamburg"),
            ("Baden-Württemberg", "Stuttgart"),
        ],
    );
}

#[test]
fn french_rows_get_their_regions_or_departments_prefecture() {
    assert_seats(
        "FR",
        &[
            ("Île-de-France", "Paris"),
            ("Auvergne-Rhône-Alpes", "Lyon"),
            ("Rhône", "Lyon"),
            ("Bouches-du-Rhône", "Marseille"),
            ("Gironde", "Bordeaux"),
            ("Corse-du-Sud", "Ajaccio"),
            ("La Réunion", "Saint-Denis"),
        ],
    );
}

#[test]
fn irish_rows_get_their_county_town() {
    assert_seats(
        "IE",
        &[
            ("Dublin", "Dublin"),
            ("Cork", "Cork"),
            ("Galway", "Galway"),
            ("Kerry", "Tralee"),
            // GeoNames names these in Irish; addresses use English.
            ("Westmeath", "Mullingar"),
            ("Donegal", "Lifford"),
            // A province has no government: its largest city.
            ("Leinster", "Dublin"),
        ],
    );
}

#[test]
fn spanish_rows_get_their_communitys_or_provinces_capital() {
    assert_seats(
        "ES",
        &[
            ("Madrid", "Madrid"),
            ("Catalonia", "Barcelona"),
            ("Barcelona", "Barcelona"),
            ("Andalucía", "Sevilla"),
            ("Valencia", "Valencia"),
            ("A Coruña", "A Coruña"),
            ("Badajoz", "Badajoz"),
        ],
    );
}

#[test]
fn italian_rows_get_their_regions_or_provinces_capital() {
    assert_seats(
        "IT",
        &[
            ("Lombardia", "Milan"),
            ("Lazio", "Rome"),
            ("Roma", "Rome"),
            ("Tuscany", "Florence"),
            ("Napoli", "Naples"),
            ("Sicilia", "Palermo"),
        ],
    );
}

#[test]
fn dutch_rows_get_their_provinces_seat() {
    assert_seats(
        "NL",
        &[
            // The provincial seats, not the largest cities.
            ("Noord-Holland", "Haarlem"),
            ("Zuid-Holland", "The Hague"),
            ("Utrecht", "Utrecht"),
            ("Gelderland", "Arnhem"),
            ("Limburg", "Maastricht"),
            ("Aruba", "Oranjestad"),
        ],
    );
}

#[test]
fn indian_rows_get_their_state_capital() {
    assert_seats(
        "IN",
        &[
            ("Maharashtra", "Mumbai"),
            ("Karnataka", "Bengaluru"),
            ("Delhi", "Delhi"),
            ("Tamil Nadu", "Chennai"),
            ("West Bengal", "Kolkata"),
            // Its capital lies outside it.
            ("Haryana", "Chandigarh"),
        ],
    );
}

#[test]
fn a_new_users_australian_file_imports_with_cities_filled() {
    // No directory of the app's own: the default context.
    let csv = "First Name,Last Name,Email,City,State,Country\n\
               Ann,Lee,ann@example.com,,NSW,Australia\n\
               Bob,Ray,bob@example.com,Geelong,Vic,Australia\n\
               Cai,Wu,cai@example.com,,Queensland,AU\n";
    let mut store = MemoryStore::new();
    let report = importer(Context::new().default_country("AU").unwrap())
        .import(csv.as_bytes(), &mut store)
        .expect("file-level success");
    assert_eq!(
        (report.inserted, report.failed),
        (3, 0),
        "{:?}",
        report.failures
    );
    assert_eq!(report.cities_filled, 2);
    let city = |email: &str| {
        store
            .customers()
            .into_iter()
            .find(|c| c.record.text("email") == Some(email))
            .and_then(|c| c.record.text("city").map(str::to_string))
    };
    assert_eq!(city("ann@example.com").as_deref(), Some("Sydney"));
    // A city given is kept.
    assert_eq!(city("bob@example.com").as_deref(), Some("Geelong"));
    assert_eq!(city("cai@example.com").as_deref(), Some("Brisbane"));
}

#[test]
fn the_apps_own_directory_comes_first_and_the_seats_fill_the_rest() {
    let apps = MemoryCityDirectory::new().city(Some("US"), "TX", "Houston");
    let context = Context::new()
        .default_country("US")
        .unwrap()
        .city_directory(apps);
    let (report, cities) = import(context, "US", &["Texas", "Oregon"]);
    assert_eq!(report.cities_filled, 2, "{:?}", report.failures);
    assert_eq!(
        cities,
        [Some("Houston".to_string()), Some("Salem".to_string())]
    );
}

#[test]
fn turned_off_only_the_apps_directory_answers() {
    let apps = MemoryCityDirectory::new().city(Some("US"), "TX", "Houston");
    let context = Context::new()
        .default_country("US")
        .unwrap()
        .city_directory(apps)
        .embedded_cities(false);
    let (report, cities) = import(context, "US", &["Texas", "Oregon"]);
    assert_eq!(report.cities_filled, 1);
    assert_eq!(cities, [Some("Houston".to_string())]);
    let problem = &report.failures[0].problems[0];
    assert_eq!(problem.code.as_str(), "required");
    assert!(
        problem
            .message
            .contains("no city is known for the state 'US-OR'"),
        "{}",
        problem.message
    );
}

#[test]
fn turned_off_without_a_directory_of_the_apps_no_state_gets_a_city() {
    let context = Context::new().embedded_cities(false);
    let (report, cities) = import(context, "AU", &["NSW"]);
    assert_eq!((report.cities_filled, report.failed), (0, 1));
    assert!(cities.is_empty());
    // Turned on again: the seat.
    let context = Context::new().embedded_cities(false).embedded_cities(true);
    let (_, cities) = import(context, "AU", &["NSW"]);
    assert_eq!(cities, [Some("Sydney".to_string())]);
}

#[test]
fn the_directory_takes_codes_in_their_country_and_names_people_write() {
    let seats = SeatDirectory::new();
    assert_eq!(seats.first_city(None, "AU-NSW").as_deref(), Some("Sydney"));
    assert_eq!(
        seats.first_city(Some("au"), "nsw").as_deref(),
        Some("Sydney")
    );
    assert_eq!(
        seats
            .first_city(Some("Australia"), "New South Wales")
            .as_deref(),
        Some("Sydney")
    );
    assert_eq!(seats.first_city(Some("AU"), "Atlantis"), None);
    assert_eq!(seats.first_city(None, "New South Wales"), None);
    assert_eq!(seats.first_city(Some("ZZ"), "NSW"), None);
}

#[test]
fn the_data_covers_nearly_every_subdivision_and_is_sorted() {
    let entries: Vec<(&str, &str)> = SeatDirectory::new().iter().collect();
    // 4,916 when built (of keshvar's 5,059 subdivisions).
    assert!(entries.len() > 4_800, "{}", entries.len());
    assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(entries.iter().all(|(code, _)| code.contains('-')));
}
