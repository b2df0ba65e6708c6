//! The blocking driver under [`Importer::import`] and its kin: a loop
//! over the I/O-free session that reads the rows and calls the store on
//! the calling thread.

use std::cell::Cell;
use std::io;
use std::rc::Rc;

use super::retry::Retrying;
use super::{Importer, Step};
use crate::error::{Error, ErrorKind};
use crate::messages;
use crate::read::RawRow;
use crate::report::Report;
use crate::store::{Store, StoreError, Transactional};

/// A store's transaction calls, for an all-or-nothing import: taken from
/// its [`Transactional`] implementation, so that only a store that has
/// transactions can be given one (checked when the program is compiled).
pub(super) struct Transactions<S: ?Sized> {
    begin: fn(&mut S) -> Result<(), StoreError>,
    commit: fn(&mut S) -> Result<(), StoreError>,
    rollback: fn(&mut S) -> Result<(), StoreError>,
}

// By hand: derived, they would ask `S` to be `Copy` too.
impl<S: ?Sized> Clone for Transactions<S> {
    fn clone(&self) -> Transactions<S> {
        *self
    }
}

impl<S: ?Sized> Copy for Transactions<S> {}

impl<S: Transactional + ?Sized> Transactions<S> {
    /// `S`'s own transaction calls.
    pub(super) fn of() -> Transactions<S> {
        Transactions {
            begin: S::begin,
            commit: S::commit,
            rollback: S::rollback,
        }
    }
}

impl Importer {
    /// Drives a session over `rows` and `store`, in a transaction when
    /// `transactions` are given.
    pub(super) fn run<I, S>(
        &self,
        header: Vec<String>,
        rows: I,
        bytes: Option<Rc<Cell<u64>>>,
        store: &mut S,
        transactions: Option<Transactions<S>>,
        mut plan: Option<&mut dyn io::Write>,
    ) -> Result<Report, Error>
    where
        I: Iterator<Item = Result<RawRow, Error>>,
        S: Store + ?Sized,
    {
        let mut session = super::ImportSession::new(self, header, transactions.is_some())?;
        let mut rows = rows.fuse();
        let mut store = Retrying {
            store,
            retries: self.store_retries,
        };
        // Only an atomic session asks for the transaction's steps.
        let outside = || -> Result<(), StoreError> {
            debug_assert!(false, "a transaction step in a session without one");
            Err(StoreError::new("this import runs without a transaction"))
        };
        loop {
            if let Some(out) = plan.as_deref_mut() {
                super::plan::drain(session.take_plan(), out).map_err(plan_not_written)?;
            }
            match session.step() {
                Step::Input => {
                    match rows.next() {
                        Some(Ok(raw)) => session.push_raw(raw),
                        Some(Err(e)) => session.end_input(Some(e)),
                        None => session.end_input(None),
                    }
                    if let Some(bytes) = &bytes {
                        session.bytes_read(bytes.get());
                    }
                }
                Step::Begin => session.began(match &transactions {
                    Some(t) => store.again(t.begin),
                    None => outside(),
                }),
                Step::Lookup(keys) => {
                    let found = store.lookup(keys);
                    session.looked_up(found);
                }
                Step::Apply(writes) => {
                    // Journaled when the store keeps a journal, so the
                    // import can be undone.
                    let results = store.apply_journaled(
                        session.import_id(),
                        writes,
                        session.journal_writes(),
                    );
                    session.applied(results);
                }
                // Not repeated: whether a commit that failed took effect
                // is the store's to say.
                Step::Commit => session.ended(match &transactions {
                    Some(t) => (t.commit)(store.store),
                    None => outside(),
                }),
                Step::Rollback => session.ended(match &transactions {
                    Some(t) => (t.rollback)(store.store),
                    None => outside(),
                }),
                Step::Done(result) => {
                    if let (Some(out), Ok(_)) = (plan.as_deref_mut(), &result) {
                        super::plan::drain(session.take_plan(), out).map_err(plan_not_written)?;
                        out.flush().map_err(plan_not_written)?;
                    }
                    return result;
                }
            }
        }
    }
}

/// The file-level error when the plan could not be written out.
fn plan_not_written(error: io::Error) -> Error {
    Error::new(ErrorKind::InvalidPlan, messages::plan::PLAN_NOT_WRITTEN).with_source(error)
}
