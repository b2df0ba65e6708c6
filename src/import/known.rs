//! What the engine knows of customers beyond what the store has seen: whose
//! each match key is, and each customer's current values.
//!
//! A real import writes every batch, after which the store is the truth
//! again, so [`Known::per_batch`] keeps plain maps and forgets them at the
//! end of each batch. A dry run writes nothing, so it must remember every
//! customer of the file to the end (a repeat on row 900,000 updates or
//! leaves unchanged the customer of row 12). [`Known::whole_file`] keeps
//! that memory small: a 32-bit digest per key in memory, the values in a
//! temporary file, read back only when a key comes again.

use std::fs::File;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::io::{self, Read, Seek, SeekFrom, Write};

use chrono::{Datelike, NaiveDate};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::record::{Record, Text, Value};
use crate::store::{Customer, CustomerId, MatchKey};

/// A customer as the engine knows it during an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Target {
    /// Already in the store.
    Stored(CustomerId),
    /// Created by this import, not yet written (or never, in a dry run).
    New(u64),
}

/// Whose a key is, as far as the engine knows.
pub(super) enum Owner {
    /// The engine does not know: ask the store.
    Unknown,
    /// Nobody's: the store has no such customer, or an earlier row of
    /// this import changed it away.
    Nobody,
    /// This customer's.
    Of(Target),
}

pub(super) enum Known {
    PerBatch(PerBatch),
    WholeFile(Box<WholeFile>),
}

impl Known {
    /// For imports that write each batch.
    pub fn per_batch() -> Known {
        Known::PerBatch(PerBatch::default())
    }

    /// For dry runs: remembers the whole file in a few dozen bytes a row.
    /// `identifiers` are the fields whose values are match keys;
    /// `first_rows` keeps the row that created each customer (insert-only
    /// imports name it in `duplicate_in_file`).
    pub fn whole_file(identifiers: Vec<String>, first_rows: bool) -> Known {
        Known::WholeFile(Box::new(WholeFile::new(identifiers, first_rows)))
    }

    pub fn owner(&mut self, key: &MatchKey) -> Owner {
        match self {
            Known::PerBatch(known) => match known.owners.get(key) {
                None => Owner::Unknown,
                Some(None) => Owner::Nobody,
                Some(Some(target)) => Owner::Of(*target),
            },
            Known::WholeFile(known) => known.owner(key),
        }
    }

    /// What the store answered for `key`.
    pub fn looked_up(&mut self, key: MatchKey, customer: Option<Customer>) {
        match self {
            Known::PerBatch(known) => {
                let owner = customer.map(|c| {
                    let target = Target::Stored(c.id);
                    known.records.entry(target).or_insert(c.record);
                    target
                });
                known.owners.insert(key, owner);
            }
            Known::WholeFile(known) => match customer {
                // Kept for this batch only: a key nobody has costs nothing
                // to look up again, and remembering it would cost memory
                // for every key of the file.
                None => {
                    known.absent.insert(key);
                }
                Some(c) => {
                    let target = Target::Stored(c.id);
                    if !known.stored.contains_key(&c.id) {
                        known.set_record(target, &c.record);
                    }
                    known.claim(key, target);
                }
            },
        }
    }

    /// A new customer, created by `row`.
    pub fn new_target(&mut self, row: u64) -> Target {
        match self {
            Known::PerBatch(known) => {
                known.next_new += 1;
                Target::New(known.next_new - 1)
            }
            Known::WholeFile(known) => {
                let n = known.new.len() as u64;
                known.new.push(NOT_SPILLED);
                if known.first_rows {
                    known.created_by.push(row);
                }
                Target::New(n)
            }
        }
    }

    /// `key` is now `target`'s.
    pub fn claim(&mut self, key: MatchKey, target: Target) {
        match self {
            Known::PerBatch(known) => {
                known.owners.insert(key, Some(target));
            }
            Known::WholeFile(known) => known.claim(key, target),
        }
    }

    /// `key` is nobody's any more: its customer changed it.
    pub fn free(&mut self, key: MatchKey) {
        match self {
            Known::PerBatch(known) => {
                known.owners.insert(key, None);
            }
            Known::WholeFile(known) => {
                known.exact.insert(key, None);
            }
        }
    }

    /// The customer's current values (empty if the engine has none).
    pub fn record(&mut self, target: Target) -> Record {
        match self {
            Known::PerBatch(known) => known.records.get(&target).cloned().unwrap_or_default(),
            Known::WholeFile(known) => known.record(target).unwrap_or_default(),
        }
    }

    pub fn set_record(&mut self, target: Target, record: &Record) {
        match self {
            Known::PerBatch(known) => {
                known.records.insert(target, record.clone());
            }
            Known::WholeFile(known) => known.set_record(target, record),
        }
    }

    /// The row of this import that first used `key`, if one did
    /// (insert-only imports).
    pub fn first_row(&mut self, key: &MatchKey) -> Option<u64> {
        match self {
            Known::PerBatch(known) => known.first_row.get(key).copied(),
            Known::WholeFile(known) => match known.owner(key) {
                Owner::Of(Target::New(n)) => known.created_by.get(n as usize).copied(),
                _ => None,
            },
        }
    }

    /// Remembers that `row` first used `key` (insert-only imports).
    pub fn remember_first_row(&mut self, key: &MatchKey, row: u64) {
        if let Known::PerBatch(known) = self {
            known.first_row.entry(key.clone()).or_insert(row);
        }
        // A whole-file memory knows it from the customer `key` is of.
    }

    /// Forgets that `row` introduced keys: its write failed.
    pub fn forget_row(&mut self, row: u64) {
        if let Known::PerBatch(known) = self {
            known.first_row.retain(|_, r| *r != row);
        }
    }

    /// A new customer was never created (its write failed): its keys are
    /// nobody's.
    pub fn forget(&mut self, target: Target) {
        match self {
            Known::PerBatch(known) => {
                for owner in known.owners.values_mut() {
                    if *owner == Some(target) {
                        *owner = None;
                    }
                }
                known.records.remove(&target);
            }
            // Its keys no longer verify against a record, so they read as
            // unknown and the store is asked again.
            Known::WholeFile(known) => {
                if let Target::New(n) = target {
                    if let Some(slot) = known.new.get_mut(n as usize) {
                        *slot = NOT_SPILLED;
                    }
                }
            }
        }
    }

    /// Customers created in this batch now have their store ids.
    pub fn rename(&mut self, ids: &HashMap<Target, CustomerId>) {
        if ids.is_empty() {
            return;
        }
        match self {
            Known::PerBatch(known) => {
                // One pass over the keys, whatever the number of customers.
                for owner in known.owners.values_mut() {
                    if let Some(&id) = owner.as_ref().and_then(|t| ids.get(t)) {
                        *owner = Some(Target::Stored(id));
                    }
                }
                for (from, &id) in ids {
                    if let Some(record) = known.records.remove(from) {
                        known.records.insert(Target::Stored(id), record);
                    }
                }
            }
            Known::WholeFile(known) => {
                for (from, &id) in ids {
                    if let Target::New(n) = *from {
                        known.renamed.insert(n, id);
                    }
                }
            }
        }
    }

    /// The batch is written: the store is the truth again.
    pub fn end_batch(&mut self) {
        match self {
            Known::PerBatch(known) => {
                known.owners.clear();
                known.records.clear();
            }
            Known::WholeFile(known) => known.absent.clear(),
        }
    }

    /// Takes the error of the temporary file, if it failed.
    pub fn take_failure(&mut self) -> Option<io::Error> {
        match self {
            Known::PerBatch(_) => None,
            Known::WholeFile(known) => known.spill.failure.take(),
        }
    }
}

#[derive(Default)]
pub(super) struct PerBatch {
    owners: HashMap<MatchKey, Option<Target>>,
    records: HashMap<Target, Record>,
    /// Kept across batches: the store cannot tell which row of the file
    /// created a customer.
    first_row: HashMap<MatchKey, u64>,
    next_new: u64,
}

/// `WholeFile::new` slot of a customer whose values are not (or no
/// longer) known.
const NOT_SPILLED: u64 = u64::MAX;

/// Marks a stored customer in the digest index; the rest is its index in
/// `WholeFile::stored_ids`.
const STORED_BIT: u32 = 1 << 31;

pub(super) struct WholeFile {
    identifiers: Vec<String>,
    /// Per-import random seed, so a hostile file cannot aim its keys at
    /// one digest.
    seed: foldhash::quality::RandomState,
    /// Key digest → customer: `STORED_BIT | index in stored_ids`, or the
    /// number of a new customer. Two keys with one digest are told apart
    /// by reading the customer back; the loser goes to `exact`, as does a
    /// customer beyond 2³¹ new or stored ones.
    index: DigestIndex,
    /// Keys the index cannot hold: digest collisions and freed keys.
    exact: HashMap<MatchKey, Option<Target>>,
    /// Keys the store has no customer for, during the current batch.
    absent: HashSet<MatchKey>,
    /// Where each new customer's values are in the spill.
    new: Vec<u64>,
    /// The row that created each new customer (insert-only imports).
    created_by: Vec<u64>,
    first_rows: bool,
    /// Stored customers met in the file: their values' place in the
    /// spill, and their position in `stored_ids`.
    stored: HashMap<CustomerId, (u64, u32)>,
    stored_ids: Vec<CustomerId>,
    /// New customers that were written and got an id.
    renamed: HashMap<u64, CustomerId>,
    spill: Spill,
}

impl WholeFile {
    fn new(identifiers: Vec<String>, first_rows: bool) -> WholeFile {
        WholeFile {
            identifiers,
            seed: foldhash::quality::RandomState::default(),
            index: DigestIndex::default(),
            exact: HashMap::new(),
            absent: HashSet::new(),
            new: Vec::new(),
            created_by: Vec::new(),
            first_rows,
            stored: HashMap::new(),
            stored_ids: Vec::new(),
            renamed: HashMap::new(),
            spill: Spill::new(),
        }
    }

    fn digest(&self, key: &MatchKey) -> u32 {
        // Truncation is the point: a short digest, collisions resolved by
        // reading the customer back.
        self.seed.hash_one(key) as u32
    }

    /// The index's code for `target`; `None` when it has none (more than
    /// 2³¹ customers of one kind).
    fn encode(&mut self, target: Target) -> Option<u32> {
        match target {
            Target::New(n) => u32::try_from(n).ok().filter(|n| n & STORED_BIT == 0),
            Target::Stored(id) => {
                let position = match self.stored.get(&id) {
                    Some(&(_, position)) => position,
                    None => {
                        let position = u32::try_from(self.stored_ids.len()).ok()?;
                        self.stored_ids.push(id);
                        self.stored.insert(id, (NOT_SPILLED, position));
                        position
                    }
                };
                (position & STORED_BIT == 0).then_some(STORED_BIT | position)
            }
        }
    }

    fn decode(&self, code: u32) -> Option<Target> {
        if code & STORED_BIT == 0 {
            let n = u64::from(code);
            return Some(match self.renamed.get(&n) {
                Some(&id) => Target::Stored(id),
                None => Target::New(n),
            });
        }
        let position = usize::try_from(code & !STORED_BIT).ok()?;
        self.stored_ids.get(position).copied().map(Target::Stored)
    }

    fn owner(&mut self, key: &MatchKey) -> Owner {
        if let Some(owner) = self.exact.get(key) {
            return owner.map_or(Owner::Nobody, Owner::Of);
        }
        let digest = self.digest(key);
        if let Some(target) = self.index.get(digest).and_then(|c| self.decode(c)) {
            if self.holds(target, key) {
                return Owner::Of(target);
            }
        }
        if self.absent.contains(key) {
            Owner::Nobody
        } else {
            Owner::Unknown
        }
    }

    fn claim(&mut self, key: MatchKey, target: Target) {
        if let Some(owner) = self.exact.get_mut(&key) {
            *owner = Some(target);
            return;
        }
        let Some(code) = self.encode(target) else {
            self.exact.insert(key, Some(target));
            return;
        };
        let digest = self.digest(&key);
        match self.index.get(digest) {
            None => {
                self.index.insert(digest, code);
            }
            Some(c) if c == code => {}
            Some(c) => {
                // The digest is taken: by this key (its customer changed
                // hands), or by another key with the same digest.
                let same_key = self.decode(c).is_some_and(|t| self.holds(t, &key));
                if same_key {
                    self.index.insert(digest, code);
                } else {
                    self.exact.insert(key, Some(target));
                }
            }
        }
    }

    /// Whether `target`'s current values have `key` in an identifier.
    fn holds(&mut self, target: Target, key: &MatchKey) -> bool {
        let Some(record) = self.record(target) else {
            return false;
        };
        self.identifiers
            .iter()
            .any(|field| match (record.get(field), key) {
                (Some(Value::Email(v)), MatchKey::Email(k)) => v == k,
                (Some(Value::Phone(v)), MatchKey::Phone(k)) => v == k,
                _ => false,
            })
    }

    fn slot(&self, target: Target) -> Option<u64> {
        let offset = match target {
            Target::New(n) => self.new.get(usize::try_from(n).ok()?).copied(),
            Target::Stored(id) => match self.stored.get(&id) {
                Some(&(offset, _)) => Some(offset),
                None => self
                    .renamed
                    .iter()
                    .find(|(_, &to)| to == id)
                    .and_then(|(&n, _)| self.new.get(usize::try_from(n).ok()?).copied()),
            },
        };
        offset.filter(|&o| o != NOT_SPILLED)
    }

    fn record(&mut self, target: Target) -> Option<Record> {
        let offset = self.slot(target)?;
        self.spill.read(offset)
    }

    fn set_record(&mut self, target: Target, record: &Record) {
        let offset = self.spill.append(record);
        match target {
            Target::New(n) => {
                if let Some(slot) = usize::try_from(n).ok().and_then(|n| self.new.get_mut(n)) {
                    *slot = offset;
                }
            }
            Target::Stored(id) => {
                self.encode(target);
                if let Some(entry) = self.stored.get_mut(&id) {
                    entry.0 = offset;
                }
            }
        }
    }
}

/// Digest → code, in eight bytes an entry: a sorted array, and the latest
/// entries in a small map merged into it now and then. (A hash map of the
/// same entries takes 18 bytes each, twice that while it grows.)
#[derive(Default)]
struct DigestIndex {
    /// Sorted by digest; each digest once.
    sorted: Vec<(u32, u32)>,
    /// Where the digests of each bucket (their top `bucket_bits` bits)
    /// start in `sorted`, and one more entry for its end: a lookup
    /// searches a bucket of about eight entries, a cache line or two,
    /// instead of the array. Rebuilt at each merge; 4 bytes for every
    /// eight entries or more.
    starts: Vec<u32>,
    bucket_bits: u32,
    recent: std::collections::HashMap<u32, u32, BuildHasherDefault<Spread>>,
}

/// Entries the recent map takes before it is merged: small next to the
/// array, big enough that merging (a pass over the array) is rare.
const RECENT_ENTRIES: usize = 1 << 16;

impl DigestIndex {
    fn get(&self, digest: u32) -> Option<u32> {
        if let Some(&code) = self.recent.get(&digest) {
            return Some(code);
        }
        self.position(digest)
            .ok()
            .and_then(|i| self.sorted.get(i))
            .map(|&(_, code)| code)
    }

    fn insert(&mut self, digest: u32, code: u32) {
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
pub(super) struct Spread(u64);

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

/// Records appended to a temporary file (or kept in memory when there is
/// none), read back by offset.
struct Spill {
    file: Option<File>,
    /// Bytes already in the file.
    flushed: u64,
    /// Bytes not yet written to the file: offsets from `flushed` on.
    buffer: Vec<u8>,
    /// Set when writing to the file failed: no more is written to it.
    full: bool,
    /// A failed read: the engine cannot trust what it knows.
    failure: Option<io::Error>,
}

/// How much the spill buffers before writing to its file.
const SPILL_BUFFER: usize = 1 << 20;

impl Spill {
    fn new() -> Spill {
        Spill {
            // Without a temporary file the records stay in memory: more
            // memory, same results.
            file: tempfile::tempfile().ok(),
            flushed: 0,
            buffer: Vec::new(),
            full: false,
            failure: None,
        }
    }

    fn append(&mut self, record: &Record) -> u64 {
        let offset = self.flushed + self.buffer.len() as u64;
        encode(record, &mut self.buffer);
        if self.buffer.len() >= SPILL_BUFFER && !self.full {
            if let Some(file) = self.file.as_mut() {
                let written = file
                    .seek(SeekFrom::End(0))
                    .and_then(|_| file.write_all(&self.buffer));
                if written.is_ok() {
                    self.flushed += self.buffer.len() as u64;
                    self.buffer.clear();
                } else {
                    // The disk is full, say: what the file holds stays
                    // readable, the rest stays in memory.
                    self.full = true;
                    let end = file.seek(SeekFrom::Start(self.flushed)).is_ok();
                    if !end {
                        self.file = None;
                    }
                }
            }
        }
        offset
    }

    fn read(&mut self, offset: u64) -> Option<Record> {
        if offset >= self.flushed {
            let start = usize::try_from(offset - self.flushed).ok()?;
            return decode(&mut self.buffer.get(start..)?);
        }
        let Some(file) = self.file.as_mut() else {
            self.failure = Some(io::Error::other("the temporary file is gone"));
            return None;
        };
        let mut reader = io::BufReader::with_capacity(4096, &*file);
        match reader.seek(SeekFrom::Start(offset)) {
            Ok(_) => {
                let record = decode(&mut reader);
                if record.is_none() {
                    self.failure = Some(io::Error::other("a record did not read back"));
                }
                record
            }
            Err(e) => {
                self.failure = Some(e);
                None
            }
        }
    }
}

/// `u32` entry count, then per entry: name (`u32` length, bytes), a tag
/// byte, value (`u32` length, bytes; a date as its day number).
fn encode(record: &Record, out: &mut Vec<u8>) {
    let put = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    out.extend_from_slice(&(record.len() as u32).to_le_bytes());
    for (field, value) in record.iter() {
        put(out, field.as_bytes());
        let (tag, text) = match value {
            Value::Text(s) => (0u8, s.as_str()),
            Value::Email(s) => (1, s.as_str()),
            Value::Phone(s) => (2, s.as_str()),
            Value::Date(d) => {
                out.push(3);
                put(out, &d.num_days_from_ce().to_le_bytes());
                continue;
            }
            Value::Choice(s) => (4, s.as_str()),
            Value::Number(s) => (5, s.as_str()),
            Value::Country(s) => (6, s.as_str()),
            Value::State(s) => (7, s.as_str()),
            Value::PasswordHash(s) => (8, s.as_str()),
        };
        out.push(tag);
        put(out, text.as_bytes());
    }
}

fn decode<R: Read>(input: &mut R) -> Option<Record> {
    fn take<R: Read>(input: &mut R) -> Option<Vec<u8>> {
        let mut len = [0u8; 4];
        input.read_exact(&mut len).ok()?;
        let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
        input.read_exact(&mut bytes).ok()?;
        Some(bytes)
    }
    let mut count = [0u8; 4];
    input.read_exact(&mut count).ok()?;
    let mut record = Vec::new();
    for _ in 0..u32::from_le_bytes(count) {
        let field = String::from_utf8(take(input)?).ok()?;
        let mut tag = [0u8; 1];
        input.read_exact(&mut tag).ok()?;
        let bytes = take(input)?;
        let value = if tag[0] == 3 {
            let days = i32::from_le_bytes(bytes.try_into().ok()?);
            Value::Date(NaiveDate::from_num_days_from_ce_opt(days)?)
        } else {
            let text = Text::from(String::from_utf8(bytes).ok()?);
            match tag[0] {
                0 => Value::Text(text),
                1 => Value::Email(text),
                2 => Value::Phone(text),
                4 => Value::Choice(text),
                5 => Value::Number(text),
                6 => Value::Country(text),
                7 => Value::State(text),
                8 => Value::PasswordHash(text),
                _ => return None,
            }
        };
        record.push((field, value));
    }
    Some(record.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> Record {
        let mut r = Record::new();
        r.insert("email", Value::Email("ann@example.com".into()));
        r.insert("phone", Value::Phone("+14155550101".into()));
        r.insert("first_name", Value::Text("Änn, \"the\" first".into()));
        r.insert(
            "birthday",
            Value::Date(NaiveDate::from_ymd_opt(1986, 10, 25).unwrap()),
        );
        r
    }

    #[test]
    fn a_spilled_record_reads_back_equal() {
        let mut out = Vec::new();
        encode(&ann(), &mut out);
        assert_eq!(decode(&mut out.as_slice()), Some(ann()));
    }

    #[test]
    fn records_read_back_from_the_file_and_from_the_buffer() {
        let mut spill = Spill::new();
        // Enough records to flush the buffer to the file at least once.
        let offsets: Vec<u64> = (0..20_000).map(|_| spill.append(&ann())).collect();
        assert!(spill.flushed > 0 || spill.file.is_none());
        for &offset in [offsets[0], offsets[10_000], offsets[19_999]].iter() {
            assert_eq!(spill.read(offset), Some(ann()));
        }
        assert!(spill.failure.is_none());
    }

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

    #[test]
    fn a_key_whose_digest_is_taken_keeps_its_own_owner() {
        let mut known = WholeFile::new(vec!["email".into()], false);
        let (key_a, key_b) = (
            MatchKey::Email("a@example.com".into()),
            MatchKey::Email("b@example.com".into()),
        );
        let (ta, tb) = (Target::New(0), Target::New(1));
        known.new.extend([NOT_SPILLED, NOT_SPILLED]);
        for (target, key) in [(ta, &key_a), (tb, &key_b)] {
            let mut record = Record::new();
            record.insert("email", Value::Email(key.value().into()));
            known.set_record(target, &record);
        }
        known.claim(key_a.clone(), ta);
        // As if b's digest collided with a's: its slot points at a.
        let digest = known.digest(&key_b);
        known.index.insert(digest, 0);

        assert!(matches!(known.owner(&key_b), Owner::Unknown));
        known.claim(key_b.clone(), tb);
        assert!(matches!(known.owner(&key_a), Owner::Of(t) if t == ta));
        assert!(matches!(known.owner(&key_b), Owner::Of(t) if t == tb));
        let unseen = MatchKey::Email("c@example.com".into());
        assert!(matches!(known.owner(&unseen), Owner::Unknown));
    }
}
