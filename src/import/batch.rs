//! A batch's decided rows and the writes they come to: a customer's later
//! changes in the batch fold into its pending write, and each write
//! carries the rows it answers for (one result per write fails exactly
//! those rows).

use foldhash::HashMap;

use super::known::Target;
use crate::record::Record;
use crate::report::{Action, Correction};

/// What one row comes to before the store has answered.
pub(super) struct Decided {
    pub(super) row: u64,
    pub(super) action: Action,
    /// The row's values, for the preview (`None` without one).
    pub(super) values: Option<Record>,
    pub(super) city_filled: bool,
    /// How many of the row's values were corrected.
    pub(super) corrected: usize,
    /// Those corrections, for the preview (empty without one).
    pub(super) corrections: Vec<Correction>,
}

/// The decided rows and pending writes of a batch, not yet written.
#[derive(Default)]
pub(super) struct BatchWork {
    /// (index in the batch, decision), in file order.
    pub(super) decided: Vec<(usize, Decided)>,
    pub(super) pending: Vec<PendingWrite>,
    /// The pending write of each customer, while it may still absorb
    /// later changes.
    pub(super) pending_of: HashMap<Target, usize>,
}

impl BatchWork {
    /// Records a decided row and, unless unchanged, its write (folded into
    /// the customer's pending write when there is one). An unchanged row
    /// rides on the customer's pending write too: it is unchanged only if
    /// that write is saved.
    pub(super) fn add(&mut self, i: usize, decided: Decided, target: Target, record: Record) {
        let index = self.decided.len();
        let action = decided.action;
        self.decided.push((i, decided));
        if let Some(write) = self
            .pending_of
            .get(&target)
            .and_then(|&p| self.pending.get_mut(p))
        {
            if action != Action::Unchanged {
                write.record = record;
            }
            write.rows.push(index);
            return;
        }
        if action == Action::Unchanged {
            return;
        }
        self.pending_of.insert(target, self.pending.len());
        self.pending.push(PendingWrite {
            target,
            record,
            rows: smallvec::smallvec![index],
        });
    }
}

/// A write waiting for the batch's `apply`, with every row it carries.
pub(super) struct PendingWrite {
    pub(super) target: Target,
    pub(super) record: Record,
    /// Indexes into the batch's decided rows: most writes carry one.
    pub(super) rows: smallvec::SmallVec<[usize; 1]>,
}
