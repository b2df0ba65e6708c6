//! The import as a state machine that does no I/O: handed rows, it
//! answers with what it needs next (a lookup, writes to apply, a
//! transaction to begin or end) or the finished report. The drivers
//! ([`Importer::import`] and the others) read the upload and call the
//! store; this module decides everything else.
//!
//! [`checking`] gathers the batches and checks their rows on the crew;
//! [`rounds`] decides a batch's rows, in rounds when writes were refused
//! for keys taken meanwhile, and takes the store's answers in.

mod checking;
mod rounds;

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt, HashSet};

use super::batch::{CallWork, Decided, PendingWrite};
use super::checker::Checker;
use super::crew::{workers, Chunks, Crew, MAX_CHECKING_THREADS};
use super::decide::{Decision, Keys};
use super::input::Input;
use super::known::{self, Known, Target};
use super::row::{CheckState, CheckedRow};
use super::tally::Tally;
use super::Importer;
use crate::error::{Error, ErrorKind};
use crate::messages;
use crate::policy::Mode;
use crate::read::{Cells, RawRow};
use crate::record::Record;
use crate::report::{Problem, Report};
use crate::schema::Memory;
use crate::store::{Customer, CustomerId, ImportId, JournalWrite, MatchKey, StoreError, Write};

/// How many times the rows whose writes were refused for a key taken
/// meanwhile (by another import, say) are looked up and decided again
/// before they fail.
const CONFLICT_ROUNDS: u32 = 3;

/// What an [`ImportSession`] needs next. Answer it with the method its
/// variant names, then call [`ImportSession::step`] again.
///
/// ```
/// use intake::{presets, Cells, Importer, MemoryStore, Step, Store, Transactional};
///
/// let header = vec!["email".to_string()];
/// let mut rows = vec![Cells::from_iter(["ann@example.com"])].into_iter();
/// let mut store = MemoryStore::new();
/// let mut session = Importer::new(presets::contacts()).atomic_session(header)?;
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
    /// ([`Transactional::begin`](crate::Transactional::begin)), then
    /// [`began`](ImportSession::began). Only an
    /// [`atomic_session`](crate::Importer::atomic_session) asks for it,
    /// and for `Commit` and `Rollback`.
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
    /// ([`Transactional::commit`](crate::Transactional::commit)), then
    /// [`ended`](ImportSession::ended).
    Commit,
    /// Undo the transaction
    /// ([`Transactional::rollback`](crate::Transactional::rollback)),
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
    known: Box<dyn Known>,
    /// The ids of the schema's identifier fields.
    identifiers: Vec<String>,
    input: Input,
    /// The batch being checked, decided next.
    checking: Option<Checking>,
    /// The batch being decided and written.
    batch: Option<Batch>,
    phase: Phase,
    /// All or nothing: the session asks for a transaction around its
    /// writes.
    atomic: bool,
    in_transaction: bool,
    /// The keys of the lookup asked for.
    asked: Vec<MatchKey>,
    /// The writes of the apply asked for.
    sent: Vec<PendingWrite>,
    /// The rows those writes answer for.
    sent_rows: Vec<(usize, Decided)>,
    /// What a store's journal keeps of those writes, one per write.
    sent_journal: Vec<JournalWrite>,
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
    /// The import's id; `None` in a dry run.
    import_id: Option<ImportId>,
    /// The plan's last bytes, made with the report.
    plan_tail: Vec<u8>,
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

/// A valid row's record (kept for a retry after a conflict) and keys (until
/// the row is first decided), or its problems until reported.
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
    /// A session for `header`; `atomic` runs it in a transaction (unless
    /// it is a dry run, which writes nothing).
    pub(super) fn new(
        importer: &Importer,
        header: Vec<String>,
        atomic: bool,
    ) -> Result<ImportSession, Error> {
        let (map, memory) = importer
            .schema
            .map_header_chosen(&header, &importer.columns)?;
        let checker = Arc::new(Checker::new(importer.clone(), header, map));
        let identifiers: Vec<String> = importer
            .schema
            .fields()
            .iter()
            .filter(|f| f.is_identifier())
            .map(|f| f.id().to_string())
            .collect();
        let known = if importer.dry_run {
            known::whole_file(
                identifiers.clone(),
                importer.policy.mode() == Mode::InsertOnly,
            )
        } else {
            known::per_batch()
        };
        let threads = importer.checking_threads.unwrap_or_else(workers);
        let mut session = ImportSession {
            crew: Crew::new(threads.min(MAX_CHECKING_THREADS), Arc::clone(&checker)),
            tally: Tally::new(&checker, &memory),
            checker,
            state: CheckState::default(),
            known,
            identifiers,
            input: Input::new(importer.batch_size, importer.blank_rows, importer.max_rows),
            checking: None,
            batch: None,
            phase: Phase::Counting,
            atomic: atomic && !importer.dry_run,
            in_transaction: false,
            asked: Vec::new(),
            sent: Vec::new(),
            sent_rows: Vec::new(),
            sent_journal: Vec::new(),
            created: HashMap::new(),
            answer: None,
            store_failure: None,
            lookup_error: None,
            failing: None,
            checkpoint_bytes: 0,
            import_id: (!importer.dry_run).then(ImportId::new),
            plan_tail: Vec::new(),
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
        if self.atomic {
            Phase::Begin
        } else {
            Phase::Reading
        }
    }

    /// The import's id (`None` in a dry run): the key of its journal in a
    /// store that keeps one, and the report's
    /// [`import_id`](crate::Report::import_id) once it has written.
    ///
    /// ```
    /// use intake::{presets, Importer};
    ///
    /// let importer = Importer::new(presets::contacts());
    /// assert!(importer.session(vec!["email".into()])?.import_id().is_some());
    /// let dry = importer.dry_run(true);
    /// assert!(dry.session(vec!["email".into()])?.import_id().is_none());
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn import_id(&self) -> Option<&ImportId> {
        self.import_id.as_ref()
    }

    /// The plan's bytes made since last taken, to write out in order: a
    /// session made by [`Importer::plan_session`] writes its plan as rows
    /// are decided (so it is never held whole); take them after each
    /// [`step`](ImportSession::step), and once more after
    /// [`Step::Done`]. Empty for other sessions.
    pub fn take_plan(&mut self) -> Vec<u8> {
        let mut bytes = self.tally.take_plan();
        if bytes.is_empty() {
            return std::mem::take(&mut self.plan_tail);
        }
        bytes.append(&mut self.plan_tail);
        bytes
    }

    /// After [`Step::Apply`], what a store's journal keeps of each of its
    /// writes, in the same order: the row and the customer's values
    /// before. A driver whose store keeps a [`Journal`](crate::Journal)
    /// ([`Store::journal`](crate::Store::journal)) hands them with the
    /// writes and the [`import_id`](ImportSession::import_id) to
    /// [`Journal::apply_journaled`](crate::Journal::apply_journaled), so
    /// the import can be undone.
    ///
    /// ```
    /// use intake::{presets, Cells, Importer, Journal, MemoryStore, Step, Store};
    ///
    /// let mut store = MemoryStore::new();
    /// let mut session = Importer::new(presets::contacts()).session(vec!["email".into()])?;
    /// let id = session.import_id().cloned().expect("not a dry run");
    /// let mut rows = vec![Cells::from_iter(["ann@example.com"])].into_iter();
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
    ///             let journal = session.journal_writes();
    ///             assert_eq!((journal[0].row, journal[0].before.is_none()), (2, true));
    ///             let results = store.apply_journaled(&id, writes, journal);
    ///             session.applied(results);
    ///         }
    ///         Step::Done(report) => break report?,
    ///         _ => unreachable!("not an all-or-nothing session"),
    ///     }
    /// };
    /// assert_eq!(report.import_id, Some(id.clone()));
    /// assert_eq!(store.journal_of(&id)?.map(|j| j.entries.len()), Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn journal_writes(&self) -> &[JournalWrite] {
        &self.sent_journal
    }

    /// How many bytes of the upload have been read, for
    /// [`Progress::bytes`](crate::Progress::bytes).
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
                        let message = messages::begin_failed(e.is_temporary());
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
                        let message = messages::end_failed(e.is_temporary());
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
                            messages::failed_nothing_written(true),
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
        let mut tally = std::mem::replace(
            &mut self.tally,
            Tally::new(&self.checker, &Memory::NoneGiven).without_plan(),
        );
        tally.end_plan();
        self.plan_tail = tally.take_plan();
        let mut report = tally.finish();
        if report.inserted + report.updated > 0 && !report.rolled_back {
            report.import_id = self.import_id.clone();
        }
        Step::Done(Ok(report))
    }
}
