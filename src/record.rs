//! Typed values and the records they form.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

/// One validated, normalized cell value.
///
/// `Display` prints the normalized form that is stored and shown in previews:
/// emails lower-cased, phones in E.164, dates as `YYYY-MM-DD`, choices in
/// their canonical spelling.
///
/// # Example
///
/// ```
/// use intake::Value;
///
/// let v = Value::Phone("+14155550101".into());
/// assert_eq!(v.to_string(), "+14155550101");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Value {
    /// Free text, trimmed.
    Text(String),
    /// An email address: trimmed, NFC-normalized, lower-cased.
    Email(String),
    /// A phone number in E.164 (`+14155550101`).
    Phone(String),
    /// A calendar date.
    Date(NaiveDate),
    /// A choice in its canonical spelling (`Dr`, `Business`).
    Choice(String),
    /// A number, as written but trimmed (`42`, `-3.5`).
    Number(String),
    /// A country as its ISO 3166-1 alpha-2 code (`US`).
    Country(String),
    /// A state as its ISO 3166-2 code (`US-CA`).
    State(String),
    /// A password hash (a PHC string from the
    /// [`PasswordHasher`](crate::PasswordHasher)); never the plain text.
    PasswordHash(String),
}

impl Value {
    /// The value as text, borrowed where it already is text.
    ///
    /// ```
    /// use intake::Value;
    /// assert_eq!(Value::Text("Ann".into()).as_str(), Some("Ann"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s)
            | Value::Email(s)
            | Value::Phone(s)
            | Value::Choice(s)
            | Value::Number(s)
            | Value::Country(s)
            | Value::State(s)
            | Value::PasswordHash(s) => Some(s),
            Value::Date(_) => None,
        }
    }

    /// The date, for a [`Value::Date`].
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.as_str()) {
            (Value::Date(d), _) => write!(f, "{}", d.format("%Y-%m-%d")),
            (_, text) => f.write_str(text.unwrap_or_default()),
        }
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A customer as field id → value: what a row becomes after validation, and
/// what a [`Store`](crate::Store) keeps.
///
/// Fields without a value are absent, never empty strings.
///
/// # Example
///
/// ```
/// use intake::{Record, Value};
///
/// let mut r = Record::new();
/// r.insert("first_name", Value::Text("Ann".into()));
/// assert_eq!(r.text("first_name"), Some("Ann"));
/// assert_eq!(r.get("email"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Shared, copied on write: a record is handed from the row's check to
    /// the engine's view of the customer, the write and the store, and a
    /// clone costs one counter instead of a copy of every value.
    values: Arc<BTreeMap<String, Value>>,
}

impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.values.iter())
    }
}

impl Record {
    /// An empty record.
    pub fn new() -> Record {
        Record::default()
    }

    /// The value of `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.values.get(field)
    }

    /// The value of `field` as text (text, email, phone or choice).
    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }

    /// Sets `field` to `value`, returning the previous value.
    pub fn insert(&mut self, field: impl Into<String>, value: Value) -> Option<Value> {
        Arc::make_mut(&mut self.values).insert(field.into(), value)
    }

    /// Removes the value of `field`, returning it.
    pub fn remove(&mut self, field: &str) -> Option<Value> {
        if !self.values.contains_key(field) {
            // Nothing to remove: no need to unshare the values.
            return None;
        }
        Arc::make_mut(&mut self.values).remove(field)
    }

    /// Whether `field` has a value.
    pub fn contains(&self, field: &str) -> bool {
        self.values.contains_key(field)
    }

    /// The values in field-id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many fields have a value.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no field has a value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Record {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Record {
        Record {
            values: Arc::new(iter.into_iter().map(|(k, v)| (k.into(), v)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_keeps_its_values_when_the_original_changes() {
        let mut original = Record::new();
        original.insert("email", Value::Email("ann@example.com".into()));
        let copy = original.clone();
        original.insert("email", Value::Email("bo@example.com".into()));
        original.remove("email");
        assert_eq!(copy.text("email"), Some("ann@example.com"));
        assert_eq!(original.get("email"), None);
    }
}
