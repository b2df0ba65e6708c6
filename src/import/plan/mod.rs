//! Plans: a dry run's decisions, written out as they are made, and
//! committed later exactly as previewed.
//!
//! A plan is JSON Lines: a head (the format's version, the schema's
//! fingerprint, the header and its mapping), one line per row (insert with
//! its values; update of a customer with the changed fields, before and
//! after, and a fingerprint of the customer as read; unchanged; failure),
//! and an end line with the counts and a checksum of every line before
//! it. [`entry`] makes the lines from the session's decisions; [`commit`]
//! reads them back and writes them.
//!
//! The checksum tells a plan that was edited or cut short from the one
//! the dry run wrote; it is no signature: an app that hands plans to
//! people keeps them on its side (or signs them itself).

pub(crate) mod commit;
pub(super) mod entry;
mod format;

use std::io;

pub(super) use entry::PlanRow;
use format::{Checksum, End, Head, Line};

use crate::error::Error;
use crate::import::{ImportSession, Importer};
use crate::record::{Record, RecordDigest};
use crate::report::Report;
use crate::schema::{SavedMapping, Schema};
use crate::store::Store;

/// The plan format's version, in every plan's head.
const VERSION: u32 = 1;

/// Longest line a plan may have: a row's values are bounded by the
/// field limits, far below it; a longer line is no plan of ours.
const MAX_LINE: usize = 4 << 20;

/// A plan being written: the lines made since the driver last took them,
/// and the checksum so far. Held by the session, which does no I/O: the
/// driver takes the bytes after each step and writes them out, so a plan
/// is never held whole.
pub(crate) struct PlanSink {
    pending: Vec<u8>,
    checksum: Checksum,
    /// The first write error: the rest of the plan is not made.
    failed: bool,
}

impl PlanSink {
    /// A plan for `schema`, its head made from the file's header and how
    /// its columns were understood.
    pub(super) fn new(schema: &Schema, report: &Report) -> PlanSink {
        let mut sink = PlanSink {
            pending: Vec::new(),
            checksum: Checksum::default(),
            failed: false,
        };
        let head = Head {
            intake_plan: VERSION,
            schema: schema_fingerprint(schema),
            header: report.header.clone(),
            mapping: SavedMapping::new(&report.header, &report.columns),
        };
        sink.line(&Line::Head(head));
        sink
    }

    /// Adds `line`, with the newline that ends it.
    fn line(&mut self, line: &Line) {
        if self.failed {
            return;
        }
        let start = self.pending.len();
        if serde_json::to_writer(&mut self.pending, line).is_err() {
            // Our own types always serialize; a failure is a bug.
            debug_assert!(false, "a plan line did not serialize");
            self.failed = true;
            self.pending.truncate(start);
            return;
        }
        self.pending.push(b'\n');
        if let Some(bytes) = self.pending.get(start..) {
            self.checksum.add(bytes);
        }
    }

    /// Adds a counted row's line.
    pub(super) fn row(&mut self, plan: &PlanRow) {
        self.line(&plan.0);
    }

    /// Adds a failed row's line.
    pub(super) fn failure(&mut self, failure: &crate::report::RowFailure) {
        self.line(&Line::failure(failure));
    }

    /// Ends the plan with the report's counts and the checksum.
    pub(super) fn end(&mut self, report: &Report) {
        let end = End {
            rows: report.rows,
            inserted: report.inserted,
            updated: report.updated,
            unchanged: report.unchanged,
            failed: report.failed,
            checksum: self.checksum.hex(),
        };
        self.line(&Line::End(end));
    }

    /// The bytes made since last taken.
    pub(super) fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pending)
    }
}

/// Writes what the session's plan holds so far to `out`.
pub(super) fn drain(bytes: Vec<u8>, out: &mut dyn io::Write) -> io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    out.write_all(&bytes)
}

/// The schema's fingerprint: its fields' ids, kinds and roles, so that a
/// plan made for another schema is refused.
pub(crate) fn schema_fingerprint(schema: &Schema) -> String {
    let mut checksum = Checksum::default();
    for field in schema.fields() {
        let described = format!(
            "{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1e}",
            field.id(),
            field.kind(),
            field.is_identifier(),
            field.is_secret()
        );
        checksum.add(described.as_bytes());
    }
    checksum.hex()
}

/// A fingerprint of a customer's values as text (a store may keep them
/// as text): the same for records that are [`Record::eq_as_text`].
pub(crate) fn fingerprint(record: &Record) -> String {
    RecordDigest::of(record).to_string()
}

impl Importer {
    /// A dry run that also writes its plan to `out`, as rows are decided
    /// (never held whole): each row's decision (insert with its values;
    /// update of a customer with the changed fields, before and after;
    /// unchanged; failure), to be committed later with
    /// [`commit_plan`](Importer::commit_plan) once the person has
    /// confirmed the preview. The report is the dry run's.
    ///
    /// A plan holds the customers' values (password hashes, never plain
    /// passwords): keep it as the app keeps its customers. It is tied to
    /// this schema.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let mut store = MemoryStore::new();
    /// let mut plan = Vec::new();
    /// let report = Importer::new(presets::contacts())
    ///     .plan("email\nann@example.com\n".as_bytes(), &mut store, &mut plan)?;
    /// assert!(report.dry_run && store.is_empty());
    /// assert_eq!(String::from_utf8_lossy(&plan).lines().count(), 3); // head, Ann, end
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn plan<R: io::Read, S: Store + ?Sized, W: io::Write>(
        &self,
        input: R,
        store: &mut S,
        mut out: W,
    ) -> Result<Report, Error> {
        self.planner()
            .read_and_run(input, store, None, Some(&mut out))
    }

    /// A dry-run session that writes its plan, for apps that drive the
    /// session themselves: take the plan's bytes with
    /// [`ImportSession::take_plan`] after each step.
    ///
    /// ```
    /// use intake::{presets, Cells, Importer, Step};
    ///
    /// let importer = Importer::new(presets::contacts());
    /// let mut session = importer.plan_session(vec!["email".into()])?;
    /// let mut plan = Vec::new();
    /// let mut rows = vec![Cells::from_iter(["ann@example.com"])].into_iter();
    /// let report = loop {
    ///     plan.extend(session.take_plan());
    ///     match session.step() {
    ///         Step::Input => match rows.next() {
    ///             Some(cells) => session.push_row(cells),
    ///             None => session.end_input(None),
    ///         },
    ///         Step::Lookup(keys) => {
    ///             let none = keys.iter().map(|_| None).collect();
    ///             session.looked_up(Ok(none));
    ///         }
    ///         Step::Done(report) => break report?,
    ///         _ => unreachable!("a dry run writes nothing"),
    ///     }
    /// };
    /// plan.extend(session.take_plan());
    /// assert_eq!(report.inserted, 1);
    /// assert!(String::from_utf8_lossy(&plan).ends_with("}\n"));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn plan_session(&self, header: Vec<String>) -> Result<ImportSession, Error> {
        ImportSession::new(&self.planner(), header, false)
    }

    /// This importer as a dry run that writes its plan.
    fn planner(&self) -> Importer {
        let mut planner = self.clone().dry_run(true);
        planner.planning = true;
        planner
    }
}
