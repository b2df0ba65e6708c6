//! Deciding a batch: its unknown keys looked up, its rows decided in file
//! order into calls of writes a store may apply as a set, the answers
//! taken in; rows refused for a key taken meanwhile decided again in the
//! next round.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::{Batch, ImportSession, Pending, Phase, CONFLICT_ROUNDS};
use crate::error::{Error, ErrorKind, Position};
use crate::import::batch::{CallWork, Decided};
use crate::import::decide::{self, Decision};
use crate::import::known::{Owner, Target};
use crate::import::plan::PlanRow;
use crate::import::row::CheckedRow;
use crate::import::Progress;
use crate::messages;
use crate::record::{Record, Value};
use crate::report::{Action, FieldChange, Problem, ProblemCode, StopReason, Stopped};
use crate::schema::Schema;
use crate::store::{Customer, CustomerId, JournalWrite, StoreError, Write};

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
            Halt::Cancelled => {
                Stopped::new(StopReason::Cancelled, messages::cancelled(&rest), position)
            }
            Halt::StoreFailed(e) => {
                let message = messages::store_stopped(&rest, e.is_temporary());
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

/// Deciding a batch round by round.
impl ImportSession {
    /// Adds the row that waited for the call just written to the next.
    pub(super) fn add_held(
        &mut self,
        batch: &mut Batch,
        i: usize,
        decided: Decided,
        mut decision: Decision,
    ) {
        // An update of a customer the call just written created (an
        // insert's customer is new to every call).
        if matches!(decision.target, Target::New(_)) && decision.action != Action::Insert {
            match self.created.get(&decision.target) {
                Some(id) => decision.target = Target::Stored(id.clone()),
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
                                messages::CREATOR_FAILED,
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
    pub(super) fn start_batch(&mut self, mut checked: Vec<CheckedRow>, bytes: u64) {
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
    pub(super) fn ask_lookup(&mut self) -> bool {
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
    pub(super) fn take_lookup(
        &mut self,
        result: Result<Vec<Option<Customer>>, StoreError>,
    ) -> Result<(), Error> {
        let asked = std::mem::take(&mut self.asked);
        match result {
            Ok(found) if found.len() == asked.len() => {
                let schema = &self.checker.importer.schema;
                for (key, customer) in asked.into_iter().zip(found) {
                    let customer = customer.map(|mut c| {
                        c.record = decide::typed_keys(schema, &self.identifiers, c.record);
                        c
                    });
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
    pub(super) fn store_trouble(&mut self, error: StoreError) -> Result<(), Error> {
        if self.in_transaction {
            let message = messages::failed_nothing_written(error.is_temporary());
            return Err(Error::new(ErrorKind::StoreFailed, message).with_source(error));
        }
        self.lookup_error = Some(error.clone());
        self.store_failure = Some(error);
        Ok(())
    }

    /// Decides the round's rows in file order until a call's writes are
    /// ready: `Some(writes)` to apply (then deciding goes on), `None` when
    /// every row of the round is decided and written.
    pub(super) fn decide_batch(&mut self) -> Option<Vec<Write>> {
        let mut batch = self.batch.take()?;
        let writes = self.decide_rows(&mut batch);
        self.batch = Some(batch);
        writes
    }

    pub(super) fn decide_rows(&mut self, batch: &mut Batch) -> Option<Vec<Write>> {
        if let Some((i, decided, decision)) = batch.held.take() {
            self.add_held(batch, i, decided, decision);
        }
        while let Some(&i) = batch.queue.get(batch.next) {
            batch.next += 1;
            let Some(checked) = batch.checked.get(i) else {
                continue;
            };
            let (record, keys) = match batch.rows.get_mut(i) {
                // The keys move on; a row decided again after a conflict
                // gets them again from its record (see `after_decisions`).
                Some(Pending::Valid(record, keys)) => (record.clone(), std::mem::take(keys)),
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
                &mut *self.known,
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
                customer: match &decision.target {
                    Target::Stored(id) if preview => Some(id.clone()),
                    _ => None,
                },
                changed: match (&decision.before, decision.action) {
                    (Some(before), Action::Update) if preview => {
                        changed_fields(&importer.schema, before, &decision.record)
                    }
                    _ => Vec::new(),
                },
                plan: importer.planning.then(|| {
                    PlanRow::of(
                        &importer.schema,
                        &self.identifiers,
                        (checked.raw.row, checked.raw.line),
                        &decision,
                    )
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

/// The fields an update changes, in field-id order, with their values
/// before and after as text (a secret's withheld).
fn changed_fields(schema: &Schema, before: &Record, after: &Record) -> Vec<FieldChange> {
    let text = |r: &Record, f: &str| r.get(f).map(|v| v.to_string());
    decide::differing_fields(before, after)
        .into_iter()
        .map(|field| {
            let secret = schema.field(field).is_some_and(|f| f.is_secret())
                || matches!(after.get(field), Some(Value::PasswordHash(_)));
            FieldChange {
                field: field.to_string(),
                before: text(before, field).filter(|_| !secret),
                after: text(after, field).filter(|_| !secret),
                secret,
            }
        })
        .collect()
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
    pub(super) fn send(&mut self, batch: &mut Batch) -> Option<Vec<Write>> {
        let (mut pending, decided) = batch.call.take();
        // The records go to the store; the session keeps its own copies.
        let writes = pending
            .iter_mut()
            .map(|p| match &p.target {
                Target::Stored(id) => Write::Update {
                    id: id.clone(),
                    record: std::mem::take(&mut p.record),
                },
                Target::New(_) => Write::Insert(std::mem::take(&mut p.record)),
            })
            .collect();
        // The journal's rows: a write's first row, where it starts.
        self.sent_journal = pending
            .iter_mut()
            .map(|p| {
                let first = p.rows.first().and_then(|&d| decided.get(d));
                let row = first.map_or(0, |(_, d)| d.row);
                let line = first
                    .and_then(|(i, _)| batch.checked.get(*i))
                    .map_or(row, |c| c.raw.line);
                JournalWrite::new(row, line, p.before.take())
            })
            .collect();
        self.sent = pending;
        self.sent_rows = decided;
        Some(writes)
    }

    /// Takes the store's answer to the writes in: each row counted, failed,
    /// or (its key taken meanwhile) kept to be decided again.
    pub(super) fn take_apply(
        &mut self,
        result: Result<Vec<Result<CustomerId, StoreError>>, StoreError>,
    ) -> Result<(), Error> {
        let sent = std::mem::take(&mut self.sent);
        self.sent_journal.clear();
        let mut decided = std::mem::take(&mut self.sent_rows);
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
                    if self.checker.importer.preview {
                        for &d in &write.rows {
                            if let Some((_, row)) = decided.get_mut(d) {
                                row.customer = Some(id.clone());
                            }
                        }
                    }
                    if let Target::New(_) = write.target {
                        self.created.insert(write.target.clone(), id);
                    }
                }
                Err(error) => {
                    let again = retry && error.is_conflict();
                    for &d in &write.rows {
                        failed.insert(d, (!again).then(|| error.clone()));
                    }
                    if let Target::New(_) = write.target {
                        // Never created: later rows must not update it.
                        self.known.forget(write.target.clone());
                        if again {
                            batch.retried.insert(write.target.clone());
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
    pub(super) fn after_decisions(&mut self) {
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
                // Its keys were moved on when it was first decided.
                if let Some(Pending::Valid(record, keys)) = batch.rows.get_mut(i) {
                    *keys = decide::keys(&self.identifiers, record);
                }
            }
            self.batch = Some(batch);
            self.phase = Phase::Lookup;
            return;
        }
        if let Some(e) = self.known.take_failure() {
            self.fail_with(
                Error::new(ErrorKind::StoreFailed, messages::SPILL_FAILED).with_source(e),
            );
            return;
        }
        self.checkpoint_bytes = batch.bytes;
        self.phase = Phase::Checkpoint;
    }

    /// After a batch: tells the app how far the import has got, and stops
    /// it when it must (cancelled, or the store failed and the importer
    /// stops on store failures).
    pub(super) fn checkpoint(&mut self) {
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
                let rest = messages::rest_not_imported(next.first_row);
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
