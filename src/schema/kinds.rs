//! The kinds of value a field holds: [`FieldKind`], and the kinds'
//! parameters, [`DateFormat`] and [`Choices`].

use crate::error::{Error, ErrorKind};

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
    /// Aliases given for a value that is not one of `values`: the schema
    /// refuses them when it is built.
    strays: Vec<(String, String)>,
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

    /// Accepts `alias` as another spelling of `value`, which must be one
    /// of the values: a schema with an alias for anything else is refused
    /// by [`SchemaBuilder::build`](crate::SchemaBuilder::build) as
    /// `invalid_config`.
    ///
    /// ```
    /// use intake::{Choices, Field, Schema};
    ///
    /// let types = Choices::new(["Personal", "Business"]).alias("Firm", "Busines");
    /// let err = Schema::builder("customers")
    ///     .field(Field::email("email").identifier())
    ///     .field(Field::choice("type", types))
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "invalid_config");
    /// ```
    pub fn alias(mut self, alias: &str, value: &str) -> Choices {
        match self.values.iter().position(|v| v == value) {
            Some(i) => self.lookup.push((choice_key(alias), i)),
            None => self.strays.push((alias.to_string(), value.to_string())),
        }
        self
    }

    /// The first alias given for a value that is not a choice, as
    /// (alias, value).
    pub(crate) fn stray_alias(&self) -> Option<(&str, &str)> {
        self.strays
            .first()
            .map(|(alias, value)| (alias.as_str(), value.as_str()))
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
