//! The app's own customers table, as the database stores see it: which
//! table, which column holds each field, the id column, and where the
//! fields without a column of their own go.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{CustomerId, MatchKey, StoreError};
use crate::record::{Record, Value};
use crate::schema::{FieldKind, Schema};

/// What the id column of a customers table holds.
///
/// ```
/// use intake::{IdKind, TableMapping};
///
/// let mapping = TableMapping::new("crm.customers").id_column("customer_uuid", IdKind::Uuid);
/// assert_eq!(mapping.get_id_column(), ("customer_uuid", IdKind::Uuid));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdKind {
    /// Integers (`bigint`, `INTEGER PRIMARY KEY`, an identity column),
    /// made by the database.
    Int,
    /// UUIDs (`uuid`), made by the database (a default such as
    /// `gen_random_uuid()`) or, when it has none, by the store.
    Uuid,
    /// Text made by the database (a default or a trigger).
    Text,
}

/// How a column's text is read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stored {
    Text,
    Email,
    Phone,
    /// A PHC string: read back as a hash, so that a password imported
    /// again keeps it (and the customer stays unchanged).
    PasswordHash,
}

/// One field's column.
#[derive(Debug, Clone)]
struct FieldColumn {
    field: String,
    column: String,
    stored: Stored,
}

/// Which table and columns a database store keeps customers in: the
/// app's own table, or the default one a store can create.
///
/// Every value is written as its text (what [`Value`]'s `Display`
/// prints: emails lower-cased, phones in E.164, dates as `YYYY-MM-DD`…)
/// and read back as text: the importer compares customers as text, so a
/// column of any type that gives the same text back will do. The email
/// and phone fields (by default `email` and `phone`) are the match keys:
/// their columns should have unique indexes, which is what makes two
/// imports at once create a customer only once.
///
/// Fields without a column of their own go into one JSON column as an
/// object of texts ([`custom_fields`](TableMapping::custom_fields)), or
/// fail their row when there is none.
///
/// ```
/// use intake::presets;
/// use intake::{IdKind, TableMapping};
///
/// // The app's table: its own column names, UUID ids, the rest in JSONB.
/// let mapping = TableMapping::for_schema(&presets::contacts())
///     .table("crm_customers")
///     .id_column("customer_id", IdKind::Uuid)
///     .column("email", "email_address")
///     .column("phone", "phone_number")
///     .only_columns(["email", "phone", "first_name", "last_name"])
///     .custom_fields(Some("extra"));
/// assert_eq!(mapping.column_of("email"), Some("email_address"));
/// assert_eq!(mapping.column_of("city"), None, "kept in `extra`");
/// assert_eq!(mapping.get_custom_fields(), Some("extra"));
/// ```
#[derive(Debug, Clone)]
pub struct TableMapping {
    table: String,
    id_column: String,
    id_kind: IdKind,
    columns: Vec<FieldColumn>,
    custom: Option<String>,
    email_field: String,
    phone_field: String,
}

impl TableMapping {
    /// The table `table` (optionally `schema.table`), with an integer id
    /// column `id` and no field columns yet: add them with
    /// [`column`](TableMapping::column).
    ///
    /// ```
    /// use intake::TableMapping;
    ///
    /// let mapping = TableMapping::new("people").column("email", "mail").column("phone", "tel");
    /// assert_eq!(mapping.get_table(), "people");
    /// ```
    pub fn new(table: &str) -> TableMapping {
        TableMapping {
            table: table.to_string(),
            id_column: "id".to_string(),
            id_kind: IdKind::Int,
            columns: Vec::new(),
            custom: None,
            email_field: "email".to_string(),
            phone_field: "phone".to_string(),
        }
    }

    /// The default layout for `schema`: the table `customers`, an integer
    /// id column `id`, a text column per field named by the field's id,
    /// and a JSON column `custom_fields` for any other field.
    ///
    /// ```
    /// use intake::presets;
    /// use intake::TableMapping;
    ///
    /// let mapping = TableMapping::for_schema(&presets::contacts());
    /// assert_eq!(mapping.get_table(), "customers");
    /// assert_eq!(mapping.column_of("first_name"), Some("first_name"));
    /// ```
    pub fn for_schema(schema: &Schema) -> TableMapping {
        let mut mapping = TableMapping::new("customers").custom_fields(Some("custom_fields"));
        for field in schema.fields() {
            let stored = match field.kind() {
                FieldKind::Email => Stored::Email,
                FieldKind::Phone => Stored::Phone,
                FieldKind::Password => Stored::PasswordHash,
                _ => Stored::Text,
            };
            mapping.columns.push(FieldColumn {
                field: field.id().to_string(),
                column: field.id().to_string(),
                stored,
            });
        }
        mapping
    }

    /// Sets the table (optionally `schema.table`).
    ///
    /// ```
    /// use intake::TableMapping;
    /// assert_eq!(TableMapping::new("a").table("b").get_table(), "b");
    /// ```
    pub fn table(mut self, table: &str) -> TableMapping {
        self.table = table.to_string();
        self
    }

    /// Sets the id column and what it holds.
    ///
    /// ```
    /// use intake::{IdKind, TableMapping};
    /// let mapping = TableMapping::new("customers").id_column("ref", IdKind::Text);
    /// assert_eq!(mapping.get_id_column(), ("ref", IdKind::Text));
    /// ```
    pub fn id_column(mut self, column: &str, kind: IdKind) -> TableMapping {
        self.id_column = column.to_string();
        self.id_kind = kind;
        self
    }

    /// Keeps `field` in `column` (replacing the column it had).
    ///
    /// ```
    /// use intake::TableMapping;
    /// let mapping = TableMapping::new("customers").column("email", "email_address");
    /// assert_eq!(mapping.column_of("email"), Some("email_address"));
    /// ```
    pub fn column(mut self, field: &str, column: &str) -> TableMapping {
        match self.columns.iter_mut().find(|c| c.field == field) {
            Some(existing) => existing.column = column.to_string(),
            None => self.columns.push(FieldColumn {
                field: field.to_string(),
                column: column.to_string(),
                stored: Stored::Text,
            }),
        }
        self
    }

    /// Keeps only these fields in columns of their own; the others go to
    /// the [custom fields](TableMapping::custom_fields) column.
    ///
    /// ```
    /// use intake::presets;
    /// use intake::TableMapping;
    /// let mapping = TableMapping::for_schema(&presets::contacts()).only_columns(["email", "phone"]);
    /// assert_eq!(mapping.column_of("first_name"), None);
    /// ```
    pub fn only_columns<I, S>(mut self, fields: I) -> TableMapping
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let keep: Vec<S> = fields.into_iter().collect();
        self.columns
            .retain(|c| keep.iter().any(|f| f.as_ref() == c.field));
        self
    }

    /// Sets the JSON column (`jsonb` in PostgreSQL, `TEXT` in SQLite) that
    /// holds the fields without a column, as an object of texts; `None`:
    /// a row with such a field fails.
    ///
    /// ```
    /// use intake::TableMapping;
    /// let mapping = TableMapping::new("customers").custom_fields(Some("attributes"));
    /// assert_eq!(mapping.get_custom_fields(), Some("attributes"));
    /// ```
    pub fn custom_fields(mut self, column: Option<&str>) -> TableMapping {
        self.custom = column.map(str::to_string);
        self
    }

    /// Sets which fields are the match keys (default: `email` and
    /// `phone`, the presets' identifiers). Their columns are looked up.
    ///
    /// ```
    /// use intake::TableMapping;
    /// let mapping = TableMapping::new("c")
    ///     .column("work_email", "email")
    ///     .column("work_phone", "phone")
    ///     .keys("work_email", "work_phone");
    /// assert_eq!(mapping.email_column(), Some("email"));
    /// ```
    pub fn keys(mut self, email_field: &str, phone_field: &str) -> TableMapping {
        self.email_field = email_field.to_string();
        self.phone_field = phone_field.to_string();
        self
    }

    /// The table.
    pub fn get_table(&self) -> &str {
        &self.table
    }

    /// The id column and what it holds.
    pub fn get_id_column(&self) -> (&str, IdKind) {
        (&self.id_column, self.id_kind)
    }

    /// The column `field` is kept in, if it has one.
    pub fn column_of(&self, field: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.field == field)
            .map(|c| c.column.as_str())
    }

    /// The JSON column for the fields without one.
    pub fn get_custom_fields(&self) -> Option<&str> {
        self.custom.as_deref()
    }

    /// The email key's column.
    pub fn email_column(&self) -> Option<&str> {
        self.column_of(&self.email_field)
    }

    /// The phone key's column.
    pub fn phone_column(&self) -> Option<&str> {
        self.column_of(&self.phone_field)
    }

    /// The field columns, in order: `(field, column)`.
    pub fn field_columns(&self) -> impl Iterator<Item = (&str, &str)> {
        self.columns
            .iter()
            .map(|c| (c.field.as_str(), c.column.as_str()))
    }

    /// Refuses a mapping a store cannot use: names that are not plain SQL
    /// identifiers, a column used twice, a key without a column.
    pub(crate) fn check(&self) -> Result<(), StoreError> {
        let bad = |what: String| Err(StoreError::new(format!("the table mapping {what}")));
        if !self.table.split('.').all(is_identifier) || self.table.split('.').count() > 2 {
            return bad(format!(
                "names the table {:?}: use letters, digits and _ (schema.table allowed)",
                self.table
            ));
        }
        let mut seen: Vec<&str> = vec![&self.id_column];
        let names = self
            .columns
            .iter()
            .map(|c| c.column.as_str())
            .chain(self.custom.as_deref());
        for name in names {
            if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                return bad(format!("uses the column {name:?} twice"));
            }
            seen.push(name);
        }
        if let Some(name) = seen.iter().find(|n| !is_identifier(n)) {
            return bad(format!(
                "names the column {name:?}: use letters, digits and _"
            ));
        }
        for key in [&self.email_field, &self.phone_field] {
            if self.column_of(key).is_none() {
                return bad(format!("has no column for the match key field {key:?}"));
            }
        }
        Ok(())
    }

    /// `record` laid out in the mapping's columns: one text or `NULL` per
    /// field column, in order, and the custom fields' JSON object (`None`
    /// when there is no custom column).
    pub(crate) fn row_of<'r>(&self, record: &'r Record) -> Result<Row<'r>, StoreError> {
        let mut values: Vec<Option<Cow<'r, str>>> = vec![None; self.columns.len()];
        let mut custom: BTreeMap<&str, Cow<'r, str>> = BTreeMap::new();
        // Texts are borrowed (a date is the only value written anew).
        let text = |value: &'r Value| match value.as_str() {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(value.to_string()),
        };
        for (field, value) in record.iter() {
            match self.columns.iter().position(|c| c.field == field) {
                Some(at) => {
                    if let Some(slot) = values.get_mut(at) {
                        *slot = Some(text(value));
                    }
                }
                None if self.custom.is_some() => {
                    custom.insert(field, text(value));
                }
                None => {
                    return Err(StoreError::new(format!(
                        "the field {field:?} has no column in the table {} and the mapping has no custom fields column",
                        self.table
                    )))
                }
            }
        }
        let custom = match &self.custom {
            None => None,
            Some(_) => Some(serde_json::to_string(&custom).map_err(|e| {
                StoreError::new("the custom fields could not be written as JSON").with_source(e)
            })?),
        };
        Ok(Row { values, custom })
    }

    /// A record from its columns' texts (in the mapping's order; `NULL` and
    /// empty text are no value) and its custom fields' JSON.
    pub(crate) fn record_of<T: AsRef<str>>(
        &self,
        values: impl IntoIterator<Item = Option<T>>,
        custom: Option<&str>,
    ) -> Result<Record, StoreError> {
        // Built at once: inserting value by value would copy the record
        // each time.
        let mut fields: Vec<(Cow<'_, str>, Value)> = Vec::with_capacity(self.columns.len());
        for (column, text) in self.columns.iter().zip(values) {
            let Some(text) = text.as_ref().map(AsRef::as_ref).filter(|t| !t.is_empty()) else {
                continue;
            };
            let value = match column.stored {
                Stored::Text => Value::Text(text.into()),
                Stored::Email => Value::Email(text.into()),
                Stored::Phone => Value::Phone(text.into()),
                Stored::PasswordHash => Value::PasswordHash(text.into()),
            };
            fields.push((Cow::Borrowed(&column.field), value));
        }
        if let Some(json) = custom.filter(|j| !j.is_empty()) {
            let parsed: BTreeMap<String, serde_json::Value> =
                serde_json::from_str(json).map_err(|e| {
                    StoreError::new("a customer's custom fields are not a JSON object")
                        .with_source(e)
                })?;
            for (field, value) in parsed {
                let text = match value {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => continue,
                    other => other.to_string(),
                };
                if !text.is_empty() && self.columns.iter().all(|c| c.field != field) {
                    // A hash kept as text (a password field without a
                    // column of its own) is a hash again, so that the
                    // password imported again keeps it and the customer
                    // stays unchanged.
                    let value = if is_phc(&text) {
                        Value::PasswordHash(text.into())
                    } else {
                        Value::Text(text.into())
                    };
                    fields.push((Cow::Owned(field), value));
                }
            }
        }
        Ok(fields.into_iter().collect())
    }

    /// An id read back as text from the id column.
    pub(crate) fn id_of(&self, text: &str) -> Result<CustomerId, StoreError> {
        let bad = || {
            StoreError::new(format!(
                "the table {} holds the id {text:?}, which is not of the mapping's id kind",
                self.table
            ))
        };
        Ok(match self.id_kind {
            IdKind::Int => CustomerId::Int(text.parse().map_err(|_| bad())?),
            IdKind::Uuid => CustomerId::Uuid(text.parse().map_err(|_| bad())?),
            IdKind::Text => CustomerId::from(text),
        })
    }

    /// An id as the text the id column compares with; `None` when it is
    /// not of the mapping's kind (such a customer does not exist).
    pub(crate) fn id_text(&self, id: &CustomerId) -> Option<String> {
        match (self.id_kind, id) {
            (IdKind::Int, CustomerId::Int(n)) => Some(n.to_string()),
            (IdKind::Uuid, CustomerId::Uuid(u)) => Some(u.hyphenated().to_string()),
            (IdKind::Text, CustomerId::Text(t)) => Some(t.to_string()),
            _ => None,
        }
    }
}

/// A record laid out in a mapping's columns, its texts borrowed.
pub(crate) struct Row<'r> {
    /// One text or `NULL` per field column, in the mapping's order.
    pub(crate) values: Vec<Option<Cow<'r, str>>>,
    /// The custom fields as a JSON object, when the mapping has a column
    /// for them.
    pub(crate) custom: Option<String>,
}

/// A batch's keys as the two lists a lookup statement takes: its emails
/// and its phones.
pub(crate) fn split_keys(keys: &[MatchKey]) -> (Vec<&str>, Vec<&str>) {
    let mut emails = Vec::new();
    let mut phones = Vec::new();
    for key in keys {
        match key {
            MatchKey::Email(v) => emails.push(v.as_str()),
            MatchKey::Phone(v) => phones.push(v.as_str()),
        }
    }
    (emails, phones)
}

/// `name` quoted as an SQL identifier (`"first_name"`); a dotted table
/// name is quoted part by part.
pub(crate) fn quoted(name: &str) -> String {
    name.split('.')
        .map(|part| format!("\"{}\"", part.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether `text` is a PHC string, the form password hashes are kept in
/// (`$argon2id$v=19$…`, `$2b$12$…`): `$id$…`, at least three non-empty
/// parts of letters, digits and `+/.=,-`, the id in lower case.
fn is_phc(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('$') else {
        return false;
    };
    let parts: Vec<&str> = rest.split('$').collect();
    let id_is_lower = parts.first().is_some_and(|id| {
        id.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    parts.len() >= 3
        && id_is_lower
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/.=,-".contains(&b))
        })
}

/// A plain SQL identifier: a letter or `_`, then letters, digits and `_`,
/// at most 63 bytes (PostgreSQL's limit).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 63
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn a_record_comes_back_from_its_row_with_the_same_text() {
        let mapping =
            TableMapping::for_schema(&presets::contacts()).only_columns(["email", "phone"]);
        let mut record = Record::new();
        record.insert("email", Value::Email("ann@example.com".into()));
        record.insert("first_name", Value::Text("Zoë \"Z\"".into()));
        let row = mapping.row_of(&record).unwrap();
        let back = mapping
            .record_of(
                row.values.into_iter().map(|v| v.map(Cow::into_owned)),
                row.custom.as_deref(),
            )
            .unwrap();
        assert!(back.eq_as_text(&record), "{back:?}");
    }

    #[test]
    fn phc_strings_are_told_from_text() {
        assert!(is_phc("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
        assert!(is_phc(
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
        ));
        for text in [
            "",
            "$",
            "$5 off$today$only",
            "a$b$c$d",
            "$x$$y",
            "$argon2id$v=19",
        ] {
            assert!(!is_phc(text), "{text}");
        }
    }

    #[test]
    fn a_password_hash_among_the_custom_fields_comes_back_as_a_hash() {
        let mapping = TableMapping::for_schema(&presets::contacts());
        let mut record = Record::new();
        record.insert("email", Value::Email("ann@example.com".into()));
        let hash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA";
        record.insert("password", Value::PasswordHash(hash.into()));
        record.insert("gate_code", Value::Text("$4521".into()));
        let row = mapping.row_of(&record).unwrap();
        let back = mapping
            .record_of(
                row.values.into_iter().map(|v| v.map(Cow::into_owned)),
                row.custom.as_deref(),
            )
            .unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn a_field_without_a_column_fails_without_a_custom_column() {
        let mapping = TableMapping::new("c")
            .column("email", "email")
            .column("phone", "phone");
        let mut record = Record::new();
        record.insert("city", Value::Text("Oslo".into()));
        assert!(mapping.row_of(&record).is_err());
    }

    #[test]
    fn names_that_are_not_identifiers_are_refused() {
        let ok = TableMapping::for_schema(&presets::contacts());
        assert!(ok.check().is_ok());
        assert!(ok.clone().table("customers; drop table x").check().is_err());
        assert!(ok.clone().column("email", "e-mail").check().is_err());
        assert!(ok.clone().column("first_name", "email").check().is_err());
        assert!(ok.only_columns(["phone"]).check().is_err());
    }

    #[test]
    fn ids_of_another_kind_are_nobodys() {
        let mapping = TableMapping::new("c").id_column("id", IdKind::Uuid);
        assert_eq!(mapping.id_text(&CustomerId::from(3)), None);
        let id = mapping
            .id_of("67e55044-10b1-426f-9247-bb680e5fe0c8")
            .unwrap();
        assert_eq!(
            mapping.id_text(&id).as_deref(),
            Some("67e55044-10b1-426f-9247-bb680e5fe0c8")
        );
        assert!(mapping.id_of("7").is_err());
    }
}
