//! Building and checking a schema: [`SchemaBuilder`].

use std::collections::HashMap;

use super::header::{header_key, word_breaks, Name, Rank};
use super::{CompiledRule, Field, FieldKind, ImportDefaults, Rule, Schema};
use crate::error::{Error, ErrorKind};
use crate::policy::Policy;
use crate::read::BlankRows;

/// Builds a [`Schema`]; see [`Schema::builder`].
#[derive(Debug, Clone)]
pub struct SchemaBuilder {
    pub(super) name: String,
    pub(super) fields: Vec<Field>,
    pub(super) rules: Vec<Rule>,
    pub(super) defaults: ImportDefaults,
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
            if let FieldKind::Choice(choices) = &field.kind {
                if let Some((alias, value)) = choices.stray_alias() {
                    let values: Vec<&str> = choices.values().collect();
                    return bad(format!(
                        "field '{}': the alias '{alias}' is for '{value}', which is not one of its values ({})",
                        field.id,
                        values.join(", ")
                    ));
                }
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
        // Every field a rule names exists (checked above).
        let compiled: Vec<CompiledRule> = self
            .rules
            .iter()
            .filter_map(|r| CompiledRule::new(r, &self.fields))
            .collect();
        debug_assert_eq!(compiled.len(), self.rules.len());
        Ok(Schema {
            name: self.name,
            fields: self.fields,
            rules: self.rules,
            compiled,
            defaults: self.defaults,
            names,
            grouped,
            breaks,
        })
    }
}
