//! The data's names: the keys each is found by (its parts and
//! rearrangements, folded) and the name shown in messages.

use super::fold::{canonical, words};

/// Strength of a name: an official name beats an alternate one.
pub(super) const OFFICIAL: u8 = 0;

pub(super) const ALTERNATE: u8 = 1;

/// The keys a name is found by: the name itself and its parts and
/// rearrangements (`Cardiff [Caerdydd GB-CRD]` → `Cardiff`, `Caerdydd`;
/// `Zürich (de)` → `Zürich`; `Coruña, A` → `A Coruña`; `Korea (Republic
/// of)` → `Korea`, `Republic of Korea`; `Alicante/Alacant` → both;
/// `Thüringen` → also `Thueringen`), each with its strength.
pub(super) fn name_keys(name: &str, tier: u8) -> Vec<(String, u8)> {
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

/// A subdivision's name for messages, from its names (the official one
/// first): the official name without language tags and bracketed
/// alternates, in reading order (`A Coruña`), or a Latin-script alternate
/// name where the official one is in another script.
pub(super) fn display_name(names: &[(&str, u8)]) -> String {
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
pub(super) fn looks_like_code(word: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
