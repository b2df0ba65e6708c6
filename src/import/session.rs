//! The import as a state machine that does no I/O: handed rows, it
//! answers with what it needs next (a lookup, writes to apply, a
//! transaction to begin or end) or the finished report. The drivers
//! ([`Importer::import`] and the others) read the upload and call the
//! store; this module decides everything else.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::batch::{CallWork, Decided, PendingWrite};
use super::checker::Checker;
use super::crew::{
    workers, Chunks, Crew, Slot, CHUNK_ROWS, MAX_CHECKING_THREADS, MIN_ROWS_PER_WORKER,
};
use super::decide::{self, Decision, Keys};
use super::input::{Gathered, Input};
use super::known::{Known, Owner, Target};
use super::row::{CheckState, CheckedRow};
use super::tally::Tally;
use super::{Importer, Progress};
use crate::error::{Error, ErrorKind, Position};
use crate::policy::Mode;
use crate::read::{Cells, RawRow};
use crate::record::Record;
use crate::report::{
    Action, Problem, ProblemCode, Report, StopReason, Stopped, Warning, WarningCode,
};
use crate::store::{Customer, CustomerId, MatchKey, StoreError, Write};

/// How many times the rows whose writes were refused for a key taken
/// meanwhile (by another import, say) are looked up and decided again
/// before they fail.
const CONFLICT_ROUNDS: u32 = 3;

/// What an [`ImportSession`] needs next. Answer it with the method its
/// variant names, then call [`ImportSession::step`] again.
///
/// ```
/// use intake::{presets, Cells, Importer, MemoryStore, Step, Store};
///
/// let header = vec!["email".to_string()];
/// let mut rows = vec![Cells::from_iter(["ann@example.com"])].into_iter();
/// let mut store = MemoryStore::new();
/// let mut session = Importer::new(presets::contacts()).session(header)?;
/// let report = loop {
///     match session.step() {
///         Step::Input => match rows.next() {
///             Some(cells) => session.push_row(cells),
///             None => session.end_input(None),
///         },
///         Step::Lookup(keys) => {
///             let found = store.lookup(keys);
///             session.looked_up(found);
///         }
///         Step::Apply(writes) => {
///             let results = store.apply(writes);
///             session.applied(results);
///         }
///         Step::Begin => session.began(store.begin()),
///         Step::Commit => session.ended(store.commit()),
///         Step::Rollback => session.ended(store.rollback()),
///         Step::Done(report) => break report?,
///         _ => unreachable!("a step added in a later version"),
///     }
/// };
/// assert_eq!(report.inserted, 1);
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
// `Done` is returned once an import: boxing the report would cost every
// app an indirection for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Step<'s> {
    /// The next data row: [`push_row`](ImportSession::push_row), or
    /// [`end_input`](ImportSession::end_input) when there are no more.
    Input,
    /// Start the all-or-nothing import's transaction
    /// ([`Store::begin`](crate::Store::begin)), then
    /// [`began`](ImportSession::began).
    Begin,
    /// Find the customer of each key, as
    /// [`Store::lookup`](crate::Store::lookup) does, then
    /// [`looked_up`](ImportSession::looked_up).
    Lookup(&'s [MatchKey]),
    /// Write these, as [`Store::apply`](crate::Store::apply) does, then
    /// [`applied`](ImportSession::applied). Each customer appears at
    /// most once and no write depends on another: they may be run as
    /// one set, in any order.
    Apply(Vec<Write>),
    /// Make the transaction permanent
    /// ([`Store::commit`](crate::Store::commit)), then
    /// [`ended`](ImportSession::ended).
    Commit,
    /// Undo the transaction ([`Store::rollback`](crate::Store::rollback)),
    /// then [`ended`](ImportSession::ended).
    Rollback,
    /// The import is over: its report, or the file-level failure (then
    /// nothing was written).
    Done(Result<Report, Error>),
}

/// An import in progress, driven by its caller: the I/O-free core under
/// [`Importer::import`], for apps that read the upload or call their
/// store themselves (asynchronously, say). Made by
/// [`Importer::session`]; see [`Step`] for the loop that drives it.
///
/// Rows are checked on the import's own threads while the caller reads
/// and writes; the results equal [`Importer::import`]'s for the same
/// rows and store answers: one lookup and one apply per batch in the
/// common case.
pub struct ImportSession {
    checker: Arc<Checker>,
    crew: Crew,
    /// What this thread keeps for checking rows.
    state: CheckState,
    tally: Tally,
    /// Whose each key is and the customers' values, as this import has
    /// changed them: overrides the store, which has not seen the pending
    /// writes (or, in a dry run, any).
    known: Known,
    /// The ids of the schema's identifier fields.
    identifiers: Vec<String>,
    input: Input,
    /// The batch being checked, decided next.
    checking: Option<Checking>,
    /// The batch being decided and written.
    batch: Option<Batch>,
    phase: Phase,
    in_transaction: bool,
    /// The keys of the lookup asked for.
    asked: Vec<MatchKey>,
    /// The writes of the apply asked for.
    sent: Vec<PendingWrite>,
    /// The rows those writes answer for.
    sent_rows: Vec<(usize, Decided)>,
    /// The customers the last apply created, by the engine's name for
    /// them.
    created: HashMap<Target, CustomerId>,
    /// The caller's answer, not yet taken in.
    answer: Option<Answer>,
    /// The store's error when it failed a whole lookup or write during the
    /// current batch.
    store_failure: Option<StoreError>,
    /// The store's error when the current batch's lookup failed.
    lookup_error: Option<StoreError>,
    /// The error the import ends with, once the transaction is undone.
    failing: Option<Error>,
    /// Bytes read when the batch just written was complete.
    checkpoint_bytes: u64,
}

impl std::fmt::Debug for ImportSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportSession")
            .field("rows", &self.tally.report.rows)
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
enum Phase {
    /// Counting the rows against the row limit, holding them.
    Counting,
    Begin,
    AwaitBegin,
    /// Gathering the next batch.
    Reading,
    /// Asking the store about the batch's unknown keys.
    Lookup,
    AwaitLookup,
    /// Deciding the batch's rows.
    Decide,
    AwaitApply,
    /// The batch is written: progress, and perhaps a stop.
    Checkpoint,
    Finish,
    AwaitEnd {
        rolled_back: bool,
    },
    /// Undoing the transaction after a failure that ends the import.
    Failing,
    /// Ending with the failure.
    Failed,
    Done,
}

enum Answer {
    Began(Result<(), StoreError>),
    LookedUp(Result<Vec<Option<Customer>>, StoreError>),
    Applied(Result<Vec<Result<CustomerId, StoreError>>, StoreError>),
    Ended(Result<(), StoreError>),
}

/// A batch being checked.
struct Checking {
    first_row: u64,
    first_line: u64,
    /// Bytes read when the batch was complete, for its progress report.
    bytes: u64,
    work: Work,
}

enum Work {
    /// Checked on this thread.
    Done(Vec<CheckedRow>),
    /// Being checked by the crew and, once it is free, this thread.
    Running(Arc<Chunks>),
}

/// A valid row's record and keys until the row is settled (kept for a
/// retry after a conflict), or its problems until reported.
enum Pending {
    Valid(Record, Keys),
    Invalid(Vec<Problem>),
    Settled,
}

/// The batch being decided and written.
struct Batch {
    checked: Vec<CheckedRow>,
    rows: Vec<Pending>,
    /// Indexes of the rows to decide this round, in file order.
    queue: Vec<usize>,
    next: usize,
    call: CallWork,
    /// A decided row whose write waits for the next call.
    held: Option<(usize, Decided, Decision)>,
    /// Rows whose write was refused for a key taken meanwhile: decided
    /// again next round.
    retry: Vec<usize>,
    /// New customers whose creation is decided again next round.
    retried: HashSet<Target>,
    round: u32,
    lookup_failed: Vec<usize>,
    bytes: u64,
}

impl ImportSession {
    pub(super) fn new(importer: &Importer, header: Vec<String>) -> Result<ImportSession, Error> {
        if let Some(code) = importer.context.country() {
            if importer.context.phone_region.is_none() {
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!("'{code}' is not an ISO 3166-1 alpha-2 country code"),
                ));
            }
        }
        let map = importer
            .schema
            .map_header_with(&header, &importer.columns)?;
        let checker = Arc::new(Checker::new(importer.clone(), header, map));
        let identifiers: Vec<String> = importer
            .schema
            .fields()
            .iter()
            .filter(|f| f.is_identifier())
            .map(|f| f.id().to_string())
            .collect();
        let known = if importer.dry_run {
            Known::whole_file(
                identifiers.clone(),
                importer.policy.mode() == Mode::InsertOnly,
            )
        } else {
            Known::per_batch()
        };
        let threads = importer.checking_threads.unwrap_or_else(workers);
        let mut session = ImportSession {
            crew: Crew::new(threads.min(MAX_CHECKING_THREADS), Arc::clone(&checker)),
            tally: Tally::new(&checker),
            checker,
            state: CheckState::default(),
            known,
            identifiers,
            input: Input::new(importer.batch_size, importer.blank_rows, importer.max_rows),
            checking: None,
            batch: None,
            phase: Phase::Counting,
            in_transaction: false,
            asked: Vec::new(),
            sent: Vec::new(),
            sent_rows: Vec::new(),
            created: HashMap::new(),
            answer: None,
            store_failure: None,
            lookup_error: None,
            failing: None,
            checkpoint_bytes: 0,
        };
        if !session.input.counting() {
            session.phase = session.after_counting();
        }
        Ok(session)
    }

    fn importer(&self) -> &Importer {
        &self.checker.importer
    }

    /// Hands the next data row (after [`Step::Input`]), numbered after the
    /// one before: the first is row 2, as in a spreadsheet.
    ///
    /// ```
    /// use intake::{presets, Cells, Importer, Step};
    ///
    /// let mut session = Importer::new(presets::contacts()).session(vec!["email".into()])?;
    /// assert!(matches!(session.step(), Step::Input));
    /// session.push_row(Cells::from_iter(["ann@example.com"]));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn push_row(&mut self, cells: Cells) {
        let n = self.input.next_row;
        self.push_raw(RawRow {
            cells,
            row: n,
            line: n,
        });
    }

    /// Hands a row read from a file: its row number and the physical line
    /// it starts on.
    pub(crate) fn push_raw(&mut self, raw: RawRow) {
        let counted = self.input.push(raw);
        self.after_input(counted);
    }

    /// Says that there are no more rows (after [`Step::Input`]); `error`,
    /// when reading the upload failed, ends the data there and is reported
    /// as the import's stop.
    pub fn end_input(&mut self, error: Option<Error>) {
        let counted = self.input.end(error);
        self.after_input(counted);
    }

    /// Leaves the counting once the row limit's count is final.
    fn after_input(&mut self, counted: Result<(), Error>) {
        if !matches!(self.phase, Phase::Counting) {
            return;
        }
        if let Err(e) = counted {
            self.fail_with(e);
        } else if !self.input.counting() {
            self.phase = self.after_counting();
        }
    }

    /// Where an import starts once its rows may be checked.
    fn after_counting(&self) -> Phase {
        let importer = self.importer();
        if importer.atomic && !importer.dry_run {
            Phase::Begin
        } else {
            Phase::Reading
        }
    }

    /// How many bytes of the upload have been read, for
    /// [`Progress::bytes`].
    pub fn bytes_read(&mut self, bytes: u64) {
        self.input.bytes = bytes;
    }

    /// The store's answer to [`Step::Begin`].
    pub fn began(&mut self, result: Result<(), StoreError>) {
        self.answer = Some(Answer::Began(result));
    }

    /// The store's answer to [`Step::Lookup`]: one entry per key, in order.
    pub fn looked_up(&mut self, result: Result<Vec<Option<Customer>>, StoreError>) {
        self.answer = Some(Answer::LookedUp(result));
    }

    /// The store's answer to [`Step::Apply`]: one result per write, in
    /// order.
    pub fn applied(&mut self, result: Result<Vec<Result<CustomerId, StoreError>>, StoreError>) {
        self.answer = Some(Answer::Applied(result));
    }

    /// The store's answer to [`Step::Commit`] or [`Step::Rollback`].
    pub fn ended(&mut self, result: Result<(), StoreError>) {
        self.answer = Some(Answer::Ended(result));
    }

    /// Does all it can with what it has been handed, and says what it
    /// needs next. After [`Step::Done`], every call says `Done` with an
    /// `invalid_config` error.
    pub fn step(&mut self) -> Step<'_> {
        loop {
            match std::mem::replace(&mut self.phase, Phase::Done) {
                Phase::Counting => {
                    self.phase = Phase::Counting;
                    return Step::Input;
                }
                Phase::Begin => {
                    self.phase = Phase::AwaitBegin;
                    return Step::Begin;
                }
                Phase::AwaitBegin => match self.answer.take() {
                    Some(Answer::Began(Ok(()))) => {
                        self.in_transaction = true;
                        self.phase = Phase::Reading;
                    }
                    Some(Answer::Began(Err(e))) => {
                        let message = format!(
                            "The customer database could not start an all-or-nothing import, so nothing was written. {}",
                            e.retry_hint()
                        );
                        return Step::Done(Err(
                            Error::new(ErrorKind::StoreFailed, message).with_source(e)
                        ));
                    }
                    other => return self.unanswered(Phase::AwaitBegin, other),
                },
                Phase::Reading => {
                    if let Some(step) = self.read() {
                        return step;
                    }
                }
                Phase::Lookup => {
                    if self.ask_lookup() {
                        self.phase = Phase::AwaitLookup;
                        return Step::Lookup(&self.asked);
                    }
                    self.phase = Phase::Decide;
                }
                Phase::AwaitLookup => match self.answer.take() {
                    Some(Answer::LookedUp(result)) => {
                        self.phase = Phase::Decide;
                        if let Err(e) = self.take_lookup(result) {
                            self.fail_with(e);
                        }
                    }
                    other => return self.unanswered(Phase::AwaitLookup, other),
                },
                Phase::Decide => match self.decide_batch() {
                    Some(writes) => {
                        self.phase = Phase::AwaitApply;
                        return Step::Apply(writes);
                    }
                    None => self.after_decisions(),
                },
                Phase::AwaitApply => match self.answer.take() {
                    Some(Answer::Applied(result)) => {
                        self.phase = Phase::Decide;
                        if let Err(e) = self.take_apply(result) {
                            self.fail_with(e);
                        }
                    }
                    other => return self.unanswered(Phase::AwaitApply, other),
                },
                Phase::Checkpoint => self.checkpoint(),
                Phase::Finish => {
                    if !self.in_transaction {
                        return self.done();
                    }
                    let incomplete =
                        self.tally.report.failed > 0 || self.tally.report.stopped.is_some();
                    self.phase = Phase::AwaitEnd {
                        rolled_back: incomplete,
                    };
                    return if incomplete {
                        Step::Rollback
                    } else {
                        Step::Commit
                    };
                }
                Phase::AwaitEnd { rolled_back } => match self.answer.take() {
                    Some(Answer::Ended(Ok(()))) => {
                        self.in_transaction = false;
                        self.tally.report.rolled_back = rolled_back;
                        return self.done();
                    }
                    Some(Answer::Ended(Err(e))) => {
                        // A commit that failed is undone; its answer is
                        // not waited for: the import has failed either way.
                        self.in_transaction = false;
                        let message = format!(
                            "The customer database could not finish the import, so nothing was written. {}",
                            e.retry_hint()
                        );
                        let error = Error::new(ErrorKind::StoreFailed, message).with_source(e);
                        if rolled_back {
                            return Step::Done(Err(error));
                        }
                        self.failing = Some(error);
                        self.phase = Phase::Failed;
                        return Step::Rollback;
                    }
                    other => return self.unanswered(Phase::AwaitEnd { rolled_back }, other),
                },
                Phase::Failing => {
                    self.phase = Phase::Failed;
                    self.in_transaction = false;
                    return Step::Rollback;
                }
                Phase::Failed => {
                    // Whatever the rollback's answer: the import has failed.
                    self.answer = None;
                    let error = self.failing.take().unwrap_or_else(|| {
                        Error::new(
                            ErrorKind::StoreFailed,
                            "The customer database failed, so nothing was written.",
                        )
                    });
                    return Step::Done(Err(error));
                }
                Phase::Done => {
                    return Step::Done(Err(Error::new(
                        ErrorKind::InvalidConfig,
                        "the import session has already finished",
                    )))
                }
            }
        }
    }
}

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
                let error = Error::new(ErrorKind::StoreFailed, message.clone()).with_source(e);
                let error = match position {
                    Some(at) => error.at(at),
                    None => error,
                };
                Stopped::new(StopReason::StoreFailed, message, position).with_error(error)
            }
        }
    }
}

/// The phases' work.
impl ImportSession {
    /// Ends the import with `error`, undoing its transaction first.
    fn fail_with(&mut self, error: Error) {
        self.failing = Some(error);
        self.phase = if self.in_transaction {
            Phase::Failing
        } else {
            Phase::Failed
        };
    }

    /// The caller asked for the next step without answering this one.
    fn unanswered(&mut self, waiting: Phase, answer: Option<Answer>) -> Step<'_> {
        let asked = match waiting {
            Phase::AwaitBegin => "begin",
            Phase::AwaitLookup => "lookup",
            Phase::AwaitApply => "apply",
            _ => "commit or rollback",
        };
        let given = match answer {
            None => "no answer",
            Some(Answer::Began(_)) => "began",
            Some(Answer::LookedUp(_)) => "looked_up",
            Some(Answer::Applied(_)) => "applied",
            Some(Answer::Ended(_)) => "ended",
        };
        self.fail_with(Error::new(
            ErrorKind::InvalidConfig,
            format!("the import session asked for a {asked} and was given {given}"),
        ));
        self.step()
    }

    /// The finished report.
    fn done(&mut self) -> Step<'_> {
        self.phase = Phase::Done;
        let tally = std::mem::replace(&mut self.tally, Tally::new(&self.checker));
        Step::Done(Ok(tally.finish()))
    }

    /// Gathers the next batch; once it is complete, starts checking it and
    /// moves on to deciding the one checked before it. `Some` when it
    /// needs a row.
    fn read(&mut self) -> Option<Step<'static>> {
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
    fn end_of_data(&mut self) {
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
                format!(
                    "A blank row ends the data: {count} non-empty row{} after it {} not imported. Remove the blank row to import {}.",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "was" } else { "were" },
                    if count == 1 { "it" } else { "them" },
                ),
            ));
        }
        self.phase = Phase::Finish;
    }

    /// Starts checking a batch's rows, spread over the cores: each row's
    /// check is independent of the others. Small batches (or one core) are
    /// checked here and now.
    fn start_check(&mut self, raws: Vec<RawRow>) -> Checking {
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
    fn collect(&mut self, checking: Checking) -> (Vec<CheckedRow>, u64) {
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

    /// Adds the row that waited for the call just written to the next.
    fn add_held(&mut self, batch: &mut Batch, i: usize, decided: Decided, mut decision: Decision) {
        // An update of a customer the call just written created (an
        // insert's customer is new to every call).
        if matches!(decision.target, Target::New(_)) && decision.action != Action::Insert {
            match self.created.get(&decision.target) {
                Some(&id) => decision.target = Target::Stored(id),
                None if batch.retried.contains(&decision.target) => {
                    // Its creation is decided again: so is this row.
                    batch.retry.push(i);
                    return;
                }
                None => {
                    if let Some(checked) = batch.checked.get(i) {
                        settle_row(&mut batch.rows, i);
                        self.tally.fail(
                            &self.checker,
                            &checked.raw,
                            vec![Problem::new(
                                ProblemCode::StoreFailed,
                                "The customer could not be saved because the earlier row that creates it failed.",
                            )],
                        );
                    }
                    return;
                }
            }
        }
        batch.call.add(i, decided, decision);
    }

    /// Takes a checked batch in: each valid row's record and keys, each
    /// failed row's problems, taken out of the rows once (moved on, not
    /// copied; and not freed here, on another thread than the one that
    /// made them).
    fn start_batch(&mut self, mut checked: Vec<CheckedRow>, bytes: u64) {
        self.tally.report.rows += checked.len() as u64;
        let rows = checked
            .iter_mut()
            .map(|c| match &mut c.outcome {
                Ok(record) => {
                    let record = std::mem::take(record);
                    let keys = decide::keys(&self.identifiers, &record);
                    Pending::Valid(record, keys)
                }
                Err(problems) => Pending::Invalid(std::mem::take(problems)),
            })
            .collect::<Vec<_>>();
        self.batch = Some(Batch {
            queue: (0..checked.len()).collect(),
            checked,
            rows,
            next: 0,
            call: CallWork::default(),
            held: None,
            retry: Vec::new(),
            retried: HashSet::new(),
            round: 0,
            lookup_failed: Vec::new(),
            bytes,
        });
    }

    /// Gathers the keys of this round's rows the import does not know;
    /// `true` when there are some to ask the store about.
    fn ask_lookup(&mut self) -> bool {
        let Some(batch) = self.batch.as_ref() else {
            return false;
        };
        self.asked.clear();
        let mut seen = HashSet::new();
        for &i in &batch.queue {
            let Some(Pending::Valid(_, keys)) = batch.rows.get(i) else {
                continue;
            };
            for key in keys {
                let unknown = matches!(self.known.owner(key), Owner::Unknown);
                if unknown && seen.insert(key) {
                    self.asked.push(key.clone());
                }
            }
        }
        !self.asked.is_empty()
    }

    /// Takes the store's answer to the lookup in.
    fn take_lookup(
        &mut self,
        result: Result<Vec<Option<Customer>>, StoreError>,
    ) -> Result<(), Error> {
        let asked = std::mem::take(&mut self.asked);
        match result {
            Ok(found) if found.len() == asked.len() => {
                for (key, customer) in asked.into_iter().zip(found) {
                    self.known.looked_up(key, customer);
                }
                Ok(())
            }
            Ok(found) => self.store_trouble(StoreError::new(format!(
                "the store answered {} lookups for {} keys",
                found.len(),
                asked.len()
            ))),
            Err(e) => self.store_trouble(e),
        }
    }

    /// A store failure that affects a whole batch: in an all-or-nothing
    /// import it ends the import; otherwise the batch's rows fail.
    fn store_trouble(&mut self, error: StoreError) -> Result<(), Error> {
        if self.in_transaction {
            let message = format!(
                "The customer database failed, so nothing was written. {}",
                error.retry_hint()
            );
            return Err(Error::new(ErrorKind::StoreFailed, message).with_source(error));
        }
        self.lookup_error = Some(error.clone());
        self.store_failure = Some(error);
        Ok(())
    }

    /// Decides the round's rows in file order until a call's writes are
    /// ready: `Some(writes)` to apply (then deciding goes on), `None` when
    /// every row of the round is decided and written.
    fn decide_batch(&mut self) -> Option<Vec<Write>> {
        let mut batch = self.batch.take()?;
        let writes = self.decide_rows(&mut batch);
        self.batch = Some(batch);
        writes
    }

    fn decide_rows(&mut self, batch: &mut Batch) -> Option<Vec<Write>> {
        if let Some((i, decided, decision)) = batch.held.take() {
            self.add_held(batch, i, decided, decision);
        }
        while let Some(&i) = batch.queue.get(batch.next) {
            batch.next += 1;
            let Some(checked) = batch.checked.get(i) else {
                continue;
            };
            let (record, keys) = match batch.rows.get_mut(i) {
                Some(Pending::Valid(record, keys)) => (record.clone(), keys.clone()),
                Some(pending @ Pending::Invalid(_)) => {
                    // A row that failed its checks fails with every problem
                    // it has.
                    if let Pending::Invalid(problems) = std::mem::replace(pending, Pending::Settled)
                    {
                        self.tally.fail(&self.checker, &checked.raw, problems);
                    }
                    continue;
                }
                _ => continue,
            };
            if keys
                .iter()
                .any(|k| matches!(self.known.owner(k), Owner::Unknown))
            {
                // The store's lookup failed for this batch.
                batch.lookup_failed.push(i);
                continue;
            }
            let importer = &self.checker.importer;
            let decision = match decide::decide(
                importer,
                &self.identifiers,
                &mut self.known,
                checked,
                record,
                keys,
            ) {
                Ok(decision) => decision,
                Err(problem) => {
                    settle_row(&mut batch.rows, i);
                    self.tally.fail(&self.checker, &checked.raw, vec![problem]);
                    continue;
                }
            };
            let preview = importer.preview;
            let decided = Decided {
                row: checked.raw.row,
                action: decision.action,
                values: preview.then(|| match batch.rows.get(i) {
                    Some(Pending::Valid(record, _)) => record.clone(),
                    _ => Record::default(),
                }),
                city_filled: checked.city_filled,
                corrected: checked.corrections.len(),
                corrections: if preview {
                    checked.corrections.clone()
                } else {
                    Vec::new()
                },
            };
            if decision.action != Action::Unchanged
                && !importer.dry_run
                && batch.call.must_wait(&decision)
            {
                batch.held = Some((i, decided, decision));
                return self.send(batch);
            }
            batch.call.add(i, decided, decision);
        }
        if !batch.call.is_empty() && !self.importer().dry_run {
            return self.send(batch);
        }
        None
    }
}

/// Marks a row as settled: counted or failed, its record no longer kept.
fn settle_row(rows: &mut [Pending], i: usize) {
    if let Some(pending) = rows.get_mut(i) {
        *pending = Pending::Settled;
    }
}

/// Sending writes, taking the store's answers in, ending a batch.
impl ImportSession {
    /// The call's writes, to apply; the session keeps what it needs to
    /// take the answer in.
    fn send(&mut self, batch: &mut Batch) -> Option<Vec<Write>> {
        let (mut pending, decided) = batch.call.take();
        // The records go to the store; the session keeps its own copies.
        let writes = pending
            .iter_mut()
            .map(|p| match p.target {
                Target::Stored(id) => Write::Update {
                    id,
                    record: std::mem::take(&mut p.record),
                },
                Target::New(_) => Write::Insert(std::mem::take(&mut p.record)),
            })
            .collect();
        self.sent = pending;
        self.sent_rows = decided;
        Some(writes)
    }

    /// Takes the store's answer to the writes in: each row counted, failed,
    /// or (its key taken meanwhile) kept to be decided again.
    fn take_apply(
        &mut self,
        result: Result<Vec<Result<CustomerId, StoreError>>, StoreError>,
    ) -> Result<(), Error> {
        let sent = std::mem::take(&mut self.sent);
        let decided = std::mem::take(&mut self.sent_rows);
        let results: Vec<Result<CustomerId, StoreError>> = match result {
            Ok(results) if results.len() == sent.len() => results,
            other => {
                let error = match other {
                    Ok(results) => StoreError::new(format!(
                        "the store answered {} results for {} writes",
                        results.len(),
                        sent.len(),
                    )),
                    Err(e) => e,
                };
                self.store_trouble(error.clone())?;
                sent.iter().map(|_| Err(error.clone())).collect()
            }
        };
        let Some(mut batch) = self.batch.take() else {
            debug_assert!(false, "writes answered outside a batch");
            return Ok(());
        };
        self.created.clear();
        // By the index of the decided row: why its write failed, or `None`
        // when it is to be decided again.
        let mut failed: HashMap<usize, Option<StoreError>> = HashMap::new();
        let retry = batch.round < CONFLICT_ROUNDS;
        for (write, result) in sent.iter().zip(results) {
            match result {
                Ok(id) => {
                    if let Target::New(_) = write.target {
                        self.created.insert(write.target, id);
                    }
                }
                Err(error) => {
                    let again = retry && error.is_conflict();
                    for &d in &write.rows {
                        failed.insert(d, (!again).then(|| error.clone()));
                    }
                    if let Target::New(_) = write.target {
                        // Never created: later rows must not update it.
                        self.known.forget(write.target);
                        if again {
                            batch.retried.insert(write.target);
                        }
                    }
                }
            }
        }
        self.known.rename(&self.created);
        for (index, (i, d)) in decided.into_iter().enumerate() {
            match failed.remove(&index) {
                None => {
                    settle_row(&mut batch.rows, i);
                    self.tally.count(d);
                }
                Some(None) => batch.retry.push(i),
                Some(Some(error)) => {
                    settle_row(&mut batch.rows, i);
                    if let Some(checked) = batch.checked.get(i) {
                        self.known.forget_row(checked.raw.row);
                        self.tally.fail_in_store(
                            &self.checker,
                            &checked.raw,
                            error.not_saved(),
                            &error,
                        );
                    }
                }
            }
        }
        self.batch = Some(batch);
        Ok(())
    }

    /// Every row of the round is decided and written: the rows left are
    /// counted, the rows whose keys were taken meanwhile decided again, or
    /// the batch is over.
    fn after_decisions(&mut self) {
        let Some(mut batch) = self.batch.take() else {
            self.phase = Phase::Reading;
            return;
        };
        // Rows without a write to wait for: unchanged, or a dry run's.
        let (_, decided) = batch.call.take();
        for (i, d) in decided {
            settle_row(&mut batch.rows, i);
            self.tally.count(d);
        }
        for i in std::mem::take(&mut batch.lookup_failed) {
            if let Some(checked) = batch.checked.get(i) {
                settle_row(&mut batch.rows, i);
                let error = self
                    .lookup_error
                    .clone()
                    .unwrap_or_else(|| StoreError::new("the lookup failed").temporary());
                self.tally.fail_in_store(
                    &self.checker,
                    &checked.raw,
                    error.not_looked_up(),
                    &error,
                );
            }
        }
        self.lookup_error = None;
        // The store is the truth again.
        self.known.end_batch();
        if !batch.retry.is_empty() {
            batch.round += 1;
            batch.queue = std::mem::take(&mut batch.retry);
            batch.queue.sort_unstable();
            batch.next = 0;
            batch.retried.clear();
            for &i in &batch.queue {
                if let Some(checked) = batch.checked.get(i) {
                    self.known.forget_row(checked.raw.row);
                }
            }
            self.batch = Some(batch);
            self.phase = Phase::Lookup;
            return;
        }
        if let Some(e) = self.known.take_failure() {
            self.fail_with(
                Error::new(
                    ErrorKind::StoreFailed,
                    "The dry run could not read back its temporary file; try again.",
                )
                .with_source(e),
            );
            return;
        }
        self.checkpoint_bytes = batch.bytes;
        self.phase = Phase::Checkpoint;
    }

    /// After a batch: tells the app how far the import has got, and stops
    /// it when it must (cancelled, or the store failed and the importer
    /// stops on store failures).
    fn checkpoint(&mut self) {
        let importer = &self.checker.importer;
        let store_failed = self.store_failure.take();
        let mut halt = None;
        if let Some(progress) = &importer.progress {
            let done = Progress::new(
                self.tally.report.rows,
                self.checkpoint_bytes,
                importer.input_len,
            );
            if (progress.0)(&done).is_break() {
                halt = Some(Halt::Cancelled);
            }
        }
        if halt.is_none() && importer.stop_on_store_failure {
            halt = store_failed.map(Halt::StoreFailed);
        }
        // After the last batch nothing is left to stop; the app still
        // hears the end.
        match (halt, self.checking.take()) {
            (Some(reason), Some(next)) => {
                let at = Position::line_at(next.first_line).with_row(next.first_row);
                let rest = format!(
                    "row {} and the rows after it were not imported",
                    next.first_row
                );
                self.tally.report.stopped = Some(reason.stopped(Some(at), rest));
                // The rows read ahead were not imported: that is the stop,
                // whatever came after them.
                self.input.error = None;
                self.end_of_data();
            }
            (_, next) => {
                self.checking = next;
                self.phase = Phase::Reading;
            }
        }
    }
}
