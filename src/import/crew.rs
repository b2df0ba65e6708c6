//! Checking rows on every core: the threads kept for a whole import, and
//! a batch cut into chunks that whichever thread is free takes next.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};

use super::checker::Checker;
use super::row::{CheckState, CheckedRow};
use crate::read::RawRow;

/// Below this many rows per worker, a batch is checked on one thread:
/// handing it to other threads would cost more than it saves.
pub(super) const MIN_ROWS_PER_WORKER: usize = 64;

/// Rows a checking thread takes at a time: small enough that the threads
/// finish a batch together.
pub(super) const CHUNK_ROWS: usize = 32;

/// How many threads check rows besides the session's own: one core fewer
/// than there are, up to seven. The session's thread reads, matches and
/// writes in file order, and helps check when it has nothing else to do;
/// a worker for every core would take turns with it on its core and slow
/// the one part that cannot be spread.
pub(super) fn workers() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get().saturating_sub(1).min(7))
}

/// The most checking threads an import starts, whatever it is asked:
/// the session's one thread in file order could not keep more busy.
pub(super) const MAX_CHECKING_THREADS: usize = 64;

/// A batch's rows in small chunks, each checked by whichever thread takes
/// it first: the workers, and the session's own thread once it is free. No
/// core waits while another still has a long share to do.
///
/// A chunk's rows are checked in place: the session's thread allocates the
/// chunks and frees them, so no thread frees memory another allocated
/// (which would make them take turns on the allocator's locks).
pub(super) struct Chunks {
    pub(super) chunks: Vec<Mutex<Vec<Slot>>>,
    /// The next chunk to take.
    pub(super) next: AtomicUsize,
}

/// One row of a chunk.
pub(super) enum Slot {
    Raw(RawRow),
    Checked(CheckedRow),
    /// Being checked.
    Taken,
}

impl Chunks {
    /// Takes chunks and checks them until none is left.
    pub(super) fn check(
        &self,
        check: impl Fn(&mut CheckState, RawRow) -> CheckedRow,
        state: &mut CheckState,
    ) {
        while let Some(chunk) = self.chunks.get(self.next.fetch_add(1, Ordering::Relaxed)) {
            let mut slots = chunk.lock().unwrap_or_else(PoisonError::into_inner);
            for slot in slots.iter_mut() {
                if let Slot::Raw(raw) = std::mem::replace(slot, Slot::Taken) {
                    *slot = Slot::Checked(check(state, raw));
                }
            }
        }
    }
}

/// The threads that check rows beside the session's own, started at the
/// first batch large enough to share and kept for the whole import: no
/// thread is started per batch, and each keeps its place caches (and its
/// allocator's and regular expressions' per-thread caches) warm. They own
/// what they read (the [`Checker`]), so the session that hands them work
/// can live between an app's calls; dropping the crew ends and joins them.
pub(super) struct Crew {
    /// How many threads to start.
    pub(super) size: usize,
    checker: Arc<Checker>,
    /// Hands each thread the batches to check; dropping them ends the
    /// threads.
    jobs: Vec<mpsc::Sender<Arc<Chunks>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    started: bool,
}

impl Crew {
    pub(super) fn new(size: usize, checker: Arc<Checker>) -> Crew {
        Crew {
            size,
            checker,
            jobs: Vec::new(),
            threads: Vec::new(),
            started: false,
        }
    }

    /// Hands `chunks` to every thread, starting them the first time.
    pub(super) fn share(&mut self, chunks: &Arc<Chunks>) {
        if !self.started {
            self.started = true;
            for _ in 0..self.size {
                let (jobs, batches) = mpsc::channel::<Arc<Chunks>>();
                let checker = Arc::clone(&self.checker);
                let spawned = std::thread::Builder::new()
                    .name("intake-check".to_string())
                    .spawn(move || {
                        let mut state = CheckState::default();
                        for chunks in batches {
                            chunks.check(|state, raw| checker.check(state, raw), &mut state);
                        }
                    });
                // A thread the system refuses leaves its share to the
                // others and the session's thread.
                if let Ok(thread) = spawned {
                    self.jobs.push(jobs);
                    self.threads.push(thread);
                }
            }
        }
        // A thread that is gone (it panicked) leaves its share to the
        // others and the session's thread.
        self.jobs
            .retain(|jobs| jobs.send(Arc::clone(chunks)).is_ok());
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        self.jobs.clear();
        for thread in self.threads.drain(..) {
            // A thread that panicked has nothing left to give back.
            let _ = thread.join();
        }
    }
}
