//! What an import expects: fields, their kinds, and how header names map to
//! them.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind};
use crate::import::BlankRows;
use crate::policy::Policy;
use crate::rules::Rule;

/// The default length limit of a text field, in characters.
pub const DEFAULT_MAX_CHARS: usize = 255;

/// The kind of value a field holds, which decides how its cells are
/// validated and normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldKind {
    /// Free text (trimmed, length-limited).
    Text,
    /// An email address (lower-cased).
    Email,
    /// A phone number (E.164).
    Phone,
    /// A date in one of the listed formats.
    Date(Vec<DateFormat>),
    /// One of a list of values, with aliases.
    Choice(Choices),
    /// A decimal number (`42`, `-3.5`).
    Number,
    /// A plain-text password, stored hashed and never shown.
    Password,
    /// A country, stored as its ISO 3166-1 alpha-2 code (`US`).
    Country,
    /// A state or other subdivision, stored as its ISO 3166-2 code
    /// (`US-CA`), matched within the country of the named country field
    /// (else the import's default country).
    State {
        /// The field holding the row's country, if the schema has one.
        country: Option<String>,
    },
}

/// One field of a [`Schema`]: an id, a label, a kind and its constraints.
///
/// ```
/// use intake::Field;
///
/// let email = Field::email("email").label("E-mail").identifier();
/// assert_eq!(email.id(), "email");
/// assert!(email.is_identifier());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    id: String,
    label: String,
    kind: FieldKind,
    required: bool,
    identifier: bool,
    max_chars: usize,
    aliases: Vec<String>,
    examples: Vec<String>,
    keep_unrecognized: bool,
}

impl Field {
    /// A field of `kind` with id `id`; its label is the id until set.
    pub fn new(id: impl Into<String>, kind: FieldKind) -> Field {
        let id = id.into();
        Field {
            label: id.clone(),
            id,
            kind,
            required: false,
            identifier: false,
            max_chars: DEFAULT_MAX_CHARS,
            aliases: Vec::new(),
            examples: Vec::new(),
            keep_unrecognized: false,
        }
    }

    /// A free-text field.
    pub fn text(id: impl Into<String>) -> Field {
        Field::new(id, FieldKind::Text)
    }

    /// An email field.
    pub fn email(id: impl Into<String>) -> Field {
        Field::new(id, FieldKind::Email)
    }

    /// A phone field.
    pub fn phone(id: impl Into<String>) -> Field {
        Field::new(id, FieldKind::Phone)
    }

    /// A date field accepting `formats`, tried in order.
    pub fn date(id: impl Into<String>, formats: Vec<DateFormat>) -> Field {
        Field::new(id, FieldKind::Date(formats))
    }

    /// A choice field.
    pub fn choice(id: impl Into<String>, choices: Choices) -> Field {
        Field::new(id, FieldKind::Choice(choices))
    }

    /// A number field.
    pub fn number(id: impl Into<String>) -> Field {
        Field::new(id, FieldKind::Number)
    }

    /// A country field (ISO 3166-1 alpha-2).
    pub fn country(id: impl Into<String>) -> Field {
        Field::new(id, FieldKind::Country)
    }

    /// A state field (ISO 3166-2), matched within the country held by the
    /// field `country_field` (else the import's default country).
    pub fn state(id: impl Into<String>, country_field: Option<&str>) -> Field {
        Field::new(
            id,
            FieldKind::State {
                country: country_field.map(str::to_string),
            },
        )
    }

    /// For country and state fields: a value that is not recognised is kept
    /// as written, with a warning, instead of failing the row.
    pub fn keep_unrecognized(mut self) -> Field {
        self.keep_unrecognized = true;
        self
    }

    /// Whether unrecognised country or state values are kept as written.
    pub fn keeps_unrecognized(&self) -> bool {
        self.keep_unrecognized
    }

    /// A password field: plain text in the file, hashed in the store.
    pub fn password(id: impl Into<String>) -> Field {
        Field::new(id, FieldKind::Password)
    }

    /// Adds a sample value for the [`Template`](crate::Template)'s sample
    /// rows (the first example goes in the first row, and so on).
    pub fn example(mut self, value: impl Into<String>) -> Field {
        self.examples.push(value.into());
        self
    }

    /// Sets the label people see (templates) and that headers may use.
    pub fn label(mut self, label: impl Into<String>) -> Field {
        self.label = label.into();
        self
    }

    /// Adds another header name that means this field (`"Surname"`).
    pub fn alias(mut self, alias: impl Into<String>) -> Field {
        self.aliases.push(alias.into());
        self
    }

    /// Makes the column required in the header and its cells non-empty.
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// Makes the field's normalized value a match key: a row with the same
    /// value is the same customer. Only email and phone fields can be.
    pub fn identifier(mut self) -> Field {
        self.identifier = true;
        self
    }

    /// Sets the length limit in characters (text, default 255).
    pub fn max_chars(mut self, max: usize) -> Field {
        self.max_chars = max;
        self
    }

    /// The field id, the key of its value in a [`Record`](crate::Record).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The label.
    pub fn label_text(&self) -> &str {
        &self.label
    }

    /// The kind.
    pub fn kind(&self) -> &FieldKind {
        &self.kind
    }

    /// Whether the field is required.
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// Whether the field is a match key.
    pub fn is_identifier(&self) -> bool {
        self.identifier
    }

    /// The length limit in characters.
    pub fn max_len(&self) -> usize {
        self.max_chars
    }

    /// The other header names accepted for this field.
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// The sample values for templates.
    pub fn examples(&self) -> &[String] {
        &self.examples
    }

    /// Whether the field's values are secret (passwords): never shown.
    pub fn is_secret(&self) -> bool {
        self.kind == FieldKind::Password
    }
}

/// A date format written with `YYYY`, `MM` and `DD` and literal separators,
/// such as `YYYY-MM-DD` or `YYYY/MM/DD`.
///
/// `YYYY` takes exactly four digits; `MM` and `DD` one or two. Nothing else
/// is guessed: `25/10/1986` is not a `YYYY-MM-DD` date.
///
/// ```
/// use intake::DateFormat;
/// let f = DateFormat::new("YYYY/MM/DD").unwrap();
/// assert_eq!(f.example(), "2018/05/12");
/// assert!(DateFormat::new("YY-MM").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat {
    pattern: String,
    parts: Vec<DatePart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DatePart {
    Year,
    Month,
    Day,
    Literal(char),
}

impl DateFormat {
    /// Parses a pattern; it must hold `YYYY`, `MM` and `DD` once each.
    pub fn new(pattern: &str) -> Result<DateFormat, Error> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        while !rest.is_empty() {
            let (part, len) = if rest.starts_with("YYYY") {
                (DatePart::Year, 4)
            } else if rest.starts_with("MM") {
                (DatePart::Month, 2)
            } else if rest.starts_with("DD") {
                (DatePart::Day, 2)
            } else {
                let c = rest.chars().next().unwrap_or(' ');
                (DatePart::Literal(c), c.len_utf8())
            };
            parts.push(part);
            rest = rest.get(len..).unwrap_or("");
        }
        let count = |p: &DatePart| parts.iter().filter(|q| *q == p).count();
        if count(&DatePart::Year) != 1 || count(&DatePart::Month) != 1 || count(&DatePart::Day) != 1
        {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("date format '{pattern}' must contain YYYY, MM and DD once each"),
            ));
        }
        Ok(DateFormat {
            pattern: pattern.to_string(),
            parts,
        })
    }

    /// The ISO 8601 calendar date, `YYYY-MM-DD`.
    pub fn iso() -> DateFormat {
        DateFormat {
            pattern: "YYYY-MM-DD".into(),
            parts: vec![
                DatePart::Year,
                DatePart::Literal('-'),
                DatePart::Month,
                DatePart::Literal('-'),
                DatePart::Day,
            ],
        }
    }

    /// The pattern as written (`YYYY-MM-DD`).
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// 12 May 2018 in this format, for messages and templates.
    pub fn example(&self) -> String {
        self.format(2018, 5, 12)
    }

    /// Formats a year, month and day in this format.
    pub fn format(&self, year: i32, month: u32, day: u32) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                DatePart::Year => format!("{year:04}"),
                DatePart::Month => format!("{month:02}"),
                DatePart::Day => format!("{day:02}"),
                DatePart::Literal(c) => c.to_string(),
            })
            .collect()
    }

    /// Splits `input` into year, month and day if it has this shape.
    pub(crate) fn parse_parts(&self, input: &str) -> Option<(i32, u32, u32)> {
        let (mut year, mut month, mut day) = (None, None, None);
        let mut rest = input;
        for part in &self.parts {
            match part {
                DatePart::Literal(c) => rest = rest.strip_prefix(*c)?,
                DatePart::Year => {
                    let (n, len) = leading_digits(rest, 4, 4)?;
                    year = Some(n as i32);
                    rest = rest.get(len..)?;
                }
                DatePart::Month | DatePart::Day => {
                    let (n, len) = leading_digits(rest, 1, 2)?;
                    if *part == DatePart::Month {
                        month = Some(n);
                    } else {
                        day = Some(n);
                    }
                    rest = rest.get(len..)?;
                }
            }
        }
        if !rest.is_empty() {
            return None;
        }
        Some((year?, month?, day?))
    }
}

/// Reads between `min` and `max` ASCII digits at the start of `s`.
fn leading_digits(s: &str, min: usize, max: usize) -> Option<(u32, usize)> {
    let len = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if len < min {
        return None;
    }
    s.get(..len)?.parse().ok().map(|n| (n, len))
}

/// The values a choice field allows, each with aliases.
///
/// Matching ignores case, surrounding spaces and trailing dots.
///
/// ```
/// use intake::Choices;
/// let types = Choices::new(["Personal", "Business"]).alias("Company", "Business");
/// assert_eq!(types.find("company"), Some("Business"));
/// assert_eq!(types.find("personal."), Some("Personal"));
/// assert_eq!(types.find("Other"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Choices {
    values: Vec<String>,
    /// Normalized spelling (value or alias) → index into `values`.
    lookup: Vec<(String, usize)>,
}

impl Choices {
    /// The allowed values, in their canonical spelling.
    pub fn new<I, S>(values: I) -> Choices
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut choices = Choices::default();
        for v in values {
            let v = v.into();
            choices.lookup.push((choice_key(&v), choices.values.len()));
            choices.values.push(v);
        }
        choices
    }

    /// Accepts `alias` as another spelling of `value` (which must be one of
    /// the values; otherwise the alias is ignored).
    pub fn alias(mut self, alias: &str, value: &str) -> Choices {
        if let Some(i) = self.values.iter().position(|v| v == value) {
            self.lookup.push((choice_key(alias), i));
        }
        self
    }

    /// The canonical values.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(String::as_str)
    }

    /// The canonical value `input` means, if any.
    pub fn find(&self, input: &str) -> Option<&str> {
        let key = choice_key(input);
        self.lookup
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, i)| self.values.get(*i))
            .map(String::as_str)
    }

    /// The canonical value closest to `input`, if one is close.
    pub(crate) fn closest(&self, input: &str) -> Option<String> {
        let key = choice_key(input);
        self.lookup
            .iter()
            .map(|(k, i)| (strsim::jaro_winkler(k, &key), *i))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .and_then(|(_, i)| self.values.get(i).cloned())
    }
}

fn choice_key(s: &str) -> String {
    s.trim().trim_end_matches('.').trim().to_lowercase()
}

/// Normalizes a header name for matching: trimmed, a trailing `*` dropped,
/// lower-cased, and runs of spaces, underscores and hyphens made one `_`.
///
/// ```
/// use intake::schema::header_key;
/// assert_eq!(header_key(" First Name* "), "first_name");
/// assert_eq!(header_key("first-name"), "first_name");
/// ```
pub fn header_key(name: &str) -> String {
    let name = name.trim().trim_end_matches('*').trim();
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars() {
        if c == ' ' || c == '_' || c == '-' || c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push('_');
        }
        gap = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// The fields and rules of an import: what columns mean and what a valid
/// row is.
///
/// ```
/// use intake::{Field, Rule, Schema};
///
/// let schema = Schema::builder("leads")
///     .field(Field::text("name").required())
///     .field(Field::email("email").identifier())
///     .rule(Rule::at_least_one_of(["email"]))
///     .build()?;
/// assert_eq!(schema.fields().len(), 2);
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Schema {
    name: String,
    fields: Vec<Field>,
    rules: Vec<Rule>,
    defaults: ImportDefaults,
    /// Header key (id, label or alias) → field index.
    names: HashMap<String, usize>,
}

/// Builds a [`Schema`]; see [`Schema::builder`].
#[derive(Debug, Clone)]
pub struct SchemaBuilder {
    name: String,
    fields: Vec<Field>,
    rules: Vec<Rule>,
    defaults: ImportDefaults,
}

/// How a schema's imports run unless the [`Importer`](crate::Importer) is
/// told otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ImportDefaults {
    pub policy: Policy,
    pub max_rows: Option<u64>,
    pub blank_rows: BlankRows,
}

impl SchemaBuilder {
    /// Adds several fields (a repeated group, an account's custom fields).
    pub fn fields<I: IntoIterator<Item = Field>>(mut self, fields: I) -> SchemaBuilder {
        self.fields.extend(fields);
        self
    }

    /// The policy imports with this schema use by default.
    pub fn default_policy(mut self, policy: Policy) -> SchemaBuilder {
        self.defaults.policy = policy;
        self
    }

    /// The row limit imports with this schema use by default.
    pub fn default_max_rows(mut self, limit: Option<u64>) -> SchemaBuilder {
        self.defaults.max_rows = limit;
        self
    }

    /// What a blank row means by default.
    pub fn default_blank_rows(mut self, blank_rows: BlankRows) -> SchemaBuilder {
        self.defaults.blank_rows = blank_rows;
        self
    }

    /// Adds a field; fields keep this order (templates, previews).
    pub fn field(mut self, field: Field) -> SchemaBuilder {
        self.fields.push(field);
        self
    }

    /// Adds a row rule.
    pub fn rule(mut self, rule: Rule) -> SchemaBuilder {
        self.rules.push(rule);
        self
    }

    /// Checks the schema: field ids unique, no header name claimed by two
    /// fields, identifiers only on email and phone fields, rules naming
    /// existing fields.
    pub fn build(self) -> Result<Schema, Error> {
        let bad = |m: String| Err(Error::new(ErrorKind::InvalidConfig, m));
        let mut names = HashMap::new();
        for (i, field) in self.fields.iter().enumerate() {
            if field.identifier && !matches!(field.kind, FieldKind::Email | FieldKind::Phone) {
                return bad(format!(
                    "field '{}' is an identifier but is not an email or phone field",
                    field.id
                ));
            }
            let spellings = [&field.id, &field.label].into_iter().chain(&field.aliases);
            for name in spellings {
                let key = header_key(name);
                match names.get(&key) {
                    Some(&j) if j != i => {
                        let other = self.fields.get(j).map_or("", |f: &Field| f.id.as_str());
                        return bad(format!(
                            "header name '{name}' would mean both '{other}' and '{}'",
                            field.id
                        ));
                    }
                    _ => {
                        names.insert(key, i);
                    }
                }
            }
        }
        for rule in &self.rules {
            for id in rule.fields() {
                if !self.fields.iter().any(|f| f.id == id) {
                    return bad(format!("a rule names the unknown field '{id}'"));
                }
            }
        }
        Ok(Schema {
            name: self.name,
            fields: self.fields,
            rules: self.rules,
            defaults: self.defaults,
            names,
        })
    }
}

impl Schema {
    /// Starts a schema called `name`.
    pub fn builder(name: impl Into<String>) -> SchemaBuilder {
        SchemaBuilder {
            name: name.into(),
            fields: Vec::new(),
            rules: Vec::new(),
            defaults: ImportDefaults::default(),
        }
    }

    /// Adds fields defined at run time (an account's custom fields or
    /// customer properties) after the schema's own, checking the result
    /// as [`SchemaBuilder::build`] does.
    ///
    /// ```
    /// use intake::{presets, Field};
    ///
    /// let schema = presets::contacts()
    ///     .with_fields([Field::number("loyalty_points").label("Loyalty points")])?;
    /// assert_eq!(schema.field_for_header("Loyalty Points").map(|f| f.id()), Some("loyalty_points"));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn with_fields<I: IntoIterator<Item = Field>>(self, fields: I) -> Result<Schema, Error> {
        SchemaBuilder {
            name: self.name,
            fields: self.fields,
            rules: self.rules,
            defaults: self.defaults,
        }
        .fields(fields)
        .build()
    }

    pub(crate) fn defaults(&self) -> ImportDefaults {
        self.defaults
    }

    /// The schema's name (`contacts`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The fields in order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The row rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The field with id `id`.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The field a header name means, if any.
    ///
    /// ```
    /// use intake::presets;
    /// let schema = presets::contacts();
    /// assert_eq!(schema.field_for_header("First Name*").map(|f| f.id()), Some("first_name"));
    /// assert!(schema.field_for_header("Favourite colour").is_none());
    /// ```
    pub fn field_for_header(&self, name: &str) -> Option<&Field> {
        self.field_index(name).and_then(|i| self.fields.get(i))
    }

    pub(crate) fn field_index(&self, name: &str) -> Option<usize> {
        self.names.get(&header_key(name)).copied()
    }

    /// Maps a header row to fields: which column feeds which field.
    ///
    /// Fails with `missing_columns` (naming every one) or
    /// `duplicate_columns`.
    pub fn map_header<S: AsRef<str>>(&self, header: &[S]) -> Result<HeaderMap, Error> {
        let mut columns = Vec::with_capacity(header.len());
        let mut seen: Vec<Option<usize>> = vec![None; self.fields.len()];
        let mut duplicates = Vec::new();
        for (col, name) in header.iter().enumerate() {
            let name = name.as_ref();
            let field = self.field_index(name);
            if let Some(f) = field {
                match seen.get(f).copied().flatten() {
                    Some(first) => {
                        let first_name = header.get(first).map(AsRef::as_ref).unwrap_or("");
                        duplicates.push(format!("'{first_name}' and '{name}'"));
                    }
                    None => {
                        if let Some(slot) = seen.get_mut(f) {
                            *slot = Some(col);
                        }
                    }
                }
            }
            columns.push(field);
        }
        if !duplicates.is_empty() {
            let message = format!(
                "These columns mean the same field, so it is unclear which to use: {}. Remove or rename one of each.",
                duplicates.join(", ")
            );
            return Err(Error::new(ErrorKind::DuplicateColumns(duplicates), message));
        }
        let missing: Vec<String> = self
            .fields
            .iter()
            .zip(&seen)
            .filter(|(f, s)| f.required && s.is_none())
            .map(|(f, _)| f.label.clone())
            .collect();
        if !missing.is_empty() {
            let message = format!(
                "The file has no required column{}: {}. Add {} to the header row (the template has every column).",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" },
            );
            return Err(Error::new(ErrorKind::MissingColumns(missing), message));
        }
        Ok(HeaderMap {
            columns,
            field_columns: seen,
        })
    }
}

/// How a header was understood: which column feeds which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// Column index → field index.
    columns: Vec<Option<usize>>,
    /// Field index → column index.
    field_columns: Vec<Option<usize>>,
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

    /// How many columns the header has.
    pub fn width(&self) -> usize {
        self.columns.len()
    }
}
