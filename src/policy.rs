//! What to do with a row whose customer may already exist.

use crate::record::Record;

/// How rows are matched to existing customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// A row that matches a customer updates it; otherwise it creates one.
    Upsert,
    /// A row that matches a customer fails as `already_exists`; a repeat
    /// inside the file fails as `duplicate_in_file`.
    InsertOnly,
    /// A row that matches no customer fails as `not_found`.
    UpdateOnly,
}

/// The import policy: the [`Mode`] and how updates treat empty cells.
///
/// ```
/// use intake::{Mode, Policy};
///
/// let p = Policy::upsert().clear_empty(true);
/// assert_eq!(p.mode(), Mode::Upsert);
/// assert!(p.clears_empty());
/// assert_eq!(Policy::default(), Policy::upsert());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    mode: Mode,
    clear_empty: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::upsert()
    }
}

impl Policy {
    /// Match → update, no match → insert.
    pub fn upsert() -> Policy {
        Policy::new(Mode::Upsert)
    }

    /// Only new customers; existing ones fail the row.
    pub fn insert_only() -> Policy {
        Policy::new(Mode::InsertOnly)
    }

    /// Only existing customers; unknown ones fail the row.
    pub fn update_only() -> Policy {
        Policy::new(Mode::UpdateOnly)
    }

    /// A policy of `mode` that keeps existing values for empty cells.
    pub fn new(mode: Mode) -> Policy {
        Policy {
            mode,
            clear_empty: false,
        }
    }

    /// Whether an empty cell in a column the file has erases the customer's
    /// existing value on update (default: no, empty cells keep values).
    pub fn clear_empty(mut self, clear: bool) -> Policy {
        self.clear_empty = clear;
        self
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether empty cells erase existing values.
    pub fn clears_empty(&self) -> bool {
        self.clear_empty
    }

    /// Parses `upsert`, `insert-only` or `update-only` (also with `_`).
    ///
    /// ```
    /// use intake::{Mode, Policy};
    /// assert_eq!(Policy::parse("insert-only").unwrap().mode(), Mode::InsertOnly);
    /// assert!(Policy::parse("merge").is_none());
    /// ```
    pub fn parse(name: &str) -> Option<Policy> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "upsert" => Some(Policy::upsert()),
            "insert-only" | "insert" => Some(Policy::insert_only()),
            "update-only" | "update" => Some(Policy::update_only()),
            _ => None,
        }
    }
}

impl std::str::FromStr for Policy {
    type Err = crate::Error;

    /// As [`Policy::parse`]; anything else is `invalid_config`.
    ///
    /// ```
    /// use intake::{Mode, Policy};
    /// let policy: Policy = "update-only".parse()?;
    /// assert_eq!(policy.mode(), Mode::UpdateOnly);
    /// assert_eq!("merge".parse::<Policy>().unwrap_err().code(), "invalid_config");
    /// # Ok::<(), intake::Error>(())
    /// ```
    fn from_str(name: &str) -> Result<Policy, crate::Error> {
        Policy::parse(name).ok_or_else(|| {
            crate::Error::new(
                crate::ErrorKind::InvalidConfig,
                format!(
                    "'{}' is not a policy: use upsert, insert-only or update-only",
                    name.trim()
                ),
            )
        })
    }
}

impl Policy {
    /// The customer an update leaves: `existing` with the row's values laid
    /// over it, and, when clearing, the `empty` fields removed.
    pub(crate) fn merge(&self, existing: &Record, row: &Record, empty: &[&str]) -> Record {
        let clears = |field: &str| self.clear_empty && empty.contains(&field);
        let changes = row
            .iter()
            .any(|(field, value)| existing.get(field) != Some(value))
            || existing.iter().any(|(field, _)| clears(field));
        if !changes {
            // Records share their values: an unchanged customer copies
            // nothing.
            return existing.clone();
        }
        existing
            .iter()
            .filter(|(field, _)| !row.contains(field) && !clears(field))
            .chain(row.iter())
            .map(|(field, value)| (field, value.clone()))
            .collect()
    }
}
