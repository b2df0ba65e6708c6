//! The report as an import makes it: the columns' warnings at the start,
//! each row counted or failed as its batch is settled, the closing
//! warnings at the end.

use std::collections::BTreeMap;

use super::batch::Decided;
use super::checker::Checker;
use super::row::CheckedRow;
use crate::messages;
use crate::read::{Cells, RawRow};
use crate::record::Value;
use crate::report::{
    Action, Change, ColumnMapping, Problem, ProblemCode, Report, RowFailure, Warning, WarningCode,
    ERRORS_COLUMN,
};
use crate::schema::Memory;
use crate::store::StoreError;

/// How many unrecognised values get a warning each.
const MAX_NOTES: u64 = 50;

/// The report being made, and what making it needs to remember.
pub(super) struct Tally {
    pub(super) report: Report,
    /// How many values were kept as written although not recognised.
    notes: u64,
    /// How many failures the report keeps (for the failed-rows file); the
    /// rest are only counted.
    listed_failures: u64,
    /// How many changes and failures the report lists
    /// ([`Importer::list_first`](crate::Importer::list_first)).
    list_first: usize,
}

impl Tally {
    /// A report for the file `checker` imports: its columns, and a warning
    /// for each column not imported or read as a likely typo, and about a
    /// remembered mapping, when one was given.
    pub(super) fn new(checker: &Checker, memory: &Memory) -> Tally {
        let importer = &checker.importer;
        let (header, map) = (&checker.header, &checker.map);
        let fields = importer.schema.fields();
        let columns = header
            .iter()
            .enumerate()
            .map(|(col, name)| ColumnMapping {
                column: name.clone(),
                field: map
                    .field_of(col)
                    .and_then(|f| fields.get(f))
                    .map(|f| f.id().to_string()),
            })
            .collect::<Vec<_>>();
        let mut warnings: Vec<Warning> = memory_warning(memory).into_iter().collect();
        for (col, mapping) in columns.iter().enumerate() {
            let note = map.note(col).map(str::to_string);
            // Our own failed-rows file, uploaded again once fixed: its last
            // column explains the failures and is no data to warn about.
            if mapping.field.is_none() && col + 1 == header.len() && mapping.column == ERRORS_COLUMN
            {
                continue;
            }
            if mapping.field.is_none() {
                let message = note.unwrap_or_else(|| {
                    if mapping.column.trim().is_empty() {
                        messages::header::UNNAMED_COLUMN.to_string()
                    } else {
                        messages::header::column_matches_nothing(&mapping.column)
                    }
                });
                warnings.push(Warning::new(WarningCode::IgnoredColumn, message));
            } else if let Some(message) = note {
                // Read as the closest field name: the person should check it.
                warnings.push(Warning::new(WarningCode::GuessedColumn, message));
            }
        }
        let mut report = Report::new(header.clone(), columns, importer.dry_run);
        report.warnings = warnings;
        report.mapping_remembered = *memory == Memory::Used;
        if importer.preview {
            report.changes = Some(Vec::new());
        }
        Tally {
            report,
            notes: 0,
            listed_failures: importer.read.limits.get_max_listed_failures(),
            list_first: importer.list_first,
        }
    }

    /// Warns about what a row's values need the person to know; after
    /// [`MAX_NOTES`], only counts.
    pub(super) fn note(&mut self, checked: &CheckedRow) {
        for (code, note) in &checked.notes {
            self.notes += 1;
            if self.notes <= MAX_NOTES {
                self.report.warnings.push(Warning::new(
                    *code,
                    messages::row::note(checked.raw.row, note),
                ));
            }
        }
    }

    /// Fails a row with `problems`; listed up to the limit, counted always.
    pub(super) fn fail(&mut self, checker: &Checker, raw: &RawRow, problems: Vec<Problem>) {
        self.report.failed += 1;
        if self.report.failures.len() as u64 >= self.listed_failures {
            self.report.failures_not_listed += 1;
            return;
        }
        let (cells, removed) = failed_cells(checker, raw);
        let note = removed.then(|| messages::PASSWORD_REMOVED.to_string());
        self.report
            .failures
            .push(RowFailure::new(raw.row, raw.line, problems, note, cells));
    }

    /// Fails a row because the store failed it: the person reads
    /// `message`, the app gets the store's error from the failure.
    pub(super) fn fail_in_store(
        &mut self,
        checker: &Checker,
        raw: &RawRow,
        message: String,
        error: &StoreError,
    ) {
        let listed = self.report.failures.len();
        self.fail(
            checker,
            raw,
            vec![Problem::new(ProblemCode::StoreFailed, message)],
        );
        if self.report.failures.len() > listed {
            if let Some(failure) = self.report.failures.pop() {
                self.report
                    .failures
                    .push(failure.with_store_error(error.clone()));
            }
        }
    }

    /// Counts a row whose write (if it had one) was saved, and lists it in
    /// the preview.
    pub(super) fn count(&mut self, decided: Decided) {
        let report = &mut self.report;
        match decided.action {
            Action::Insert => report.inserted += 1,
            Action::Update => report.updated += 1,
            Action::Unchanged => report.unchanged += 1,
        }
        if decided.city_filled {
            report.cities_filled += 1;
        }
        report.corrected += decided.corrected as u64;
        if let (Some(changes), Some(values)) = (report.changes.as_mut(), &decided.values) {
            let values: BTreeMap<String, String> = values
                .iter()
                .filter(|(_, v)| !matches!(v, Value::PasswordHash(_)))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let change = Change {
                row: decided.row,
                action: decided.action,
                customer: decided.customer,
                values,
                changed: decided.changed,
                corrections: decided.corrections,
            };
            list_first(
                changes,
                change,
                self.list_first,
                &mut report.changes_not_listed,
            );
        }
    }

    /// The report, with the warnings only the end can give and its lists
    /// in file order (a row retried after a conflict is settled after the
    /// rows that follow it).
    pub(super) fn finish(mut self) -> Report {
        if self.notes > MAX_NOTES {
            self.report.warnings.push(Warning::new(
                WarningCode::Unrecognized,
                messages::more_unrecognized(self.notes - MAX_NOTES),
            ));
        }
        let report = &mut self.report;
        report.failures.sort_by_key(|f| f.row);
        if let Some(changes) = report.changes.as_mut() {
            changes.sort_by_key(|c| c.row);
        }
        // Rows failed beyond what the report keeps are in no file: the
        // person must hear it. Rows kept but not listed are in the file.
        if report.failures_not_listed > 0 {
            report.warnings.push(Warning::new(
                WarningCode::TooManyFailures,
                messages::more_failures(report.failures_not_listed),
            ));
        }
        if report.failures.len() > self.list_first {
            report.unlisted_failures = report.failures.split_off(self.list_first);
            report.failures_not_listed += report.unlisted_failures.len() as u64;
        }
        self.report
    }
}

/// Lists `item` among the first `limit` by row, counting what is left out.
/// Rows come in file order but for those decided again after a conflict:
/// such a row takes the place of the last listed one after it.
fn list_first(items: &mut Vec<Change>, item: Change, limit: usize, left_out: &mut u64) {
    if items.len() < limit {
        items.push(item);
        return;
    }
    *left_out += 1;
    let latest = items
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| c.row)
        .filter(|(_, c)| c.row > item.row)
        .map(|(i, _)| i);
    if let Some(slot) = latest.and_then(|i| items.get_mut(i)) {
        *slot = item;
    }
}

/// The warning about a remembered mapping not used, if one was given and
/// not used.
fn memory_warning(memory: &Memory) -> Option<Warning> {
    let message = match memory {
        Memory::NoneGiven | Memory::Used => return None,
        Memory::OtherLayout(saved) => messages::header::mapping_other_layout(*saved),
        Memory::MissingColumn(column) => messages::header::mapping_missing_column(column),
        Memory::Refused => messages::header::MAPPING_REFUSED.to_string(),
    };
    Some(Warning::new(WarningCode::MappingNotUsed, message))
}

/// A failed row's cells for the failed-rows file, secrets blanked; and
/// whether a secret was removed.
fn failed_cells(checker: &Checker, raw: &RawRow) -> (Cells, bool) {
    let fields = checker.importer.schema.fields();
    let secret = |col: usize| {
        checker
            .map
            .field_of(col)
            .and_then(|f| fields.get(f))
            .is_some_and(|f| f.is_secret())
    };
    let removed = raw
        .cells()
        .enumerate()
        .any(|(col, cell)| secret(col) && !cell.trim().is_empty());
    if !removed {
        return (raw.cells.clone(), false);
    }
    let cells = raw
        .cells()
        .enumerate()
        .map(|(col, cell)| if secret(col) { "" } else { cell })
        .collect();
    (cells, true)
}
