//! What the engine knows of customers beyond what the store has seen: whose
//! each match key is, and each customer's current values.
//!
//! A real import writes every batch, after which the store is the truth
//! again, so [`per_batch()`] keeps plain maps and forgets them at the
//! end of each batch. A dry run writes nothing, so it must remember every
//! customer of the file to the end (a repeat on row 900,000 updates or
//! leaves unchanged the customer of row 12). [`whole_file()`] keeps
//! that memory small: a 32-bit digest per key in memory, the values in a
//! temporary file, read back only when a key comes again.

mod digest;
mod per_batch;
mod spill;
mod whole_file;

use std::io;

use foldhash::HashMap;

use crate::record::Record;
use crate::store::{Customer, CustomerId, MatchKey};

use per_batch::PerBatch;
use whole_file::WholeFile;

/// A customer as the engine knows it during an import.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

/// For imports that write each batch.
pub(super) fn per_batch() -> Box<dyn Known> {
    Box::new(PerBatch::default())
}

/// For dry runs: remembers the whole file in a few dozen bytes a row.
/// `identifiers` are the fields whose values are match keys;
/// `first_rows` keeps the row that created each customer (insert-only
/// imports name it in `duplicate_in_file`).
pub(super) fn whole_file(identifiers: Vec<String>, first_rows: bool) -> Box<dyn Known> {
    Box::new(WholeFile::new(identifiers, first_rows))
}

/// The engine's memory of keys and customers, overriding the store for
/// what this import has changed. `Send` because the session that holds
/// it may move between threads.
pub(super) trait Known: Send {
    /// Whose `key` is, as far as the engine knows.
    fn owner(&mut self, key: &MatchKey) -> Owner;

    /// What the store answered for `key`.
    fn looked_up(&mut self, key: MatchKey, customer: Option<Customer>);

    /// A new customer, created by `row`.
    fn new_target(&mut self, row: u64) -> Target;

    /// `key` is now `target`'s.
    fn claim(&mut self, key: MatchKey, target: Target);

    /// `key` is nobody's any more: its customer changed it.
    fn free(&mut self, key: MatchKey);

    /// The customer's current values (empty if the engine has none).
    fn record(&mut self, target: Target) -> Record;

    /// The customer's values are now `record`.
    fn set_record(&mut self, target: Target, record: &Record);

    /// The row of this import that first used `key`, if one did
    /// (insert-only imports).
    fn first_row(&mut self, key: &MatchKey) -> Option<u64>;

    /// Remembers that `row` first used `key` (insert-only imports).
    fn remember_first_row(&mut self, key: &MatchKey, row: u64);

    /// Forgets that `row` introduced keys: its write failed.
    fn forget_row(&mut self, row: u64);

    /// A new customer was never created (its write failed): its keys are
    /// nobody's.
    fn forget(&mut self, target: Target);

    /// Customers created in this batch now have their store ids.
    fn rename(&mut self, ids: &HashMap<Target, CustomerId>);

    /// The batch is written: the store is the truth again.
    fn end_batch(&mut self);

    /// Takes the error of the temporary file, if it failed.
    fn take_failure(&mut self) -> Option<io::Error>;
}
