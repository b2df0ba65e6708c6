//! Misspellings and suggestions: the pools of names long enough to be
//! misspelt, the one entry a misspelling clearly means, and the entries
//! close enough to suggest.

use foldhash::{HashMap, HashMapExt};

/// Suggestions an error carries at most.
pub(super) const MAX_SUGGESTIONS: usize = 3;

/// How close a suggestion must be (Jaro-Winkler similarity).
const SUGGEST_SIMILARITY: f64 = 0.86;

/// Edits a misspelling of `len` letters may have.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=9 => 1,
        10..=14 => 2,
        _ => 3,
    }
}

/// A name in a fuzzy pool: its key, the key's length in characters, and
/// the entry it names.
pub(super) struct Spelling {
    key: String,
    len: usize,
    /// The letters of `key`, as a set (see [`letters`]).
    letters: u64,
    id: usize,
}

/// The set of characters of `key`, folded onto 64 bits. Every character of
/// one key missing from another takes an edit, so the larger count of
/// missing characters either way is a lower bound of their distance.
fn letters(key: &str) -> u64 {
    key.chars().fold(0, |set, c| set | 1 << (c as u32 % 64))
}

/// The keys of `names` long enough to be misspelt.
pub(super) fn spellings(names: &HashMap<String, Vec<(u8, usize)>>) -> Vec<Spelling> {
    let mut out: Vec<Spelling> = names
        .iter()
        .flat_map(|(key, hits)| {
            let len = key.chars().count();
            let set = letters(key);
            hits.iter().map(move |&(_, id)| Spelling {
                key: key.clone(),
                len,
                letters: set,
                id,
            })
        })
        .filter(|s| s.len >= 5)
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key).then(a.id.cmp(&b.id)));
    out.dedup_by(|a, b| a.key == b.key && a.id == b.id);
    out
}

/// The entry `key` is a clear misspelling of: within the allowed edits,
/// with the same first letter (people rarely get that wrong) and not a
/// plural of it (`Virginias` names several places), while every other
/// entry, by any of its names, is at least two edits further.
pub(super) fn fuzzy(pool: &[Spelling], key: &str) -> Option<usize> {
    let len = key.chars().count();
    let allowed = allowed_edits(len);
    if allowed == 0 {
        return None;
    }
    let first = key.chars().next();
    let mask = letters(key);
    let reach = allowed + 2;
    // Per entry: the distance of its closest name, and of its closest name
    // that could be the answer.
    let mut best: HashMap<usize, (usize, Option<usize>)> = HashMap::new();
    for s in pool {
        let missing = (mask & !s.letters)
            .count_ones()
            .max((s.letters & !mask).count_ones());
        if s.len.abs_diff(len) > reach || missing as usize > reach {
            continue;
        }
        let d = strsim::osa_distance(key, &s.key);
        if d > reach {
            continue;
        }
        let plural = key.strip_suffix('s') == Some(s.key.as_str()) && !s.key.ends_with('s');
        let candidate = s.key.chars().next() == first && !plural;
        let e = best.entry(s.id).or_insert((d, None));
        e.0 = e.0.min(d);
        if candidate {
            e.1 = Some(e.1.map_or(d, |c| c.min(d)));
        }
    }
    let (id, d1) = best
        .iter()
        .filter_map(|(&id, &(_, cand))| cand.map(|c| (id, c)))
        .min_by_key(|&(id, c)| (c, id))?;
    if d1 > allowed {
        return None;
    }
    let rival = best
        .iter()
        .filter(|&(other, _)| *other != id)
        .any(|(_, &(any, _))| any < d1 + 2);
    (!rival).then_some(id)
}

/// Up to three entries close to `key`, closest first: names that contain
/// it, then names similar to it.
pub(super) fn suggest(pool: &[Spelling], key: &str) -> Vec<usize> {
    let len = key.chars().count();
    if len < 3 {
        return Vec::new();
    }
    // A fragment (`Carolina`): the names that contain it; else names that
    // look like it.
    let fragment = pool.iter().any(|s| s.key.contains(key));
    let mask = letters(key);
    let mut best: HashMap<usize, f64> = HashMap::new();
    for s in pool {
        let near = (s.len.abs_diff(len) <= len / 3 + 1
            && ((mask & !s.letters).count_ones() as usize) <= len / 3 + 1)
            || s.key.get(..3).is_some_and(|p| key.starts_with(p));
        let score = if s.key.contains(key) {
            0.9 + 0.1 * (len as f64 / s.len.max(1) as f64)
        } else if len >= 4 && !fragment && near {
            strsim::jaro_winkler(key, &s.key)
        } else {
            0.0
        };
        if score >= SUGGEST_SIMILARITY {
            let e = best.entry(s.id).or_insert(score);
            *e = e.max(score);
        }
    }
    let mut ranked: Vec<(f64, usize)> = best.into_iter().map(|(id, s)| (s, id)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, id)| id)
        .collect()
}
