//! The sentences about a row as a whole: values it needs, who its customer
//! is, a repeat of an earlier row, cells past the header; and the prefix
//! of a note about one of its values.
//!
//! The sentences about a row the customer database failed are in
//! [`messages`](super), with the database's others.

/// A required value left empty; `name` is the field's label.
pub(crate) fn required(name: &str) -> String {
    format!("{name} is required: fill it in.")
}

/// A required city left empty whose state has no known city.
pub(crate) fn required_no_city(name: &str, state: &str) -> String {
    format!("{name} is required, and no city is known for the state '{state}': fill it in.")
}

/// A value required when the column `cause` is filled in, or holds
/// `equals`.
pub(crate) fn required_if(column: &str, cause: &str, equals: Option<&str>) -> String {
    let because = match equals {
        Some(v) => format!("{cause} is {v}"),
        None => format!("{cause} is filled in"),
    };
    format!("{column} is required when {because}: fill it in.")
}

/// A row with none of the columns (`names`) that say who the customer is.
pub(crate) fn no_identifier(names: &[String]) -> String {
    format!(
        "The row needs at least one of {} to say who the customer is.",
        names.join(", ")
    )
}

/// A row with `extra` filled cells past the header's `width` columns.
pub(crate) fn extra_cells(extra: usize, width: usize) -> String {
    let (s, them) = if extra == 1 {
        ("", "it")
    } else {
        ("s", "them")
    };
    format!(
        "The row has {extra} filled cell{s} beyond the header's {width} columns: move {them} into a named column or remove {them}."
    )
}

/// A row whose `keys` (emails, phones) belong to different customers.
pub(crate) fn ambiguous_match(keys: &[&str]) -> String {
    format!(
        "This row matches {} different customers: {} each belong to another one. Check which customer is meant and correct the email or phone.",
        keys.len(),
        keys.join(" and ")
    )
}

/// A row of an insert-only import that repeats the customer of row
/// `first`, which has `key` too.
pub(crate) fn duplicate_in_file(first: u64, key: &str) -> String {
    format!(
        "Row {first} already has the customer with {key}; each customer can appear once. Remove this row or merge it into row {first}."
    )
}

/// A row of an insert-only import whose customer exists.
pub(crate) const ALREADY_EXISTS: &str = "This customer already exists (same email or phone), and this import only adds new customers. Remove the row, or import it as an update.";

/// A row of an update-only import whose customer does not exist.
pub(crate) const NOT_FOUND: &str = "No existing customer has this email or phone, and this import only updates customers. Check the email and phone, or import the row as new.";

/// A warning about a value of `row`: the row, then the note.
pub(crate) fn note(row: u64, note: &str) -> String {
    format!("Row {row}: {note}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_cells_read_in_the_singular_and_the_plural() {
        assert_eq!(
            extra_cells(1, 3),
            "The row has 1 filled cell beyond the header's 3 columns: move it into a named column or remove it."
        );
        assert_eq!(
            extra_cells(2, 3),
            "The row has 2 filled cells beyond the header's 3 columns: move them into a named column or remove them."
        );
    }
}
