//! Match & decide & write: batches of checked rows against the store, with
//! the result equal to importing the rows one at a time in file order.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::batch::{BatchWork, Decided, PendingWrite};
use super::crew::{
    workers, Chunks, Crew, Slot, CHUNK_ROWS, MAX_CHECKING_THREADS, MIN_ROWS_PER_WORKER,
};
use super::known::{Known, Owner, Target};
use super::row::{self, CheckState, CheckedRow};
use super::{BlankRows, Importer, Progress};
use crate::error::{Error, Position};
use crate::import::date_order::DateOrders;
use crate::password::{self, Plain};
use crate::policy::{Found, Mode, Update};
use crate::read::{Cells, RawRow};
use crate::record::{Record, Value};
use crate::report::{
    Action, Change, ColumnMapping, Problem, ProblemCode, Report, RowFailure, StopReason, Stopped,
    Warning, WarningCode, ERRORS_COLUMN,
};
use crate::schema::HeaderMap;
use crate::store::{CustomerId, MatchKey, Store, StoreError, Write};

/// A row's match keys: as many as the schema has identifiers, two for
/// the presets, kept inline.
type Keys = smallvec::SmallVec<[MatchKey; 2]>;

/// How many unrecognised values get a warning each.
const MAX_NOTES: u64 = 50;

/// Why an import stops at a batch boundary.
enum Halt {
    Cancelled,
    StoreFailed(StoreError),
}

impl Halt {
    /// The report's entry, given where the rows not imported start and
    /// what they are. The store's own text stays out of it.
    fn stopped(self, position: Option<Position>, rest: String) -> Stopped {
        match self {
            Halt::Cancelled => Stopped::new(
                StopReason::Cancelled,
                format!("The import was cancelled: {rest}."),
                position,
            ),
            Halt::StoreFailed(e) => {
                let message = format!(
                    "The customer database failed, so the import stopped: {rest}. {}",
                    e.retry_hint()
                );
                let error =
                    Error::new(crate::ErrorKind::StoreFailed, message.clone()).with_source(e);
                let error = match position {
                    Some(at) => error.at(at),
                    None => error,
                };
                Stopped::new(StopReason::StoreFailed, message, position).with_error(error)
            }
        }
    }
}

/// The rows still to import, and what reading them has found so far.
struct Source<I> {
    rows: std::iter::Fuse<I>,
    /// Bytes read from the upload, when it is one.
    bytes: Option<Rc<Cell<u64>>>,
    /// Non-blank rows after a blank row that ends the data.
    after_blank: Option<u64>,
    /// Whether a customer row has been read (blank rows before it end
    /// nothing).
    data_started: bool,
    /// The read error that ended the data.
    error: Option<Error>,
}

impl<I> Source<I> {
    fn bytes_read(&self) -> u64 {
        self.bytes.as_deref().map_or(0, Cell::get)
    }
}

/// A batch being checked.
struct Checking {
    first_row: u64,
    first_line: u64,
    /// Bytes read when the batch was complete, for its progress report.
    bytes: u64,
    work: Work,
}

impl Checking {
    /// What the report says was left out when the import stops before this
    /// batch.
    fn rest(&self) -> String {
        format!(
            "row {} and the rows after it were not imported",
            self.first_row
        )
    }
}

enum Work {
    /// Checked on this thread.
    Done(Vec<CheckedRow>),
    /// Being checked by the crew and, once it is free, this thread.
    Running(Arc<Chunks>),
}

pub(super) struct Engine<'a, S: Store + ?Sized> {
    importer: &'a Importer,
    header: &'a [String],
    map: &'a HeaderMap,
    /// The order of the dates of columns that decide it by their values.
    date_orders: &'a DateOrders,
    store: &'a mut S,
    report: Report,
    /// Whose each key is and the customers' values, as this import has
    /// changed them: overrides the store, which has not seen the pending
    /// writes (or, in a dry run, any).
    known: Known,
    /// The ids of the schema's identifier fields.
    identifiers: Vec<String>,
    /// Whether an all-or-nothing transaction is open.
    in_transaction: bool,
    /// The store's error when the current batch's lookup failed.
    lookup_error: Option<StoreError>,
    /// What this thread keeps for checking rows (its place caches and
    /// buffers), for the whole import.
    checking: CheckState,
    /// How many values were kept as written although not recognised.
    notes: u64,
    /// The store's error when it failed a whole lookup or write during
    /// the current batch.
    store_failure: Option<StoreError>,
}

impl<'a, S: Store + ?Sized> Engine<'a, S> {
    pub fn new(
        importer: &'a Importer,
        header: &'a [String],
        map: &'a HeaderMap,
        date_orders: &'a DateOrders,
        store: &'a mut S,
    ) -> Engine<'a, S> {
        let schema = &importer.schema;
        let columns = header
            .iter()
            .enumerate()
            .map(|(col, name)| ColumnMapping {
                column: name.clone(),
                field: map
                    .field_of(col)
                    .and_then(|f| schema.fields().get(f))
                    .map(|f| f.id().to_string()),
            })
            .collect::<Vec<_>>();
        let mut report = Report::new(header.to_vec(), columns, importer.dry_run);
        for (col, mapping) in report.columns.clone().iter().enumerate() {
            let note = map.note(col).map(str::to_string);
            // Our own failed-rows file, uploaded again once fixed: its last
            // column explains the failures and is no data to warn about.
            if mapping.field.is_none() && col + 1 == header.len() && mapping.column == ERRORS_COLUMN
            {
                continue;
            }
            if mapping.field.is_none() {
                let message = note.unwrap_or_else(|| {
                    if mapping.column.trim().is_empty() {
                        "A column without a name was not imported.".to_string()
                    } else {
                        format!(
                            "Column '{}' matches no field and was not imported.",
                            mapping.column
                        )
                    }
                });
                report
                    .warnings
                    .push(Warning::new(WarningCode::IgnoredColumn, message));
            } else if let Some(message) = note {
                // Read as the closest field name: the person should check it.
                report
                    .warnings
                    .push(Warning::new(WarningCode::GuessedColumn, message));
            }
        }
        if importer.preview {
            report.changes = Some(Vec::new());
        }
        let identifiers: Vec<String> = schema
            .fields()
            .iter()
            .filter(|f| f.is_identifier())
            .map(|f| f.id().to_string())
            .collect();
        Engine {
            importer,
            header,
            map,
            date_orders,
            store,
            report,
            known: if importer.dry_run {
                Known::whole_file(
                    identifiers.clone(),
                    importer.policy.mode() == Mode::InsertOnly,
                )
            } else {
                Known::per_batch()
            },
            identifiers,
            in_transaction: false,
            lookup_error: None,
            checking: CheckState::default(),
            notes: 0,
            store_failure: None,
        }
    }

    pub fn run<I>(mut self, rows: I, bytes: Option<Rc<Cell<u64>>>) -> Result<Report, Error>
    where
        I: Iterator<Item = Result<RawRow, Error>>,
    {
        let importer = self.importer;
        if importer.atomic && !importer.dry_run {
            self.store.begin().map_err(|e| {
                let message = format!(
                    "The customer database could not start an all-or-nothing import, so nothing was written. {}",
                    e.retry_hint()
                );
                Error::new(crate::ErrorKind::StoreFailed, message).with_source(e)
            })?;
            self.in_transaction = true;
        }
        let mut source = Source {
            rows: rows.fuse(),
            bytes,
            after_blank: None,
            data_started: false,
            error: None,
        };
        std::thread::scope(|scope| self.run_batches(scope, &mut source))?;
        if let Some(e) = source.error {
            let stopped = Stopped::new(
                StopReason::of(e.kind()),
                e.message().to_string(),
                e.position(),
            );
            self.report.stopped = Some(stopped.with_error(e));
        }
        if let Some(count) = source.after_blank.filter(|c| *c > 0) {
            self.report.warnings.push(Warning::new(
                WarningCode::RowsAfterBlank,
                format!(
                    "A blank row ends the data: {count} non-empty row{} after it {} not imported. Remove the blank row to import {}.",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "was" } else { "were" },
                    if count == 1 { "it" } else { "them" },
                ),
            ));
        }
        self.finish()
    }

    /// How this engine checks one row; the same on every thread.
    fn checker(&self) -> impl Fn(&mut CheckState, RawRow) -> CheckedRow + Copy + Send + 'a {
        let importer = self.importer;
        let rules = row::Rules {
            schema: &importer.schema,
            map: self.map,
            header: self.header,
            context: &importer.context,
            empty_fields: importer.policy.clears_empty(),
            refuse_formulas: importer.refuse_formulas,
            date_orders: self.date_orders,
        };
        move |state: &mut CheckState, raw: RawRow| row::check(&rules, state, raw)
    }

    /// Starts checking a batch's rows, spread over the cores: each row's
    /// check is independent of the others. Small batches (or one core) are
    /// checked here and now.
    fn start_check<'scope>(
        &mut self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        crew: &mut Crew,
        raws: Vec<RawRow>,
        bytes: u64,
    ) -> Checking
    where
        'a: 'scope,
    {
        // No row is being checked now: the columns' date orders may change.
        let settled = self
            .date_orders
            .settle(&raws, self.importer.schema.fields(), self.header);
        self.report.warnings.extend(settled);
        let check = self.checker();
        let first_row = raws.first().map_or(0, |r| r.row);
        let first_line = raws.first().map_or(0, |r| r.line);
        let work = if crew.size == 0 || raws.len() < (crew.size + 1) * MIN_ROWS_PER_WORKER {
            let state = &mut self.checking;
            Work::Done(raws.into_iter().map(|raw| check(state, raw)).collect())
        } else {
            let mut raws = raws.into_iter();
            let mut chunks = Vec::new();
            loop {
                let chunk: Vec<Slot> = raws.by_ref().take(CHUNK_ROWS).map(Slot::Raw).collect();
                if chunk.is_empty() {
                    break;
                }
                chunks.push(Mutex::new(chunk));
            }
            let shared = Arc::new(Chunks {
                chunks,
                next: AtomicUsize::new(0),
            });
            crew.share(scope, check, &shared);
            Work::Running(shared)
        };
        Checking {
            first_row,
            first_line,
            bytes,
            work,
        }
    }

    /// Finishes a batch's checks, helping the crew with what is left: its
    /// rows in file order, and how many bytes had been read when the batch
    /// was complete.
    fn collect(&mut self, checking: Checking) -> (Vec<CheckedRow>, u64) {
        let check = self.checker();
        let checked: Vec<CheckedRow> = match checking.work {
            Work::Done(checked) => checked,
            Work::Running(shared) => {
                shared.check(check, &mut self.checking);
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
                            Slot::Raw(raw) => checked.push(check(&mut self.checking, raw)),
                            Slot::Taken => panic!("a row was left half checked"),
                        }
                    }
                }
                checked
            }
        };
        for row in &checked {
            self.note(row);
        }
        (checked, checking.bytes)
    }

    /// Reads, checks and processes the batches. Batch N+1 is read and its
    /// rows checked on other threads while this thread matches and writes
    /// batch N: only matching and writing must happen in file order.
    fn run_batches<'scope, I>(
        &mut self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        source: &mut Source<I>,
    ) -> Result<(), Error>
    where
        I: Iterator<Item = Result<RawRow, Error>>,
        'a: 'scope,
    {
        let mut checking: Option<Checking> = None;
        let threads = self.importer.checking_threads.unwrap_or_else(workers);
        let mut crew = Crew::new(threads.min(MAX_CHECKING_THREADS));
        loop {
            let batch = self.read_batch(source);
            let done = checking.take().map(|c| self.collect(c));
            if !batch.is_empty() {
                checking = Some(self.start_check(scope, &mut crew, batch, source.bytes_read()));
            }
            let Some((checked, bytes)) = done else {
                if checking.is_some() {
                    continue;
                }
                return Ok(());
            };
            self.process(checked)?;
            let reason = self.checkpoint(bytes);
            // After the last batch nothing is left to cancel; the app still
            // hears the end.
            if let (Some(reason), Some(next)) = (reason, &checking) {
                let at = Position::line_at(next.first_line).with_row(next.first_row);
                self.report.stopped = Some(reason.stopped(Some(at), next.rest()));
                // The rows read ahead were not imported: that is the stop,
                // whatever came after them.
                source.error = None;
                return Ok(());
            }
        }
    }

    /// The next batch of customer rows, empty at the end of the data. A read
    /// error ends the data and is kept for the report.
    fn read_batch<I>(&self, source: &mut Source<I>) -> Vec<RawRow>
    where
        I: Iterator<Item = Result<RawRow, Error>>,
    {
        let importer = self.importer;
        let mut batch = Vec::with_capacity(importer.batch_size);
        while batch.len() < importer.batch_size && source.error.is_none() {
            let raw = match source.rows.next() {
                None => break,
                Some(Ok(raw)) => raw,
                Some(Err(e)) => {
                    source.error = Some(e);
                    break;
                }
            };
            if let Some(count) = source.after_blank.as_mut() {
                if !raw.is_blank() {
                    *count += 1;
                }
                continue;
            }
            if raw.is_blank() {
                // Blank rows before the first customer row end nothing.
                if importer.blank_rows == BlankRows::EndData && source.data_started {
                    source.after_blank = Some(0);
                }
                continue;
            }
            source.data_started = true;
            batch.push(raw);
        }
        batch
    }

    /// After a batch: tells the app how far the import has got, and whether
    /// it must stop (cancelled, or the store failed and the importer stops
    /// on store failures).
    fn checkpoint(&mut self, bytes: u64) -> Option<Halt> {
        let store_failed = self.store_failure.take();
        if let Some(progress) = &self.importer.progress {
            let done = Progress::new(self.report.rows, bytes, self.importer.input_len);
            if (progress.0)(&done).is_break() {
                return Some(Halt::Cancelled);
            }
        }
        match store_failed {
            Some(e) if self.importer.stop_on_store_failure => Some(Halt::StoreFailed(e)),
            _ => None,
        }
    }

    /// Warns about what a row's values need the person to know; after
    /// [`MAX_NOTES`], only counts.
    fn note(&mut self, checked: &CheckedRow) {
        for (code, note) in &checked.notes {
            self.notes += 1;
            if self.notes <= MAX_NOTES {
                self.report.warnings.push(Warning::new(
                    *code,
                    format!("Row {}: {note}", checked.raw.row),
                ));
            }
        }
    }

    fn finish(mut self) -> Result<Report, Error> {
        if self.notes > MAX_NOTES {
            self.report.warnings.push(Warning::new(
                WarningCode::Unrecognized,
                format!(
                    "{} more values were kept as written although not recognised or written like a formula or a shortened number.",
                    self.notes - MAX_NOTES
                ),
            ));
        }
        self.report.failures.sort_by_key(|f| f.row);
        if self.report.failures_not_listed > 0 {
            self.report.warnings.push(Warning::new(
                WarningCode::TooManyFailures,
                format!(
                    "{} more rows failed than are listed here: fix the rows listed, upload the file again, and the next report lists the rest.",
                    self.report.failures_not_listed
                ),
            ));
        }
        if self.in_transaction {
            let incomplete = self.report.failed > 0 || self.report.stopped.is_some();
            let outcome = if incomplete {
                self.store.rollback()
            } else {
                self.store.commit()
            };
            if let Err(e) = outcome {
                let _ = self.store.rollback();
                let message = format!(
                    "The customer database could not finish the import, so nothing was written. {}",
                    e.retry_hint()
                );
                return Err(Error::new(crate::ErrorKind::StoreFailed, message).with_source(e));
            }
            if incomplete {
                self.report.rolled_back = true;
            }
        }
        Ok(self.report)
    }

    /// The match keys of a record, from the schema's identifier fields.
    fn keys(&self, record: &Record) -> Keys {
        let mut keys: Keys = self
            .identifiers
            .iter()
            .filter_map(|f| match record.get(f) {
                Some(Value::Email(v)) => Some(MatchKey::Email(v.clone())),
                Some(Value::Phone(v)) => Some(MatchKey::Phone(v.clone())),
                _ => None,
            })
            .collect();
        keys.dedup();
        keys
    }

    fn fail(&mut self, raw: &RawRow, problems: Vec<Problem>) {
        self.report.failed += 1;
        if self.report.failures.len() as u64 >= self.importer.read.limits.listed_failures() {
            self.report.failures_not_listed += 1;
            return;
        }
        let (cells, removed) = self.failed_cells(raw);
        let note = removed.then(|| {
            "The password was removed from this file to keep it safe: enter it again.".to_string()
        });
        self.report
            .failures
            .push(RowFailure::new(raw.row, raw.line, problems, note, cells));
    }

    /// Fails a row because the store failed it: the person reads
    /// `message`, the app gets the store's error from the failure.
    fn fail_in_store(&mut self, raw: &RawRow, message: String, error: &StoreError) {
        let listed = self.report.failures.len();
        self.fail(raw, vec![Problem::new(ProblemCode::StoreFailed, message)]);
        if self.report.failures.len() > listed {
            if let Some(failure) = self.report.failures.pop() {
                let failure = failure.with_store_error(error.clone());
                self.report.failures.push(failure);
            }
        }
    }

    /// A failed row's cells for the failed-rows file, secrets blanked; and
    /// whether a secret was removed.
    fn failed_cells(&self, raw: &RawRow) -> (Cells, bool) {
        let fields = self.importer.schema.fields();
        let secret = |col: usize| {
            self.map
                .field_of(col)
                .and_then(|f| fields.get(f))
                .is_some_and(|f| f.is_secret())
        };
        let removed = raw
            .cells()
            .enumerate()
            .any(|(col, cell)| secret(col) && !cell.trim().is_empty());
        if !removed {
            return (raw.cells.clone(), false);
        }
        let cells = raw
            .cells()
            .enumerate()
            .map(|(col, cell)| if secret(col) { "" } else { cell })
            .collect();
        (cells, true)
    }

    /// Hashes the passwords of the batch's valid rows, on every core, into
    /// their records. A row whose password cannot be hashed fails.
    fn hash_passwords(&self, batch: &mut [CheckedRow]) {
        let plains: Vec<&Plain> = batch
            .iter()
            .filter(|c| c.outcome.is_ok())
            .flat_map(|c| c.secrets.iter().map(|(_, p)| p))
            .collect();
        if plains.is_empty() {
            return;
        }
        let mut hashes = password::hash_all(&*self.importer.hasher, &plains).into_iter();
        for checked in batch.iter_mut() {
            let Ok(record) = &mut checked.outcome else {
                continue;
            };
            let mut problems = Vec::new();
            for (field, _) in &checked.secrets {
                let hashed = hashes
                    .next()
                    .unwrap_or_else(|| Err("the hasher gave no result".to_string()));
                match hashed {
                    Ok(hash) => {
                        record.insert(field.clone(), Value::PasswordHash(hash.into()));
                    }
                    // The hasher's own text is the app's, not the person's
                    // (like a store's): it is not shown.
                    Err(_) => {
                        problems.push(Problem::new(
                            ProblemCode::StoreFailed,
                            "The password could not be saved: the password could not be hashed. Upload this row again later; if it fails again, contact support.",
                        ));
                    }
                }
            }
            if !problems.is_empty() {
                checked.outcome = Err(problems);
            }
        }
    }

    fn process(&mut self, mut batch: Vec<CheckedRow>) -> Result<(), Error> {
        self.report.rows += batch.len() as u64;
        self.hash_passwords(&mut batch);
        // Each valid row's keys and record, taken out of the batch once:
        // the rows' decisions move them on instead of copying them.
        // A failed row's problems are taken out too: moved to the report,
        // not copied (and not freed here, on another thread than the one
        // that made them).
        let mut rows: Vec<Result<(Record, Keys), Vec<Problem>>> = batch
            .iter_mut()
            .map(|checked| match &mut checked.outcome {
                Ok(record) => {
                    let record = std::mem::take(record);
                    let keys = self.keys(&record);
                    Ok((record, keys))
                }
                Err(problems) => Err(std::mem::take(problems)),
            })
            .collect();
        self.look_up(&rows)?;

        let mut work = BatchWork::default();
        let mut lookup_failed = Vec::new();

        for (i, (checked, row)) in batch.iter().zip(rows.iter_mut()).enumerate() {
            // A row that failed its checks fails with every problem it has.
            let (record, keys) = match std::mem::replace(row, Err(Vec::new())) {
                Ok(valid) => valid,
                Err(problems) => {
                    self.fail(&checked.raw, problems);
                    continue;
                }
            };
            if keys
                .iter()
                .any(|k| matches!(self.known.owner(k), Owner::Unknown))
            {
                // The store's lookup failed for this batch.
                lookup_failed.push(i);
                continue;
            }
            let values = self.importer.preview.then(|| record.clone());
            let (mut target, action, new_record) = match self.decide(checked, record, keys) {
                Ok(decision) => decision,
                Err(problem) => {
                    self.fail(&checked.raw, vec![problem]);
                    continue;
                }
            };
            if action != Action::Unchanged && !self.importer.dry_run {
                let earlier = work.pending_of.get(&target).copied();
                if earlier.is_some_and(|p| p + 1 != work.pending.len()) {
                    // Other writes came after this customer's: folding this
                    // change into its earlier write would reorder them (a
                    // phone freed by a later write would be taken too
                    // early). Write in file order instead.
                    work.pending_of.remove(&target);
                    if let Target::New(_) = target {
                        // An update needs the new customer's id: write what
                        // came before it first.
                        let ids = self.settle(&batch, &mut work)?;
                        self.known.rename(&ids);
                        match ids.get(&target) {
                            Some(&id) => target = Target::Stored(id),
                            None => {
                                self.fail(
                                    &checked.raw,
                                    vec![Problem::new(
                                        ProblemCode::StoreFailed,
                                        "The customer could not be saved because the earlier row that creates it failed.",
                                    )],
                                );
                                continue;
                            }
                        }
                    }
                }
            }
            work.add(
                i,
                Decided {
                    row: checked.raw.row,
                    action,
                    values,
                    city_filled: checked.city_filled,
                    corrected: checked.corrections.len(),
                    corrections: if self.importer.preview {
                        checked.corrections.clone()
                    } else {
                        Vec::new()
                    },
                },
                target,
                new_record,
            );
        }
        for i in lookup_failed {
            if let Some(checked) = batch.get(i) {
                let error = self
                    .lookup_error
                    .clone()
                    .unwrap_or_else(|| StoreError::new("the lookup failed").temporary());
                self.fail_in_store(&checked.raw, error.not_looked_up(), &error);
            }
        }
        self.lookup_error = None;
        self.settle(&batch, &mut work)?;
        self.known.end_batch();
        if let Some(e) = self.known.take_failure() {
            return Err(Error::new(
                crate::ErrorKind::StoreFailed,
                "The dry run could not read back its temporary file; try again.",
            )
            .with_source(e));
        }
        Ok(())
    }

    /// Writes the pending writes and counts their rows; returns the ids of
    /// the customers created. Leaves `work` empty.
    fn settle(
        &mut self,
        batch: &[CheckedRow],
        work: &mut BatchWork,
    ) -> Result<HashMap<Target, CustomerId>, Error> {
        let pending = std::mem::take(&mut work.pending);
        let decided = std::mem::take(&mut work.decided);
        work.pending_of.clear();
        let mut pending = pending;
        let results = self.write(&mut pending)?;
        let mut failed_rows: HashMap<usize, StoreError> = HashMap::new();
        let mut created = HashMap::new();
        for (write, result) in pending.iter().zip(results) {
            match result {
                Ok(Some(id)) => {
                    if let Target::New(_) = write.target {
                        created.insert(write.target, id);
                    }
                }
                Ok(None) => {}
                Err(error) => {
                    for &d in &write.rows {
                        failed_rows.insert(d, error.clone());
                    }
                    if let Target::New(_) = write.target {
                        // Never created: later rows must not update it.
                        self.known.forget(write.target);
                    }
                }
            }
        }
        for (index, (i, d)) in decided.into_iter().enumerate() {
            if let Some(error) = failed_rows.get(&index) {
                if let Some(checked) = batch.get(i) {
                    self.known.forget_row(checked.raw.row);
                    self.fail_in_store(&checked.raw, error.not_saved(), error);
                }
                continue;
            }
            match d.action {
                Action::Insert => self.report.inserted += 1,
                Action::Update => self.report.updated += 1,
                Action::Unchanged => self.report.unchanged += 1,
            }
            if d.city_filled {
                self.report.cities_filled += 1;
            }
            self.report.corrected += d.corrected as u64;
            if let (Some(changes), Some(values)) = (self.report.changes.as_mut(), &d.values) {
                let values: BTreeMap<String, String> = values
                    .iter()
                    .filter(|(_, v)| !matches!(v, Value::PasswordHash(_)))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                changes.push(Change {
                    row: d.row,
                    action: d.action,
                    values,
                    corrections: d.corrections,
                });
            }
        }
        Ok(created)
    }

    /// Asks the store about every key of the batch the engine does not know.
    fn look_up(&mut self, rows: &[Result<(Record, Keys), Vec<Problem>>]) -> Result<(), Error> {
        let mut wanted = Vec::new();
        let mut seen = HashSet::new();
        for (_, keys) in rows.iter().flatten() {
            for key in keys {
                let unknown = matches!(self.known.owner(key), Owner::Unknown);
                if unknown && seen.insert(key) {
                    wanted.push(key.clone());
                }
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        match self.store.lookup(&wanted) {
            Ok(found) if found.len() == wanted.len() => {
                for (key, customer) in wanted.into_iter().zip(found) {
                    self.known.looked_up(key, customer);
                }
                Ok(())
            }
            Ok(found) => self.store_trouble(StoreError::new(format!(
                "the store answered {} lookups for {} keys",
                found.len(),
                wanted.len()
            ))),
            Err(e) => self.store_trouble(e),
        }
    }

    /// A store failure that affects a whole batch: in an all-or-nothing
    /// import it ends the import; otherwise the batch's rows fail.
    fn store_trouble(&mut self, error: StoreError) -> Result<(), Error> {
        if self.in_transaction {
            let _ = self.store.rollback();
            self.in_transaction = false;
            let message = format!(
                "The customer database failed, so nothing was written. {}",
                error.retry_hint()
            );
            return Err(Error::new(crate::ErrorKind::StoreFailed, message).with_source(error));
        }
        self.lookup_error = Some(error.clone());
        self.store_failure = Some(error);
        Ok(())
    }

    /// Decides one row: which customer, what action, the customer's values
    /// afterwards. Updates the engine's knowledge as if it were written.
    fn decide(
        &mut self,
        checked: &CheckedRow,
        record: Record,
        keys: Keys,
    ) -> Result<(Target, Action, Record), Problem> {
        let policy = self.importer.policy;
        let mut matched: Vec<(Target, &MatchKey)> = Vec::new();
        for key in &keys {
            if let Owner::Of(target) = self.known.owner(key) {
                if !matched.iter().any(|(t, _)| *t == target) {
                    matched.push((target, key));
                }
            }
        }
        // The keys of several customers, only when there are several (most
        // rows match one or none: no allocation for them).
        let several: Vec<&str> = if matched.len() > 1 {
            matched.iter().map(|(_, k)| k.value()).collect()
        } else {
            Vec::new()
        };
        let found = match matched.len() {
            0 => Found::Nobody,
            1 => Found::One,
            _ => Found::Several(&several),
        };
        let matched = matched.first().map(|(t, _)| *t);
        let row = checked.raw.row;
        // Only insert-only imports remember the first row of each key.
        let repeat = (policy.mode() == Mode::InsertOnly)
            .then(|| {
                keys.iter()
                    .find_map(|k| self.known.first_row(k).map(|r| (r, k.value())))
            })
            .flatten();
        if let Some(problem) = policy.refusal(found, repeat) {
            return Err(problem);
        }

        let (target, action, new_record, keys) = match matched {
            None => {
                let target = self.known.new_target(row);
                (target, Action::Insert, record, keys)
            }
            Some(target) => {
                let existing = self.known.record(target);
                let fields = self.importer.schema.fields();
                let empty: Vec<&str> = checked
                    .empty
                    .iter()
                    .filter_map(|&f| fields.get(f).map(|f| f.id()))
                    .collect();
                // A password that is the one already stored keeps its hash
                // (a new salt would make every re-import an update).
                let mut record = record;
                for (field, plain) in &checked.secrets {
                    if let Some(Value::PasswordHash(old)) = existing.get(field) {
                        if self.importer.hasher.verify(&plain.0, old) {
                            record.insert(field.clone(), Value::PasswordHash(old.clone()));
                        }
                    }
                }
                let merged = match policy.update(&existing, &record, &empty) {
                    Update::Unchanged(merged) => return Ok((target, Action::Unchanged, merged)),
                    Update::Changed(merged) => merged,
                };
                for old in self.keys(&existing) {
                    self.known.free(old);
                }
                let keys = self.keys(&merged);
                (target, Action::Update, merged, keys)
            }
        };
        // Only insert-only imports name the first row of a repeat; the
        // index costs memory for every key of the file.
        let remember_rows = policy.mode() == Mode::InsertOnly;
        for key in keys {
            if remember_rows {
                self.known.remember_first_row(&key, row);
            }
            self.known.claim(key, target);
        }
        self.known.set_record(target, &new_record);
        Ok((target, action, new_record))
    }

    /// Sends the pending writes; one result per write: the customer's id,
    /// or the store's error. Nothing is sent in a dry run (`Ok(None)`).
    fn write(
        &mut self,
        pending: &mut [PendingWrite],
    ) -> Result<Vec<Result<Option<CustomerId>, StoreError>>, Error> {
        if self.importer.dry_run || pending.is_empty() {
            return Ok(pending.iter().map(|_| Ok(None)).collect());
        }
        // The records go to the store; the engine keeps its own copies.
        let writes: Vec<Write> = pending
            .iter_mut()
            .map(|p| match p.target {
                Target::Stored(id) => Write::Update {
                    id,
                    record: std::mem::take(&mut p.record),
                },
                Target::New(_) => Write::Insert(std::mem::take(&mut p.record)),
            })
            .collect();
        let sent = writes.len();
        let error = match self.store.apply(writes) {
            Ok(results) if results.len() == sent => {
                return Ok(results.into_iter().map(|r| r.map(Some)).collect());
            }
            Ok(results) => StoreError::new(format!(
                "the store answered {} results for {sent} writes",
                results.len(),
            )),
            Err(e) => e,
        };
        self.store_trouble(error.clone())?;
        Ok(pending.iter().map(|_| Err(error.clone())).collect())
    }
}
