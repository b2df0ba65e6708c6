//! Committing a plan: its lines read back a batch at a time, each
//! decision checked against the store inside one transaction, and written
//! exactly as previewed, or nothing written at all.

use std::io::{self, BufRead};

use foldhash::{HashMap, HashSet, HashSetExt};

use super::format::{self, End, FieldSet, Head, Line};
use super::{Checksum, MAX_LINE, VERSION};
use crate::error::{Error, ErrorKind};
use crate::import::decide;
use crate::import::Importer;
use crate::messages::{self, plan as text};
use crate::record::Record;
use crate::report::{Report, RowFailure};
use crate::store::{Customer, ImportId, JournalWrite, MatchKey, StoreError, Transactional, Write};

/// The most rows a commit names in its `plan_outdated` error.
const MAX_OUTDATED_NAMED: usize = 20;

/// The most bytes of plan lines a batch holds: a batch ends at this size
/// even before its row count, so that a plan of long lines cannot make
/// the commit hold more.
const MAX_BATCH_BYTES: usize = 16 << 20;

/// A plan line that writes: an insert, or an update of the customer its
/// keys find.
enum Planned {
    Insert {
        row: u64,
        line: u64,
        record: Record,
    },
    Update {
        row: u64,
        line: u64,
        customer: Option<String>,
        keys: Vec<MatchKey>,
        fingerprint: String,
        changes: Vec<FieldSet>,
    },
}

impl Planned {
    /// The row and the line it starts on.
    fn place(&self) -> (u64, u64) {
        match self {
            Planned::Insert { row, line, .. } | Planned::Update { row, line, .. } => (*row, *line),
        }
    }
}

/// Reads the plan's lines, keeping the checksum of every line before the
/// end.
struct PlanReader<R> {
    input: R,
    checksum: Checksum,
    buffer: Vec<u8>,
}

impl<R: BufRead> PlanReader<R> {
    /// The next line; `None` at the end of the input.
    fn next(&mut self) -> Result<Option<Line>, Error> {
        self.buffer.clear();
        let limit = MAX_LINE as u64 + 1;
        let read = <&mut R as io::Read>::take(&mut self.input, limit)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|e| {
                Error::new(
                    ErrorKind::Unreadable,
                    text::plan_invalid(text::PLAN_NOT_A_PLAN),
                )
                .with_source(e)
            })?;
        if read == 0 {
            return Ok(None);
        }
        if self.buffer.len() > MAX_LINE {
            return Err(invalid(text::PLAN_LINE_TOO_LONG));
        }
        if self.buffer.last() != Some(&b'\n') {
            // Every line the importer writes ends with a newline.
            return Err(invalid(text::PLAN_TRUNCATED));
        }
        let line: Line =
            serde_json::from_slice(&self.buffer).map_err(|_| invalid(text::PLAN_NOT_A_PLAN))?;
        if !matches!(line, Line::End(_)) {
            self.checksum.add(&self.buffer);
        }
        Ok(Some(line))
    }
}

/// The file-level error for a plan refused.
fn invalid(why: &str) -> Error {
    Error::new(ErrorKind::InvalidPlan, text::plan_invalid(why))
}

/// What the commit has done so far.
struct Commit {
    report: Report,
    /// Rows whose decision no longer holds.
    outdated: Vec<u64>,
    /// How many failed rows the report keeps.
    failures_kept: u64,
    /// The ids of the schema's identifier fields.
    identifiers: Vec<String>,
    /// The commit's id: its writes are journaled under it when the store
    /// keeps a journal, so a committed plan can be undone.
    import_id: ImportId,
}

impl Importer {
    /// Commits a plan that [`Importer::plan`] wrote: writes exactly what
    /// its dry run previewed, in one transaction, or nothing.
    ///
    /// Each customer the plan updates is looked up again by its email or
    /// phone and must hold exactly the values the dry run read; each key a
    /// new customer takes must still be free. When one does not hold (the
    /// customer changed since, another upload took the email), the commit
    /// is refused as `plan_outdated`, naming those rows, and nothing is
    /// written. A plan edited, cut short or made for another schema is
    /// refused as `invalid_plan`. The store must have transactions, so
    /// that a refusal found halfway undoes what was written before it.
    ///
    /// The report counts what was written; its failures are the rows the
    /// preview failed, for the failed-rows file. With a store that keeps a
    /// journal ([`Store::journal`](crate::Store::journal)) the commit is
    /// journaled like an import: its [`Report::import_id`] undoes it
    /// ([`Importer::undo`]).
    ///
    /// ```
    /// use intake::{presets, ErrorKind, Importer, MemoryStore};
    ///
    /// let importer = Importer::new(presets::contacts());
    /// let mut store = MemoryStore::new();
    /// importer.import("email,first_name\nann@example.com,Ann\n".as_bytes(), &mut store)?;
    ///
    /// // The preview, kept between requests (in a file, a blob column…).
    /// let file = "email,first_name\nann@example.com,Anne\nbob@example.com,Bob\n";
    /// let mut plan = Vec::new();
    /// let preview = importer.plan(file.as_bytes(), &mut store, &mut plan)?;
    /// assert_eq!((preview.inserted, preview.updated), (1, 1));
    ///
    /// // The person confirms: exactly that is written.
    /// let report = importer.commit_plan(plan.as_slice(), &mut store)?;
    /// assert_eq!((report.inserted, report.updated), (1, 1));
    ///
    /// // Committed again, the plan is outdated: Ann is Anne now, and Bob exists.
    /// let err = importer.commit_plan(plan.as_slice(), &mut store).unwrap_err();
    /// assert_eq!(err.code(), "plan_outdated");
    /// assert!(matches!(err.kind(), ErrorKind::PlanOutdated { rows } if rows == &[2, 3]));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn commit_plan<R: io::Read, S: Transactional + ?Sized>(
        &self,
        plan: R,
        store: &mut S,
    ) -> Result<Report, Error> {
        let mut reader = PlanReader {
            input: io::BufReader::new(plan),
            checksum: Checksum::default(),
            buffer: Vec::new(),
        };
        let head = match reader.next()? {
            Some(Line::Head(head)) => head,
            None => return Err(invalid(text::PLAN_TRUNCATED)),
            Some(_) => return Err(invalid(text::PLAN_NOT_A_PLAN)),
        };
        self.check_head(&head)?;
        store.begin().map_err(|e| {
            Error::new(
                ErrorKind::StoreFailed,
                messages::begin_failed(e.is_temporary()),
            )
            .with_source(e)
        })?;
        match self.commit_lines(&head, &mut reader, store) {
            Ok(report) => {
                store.commit().map_err(|e| {
                    // Whether a failed commit took effect is the store's to
                    // say; it is asked to undo it.
                    let _ = store.rollback();
                    Error::new(
                        ErrorKind::StoreFailed,
                        messages::end_failed(e.is_temporary()),
                    )
                    .with_source(e)
                })?;
                Ok(report)
            }
            Err(e) => {
                // The error says why; a rollback that fails too changes
                // nothing of it.
                let _ = store.rollback();
                Err(e)
            }
        }
    }

    /// Refuses a plan of another format or schema.
    fn check_head(&self, head: &Head) -> Result<(), Error> {
        if head.intake_plan != VERSION {
            return Err(invalid(text::PLAN_OTHER_VERSION));
        }
        if head.schema != super::schema_fingerprint(&self.schema) {
            return Err(invalid(text::PLAN_OTHER_SCHEMA));
        }
        Ok(())
    }

    /// Every line after the head, a batch at a time, inside the
    /// transaction.
    fn commit_lines<R: BufRead, S: Transactional + ?Sized>(
        &self,
        head: &Head,
        reader: &mut PlanReader<R>,
        store: &mut S,
    ) -> Result<Report, Error> {
        let report = Report::new(head.header.clone(), head.mapping.columns().to_vec(), false);
        let mut commit = Commit {
            report,
            import_id: ImportId::new(),
            outdated: Vec::new(),
            failures_kept: self.read.limits.get_max_listed_failures(),
            identifiers: self
                .schema
                .fields()
                .iter()
                .filter(|f| f.is_identifier())
                .map(|f| f.id().to_string())
                .collect(),
        };
        let mut batch: Vec<Planned> = Vec::with_capacity(self.batch_size);
        let mut batch_bytes = 0;
        let end = loop {
            let Some(line) = reader.next()? else {
                return Err(invalid(text::PLAN_TRUNCATED));
            };
            match line {
                Line::Head(_) => return Err(invalid(text::PLAN_EDITED)),
                Line::End(end) => break end,
                Line::Unchanged { .. } => {
                    commit.report.rows += 1;
                    commit.report.unchanged += 1;
                }
                Line::Failure {
                    row,
                    line,
                    problems,
                    note,
                    cells,
                } => {
                    let failure = format::row_failure(row, line, problems, note, cells)
                        .ok_or_else(|| invalid(text::PLAN_NOT_A_PLAN))?;
                    commit.fail(failure);
                }
                Line::Insert { row, line, values } => {
                    let record =
                        format::record_of(&values).ok_or_else(|| invalid(text::PLAN_NOT_A_PLAN))?;
                    batch.push(Planned::Insert { row, line, record });
                }
                Line::Update {
                    row,
                    line,
                    customer,
                    keys,
                    fingerprint,
                    changes,
                } => {
                    let keys = keys
                        .iter()
                        .map(|k| format::key_of(k))
                        .collect::<Option<Vec<_>>>()
                        .filter(|k| !k.is_empty())
                        .ok_or_else(|| invalid(text::PLAN_NOT_A_PLAN))?;
                    batch.push(Planned::Update {
                        row,
                        line,
                        customer,
                        keys,
                        fingerprint,
                        changes,
                    });
                }
            }
            batch_bytes += reader.buffer.len();
            if batch.len() >= self.batch_size.max(1) || batch_bytes >= MAX_BATCH_BYTES {
                self.commit_batch(std::mem::take(&mut batch), store, &mut commit)?;
                batch_bytes = 0;
            }
        };
        self.commit_batch(batch, store, &mut commit)?;
        check_end(&end, &reader.checksum, &commit.report)?;
        let report = &mut commit.report;
        report.failures.sort_by_key(|f| f.row);
        if report.failures.len() > self.list_first {
            report.unlisted_failures = report.failures.split_off(self.list_first);
            report.failures_not_listed += report.unlisted_failures.len() as u64;
        }
        if commit.report.inserted + commit.report.updated > 0 {
            commit.report.import_id = Some(commit.import_id.clone());
        }
        Ok(commit.report)
    }

    /// Writes a batch of planned lines: in calls where no customer or key
    /// comes twice, so that each call's lookup sees what the calls before
    /// wrote and a store may run its writes as a set.
    fn commit_batch<S: Transactional + ?Sized>(
        &self,
        batch: Vec<Planned>,
        store: &mut S,
        commit: &mut Commit,
    ) -> Result<(), Error> {
        let mut call: Vec<Planned> = Vec::new();
        // The call's keys, each once, in the order the lookup asks them.
        let mut asked: Vec<MatchKey> = Vec::new();
        let mut keys: HashSet<MatchKey> = HashSet::new();
        for planned in batch {
            let own = keys_of(&commit.identifiers, &planned);
            if own.iter().any(|k| keys.contains(k)) {
                let (call, asked) = (std::mem::take(&mut call), std::mem::take(&mut asked));
                self.commit_call(call, asked, store, commit)?;
                keys.clear();
            }
            for key in own {
                if keys.insert(key.clone()) {
                    asked.push(key);
                }
            }
            call.push(planned);
        }
        self.commit_call(call, asked, store, commit)
    }

    /// One lookup of `asked` (the call's keys, each once) and one apply:
    /// each line checked against what the store holds now, then written.
    fn commit_call<S: Transactional + ?Sized>(
        &self,
        call: Vec<Planned>,
        asked: Vec<MatchKey>,
        store: &mut S,
        commit: &mut Commit,
    ) -> Result<(), Error> {
        if call.is_empty() {
            return Ok(());
        }
        let found = store.lookup(&asked).map_err(store_failed)?;
        if found.len() != asked.len() {
            return Err(store_failed(StoreError::new(format!(
                "the store answered {} lookups for {} keys",
                found.len(),
                asked.len()
            ))));
        }
        let owners: HashMap<MatchKey, Option<Customer>> = asked.into_iter().zip(found).collect();
        let mut writes = Vec::with_capacity(call.len());
        let mut journal = Vec::with_capacity(call.len());
        for planned in call {
            match write_of(&commit.identifiers, planned, &owners) {
                Ok((entry, write)) => {
                    journal.push(entry);
                    writes.push(write);
                }
                Err(row) => commit.outdated.push(row),
            }
        }
        if !commit.outdated.is_empty() {
            return Err(outdated(&commit.outdated));
        }
        let inserts: Vec<bool> = writes
            .iter()
            .map(|w| matches!(w, Write::Insert(_)))
            .collect();
        let rows: Vec<u64> = journal.iter().map(|j| j.row).collect();
        let results = match store.journal() {
            Some(kept) => kept.apply_journaled(&commit.import_id, writes, &journal),
            None => store.apply(writes),
        }
        .map_err(store_failed)?;
        if results.len() != rows.len() {
            return Err(store_failed(StoreError::new(format!(
                "the store answered {} results for {} writes",
                results.len(),
                rows.len()
            ))));
        }
        for ((row, insert), result) in rows.into_iter().zip(inserts).zip(results) {
            match result {
                Ok(_) => {
                    commit.report.rows += 1;
                    if insert {
                        commit.report.inserted += 1;
                    } else {
                        commit.report.updated += 1;
                    }
                }
                // Taken between the lookup and the write.
                Err(e) if e.is_conflict() => commit.outdated.push(row),
                Err(e) => return Err(store_failed(e)),
            }
        }
        if commit.outdated.is_empty() {
            Ok(())
        } else {
            Err(outdated(&commit.outdated))
        }
    }
}

/// The write a planned line comes to against the store's `owners` of
/// its keys, with what a journal keeps of it, or its row when its
/// decision no longer holds.
fn write_of(
    identifiers: &[String],
    planned: Planned,
    owners: &HashMap<MatchKey, Option<Customer>>,
) -> Result<(JournalWrite, Write), u64> {
    let (row, line) = planned.place();
    match planned {
        Planned::Insert { record, .. } => {
            let taken = decide::keys(identifiers, &record)
                .iter()
                .any(|k| owners.get(k).is_some_and(Option::is_some));
            if taken {
                return Err(row);
            }
            Ok((JournalWrite::new(row, line, None), Write::Insert(record)))
        }
        Planned::Update {
            customer,
            keys,
            fingerprint,
            changes,
            ..
        } => {
            let mut found: Option<&Customer> = None;
            for key in &keys {
                match owners.get(key) {
                    Some(Some(c)) if found.is_none_or(|f| f.id == c.id) => found = Some(c),
                    _ => return Err(row),
                }
            }
            let found = found.ok_or(row)?;
            let same_id = customer.is_none_or(|id| id == found.id.to_string());
            if !same_id || super::fingerprint(&found.record) != fingerprint {
                return Err(row);
            }
            let record = changed(&found.record, &changes).ok_or(row)?;
            Ok((
                JournalWrite::new(row, line, Some(found.record.clone())),
                Write::Update {
                    id: found.id.clone(),
                    record,
                },
            ))
        }
    }
}

impl Commit {
    /// A row the preview failed: listed for the failed-rows file.
    fn fail(&mut self, failure: RowFailure) {
        let report = &mut self.report;
        report.rows += 1;
        report.failed += 1;
        if (report.failures.len() as u64) < self.failures_kept {
            report.failures.push(failure);
        } else {
            report.failures_not_listed += 1;
        }
    }
}

/// The keys a planned line looks up or takes.
fn keys_of(identifiers: &[String], planned: &Planned) -> Vec<MatchKey> {
    match planned {
        Planned::Insert { record, .. } => decide::keys(identifiers, record).to_vec(),
        Planned::Update { keys, changes, .. } => {
            let mut all = keys.clone();
            for change in changes {
                if let Some(key) = change.after.as_deref().and_then(format::key_of) {
                    all.push(key);
                }
            }
            all
        }
    }
}

/// `record` with the plan's changes made; `None` when a value is no value
/// of ours.
fn changed(record: &Record, changes: &[FieldSet]) -> Option<Record> {
    let mut record = record.clone();
    for change in changes {
        match &change.after {
            Some(text) => {
                record.insert(&change.field, format::value_of(text)?);
            }
            None => {
                record.remove(&change.field);
            }
        }
    }
    Some(record)
}

/// Refuses a plan whose last line does not match what came before it.
fn check_end(end: &End, checksum: &Checksum, report: &Report) -> Result<(), Error> {
    let counts = (
        report.rows,
        report.inserted,
        report.updated,
        report.unchanged,
        report.failed,
    );
    let planned = (
        end.rows,
        end.inserted,
        end.updated,
        end.unchanged,
        end.failed,
    );
    if end.checksum != checksum.hex() || counts != planned {
        return Err(invalid(text::PLAN_EDITED));
    }
    Ok(())
}

/// The `plan_outdated` error naming `rows`.
fn outdated(rows: &[u64]) -> Error {
    let mut rows = rows.to_vec();
    rows.sort_unstable();
    rows.dedup();
    let named: Vec<u64> = rows.iter().copied().take(MAX_OUTDATED_NAMED).collect();
    let message = text::plan_outdated(&named, rows.len() > named.len());
    Error::new(ErrorKind::PlanOutdated { rows }, message)
}

/// The file-level error of a store that failed the commit.
fn store_failed(error: StoreError) -> Error {
    let message = messages::failed_nothing_written(error.is_temporary());
    Error::new(ErrorKind::StoreFailed, message).with_source(error)
}
