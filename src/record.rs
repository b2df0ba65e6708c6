//! Typed values and the records they form.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

/// The text of a [`Value`] or a [`MatchKey`](crate::MatchKey): a `str`,
/// kept inline when it is 24 bytes or shorter.
///
/// Most values of a customer (names, phones, codes, most emails) are that
/// short, so a record and its match keys cost no allocation per value:
/// an import of a million rows makes millions fewer, and a store holding
/// a million customers is a third smaller. It reads as a `str` (it
/// dereferences to one) and converts from and into `String`.
///
/// # Example
///
/// ```
/// use intake::{Text, Value};
///
/// let name = Text::from("Ann");
/// assert_eq!(name, "Ann");
/// assert_eq!(name.len(), 3);
/// let value = Value::Text(name);
/// assert_eq!(value.as_str(), Some("Ann"));
/// let owned: String = Text::from(String::from("Bo")).into();
/// assert_eq!(owned, "Bo");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(compact_str::CompactString);

impl Text {
    /// Text holding a copy of `text`.
    ///
    /// ```
    /// assert_eq!(intake::Text::new("ann@example.com").as_str(), "ann@example.com");
    /// ```
    pub fn new(text: &str) -> Text {
        Text(compact_str::CompactString::new(text))
    }

    /// The text as a `str`.
    ///
    /// ```
    /// assert_eq!(intake::Text::from("US").as_str(), "US");
    /// ```
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// `text` lower-cased, ASCII letters only: without a `String` in
    /// between.
    pub(crate) fn ascii_lowercase(text: &str) -> Text {
        let mut lower = compact_str::CompactString::new(text);
        lower.make_ascii_lowercase();
        Text(lower)
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::new(text)
    }
}

impl From<String> for Text {
    /// Keeps the string's allocation when the text is too long to go
    /// inline.
    fn from(text: String) -> Text {
        Text(compact_str::CompactString::from(text))
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Text {
        Text::new(text)
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.0.into_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

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
    Text(Text),
    /// An email address: trimmed, NFC-normalized, lower-cased.
    Email(Text),
    /// A phone number in E.164 (`+14155550101`).
    Phone(Text),
    /// A calendar date.
    Date(NaiveDate),
    /// A choice in its canonical spelling (`Dr`, `Business`).
    Choice(Text),
    /// A number, as written but trimmed (`42`, `-3.5`).
    Number(Text),
    /// A country as its ISO 3166-1 alpha-2 code (`US`).
    Country(Text),
    /// A state as its ISO 3166-2 code (`US-CA`).
    State(Text),
    /// A password hash (a PHC string from the
    /// [`PasswordHasher`](crate::PasswordHasher)); never the plain text.
    PasswordHash(Text),
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
            | Value::PasswordHash(s) => Some(s.as_str()),
            Value::Date(_) => None,
        }
    }

    /// Whether the two values have the same text, whatever their
    /// variants: a value read back from a store that keeps text equals
    /// the typed value written ([`Record::eq_as_text`]).
    pub(crate) fn eq_as_text(&self, other: &Value) -> bool {
        self == other
            || match (self.as_str(), other.as_str()) {
                (Some(x), Some(y)) => x == y,
                // A date kept as text is its ISO spelling.
                _ => self.to_string() == other.to_string(),
            }
    }

    /// The variant's name, as plans and journals write a value beside its
    /// text, to read it back with [`Value::of_kind`].
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Value::Text(_) => "text",
            Value::Email(_) => "email",
            Value::Phone(_) => "phone",
            Value::Date(_) => "date",
            Value::Choice(_) => "choice",
            Value::Number(_) => "number",
            Value::Country(_) => "country",
            Value::State(_) => "state",
            Value::PasswordHash(_) => "password_hash",
        }
    }

    /// The value of the variant named `kind` (a [`Value::kind_name`]) with
    /// `text` (its [`Display`](fmt::Display)); `None` when either is not
    /// one of ours.
    pub(crate) fn of_kind(kind: &str, text: &str) -> Option<Value> {
        let t = || Text::from(text);
        Some(match kind {
            "text" => Value::Text(t()),
            "email" => Value::Email(t()),
            "phone" => Value::Phone(t()),
            "date" => Value::Date(NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?),
            "choice" => Value::Choice(t()),
            "number" => Value::Number(t()),
            "country" => Value::Country(t()),
            "state" => Value::State(t()),
            "password_hash" => Value::PasswordHash(t()),
            _ => return None,
        })
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
            // Without chrono's format string, parsed anew for every date;
            // its own for years of other than four digits (`+10000`).
            (Value::Date(d), _) if (0..=9999).contains(&d.year()) => {
                write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
            }
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
/// Fields without a value are absent, never empty strings. Values are kept
/// and iterated in field-id order.
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
#[derive(Clone, Default)]
pub struct Record {
    /// Sorted by field id, each id at most once, in one allocation of
    /// exactly their size (the values, their ids and the counter that
    /// shares them). A customer has a handful of fields: a slice found by
    /// binary search costs one allocation where a map costs several, and
    /// ids as short as field ids are kept inline. Shared, copied on write:
    /// a record is handed from the row's check to the engine's view of the
    /// customer, the write and the store, and a clone costs one counter
    /// instead of a copy of every value. `None` until the first value: an
    /// empty record allocates nothing.
    values: Option<Arc<[(FieldId, Value)]>>,
}

/// A field id inside a record: inline up to 24 bytes, so no allocation.
type FieldId = compact_str::CompactString;

impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.values() == other.values()
    }
}

impl Eq for Record {}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl Record {
    /// An empty record.
    pub fn new() -> Record {
        Record::default()
    }

    fn values(&self) -> &[(FieldId, Value)] {
        self.values.as_deref().unwrap_or(&[])
    }

    /// A record of these values, already sorted and unique, in one
    /// allocation when the iterator knows its exact length.
    fn from_unique_sorted(values: impl Iterator<Item = (FieldId, Value)>) -> Record {
        let values: Arc<[(FieldId, Value)]> = values.collect();
        Record {
            values: (!values.is_empty()).then_some(values),
        }
    }

    /// Where `field` is, or where it would go.
    fn position(&self, field: &str) -> Result<usize, usize> {
        self.values()
            .binary_search_by(|(id, _)| id.as_str().cmp(field))
    }

    /// The value of `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&Value> {
        let at = self.position(field).ok()?;
        self.values().get(at).map(|(_, value)| value)
    }

    /// The value of `field` as text (text, email, phone or choice).
    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_str)
    }

    /// Sets `field` to `value`, returning the previous value.
    ///
    /// Changing a field's value changes it in place (after copying the
    /// values if another record shares them); a new field makes a new
    /// allocation one value larger. To build a record of many values,
    /// [`collect`](Record#impl-FromIterator<(K,+Value)>-for-Record) them.
    pub fn insert(&mut self, field: impl AsRef<str>, value: Value) -> Option<Value> {
        let field = field.as_ref();
        match self.position(field) {
            Ok(at) => {
                let values = Arc::make_mut(self.values.as_mut()?);
                values
                    .get_mut(at)
                    .map(|(_, old)| std::mem::replace(old, value))
            }
            Err(at) => {
                let (before, after) = self.values().split_at(at.min(self.len()));
                *self = Record::from_unique_sorted(
                    before
                        .iter()
                        .cloned()
                        .chain(std::iter::once((FieldId::new(field), value)))
                        .chain(after.iter().cloned()),
                );
                None
            }
        }
    }

    /// Removes the value of `field`, returning it.
    pub fn remove(&mut self, field: &str) -> Option<Value> {
        // Nothing to remove: no need to copy the values.
        let at = self.position(field).ok()?;
        let removed = self.values().get(at).map(|(_, value)| value.clone());
        let values = self.values();
        *self = Record::from_unique_sorted(
            values
                .iter()
                .take(at)
                .chain(values.iter().skip(at + 1))
                .cloned(),
        );
        removed
    }

    /// Whether the two records hold the same fields with the same text,
    /// whatever their values' variants: how the importer tells an
    /// unchanged customer, so that a store that keeps every value as
    /// text (and gives back [`Value::Text`]) gets the decisions a store
    /// that keeps the variants gets.
    ///
    /// ```
    /// use intake::{Record, Value};
    ///
    /// let written: Record = [("state", Value::State("US-CA".into()))].into_iter().collect();
    /// let read_back: Record = [("state", Value::Text("US-CA".into()))].into_iter().collect();
    /// assert!(written.eq_as_text(&read_back));
    /// assert_ne!(written, read_back);
    /// ```
    pub fn eq_as_text(&self, other: &Record) -> bool {
        // Equal records (most often one shared allocation) are equal text.
        self == other
            || self.len() == other.len()
                && self
                    .iter()
                    .zip(other.iter())
                    .all(|((a, x), (b, y))| a == b && x.eq_as_text(y))
    }

    /// Whether `field` has a value.
    pub fn contains(&self, field: &str) -> bool {
        self.position(field).is_ok()
    }

    /// The values in field-id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values().iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many fields have a value.
    pub fn len(&self) -> usize {
        self.values().len()
    }

    /// Whether no field has a value.
    pub fn is_empty(&self) -> bool {
        self.values().is_empty()
    }

    /// A record of values already in field-id order, each field once, in
    /// one allocation of their exact size (a store may keep it for long).
    /// Values out of order or repeated are sorted and deduplicated as
    /// [`collect`](Record#impl-FromIterator<(K,+Value)>-for-Record) would,
    /// never lost.
    pub(crate) fn from_sorted<'f>(values: impl Iterator<Item = (&'f str, Value)>) -> Record {
        let record = Record::from_unique_sorted(values.map(|(id, v)| (FieldId::new(id), v)));
        if record.values().is_sorted_by(|a, b| a.0 < b.0) {
            return record;
        }
        record.values().iter().cloned().collect()
    }
}

/// Collects `(field, value)` pairs; a field given twice keeps its last
/// value, as [`Record::insert`] would.
///
/// ```
/// use intake::{Record, Value};
///
/// let r: Record = [
///     ("email", Value::Email("ann@example.com".into())),
///     ("first_name", Value::Text("Ann".into())),
/// ]
/// .into_iter()
/// .collect();
/// assert_eq!(r.len(), 2);
/// ```
impl<K: AsRef<str>> FromIterator<(K, Value)> for Record {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Record {
        let mut values: Vec<(FieldId, Value)> = iter
            .into_iter()
            .map(|(field, value)| (FieldId::new(field.as_ref()), value))
            .collect();
        // Latest first, so that the stable sort keeps the last value of a
        // field first among its equals, and the deduplication keeps it.
        values.reverse();
        values.sort_by(|a, b| a.0.cmp(&b.0));
        values.dedup_by(|later, first| later.0 == first.0);
        Record::from_unique_sorted(values.into_iter())
    }
}

/// A fingerprint of a record's fields and their text: equal for records
/// that are [`Record::eq_as_text`], and different, but for a chance of
/// one in 2^64, for records that are not. What a journal keeps of a
/// customer as an import wrote it, to tell at undo whether something
/// changed the customer since, without keeping the values twice.
///
/// It hashes each field's id and text, 8 bytes at a time, in a way that
/// stays the same across versions and machines (a journal keeps it
/// between runs). Not a signature: it detects changes, not forgeries.
///
/// ```
/// use intake::{Record, RecordDigest, Value};
///
/// let written: Record = [("state", Value::State("US-CA".into()))].into_iter().collect();
/// let read_back: Record = [("state", Value::Text("US-CA".into()))].into_iter().collect();
/// assert_eq!(RecordDigest::of(&written), RecordDigest::of(&read_back));
///
/// let changed: Record = [("state", Value::State("US-NY".into()))].into_iter().collect();
/// assert_ne!(RecordDigest::of(&written), RecordDigest::of(&changed));
///
/// let kept = RecordDigest::of(&written).to_bits();
/// assert_eq!(RecordDigest::from_bits(kept), RecordDigest::of(&written));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordDigest(u64);

impl RecordDigest {
    /// The digest of `record`.
    pub fn of(record: &Record) -> RecordDigest {
        let mut hash = WordHash::default();
        let mut date = String::new();
        for (field, value) in record.iter() {
            hash.text(field.as_bytes());
            match value.as_str() {
                Some(text) => hash.text(text.as_bytes()),
                None => {
                    // A date: its ISO spelling, as a store keeps it as text.
                    date.clear();
                    let _ = fmt::Write::write_fmt(&mut date, format_args!("{value}"));
                    hash.text(date.as_bytes());
                }
            }
        }
        RecordDigest(hash.finish())
    }

    /// The digest as 64 bits, as a store keeps it (a database's signed
    /// 64-bit integer takes it with `as i64`, and gives it back with
    /// `as u64`).
    pub fn to_bits(self) -> u64 {
        self.0
    }

    /// The digest kept as [`to_bits`](RecordDigest::to_bits) gave it.
    pub fn from_bits(bits: u64) -> RecordDigest {
        RecordDigest(bits)
    }
}

/// Shown as 16 hexadecimal digits, as plans write it.
///
/// ```
/// use intake::{Record, RecordDigest};
///
/// assert_eq!(RecordDigest::of(&Record::new()).to_string().len(), 16);
/// ```
impl fmt::Display for RecordDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// The hash under [`RecordDigest`]: each text's 8-byte words (the last
/// padded with zeros), then its length, each mixed into the state by a
/// xor, a multiplication by an odd number and a rotation (so two texts
/// that differ in one word never collide), the state mixed once more at
/// the end (MurmurHash3's finalizer). A word at a time: a record's digest
/// is a cost of every journaled write.
struct WordHash(u64);

impl Default for WordHash {
    fn default() -> WordHash {
        // The first digits of pi: any fixed start would do.
        WordHash(0x243f_6a88_85a3_08d3)
    }
}

impl WordHash {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(31);
    }

    fn text(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let mut last = [0u8; 8];
        for (to, from) in last.iter_mut().zip(words.remainder()) {
            *to = *from;
        }
        self.mix(u64::from_le_bytes(last));
        self.mix(bytes.len() as u64);
    }

    fn finish(self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_tells_where_a_text_ends() {
        let text = |pairs: &[(&str, &str)]| -> RecordDigest {
            let record: Record = pairs
                .iter()
                .map(|(f, v)| (*f, Value::Text((*v).into())))
                .collect();
            RecordDigest::of(&record)
        };
        assert_ne!(text(&[("a", "bc")]), text(&[("ab", "c")]));
        assert_ne!(text(&[("a", "")]), text(&[("a", "\0")]));
        assert_ne!(text(&[("a", "12345678")]), text(&[("a", "12345679")]));
        assert_ne!(
            text(&[("a", "x"), ("b", "y")]),
            text(&[("a", "y"), ("b", "x")])
        );
    }

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

    #[test]
    fn iterates_in_field_id_order_whatever_the_insert_order() {
        let mut r = Record::new();
        for field in ["phone", "email", "state", "city", "email"] {
            r.insert(field, Value::Text(field.into()));
        }
        let fields: Vec<&str> = r.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["city", "email", "phone", "state"]);
    }

    #[test]
    fn a_field_collected_twice_keeps_its_last_value() {
        let r: Record = [
            ("email", Value::Email("ann@example.com".into())),
            ("email", Value::Email("bo@example.com".into())),
        ]
        .into_iter()
        .collect();
        assert_eq!(r.len(), 1);
        assert_eq!(r.text("email"), Some("bo@example.com"));
    }

    #[test]
    fn a_long_field_id_is_kept_whole() {
        let long = "a_field_id_longer_than_twenty_four_bytes";
        let mut r = Record::new();
        r.insert(long, Value::Text("x".into()));
        assert_eq!(r.text(long), Some("x"));
        assert_eq!(r.remove(long), Some(Value::Text("x".into())));
        assert!(r.is_empty());
    }

    #[test]
    fn a_record_emptied_equals_a_new_one() {
        let mut r = Record::new();
        r.insert("email", Value::Email("ann@example.com".into()));
        r.remove("email");
        assert_eq!(r, Record::new());
        assert!(r.values.is_none());
    }

    #[test]
    fn from_sorted_equals_the_same_values_collected() {
        let values = [
            ("email", Value::Email("ann@example.com".into())),
            ("phone", Value::Phone("+14155550101".into())),
        ];
        let r = Record::from_sorted(values.clone().into_iter());
        assert_eq!(r, values.into_iter().collect());
    }

    #[test]
    fn insert_between_and_remove_keep_field_id_order() {
        let mut r: Record = [
            ("a", Value::Text("1".into())),
            ("c", Value::Text("3".into())),
        ]
        .into_iter()
        .collect();
        r.insert("b", Value::Text("2".into()));
        r.insert("d", Value::Text("4".into()));
        assert_eq!(
            r.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
        assert_eq!(r.remove("b"), Some(Value::Text("2".into())));
        assert_eq!(r.remove("b"), None);
        assert_eq!(
            r.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["a", "c", "d"]
        );
    }

    #[test]
    fn a_shared_record_is_left_alone_by_changes_to_its_clone() {
        let original: Record = [("email", Value::Email("ann@example.com".into()))]
            .into_iter()
            .collect();
        let mut changed = original.clone();
        changed.insert("email", Value::Email("bo@example.com".into()));
        changed.insert("phone", Value::Phone("+14155550101".into()));
        assert_eq!(original.len(), 1);
        assert_eq!(original.text("email"), Some("ann@example.com"));
        assert_eq!(changed.text("email"), Some("bo@example.com"));
    }

    #[test]
    fn from_sorted_keeps_the_last_of_a_repeated_field() {
        let r = Record::from_sorted(
            [
                ("email", Value::Email("ann@example.com".into())),
                ("email", Value::Email("bo@example.com".into())),
            ]
            .into_iter(),
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r.text("email"), Some("bo@example.com"));
    }

    #[test]
    fn from_sorted_given_values_out_of_order_sorts_them() {
        let r = Record::from_sorted(
            [
                ("phone", Value::Phone("+14155550101".into())),
                ("email", Value::Email("ann@example.com".into())),
            ]
            .into_iter(),
        );
        assert_eq!(r.text("email"), Some("ann@example.com"));
        assert_eq!(r.text("phone"), Some("+14155550101"));
    }

    #[test]
    fn from_sorted_of_nothing_equals_a_new_record() {
        assert_eq!(Record::from_sorted(std::iter::empty()), Record::new());
    }

    #[test]
    fn text_of_any_length_reads_back_as_written() {
        for written in [
            "",
            "US",
            "ann@example.com",
            "a.much.longer.address+tag@example.co.uk",
        ] {
            let text = Text::from(written);
            assert_eq!(text, written);
            assert_eq!(String::from(text.clone()), written);
            assert_eq!(Text::from(written.to_string()), text);
        }
    }

    #[test]
    fn text_finds_a_map_entry_by_its_str() {
        // `Borrow<str>` promises the same hash and order as the `str`.
        let mut map = std::collections::HashMap::new();
        map.insert(Text::from("+14155550101"), 1);
        assert_eq!(map.get("+14155550101"), Some(&1));
        let mut sorted = [Text::from("b"), Text::from("a")];
        sorted.sort();
        assert_eq!(sorted, ["a", "b"]);
    }

    #[test]
    fn text_lower_cases_ascii_letters_only() {
        assert_eq!(Text::ascii_lowercase("Ann@Example.COM"), "ann@example.com");
        assert_eq!(Text::ascii_lowercase("ÅSA@X.SE"), "Åsa@x.se");
    }

    #[test]
    fn debug_shows_fields_and_values_as_a_map() {
        let mut r = Record::new();
        r.insert("email", Value::Email("ann@example.com".into()));
        assert_eq!(format!("{r:?}"), r#"{"email": Email("ann@example.com")}"#);
    }
}
