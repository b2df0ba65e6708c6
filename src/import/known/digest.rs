//! [`DigestIndex`]: key digest → customer code, in eight bytes an entry,
//! for a dry run's memory of the whole file.

use std::hash::{BuildHasherDefault, Hasher};

/// Digest → code, in eight bytes an entry: a sorted array, and the latest
/// entries in a small map merged into it now and then. (A hash map of the
/// same entries takes 18 bytes each, twice that while it grows.)
#[derive(Default)]
pub(super) struct DigestIndex {
    /// Sorted by digest; each digest once.
    sorted: Vec<(u32, u32)>,
    /// Where the digests of each bucket (their top `bucket_bits` bits)
    /// start in `sorted`, and one more entry for its end: a lookup
    /// searches a bucket of about eight entries, a cache line or two,
    /// instead of the array. Rebuilt at each merge; 4 bytes for every
    /// eight entries or more.
    starts: Vec<u32>,
    /// How many top bits of a digest name its bucket (0 before the
    /// first merge).
    bucket_bits: u32,
    /// The entries since the last merge.
    recent: std::collections::HashMap<u32, u32, BuildHasherDefault<Spread>>,
}

/// Entries the recent map takes before it is merged: small next to the
/// array, big enough that merging (a pass over the array) is rare.
const RECENT_ENTRIES: usize = 1 << 16;

impl DigestIndex {
    /// The code of `digest`, if it has one.
    pub(super) fn get(&self, digest: u32) -> Option<u32> {
        if let Some(&code) = self.recent.get(&digest) {
            return Some(code);
        }
        self.position(digest)
            .ok()
            .and_then(|i| self.sorted.get(i))
            .map(|&(_, code)| code)
    }

    /// Gives `digest` the code `code`, replacing any it had.
    pub(super) fn insert(&mut self, digest: u32, code: u32) {
        if let Ok(i) = self.position(digest) {
            if let Some(entry) = self.sorted.get_mut(i) {
                entry.1 = code;
                return;
            }
        }
        self.recent.insert(digest, code);
        if self.recent.len() >= RECENT_ENTRIES.max(self.sorted.len() / 8) {
            self.merge();
        }
    }

    /// Where `digest` is in the sorted array, or would be.
    fn position(&self, digest: u32) -> Result<usize, usize> {
        let bucket = self.bucket(digest);
        let bounds = (self.starts.get(bucket), self.starts.get(bucket + 1));
        let (low, high) = match bounds {
            (Some(&low), Some(&high)) => (low as usize, high as usize),
            // Before the first merge (or beyond 2³² entries): all of it.
            _ => (0, self.sorted.len()),
        };
        let window = self.sorted.get(low..high).unwrap_or_default();
        window
            .binary_search_by_key(&digest, |e| e.0)
            .map(|i| i + low)
            .map_err(|i| i + low)
    }

    /// The bucket of `digest`: its top `bucket_bits` bits.
    fn bucket(&self, digest: u32) -> usize {
        match self.bucket_bits {
            0 => 0,
            bits => (digest >> (32 - bits)) as usize,
        }
    }

    /// Finds where each bucket starts, for the array as merged.
    fn rebuild_starts(&mut self) {
        self.starts.clear();
        let Ok(len) = u32::try_from(self.sorted.len()) else {
            self.bucket_bits = 0;
            return;
        };
        // About eight entries a bucket (64 bytes, a cache line), at most
        // 2³⁰ buckets.
        let buckets = (self.sorted.len() / 8)
            .clamp(1, 1 << 30)
            .next_power_of_two();
        self.bucket_bits = buckets.trailing_zeros();
        self.starts.reserve(buckets + 1);
        let mut entries = self.sorted.iter().map(|e| e.0).enumerate().peekable();
        for bucket in 0..buckets {
            // The first entry whose bucket is this one or later.
            while let Some(&(_, digest)) = entries.peek() {
                if self.bucket(digest) >= bucket {
                    break;
                }
                entries.next();
            }
            let start = entries.peek().map_or(len, |&(i, _)| i as u32);
            self.starts.push(start);
        }
        self.starts.push(len);
    }

    /// Merges the recent map into the sorted array.
    fn merge(&mut self) {
        let mut recent: Vec<(u32, u32)> = self.recent.drain().collect();
        recent.sort_unstable_by_key(|e| e.0);
        // Grown in place (a large block is remapped, not copied), then
        // merged from the back so nothing else is allocated.
        self.sorted.reserve_exact(recent.len());
        let mut old = self.sorted.len();
        let mut new = recent.len();
        self.sorted.resize(old + new, (0, 0));
        let mut out = old + new;
        while new > 0 {
            let take_old =
                old > 0 && self.sorted.get(old - 1).map(|e| e.0) > recent.get(new - 1).map(|e| e.0);
            out -= 1;
            let entry = if take_old {
                old -= 1;
                self.sorted.get(old).copied()
            } else {
                new -= 1;
                recent.get(new).copied()
            };
            if let (Some(entry), Some(slot)) = (entry, self.sorted.get_mut(out)) {
                *slot = entry;
            }
        }
        self.rebuild_starts();
    }
}

/// Spreads a digest over the hash table's bits (hashbrown reads the top
/// seven bits as a tag, which a bare 32-bit number leaves at zero).
#[derive(Default)]
struct Spread(u64);

impl Hasher for Spread {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_index_finds_entries_crowded_into_a_few_buckets() {
        // Small digests share their top bits: a few buckets hold them all.
        let mut index = DigestIndex::default();
        for i in 0..200_000u32 {
            index.insert(i * 3, i);
        }
        index.insert(u32::MAX, 7);
        for i in 0..200_000u32 {
            assert_eq!(index.get(i * 3), Some(i));
            assert_eq!(index.get(i * 3 + 1), None);
        }
        assert_eq!(index.get(u32::MAX), Some(7));
        assert_eq!(index.get(u32::MAX - 1), None);
    }

    #[test]
    fn the_digest_index_finds_every_entry_across_merges() {
        let mut index = DigestIndex::default();
        let digest = |i: u32| i.wrapping_mul(2_654_435_761);
        for i in 0..300_000u32 {
            index.insert(digest(i), i);
        }
        assert!(index.sorted.len() > 200_000, "merged into the array");
        assert!(index.sorted.windows(2).all(|w| w[0].0 < w[1].0));
        for i in 0..300_000u32 {
            assert_eq!(index.get(digest(i)), Some(i));
        }
        assert_eq!(index.get(digest(300_001)), None);
        index.insert(digest(5), 99);
        assert_eq!(index.get(digest(5)), Some(99));
    }
}
