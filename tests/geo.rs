//! Countries and states: what people type, matched to ISO codes, and never
//! wrongly.
//!
//! The quality test reads `tests/data/places.csv` (`country_context,input,
//! expected`): a row with a country context is a state of that country, a
//! row without one is a country; an empty `expected` means the text must be
//! refused.

use std::collections::BTreeSet;

use intake::geo::PlaceMatcher;
use intake::ProblemCode;

const PLACES: &str = include_str!("data/places.csv");

struct Case {
    country: String,
    input: String,
    expected: String,
}

fn cases() -> Vec<Case> {
    let mut reader = csv::Reader::from_reader(PLACES.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("places.csv is valid CSV");
            Case {
                country: r[0].to_string(),
                input: r[1].to_string(),
                expected: r[2].to_string(),
            }
        })
        .collect()
}

fn run(places: &mut PlaceMatcher, case: &Case) -> Result<String, intake::validate::Invalid> {
    if case.country.is_empty() {
        places.country(&case.input).map(String::from)
    } else {
        places.state(&case.country, &case.input).map(String::from)
    }
}

#[test]
fn quality_on_real_world_spellings() {
    let cases = cases();
    let mut places = PlaceMatcher::new();
    let (mut to_match, mut matched, mut to_reject, mut rejected) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    let mut missed = Vec::new();
    let mut let_through = Vec::new();
    for case in &cases {
        let got = run(&mut places, case);
        if case.expected.is_empty() {
            to_reject += 1;
            match got {
                Err(_) => rejected += 1,
                Ok(code) => let_through.push(format!("{},{} -> {code}", case.country, case.input)),
            }
        } else {
            to_match += 1;
            match got {
                Ok(code) if code == case.expected => matched += 1,
                Ok(code) => wrong.push(format!(
                    "{},{} -> {code}, expected {}",
                    case.country, case.input, case.expected
                )),
                Err(e) => missed.push(format!(
                    "{},{} (expected {}): {}",
                    case.country, case.input, case.expected, e.message
                )),
            }
        }
    }
    let countries: BTreeSet<&str> = cases
        .iter()
        .map(|c| c.country.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    let rate = matched as f64 / to_match.max(1) as f64;
    eprintln!(
        "places.csv: {} spellings over {} countries' states (+ {} country spellings)",
        cases.len(),
        countries.len(),
        cases.iter().filter(|c| c.country.is_empty()).count()
    );
    eprintln!(
        "matched right: {matched}/{to_match} = {:.1}%; wrong matches: {}; must-reject rejected: {rejected}/{to_reject}",
        rate * 100.0,
        wrong.len() + let_through.len()
    );
    for m in &missed {
        eprintln!("  refused: {m}");
    }
    for w in wrong.iter().chain(&let_through) {
        eprintln!("  WRONG: {w}");
    }
    assert!(cases.len() >= 150, "the test set has {} rows", cases.len());
    assert!(countries.len() >= 10, "the test set covers {countries:?}");
    assert!(wrong.is_empty(), "wrong matches: {wrong:#?}");
    assert!(
        let_through.is_empty(),
        "must-reject accepted: {let_through:#?}"
    );
    assert_eq!(rejected, to_reject);
    assert!(rate >= 0.97, "matched right {:.1}% < 97%", rate * 100.0);
}

#[test]
fn unknown_state_message_reads_well() {
    let mut places = PlaceMatcher::new();
    let err = places.state("US", "Atlantis").unwrap_err();
    assert_eq!(err.code, ProblemCode::UnknownState);
    assert_eq!(err.message, "'Atlantis' is not a state of United States.");
    assert!(err.suggestions.is_empty(), "{:?}", err.suggestions);

    let err = places.state("US", "Carolina").unwrap_err();
    assert_eq!(
        err.message,
        "'Carolina' is not a state of United States. Did you mean: North Carolina, South Carolina?"
    );
    assert_eq!(err.suggestions, ["North Carolina", "South Carolina"]);

    let err = places.state("US", "Ontario").unwrap_err();
    assert_eq!(
        err.message,
        "'Ontario' is not a state of United States; it is in Canada."
    );
}

#[test]
fn suggestions_are_at_most_three() {
    let mut places = PlaceMatcher::new();
    for (country, input) in [
        ("US", "New"),
        ("US", "Dakota"),
        ("US", "West"),
        ("GB", "Yorkshire"),
        ("GB", "Lanarkshire"),
        ("US", "Kansa City"),
        ("FR", "Haute"),
        ("", "Korea"),
    ] {
        let err = if country.is_empty() {
            places.country(input).unwrap_err()
        } else {
            places.state(country, input).unwrap_err()
        };
        assert!(err.suggestions.len() <= 3, "{input}: {:?}", err.suggestions);
        if !err.suggestions.is_empty() {
            assert!(err.message.contains("Did you mean: "), "{}", err.message);
        }
    }
    let err = places.state("US", "New").unwrap_err();
    assert_eq!(err.suggestions.len(), 3, "{:?}", err.suggestions);
    assert!(err.suggestions.iter().all(|s| s.starts_with("New ")));
}

#[test]
fn ambiguous_names_are_refused_with_the_candidates() {
    let mut places = PlaceMatcher::new();
    // Two places of one name: Saaremaa county and one of its three parishes.
    // (Navarra, the example here before, is one place: see
    // `cantabria_is_one_place_not_an_ambiguity`.)
    let err = places.state("EE", "Saaremaa").unwrap_err();
    assert_eq!(err.code, ProblemCode::UnknownState);
    assert!(err.message.contains("more than one"), "{}", err.message);
    assert_eq!(err.suggestions, ["Saaremaa (EE-714)", "Saaremaa (EE-74)"]);

    let err = places.country("Korea").unwrap_err();
    assert_eq!(err.code, ProblemCode::UnknownCountry);
    assert!(
        err.suggestions.contains(&"South Korea".to_string()),
        "{:?}",
        err.suggestions
    );
    assert!(
        err.suggestions.contains(&"North Korea".to_string()),
        "{:?}",
        err.suggestions
    );
}

#[test]
fn virginia_is_a_state_and_west_is_not() {
    let mut places = PlaceMatcher::new();
    assert_eq!(places.state("US", "Virginia").unwrap(), "US-VA");
    assert_eq!(places.state("US", "virginia").unwrap(), "US-VA");
    assert_eq!(places.state("US", "West Virginia").unwrap(), "US-WV");
    assert!(places.state("US", "West").is_err());
    assert!(places.state("US", "Dakota").is_err());
    assert!(places.state("US", "Carolina").is_err());
}

#[test]
fn cache_returns_the_same_answer() {
    let mut places = PlaceMatcher::new();
    let first = places.state("US", "Califronia");
    let again = places.state("US", "Califronia");
    assert_eq!(first, again);
    assert_eq!(again.unwrap(), "US-CA");
    let first = places.state("US", "Atlantis");
    let again = places.state("US", "Atlantis");
    assert_eq!(first, again);
    assert_eq!(places.country("U.K."), places.country("U.K."));
    // The cache is per (country, text): the same text in another country is
    // another question.
    assert_eq!(places.state("AU", "WA").unwrap(), "AU-WA");
    assert_eq!(places.state("US", "WA").unwrap(), "US-WA");
}

#[test]
fn the_country_may_be_any_form_of_a_country() {
    let mut places = PlaceMatcher::new();
    assert_eq!(places.state("USA", "Texas").unwrap(), "US-TX");
    assert_eq!(places.state("Deutschland", "Bavaria").unwrap(), "DE-BY");
    let err = places.state("Atlantis", "Texas").unwrap_err();
    assert_eq!(err.code, ProblemCode::UnknownCountry);
    assert!(err.message.contains("'Atlantis'"), "{}", err.message);
    let err = places.state("", "Texas").unwrap_err();
    assert_eq!(err.code, ProblemCode::UnknownCountry);
}

#[test]
fn a_state_of_a_country_without_states_is_refused() {
    let mut places = PlaceMatcher::new();
    let err = places.state("AQ", "Ross Dependency").unwrap_err();
    assert_eq!(err.code, ProblemCode::UnknownState);
    assert!(err.message.contains("Antarctica"), "{}", err.message);
}

#[test]
fn country_names_for_messages() {
    assert_eq!(
        PlaceMatcher::country_name("US").as_deref(),
        Some("United States")
    );
    assert_eq!(
        PlaceMatcher::country_name("gb").as_deref(),
        Some("United Kingdom")
    );
    assert_eq!(PlaceMatcher::country_name("JP").as_deref(), Some("Japan"));
    assert_eq!(PlaceMatcher::country_name("ZZ"), None);
    assert_eq!(PlaceMatcher::country_name("USA"), None);
    assert_eq!(PlaceMatcher::country_name(""), None);
    assert_eq!(PlaceMatcher::country_name("é"), None);
}

#[test]
fn no_input_panics() {
    let huge = "California".repeat(100_000);
    let weird = [
        "",
        " ",
        "\t\n",
        "\0",
        "🙂",
        "🇺🇸",
        "\u{202e}ainrofilaC",
        "C\u{301}\u{301}\u{301}alifornia",
        "\u{fffd}\u{fffd}",
        "ǅ",
        "İstanbul",
        "ﬁnland",
        "ＴＥＸＡＳ",
        "東京都都都",
        "県",
        "N.",
        "N. ",
        "St.",
        "the",
        "The",
        "state of",
        "&",
        "-US-",
        "US-",
        "-CA",
        huge.as_str(),
    ];
    let mut places = PlaceMatcher::new();
    for w in weird {
        let _ = places.country(w);
        for country in ["US", "JP", "AQ", "", w] {
            let _ = places.state(country, w);
        }
    }
    let err = places.state("US", &huge).unwrap_err();
    assert!(err.message.chars().count() < 200, "{}", err.message);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn never_panics_on_any_text(country in "\\PC{0,4}", input in "\\PC{0,30}") {
        let mut places = PlaceMatcher::new();
        let _ = places.country(&input);
        let _ = places.state(&country, &input);
        let _ = places.state("US", &input);
    }
}

/// `state` of `country`, or the refusal's message.
fn state(places: &mut PlaceMatcher, country: &str, input: &str) -> Result<String, String> {
    places
        .state(country, input)
        .map(String::from)
        .map_err(|e| e.message)
}

#[test]
fn cantabria_is_one_place_not_an_ambiguity() {
    let mut places = PlaceMatcher::new();
    // (province code, community code, names of either): one place, the
    // province's code, whichever name or code is written.
    let pairs: [(&str, &str, &[&str]); 7] = [
        ("ES-S", "ES-CB", &["Cantabria", "cantabria", "Santander"]),
        ("ES-LO", "ES-RI", &["La Rioja", "Rioja", "Logroño"]),
        (
            "ES-NA",
            "ES-NC",
            &[
                "Navarra",
                "Navarre",
                "Nafarroa",
                "Comunidad Foral de Navarra",
            ],
        ),
        ("ES-O", "ES-AS", &["Asturias", "Principado de Asturias"]),
        (
            "ES-MU",
            "ES-MC",
            &["Murcia", "Región de Murcia", "Region of Murcia"],
        ),
        (
            "ES-M",
            "ES-MD",
            &["Madrid", "Comunidad de Madrid", "Community of Madrid"],
        ),
        (
            "ES-PM",
            "ES-IB",
            &[
                "Illes Balears",
                "Islas Baleares",
                "Baleares",
                "Balearic Islands",
            ],
        ),
    ];
    for (province, community, names) in pairs {
        for input in names.iter().copied().chain([province, community]) {
            assert_eq!(
                state(&mut places, "ES", input),
                Ok(province.to_string()),
                "{input}"
            );
        }
        let bare = community.trim_start_matches("ES-");
        assert_eq!(
            state(&mut places, "Spain", bare),
            Ok(province.to_string()),
            "{bare}"
        );
    }
    // Communities of several provinces stay themselves, and so do their
    // provinces.
    assert_eq!(state(&mut places, "ES", "Cataluña"), Ok("ES-CT".into()));
    assert_eq!(state(&mut places, "ES", "Barcelona"), Ok("ES-B".into()));
    assert_eq!(state(&mut places, "ES", "ES-VC"), Ok("ES-VC".into()));
    assert_eq!(state(&mut places, "ES", "Valencia"), Ok("ES-V".into()));
    // A misspelling of the one place is a misspelling, not a tie.
    assert_eq!(state(&mut places, "ES", "Cantabira"), Ok("ES-S".into()));
}

#[test]
fn a_region_that_is_its_only_subdivision_is_one_place_in_other_countries_too() {
    let mut places = PlaceMatcher::new();
    // Hiiumaa county has one parish, Hiiumaa: the county's code, the level
    // Estonian addresses name.
    for input in ["Hiiumaa", "EE-39", "EE-205", "205"] {
        assert_eq!(
            state(&mut places, "EE", input),
            Ok("EE-39".into()),
            "{input}"
        );
    }
    // The same name for two different places stays refused.
    for (country, input) in [("EE", "Saaremaa"), ("EE", "Tartu"), ("HU", "Veszprém")] {
        let err = places.state(country, input).unwrap_err();
        assert_eq!(err.code, ProblemCode::UnknownState);
        assert!(err.message.contains("more than one"), "{}", err.message);
        assert_eq!(err.suggestions.len(), 2, "{:?}", err.suggestions);
    }
    // The province of Aosta is the region of Aosta Valley; France's
    // overseas regions are their departments.
    for input in ["Aosta", "AO", "IT-AO", "Valle d'Aosta", "IT-23"] {
        assert_eq!(
            state(&mut places, "IT", input),
            Ok("IT-23".into()),
            "{input}"
        );
    }
    for (input, code) in [
        ("Guadeloupe", "FR-971"),
        ("FR-GP", "FR-971"),
        ("GP", "FR-971"),
        ("RE", "FR-974"),
        ("La Réunion", "FR-974"),
    ] {
        assert_eq!(state(&mut places, "FR", input), Ok(code.into()), "{input}");
    }
}

#[test]
fn inverted_iso_names_match_both_ways_round() {
    let mut places = PlaceMatcher::new();
    for (iso, reading_order, code) in [
        (
            "Navarra, Comunidad Foral de",
            "Comunidad Foral de Navarra",
            "ES-NA",
        ),
        ("Asturias, Principado de", "Principado de Asturias", "ES-O"),
        ("Madrid, Comunidad de", "Comunidad de Madrid", "ES-M"),
        ("Balears, Illes", "Illes Balears", "ES-PM"),
        ("Murcia, Región de", "Región de Murcia", "ES-MU"),
        ("Rioja, La", "La Rioja", "ES-LO"),
        ("Valenciana, Comunidad", "Comunidad Valenciana", "ES-VC"),
        ("Coruña, A", "A Coruña", "ES-C"),
        ("Palmas, Las", "Las Palmas", "ES-GC"),
    ] {
        assert_eq!(state(&mut places, "ES", iso), Ok(code.into()), "{iso}");
        assert_eq!(
            state(&mut places, "ES", reading_order),
            Ok(code.into()),
            "{reading_order}"
        );
    }
    // Any name, written inverted where the data has it in reading order.
    assert_eq!(
        state(&mut places, "US", "Carolina, North"),
        Ok("US-NC".into())
    );
    assert_eq!(
        state(&mut places, "BE", "Bruxelles-Capitale, Région de"),
        Ok("BE-BRU".into())
    );
    assert_eq!(
        state(&mut places, "BE", "Région wallonne"),
        Ok("BE-WAL".into())
    );
    // Still one place: the inverted form of a name of two places is not a
    // way to pick one.
    assert!(places.state("EE", "Saaremaa, ").is_err());
}

#[test]
fn current_iso_subdivisions_are_recognised() {
    let mut places = PlaceMatcher::new();
    for (country, input, code) in [
        // England's unitary authorities ISO lists and the data lacked.
        ("GB", "North Northamptonshire", "GB-NNH"),
        ("GB", "West Northamptonshire", "GB-WNH"),
        ("GB", "GB-NNH", "GB-NNH"),
        ("GB", "WNH", "GB-WNH"),
        // GB-BDF is Bedford since 2009, not Bedfordshire.
        ("GB", "Bedford", "GB-BDF"),
        ("GB", "Central Bedfordshire", "GB-CBF"),
        // ISO's current names (`Herefordshire` was read as a misspelling
        // of Hertfordshire).
        ("GB", "Herefordshire", "GB-HEF"),
        ("GB", "Hertfordshire", "GB-HRT"),
        ("GB", "Belfast City", "GB-BFS"),
        ("GB", "Kingston upon Hull", "GB-KHL"),
        ("GB", "Cymru", "GB-WLS"),
        ("GB", "GB-CYM", "GB-WLS"),
        ("GB", "North Yorkshire", "GB-NYK"),
        ("GB", "Somerset", "GB-SOM"),
        ("NL", "Fryslân", "NL-FR"),
        ("NZ", "Greater Wellington", "NZ-WGN"),
        ("PT", "Região Autónoma dos Açores", "PT-20"),
        // Codes ISO changed: the current one, the former still read.
        ("ZA", "KwaZulu-Natal", "ZA-KZN"),
        ("ZA", "KZN", "ZA-KZN"),
        ("ZA", "ZA-ZN", "ZA-KZN"),
        ("KZ", "Almaty", "KZ-75"),
        ("KZ", "KZ-ALA", "KZ-75"),
        ("KZ", "Turkestan", "KZ-61"),
        ("KZ", "Abai Region", "KZ-10"),
        // Subdivisions ISO added elsewhere.
        ("PH", "Maguindanao del Norte", "PH-MGN"),
        ("ID", "Papua Tengah", "ID-PT"),
        ("DZ", "Touggourt", "DZ-55"),
        ("IS", "Skagafjörður", "IS-SKR"),
        // Nepal's zones are gone: Bagmati is the province.
        ("NP", "Bagmati", "NP-P3"),
    ] {
        assert_eq!(
            state(&mut places, country, input),
            Ok(code.to_string()),
            "{country} {input}"
        );
    }
}

#[test]
fn a_county_since_split_asks_which_part() {
    let mut places = PlaceMatcher::new();
    for input in ["Northamptonshire", "Northants", "GB-NTH", "NTH"] {
        let err = places.state("GB", input).unwrap_err();
        assert_eq!(err.code, ProblemCode::UnknownState, "{input}");
        assert_eq!(
            err.suggestions,
            ["North Northamptonshire", "West Northamptonshire"],
            "{input}"
        );
    }
    for input in ["Bedfordshire", "Beds"] {
        let err = places.state("GB", input).unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "'{input}' could be more than one state of United Kingdom. \
                 Did you mean: Bedford, Central Bedfordshire, Luton?"
            )
        );
    }
    let err = places.state("PH", "Maguindanao").unwrap_err();
    assert_eq!(
        err.suggestions,
        ["Maguindanao del Norte", "Maguindanao del Sur"]
    );
}

#[test]
fn units_newer_than_iso_give_the_iso_subdivision_that_contains_them() {
    let mut places = PlaceMatcher::new();
    for (country, input, code) in [
        // England's 2023 unitary authorities, within Cumbria.
        ("GB", "Cumberland", "GB-CMA"),
        ("GB", "Westmorland and Furness", "GB-CMA"),
        ("GB", "Cumbria", "GB-CMA"),
        // Norway's counties of 2024, within those of 2020.
        ("NO", "Troms", "NO-54"),
        ("NO", "Finnmark", "NO-54"),
        ("NO", "Akershus", "NO-30"),
        ("NO", "Østfold", "NO-30"),
        ("NO", "Buskerud", "NO-30"),
        ("NO", "Vestfold", "NO-38"),
        ("NO", "Telemark", "NO-38"),
        // Sardinia's provinces of 2005 and 2025, within those of 2016.
        ("IT", "Ogliastra", "IT-NU"),
        ("IT", "OG", "IT-NU"),
        ("IT", "Olbia-Tempio", "IT-SS"),
        ("IT", "Gallura Nord-Est Sardegna", "IT-SS"),
        ("IT", "Medio Campidano", "IT-SU"),
        ("IT", "Sulcis Iglesiente", "IT-SU"),
        ("IT", "Carbonia-Iglesias", "IT-SU"),
        ("IT", "Sud Sardegna", "IT-SU"),
    ] {
        assert_eq!(
            state(&mut places, country, input),
            Ok(code.to_string()),
            "{country} {input}"
        );
    }
}

#[test]
fn a_contacts_import_stores_navarra_spain_as_its_one_code() {
    use intake::{presets, Context, Importer, MemoryStore, WarningCode};

    let mut store = MemoryStore::new();
    let report = Importer::new(presets::contacts())
        .context(Context::new().default_country("US").unwrap())
        .import(
            "email,state,country\n\
             ann@example.com,Navarra,Spain\n\
             bo@example.com,\"Navarra, Comunidad Foral de\",ES\n\
             cy@example.com,ES-NC,España\n"
                .as_bytes(),
            &mut store,
        )
        .expect("file-level success");
    assert_eq!((report.inserted, report.failed), (3, 0), "{report:?}");
    assert!(
        !report
            .warnings
            .iter()
            .any(|w| w.code == WarningCode::Unrecognized),
        "{:?}",
        report.warnings
    );
    for customer in store.customers() {
        assert_eq!(customer.record.text("state"), Some("ES-NA"));
        assert_eq!(customer.record.text("country"), Some("ES"));
    }
}
