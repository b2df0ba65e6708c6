//! The sentences people read, and their plurals: one place, so that they
//! read alike (and can one day be translated together).
//!
//! Here, the sentences about an import as a whole and about the customer
//! database, and the words every sentence uses (a quoted value, a list, a
//! size, a count); by concern:
//!
//! - [`cell`]: one value (emails, phones, dates, numbers, choices,
//!   lengths, postal codes, formulas, values a spreadsheet changed);
//! - [`place`]: countries and states;
//! - [`row`]: a row as a whole (required values, who the customer is,
//!   repeats, cells past the header);
//! - [`header`]: the columns, the header mapping, the template;
//! - [`file`]: reading the file (encodings, limits, malformed CSV);
//! - `spreadsheet`: reading a spreadsheet upload;
//! - [`summary`]: the report's summary;
//! - [`undo`]: undoing an import.
//!
//! The rules that find a problem call these with the values a sentence
//! names, as plain text and numbers: this module uses nothing of the
//! crate's own, so that every module may use it. None of these sentences
//! ever quotes a store's or a hasher's own text.

pub(crate) mod cell;
pub(crate) mod file;
pub(crate) mod header;
pub(crate) mod place;
pub(crate) mod plan;
pub(crate) mod row;
#[cfg(feature = "spreadsheet")]
pub(crate) mod spreadsheet;
pub(crate) mod summary;
pub(crate) mod undo;

/// How much of a refused value a message quotes, so one huge cell cannot
/// make the report huge.
const QUOTE_LIMIT: usize = 40;

/// The value quoted for a message, shortened if long: `'ann@'`,
/// `'aaaa…'`.
pub(crate) fn quote(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(QUOTE_LIMIT).collect();
    if chars.next().is_some() {
        format!("'{head}…'")
    } else {
        format!("'{head}'")
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A count for people, its thousands grouped: "12,000,000".
#[cfg_attr(not(feature = "spreadsheet"), allow(dead_code))]
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count for people: "128 KB", "1 GB", "1500 bytes".
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")];
    for (unit, name) in UNITS {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    if bytes == 1 {
        "1 byte".to_string()
    } else {
        format!("{bytes} bytes")
    }
}

/// `n` with the singular or the plural: `1 row`, `2 rows`.
pub(crate) fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Whether trying again later may help, after a store failure.
pub(crate) fn retry_hint(temporary: bool) -> &'static str {
    if temporary {
        "Upload it again later."
    } else {
        "Trying again later may not help: if it fails again, contact support."
    }
}

/// A row whose write the store refused.
pub(crate) fn not_saved(conflict: bool, temporary: bool) -> String {
    if conflict {
        "The customer could not be saved: its email or phone already belongs to another customer. Correct the email or phone, or update that customer instead.".to_string()
    } else {
        format!(
            "The customer could not be saved because of a problem with the customer database, not with this row. {}",
            retry_hint(temporary)
        )
    }
}

/// A row whose customer the store could not look up.
pub(crate) fn not_looked_up(temporary: bool) -> String {
    format!(
        "The customer could not be looked up because of a problem with the customer database, not with this row. {}",
        retry_hint(temporary)
    )
}

/// An all-or-nothing import whose transaction could not start.
pub(crate) fn begin_failed(temporary: bool) -> String {
    format!(
        "The customer database could not start an all-or-nothing import, so nothing was written. {}",
        retry_hint(temporary)
    )
}

/// An all-or-nothing import whose transaction could not be ended.
pub(crate) fn end_failed(temporary: bool) -> String {
    format!(
        "The customer database could not finish the import, so nothing was written. {}",
        retry_hint(temporary)
    )
}

/// An all-or-nothing import the store failed.
pub(crate) fn failed_nothing_written(temporary: bool) -> String {
    format!(
        "The customer database failed, so nothing was written. {}",
        retry_hint(temporary)
    )
}

/// What a stop left out: the rows from `row` on.
pub(crate) fn rest_not_imported(row: u64) -> String {
    format!("row {row} and the rows after it were not imported")
}

/// An import the app cancelled; `rest` is [`rest_not_imported`].
pub(crate) fn cancelled(rest: &str) -> String {
    format!("The import was cancelled: {rest}.")
}

/// An import stopped by a store failure; `rest` is [`rest_not_imported`].
pub(crate) fn store_stopped(rest: &str, temporary: bool) -> String {
    format!(
        "The customer database failed, so the import stopped: {rest}. {}",
        retry_hint(temporary)
    )
}

/// Rows after the blank row that ends the data.
pub(crate) fn rows_after_blank(count: u64) -> String {
    let (were, them) = if count == 1 {
        ("was", "it")
    } else {
        ("were", "them")
    };
    format!(
        "A blank row ends the data: {} after it {were} not imported. Remove the blank row to import {them}.",
        plural(count, "non-empty row", "non-empty rows")
    )
}

/// Values past the warnings listed one by one.
pub(crate) fn more_unrecognized(count: u64) -> String {
    format!(
        "{count} more values were kept as written although not recognised or written like a formula or a shortened number."
    )
}

/// Failures past the report's list.
pub(crate) fn more_failures(count: u64) -> String {
    format!(
        "{count} more rows failed than are listed here: fix the rows listed, upload the file again, and the next report lists the rest."
    )
}

/// The note of a failed row whose password was blanked in the failed-rows
/// file.
pub(crate) const PASSWORD_REMOVED: &str =
    "The password was removed from this file to keep it safe: enter it again.";

/// A row whose password the hasher failed.
pub(crate) const PASSWORD_NOT_HASHED: &str = "The password could not be saved: the password could not be hashed. Upload this row again later; if it fails again, contact support.";

/// A row that updates a customer an earlier row of the file was to
/// create, when that creation failed.
pub(crate) const CREATOR_FAILED: &str =
    "The customer could not be saved because the earlier row that creates it failed.";

/// A dry run whose temporary file could not be read back.
pub(crate) const SPILL_FAILED: &str =
    "The dry run could not read back its temporary file; try again.";

/// An async import whose thread could not be started.
#[cfg(feature = "async")]
pub(crate) const NO_THREAD: &str =
    "The import could not start: the system has no thread to spare. Try again later.";

/// An async import whose thread ended without its result.
#[cfg(feature = "async")]
pub(crate) const IMPORT_THREAD_ENDED: &str =
    "The import stopped before it finished; nothing more was written. Try again.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_agree_with_their_count() {
        assert_eq!(plural(1, "row", "rows"), "1 row");
        assert_eq!(plural(0, "row", "rows"), "0 rows");
        assert_eq!(plural(2, "row", "rows"), "2 rows");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(1 << 30), "1 GB");
        assert_eq!(size(128 << 10), "128 KB");
        assert_eq!(size(1500), "1500 bytes");
        assert_eq!(size(1), "1 byte");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(12_000_000), "12,000,000");
        assert_eq!(grouped(123_456_789), "123,456,789");
    }

    #[test]
    fn lists_join_with_and() {
        let items = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_and(&items(&[])), "");
        assert_eq!(join_and(&items(&["a"])), "a");
        assert_eq!(join_and(&items(&["a", "b"])), "a and b");
        assert_eq!(join_and(&items(&["a", "b", "c"])), "a, b and c");
    }

    #[test]
    fn long_values_are_quoted_shortened() {
        assert_eq!(quote("ann"), "'ann'");
        let long = "x".repeat(41);
        assert_eq!(quote(&long), format!("'{}…'", "x".repeat(40)));
    }

    #[test]
    fn rows_after_a_blank_row_read_in_the_singular_and_the_plural() {
        assert_eq!(
            rows_after_blank(1),
            "A blank row ends the data: 1 non-empty row after it was not imported. Remove the blank row to import it."
        );
        assert_eq!(
            rows_after_blank(3),
            "A blank row ends the data: 3 non-empty rows after it were not imported. Remove the blank row to import them."
        );
    }

    #[test]
    fn a_passing_failure_says_to_upload_again_and_another_to_contact_support() {
        assert!(not_saved(false, true).ends_with("Upload it again later."));
        assert!(not_looked_up(false).ends_with("contact support."));
        assert!(not_saved(true, false).contains("already belongs to another customer"));
    }
}
