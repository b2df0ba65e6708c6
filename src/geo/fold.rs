//! Places' keys: a text's words folded by the crate's one folding
//! ([`crate::fold`]: `Tôkyô` = `tokyo`, `B.C.` = `BC`), then common
//! abbreviations spelled out ([`canonical`]), and the other keys a text
//! may be meant as ([`variants`], [`inverted`]).

use foldhash::HashSet;

pub(super) use crate::fold::words;

/// Words with abbreviations people use for common words spelled out
/// (`St.` → `saint`, a leading `N.` → `north`), `northern` and the like
/// read as `north` in names of several words (`W. Australia` = `Western
/// Australia`), and a leading `the` dropped.
/// Applied alike to names and to input, so both meet in the middle.
pub(super) fn canonical(mut words: Vec<String>) -> Vec<String> {
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
pub(super) fn variants(words: &[String], canon: &str, country: &HashSet<String>) -> Vec<String> {
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
pub(super) fn inverted(text: &str) -> Option<String> {
    let (head, tail) = text.split_once(',')?;
    if tail.contains(',') {
        return None;
    }
    let key = canonical(words(&format!("{tail} {head}"))).concat();
    (!key.is_empty()).then_some(key)
}

/// The key of a code: its letters and digits, lower-cased.
pub(super) fn code_key(text: &str) -> String {
    words(text).concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_are_spelled_out() {
        assert_eq!(canonical(words("N. Carolina")).concat(), "northcarolina");
        assert_eq!(canonical(words("St. Gallen")).concat(), "saintgallen");
        assert_eq!(canonical(words("Sankt Gallen")).concat(), "saintgallen");
    }
}
