//! File-level errors: the import could not start, or was refused whole.

use std::fmt;

/// A file-level failure: the file as a whole could not be imported.
///
/// Nothing was written to the store when an `Error` is returned. Problems
/// with single rows never become an `Error`; they are
/// [`RowFailure`](crate::RowFailure)s in the [`Report`](crate::Report).
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
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    line: Option<u64>,
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
}

impl Error {
    /// Creates an error of `kind` with a message for people.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            line: None,
        }
    }

    /// Attaches the physical line (1-based) the failure was found on.
    pub fn with_line(mut self, line: u64) -> Error {
        self.line = Some(line);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The stable snake_case code, as listed in the crate documentation.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::EmptyFile => "empty_file",
            ErrorKind::MissingColumns(_) => "missing_columns",
            ErrorKind::DuplicateColumns(_) => "duplicate_columns",
            ErrorKind::TooManyRows { .. } => "too_many_rows",
            ErrorKind::MalformedCsv => "malformed_csv",
            ErrorKind::Unreadable => "unreadable",
            ErrorKind::StoreFailed => "store_failed",
            ErrorKind::UnknownSheet { .. } => "unknown_sheet",
            ErrorKind::InvalidConfig => "invalid_config",
            ErrorKind::TooLarge { .. } => "too_large",
        }
    }

    /// The message for the person who uploaded the file.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The physical line (1-based) where the failure was found, if known.
    pub fn line(&self) -> Option<u64> {
        self.line
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Error", 3)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.message)?;
        s.serialize_field("line", &self.line)?;
        s.end()
    }
}
