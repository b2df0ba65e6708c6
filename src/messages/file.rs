//! The sentences about reading the file: an empty or unreadable file,
//! malformed CSV, bytes that are not text, a file, row or cell past its
//! limit; and a spreadsheet upload when spreadsheets are not read.
//!
//! Lines are the file's lines (1 is the first); rows are spreadsheet rows
//! (the header is row 1).

use super::size;

/// A file without even a header row.
pub(crate) const EMPTY_FILE: &str =
    "The file is empty: it needs a header row naming the columns, then one row per customer.";

/// A file whose reading failed.
pub(crate) const UNREADABLE: &str = "The file could not be read.";

/// A file whose reading failed, and the reader's `detail`.
pub(crate) fn could_not_read(detail: impl std::fmt::Display) -> String {
    format!("The file could not be read: {detail}.")
}

/// A file the CSV parser refused, and the parser's `detail`.
pub(crate) fn not_csv(detail: &str) -> String {
    format!("The file is not valid CSV: {detail}.")
}

/// A row holding bytes that are not UTF-8 once decoded.
pub(crate) fn row_not_utf8(row: u64) -> String {
    format!(
        "Row {row} holds bytes that are not UTF-8 text. Save the file as CSV UTF-8 and upload it again."
    )
}

/// A line holding bytes that are not text in the file's `encoding`.
pub(crate) fn not_text(line: u64, encoding: &str) -> String {
    format!(
        "Line {line} holds bytes that are not {encoding} text. Save the file as \"CSV UTF-8\" and upload it again."
    )
}

/// A file past the file limit (`most` bytes), read up to `line`.
pub(crate) fn file_too_large(most: u64, line: u64) -> String {
    format!(
        "The file is larger than {}, the most that can be imported at once; reading stopped at line {line}. Split it into smaller files and upload each.",
        size(most)
    )
}

/// A line with more than `most` columns.
pub(crate) fn too_many_columns(line: u64, most: u64) -> String {
    format!(
        "Line {line} has more than {most} columns, the most a file can have. Check that the file is a CSV file of customers, or split its columns, and upload it again."
    )
}

/// A line with a cell longer than `most` bytes.
pub(crate) fn cell_too_long(line: u64, most: u64) -> String {
    format!(
        "Line {line} has a cell longer than {}, the most one cell can hold. Shorten it and upload the file again.",
        size(most)
    )
}

/// A row, starting on `line`, longer than `most` bytes.
pub(crate) fn row_too_long(line: u64, most: u64) -> String {
    format!(
        "The row that starts on line {line} is longer than {}, the most one row can hold. Shorten its cells and upload the file again.",
        size(most)
    )
}

/// A quoted cell, starting on `line`, that never ends.
pub(crate) fn unclosed_quote(line: u64) -> String {
    format!(
        "The quoted cell that starts on line {line} has no closing quote, so the rest of the file cannot be read. Add the missing \" (or remove the stray one) and upload the file again."
    )
}

/// A file of `count` rows, past the row limit.
pub(crate) fn too_many_rows(count: u64, limit: u64) -> String {
    format!(
        "The file has {count} rows; at most {limit} can be imported at once. Split it into files of {limit} rows or fewer and upload each."
    )
}

/// The delimiters in "cells separated by …": commas.
pub(crate) const COMMAS: &str = "commas";
/// The delimiters in "cells separated by …": semicolons.
pub(crate) const SEMICOLONS: &str = "semicolons";
/// The delimiters in "cells separated by …": tabs.
pub(crate) const TABS: &str = "tabs";
/// The delimiters in "cells separated by …": pipes.
pub(crate) const PIPES: &str = "pipes (|)";

/// A zipped spreadsheet upload ([`spreadsheet_not_read`]).
#[cfg(not(feature = "spreadsheet"))]
pub(crate) const ZIPPED_SPREADSHEET: &str = "an Excel or OpenDocument spreadsheet (.xlsx, .ods)";

/// An Office 97 spreadsheet upload ([`spreadsheet_not_read`]).
#[cfg(not(feature = "spreadsheet"))]
pub(crate) const OLE_SPREADSHEET: &str = "an Excel 97-2003 spreadsheet (.xls)";

/// A spreadsheet upload (`what` it is) to a crate built without the
/// `spreadsheet` feature.
#[cfg(not(feature = "spreadsheet"))]
pub(crate) fn spreadsheet_not_read(what: &str) -> String {
    format!(
        "This file is {what}, not a CSV file. In your spreadsheet program choose Save As (or Download) and pick \"CSV UTF-8\", then upload the CSV file. \
         (For the app's developers: intake reads spreadsheets when built with its `spreadsheet` feature.)"
    )
}
