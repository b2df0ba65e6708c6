//! The writes of one `apply` call, and the decided rows they answer for.
//!
//! A store may run one call's writes as one set-based statement, in any
//! order, so a call holds at most one write per customer (a customer's
//! later changes fold into its write) and no write in it depends on
//! another: a key freed by one customer's write and taken by another's
//! waits for the next call. Each write carries the rows it answers for,
//! so one result per write fails exactly those rows.

use foldhash::HashMap;

use super::decide::Decision;
use super::known::Target;
use super::plan::PlanRow;
use crate::record::Record;
use crate::report::{Action, Correction, FieldChange};
use crate::store::{CustomerId, MatchKey};

/// What one row comes to before the store has answered.
pub(super) struct Decided {
    pub(super) row: u64,
    pub(super) action: Action,
    /// The row's values, for the preview (`None` without one).
    pub(super) values: Option<Record>,
    /// The customer, for the preview: the one matched, or (once written)
    /// the one created.
    pub(super) customer: Option<CustomerId>,
    /// An update's changed fields, for the preview.
    pub(super) changed: Vec<FieldChange>,
    /// The row's line of the plan, when the dry run writes one.
    pub(super) plan: Option<PlanRow>,
    pub(super) city_filled: bool,
    /// How many of the row's values were corrected.
    pub(super) corrected: usize,
    /// Those corrections, for the preview (empty without one).
    pub(super) corrections: Vec<Correction>,
}

/// The decided rows and pending writes of one call, not yet written.
#[derive(Default)]
pub(super) struct CallWork {
    /// (index in the batch, decision), in file order.
    pub(super) decided: Vec<(usize, Decided)>,
    pub(super) pending: Vec<PendingWrite>,
    /// The pending write of each customer.
    pending_of: HashMap<Target, usize>,
    /// The keys this call's writes free, and whose write frees each.
    freed: HashMap<MatchKey, Target>,
}

impl CallWork {
    /// Whether `decision`'s write must wait for the next call: it takes a
    /// key that another customer's write in this call frees (a store
    /// running the call in another order would refuse it).
    pub(super) fn must_wait(&self, decision: &Decision) -> bool {
        !self.freed.is_empty()
            && decision
                .claimed
                .iter()
                .any(|k| self.freed.get(k).is_some_and(|t| *t != decision.target))
    }

    /// Whether the call has nothing to write (its rows, if any, are all
    /// unchanged).
    pub(super) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Records a decided row and, unless unchanged, its write (folded into
    /// the customer's write when the call has one). An unchanged row
    /// rides on the customer's write too: it is unchanged only if that
    /// write is saved.
    pub(super) fn add(&mut self, i: usize, decided: Decided, decision: Decision) {
        let Decision {
            target,
            record,
            before,
            freed,
            ..
        } = decision;
        let index = self.decided.len();
        let action = decided.action;
        self.decided.push((i, decided));
        for key in freed {
            self.freed.insert(key, target.clone());
        }
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
        self.pending_of.insert(target.clone(), self.pending.len());
        self.pending.push(PendingWrite {
            target,
            record,
            before,
            rows: smallvec::smallvec![index],
        });
    }

    /// Takes the call's writes and rows, leaving it empty for the next.
    pub(super) fn take(&mut self) -> (Vec<PendingWrite>, Vec<(usize, Decided)>) {
        self.pending_of.clear();
        self.freed.clear();
        (
            std::mem::take(&mut self.pending),
            std::mem::take(&mut self.decided),
        )
    }
}

/// A write waiting for the batch's `apply`, with every row it carries.
pub(super) struct PendingWrite {
    pub(super) target: Target,
    pub(super) record: Record,
    /// The customer's values before the call's first row of it (`None`
    /// for a new customer), for the store's journal: later rows of the
    /// same customer fold into this write.
    pub(super) before: Option<Record>,
    /// Indexes into the batch's decided rows: most writes carry one.
    pub(super) rows: smallvec::SmallVec<[usize; 1]>,
}
