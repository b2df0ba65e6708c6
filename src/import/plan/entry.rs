//! A row's decision as a plan keeps it, made when the row is decided.

use super::format::{self, FieldSet, Line};
use crate::import::decide::{self, Decision};
use crate::import::known::Target;
use crate::record::Record;
use crate::report::Action;
use crate::schema::Schema;

/// A row's line of the plan, made when the row is decided and written
/// once the row is counted.
pub(crate) struct PlanRow(pub(super) Line);

impl PlanRow {
    /// The plan's line for `row` (starting on the file's `line`), decided
    /// as `decision`.
    pub(crate) fn of(
        schema: &Schema,
        identifiers: &[String],
        (row, line): (u64, u64),
        decision: &Decision,
    ) -> PlanRow {
        PlanRow(match (decision.action, &decision.before) {
            (Action::Insert, _) => Line::Insert {
                row,
                line,
                values: format::values_text(&decision.record),
            },
            (Action::Update, Some(before)) => Line::Update {
                row,
                line,
                customer: match &decision.target {
                    Target::Stored(id) => Some(id.to_string()),
                    Target::New(_) => None,
                },
                keys: decide::keys(identifiers, before)
                    .iter()
                    .map(format::key_text)
                    .collect(),
                fingerprint: super::fingerprint(before),
                changes: changes(schema, before, &decision.record),
            },
            (Action::Update, None) => {
                debug_assert!(false, "an update without the customer's values before");
                Line::Unchanged { row }
            }
            _ => Line::Unchanged { row },
        })
    }
}

/// The fields an update sets, with the value written (typed) and the one
/// before (for people; a secret's withheld).
fn changes(schema: &Schema, before: &Record, after: &Record) -> Vec<FieldSet> {
    decide::differing_fields(before, after)
        .into_iter()
        .map(|field| {
            let secret = schema.field(field).is_some_and(|f| f.is_secret());
            FieldSet {
                field: field.to_string(),
                before: before
                    .get(field)
                    .filter(|_| !secret)
                    .map(ToString::to_string),
                after: after.get(field).map(format::value_text),
            }
        })
        .collect()
}
