//! The sentences about the columns: how the header was mapped to the
//! schema's fields (a column guessed, ignored, repeated, missing), and the
//! template's words.
//!
//! A column is named as written in the file's header; a field by its
//! label (the template's column name).

/// Two columns that mean one field: `'Email' and 'E-mail'`.
pub(crate) fn column_pair(first: &str, second: &str) -> String {
    format!("'{first}' and '{second}'")
}

/// Columns that mean the same field ([`column_pair`]s), so that which to
/// use is unclear.
pub(crate) fn duplicate_columns(pairs: &[String]) -> String {
    format!(
        "These columns mean the same field, so it is unclear which to use: {}. Remove or rename one of each.",
        pairs.join(", ")
    )
}

/// A column read as the field whose name is closest to its own.
pub(crate) fn column_guessed(column: &str, label: &str) -> String {
    format!(
        "Column '{column}' was read as {label}, the closest field name. Rename the column if that is wrong."
    )
}

/// A column not imported because the column `used` fills its field.
pub(crate) fn column_already_filled(column: &str, used: &str, label: &str) -> String {
    format!("Column '{column}' was not imported: column '{used}' already fills {label}.")
}

/// A column of an address not imported: the one of column `kept` is.
pub(crate) fn column_of_other_address(column: &str, kept: &str) -> String {
    format!(
        "Column '{column}' was not imported: the file holds several addresses, and the one of column '{kept}' is imported."
    )
}

/// A column the app's column overrides ignore.
pub(crate) fn column_ignored(column: &str) -> String {
    format!("Column '{column}' was not imported: the import is set to ignore it.")
}

/// The summary's sentence for a header mapped as remembered.
pub(crate) const MAPPING_REMEMBERED: &str =
    "The columns were matched as saved from an earlier import of a file with the same columns.";

/// Why a remembered mapping was not used: none of the `saved` mappings
/// is for a file with these columns.
pub(crate) fn mapping_other_layout(saved: usize) -> String {
    let which = if saved == 1 {
        "The saved column mapping is for a file with other columns"
    } else {
        "None of the saved column mappings is for a file with these columns"
    };
    format!("{which}, so the columns were matched automatically: check how they were understood.")
}

/// Why a remembered mapping was not used: it names `column`, which the
/// file lacks.
pub(crate) fn mapping_missing_column(column: &str) -> String {
    format!(
        "The saved column mapping names the column '{column}', which this file does not have, \
         so the columns were matched automatically: check how they were understood."
    )
}

/// Why a remembered mapping was not used: it no longer suits the
/// import's fields.
pub(crate) const MAPPING_REFUSED: &str = "The saved column mapping no longer fits the fields \
    of this import, so the columns were matched automatically: check how they were understood.";

/// A column whose name is empty.
pub(crate) const UNNAMED_COLUMN: &str = "A column without a name was not imported.";

/// A column whose name matches no field.
pub(crate) fn column_matches_nothing(column: &str) -> String {
    format!("Column '{column}' matches no field and was not imported.")
}

/// Required fields (their labels) that no column fills.
pub(crate) fn missing_required(missing: &[String]) -> String {
    let one = missing.len() == 1;
    format!(
        "The file has no required column{}: {}. Add {} to the header row (the template has every column).",
        if one { "" } else { "s" },
        missing.join(", "),
        if one { "it" } else { "them" },
    )
}

/// A header every row of which would fail: `needed` are the labels of the
/// fields a row needs one of; `nothing` when no column fills any field,
/// and so the header row itself is likely the mistake.
pub(crate) fn meaningless_header(needed: &[String], nothing: bool) -> String {
    let list = needed.join(", ");
    let one = needed.len() == 1;
    match (nothing, one) {
        (true, true) => format!(
            "None of the file's columns is one we know: the file needs the column {list}. Check that the first row is the header."
        ),
        (true, false) => format!(
            "None of the file's columns is one we know: the file needs at least one of {list}. Check that the first row is the header."
        ),
        (false, true) => format!(
            "The file has no column {list}, which each row needs. Add it to the header row (the template has every column)."
        ),
        (false, false) => format!(
            "The file has none of the columns {list}, and each row needs at least one of them. Add one of them to the header row (the template has every column)."
        ),
    }
}

/// The name of a spreadsheet template's sheet.
#[cfg(feature = "spreadsheet")]
pub(crate) const TEMPLATE_SHEET: &str = "Customers";
