//! The plan's lines as JSON, and the values in them.
//!
//! Values keep their kind (an email, a date, a password's hash…) as a
//! prefix: `email:ann@example.com`, `date:1990-05-01`, `password_hash:$argon2id$…`, so that a commit
//! writes exactly the values the dry run made, never read again from
//! text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::record::{Record, Value};
use crate::report::{Problem, ProblemCode, RowFailure};
use crate::schema::SavedMapping;
use crate::store::MatchKey;

/// One line of a plan.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Line {
    Head(Head),
    Insert {
        row: u64,
        line: u64,
        values: BTreeMap<String, String>,
    },
    Update {
        row: u64,
        line: u64,
        /// The customer's id as text; `None` for a customer an earlier
        /// row of the file creates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer: Option<String>,
        /// The customer's match keys before the row, to find it again.
        keys: Vec<String>,
        /// The customer's values before the row ([`super::fingerprint`]).
        fingerprint: String,
        changes: Vec<FieldSet>,
    },
    Unchanged {
        row: u64,
    },
    Failure {
        row: u64,
        line: u64,
        problems: Vec<PlanProblem>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        cells: Vec<String>,
    },
    End(End),
}

/// The plan's first line.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Head {
    pub(super) intake_plan: u32,
    pub(super) schema: String,
    pub(super) header: Vec<String>,
    pub(super) mapping: SavedMapping,
}

/// The plan's last line.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct End {
    pub(super) rows: u64,
    pub(super) inserted: u64,
    pub(super) updated: u64,
    pub(super) unchanged: u64,
    pub(super) failed: u64,
    pub(super) checksum: String,
}

/// A field an update sets: its value before, for people (withheld for a
/// secret), and the value written (`None`: cleared).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct FieldSet {
    pub(super) field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) after: Option<String>,
}

/// A failed row's problem.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PlanProblem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    column: Option<String>,
    code: String,
    message: String,
}

impl Line {
    /// The line of a failed row.
    pub(super) fn failure(failure: &RowFailure) -> Line {
        Line::Failure {
            row: failure.row,
            line: failure.line,
            problems: failure
                .problems
                .iter()
                .map(|p| PlanProblem {
                    column: p.column.clone(),
                    code: p.code.as_str().to_string(),
                    message: p.message.clone(),
                })
                .collect(),
            note: failure.note.clone(),
            cells: failure.cells.iter().map(str::to_string).collect(),
        }
    }
}

/// A failed row of the plan as the commit's report lists it; `None` when
/// a code is not one of ours.
pub(super) fn row_failure(
    row: u64,
    line: u64,
    problems: Vec<PlanProblem>,
    note: Option<String>,
    cells: Vec<String>,
) -> Option<RowFailure> {
    let problems = problems
        .into_iter()
        .map(|p| {
            let code = ProblemCode::from_code(&p.code)?;
            let problem = Problem::new(code, p.message);
            Some(match p.column {
                Some(column) => problem.in_column(column),
                None => problem,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(RowFailure::new(
        row,
        line,
        problems,
        note,
        cells.into_iter().collect(),
    ))
}

/// A value as the plan writes it: its kind, a colon, its text.
pub(super) fn value_text(value: &Value) -> String {
    format!("{}:{value}", value.kind_name())
}

/// A value the plan wrote; `None` when it is no value of ours.
pub(super) fn value_of(text: &str) -> Option<Value> {
    let (kind, text) = text.split_once(':')?;
    Value::of_kind(kind, text)
}

/// A record's values as the plan writes them.
pub(super) fn values_text(record: &Record) -> BTreeMap<String, String> {
    record
        .iter()
        .map(|(field, value)| (field.to_string(), value_text(value)))
        .collect()
}

/// The record a plan's values make; `None` when one is no value of ours.
pub(super) fn record_of(values: &BTreeMap<String, String>) -> Option<Record> {
    values
        .iter()
        .map(|(field, text)| Some((field.as_str(), value_of(text)?)))
        .collect::<Option<Vec<_>>>()
        .map(|values| values.into_iter().collect())
}

/// A match key as the plan writes it.
pub(super) fn key_text(key: &MatchKey) -> String {
    match key {
        MatchKey::Email(v) => format!("email:{}", v.as_str()),
        MatchKey::Phone(v) => format!("phone:{}", v.as_str()),
    }
}

/// A match key the plan wrote.
pub(super) fn key_of(text: &str) -> Option<MatchKey> {
    match value_of(text)? {
        Value::Email(v) => Some(MatchKey::Email(v)),
        Value::Phone(v) => Some(MatchKey::Phone(v)),
        _ => None,
    }
}

/// FNV-1a, 64 bits: what tells a plan cut short or edited. Not a
/// signature.
pub(super) struct Checksum(u64);

impl Default for Checksum {
    fn default() -> Checksum {
        Checksum(0xcbf2_9ce4_8422_2325)
    }
}

impl Checksum {
    pub(super) fn add(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(super) fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}
