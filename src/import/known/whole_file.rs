//! [`WholeFile`]: a dry run's memory of every customer of the file, kept
//! small: a 32-bit digest per key in memory, the values in a temporary
//! file, read back only when a key comes again.

use std::hash::BuildHasher;
use std::io;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::digest::DigestIndex;
use super::spill::Spill;
use super::{Known, Owner, Target};
use crate::record::{Record, Value};
use crate::store::{Customer, CustomerId, MatchKey};

/// `WholeFile::new` slot of a customer whose values are not (or no
/// longer) known.
const NOT_SPILLED: u64 = u64::MAX;

/// Marks a stored customer in the digest index; the rest is its index in
/// `WholeFile::stored_ids`.
const STORED_BIT: u32 = 1 << 31;

/// What a dry run knows of the file's customers, to its end: the store
/// never sees its changes.
pub(super) struct WholeFile {
    /// The fields whose values are match keys: a key is a customer's when
    /// one of them holds it.
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
    /// Whether to keep `created_by`: only insert-only imports ask.
    first_rows: bool,
    /// Stored customers met in the file: their values' place in the
    /// spill, and their position in `stored_ids`.
    stored: HashMap<CustomerId, (u64, u32)>,
    /// Stored customers by position, for the index's codes.
    stored_ids: Vec<CustomerId>,
    /// New customers that were written and got an id.
    renamed: HashMap<u64, CustomerId>,
    /// The customers' values.
    spill: Spill,
}

impl WholeFile {
    /// An empty memory; see [`super::whole_file()`].
    pub(super) fn new(identifiers: Vec<String>, first_rows: bool) -> WholeFile {
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

    /// `key`'s digest in the index.
    fn digest(&self, key: &MatchKey) -> u32 {
        // Truncation is the point: a short digest, collisions resolved by
        // reading the customer back.
        self.seed.hash_one(key) as u32
    }

    /// The index's code for `target`; `None` when it has none (more than
    /// 2³¹ customers of one kind).
    fn encode(&mut self, target: &Target) -> Option<u32> {
        match target {
            Target::New(n) => u32::try_from(*n).ok().filter(|n| n & STORED_BIT == 0),
            Target::Stored(id) => {
                let position = match self.stored.get(id) {
                    Some(&(_, position)) => position,
                    None => {
                        let position = u32::try_from(self.stored_ids.len()).ok()?;
                        self.stored_ids.push(id.clone());
                        self.stored.insert(id.clone(), (NOT_SPILLED, position));
                        position
                    }
                };
                (position & STORED_BIT == 0).then_some(STORED_BIT | position)
            }
        }
    }

    /// The customer of an index code (a new customer by its store id once
    /// it has one).
    fn decode(&self, code: u32) -> Option<Target> {
        if code & STORED_BIT == 0 {
            let n = u64::from(code);
            return Some(match self.renamed.get(&n) {
                Some(id) => Target::Stored(id.clone()),
                None => Target::New(n),
            });
        }
        let position = usize::try_from(code & !STORED_BIT).ok()?;
        self.stored_ids.get(position).cloned().map(Target::Stored)
    }

    /// Whether `target`'s current values have `key` in an identifier.
    fn holds(&mut self, target: &Target, key: &MatchKey) -> bool {
        let Some(record) = self.read_record(target) else {
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

    /// Where `target`'s values are in the spill, if they are there.
    fn slot(&self, target: &Target) -> Option<u64> {
        let offset = match target {
            Target::New(n) => self.new.get(usize::try_from(*n).ok()?).copied(),
            Target::Stored(id) => match self.stored.get(id) {
                Some(&(offset, _)) => Some(offset),
                None => self
                    .renamed
                    .iter()
                    .find(|(_, to)| *to == id)
                    .and_then(|(&n, _)| self.new.get(usize::try_from(n).ok()?).copied()),
            },
        };
        offset.filter(|&o| o != NOT_SPILLED)
    }

    /// `target`'s values read back from the spill; `None` when they are
    /// not there (or did not read back).
    fn read_record(&mut self, target: &Target) -> Option<Record> {
        let offset = self.slot(target)?;
        self.spill.read(offset)
    }
}

impl Known for WholeFile {
    fn owner(&mut self, key: &MatchKey) -> Owner {
        if let Some(owner) = self.exact.get(key) {
            return owner.clone().map_or(Owner::Nobody, Owner::Of);
        }
        let digest = self.digest(key);
        if let Some(target) = self.index.get(digest).and_then(|c| self.decode(c)) {
            if self.holds(&target, key) {
                return Owner::Of(target);
            }
        }
        if self.absent.contains(key) {
            Owner::Nobody
        } else {
            Owner::Unknown
        }
    }

    fn looked_up(&mut self, key: MatchKey, customer: Option<Customer>) {
        match customer {
            // Kept for this batch only: a key nobody has costs nothing
            // to look up again, and remembering it would cost memory
            // for every key of the file.
            None => {
                self.absent.insert(key);
            }
            Some(c) => {
                let fresh = !self.stored.contains_key(&c.id);
                let target = Target::Stored(c.id);
                if fresh {
                    self.set_record(target.clone(), &c.record);
                }
                self.claim(key, target);
            }
        }
    }

    fn new_target(&mut self, row: u64) -> Target {
        let n = self.new.len() as u64;
        self.new.push(NOT_SPILLED);
        if self.first_rows {
            self.created_by.push(row);
        }
        Target::New(n)
    }

    fn claim(&mut self, key: MatchKey, target: Target) {
        if let Some(owner) = self.exact.get_mut(&key) {
            *owner = Some(target);
            return;
        }
        let Some(code) = self.encode(&target) else {
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
                let same_key = self.decode(c).is_some_and(|t| self.holds(&t, &key));
                if same_key {
                    self.index.insert(digest, code);
                } else {
                    self.exact.insert(key, Some(target));
                }
            }
        }
    }

    fn free(&mut self, key: MatchKey) {
        // The index cannot say "nobody's": `exact` overrides it.
        self.exact.insert(key, None);
    }

    fn record(&mut self, target: Target) -> Record {
        self.read_record(&target).unwrap_or_default()
    }

    fn set_record(&mut self, target: Target, record: &Record) {
        let offset = self.spill.append(record);
        match &target {
            Target::New(n) => {
                if let Some(slot) = usize::try_from(*n).ok().and_then(|n| self.new.get_mut(n)) {
                    *slot = offset;
                }
            }
            Target::Stored(id) => {
                self.encode(&target);
                if let Some(entry) = self.stored.get_mut(id) {
                    entry.0 = offset;
                }
            }
        }
    }

    fn first_row(&mut self, key: &MatchKey) -> Option<u64> {
        match self.owner(key) {
            Owner::Of(Target::New(n)) => self.created_by.get(n as usize).copied(),
            _ => None,
        }
    }

    fn remember_first_row(&mut self, _key: &MatchKey, _row: u64) {
        // A whole-file memory knows it from the customer `key` is of.
    }

    fn forget_row(&mut self, _row: u64) {
        // Nothing kept by row: a customer that was never created is
        // forgotten whole (`forget`).
    }

    fn forget(&mut self, target: Target) {
        // Its keys no longer verify against a record, so they read as
        // unknown and the store is asked again.
        if let Target::New(n) = target {
            if let Some(slot) = self.new.get_mut(n as usize) {
                *slot = NOT_SPILLED;
            }
        }
    }

    fn rename(&mut self, ids: &HashMap<Target, CustomerId>) {
        for (from, id) in ids {
            if let Target::New(n) = *from {
                self.renamed.insert(n, id.clone());
            }
        }
    }

    fn end_batch(&mut self) {
        // Only `absent` is the batch's: the rest is the file's, and the
        // store never sees a dry run's changes.
        self.absent.clear();
    }

    fn take_failure(&mut self) -> Option<io::Error> {
        self.spill.take_failure()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_whose_digest_is_taken_keeps_its_own_owner() {
        let mut known = WholeFile::new(vec!["email".into()], false);
        let (key_a, key_b) = (
            MatchKey::Email("a@example.com".into()),
            MatchKey::Email("b@example.com".into()),
        );
        let (ta, tb) = (Target::New(0), Target::New(1));
        known.new.extend([NOT_SPILLED, NOT_SPILLED]);
        for (target, key) in [(ta.clone(), &key_a), (tb.clone(), &key_b)] {
            let mut record = Record::new();
            record.insert("email", Value::Email(key.value().into()));
            known.set_record(target, &record);
        }
        known.claim(key_a.clone(), ta.clone());
        // As if b's digest collided with a's: its slot points at a.
        let digest = known.digest(&key_b);
        known.index.insert(digest, 0);

        assert!(matches!(known.owner(&key_b), Owner::Unknown));
        known.claim(key_b.clone(), tb.clone());
        assert!(matches!(known.owner(&key_a), Owner::Of(t) if t == ta));
        assert!(matches!(known.owner(&key_b), Owner::Of(t) if t == tb));
        let unseen = MatchKey::Email("c@example.com".into());
        assert!(matches!(known.owner(&unseen), Owner::Unknown));
    }
}
