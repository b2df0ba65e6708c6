//! The store conformance suite: the crate's stores pass it, and each bug
//! an app's store could have is caught, naming its rule.

use std::panic::{catch_unwind, AssertUnwindSafe};

mod common;

use common::{IdKind, OtherIds};
use intake::store::conformance;
use intake::{
    Customer, CustomerId, MatchKey, MemoryStore, Store, StoreError, Transactional, Value, Write,
};

#[test]
fn memory_store_passes() {
    conformance::check(MemoryStore::new);
    conformance::check_transactions(MemoryStore::new);
}

#[test]
fn a_store_with_uuid_ids_passes() {
    let make = || OtherIds::new(IdKind::Uuid);
    conformance::check(make);
    conformance::check_transactions(make);
}

#[test]
fn a_store_with_text_ids_passes() {
    let make = || OtherIds::new(IdKind::Text);
    conformance::check(make);
    conformance::check_transactions(make);
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_store_passes() {
    let open = || intake::SqliteStore::in_memory().expect("an in-memory database");
    conformance::check(open);
    conformance::check_transactions(open);
}

/// A bug an app's store might have.
#[derive(Clone, Copy, Debug)]
enum Bug {
    /// Answers a call's writes in the order it ran them (updates first).
    ResultsInItsOwnOrder,
    /// Drops the last answer of a call.
    OneResultShort,
    /// Reports a unique violation as a plain error.
    ConflictNotMarked,
    /// Keeps text with its runs of spaces collapsed.
    TextChanged,
    /// Answers lookups for the keys sorted.
    LookupsSorted,
    /// Begins, commits and rolls back nothing.
    NoTransactions,
    /// Counts an update of a missing customer as saved.
    UpdatesNobody,
}

struct Planted {
    inner: MemoryStore,
    bug: Bug,
}

impl Store for Planted {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        if let Bug::LookupsSorted = self.bug {
            let mut sorted = keys.to_vec();
            sorted.sort();
            return self.inner.lookup(&sorted);
        }
        self.inner.lookup(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        match self.bug {
            Bug::ResultsInItsOwnOrder => {
                let (updates, inserts): (Vec<Write>, Vec<Write>) = writes
                    .into_iter()
                    .partition(|w| matches!(w, Write::Update { .. }));
                let mut results = self.inner.apply(updates)?;
                results.extend(self.inner.apply(inserts)?);
                Ok(results)
            }
            Bug::OneResultShort => {
                let mut results = self.inner.apply(writes)?;
                results.pop();
                Ok(results)
            }
            Bug::ConflictNotMarked => Ok(self
                .inner
                .apply(writes)?
                .into_iter()
                .map(|r| r.map_err(|e| StoreError::new(e.message())))
                .collect()),
            Bug::TextChanged => {
                let writes = writes
                    .into_iter()
                    .map(|w| match w {
                        Write::Insert(record) => Write::Insert(
                            record
                                .iter()
                                .map(|(f, v)| match v {
                                    Value::Text(t) => (
                                        f,
                                        Value::Text(
                                            t.split_whitespace()
                                                .collect::<Vec<_>>()
                                                .join(" ")
                                                .into(),
                                        ),
                                    ),
                                    other => (f, other.clone()),
                                })
                                .collect(),
                        ),
                        other => other,
                    })
                    .collect();
                self.inner.apply(writes)
            }
            Bug::UpdatesNobody => {
                let known = self.inner.len() as i64;
                let results = self.inner.apply(writes.clone())?;
                Ok(results
                    .into_iter()
                    .zip(writes)
                    .map(|(r, w)| match w {
                        Write::Update { id, .. } if id.as_int().is_some_and(|n| n > known) => {
                            Ok(id)
                        }
                        _ => r,
                    })
                    .collect())
            }
            _ => self.inner.apply(writes),
        }
    }
}

impl Transactional for Planted {
    fn begin(&mut self) -> Result<(), StoreError> {
        match self.bug {
            Bug::NoTransactions => Ok(()),
            _ => self.inner.begin(),
        }
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        match self.bug {
            Bug::NoTransactions => Ok(()),
            _ => self.inner.commit(),
        }
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        match self.bug {
            Bug::NoTransactions => Ok(()),
            _ => self.inner.rollback(),
        }
    }
}

/// Runs the whole suite on stores with `bug`; the message of the rule
/// that broke.
fn broken_rule(bug: Bug) -> String {
    let make = || Planted {
        inner: MemoryStore::new(),
        bug,
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        conformance::check(make);
        conformance::check_transactions(make);
    }));
    match outcome {
        Ok(()) => panic!("{bug:?} passed the suite"),
        Err(panic) => panic
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| format!("{bug:?}: a panic without a message")),
    }
}

#[test]
fn results_in_the_stores_own_order_are_caught() {
    let message = broken_rule(Bug::ResultsInItsOwnOrder);
    assert!(
        message.contains("`a call may be applied as a set`"),
        "{message}"
    );
}

#[test]
fn a_result_short_is_caught() {
    let message = broken_rule(Bug::OneResultShort);
    assert!(message.contains("results for"), "{message}");
}

#[test]
fn a_conflict_not_marked_is_caught() {
    let message = broken_rule(Bug::ConflictNotMarked);
    assert!(message.contains("`a taken key is a conflict`"), "{message}");
}

#[test]
fn text_changed_on_the_way_is_caught() {
    let message = broken_rule(Bug::TextChanged);
    assert!(
        message.contains("values come back with their text"),
        "{message}"
    );
}

#[test]
fn lookups_answered_out_of_order_are_caught() {
    let message = broken_rule(Bug::LookupsSorted);
    assert!(
        message.contains("`lookup answers each key in order`"),
        "{message}"
    );
}

#[test]
fn transactions_that_do_nothing_are_caught() {
    let message = broken_rule(Bug::NoTransactions);
    assert!(
        message.contains("`rollback undoes the transaction`"),
        "{message}"
    );
}

#[test]
fn an_update_of_nobody_counted_as_saved_is_caught() {
    let message = broken_rule(Bug::UpdatesNobody);
    assert!(message.contains("`an update of nobody fails`"), "{message}");
}
