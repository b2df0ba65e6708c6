//! The report's summary: a few sentences saying what an import did.

use super::plural;

/// What the summary tells, as the report counts it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Facts<'a> {
    /// Data rows read.
    pub rows: u64,
    /// New customers.
    pub inserted: u64,
    /// Customers changed.
    pub updated: u64,
    /// Rows whose customer already had their values.
    pub unchanged: u64,
    /// Empty cities filled in.
    pub cities_filled: u64,
    /// Values corrected.
    pub corrected: u64,
    /// Rows not imported.
    pub failed: u64,
    /// A dry run.
    pub dry_run: bool,
    /// An all-or-nothing import that undid its writes.
    pub rolled_back: bool,
    /// The encoding's name, when it was not UTF-8.
    pub encoding: Option<&'a str>,
    /// The delimiters, as in "cells separated by {delimiters}", when they
    /// were not commas.
    pub delimiters: Option<&'a str>,
    /// Why the import stopped early, if it did.
    pub stopped: Option<&'a str>,
    /// Whether it stopped because it was cancelled.
    pub cancelled: bool,
    /// Whether the columns were mapped as remembered from an earlier
    /// import.
    pub mapping_remembered: bool,
}

/// The summary of an import.
pub(crate) fn summary(facts: &Facts<'_>) -> String {
    let mut parts = Vec::new();
    if facts.rows == 0 {
        parts.push("The file has no customer rows.".to_string());
    } else {
        counts(facts, &mut parts);
    }
    match (facts.encoding, facts.delimiters) {
        (Some(encoding), Some(delimiters)) => parts.push(format!(
            "The file was read as {encoding} text, with cells separated by {delimiters}."
        )),
        (Some(encoding), None) => parts.push(format!("The file was read as {encoding} text.")),
        (None, Some(delimiters)) => parts.push(format!(
            "The file was read with cells separated by {delimiters}."
        )),
        (None, None) => {}
    }
    if facts.mapping_remembered {
        parts.push(super::header::MAPPING_REMEMBERED.to_string());
    }
    if let Some(stopped) = facts.stopped {
        if facts.cancelled {
            parts.push(stopped.to_string());
        } else {
            parts.push(format!("The import stopped early: {stopped}"));
        }
    }
    if facts.dry_run {
        parts.push("Nothing was written.".to_string());
    } else if facts.rolled_back && facts.cancelled {
        parts.push("Nothing was written: this import is all-or-nothing.".to_string());
    } else if facts.rolled_back {
        parts.push(
            "Nothing was written: this import is all-or-nothing. Fix the failed rows and upload the file again."
                .to_string(),
        );
    }
    parts.join(" ")
}

/// The sentences of the counts, for a file with rows.
fn counts(facts: &Facts<'_>, parts: &mut Vec<String>) {
    let imported = facts.inserted + facts.updated;
    let verb = if facts.dry_run {
        "Dry run: would import"
    } else if facts.rolled_back {
        "Would have imported"
    } else {
        "Imported"
    };
    let mut detail = Vec::new();
    if facts.inserted > 0 {
        detail.push(format!("{} new", facts.inserted));
    }
    if facts.updated > 0 {
        detail.push(format!("{} updated", facts.updated));
    }
    let up_to_date = plural(facts.unchanged, "customer was", "customers were");
    if imported == 0 && facts.unchanged > 0 {
        // "Imported 0 customers" reads as a failure; it is not one.
        let prefix = if facts.dry_run {
            "Dry run: nothing"
        } else {
            "Nothing"
        };
        parts.push(format!(
            "{prefix} to import: {up_to_date} already up to date."
        ));
    } else {
        let mut line = format!("{verb} {}", plural(imported, "customer", "customers"));
        if detail.is_empty() {
            line.push('.');
        } else {
            line.push_str(": ");
            line.push_str(&detail.join(", "));
            line.push('.');
        }
        parts.push(line);
    }
    if facts.cities_filled > 0 {
        parts.push(format!(
            "{} filled in from the state or the company's city.",
            plural(facts.cities_filled, "empty city was", "empty cities were")
        ));
    }
    if facts.unchanged > 0 && imported > 0 {
        parts.push(format!("{up_to_date} already up to date."));
    }
    if facts.corrected > 0 {
        parts.push(format!(
            "{} corrected; see the preview.",
            plural(facts.corrected, "value was", "values were")
        ));
    }
    if facts.failed > 0 {
        parts.push(format!(
            "{} failed; see the failed rows.",
            plural(facts.failed, "row", "rows")
        ));
    } else if facts.dry_run {
        parts.push("No rows failed.".to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_rows_says_so() {
        assert_eq!(summary(&Facts::default()), "The file has no customer rows.");
    }

    #[test]
    fn a_file_of_customers_up_to_date_imported_nothing_and_failed_nothing() {
        let facts = Facts {
            rows: 2,
            unchanged: 2,
            delimiters: Some("semicolons"),
            ..Facts::default()
        };
        assert_eq!(
            summary(&facts),
            "Nothing to import: 2 customers were already up to date. The file was read with cells separated by semicolons."
        );
    }
}
