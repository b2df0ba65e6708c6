//! File-level errors: the import could not start, or was refused whole.
//!
//! The error model follows BurntSushi's `csv` and `jiff`: an [`Error`] is
//! one boxed value (a pointer wide), built only inside the crate, with a
//! [`kind`](Error::kind) and stable [`code`](Error::code) to match on, a
//! message for people, a [`Position`] when the failure has a place in the
//! file, and its cause kept for [`source`](std::error::Error::source) (the
//! I/O error reading the upload, the store's [`StoreError`](crate::StoreError)
//! and through it a database's own error). The message never holds a
//! store's or a server's own text: that is for the app's logs, through
//! `source()`.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// Where in the file something happened: the byte offset, the physical
/// line and the spreadsheet row, as far as they are known.
///
/// Shared by file-level errors ([`Error::position`]), early stops
/// ([`Stopped::position`](crate::Stopped::position)) and row failures
/// ([`RowFailure::position`](crate::RowFailure::position)).
///
/// # Example
///
/// ```
/// use intake::{presets, Importer, MemoryStore};
///
/// let csv = "email,first_name\nann@example.com,Ann\nbad,Bob\n";
/// let report = Importer::new(presets::contacts()).import(csv.as_bytes(), &mut MemoryStore::new())?;
/// let position = report.failures[0].position();
/// assert_eq!((position.line(), position.row()), (3, Some(3)));
/// assert_eq!(position.byte(), None); // not tracked for rows
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    byte: Option<u64>,
    line: u64,
    row: Option<u64>,
}

impl Position {
    /// A position on physical `line` (1-based), row and byte unknown.
    pub(crate) fn line_at(line: u64) -> Position {
        Position {
            byte: None,
            line,
            row: None,
        }
    }

    /// The same position, with the spreadsheet row.
    pub(crate) fn with_row(mut self, row: u64) -> Position {
        self.row = Some(row);
        self
    }

    /// The same position, with the byte offset.
    #[allow(dead_code)] // for readers that know the byte offset
    pub(crate) fn with_byte(mut self, byte: u64) -> Position {
        self.byte = Some(byte);
        self
    }

    /// The byte offset from the start of the upload, if known.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let report = Importer::new(presets::contacts())
    ///     .import("email\nbad\n".as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(report.failures[0].position().byte(), None);
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn byte(&self) -> Option<u64> {
        self.byte
    }

    /// The physical line (1-based) of the file.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let report = Importer::new(presets::contacts())
    ///     .import("email\nbad\n".as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(report.failures[0].position().line(), 2);
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The spreadsheet row (the header is row 1), if known.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let report = Importer::new(presets::contacts())
    ///     .import("email\nbad\n".as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(report.failures[0].position().row(), Some(2));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn row(&self) -> Option<u64> {
        self.row
    }
}

/// A file-level failure: the file as a whole could not be imported.
///
/// Nothing was written to the store when an `Error` is returned. Problems
/// with single rows never become an `Error`; they are
/// [`RowFailure`](crate::RowFailure)s in the [`Report`](crate::Report).
///
/// Only the crate makes them. The [`message`](Error::message) is for the
/// person who uploaded the file; the cause, when there is one (an I/O
/// error, the store's error), is the [`source`](StdError::source), for
/// the app's logs.
///
/// # Example
///
/// ```
/// use intake::{presets, ErrorKind, Importer, MemoryStore};
///
/// let importer = Importer::new(presets::contacts());
/// let err = importer.import("".as_bytes(), &mut MemoryStore::new()).unwrap_err();
/// assert_eq!(err.code(), "empty_file");
/// assert!(matches!(err.kind(), ErrorKind::EmptyFile));
/// assert!(std::error::Error::source(&err).is_none());
/// ```
#[derive(Clone)]
pub struct Error(Box<Inner>);

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    position: Option<Position>,
    source: Option<Arc<dyn StdError + Send + Sync + 'static>>,
}

/// What kind of file-level failure an [`Error`] is.
///
/// Each kind has a stable snake_case [`code`](Error::code).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file holds no header row (`empty_file`).
    EmptyFile,
    /// Required columns are absent from the header (`missing_columns`).
    MissingColumns(Vec<String>),
    /// Several columns map to the same field (`duplicate_columns`).
    /// Each entry names the columns as written, joined by " and ".
    DuplicateColumns(Vec<String>),
    /// The file holds more data rows than allowed (`too_many_rows`).
    TooManyRows {
        /// How many data rows were counted (at least `limit + 1`).
        rows: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The CSV structure is broken (`malformed_csv`).
    MalformedCsv,
    /// The bytes could not be read or decoded (`unreadable`).
    Unreadable,
    /// The store failed in a way that stops the import (`store_failed`).
    StoreFailed,
    /// The file passes one of the [`Limits`](crate::Limits) (`too_large`).
    /// New with the reading limits.
    TooLarge {
        /// Which limit.
        what: crate::Limit,
        /// The configured limit (bytes, or columns).
        limit: u64,
    },
    /// The spreadsheet has no sheet by the name the app gave
    /// (`Importer::sheet`, feature `spreadsheet`) (`unknown_sheet`).
    UnknownSheet {
        /// The name asked for.
        sheet: String,
        /// The file's worksheets, in order: an app can offer them to pick from.
        sheets: Vec<String>,
    },
    /// The schema or import settings given by the app are inconsistent
    /// (`invalid_config`): a programming error in the app, not a problem of
    /// the file.
    InvalidConfig,
    /// A plan handed to [`Importer::commit_plan`](crate::Importer::commit_plan)
    /// is no plan the importer wrote: edited, cut short, made for another
    /// schema, or not a plan at all (`invalid_plan`). Also a plan that
    /// could not be written out. Nothing was written.
    InvalidPlan,
    /// Customers a plan changes were changed since its dry run, or keys it
    /// gives new customers were taken meanwhile (`plan_outdated`): nothing
    /// was written; preview the file again.
    PlanOutdated {
        /// The spreadsheet rows whose decision no longer holds, in file
        /// order (the first found: the commit stops at them).
        rows: Vec<u64>,
    },
    /// [`Importer::undo`](crate::Importer::undo) was given an import id
    /// the store keeps no journal of (`unknown_import`): a mistyped id, an
    /// import into another store, a journal pruned, or an import that
    /// wrote nothing.
    UnknownImport,
}

impl Error {
    /// Creates an error of `kind` with a message for people.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            position: None,
            source: None,
        }))
    }

    /// Keeps `source` as the cause ([`StdError::source`]). The message
    /// may describe it, never quote a store's or a server's own text.
    pub(crate) fn with_source<E>(mut self, source: E) -> Error
    where
        E: StdError + Send + Sync + 'static,
    {
        self.0.source = Some(Arc::new(source));
        self
    }

    /// Attaches where in the file the failure was found.
    pub(crate) fn at(mut self, position: Position) -> Error {
        self.0.position = Some(position);
        self
    }

    /// Attaches the physical line (1-based) the failure was found on.
    pub(crate) fn with_line(self, line: u64) -> Error {
        self.at(Position::line_at(line))
    }

    /// The kind of failure.
    ///
    /// ```
    /// use intake::{presets, ErrorKind, Importer, MemoryStore};
    ///
    /// let err = Importer::new(presets::contacts())
    ///     .import("".as_bytes(), &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::EmptyFile);
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The stable snake_case code, as listed in the crate documentation.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let err = Importer::new(presets::contacts())
    ///     .import("".as_bytes(), &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "empty_file");
    /// ```
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// The message for the person who uploaded the file.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let err = Importer::new(presets::contacts())
    ///     .import("".as_bytes(), &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert!(!err.message().is_empty());
    /// ```
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Where in the file the failure was found, if it has a place.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let err = Importer::new(presets::contacts())
    ///     .import("email,\"first_name\nann@example.com,Ann\n".as_bytes(), &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "malformed_csv");
    /// assert_eq!(err.position().map(|p| p.line()), Some(1));
    /// ```
    pub fn position(&self) -> Option<Position> {
        self.0.position
    }

    /// The physical line (1-based) where the failure was found, if known:
    /// the [`position`](Error::position)'s line.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let err = Importer::new(presets::contacts())
    ///     .import("".as_bytes(), &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert_eq!(err.line(), None);
    /// ```
    pub fn line(&self) -> Option<u64> {
        self.0.position.map(|p| p.line)
    }
}

impl ErrorKind {
    /// The stable snake_case code of the kind ([`Error::code`]).
    pub(crate) fn code(&self) -> &'static str {
        match self {
            ErrorKind::EmptyFile => "empty_file",
            ErrorKind::MissingColumns(_) => "missing_columns",
            ErrorKind::DuplicateColumns(_) => "duplicate_columns",
            ErrorKind::TooManyRows { .. } => "too_many_rows",
            ErrorKind::MalformedCsv => "malformed_csv",
            ErrorKind::Unreadable => "unreadable",
            ErrorKind::StoreFailed => "store_failed",
            ErrorKind::UnknownSheet { .. } => "unknown_sheet",
            ErrorKind::InvalidConfig => "invalid_config",
            ErrorKind::InvalidPlan => "invalid_plan",
            ErrorKind::PlanOutdated { .. } => "plan_outdated",
            ErrorKind::UnknownImport => "unknown_import",
            ErrorKind::TooLarge { .. } => "too_large",
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("position", &self.0.position)
            .field("source", &self.0.source)
            .finish()
    }
}

/// Two errors are equal when their kind, message and position are: the
/// causes are not compared.
impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.0.kind == other.0.kind
            && self.0.message == other.0.message
            && self.0.position == other.0.position
    }
}

impl Eq for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line() {
            Some(line) => write!(f, "line {line}: {}", self.0.message),
            None => f.write_str(&self.0.message),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// The JSON form: `code`, `message` and `line` (the cause is not part of
/// it: it is for the app's logs).
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Error", 3)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.0.message)?;
        s.serialize_field("line", &self.line())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn the_cause_is_the_source_and_not_in_the_message() {
        let io = std::io::Error::other("disk on fire");
        let err = Error::new(ErrorKind::Unreadable, "The file could not be read.")
            .with_source(io)
            .with_line(3);
        assert_eq!(err.to_string(), "line 3: The file could not be read.");
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("disk on fire")
        );
        assert_eq!(err.position(), Some(Position::line_at(3)));
    }
}
