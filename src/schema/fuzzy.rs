//! Typos in header names: the field a header that is no field's name
//! most likely misspells ("Emial" for "Email").

use super::header::{Name, Rank};
use super::Schema;

impl Schema {
    /// The field whose name `key` is most likely a typo of, with the number
    /// of slips. A typo here is what fingers do, not another word: two
    /// neighbouring characters swapped ("Emial") or a letter doubled or
    /// undoubled ("Adress", "Citty"), once (twice from
    /// [`SIMILAR_TWO_SLIPS_CHARS`] characters on). A changed, missing or
    /// extra letter is not a typo: "County" is not "Country", "Stage" not
    /// "State", "Mother" not "Other". Only for keys of
    /// [`SIMILAR_MIN_CHARS`] to [`SIMILAR_MAX_CHARS`] characters, with the same digits as the name, and
    /// never when any other field has a name within one edit more.
    pub(super) fn similar_field(&self, key: &str) -> Option<Name> {
        let chars: Vec<char> = key.chars().collect();
        let len = chars.len();
        if !(SIMILAR_MIN_CHARS..=SIMILAR_MAX_CHARS).contains(&len) {
            return None;
        }
        let budget = if len >= SIMILAR_TWO_SLIPS_CHARS { 2 } else { 1 };
        let mut found: Option<Name> = None;
        // Every other field's closest name, in plain edits.
        let mut others: Vec<(usize, usize)> = Vec::new();
        for (name, named) in &self.names {
            let field = named.field;
            // Cheap filters first: each slip changes the length by at most
            // one, and the margin looks one edit further.
            if name.chars().count().abs_diff(len) > budget + 1 || !same_digits(key, name) {
                continue;
            }
            let name_chars: Vec<char> = name.chars().collect();
            if let Some(slips) = slips(&chars, &name_chars, budget) {
                if slips > 0 && found.is_none_or(|f| Rank::Similar(slips) < f.rank) {
                    found = Some(Name {
                        field,
                        rank: Rank::Similar(slips),
                        group: named.group,
                    });
                }
            }
            let distance = strsim::osa_distance(key, name);
            if distance <= budget + 1 {
                others.push((field, distance));
            }
        }
        let found = found?;
        let Rank::Similar(slips) = found.rank else {
            return None;
        };
        // Never when it could as well be another field's name.
        if others
            .iter()
            .any(|&(other, distance)| other != found.field && distance <= slips + 1)
        {
            return None;
        }
        Some(found)
    }
}

/// Headers shorter than this (in letters and digits) are never read as
/// typos: there are too many short words.
const SIMILAR_MIN_CHARS: usize = 5;
/// Longer headers are not read as typos: no field name is that long, and
/// it bounds the work on hostile headers.
const SIMILAR_MAX_CHARS: usize = 64;
/// From this length two slips still make a typo.
const SIMILAR_TWO_SLIPS_CHARS: usize = 10;

/// How many slips turn `name` into `typed`, if at most `budget`: two
/// neighbouring characters swapped, or a character doubled or undoubled.
fn slips(typed: &[char], name: &[char], budget: usize) -> Option<usize> {
    match (typed.split_first(), name.split_first()) {
        (None, None) => Some(0),
        (Some((t, typed_rest)), Some((n, name_rest))) if t == n => {
            // A doubled letter typed once, or typed twice for once: the
            // rest of one side repeats the character just matched.
            let same = slips(typed_rest, name_rest, budget);
            let undoubled = (budget > 0 && name_rest.first() == Some(n))
                .then(|| slips(typed_rest, name_rest.get(1..).unwrap_or(&[]), budget - 1))
                .flatten()
                .map(|s| s + 1);
            let doubled = (budget > 0 && typed_rest.first() == Some(t))
                .then(|| slips(typed_rest.get(1..).unwrap_or(&[]), name_rest, budget - 1))
                .flatten()
                .map(|s| s + 1);
            [same, undoubled, doubled].into_iter().flatten().min()
        }
        (Some((t, typed_rest)), Some((n, name_rest))) => {
            // Two neighbours swapped: "mi" typed for "im".
            if budget == 0 || typed_rest.first() != Some(n) || name_rest.first() != Some(t) {
                return None;
            }
            slips(
                typed_rest.get(1..).unwrap_or(&[]),
                name_rest.get(1..).unwrap_or(&[]),
                budget - 1,
            )
            .map(|s| s + 1)
        }
        _ => None,
    }
}

/// Whether `a` and `b` hold the same digits in the same order.
fn same_digits(a: &str, b: &str) -> bool {
    a.chars()
        .filter(|c| c.is_numeric())
        .eq(b.chars().filter(|c| c.is_numeric()))
}
