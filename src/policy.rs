//! What to do with a row whose customer may already exist.

use crate::messages;
use crate::problem::{Problem, ProblemCode};
use crate::record::{Record, Value};

/// How rows are matched to existing customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// A row that matches a customer updates it; otherwise it creates one.
    Upsert,
    /// A row that matches a customer fails as `already_exists`; a repeat
    /// inside the file fails as `duplicate_in_file`.
    InsertOnly,
    /// A row that matches no customer fails as `not_found`.
    UpdateOnly,
}

/// The import policy: the [`Mode`] and how updates treat empty cells.
///
/// ```
/// use intake::{Mode, Policy};
///
/// let p = Policy::upsert().clear_empty(true);
/// assert_eq!(p.mode(), Mode::Upsert);
/// assert!(p.clears_empty());
/// assert_eq!(Policy::default(), Policy::upsert());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    mode: Mode,
    clear_empty: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::upsert()
    }
}

impl Policy {
    /// Match → update, no match → insert.
    pub fn upsert() -> Policy {
        Policy::new(Mode::Upsert)
    }

    /// Only new customers; existing ones fail the row.
    pub fn insert_only() -> Policy {
        Policy::new(Mode::InsertOnly)
    }

    /// Only existing customers; unknown ones fail the row.
    pub fn update_only() -> Policy {
        Policy::new(Mode::UpdateOnly)
    }

    /// A policy of `mode` that keeps existing values for empty cells.
    pub fn new(mode: Mode) -> Policy {
        Policy {
            mode,
            clear_empty: false,
        }
    }

    /// Whether an empty cell in a column the file has erases the customer's
    /// existing value on update (default: no, empty cells keep values).
    pub fn clear_empty(mut self, clear: bool) -> Policy {
        self.clear_empty = clear;
        self
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether empty cells erase existing values.
    pub fn clears_empty(&self) -> bool {
        self.clear_empty
    }

    /// Parses `upsert`, `insert-only` or `update-only` (also with `_`).
    ///
    /// ```
    /// use intake::{Mode, Policy};
    /// assert_eq!(Policy::parse("insert-only").unwrap().mode(), Mode::InsertOnly);
    /// assert!(Policy::parse("merge").is_none());
    /// ```
    pub fn parse(name: &str) -> Option<Policy> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "upsert" => Some(Policy::upsert()),
            "insert-only" | "insert" => Some(Policy::insert_only()),
            "update-only" | "update" => Some(Policy::update_only()),
            _ => None,
        }
    }
}

impl std::str::FromStr for Policy {
    type Err = crate::Error;

    /// As [`Policy::parse`]; anything else is `invalid_config`.
    ///
    /// ```
    /// use intake::{Mode, Policy};
    /// let policy: Policy = "update-only".parse()?;
    /// assert_eq!(policy.mode(), Mode::UpdateOnly);
    /// assert_eq!("merge".parse::<Policy>().unwrap_err().code(), "invalid_config");
    /// # Ok::<(), intake::Error>(())
    /// ```
    fn from_str(name: &str) -> Result<Policy, crate::Error> {
        Policy::parse(name).ok_or_else(|| {
            crate::Error::new(
                crate::ErrorKind::InvalidConfig,
                format!(
                    "'{}' is not a policy: use upsert, insert-only or update-only",
                    name.trim()
                ),
            )
        })
    }
}

/// How an update treats a field's value: what an import does with the
/// value a row holds for a customer that already exists. An insert always
/// writes every value of the row, whatever the rule.
///
/// Set per field with [`Field::update_rule`](crate::Field::update_rule),
/// or on a ready-made schema with
/// [`Schema::with_update_rule`](crate::Schema::with_update_rule). The
/// rule belongs to the field, not to the [`Policy`]: a password once set
/// or the date a customer joined is never the file's to change, whatever
/// the import's mode.
///
/// ```
/// use intake::{presets, Importer, MemoryStore, Policy, UpdateRule};
///
/// // Ann's company, as the store knows it, is kept; her empty city is filled.
/// let schema = presets::contacts()
///     .with_update_rule("company", UpdateRule::Never)?
///     .with_update_rule("city", UpdateRule::FillEmpty)?;
/// let mut store = MemoryStore::new();
/// let first = "email,company,city\nann@example.com,Acme,\n";
/// Importer::new(schema.clone()).import(first.as_bytes(), &mut store)?;
/// let again = "email,company,city\nann@example.com,Globex,Austin\n";
/// let report = Importer::new(schema).policy(Policy::upsert()).import(again.as_bytes(), &mut store)?;
/// assert_eq!(report.updated, 1);
/// let ann = &store.customers()[0].record;
/// assert_eq!((ann.text("company"), ann.text("city")), (Some("Acme"), Some("Austin")));
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum UpdateRule {
    /// The row's value replaces the customer's (the default). An empty
    /// cell keeps it, unless the policy [clears](Policy::clear_empty).
    #[default]
    Overwrite,
    /// The row's value is written only when the customer has none (no
    /// value, or empty text): it fills gaps and never replaces a value.
    /// An empty cell never erases one, even when the policy clears.
    FillEmpty,
    /// The value is written when the customer is created, never by an
    /// update: the customer's value is kept, even when it has none.
    Never,
}

impl UpdateRule {
    /// The rule's name: `overwrite`, `fill_empty` or `never`.
    ///
    /// ```
    /// assert_eq!(intake::UpdateRule::FillEmpty.as_str(), "fill_empty");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateRule::Overwrite => "overwrite",
            UpdateRule::FillEmpty => "fill_empty",
            UpdateRule::Never => "never",
        }
    }
}

/// The fields whose [`UpdateRule`] is not [`UpdateRule::Overwrite`], by
/// id: what a merge needs to know of the schema (most schemas have none or
/// a few, so a slice searched in order).
pub(crate) type Rules<'a> = [(&'a str, UpdateRule)];

/// The rule of `field` among `rules`.
fn rule_of(rules: &Rules<'_>, field: &str) -> UpdateRule {
    rules
        .iter()
        .find(|(id, _)| *id == field)
        .map_or(UpdateRule::Overwrite, |(_, rule)| *rule)
}

/// Whether a stored value counts as none for [`UpdateRule::FillEmpty`]:
/// missing, or text that is empty once trimmed.
fn is_empty(value: Option<&Value>) -> bool {
    value.is_none_or(|v| v.as_str().is_some_and(|s| s.trim().is_empty()))
}

impl Policy {
    /// The customer an update leaves: `existing` with the row's values laid
    /// over it as each field's rule allows (`rules`: the fields that do not
    /// overwrite), and, when clearing, the `empty` fields that overwrite
    /// removed.
    pub(crate) fn merge(
        &self,
        existing: &Record,
        row: &Record,
        empty: &[&str],
        rules: &Rules<'_>,
    ) -> Record {
        // `current`: the customer's value of `field`.
        let writes_over = |field: &str, current: Option<&Value>| match rule_of(rules, field) {
            UpdateRule::Overwrite => true,
            UpdateRule::FillEmpty => is_empty(current),
            UpdateRule::Never => false,
        };
        let writes = |field: &str| writes_over(field, existing.get(field));
        let clears = |field: &str| {
            self.clear_empty
                && empty.contains(&field)
                && rule_of(rules, field) == UpdateRule::Overwrite
        };
        // Both records are in field-id order: walked side by side, each
        // of the row's fields meets the customer's value without a search.
        let mut theirs = existing.iter().peekable();
        let changes = row.iter().any(|(field, value)| {
            while theirs.next_if(|(f, _)| *f < field).is_some() {}
            let current = theirs.peek().filter(|(f, _)| *f == field).map(|(_, v)| *v);
            // As text: a store that keeps text gives back `Text` where the
            // row has a country or a date, and the same text is no change.
            let differs = current.is_none_or(|v| !v.eq_as_text(value));
            differs && writes_over(field, current)
        }) || existing.iter().any(|(field, _)| clears(field));
        if !changes {
            // Records share their values: an unchanged customer copies
            // nothing.
            return existing.clone();
        }
        existing
            .iter()
            .filter(|(field, _)| !(clears(field) || row.contains(field) && writes(field)))
            .chain(row.iter().filter(|(field, _)| writes(field)))
            .map(|(field, value)| (field, value.clone()))
            .collect()
    }
}

/// Who a row's match keys belong to, in the store and in the rows of the
/// file before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found<'a> {
    /// No customer has any of the keys.
    Nobody,
    /// One customer has them.
    One,
    /// Keys of the row belong to different customers: these keys, one of
    /// each.
    Several(&'a [&'a str]),
}

/// What becomes of a row whose customer is known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Update {
    /// The customer's values afterwards.
    Changed(Record),
    /// The customer already has the row's values.
    Unchanged(Record),
}

impl Policy {
    /// The problem that refuses a row, if one does, given who its keys
    /// belong to and, for insert-only imports, the earlier row of the file
    /// that has one of its keys (that row, and the key).
    ///
    /// In this order: a row matching several customers is never guessed
    /// (`ambiguous_match`); insert-only refuses a repeat of the file
    /// (`duplicate_in_file`) and an existing customer (`already_exists`);
    /// update-only refuses a row matching nobody (`not_found`).
    pub(crate) fn refusal(&self, found: Found<'_>, repeat: Option<(u64, &str)>) -> Option<Problem> {
        if let Found::Several(keys) = found {
            return Some(Problem::new(
                ProblemCode::AmbiguousMatch,
                messages::row::ambiguous_match(keys),
            ));
        }
        match (self.mode, found) {
            (Mode::InsertOnly, _) if repeat.is_some() => repeat.map(|(first, key)| {
                Problem::new(
                    ProblemCode::DuplicateInFile,
                    messages::row::duplicate_in_file(first, key),
                )
            }),
            (Mode::InsertOnly, Found::One) => Some(Problem::new(
                ProblemCode::AlreadyExists,
                messages::row::ALREADY_EXISTS,
            )),
            (Mode::UpdateOnly, Found::Nobody) => Some(Problem::new(
                ProblemCode::NotFound,
                messages::row::NOT_FOUND,
            )),
            _ => None,
        }
    }

    /// What a row does to the customer it matched: `existing` with the
    /// row's values laid over it ([`Policy::merge`]), or unchanged when
    /// that holds the same text ([`Record::eq_as_text`]).
    pub(crate) fn update(
        &self,
        existing: &Record,
        row: &Record,
        empty: &[&str],
        rules: &Rules<'_>,
    ) -> Update {
        let merged = self.merge(existing, row, empty, rules);
        // Compared as text: a store may keep every value as text.
        if merged.eq_as_text(existing) {
            Update::Unchanged(merged)
        } else {
            Update::Changed(merged)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(values: &[(&str, &str)]) -> Record {
        let mut r = Record::new();
        for (field, value) in values {
            r.insert(*field, Value::Text((*value).into()));
        }
        r
    }

    fn code(problem: Option<Problem>) -> Option<&'static str> {
        problem.map(|p| p.code.as_str())
    }

    #[test]
    fn a_customer_kept_as_text_is_unchanged_by_the_row_that_wrote_it() {
        let row: Record = [
            ("email", Value::Email("ann@example.com".into())),
            ("state", Value::State("US-CA".into())),
            ("region", Value::Text("Narnia".into())),
        ]
        .into_iter()
        .collect();
        let kept_as_text = record(&[
            ("email", "ann@example.com"),
            ("state", "US-CA"),
            ("region", "Narnia"),
        ]);
        let update = Policy::upsert().update(&kept_as_text, &row, &[], &[]);
        assert!(matches!(update, Update::Unchanged(_)), "{update:?}");
    }

    #[test]
    fn a_row_with_other_text_changes_a_customer_kept_as_text() {
        let row: Record = [("state", Value::State("US-NY".into()))]
            .into_iter()
            .collect();
        let kept_as_text = record(&[("state", "US-CA")]);
        let update = Policy::upsert().update(&kept_as_text, &row, &[], &[]);
        assert!(matches!(update, Update::Changed(_)), "{update:?}");
    }

    #[test]
    fn a_row_matching_several_customers_is_ambiguous_in_every_mode() {
        let keys = ["ann@example.com", "+14155550101"];
        for policy in [
            Policy::upsert(),
            Policy::insert_only(),
            Policy::update_only(),
        ] {
            let problem = policy.refusal(Found::Several(&keys), None);
            assert_eq!(code(problem.clone()), Some("ambiguous_match"));
            assert!(problem
                .unwrap()
                .message
                .contains("ann@example.com and +14155550101"));
        }
    }

    #[test]
    fn insert_only_refuses_a_repeat_of_the_file_before_an_existing_customer() {
        let policy = Policy::insert_only();
        let problem = policy.refusal(Found::One, Some((5, "ann@example.com")));
        assert_eq!(code(problem.clone()), Some("duplicate_in_file"));
        assert!(problem
            .unwrap()
            .message
            .starts_with("Row 5 already has the customer with ann@example.com"));
    }

    #[test]
    fn insert_only_rejects_existing_customer() {
        assert_eq!(
            code(Policy::insert_only().refusal(Found::One, None)),
            Some("already_exists")
        );
        assert_eq!(
            code(Policy::insert_only().refusal(Found::Nobody, None)),
            None
        );
    }

    #[test]
    fn update_only_rejects_a_row_matching_nobody() {
        assert_eq!(
            code(Policy::update_only().refusal(Found::Nobody, None)),
            Some("not_found")
        );
        assert_eq!(code(Policy::update_only().refusal(Found::One, None)), None);
    }

    #[test]
    fn upsert_refuses_nothing_but_ambiguity() {
        for found in [Found::Nobody, Found::One] {
            assert_eq!(code(Policy::upsert().refusal(found, Some((2, "x")))), None);
        }
    }

    #[test]
    fn update_with_the_same_values_is_unchanged() {
        let existing = record(&[("email", "ann@example.com"), ("city", "Austin")]);
        let row = record(&[("email", "ann@example.com")]);
        assert_eq!(
            Policy::upsert().update(&existing, &row, &[], &[]),
            Update::Unchanged(existing.clone())
        );
    }

    #[test]
    fn update_lays_the_rows_values_over_the_customers() {
        let existing = record(&[("email", "ann@example.com"), ("city", "Austin")]);
        let row = record(&[("email", "ann@example.com"), ("first_name", "Ann")]);
        let expected = record(&[
            ("email", "ann@example.com"),
            ("city", "Austin"),
            ("first_name", "Ann"),
        ]);
        assert_eq!(
            Policy::upsert().update(&existing, &row, &[], &[]),
            Update::Changed(expected)
        );
    }

    #[test]
    fn empty_cells_erase_only_when_the_policy_clears_them() {
        let existing = record(&[("email", "ann@example.com"), ("city", "Austin")]);
        let row = record(&[("email", "ann@example.com")]);
        assert_eq!(
            Policy::upsert().update(&existing, &row, &["city"], &[]),
            Update::Unchanged(existing.clone())
        );
        assert_eq!(
            Policy::upsert()
                .clear_empty(true)
                .update(&existing, &row, &["city"], &[]),
            Update::Changed(row.clone())
        );
    }

    #[test]
    fn fill_empty_writes_only_where_the_customer_has_no_value() {
        let existing = record(&[
            ("email", "ann@example.com"),
            ("city", ""),
            ("company", "Acme"),
        ]);
        let row = record(&[("city", "Austin"), ("company", "Globex"), ("state", "TX")]);
        let rules = [
            ("city", UpdateRule::FillEmpty),
            ("company", UpdateRule::FillEmpty),
            ("state", UpdateRule::FillEmpty),
        ];
        let expected = record(&[
            ("email", "ann@example.com"),
            ("city", "Austin"),
            ("company", "Acme"),
            ("state", "TX"),
        ]);
        assert_eq!(
            Policy::upsert().update(&existing, &row, &[], &rules),
            Update::Changed(expected)
        );
    }

    #[test]
    fn never_keeps_the_customers_value_even_when_it_has_none() {
        let existing = record(&[("email", "ann@example.com"), ("joined", "2018-05-12")]);
        let row = record(&[("joined", "2020-01-01"), ("password", "x")]);
        let rules = [
            ("joined", UpdateRule::Never),
            ("password", UpdateRule::Never),
        ];
        assert_eq!(
            Policy::upsert().update(&existing, &row, &[], &rules),
            Update::Unchanged(existing.clone())
        );
    }

    #[test]
    fn clearing_erases_only_the_fields_that_overwrite() {
        let existing = record(&[
            ("email", "a@example.com"),
            ("city", "Austin"),
            ("company", "Acme"),
        ]);
        let row = record(&[("email", "a@example.com")]);
        let rules = [("company", UpdateRule::FillEmpty)];
        let expected = record(&[("email", "a@example.com"), ("company", "Acme")]);
        assert_eq!(
            Policy::upsert().clear_empty(true).update(
                &existing,
                &row,
                &["city", "company"],
                &rules
            ),
            Update::Changed(expected)
        );
    }
}
