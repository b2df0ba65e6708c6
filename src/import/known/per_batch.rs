//! [`PerBatch`]: plain maps, forgotten at the end of each batch, for
//! imports that write every batch (the store is the truth again after).

use std::io;

use foldhash::HashMap;

use super::{Known, Owner, Target};
use crate::record::Record;
use crate::store::{Customer, CustomerId, MatchKey};

/// What a writing import knows beyond the store: the current batch's keys
/// and customers, and the rows that first used each key.
#[derive(Default)]
pub(super) struct PerBatch {
    /// Whose each key of the batch is (`None`: nobody's).
    owners: HashMap<MatchKey, Option<Target>>,
    /// The batch's customers' current values.
    records: HashMap<Target, Record>,
    /// Kept across batches: the store cannot tell which row of the file
    /// created a customer.
    first_row: HashMap<MatchKey, u64>,
    /// The number of the next new customer.
    next_new: u64,
}

impl Known for PerBatch {
    fn owner(&mut self, key: &MatchKey) -> Owner {
        match self.owners.get(key) {
            None => Owner::Unknown,
            Some(None) => Owner::Nobody,
            Some(Some(target)) => Owner::Of(target.clone()),
        }
    }

    fn looked_up(&mut self, key: MatchKey, customer: Option<Customer>) {
        let owner = customer.map(|c| {
            let target = Target::Stored(c.id);
            self.records.entry(target.clone()).or_insert(c.record);
            target
        });
        self.owners.insert(key, owner);
    }

    fn new_target(&mut self, _row: u64) -> Target {
        // The row is kept by key instead (`remember_first_row`).
        self.next_new += 1;
        Target::New(self.next_new - 1)
    }

    fn claim(&mut self, key: MatchKey, target: Target) {
        self.owners.insert(key, Some(target));
    }

    fn free(&mut self, key: MatchKey) {
        self.owners.insert(key, None);
    }

    fn record(&mut self, target: Target) -> Record {
        self.records.get(&target).cloned().unwrap_or_default()
    }

    fn set_record(&mut self, target: Target, record: &Record) {
        self.records.insert(target, record.clone());
    }

    fn first_row(&mut self, key: &MatchKey) -> Option<u64> {
        self.first_row.get(key).copied()
    }

    fn remember_first_row(&mut self, key: &MatchKey, row: u64) {
        self.first_row.entry(key.clone()).or_insert(row);
    }

    fn forget_row(&mut self, row: u64) {
        self.first_row.retain(|_, r| *r != row);
    }

    fn forget(&mut self, target: Target) {
        for owner in self.owners.values_mut() {
            if owner.as_ref() == Some(&target) {
                *owner = None;
            }
        }
        self.records.remove(&target);
    }

    fn rename(&mut self, ids: &HashMap<Target, CustomerId>) {
        // Spares the pass over every key of the batch.
        if ids.is_empty() {
            return;
        }
        // One pass over the keys, whatever the number of customers.
        for owner in self.owners.values_mut() {
            if let Some(id) = owner.as_ref().and_then(|t| ids.get(t)) {
                *owner = Some(Target::Stored(id.clone()));
            }
        }
        for (from, id) in ids {
            if let Some(record) = self.records.remove(from) {
                self.records.insert(Target::Stored(id.clone()), record);
            }
        }
    }

    fn end_batch(&mut self) {
        self.owners.clear();
        self.records.clear();
    }

    fn take_failure(&mut self) -> Option<io::Error> {
        // Plain maps in memory: nothing to fail.
        None
    }
}
