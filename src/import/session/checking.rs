//! Reading and checking: the batches gathered from the rows handed, each
//! checked on the crew while the one before it is decided.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use super::{Checking, ImportSession, Phase, Step, Work};
use crate::import::crew::{Chunks, Slot, CHUNK_ROWS, MIN_ROWS_PER_WORKER};
use crate::import::input::Gathered;
use crate::import::row::{CheckState, CheckedRow};
use crate::messages;
use crate::read::RawRow;
use crate::report::{StopReason, Stopped, Warning, WarningCode};

/// Reading and checking batches.
impl ImportSession {
    /// Gathers the next batch; once it is complete, starts checking it and
    /// moves on to deciding the one checked before it. `Some` when it
    /// needs a row.
    pub(super) fn read(&mut self) -> Option<Step<'static>> {
        let raws = match self.input.gathered() {
            Gathered::More => {
                self.phase = Phase::Reading;
                return Some(Step::Input);
            }
            Gathered::Batch(raws) => raws,
        };
        let done = self.checking.take().map(|c| self.collect(c));
        if !raws.is_empty() {
            self.checking = Some(self.start_check(raws));
        }
        match done {
            Some((checked, bytes)) => {
                self.start_batch(checked, bytes);
                self.phase = Phase::Lookup;
            }
            None if self.checking.is_some() => self.phase = Phase::Reading,
            None => self.end_of_data(),
        }
        None
    }

    /// No rows are left: the reading's own findings join the report.
    pub(super) fn end_of_data(&mut self) {
        if let Some(e) = self.input.error.take() {
            let stopped = Stopped::new(
                StopReason::of(e.kind()),
                e.message().to_string(),
                e.position(),
            );
            self.tally.report.stopped = Some(stopped.with_error(e));
        }
        if let Some(count) = self.input.after_blank.filter(|c| *c > 0) {
            self.tally.report.warnings.push(Warning::new(
                WarningCode::RowsAfterBlank,
                messages::rows_after_blank(count),
            ));
        }
        self.phase = Phase::Finish;
    }

    /// Starts checking a batch's rows, spread over the cores: each row's
    /// check is independent of the others. Small batches (or one core) are
    /// checked here and now.
    pub(super) fn start_check(&mut self, raws: Vec<RawRow>) -> Checking {
        // No row is being checked now: the columns' date orders may change.
        let checker = &*self.checker;
        let settled =
            checker
                .date_orders
                .settle(&raws, checker.importer.schema.fields(), &checker.header);
        self.tally.report.warnings.extend(settled);
        let first_row = raws.first().map_or(0, |r| r.row);
        let first_line = raws.first().map_or(0, |r| r.line);
        // A password's hash takes longer than a thousand rows' checks:
        // such rows are shared one by one.
        let (min_rows, chunk_rows) = if checker.hashes {
            (1, 1)
        } else {
            (MIN_ROWS_PER_WORKER, CHUNK_ROWS)
        };
        let crew = self.crew.size;
        let work = if crew == 0 || raws.len() < (crew + 1) * min_rows {
            let state = &mut self.state;
            Work::Done(
                raws.into_iter()
                    .map(|raw| checker.check(state, raw))
                    .collect(),
            )
        } else {
            let mut raws = raws.into_iter();
            let mut chunks = Vec::new();
            loop {
                let chunk: Vec<Slot> = raws.by_ref().take(chunk_rows).map(Slot::Raw).collect();
                if chunk.is_empty() {
                    break;
                }
                chunks.push(Mutex::new(chunk));
            }
            let shared = Arc::new(Chunks {
                chunks,
                next: AtomicUsize::new(0),
            });
            self.crew.share(&shared);
            Work::Running(shared)
        };
        Checking {
            first_row,
            first_line,
            bytes: self.input.bytes,
            work,
        }
    }

    /// Finishes a batch's checks, helping the crew with what is left: its
    /// rows in file order, and how many bytes had been read when the batch
    /// was complete.
    pub(super) fn collect(&mut self, checking: Checking) -> (Vec<CheckedRow>, u64) {
        let checker = Arc::clone(&self.checker);
        let check = |state: &mut CheckState, raw| checker.check(state, raw);
        let checked: Vec<CheckedRow> = match checking.work {
            Work::Done(checked) => checked,
            Work::Running(shared) => {
                shared.check(check, &mut self.state);
                let mut checked = Vec::with_capacity(shared.chunks.len() * CHUNK_ROWS);
                for chunk in &shared.chunks {
                    // Waits for a chunk still being checked. A check never
                    // panics on input (its parsers are guarded); had one
                    // done so on another thread, its chunk's rows are gone:
                    // stop rather than report without them.
                    let mut slots = chunk
                        .lock()
                        .unwrap_or_else(|_| panic!("checking rows panicked on another thread"));
                    // The chunk's room is given back here, on the thread
                    // that allocated it.
                    for slot in std::mem::take(&mut *slots) {
                        match slot {
                            Slot::Checked(row) => checked.push(row),
                            // Every chunk was taken before this thread's own
                            // share ended; should one not have been, its rows
                            // are still checked, never dropped.
                            Slot::Raw(raw) => checked.push(check(&mut self.state, raw)),
                            Slot::Taken => panic!("a row was left half checked"),
                        }
                    }
                }
                checked
            }
        };
        for row in &checked {
            self.tally.note(row);
        }
        (checked, checking.bytes)
    }
}
