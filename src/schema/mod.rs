//! What an import expects: fields, their kinds, and how header names map to
//! them.
//!
//! - this module: [`Schema`], a schema's fields and rules, and the
//!   defaults its imports run with;
//! - `field`: [`Field`], one field: id, label, kind, aliases, constraints;
//! - `kinds`: [`FieldKind`], with the kinds' parameters [`DateFormat`] and
//!   [`Choices`];
//! - `builder`: [`SchemaBuilder`], which checks a schema as it is built
//!   and indexes the header names of its fields;
//! - `header`: header mapping, [`Schema::map_header`] and
//!   [`Schema::map_header_with`], with [`header_key`], [`ColumnOverrides`],
//!   [`HeaderMap`] and [`MatchKind`];
//! - `fuzzy`: the typos a header name may hold ("Emial"), for header
//!   mapping;
//! - `rule`: [`Rule`], the row rules a schema declares, compiled against
//!   its fields when it is built (the `rules` module checks rows by them);
//! - `saved`: remembered mappings, [`SavedMapping`] of [`ColumnMapping`]s
//!   and the header's fingerprint, applied under the app's own overrides.
//!
//! The schema depends only on the reading layer ([`BlankRows`]) and on
//! errors below it, and on the default [`Policy`] it holds.

mod builder;
mod field;
mod fuzzy;
mod header;
mod kinds;
mod rule;
mod saved;

use std::collections::HashMap;

pub use builder::SchemaBuilder;
pub use field::{Field, DEFAULT_MAX_CHARS};
pub use header::{header_key, ColumnOverrides, HeaderMap, MatchKind};
pub use kinds::{Choices, DateFormat, FieldKind};
pub(crate) use rule::CompiledRule;
pub use rule::Rule;
pub(crate) use saved::{ColumnChoices, Memory, ERRORS_COLUMN};
pub use saved::{ColumnMapping, SavedMapping};

use crate::error::Error;
use crate::policy::{Policy, UpdateRule};
use crate::read::BlankRows;
use header::Name;

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
    /// The rules against the fields' indexes, in the same order.
    compiled: Vec<CompiledRule>,
    defaults: ImportDefaults,
    /// Header key (id, label or alias) → what it names.
    names: HashMap<String, Name>,
    /// Field index → whether the field has grouped aliases.
    grouped: Vec<bool>,
    /// Header key → where the words meet in each name with that key.
    breaks: HashMap<String, Vec<Vec<usize>>>,
}

/// How a schema's imports run unless the [`Importer`](crate::Importer) is
/// told otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ImportDefaults {
    pub policy: Policy,
    pub max_rows: Option<u64>,
    pub blank_rows: BlankRows,
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

    /// The schema with the field `field`'s [`UpdateRule`] set to `rule`:
    /// for a ready-made schema whose choice an account makes otherwise.
    /// `invalid_config` when the schema has no such field.
    ///
    /// ```
    /// use intake::{presets, UpdateRule};
    ///
    /// let schema = presets::field_service().with_update_rule("password", UpdateRule::Overwrite)?;
    /// assert_eq!(schema.field("password").map(|f| f.get_update_rule()), Some(UpdateRule::Overwrite));
    /// assert_eq!(schema.with_update_rule("pasword", UpdateRule::Never).unwrap_err().code(), "invalid_config");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn with_update_rule(mut self, field: &str, rule: UpdateRule) -> Result<Schema, Error> {
        let name = self.name.clone();
        match self.fields.iter_mut().find(|f| f.id == field) {
            Some(f) => {
                f.update_rule = rule;
                Ok(self)
            }
            None => Err(Error::new(
                crate::error::ErrorKind::InvalidConfig,
                format!("the schema '{name}' has no field '{field}' to set an update rule for"),
            )),
        }
    }

    /// The fields whose [`UpdateRule`] is not
    /// [`Overwrite`](UpdateRule::Overwrite), by id, for the merge of an
    /// update.
    pub(crate) fn update_rules(&self) -> impl Iterator<Item = (&str, UpdateRule)> {
        self.fields
            .iter()
            .map(|f| (f.id.as_str(), f.get_update_rule()))
            .filter(|(_, rule)| *rule != UpdateRule::Overwrite)
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

    /// The row rules, compiled against the fields.
    pub(crate) fn compiled_rules(&self) -> &[CompiledRule] {
        &self.compiled
    }

    /// The field with id `id`.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }
}
