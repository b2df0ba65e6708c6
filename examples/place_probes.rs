//! Probes of the state matcher for review by eye (they print, they do not
//! assert): what it accepts of other countries' subdivision names, and how
//! it reads random typos of real ones.
//!
//! ```sh
//! cargo run --release --example place_probes -- states 2> states.txt
//! cargo run --release --example place_probes -- typos 2> typos.txt
//! ```

use intake::geo::PlaceMatcher;

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("states") => probe_other_countries_states(),
        Some("typos") => probe_typos(),
        _ => {
            eprintln!("usage: place_probes states|typos");
            std::process::exit(2);
        }
    }
}

/// Every subdivision name of every other country, typed as a state of each
/// country of the test set: prints what is accepted, to check by eye that
/// each is a real name or code of the context country too (`Montana` is a
/// state of the US and a province of Bulgaria). Run with `cargo run --example
/// place_probes -- states`.
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
/// typo can spell another real name: `Loiret` → `Loire`). Run with `cargo run --example
/// place_probes -- typos`.
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
            // The matcher's code for the subdivision: one place listed
            // twice has one (`ES-NC` gives `ES-NA`).
            let own = format!("{x}-{}", s.code());
            let expected = places.state(x, &own).map(String::from).unwrap_or(own);
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
