//! Row rules as a schema declares them ([`Rule`]), and compiled against
//! its fields once, when the schema is built ([`CompiledRule`]): the
//! checks look fields up by index, never by id, on every row.

use super::Field;

/// A check on a whole row, run after every cell was validated.
///
/// A field's own `required` flag covers the simple case; rules cover the
/// rest. Every rule that fails adds its problem: a row reports all its
/// problems at once.
///
/// ```
/// use intake::{Choices, Field, Rule, Schema};
///
/// let schema = Schema::builder("accounts")
///     .field(Field::choice("customer_type", Choices::new(["Personal", "Business"])))
///     .field(Field::text("business_name"))
///     .field(Field::email("email").identifier())
///     .rule(Rule::required_if_equals("business_name", "customer_type", "Business"))
///     .build()?;
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// At least one of the fields has a value; otherwise the row fails as
    /// `no_identifier`.
    AtLeastOneOf(Vec<String>),
    /// `field` needs a value when `when` has one (or, with `equals`, when
    /// `when` has exactly that value); otherwise `required` on `field`.
    RequiredIf {
        /// The field that becomes required.
        field: String,
        /// The field whose value decides.
        when: String,
        /// The value `when` must have, compared to the normalized value;
        /// `None`: any value.
        equals: Option<String>,
    },
    /// When `city` is empty: the first city of the row's `state` from the
    /// importer's [`CityDirectory`](crate::geo::CityDirectory) if `state` has a
    /// value, else the company's own city from the
    /// [`Context`](crate::Context). When neither gives a city, the row
    /// fails as `required` on `city`. The report counts the cities filled.
    DefaultCity {
        /// The city field.
        city: String,
        /// The state field.
        state: String,
        /// The country field, if the schema has one (the state's country;
        /// else the context's default country).
        country: Option<String>,
    },
}

impl Rule {
    /// At least one of `fields` must have a value (`no_identifier`).
    pub fn at_least_one_of<I, S>(fields: I) -> Rule
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Rule::AtLeastOneOf(fields.into_iter().map(Into::into).collect())
    }

    /// `field` is required whenever `when` has a value.
    pub fn required_if(field: impl Into<String>, when: impl Into<String>) -> Rule {
        Rule::RequiredIf {
            field: field.into(),
            when: when.into(),
            equals: None,
        }
    }

    /// `field` is required whenever `when` has the value `equals`.
    pub fn required_if_equals(
        field: impl Into<String>,
        when: impl Into<String>,
        equals: impl Into<String>,
    ) -> Rule {
        Rule::RequiredIf {
            field: field.into(),
            when: when.into(),
            equals: Some(equals.into()),
        }
    }

    /// Fills an empty `city` from `state` or the company's city (see
    /// [`Rule::DefaultCity`]).
    pub fn default_city(
        city: impl Into<String>,
        state: impl Into<String>,
        country: Option<&str>,
    ) -> Rule {
        Rule::DefaultCity {
            city: city.into(),
            state: state.into(),
            country: country.map(str::to_string),
        }
    }

    /// Every field id the rule names.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Rule::AtLeastOneOf(fields) => fields.iter().map(String::as_str).collect(),
            Rule::RequiredIf { field, when, .. } => vec![field.as_str(), when.as_str()],
            Rule::DefaultCity {
                city,
                state,
                country,
            } => {
                let mut ids = vec![city.as_str(), state.as_str()];
                ids.extend(country.as_deref());
                ids
            }
        }
    }
}

/// A [`Rule`] with its fields as indexes into the schema's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompiledRule {
    AtLeastOneOf(Vec<usize>),
    RequiredIf {
        field: usize,
        when: usize,
        equals: Option<String>,
    },
    DefaultCity {
        city: usize,
        state: usize,
        country: Option<usize>,
    },
}

impl CompiledRule {
    /// `rule` against `fields`; `None` when it names a field they lack
    /// (the builder refuses such a rule before compiling it).
    pub(crate) fn new(rule: &Rule, fields: &[Field]) -> Option<CompiledRule> {
        let index = |id: &str| fields.iter().position(|f| f.id() == id);
        Some(match rule {
            Rule::AtLeastOneOf(ids) => {
                CompiledRule::AtLeastOneOf(ids.iter().map(|id| index(id)).collect::<Option<_>>()?)
            }
            Rule::RequiredIf {
                field,
                when,
                equals,
            } => CompiledRule::RequiredIf {
                field: index(field)?,
                when: index(when)?,
                equals: equals.clone(),
            },
            Rule::DefaultCity {
                city,
                state,
                country,
            } => CompiledRule::DefaultCity {
                city: index(city)?,
                state: index(state)?,
                country: match country {
                    Some(id) => Some(index(id)?),
                    None => None,
                },
            },
        })
    }
}
