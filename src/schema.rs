//! What an import expects: fields, their kinds, and how header names map to
//! them.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

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
    /// A phone number (E.164), read in the row's country (its first
    /// [`Country`](FieldKind::Country) field) when it has one, else in the
    /// import's default country.
    Phone,
    /// A postal code, checked and normalized for the row's country (as
    /// for phones) and, for US ZIP codes, its state: see
    /// [`validate::postal_code`](crate::validate::postal_code).
    PostalCode,
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
    /// For each alias, the group of columns it belongs to, if any.
    alias_groups: Vec<Option<String>>,
    examples: Vec<String>,
    keep_unrecognized: bool,
    day_or_month_first: bool,
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
            alias_groups: Vec::new(),
            examples: Vec::new(),
            keep_unrecognized: false,
            day_or_month_first: false,
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

    /// A postal code field: see [`FieldKind::PostalCode`].
    ///
    /// ```
    /// use intake::{Field, FieldKind};
    /// assert_eq!(Field::postal_code("zip").kind(), &FieldKind::PostalCode);
    /// ```
    pub fn postal_code(id: impl Into<String>) -> Field {
        Field::new(id, FieldKind::PostalCode)
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

    /// For country, state and postal code fields: a value that is not
    /// recognised is kept as written, with a warning, instead of failing
    /// the row.
    pub fn keep_unrecognized(mut self) -> Field {
        self.keep_unrecognized = true;
        self
    }

    /// Whether unrecognised country or state values are kept as written.
    pub fn keeps_unrecognized(&self) -> bool {
        self.keep_unrecognized
    }

    /// For a date field: also accepts dates written day first or month
    /// first with a four-digit year (`25/10/1986`, `10/25/1986`,
    /// `25.10.1986`), in the order the column's dates use.
    ///
    /// The order is decided for each column by its values that can only
    /// be read one way (`25/10/1986` is day first: there is no month 25),
    /// among the rows read so far (the importer decides before checking
    /// each batch of rows, so the first batch usually settles it); the
    /// report names the order assumed in a `date_order` warning. A value
    /// that stays ambiguous (`05/06/1986` in a column with no telling
    /// date) is refused naming both readings, and so is a value that can
    /// only be read in the other order. The field's own formats are tried
    /// first. The presets do not use it: their formats are their rules.
    ///
    /// ```
    /// use intake::{presets, DateFormat, Field, Importer, MemoryStore};
    ///
    /// let schema = presets::contacts()
    ///     .with_fields([Field::date("member_since", vec![DateFormat::iso()]).day_or_month_first()])?;
    /// let csv = "email,member_since\na@example.com,05/06/2001\nb@example.com,25/10/1986\n";
    /// let mut store = MemoryStore::new();
    /// let report = Importer::new(schema).import(csv.as_bytes(), &mut store)?;
    /// assert_eq!(report.inserted, 2);
    /// assert_eq!(report.warnings[0].code.as_str(), "date_order");
    /// assert!(report.warnings[0].message.contains("day first"));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn day_or_month_first(mut self) -> Field {
        self.day_or_month_first = true;
        self
    }

    /// Whether a date field decides between day first and month first by
    /// its column's values ([`Field::day_or_month_first`]).
    pub fn reads_day_or_month_first(&self) -> bool {
        self.day_or_month_first && matches!(self.kind, FieldKind::Date(_))
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
    ///
    /// Aliases are ranked in the order they are added: when several
    /// columns of one file match aliases of the same field, the column
    /// matching the earliest alias feeds the field and the others are
    /// ignored (see [`Schema::map_header`]). Add the most specific,
    /// most trustworthy spelling first.
    pub fn alias(mut self, alias: impl Into<String>) -> Field {
        self.aliases.push(alias.into());
        self.alias_groups.push(None);
        self
    }

    /// Adds a header name that means this field in one group of columns
    /// of several a file may hold: one address of a contact's business,
    /// home and shipping addresses ("Home City" in group "Home").
    ///
    /// The fields with grouped aliases take their columns from a single
    /// group, so that street, city and postal code are never taken from
    /// different addresses; see [`Schema::map_header`]. Ranked with the
    /// field's other aliases, in the order added.
    ///
    /// ```
    /// use intake::{Field, Schema};
    ///
    /// let schema = Schema::builder("places")
    ///     .field(Field::text("street").alias_in_group("Work", "Work Street").alias_in_group("Home", "Home Street"))
    ///     .field(Field::text("city").alias_in_group("Work", "Work City").alias_in_group("Home", "Home City"))
    ///     .build()?;
    /// // The file has a work street but only a home city: the home city is
    /// // not the city of the work address.
    /// let map = schema.map_header(&["Home Street", "Home City", "Work Street"])?;
    /// assert_eq!((map.field_of(0), map.field_of(1), map.field_of(2)), (None, None, Some(0)));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn alias_in_group(mut self, group: &str, alias: impl Into<String>) -> Field {
        self.aliases.push(alias.into());
        self.alias_groups.push(Some(group.to_string()));
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

/// Normalizes a header name for matching: accents and case are dropped,
/// and so is everything but letters and digits (spaces, `_`, `-`, `/`,
/// `#`, a required-column `*`).
///
/// So `E-mail Address`, `email_address`, `EmailAddress` and
/// `E-mail address*` are one name, and `Téléphone` is `telephone`.
///
/// ```
/// use intake::schema::header_key;
/// assert_eq!(header_key(" First Name* "), "firstname");
/// assert_eq!(header_key("first-name"), "firstname");
/// assert_eq!(header_key("*ContactName"), "contactname");
/// assert_eq!(header_key("Zip/Postal Code"), "zippostalcode");
/// ```
pub fn header_key(name: &str) -> String {
    name.nfd()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
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
    /// Header key (id, label or alias) → what it names.
    names: HashMap<String, Name>,
    /// Field index → whether the field has grouped aliases.
    grouped: Vec<bool>,
    /// Header key → where the words meet in each name with that key.
    breaks: HashMap<String, Vec<Vec<usize>>>,
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
        // Alias groups in the order the fields first name them: best first.
        let mut groups: Vec<String> = Vec::new();
        let mut breaks: HashMap<String, Vec<Vec<usize>>> = HashMap::new();
        for (i, field) in self.fields.iter().enumerate() {
            if field.identifier && !matches!(field.kind, FieldKind::Email | FieldKind::Phone) {
                return bad(format!(
                    "field '{}' is an identifier but is not an email or phone field",
                    field.id
                ));
            }
            let names_of_field = [
                (&field.id, Rank::Name, None),
                (&field.label, Rank::Name, None),
            ]
            .into_iter()
            .chain(
                field
                    .aliases
                    .iter()
                    .zip(&field.alias_groups)
                    .enumerate()
                    .map(|(n, (alias, group))| (alias, Rank::Alias(n), group.as_ref())),
            );
            for (name, rank, group) in names_of_field {
                let key = header_key(name);
                if key.is_empty() {
                    // Would match every unnamed column.
                    continue;
                }
                let group = group.map(|g| match groups.iter().position(|known| known == g) {
                    Some(i) => i,
                    None => {
                        groups.push(g.clone());
                        groups.len() - 1
                    }
                });
                match names.get(&key) {
                    Some(&Name { field: j, .. }) if j != i => {
                        let other = self.fields.get(j).map_or("", |f: &Field| f.id.as_str());
                        return bad(format!(
                            "header name '{name}' would mean both '{other}' and '{}'",
                            field.id
                        ));
                    }
                    // The same field spelled twice keeps its better rank.
                    Some(known) if known.rank <= rank => {
                        breaks.entry(key).or_default().push(word_breaks(name));
                    }
                    _ => {
                        breaks
                            .entry(key.clone())
                            .or_default()
                            .push(word_breaks(name));
                        names.insert(
                            key,
                            Name {
                                field: i,
                                rank,
                                group,
                            },
                        );
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
        let grouped = self
            .fields
            .iter()
            .map(|f| f.alias_groups.iter().any(Option::is_some))
            .collect();
        Ok(Schema {
            name: self.name,
            fields: self.fields,
            rules: self.rules,
            defaults: self.defaults,
            names,
            grouped,
            breaks,
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

    /// The field whose name `key` is most likely a typo of, with the number
    /// of slips. A typo here is what fingers do, not another word: two
    /// neighbouring characters swapped ("Emial") or a letter doubled or
    /// undoubled ("Adress", "Citty"), once (twice from
    /// [`SIMILAR_TWO_SLIPS_CHARS`] characters on). A changed, missing or
    /// extra letter is not a typo: "County" is not "Country", "Stage" not
    /// "State", "Mother" not "Other". Only for keys of
    /// [`SIMILAR_MIN_CHARS`] to [`SIMILAR_MAX_CHARS`] characters, with the same digits as the name, and
    /// never when any other field has a name within one edit more.
    fn similar_field(&self, key: &str) -> Option<Name> {
        let chars: Vec<char> = key.chars().collect();
        let len = chars.len();
        if !(SIMILAR_MIN_CHARS..=SIMILAR_MAX_CHARS).contains(&len) {
            return None;
        }
        let budget = if len >= SIMILAR_TWO_SLIPS_CHARS { 2 } else { 1 };
        let mut found: Option<Name> = None;
        // Every other field's closest name, in plain edits.
        let mut others: Vec<(usize, usize)> = Vec::new();
        for (name, named) in &self.names {
            let field = named.field;
            // Cheap filters first: each slip changes the length by at most
            // one, and the margin looks one edit further.
            if name.chars().count().abs_diff(len) > budget + 1 || !same_digits(key, name) {
                continue;
            }
            let name_chars: Vec<char> = name.chars().collect();
            if let Some(slips) = slips(&chars, &name_chars, budget) {
                if slips > 0 && found.is_none_or(|f| Rank::Similar(slips) < f.rank) {
                    found = Some(Name {
                        field,
                        rank: Rank::Similar(slips),
                        group: named.group,
                    });
                }
            }
            let distance = strsim::osa_distance(key, name);
            if distance <= budget + 1 {
                others.push((field, distance));
            }
        }
        let found = found?;
        let Rank::Similar(slips) = found.rank else {
            return None;
        };
        // Never when it could as well be another field's name.
        if others
            .iter()
            .any(|&(other, distance)| other != found.field && distance <= slips + 1)
        {
            return None;
        }
        Some(found)
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
        let name = |col: usize| names.get(col).copied().unwrap_or("");
        let keys: Vec<String> = names.iter().map(|n| header_key(n)).collect();
        let chosen = self.chosen_columns(&keys, overrides)?;
        let mut claims: Vec<Option<Name>> = keys
            .iter()
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
            .collect();
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
        let mut other_address: Vec<Option<usize>> = vec![None; names.len()];
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
        let mut notes: Vec<Option<String>> = vec![None; names.len()];
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
                Some(first) => duplicates.push(format!("'{}' and '{}'", name(first), name(col))),
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
            let message = format!(
                "These columns mean the same field, so it is unclear which to use: {}. Remove or rename one of each.",
                duplicates.join(", ")
            );
            return Err(Error::new(ErrorKind::DuplicateColumns(duplicates), message));
        }
        let label = |field: usize| self.fields.get(field).map_or("", |f| f.label.as_str());
        for (col, (claim, note)) in claims.iter().zip(notes.iter_mut()).enumerate() {
            let column = name(col);
            let claim = claim.map(|c| (c.field, c.rank));
            *note = match claim {
                Some((field, Rank::Similar(_))) if columns.get(col) == Some(&Some(field)) => {
                    Some(format!(
                        "Column '{column}' was read as {}, the closest field name. Rename the column if that is wrong.",
                        label(field)
                    ))
                }
                Some((field, _)) if columns.get(col) == Some(&Some(field)) => None,
                Some((field, _)) => {
                    let used = field_columns.get(field).copied().flatten().map_or("", name);
                    Some(format!(
                        "Column '{column}' was not imported: column '{used}' already fills {}.",
                        label(field)
                    ))
                }
                None if other_address.get(col).copied().flatten().is_some() => {
                    let kept = other_address.get(col).copied().flatten().map_or("", name);
                    Some(format!(
                        "Column '{column}' was not imported: the file holds several addresses, and the one of column '{kept}' is imported."
                    ))
                }
                None if chosen.get(keys.get(col).map_or("", String::as_str)) == Some(&None) => {
                    Some(format!(
                        "Column '{column}' was not imported: the import is set to ignore it."
                    ))
                }
                None if column.trim().is_empty() => {
                    Some("A column without a name was not imported.".to_string())
                }
                None => Some(format!(
                    "Column '{column}' matches no field and was not imported."
                )),
            };
        }
        let missing: Vec<String> = self
            .fields
            .iter()
            .zip(&field_columns)
            .filter(|(f, c)| f.required && c.is_none())
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
        if let Some(err) = self.meaningless_header(&field_columns) {
            return Err(err);
        }
        Ok(HeaderMap {
            columns,
            field_columns,
            matches,
            notes,
        })
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
        let list = needed.join(", ");
        let one = needed.len() == 1;
        // When nothing maps, the header row itself is the likely mistake
        // (a title row above it, a file of another kind).
        let message = match (nothing, one) {
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
        };
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

/// Headers shorter than this (in letters and digits) are never read as
/// typos: there are too many short words.
const SIMILAR_MIN_CHARS: usize = 5;
/// Longer headers are not read as typos: no field name is that long, and
/// it bounds the work on hostile headers.
const SIMILAR_MAX_CHARS: usize = 64;
/// From this length two slips still make a typo.
const SIMILAR_TWO_SLIPS_CHARS: usize = 10;

/// How many slips turn `name` into `typed`, if at most `budget`: two
/// neighbouring characters swapped, or a character doubled or undoubled.
fn slips(typed: &[char], name: &[char], budget: usize) -> Option<usize> {
    match (typed.split_first(), name.split_first()) {
        (None, None) => Some(0),
        (Some((t, typed_rest)), Some((n, name_rest))) if t == n => {
            // A doubled letter typed once, or typed twice for once: the
            // rest of one side repeats the character just matched.
            let same = slips(typed_rest, name_rest, budget);
            let undoubled = (budget > 0 && name_rest.first() == Some(n))
                .then(|| slips(typed_rest, name_rest.get(1..).unwrap_or(&[]), budget - 1))
                .flatten()
                .map(|s| s + 1);
            let doubled = (budget > 0 && typed_rest.first() == Some(t))
                .then(|| slips(typed_rest.get(1..).unwrap_or(&[]), name_rest, budget - 1))
                .flatten()
                .map(|s| s + 1);
            [same, undoubled, doubled].into_iter().flatten().min()
        }
        (Some((t, typed_rest)), Some((n, name_rest))) => {
            // Two neighbours swapped: "mi" typed for "im".
            if budget == 0 || typed_rest.first() != Some(n) || name_rest.first() != Some(t) {
                return None;
            }
            slips(
                typed_rest.get(1..).unwrap_or(&[]),
                name_rest.get(1..).unwrap_or(&[]),
                budget - 1,
            )
            .map(|s| s + 1)
        }
        _ => None,
    }
}

/// Where the words of a header name meet, as offsets into its
/// [`header_key`].
fn word_breaks(name: &str) -> Vec<usize> {
    let mut breaks = Vec::new();
    let mut len = 0;
    let mut gap = false;
    for c in name.nfd().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if gap && len > 0 {
                breaks.push(len);
            }
            gap = false;
            len += 1;
        } else {
            gap = true;
        }
    }
    breaks
}

/// Whether `a` and `b` hold the same digits in the same order.
fn same_digits(a: &str, b: &str) -> bool {
    a.chars()
        .filter(|c| c.is_numeric())
        .eq(b.chars().filter(|c| c.is_numeric()))
}

/// What a header name means: a field, how well, and for a grouped alias
/// its group, numbered in the order the schema's fields first name the
/// groups (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Name {
    field: usize,
    rank: Rank,
    group: Option<usize>,
}

/// How well a column's header matches a field; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
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
    choices: Vec<ColumnChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ColumnChoice {
    /// The column as the app named it, for messages.
    column: String,
    key: String,
    /// The field id, or `None` to ignore the column.
    field: Option<String>,
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
