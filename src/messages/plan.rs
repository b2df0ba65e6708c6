//! Sentences about plans: a preview kept and committed later.

/// The plan could not be written out (the app's writer failed).
pub(crate) const PLAN_NOT_WRITTEN: &str =
    "The preview could not be saved, so it cannot be confirmed. Preview the file again.";

/// The plan is no plan the importer wrote, or was changed.
pub(crate) fn plan_invalid(why: &str) -> String {
    format!("This preview cannot be imported: {why}. Nothing was written; preview the file again.")
}

/// Why a plan is refused: the parts of [`plan_invalid`].
pub(crate) const PLAN_NOT_A_PLAN: &str = "it is not a saved preview";
/// A plan of another version of the format.
pub(crate) const PLAN_OTHER_VERSION: &str = "it was saved by another version";
/// A plan made with another schema.
pub(crate) const PLAN_OTHER_SCHEMA: &str = "it was made for other fields than these";
/// A plan cut short.
pub(crate) const PLAN_TRUNCATED: &str = "it is incomplete";
/// A plan whose checksum or counts do not match.
pub(crate) const PLAN_EDITED: &str = "it was changed after it was made";
/// A line longer than any plan holds.
pub(crate) const PLAN_LINE_TOO_LONG: &str = "it holds a line longer than any preview has";

/// Customers changed since the preview.
pub(crate) fn plan_outdated(rows: &[u64], more: bool) -> String {
    let listed: Vec<String> = rows.iter().map(u64::to_string).collect();
    let rows_text = match listed.as_slice() {
        [one] => format!("row {one}"),
        _ => format!("rows {}", listed.join(", ")),
    };
    let more = if more { " and others" } else { "" };
    format!(
        "The customers have changed since this preview ({rows_text}{more}: a customer was changed, or an email or phone was taken, by someone else meanwhile). Nothing was written; preview the file again to see what importing it does now."
    )
}
