//! The sentences about undoing an import: its summary, the customers it
//! left as they are, and why it could not run.

use super::plural;

/// What an undo did, as its report counts it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    /// Customers the import created, now deleted.
    pub removed: u64,
    /// Customers whose values were restored.
    pub restored: u64,
    /// Customers left as they are.
    pub failed: u64,
    /// The import had already been undone.
    pub already_undone: bool,
}

/// The summary of an undo.
pub(crate) fn summary(counts: &Counts) -> String {
    if counts.already_undone {
        return ALREADY_UNDONE.to_string();
    }
    let mut done = Vec::new();
    if counts.removed > 0 {
        done.push(format!(
            "{} removed",
            plural(counts.removed, "customer", "customers")
        ));
    }
    if counts.restored > 0 {
        // "3 customers removed, 1 restored"; alone, "1 customer restored".
        let restored = if done.is_empty() {
            plural(counts.restored, "customer", "customers")
        } else {
            counts.restored.to_string()
        };
        done.push(format!("{restored} restored"));
    }
    let mut text = if done.is_empty() {
        "Undid the import: nothing needed changing.".to_string()
    } else {
        format!("Undid the import: {}.", done.join(", "))
    };
    if counts.failed > 0 {
        let left = if counts.failed == 1 {
            "1 customer was changed since and was left as it is.".to_string()
        } else {
            format!(
                "{} customers were changed since and were left as they are.",
                counts.failed
            )
        };
        text.push(' ');
        text.push_str(&left);
    }
    text
}

/// An undo of an import that was undone before.
pub(crate) const ALREADY_UNDONE: &str = "This import was already undone: nothing changed.";

/// The customer, for people: by its email or phone when it has one.
pub(crate) fn who(key: Option<&str>, id: &str) -> String {
    match key {
        Some(key) => format!("The customer {key}"),
        None => format!("Customer {id}"),
    }
}

/// A customer changed after the import by something else.
pub(crate) fn changed_since(who: &str) -> String {
    format!(
        "{who} was changed after this import (by another import or in the app), so the undo left it as it is."
    )
}

/// A customer the import updated, deleted since.
pub(crate) fn deleted_since(who: &str) -> String {
    format!("{who} was deleted after this import, so there is nothing to restore.")
}

/// A customer whose email or phone from before the import belongs to
/// another customer now.
pub(crate) fn key_taken(who: &str) -> String {
    format!(
        "{who} could not be restored: its email or phone from before the import now belongs to another customer. It was left as it is."
    )
}

/// A customer the customer database refused to change back.
pub(crate) fn refused(who: &str) -> String {
    format!(
        "{who} could not be changed back: the customer database refused it. It was left as it is."
    )
}

/// An import id the store keeps no journal of.
pub(crate) fn unknown_import(id: &str) -> String {
    format!(
        "No import {id} can be undone in this customer database: the id may be mistyped, the import may have written nothing or gone to another database, or its journal was removed as too old."
    )
}

/// The database failed during an undo; the undo changed nothing.
pub(crate) fn undo_failed(temporary: bool) -> String {
    let mut text =
        "The import could not be undone: the customer database failed, and nothing was changed."
            .to_string();
    if temporary {
        text.push_str(" Try again in a few minutes.");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_what_was_undone_and_what_was_left() {
        let counts = Counts {
            removed: 3,
            restored: 1,
            failed: 1,
            already_undone: false,
        };
        assert_eq!(
            summary(&counts),
            "Undid the import: 3 customers removed, 1 restored. 1 customer was changed since and was left as it is."
        );
        let restored_only = Counts {
            restored: 2,
            failed: 2,
            ..Counts::default()
        };
        assert_eq!(
            summary(&restored_only),
            "Undid the import: 2 customers restored. 2 customers were changed since and were left as they are."
        );
        assert_eq!(
            summary(&Counts::default()),
            "Undid the import: nothing needed changing."
        );
    }
}
