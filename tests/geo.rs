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
    let err = places.state("ES", "Navarra").unwrap_err();
    assert_eq!(err.code, ProblemCode::UnknownState);
    assert!(err.message.contains("more than one"), "{}", err.message);
    assert_eq!(err.suggestions, ["Navarra (ES-NA)", "Navarra (ES-NC)"]);

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

/// Every subdivision name of every other country, typed as a state of each
/// country of the test set: prints what is accepted, to check by eye that
/// each is a real name or code of the context country too (`Montana` is a
/// state of the US and a province of Bulgaria). Run with `-- --ignored
/// --nocapture`.
#[test]
#[ignore = "prints ~130,000 probes for review"]
fn probe_other_countries_states() {
    let mut places = PlaceMatcher::new();
    let ours = [
        "US", "CA", "GB", "AU", "DE", "FR", "ES", "IT", "MX", "BR", "IN", "JP", "CH",
    ];
    let mut names: Vec<(String, String)> = Vec::new();
    for c in keshvar::CountryIterator::new() {
        for s in c.subdivisions().values() {
            names.push((c.alpha2().to_string(), s.name().to_string()));
            for u in s.unofficial_name_list() {
                names.push((c.alpha2().to_string(), u.to_string()));
            }
        }
    }
    let mut n = 0;
    for x in ours {
        for (y, name) in &names {
            if y == x {
                continue;
            }
            n += 1;
            if let Ok(code) = places.state(x, name) {
                eprintln!("{x} {name:?} ({y}) -> {code}");
            }
        }
    }
    eprintln!("{n} probes");
}

/// Random one- and two-letter typos of the state names of the test set's
/// countries: prints how many are matched right and every wrong match (a
/// typo can spell another real name: `Loiret` → `Loire`). Run with `--
/// --ignored --nocapture`.
#[test]
#[ignore = "prints a typo report for review"]
fn probe_typos() {
    let mut places = PlaceMatcher::new();
    let ours = [
        "US", "CA", "GB", "AU", "DE", "FR", "ES", "IT", "MX", "BR", "IN", "JP", "CH",
    ];
    let mut seed: u64 = 42;
    let mut rnd = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let (mut total, mut right, mut wrong) = (0, 0, 0);
    for x in ours {
        let c = keshvar::Alpha2::try_from(x).unwrap().to_country();
        for s in c.subdivisions().values() {
            let name: Vec<char> = s.name().chars().collect();
            if name.len() < 5 {
                continue;
            }
            let expected = format!("{x}-{}", s.code());
            for edits in 1..=2 {
                for _ in 0..3 {
                    let mut t = name.clone();
                    for _ in 0..edits {
                        let i = rnd(t.len());
                        match rnd(4) {
                            0 => {
                                t.remove(i);
                            }
                            1 if i + 1 < t.len() => t.swap(i, i + 1),
                            2 => t[i] = (b'a' + rnd(26) as u8) as char,
                            _ => t.insert(i, (b'a' + rnd(26) as u8) as char),
                        }
                    }
                    let typo: String = t.into_iter().collect();
                    total += 1;
                    match places.state(x, &typo) {
                        Ok(code) if code == expected => right += 1,
                        Ok(code) => {
                            wrong += 1;
                            eprintln!(
                                "WRONG {x} {typo:?} -> {code}, meant {expected} {:?}",
                                s.name()
                            );
                        }
                        Err(_) => {}
                    }
                }
            }
        }
    }
    eprintln!("typos: {total}, right {right}, wrong {wrong}");
}
