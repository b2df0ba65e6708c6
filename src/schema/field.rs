//! One field of a schema: [`Field`].

use super::{Choices, DateFormat, FieldKind};
use crate::policy::UpdateRule;
// For the docs' links.
#[cfg(doc)]
use super::Schema;

/// The default length limit of a text field, in characters.
pub const DEFAULT_MAX_CHARS: usize = 255;

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
    pub(super) id: String,
    pub(super) label: String,
    pub(super) kind: FieldKind,
    pub(super) required: bool,
    pub(super) identifier: bool,
    max_chars: usize,
    pub(super) aliases: Vec<String>,
    /// For each alias, the group of columns it belongs to, if any.
    pub(super) alias_groups: Vec<Option<String>>,
    examples: Vec<String>,
    keep_unrecognized: bool,
    day_or_month_first: bool,
    pub(super) update_rule: UpdateRule,
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
            update_rule: UpdateRule::Overwrite,
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

    /// How an update treats the field's value (default:
    /// [`UpdateRule::Overwrite`]): replace the customer's, fill it only
    /// when the customer has none, or never change it. An insert writes
    /// it whatever the rule.
    ///
    /// ```
    /// use intake::{Field, UpdateRule};
    ///
    /// let joined = Field::text("joined").update_rule(UpdateRule::Never);
    /// assert_eq!(joined.get_update_rule(), UpdateRule::Never);
    /// assert_eq!(Field::text("city").get_update_rule(), UpdateRule::Overwrite);
    /// ```
    pub fn update_rule(mut self, rule: UpdateRule) -> Field {
        self.update_rule = rule;
        self
    }

    /// How an update treats the field's value ([`Field::update_rule`]).
    ///
    /// ```
    /// use intake::{presets, UpdateRule};
    ///
    /// let schema = presets::field_service();
    /// assert_eq!(schema.field("date_joined").map(|f| f.get_update_rule()), Some(UpdateRule::Never));
    /// ```
    pub fn get_update_rule(&self) -> UpdateRule {
        self.update_rule
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
    pub fn get_label(&self) -> &str {
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
    pub fn get_max_chars(&self) -> usize {
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
