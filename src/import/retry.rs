//! Passing store failures tried again: a lookup or an apply that failed
//! as a whole with a [`temporary`](StoreError::temporary) error is sent
//! again after a pause, a bounded number of times, before its rows fail.

use std::time::Duration;

use crate::store::{
    Customer, CustomerId, ImportId, JournalWrite, MatchKey, Store, StoreError, Write,
};

/// The first pause; each retry waits twice as long as the one before.
const FIRST_PAUSE: Duration = Duration::from_millis(50);

/// The longest pause between two tries.
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// `store`, its whole-call temporary failures tried again up to `retries`
/// times. Safe because a call that fails as a whole wrote nothing (the
/// store contract).
pub(super) struct Retrying<'s, S: ?Sized> {
    pub(super) store: &'s mut S,
    pub(super) retries: u32,
}

impl<S: Store + ?Sized> Retrying<'_, S> {
    /// `call` on the store, tried again after a pause while it fails with
    /// a temporary error, up to `retries` times.
    pub(super) fn again<T>(
        &mut self,
        mut call: impl FnMut(&mut S) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut pause = FIRST_PAUSE;
        let mut tries = 0;
        loop {
            match call(self.store) {
                Err(e) if e.is_temporary() && tries < self.retries => {
                    tries += 1;
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(LONGEST_PAUSE);
                }
                result => return result,
            }
        }
    }
}

impl<S: Store + ?Sized> Retrying<'_, S> {
    /// Applies `writes`, recorded in the store's journal as writes of
    /// `import` when the store keeps one, tried again as
    /// [`apply`](Store::apply) is.
    pub(super) fn apply_journaled(
        &mut self,
        import: Option<&ImportId>,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let Some(import) = import else {
            return self.apply(writes);
        };
        if self.retries == 0 {
            return match self.store.journal() {
                Some(kept) => kept.apply_journaled(import, writes, journal),
                None => self.store.apply(writes),
            };
        }
        self.again(|store| match store.journal() {
            Some(kept) => kept.apply_journaled(import, writes.clone(), journal),
            None => store.apply(writes.clone()),
        })
    }
}

impl<S: Store + ?Sized> Store for Retrying<'_, S> {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.again(|store| store.lookup(keys))
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        if self.retries == 0 {
            return self.store.apply(writes);
        }
        // Kept for another try: a record's values are shared, so a copy
        // of the writes costs a count per record.
        self.again(|store| store.apply(writes.clone()))
    }
}
