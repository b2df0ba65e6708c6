//! Header mapping: which column of a file feeds which field
//! ([`Schema::map_header`]), with the app's own choices
//! ([`ColumnOverrides`]), and how each column was understood ([`HeaderMap`]).

use std::collections::HashMap;

use super::{Field, Rule, Schema};
use crate::error::{Error, ErrorKind};
use crate::messages;

/// Normalizes a header name for matching: accents and case are dropped,
/// and so is everything but letters and digits (spaces, `_`, `-`, `/`,
/// `#`, a required-column `*`).
///
/// So `E-mail Address`, `email_address`, `EmailAddress` and
/// `E-mail address*` are one name, and `Téléphone` is `telephone`.
///
/// ```
/// use intake::header_key;
/// assert_eq!(header_key(" First Name* "), "firstname");
/// assert_eq!(header_key("first-name"), "firstname");
/// assert_eq!(header_key("*ContactName"), "contactname");
/// assert_eq!(header_key("Zip/Postal Code"), "zippostalcode");
/// ```
pub fn header_key(name: &str) -> String {
    crate::fold::key(name)
}

impl Schema {
    /// The field a header name means, if any: the field
    /// [`map_header`](Schema::map_header) gives a column of this name when
    /// no other column competes for it (by id, label or alias, else a
    /// likely typo).
    ///
    /// ```
    /// use intake::presets;
    /// let schema = presets::contacts();
    /// assert_eq!(schema.field_for_header("First Name*").map(|f| f.id()), Some("first_name"));
    /// assert_eq!(schema.field_for_header("Emial").map(|f| f.id()), Some("email"));
    /// assert!(schema.field_for_header("Favourite colour").is_none());
    /// ```
    pub fn field_for_header(&self, name: &str) -> Option<&Field> {
        self.claim(name)
            .and_then(|name| self.fields.get(name.field))
    }

    /// The field a header means and how well: by id, label or alias,
    /// else by similarity.
    fn claim(&self, header: &str) -> Option<Name> {
        let key = header_key(header);
        if key.is_empty() {
            return None;
        }
        match self.names.get(&key) {
            Some(name) => self.same_words(&key, header).then_some(*name),
            None => self.similar_field(&key),
        }
    }

    /// Whether `header` splits no word of the name it shares `key` with
    /// into words of its own: "Birth Day" (of a birth year, month and day)
    /// is not "Birthday", though "E-mail" is "Email" and "FirstName" is
    /// "First name".
    fn same_words(&self, key: &str, header: &str) -> bool {
        let len = key.chars().count();
        let breaks = word_breaks(header);
        let Some(spellings) = self.breaks.get(key) else {
            return true;
        };
        spellings.iter().any(|known| {
            breaks.iter().enumerate().all(|(i, b)| {
                let before = i
                    .checked_sub(1)
                    .and_then(|j| breaks.get(j))
                    .copied()
                    .unwrap_or(0);
                let after = breaks.get(i + 1).copied().unwrap_or(len);
                known.contains(b) || b.saturating_sub(before) < 3 || after.saturating_sub(*b) < 3
            })
        })
    }

    /// Maps a header row to fields: which column feeds which field.
    ///
    /// Columns are compared by their [`header_key`] (case, accents, spaces
    /// and punctuation ignored, so "E-mail Address" is "EmailAddress"),
    /// except that a header splitting a word of a name into words of three
    /// or more letters is another name ("Birth Day", next to "Birth
    /// Month", is not "Birthday"). Columns are matched, best first:
    ///
    /// 1. **chosen**: the app's own choice, see
    ///    [`map_header_with`](Schema::map_header_with);
    /// 2. **name**: the field's id or label;
    /// 3. **alias**: one of the field's [aliases](Field::alias); an alias
    ///    added earlier ranks above one added later;
    /// 4. **similar**: a likely typo of one of the field's names
    ///    ("Emial", "Frist Name"). Only for headers of 5 or more letters
    ///    and digits; one edit away (two from 10 characters on; for 5
    ///    characters, only two neighbouring letters swapped); with the same
    ///    digits as the name ("Street 3" is not "Street 2"); when no other
    ///    field has a name within one more edit; and never for a word that
    ///    merely looks like a typo ("County" is not "Country").
    ///
    /// A field takes at most one column, the one with the best match: an
    /// exact name beats an alias, an earlier alias a later one, an alias a
    /// typo. The other columns that match the field are ignored (their
    /// field is `None`; [`HeaderMap::note`] names the column used instead),
    /// like the columns that match no field.
    ///
    /// One address: the fields with [grouped aliases](Field::alias_in_group)
    /// (street, city, postal code… of a business, home or shipping address)
    /// take columns from a single group, the best one the file has: the
    /// columns matching their names, labels or ungrouped aliases first,
    /// then the groups in the order the schema first names them. Columns of
    /// the other groups are ignored, even for a field the kept group lacks,
    /// so that no address is made of two.
    ///
    /// # Errors
    ///
    /// - `duplicate_columns` when a field's best match is shared by two or
    ///   more columns: the same header written twice (`Email` and
    ///   `email`), a field's id and its label (`title` and
    ///   `Customer title`), or two equally close typos. Each pair is named.
    /// - `missing_columns` naming every required field left without a
    ///   column.
    /// - `missing_columns` when every row would fail for want of a column:
    ///   no column feeds any field, or none feeds a field of a
    ///   [`Rule::AtLeastOneOf`] (the contacts preset's first name, last
    ///   name, email or phone). It names the fields the file needs, by
    ///   their labels as the [`Template`](crate::Template) writes them.
    ///
    /// ```
    /// use intake::presets;
    ///
    /// let schema = presets::contacts();
    /// let header = ["E-mail 1 - Value", "E-mail 2 - Value", "Frist Name", "Phone", "Mobile"];
    /// let map = schema.map_header(&header)?;
    /// let field = |col| map.field_of(col).map(|f| schema.fields()[f].id());
    /// assert_eq!(field(0), Some("email"));
    /// assert_eq!(field(1), None); // a second address is not the email
    /// assert_eq!(field(2), Some("first_name")); // a typo, read as First name
    /// assert_eq!(field(3), Some("phone")); // the exact name beats the alias
    /// assert_eq!(field(4), None);
    /// assert_eq!(map.note(4), Some("Column 'Mobile' was not imported: column 'Phone' already fills Phone."));
    ///
    /// let err = schema.map_header(&["Email", "email"]).unwrap_err();
    /// assert_eq!(err.code(), "duplicate_columns");
    ///
    /// // A company and a city, but no one to import.
    /// let err = schema.map_header(&["Company", "City"]).unwrap_err();
    /// assert_eq!(err.code(), "missing_columns");
    /// let needed = ["First name", "Last name", "Email", "Phone"];
    /// assert!(matches!(err.kind(), intake::ErrorKind::MissingColumns(n) if n == &needed));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn map_header<S: AsRef<str>>(&self, header: &[S]) -> Result<HeaderMap, Error> {
        self.map_header_with(header, &ColumnOverrides::default())
    }

    /// Maps a header row to fields as [`map_header`](Schema::map_header)
    /// does, with the app's own choices first: a column the overrides map
    /// feeds that field whatever else matches it, and a column they ignore
    /// feeds nothing.
    ///
    /// # Errors
    ///
    /// As [`map_header`](Schema::map_header), and `invalid_config` when an
    /// override names a field the schema does not have, a column the header
    /// does not have, or maps two columns to one field.
    ///
    /// ```
    /// use intake::{presets, ColumnOverrides};
    ///
    /// let schema = presets::contacts();
    /// let overrides = ColumnOverrides::new().map("Cust Email", "email").ignore("Phone");
    /// let map = schema.map_header_with(&["Email", "Cust Email", "Phone"], &overrides)?;
    /// let field = |col| map.field_of(col).map(|f| schema.fields()[f].id());
    /// assert_eq!((field(0), field(1), field(2)), (None, Some("email"), None));
    ///
    /// let wrong = ColumnOverrides::new().map("Cust Email", "e-mail");
    /// assert_eq!(schema.map_header_with(&["Cust Email"], &wrong).unwrap_err().code(), "invalid_config");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn map_header_with<S: AsRef<str>>(
        &self,
        header: &[S],
        overrides: &ColumnOverrides,
    ) -> Result<HeaderMap, Error> {
        let names: Vec<&str> = header.iter().map(AsRef::as_ref).collect();
        let keys: Vec<String> = names.iter().map(|n| header_key(n)).collect();
        let chosen = self.chosen_columns(&keys, overrides)?;
        let mut claims = self.claims(&names, &keys, &chosen);
        let other_address = self.keep_one_address(&mut claims);
        let assigned = self.assign_columns(&names, &claims)?;
        let notes = self.column_notes(&names, &keys, &chosen, &claims, &other_address, &assigned);
        if let Some(err) = self.missing_required(&assigned.field_columns) {
            return Err(err);
        }
        if let Some(err) = self.meaningless_header(&assigned.field_columns) {
            return Err(err);
        }
        let Assigned {
            columns,
            field_columns,
            matches,
        } = assigned;
        Ok(HeaderMap {
            columns,
            field_columns,
            matches,
            notes,
        })
    }

    /// What each column claims: the app's choice, else the field its name
    /// means and how well ([`claim`](Schema::claim)); `None` for an ignored
    /// column or one that means nothing.
    fn claims(
        &self,
        names: &[&str],
        keys: &[String],
        chosen: &HashMap<&str, Option<usize>>,
    ) -> Vec<Option<Name>> {
        keys.iter()
            .enumerate()
            .map(|(col, key)| match chosen.get(key.as_str()) {
                Some(Some(field)) => Some(Name {
                    field: *field,
                    rank: Rank::Chosen,
                    group: None,
                }),
                Some(None) => None,
                None => names.get(col).and_then(|n| self.claim(n)),
            })
            .collect()
    }

    /// Drops the claims of grouped columns outside the kept address, and
    /// gives, for each column dropped, the first column of the kept group.
    fn keep_one_address(&self, claims: &mut [Option<Name>]) -> Vec<Option<usize>> {
        // One address only: the grouped fields keep the columns of the best
        // group the file has (unprefixed names first), the app's choices
        // aside.
        let in_groups =
            |c: &Name| c.rank != Rank::Chosen && self.grouped.get(c.field) == Some(&true);
        let group = claims
            .iter()
            .flatten()
            .filter(|c| in_groups(c))
            .map(|c| c.group)
            .min_by_key(|g| g.map_or(0, |i| i + 1));
        // Columns of another group: the first column of the kept group.
        let mut other_address: Vec<Option<usize>> = vec![None; claims.len()];
        if let Some(group) = group {
            let kept = claims
                .iter()
                .position(|c| c.as_ref().is_some_and(|c| in_groups(c) && c.group == group));
            for (claim, other) in claims.iter_mut().zip(other_address.iter_mut()) {
                if claim
                    .as_ref()
                    .is_some_and(|c| in_groups(c) && c.group != group)
                {
                    *claim = None;
                    *other = kept;
                }
            }
        }
        other_address
    }

    /// Gives each field the column with its best claim; `duplicate_columns`
    /// when two columns share a field's best claim.
    fn assign_columns(&self, names: &[&str], claims: &[Option<Name>]) -> Result<Assigned, Error> {
        let name = |col: usize| names.get(col).copied().unwrap_or("");
        let mut best: Vec<Option<Rank>> = vec![None; self.fields.len()];
        for &Name { field, rank, .. } in claims.iter().flatten() {
            if let Some(slot) = best.get_mut(field) {
                if slot.is_none_or(|b| rank < b) {
                    *slot = Some(rank);
                }
            }
        }
        let mut columns = vec![None; names.len()];
        let mut matches = vec![None; names.len()];
        let mut field_columns: Vec<Option<usize>> = vec![None; self.fields.len()];
        let mut duplicates = Vec::new();
        for (col, claim) in claims.iter().enumerate() {
            let Some(Name { field, rank, .. }) = *claim else {
                continue;
            };
            if best.get(field).copied().flatten() != Some(rank) {
                continue;
            }
            match field_columns.get(field).copied().flatten() {
                Some(first) => {
                    duplicates.push(messages::header::column_pair(name(first), name(col)))
                }
                None => {
                    if let Some(slot) = field_columns.get_mut(field) {
                        *slot = Some(col);
                    }
                    if let Some(slot) = columns.get_mut(col) {
                        *slot = Some(field);
                    }
                    if let Some(slot) = matches.get_mut(col) {
                        *slot = Some(rank.kind());
                    }
                }
            }
        }
        if !duplicates.is_empty() {
            let message = messages::header::duplicate_columns(&duplicates);
            return Err(Error::new(ErrorKind::DuplicateColumns(duplicates), message));
        }
        Ok(Assigned {
            columns,
            field_columns,
            matches,
        })
    }

    /// For each column, the sentence for people about a guessed or ignored
    /// column ([`HeaderMap::note`]).
    fn column_notes(
        &self,
        names: &[&str],
        keys: &[String],
        chosen: &HashMap<&str, Option<usize>>,
        claims: &[Option<Name>],
        other_address: &[Option<usize>],
        assigned: &Assigned,
    ) -> Vec<Option<String>> {
        let Assigned {
            columns,
            field_columns,
            ..
        } = assigned;
        let name = |col: usize| names.get(col).copied().unwrap_or("");
        let mut notes: Vec<Option<String>> = vec![None; names.len()];
        let label = |field: usize| self.fields.get(field).map_or("", |f| f.label.as_str());
        for (col, (claim, note)) in claims.iter().zip(notes.iter_mut()).enumerate() {
            let column = name(col);
            let claim = claim.map(|c| (c.field, c.rank));
            *note = match claim {
                Some((field, Rank::Similar(_))) if columns.get(col) == Some(&Some(field)) => {
                    Some(messages::header::column_guessed(column, label(field)))
                }
                Some((field, _)) if columns.get(col) == Some(&Some(field)) => None,
                Some((field, _)) => {
                    let used = field_columns.get(field).copied().flatten().map_or("", name);
                    Some(messages::header::column_already_filled(
                        column,
                        used,
                        label(field),
                    ))
                }
                None if other_address.get(col).copied().flatten().is_some() => {
                    let kept = other_address.get(col).copied().flatten().map_or("", name);
                    Some(messages::header::column_of_other_address(column, kept))
                }
                None if chosen.get(keys.get(col).map_or("", String::as_str)) == Some(&None) => {
                    Some(messages::header::column_ignored(column))
                }
                None if column.trim().is_empty() => {
                    Some(messages::header::UNNAMED_COLUMN.to_string())
                }
                None => Some(messages::header::column_matches_nothing(column)),
            };
        }
        notes
    }

    /// The `missing_columns` error naming every required field left
    /// without a column. `field_columns` is field index → its column, as
    /// mapped.
    fn missing_required(&self, field_columns: &[Option<usize>]) -> Option<Error> {
        let missing: Vec<String> = self
            .fields
            .iter()
            .zip(field_columns)
            .filter(|(f, c)| f.required && c.is_none())
            .map(|(f, _)| f.label.clone())
            .collect();
        if !missing.is_empty() {
            let message = messages::header::missing_required(&missing);
            return Some(Error::new(ErrorKind::MissingColumns(missing), message));
        }
        None
    }

    /// The `missing_columns` error for a header every row of which would
    /// fail: no column feeds any field, or no column feeds any field of an
    /// [`Rule::AtLeastOneOf`]. It names the fields the file needs, by their
    /// labels (the template's column names). `field_columns` is field index
    /// → its column, as mapped.
    fn meaningless_header(&self, field_columns: &[Option<usize>]) -> Option<Error> {
        let has_column = |id: &str| {
            self.fields
                .iter()
                .position(|f| f.id == id)
                .and_then(|i| field_columns.get(i).copied().flatten())
                .is_some()
        };
        // An empty rule needs no column: it is not for the header to judge.
        let unmet = self.rules.iter().find_map(|rule| match rule {
            Rule::AtLeastOneOf(ids) if !ids.is_empty() && !ids.iter().any(|id| has_column(id)) => {
                Some(ids)
            }
            _ => None,
        });
        let nothing = !self.fields.is_empty() && field_columns.iter().all(Option::is_none);
        let needed: Vec<String> = match unmet {
            Some(ids) => ids
                .iter()
                .filter_map(|id| self.field(id))
                .map(|f| f.label.clone())
                .collect(),
            // No rule says which: any field would do.
            None if nothing => self.fields.iter().map(|f| f.label.clone()).collect(),
            None => return None,
        };
        // When nothing maps, the header row itself is the likely mistake
        // (a title row above it, a file of another kind).
        let message = messages::header::meaningless_header(&needed, nothing);
        Some(Error::new(ErrorKind::MissingColumns(needed), message))
    }

    /// The overrides checked against the schema and the header: header key
    /// → the chosen field's index, or `None` for an ignored column.
    fn chosen_columns<'k>(
        &self,
        keys: &'k [String],
        overrides: &ColumnOverrides,
    ) -> Result<HashMap<&'k str, Option<usize>>, Error> {
        let bad = |m: String| Err(Error::new(ErrorKind::InvalidConfig, m));
        let mut chosen: HashMap<&'k str, (&str, Option<usize>)> = HashMap::new();
        for choice in &overrides.choices {
            let Some(key) = keys.iter().find(|k| **k == choice.key) else {
                return bad(format!(
                    "the column '{}' named in the column overrides is not in the file's header",
                    choice.column
                ));
            };
            let field = match &choice.field {
                None => None,
                Some(id) => match self.fields.iter().position(|f| f.id == *id) {
                    Some(i) => Some(i),
                    None => {
                        return bad(format!(
                            "the column overrides map '{}' to '{id}', which is not a field of the schema '{}'",
                            choice.column, self.name
                        ))
                    }
                },
            };
            // A later choice about the same column replaces an earlier one.
            chosen.insert(key.as_str(), (choice.column.as_str(), field));
        }
        let mut by_field: HashMap<usize, &str> = HashMap::new();
        for (column, field) in chosen.values() {
            let Some(field) = field else { continue };
            if let Some(other) = by_field.insert(*field, column) {
                let id = self.fields.get(*field).map_or("", |f| f.id.as_str());
                let (a, b) = if other < *column {
                    (other, *column)
                } else {
                    (*column, other)
                };
                return bad(format!(
                    "the column overrides map both '{a}' and '{b}' to '{id}'; a field takes one column"
                ));
            }
        }
        Ok(chosen
            .into_iter()
            .map(|(key, (_, field))| (key, field))
            .collect())
    }
}

/// Where the words of a header name meet, as offsets into its
/// [`header_key`].
pub(super) fn word_breaks(name: &str) -> Vec<usize> {
    let mut breaks = Vec::new();
    let mut len = 0;
    let mut gap = false;
    crate::fold::fold(name, |piece| match piece {
        crate::fold::Piece::Letter(_) => {
            if gap && len > 0 {
                breaks.push(len);
            }
            gap = false;
            len += 1;
        }
        crate::fold::Piece::Gap(_) => gap = true,
    });
    breaks
}

/// What a header name means: a field, how well, and for a grouped alias
/// its group, numbered in the order the schema's fields first name the
/// groups (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Name {
    pub(super) field: usize,
    pub(super) rank: Rank,
    pub(super) group: Option<usize>,
}

/// A header's columns and fields, matched: column → field, field →
/// column, and how each column matched its field.
struct Assigned {
    columns: Vec<Option<usize>>,
    field_columns: Vec<Option<usize>>,
    matches: Vec<Option<MatchKind>>,
}

/// How well a column's header matches a field; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Rank {
    /// The app's override.
    Chosen,
    /// The field's id or label.
    Name,
    /// The field's alias at this position.
    Alias(usize),
    /// A likely typo at this edit distance.
    Similar(usize),
}

impl Rank {
    fn kind(self) -> MatchKind {
        match self {
            Rank::Chosen => MatchKind::Chosen,
            Rank::Name => MatchKind::Name,
            Rank::Alias(_) => MatchKind::Alias,
            Rank::Similar(_) => MatchKind::Similar,
        }
    }
}

/// How a column was matched to the field it feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MatchKind {
    /// The app chose it ([`ColumnOverrides`],
    /// [`Importer::map_column`](crate::Importer::map_column)).
    Chosen,
    /// The header is the field's id or label.
    Name,
    /// The header is one of the field's aliases.
    Alias,
    /// The header looks like a typo of one of the field's names.
    Similar,
}

/// An app's own choices about a file's columns, which win over the
/// automatic mapping: this column feeds that field, that column is
/// ignored. Used by [`Schema::map_header_with`] and by
/// [`Importer::map_column`](crate::Importer::map_column) and
/// [`Importer::ignore_column`](crate::Importer::ignore_column).
///
/// Columns are named as written in the file and compared as header names
/// are ([`header_key`]: case, spaces and punctuation ignored); fields by
/// their id. A later choice about the same column replaces an earlier one.
///
/// ```
/// use intake::ColumnOverrides;
///
/// let overrides = ColumnOverrides::new()
///     .map("Cust Email", "email")
///     .ignore("Email 2");
/// assert!(!overrides.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnOverrides {
    pub(super) choices: Vec<ColumnChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ColumnChoice {
    /// The column as the app named it, for messages.
    pub(super) column: String,
    pub(super) key: String,
    /// The field id, or `None` to ignore the column.
    pub(super) field: Option<String>,
}

impl ColumnOverrides {
    /// No choices: the mapping is automatic.
    pub fn new() -> ColumnOverrides {
        ColumnOverrides::default()
    }

    /// The column `column` feeds the field with id `field`.
    pub fn map(mut self, column: &str, field: &str) -> ColumnOverrides {
        self.choices.push(ColumnChoice {
            column: column.to_string(),
            key: header_key(column),
            field: Some(field.to_string()),
        });
        self
    }

    /// The column `column` feeds no field.
    pub fn ignore(mut self, column: &str) -> ColumnOverrides {
        self.choices.push(ColumnChoice {
            column: column.to_string(),
            key: header_key(column),
            field: None,
        });
        self
    }

    /// Whether there are no choices.
    pub fn is_empty(&self) -> bool {
        self.choices.is_empty()
    }
}

/// How a header was understood: which column feeds which field, how each
/// column was matched, and why a column was ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// Column index → field index.
    columns: Vec<Option<usize>>,
    /// Field index → column index.
    field_columns: Vec<Option<usize>>,
    /// Column index → how it matched its field.
    matches: Vec<Option<MatchKind>>,
    /// Column index → a sentence for people about a guessed or ignored
    /// column.
    notes: Vec<Option<String>>,
}

impl HeaderMap {
    /// The field index column `col` feeds, if any.
    pub fn field_of(&self, col: usize) -> Option<usize> {
        self.columns.get(col).copied().flatten()
    }

    /// The column index that feeds field `field`, if any.
    pub fn column_of(&self, field: usize) -> Option<usize> {
        self.field_columns.get(field).copied().flatten()
    }

    /// How column `col` was matched to its field (`None`: it feeds none).
    pub fn matched_by(&self, col: usize) -> Option<MatchKind> {
        self.matches.get(col).copied().flatten()
    }

    /// For people: why column `col` was not imported ("column 'Mobile
    /// Phone' already fills Phone"), or that it was read as the closest
    /// field name. `None` for a column matched by name, alias or choice.
    pub fn note(&self, col: usize) -> Option<&str> {
        self.notes.get(col).and_then(Option::as_deref)
    }

    /// How many columns the header has.
    pub fn width(&self) -> usize {
        self.columns.len()
    }
}
