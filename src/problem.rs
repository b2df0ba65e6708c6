//! What is wrong with a cell or a row: a [`Problem`] and its stable
//! [`ProblemCode`]. Below the validators, the rules and the policy that
//! find them, and the report that lists them.

use std::fmt;

use serde::Serialize;

/// The stable code of a row-level [`Problem`].
///
/// Codes are part of the crate's contract: they serialize as the snake_case
/// names below and never change meaning. Messages are for people and may.
///
/// ```
/// use intake::ProblemCode;
/// assert_eq!(ProblemCode::InvalidEmail.as_str(), "invalid_email");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemCode {
    /// A required value is empty.
    Required,
    /// None of the fields that identify a customer has a value.
    NoIdentifier,
    /// Not an email address.
    InvalidEmail,
    /// Not a phone number.
    InvalidPhone,
    /// Not a date in an accepted format, or an impossible date.
    InvalidDate,
    /// A value outside a choice list.
    NotAllowed,
    /// A state that is not one of the country's states.
    UnknownState,
    /// A country that is not recognised.
    UnknownCountry,
    /// Longer than the field allows.
    TooLong,
    /// The row repeats a customer an earlier row of the file has.
    DuplicateInFile,
    /// The customer already exists (insert-only imports).
    AlreadyExists,
    /// No such customer exists (update-only imports).
    NotFound,
    /// The row's identifiers match two different customers.
    AmbiguousMatch,
    /// The store refused or failed the write.
    StoreFailed,
    /// The row has non-empty cells beyond the header's columns.
    ExtraCells,
    /// Not a number.
    InvalidNumber,
    /// Not a postal code of the row's country.
    InvalidPostalCode,
    /// An undo left the customer as it is: something else (another
    /// import, the app) changed it after the import being undone, or it
    /// can no longer be restored.
    ChangedSince,
}

impl ProblemCode {
    /// Every code, in declaration order: a new code goes here too, or a
    /// plan's failures with it are refused.
    const ALL: [ProblemCode; 18] = [
        ProblemCode::Required,
        ProblemCode::NoIdentifier,
        ProblemCode::InvalidEmail,
        ProblemCode::InvalidPhone,
        ProblemCode::InvalidDate,
        ProblemCode::NotAllowed,
        ProblemCode::UnknownState,
        ProblemCode::UnknownCountry,
        ProblemCode::TooLong,
        ProblemCode::DuplicateInFile,
        ProblemCode::AlreadyExists,
        ProblemCode::NotFound,
        ProblemCode::AmbiguousMatch,
        ProblemCode::StoreFailed,
        ProblemCode::ExtraCells,
        ProblemCode::InvalidNumber,
        ProblemCode::InvalidPostalCode,
        ProblemCode::ChangedSince,
    ];

    /// The code whose [`as_str`](ProblemCode::as_str) is `code`.
    pub(crate) fn from_code(code: &str) -> Option<ProblemCode> {
        ProblemCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::Required => "required",
            ProblemCode::NoIdentifier => "no_identifier",
            ProblemCode::InvalidEmail => "invalid_email",
            ProblemCode::InvalidPhone => "invalid_phone",
            ProblemCode::InvalidDate => "invalid_date",
            ProblemCode::NotAllowed => "not_allowed",
            ProblemCode::UnknownState => "unknown_state",
            ProblemCode::UnknownCountry => "unknown_country",
            ProblemCode::TooLong => "too_long",
            ProblemCode::DuplicateInFile => "duplicate_in_file",
            ProblemCode::AlreadyExists => "already_exists",
            ProblemCode::NotFound => "not_found",
            ProblemCode::AmbiguousMatch => "ambiguous_match",
            ProblemCode::StoreFailed => "store_failed",
            ProblemCode::ExtraCells => "extra_cells",
            ProblemCode::InvalidNumber => "invalid_number",
            ProblemCode::InvalidPostalCode => "invalid_postal_code",
            ProblemCode::ChangedSince => "changed_since",
        }
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with one row.
///
/// ```
/// use intake::{Problem, ProblemCode};
///
/// let p = Problem::new(ProblemCode::Required, "city is required.").in_column("City");
/// assert_eq!(p.column.as_deref(), Some("City"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Problem {
    /// The column as written in the file's header; `None` for a problem of
    /// the whole row (such as `no_identifier` or `ambiguous_match`).
    pub column: Option<String>,
    /// The schema field the problem concerns, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The stable code.
    pub code: ProblemCode,
    /// What is wrong and what to do, for the person who uploaded the file.
    pub message: String,
    /// Close allowed values, best first (choices, states).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
}

impl Problem {
    /// A problem with `code` and a message, for no particular column.
    pub fn new(code: ProblemCode, message: impl Into<String>) -> Problem {
        Problem {
            column: None,
            field: None,
            code,
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    /// Names the column (as written in the file) the problem is in.
    pub fn in_column(mut self, column: impl Into<String>) -> Problem {
        self.column = Some(column.into());
        self
    }

    /// Names the schema field the problem concerns.
    pub fn for_field(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    /// Adds suggestions, best first.
    pub fn with_suggestions(mut self, suggestions: Vec<String>) -> Problem {
        self.suggestions = suggestions;
        self
    }
}
