//! What an import did: counts, failures, warnings, the failed-rows file.

use std::collections::BTreeMap;
use std::fmt;
use std::io;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Position};
use crate::messages::summary;
pub(crate) use crate::problem::{Problem, ProblemCode};
use crate::read::{Cells, Delimiter, Encoding};
use crate::schema::SavedMapping;
pub(crate) use crate::schema::{ColumnMapping, ERRORS_COLUMN};
use crate::store::{CustomerId, ImportId, StoreError};

/// A row that was not imported, with every problem it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RowFailure {
    /// The spreadsheet row: the header is row 1, the first record row 2.
    pub row: u64,
    /// The physical line (1-based) where the record starts in the file.
    pub line: u64,
    /// Every problem of the row, in column order, row-wide problems last.
    pub problems: Vec<Problem>,
    /// What else the person should know to fix the row (such as a
    /// password removed from the failed-rows file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The row's cells as read, for the failed-rows file. Secret cells
    /// (passwords) are blanked before they get here.
    #[serde(skip)]
    pub cells: Cells,
    /// The store's own error when the row failed because the store did
    /// (`store_failed`): for the app, never in the report's JSON, the
    /// failed-rows file or the summary.
    #[serde(skip)]
    store_error: Option<StoreError>,
}

impl RowFailure {
    pub(crate) fn new(
        row: u64,
        line: u64,
        problems: Vec<Problem>,
        note: Option<String>,
        cells: Cells,
    ) -> RowFailure {
        RowFailure {
            row,
            line,
            problems,
            note,
            cells,
            store_error: None,
        }
    }

    /// Keeps the store's error that failed the row.
    pub(crate) fn with_store_error(mut self, error: StoreError) -> RowFailure {
        self.store_error = Some(error);
        self
    }

    /// Where the row is in the file: its [`row`](RowFailure::row) and
    /// [`line`](RowFailure::line).
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let report = Importer::new(presets::contacts())
    ///     .import("email\nann@example.com\nbad\n".as_bytes(), &mut MemoryStore::new())?;
    /// let position = report.failures[0].position();
    /// assert_eq!((position.row(), position.line()), (Some(3), 3));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn position(&self) -> Position {
        Position::line_at(self.line).with_row(self.row)
    }

    /// The store's own error, when the row failed because the store
    /// refused or failed its lookup or write: for the app's logs. The
    /// person reads only that the customer could not be saved; this text
    /// is never serialized, nor in [`describe`](RowFailure::describe) or
    /// the failed-rows file.
    ///
    /// ```
    /// use intake::{presets, Customer, CustomerId, Importer, MatchKey, Store, StoreError, Write};
    ///
    /// struct Full;
    /// impl Store for Full {
    ///     fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
    ///         Ok(keys.iter().map(|_| None).collect())
    ///     }
    ///     fn apply(&mut self, writes: Vec<Write>) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
    ///         Ok(writes.iter().map(|_| Err(StoreError::new("disk quota exceeded on db-3"))).collect())
    ///     }
    /// }
    ///
    /// let report = Importer::new(presets::contacts()).import("email\nann@example.com\n".as_bytes(), &mut Full)?;
    /// let failure = &report.failures[0];
    /// assert_eq!(failure.store_error().map(|e| e.message()), Some("disk quota exceeded on db-3"));
    /// assert!(!failure.describe().contains("db-3"));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn store_error(&self) -> Option<&StoreError> {
        self.store_error.as_ref()
    }

    /// The problems as one line of text: `column: message; ...`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for p in &self.problems {
            if !out.is_empty() {
                out.push_str("; ");
            }
            if let Some(c) = &p.column {
                out.push_str(c);
                out.push_str(": ");
            }
            out.push_str(&p.message);
        }
        if let Some(note) = &self.note {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(note);
        }
        out
    }
}

/// The code of a [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningCode {
    /// A column of the file matches no field and was not imported.
    IgnoredColumn,
    /// A column's header was read as the closest field name (a likely
    /// typo, "Emial"); the person should check it.
    GuessedColumn,
    /// Rows after a blank row were not imported (blank row ends the data).
    RowsAfterBlank,
    /// The import stopped early; see the report's `stopped` entry.
    Stopped,
    /// A country or state was not recognised and was kept as written.
    Unrecognized,
    /// More rows failed than the report lists; the rest are only counted.
    TooManyFailures,
    /// A text cell starts like a spreadsheet formula (`=HYPERLINK(...)`):
    /// kept as written, but a spreadsheet that opens an export of it may
    /// run it.
    FormulaLike,
    /// A text or number value looks like what a spreadsheet makes of a
    /// long number (`1.23E+15`): its last digits are probably lost.
    SpreadsheetChanged,
    /// A date column was read day first or month first
    /// ([`Field::day_or_month_first`](crate::Field::day_or_month_first)):
    /// which, and the value that told.
    DateOrder,
    /// A column mapping remembered from an earlier import
    /// ([`Importer::remembered_mapping`](crate::Importer::remembered_mapping))
    /// was not used: it is for a file with other columns, names a column
    /// the file lacks, or no longer suits the schema. The columns were
    /// matched automatically; the person should check them.
    MappingNotUsed,
    /// An undo found its import already undone: it changed nothing.
    AlreadyUndone,
}

impl WarningCode {
    /// The stable snake_case code.
    ///
    /// ```
    /// assert_eq!(intake::WarningCode::FormulaLike.as_str(), "formula_like");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::IgnoredColumn => "ignored_column",
            WarningCode::GuessedColumn => "guessed_column",
            WarningCode::RowsAfterBlank => "rows_after_blank",
            WarningCode::Stopped => "stopped",
            WarningCode::Unrecognized => "unrecognized",
            WarningCode::TooManyFailures => "too_many_failures",
            WarningCode::FormulaLike => "formula_like",
            WarningCode::SpreadsheetChanged => "spreadsheet_changed",
            WarningCode::DateOrder => "date_order",
            WarningCode::MappingNotUsed => "mapping_not_used",
            WarningCode::AlreadyUndone => "already_undone",
        }
    }
}

/// Something the person should know that failed no row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Warning {
    /// The stable code.
    pub code: WarningCode,
    /// What happened, for people.
    pub message: String,
}

impl Warning {
    /// A warning with `code` and a message.
    pub fn new(code: WarningCode, message: impl Into<String>) -> Warning {
        Warning {
            code,
            message: message.into(),
        }
    }
}

/// What the import did, or would do in a dry run, with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// A new customer.
    Insert,
    /// An existing customer changed.
    Update,
    /// An existing customer already holds exactly these values.
    Unchanged,
}

/// One row of the preview: its action, its customer, its normalized
/// values and, for an update, what changes.
///
/// ```
/// use intake::{presets, Action, Importer, MemoryStore};
///
/// let mut store = MemoryStore::new();
/// let importer = Importer::new(presets::contacts());
/// importer.import("email,first_name\nann@example.com,Ann\n".as_bytes(), &mut store)?;
///
/// let report = importer
///     .clone()
///     .dry_run(true)
///     .preview(true)
///     .import("email,first_name\nann@example.com,Anne\n".as_bytes(), &mut store)?;
/// let change = &report.changes.as_ref().unwrap()[0];
/// assert_eq!(change.action, Action::Update);
/// assert!(change.customer.is_some());
/// assert_eq!(change.changed[0].field, "first_name");
/// assert_eq!(change.changed[0].before.as_deref(), Some("Ann"));
/// assert_eq!(change.changed[0].after.as_deref(), Some("Anne"));
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// The spreadsheet row.
    pub row: u64,
    /// What was (or would be) done.
    pub action: Action,
    /// The customer: the one the row matched, or the one it created.
    /// `None` for a dry run's new customers (and an update of one), which
    /// have no id yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerId>,
    /// The row's normalized values by field id. Secrets never appear here.
    pub values: BTreeMap<String, String>,
    /// For an update: each field whose value changes, in field-id order,
    /// with its value before and after.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<FieldChange>,
    /// The row's values the importer corrected beyond normalization.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
}

/// One field an update changes: its value before and after (`None`: no
/// value). A secret field (a password) is listed without its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FieldChange {
    /// The field's id.
    pub field: String,
    /// The customer's value before the update.
    pub before: Option<String>,
    /// The value the update writes.
    pub after: Option<String>,
    /// Whether the values are withheld because the field is secret.
    #[serde(skip_serializing_if = "is_false")]
    pub secret: bool,
}

/// A value the importer changed beyond normalization: characters removed
/// from an email, a leading zero restored to a ZIP code, a date read from
/// a date-time. Lower-casing an email or writing a phone in E.164 is
/// normalization and is not listed; a correction always is, so nothing
/// changes silently.
///
/// ```
/// use intake::{presets, Importer, MemoryStore};
///
/// let csv = "email\nAnn Lee <ann@example.com>\n";
/// let report = Importer::new(presets::contacts())
///     .preview(true)
///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
/// assert_eq!(report.corrected, 1);
/// let change = &report.changes.as_ref().unwrap()[0];
/// assert_eq!(change.corrections[0].value, "ann@example.com");
/// assert_eq!(change.corrections[0].note, "removed the display name 'Ann Lee'");
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Correction {
    /// The column as written in the file's header.
    pub column: String,
    /// The field the column feeds.
    pub field: String,
    /// The cell as written.
    pub original: String,
    /// The value imported.
    pub value: String,
    /// What was changed, for people.
    pub note: String,
}

/// Why an import stopped before the end of the file: the code of a
/// file-level [`Error`](crate::Error) that ended the reading, or
/// [`Cancelled`](StopReason::Cancelled).
///
/// Serializes as the same snake_case codes as [`Error::code`](crate::Error::code)
/// (`cancelled` for a cancel).
///
/// ```
/// use intake::StopReason;
///
/// assert_eq!(StopReason::Cancelled.as_str(), "cancelled");
/// assert_eq!(serde_json::to_string(&StopReason::MalformedCsv)?, "\"malformed_csv\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StopReason {
    /// The app's progress callback cancelled the import.
    Cancelled,
    /// The store failed, and the importer stops on store failures.
    StoreFailed,
    /// The rest of the file is not valid CSV.
    MalformedCsv,
    /// The rest of the file could not be read or decoded.
    Unreadable,
    /// A row passes one of the [`Limits`](crate::Limits).
    TooLarge,
    /// The file holds more rows than allowed.
    TooManyRows,
    /// See [`ErrorKind::EmptyFile`].
    EmptyFile,
    /// See [`ErrorKind::MissingColumns`].
    MissingColumns,
    /// See [`ErrorKind::DuplicateColumns`].
    DuplicateColumns,
    /// See [`ErrorKind::UnknownSheet`].
    UnknownSheet,
    /// See [`ErrorKind::InvalidConfig`].
    InvalidConfig,
    /// See [`ErrorKind::InvalidPlan`].
    InvalidPlan,
    /// See [`ErrorKind::PlanOutdated`].
    PlanOutdated,
}

impl StopReason {
    /// The stable snake_case code.
    ///
    /// ```
    /// assert_eq!(intake::StopReason::TooLarge.as_str(), "too_large");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Cancelled => "cancelled",
            StopReason::StoreFailed => "store_failed",
            StopReason::MalformedCsv => "malformed_csv",
            StopReason::Unreadable => "unreadable",
            StopReason::TooLarge => "too_large",
            StopReason::TooManyRows => "too_many_rows",
            StopReason::EmptyFile => "empty_file",
            StopReason::MissingColumns => "missing_columns",
            StopReason::DuplicateColumns => "duplicate_columns",
            StopReason::UnknownSheet => "unknown_sheet",
            StopReason::InvalidConfig => "invalid_config",
            StopReason::InvalidPlan => "invalid_plan",
            StopReason::PlanOutdated => "plan_outdated",
        }
    }

    /// The reason a file-level error of `kind` gives a stop.
    pub(crate) fn of(kind: &ErrorKind) -> StopReason {
        match kind {
            ErrorKind::EmptyFile => StopReason::EmptyFile,
            ErrorKind::MissingColumns(_) => StopReason::MissingColumns,
            ErrorKind::DuplicateColumns(_) => StopReason::DuplicateColumns,
            ErrorKind::TooManyRows { .. } => StopReason::TooManyRows,
            ErrorKind::MalformedCsv => StopReason::MalformedCsv,
            ErrorKind::Unreadable => StopReason::Unreadable,
            ErrorKind::StoreFailed => StopReason::StoreFailed,
            ErrorKind::TooLarge { .. } => StopReason::TooLarge,
            ErrorKind::UnknownSheet { .. } => StopReason::UnknownSheet,
            ErrorKind::InvalidConfig => StopReason::InvalidConfig,
            ErrorKind::InvalidPlan => StopReason::InvalidPlan,
            ErrorKind::PlanOutdated { .. } => StopReason::PlanOutdated,
            // An undo's error, never an import's stop: the app called
            // it with an id the store does not know.
            ErrorKind::UnknownImport => StopReason::InvalidConfig,
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an import stopped before the end of the file. The rows before
/// the [`position`](Stopped::position) were imported and are counted in
/// the report.
///
/// Serialized as `code`, `message` and `line` (when known).
///
/// ```
/// use std::ops::ControlFlow;
/// use intake::{presets, Importer, MemoryStore, StopReason};
///
/// let report = Importer::new(presets::contacts())
///     .batch_size(1)
///     .on_progress(|_| ControlFlow::Break(()))
///     .import("email\na@example.com\nb@example.com\n".as_bytes(), &mut MemoryStore::new())?;
/// let stopped = report.stopped.unwrap();
/// assert_eq!(stopped.code, StopReason::Cancelled);
/// assert_eq!(stopped.line(), Some(3));
/// assert_eq!(stopped.position.and_then(|p| p.row()), Some(3));
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stopped {
    /// Why: the code of the file-level error that ended the reading, or
    /// [`StopReason::Cancelled`].
    pub code: StopReason,
    /// What happened, for people.
    pub message: String,
    /// Where reading stopped, if known.
    pub position: Option<Position>,
    /// The error that stopped the import, for the app (not serialized).
    error: Option<Error>,
}

impl Stopped {
    pub(crate) fn new(code: StopReason, message: String, position: Option<Position>) -> Stopped {
        Stopped {
            code,
            message,
            position,
            error: None,
        }
    }

    /// Keeps the error that stopped the import.
    pub(crate) fn with_error(mut self, error: Error) -> Stopped {
        self.error = Some(error);
        self
    }

    /// The file-level error that stopped the import, for the app's logs:
    /// its [`source`](std::error::Error::source) is the cause (the I/O
    /// error reading the upload, the store's [`StoreError`]). `None` for a
    /// cancel. Not serialized.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email\nann@example.com\n\"bob@example.com\n";
    /// let report = Importer::new(presets::contacts()).import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// let stopped = report.stopped.unwrap();
    /// assert_eq!(stopped.error().map(|e| e.code()), Some("malformed_csv"));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// The line where reading stopped, if known: the
    /// [`position`](Stopped::position)'s line.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email\nann@example.com\n\"bob@example.com\n";
    /// let report = Importer::new(presets::contacts()).import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(report.stopped.unwrap().line(), Some(3));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn line(&self) -> Option<u64> {
        self.position.map(|p| p.line())
    }
}

impl Serialize for Stopped {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let line = self.line();
        let mut s = serializer.serialize_struct("Stopped", if line.is_some() { 3 } else { 2 })?;
        s.serialize_field("code", &self.code)?;
        s.serialize_field("message", &self.message)?;
        match line {
            Some(line) => s.serialize_field("line", &line)?,
            None => s.skip_field("line")?,
        }
        s.end()
    }
}

/// The outcome of an import: what to show the person who uploaded the file.
///
/// Invariant: `rows == inserted + updated + unchanged + failed`. What the
/// report says was written is exactly what the store holds afterwards.
///
/// # Example
///
/// ```
/// use intake::{presets, Importer, MemoryStore};
///
/// let csv = "email,first_name\nann@example.com,Ann\nnot-an-email,Bob\n";
/// let report = Importer::new(presets::contacts())
///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
/// assert_eq!((report.rows, report.inserted, report.failed), (2, 1, 1));
/// assert_eq!(report.failures[0].row, 3);
/// assert_eq!(
///     report.summary(),
///     "Imported 1 customer: 1 new. 1 row failed; see the failed rows."
/// );
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Data rows read (blank rows are not counted).
    pub rows: u64,
    /// New customers created.
    pub inserted: u64,
    /// Existing customers changed; in the report of an undo, customers
    /// whose values were restored.
    pub updated: u64,
    /// In the report of an undo: customers the import had created, now
    /// deleted. Serialized only when not zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub removed: u64,
    /// Rows that matched a customer who already had exactly these values.
    pub unchanged: u64,
    /// Imported rows whose empty city was filled in from their state or
    /// the company's city.
    pub cities_filled: u64,
    /// Rows not imported; each is in `failures`.
    pub failed: u64,
    /// Values of imported rows that were corrected beyond normalization;
    /// with a preview, each is listed in its row's [`Change::corrections`].
    #[serde(skip_serializing_if = "is_zero")]
    pub corrected: u64,
    /// The import's id, when it wrote anything: with a store that keeps a
    /// journal, the import can be undone by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_id: Option<ImportId>,
    /// Set on the report of an undo ([`Importer::undo`](crate::Importer::undo)):
    /// the import it undid. Its rows are the customers that import
    /// wrote: `rows == removed + updated + unchanged + failed`, where
    /// `unchanged` counts customers already as the undo would leave them
    /// and `failed` those changed since, left as they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undo_of: Option<ImportId>,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Whether an all-or-nothing import undid its writes because a row
    /// failed or it stopped early: the store holds nothing of it, and the
    /// counts say what would have been written.
    pub rolled_back: bool,
    /// How each column of the header was understood, in file order.
    pub columns: Vec<ColumnMapping>,
    /// Whether the columns were mapped as a mapping remembered from an
    /// earlier import said ([`Importer::remembered_mapping`](crate::Importer::remembered_mapping)).
    /// Serialized only when it is.
    #[serde(skip_serializing_if = "is_false")]
    pub mapping_remembered: bool,
    /// Every failed row, in file order, up to
    /// [`Limits::max_listed_failures`](crate::Limits::max_listed_failures).
    pub failures: Vec<RowFailure>,
    /// Failed rows not listed in `failures`: beyond
    /// [`Importer::list_first`](crate::Importer::list_first) (still in the
    /// failed-rows file) or beyond the limit (counted only, with a
    /// `too_many_failures` warning). `failed == failures.len() +
    /// failures_not_listed`.
    #[serde(skip_serializing_if = "is_zero")]
    pub failures_not_listed: u64,
    /// Failed rows kept for the failed-rows file but not listed.
    #[serde(skip)]
    pub(crate) unlisted_failures: Vec<RowFailure>,
    /// Things to know that failed no row.
    pub warnings: Vec<Warning>,
    /// Set when the import stopped before the end of the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
    /// Each imported row's action and values, when a preview was asked
    /// for: the first [`Importer::list_first`](crate::Importer::list_first)
    /// rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<Change>>,
    /// Imported rows beyond those listed in `changes`: `inserted + updated
    /// + unchanged == changes.len() + changes_not_listed` with a preview.
    #[serde(skip_serializing_if = "is_zero")]
    pub changes_not_listed: u64,
    /// The encoding the file was read in, when it was not UTF-8: such as
    /// `windows-1252` (Excel's "CSV" on Windows) or `UTF-16LE` (Excel's
    /// "Unicode Text"). Serialized as its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// The delimiter between cells, when it was not a comma. Serialized as
    /// its name (`semicolon`, `tab`, `pipe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<Delimiter>,
    /// The header as read, for the failed-rows file.
    #[serde(skip)]
    pub header: Vec<String>,
}

impl Report {
    pub(crate) fn new(header: Vec<String>, columns: Vec<ColumnMapping>, dry_run: bool) -> Report {
        Report {
            rows: 0,
            inserted: 0,
            updated: 0,
            removed: 0,
            unchanged: 0,
            cities_filled: 0,
            failed: 0,
            corrected: 0,
            import_id: None,
            undo_of: None,
            dry_run,
            rolled_back: false,
            columns,
            mapping_remembered: false,
            failures: Vec::new(),
            failures_not_listed: 0,
            unlisted_failures: Vec::new(),
            warnings: Vec::new(),
            stopped: None,
            changes: None,
            changes_not_listed: 0,
            encoding: None,
            delimiter: None,
            header,
        }
    }

    /// The outcome in plain words, for the person who uploaded the file.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email\nann@example.com\n";
    /// let report = Importer::new(presets::contacts())
    ///     .dry_run(true)
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(
    ///     report.summary(),
    ///     "Dry run: would import 1 customer: 1 new. No rows failed. Nothing was written."
    /// );
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn summary(&self) -> String {
        if self.undo_of.is_some() {
            let already = self
                .warnings
                .iter()
                .any(|w| w.code == WarningCode::AlreadyUndone);
            return crate::messages::undo::summary(&crate::messages::undo::Counts {
                removed: self.removed,
                restored: self.updated,
                failed: self.failed,
                already_undone: already,
            });
        }
        let cancelled = self
            .stopped
            .as_ref()
            .is_some_and(|s| s.code == StopReason::Cancelled);
        summary::summary(&summary::Facts {
            rows: self.rows,
            inserted: self.inserted,
            updated: self.updated,
            unchanged: self.unchanged,
            cities_filled: self.cities_filled,
            corrected: self.corrected,
            failed: self.failed,
            dry_run: self.dry_run,
            rolled_back: self.rolled_back,
            encoding: self.encoding.map(Encoding::name),
            delimiters: self.delimiter.map(Delimiter::plural),
            stopped: self.stopped.as_ref().map(|s| s.message.as_str()),
            cancelled,
            mapping_remembered: self.mapping_remembered,
        })
    }

    /// The column mapping this import used, to remember for the next file
    /// with the same columns: every column and the field it fed, or that
    /// it was ignored, with the header's fingerprint (see
    /// [`SavedMapping`]). The failed-rows file's `errors` column at the
    /// end is left out.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "Emial,Cell\nann@example.com,(415) 555-0101\n";
    /// let report = Importer::new(presets::contacts())
    ///     .context(intake::Context::new().default_country("US")?)
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// let saved = report.mapping();
    /// assert!(saved.fits(&["Cell", "Emial"]));
    /// assert_eq!(saved.columns()[0].field.as_deref(), Some("email"));
    /// assert_eq!(saved.columns()[1].field.as_deref(), Some("phone"));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn mapping(&self) -> SavedMapping {
        SavedMapping::new(&self.header, &self.columns)
    }

    /// Writes the failed rows as CSV, ready to fix and upload again: the
    /// original header plus an `errors` column, one row per failure.
    ///
    /// Cells that a spreadsheet would run as a formula (starting with `=`,
    /// `+`, `-`, `@`, tab or carriage return) are prefixed with `'`; the
    /// importer strips that prefix again when the file comes back.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email,first_name\nbad,=HYPERLINK(\"x\")\n";
    /// let report = Importer::new(presets::contacts())
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// let mut out = Vec::new();
    /// report.write_failed_rows(&mut out)?; // an `io::Error` if writing fails
    /// let text = String::from_utf8(out)?;
    /// assert!(text.starts_with("email,first_name,errors\n"));
    /// assert!(text.contains("'=HYPERLINK"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_failed_rows<W: io::Write>(&self, writer: W) -> io::Result<()> {
        let mut out = csv::Writer::from_writer(writer);
        let width = self.header.len();
        let mut header: Vec<String> = self.header.iter().map(|c| neutralize(c)).collect();
        header.push(ERRORS_COLUMN.to_string());
        out.write_record(&header)?;
        for failure in self.failures.iter().chain(&self.unlisted_failures) {
            let mut row: Vec<String> = failure.cells.iter().take(width).map(neutralize).collect();
            row.resize(width, String::new());
            row.push(neutralize(&failure.describe()));
            out.write_record(&row)?;
        }
        out.flush()
    }
}

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Makes a cell safe to open in a spreadsheet (CSV/formula injection).
pub(crate) fn neutralize(cell: &str) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`neutralize`]: a cell that comes back as `'=...` is read as `=...`.
pub(crate) fn unneutralize(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// Whether a flag is off (left out of the JSON report).
fn is_false(flag: &bool) -> bool {
    !*flag
}

/// Whether a count is zero (left out of the JSON report).
fn is_zero(n: &u64) -> bool {
    *n == 0
}
