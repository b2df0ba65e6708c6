//! One row's cells → a typed [`Record`], or every problem the row has.

use crate::geo::PlaceMatcher;
use crate::import::Context;
use crate::password::Plain;
use crate::read::RawRow;
use crate::record::{Record, Text, Value};
use crate::report::{unneutralize, Problem, ProblemCode};
use crate::rules::Rule;
use crate::schema::{Field, FieldKind, HeaderMap, Schema};
use crate::validate::{self, Invalid};

/// A row after cell validation and row rules.
pub(crate) struct CheckedRow {
    pub raw: RawRow,
    /// The record, or the row's problems.
    pub outcome: Result<Record, Vec<Problem>>,
    /// Fields (indexes into the schema's) whose column is in the file but
    /// whose cell is empty; listed only when [`Rules::empty_fields`] asks.
    pub empty: Vec<usize>,
    /// Password fields and their plain text, until hashed.
    pub secrets: Vec<(String, Plain)>,
    /// Whether the city was filled in by [`Rule::DefaultCity`].
    pub city_filled: bool,
    /// Values kept as written although not recognised, for warnings.
    pub notes: Vec<String>,
}

/// What a checking thread keeps from row to row: its place caches, and
/// buffers every row reuses instead of allocating its own.
#[derive(Debug, Default)]
pub(crate) struct CheckState {
    pub places: PlaceMatcher,
    /// Each field's position among the schema's fields sorted by id: a
    /// row's values are put in a record's order by these numbers.
    ranks: Vec<usize>,
    /// Which fields have a non-empty cell in the row being checked.
    filled: Vec<bool>,
    /// The row's valid values so far, by field.
    values: Vec<(usize, Value)>,
    /// The row's state cells (field, column), checked once its country
    /// is known.
    states: Vec<(usize, usize)>,
}

impl CheckState {
    /// Ready for a row of `schema`: buffers emptied, ranks computed once.
    fn start(&mut self, schema: &Schema) {
        let fields = schema.fields();
        if self.ranks.len() != fields.len() {
            let mut by_id: Vec<usize> = (0..fields.len()).collect();
            by_id.sort_by_key(|&f| fields.get(f).map(Field::id));
            self.ranks = vec![0; fields.len()];
            for (rank, f) in by_id.into_iter().enumerate() {
                if let Some(slot) = self.ranks.get_mut(f) {
                    *slot = rank;
                }
            }
        }
        self.filled.clear();
        self.filled.resize(fields.len(), false);
        self.values.clear();
        self.states.clear();
    }

    /// The value the row has so far for field `f`.
    fn value(&self, f: usize) -> Option<&Value> {
        self.values.iter().find(|(g, _)| *g == f).map(|(_, v)| v)
    }

    /// The row's values as a record, in one allocation.
    fn take_record(&mut self, fields: &[Field]) -> Record {
        let ranks = &self.ranks;
        self.values
            .sort_by_key(|(f, _)| ranks.get(*f).copied().unwrap_or(usize::MAX));
        self.values.retain(|(f, _)| *f < fields.len());
        Record::from_sorted(
            self.values
                .drain(..)
                .map(|(f, v)| (fields.get(f).map_or("", Field::id), v)),
        )
    }
}

/// What every row of an import is checked against.
#[derive(Clone, Copy)]
pub(crate) struct Rules<'a> {
    pub schema: &'a Schema,
    pub map: &'a HeaderMap,
    pub header: &'a [String],
    pub context: &'a Context,
    /// Whether a row lists its empty fields: only a policy that clears
    /// them on update needs them, and most rows have some.
    pub empty_fields: bool,
}

/// Validates every cell of `raw`, then the schema's row rules.
pub(crate) fn check(rules: &Rules<'_>, state: &mut CheckState, raw: RawRow) -> CheckedRow {
    let Rules {
        schema,
        map,
        header,
        context,
        empty_fields,
    } = *rules;
    let fields = schema.fields();
    state.start(schema);
    let mut problems = Vec::new();
    let mut empty = Vec::new();
    let mut secrets = Vec::new();
    let mut city_filled = false;
    let mut notes = Vec::new();

    for (col, cell) in raw.cells().enumerate() {
        let Some(f) = map.field_of(col) else { continue };
        let Some(field) = fields.get(f) else { continue };
        let column = header.get(col).map(String::as_str).unwrap_or("");
        let value = unneutralize(cell.trim());
        if value.is_empty() {
            if empty_fields {
                empty.push(f);
            }
            continue;
        }
        // Which fields have a non-empty cell, valid or not: rules about
        // presence must not pile onto a cell that is there but invalid.
        if let Some(slot) = state.filled.get_mut(f) {
            *slot = true;
        }
        if field.is_secret() {
            // Passwords are kept exactly as typed, and only until hashed.
            match validate::password(cell) {
                Ok(()) => secrets.push((field.id().to_string(), Plain(cell.to_string()))),
                Err(invalid) => problems.push(problem(field, column, invalid)),
            }
            continue;
        }
        let checked = match field.kind() {
            // States wait for the row's country, whatever the column order.
            FieldKind::State { .. } => {
                state.states.push((f, col));
                continue;
            }
            FieldKind::Country => state.places.country(value).map(Value::Country),
            _ => check_cell(field, value, context),
        };
        keep(
            f,
            field,
            column,
            value,
            checked,
            state,
            &mut notes,
            &mut problems,
        );
    }
    for i in 0..state.states.len() {
        let Some(&(f, col)) = state.states.get(i) else {
            continue;
        };
        let Some(field) = fields.get(f) else { continue };
        let FieldKind::State { country } = field.kind() else {
            continue;
        };
        let column = header.get(col).map(String::as_str).unwrap_or("");
        let value = unneutralize(raw.cells.get(col).unwrap_or_default().trim());
        let country_field = country
            .as_deref()
            .and_then(|id| fields.iter().position(|x| x.id() == id));
        // The row's country code, copied (it is short, kept inline): the
        // matcher below needs the state mutably.
        let country = country_field
            .and_then(|c| match state.value(c) {
                Some(Value::Country(code)) => Some(code.clone()),
                _ => None,
            })
            .or_else(|| context.country().map(Text::from));
        let checked = match country {
            Some(country) => state.places.state(&country, value),
            None => Err(Invalid::new(
                ProblemCode::UnknownState,
                format!(
                    "{} can't be checked because the row has no country: fill in the country.",
                    validate::quote(value)
                ),
            )),
        };
        keep(
            f,
            field,
            column,
            value,
            checked.map(Value::State),
            state,
            &mut notes,
            &mut problems,
        );
    }
    let mut record = state.take_record(fields);
    let filled = &mut state.filled;

    // Missing trailing cells read as empty (spreadsheets drop them).
    if empty_fields {
        for col in raw.len()..map.width() {
            if let Some(f) = map.field_of(col) {
                empty.push(f);
            }
        }
    }

    let extra = raw
        .cells()
        .skip(map.width())
        .filter(|c| !c.trim().is_empty())
        .count();
    if extra > 0 {
        problems.push(Problem::new(
            ProblemCode::ExtraCells,
            format!(
                "The row has {extra} filled cell{} beyond the header's {} columns: move {} into a named column or remove {}.",
                if extra == 1 { "" } else { "s" },
                map.width(),
                if extra == 1 { "it" } else { "them" },
                if extra == 1 { "it" } else { "them" },
            ),
        ));
    }

    let column_name = |f: usize| -> String {
        map.column_of(f)
            .and_then(|c| header.get(c).cloned())
            .or_else(|| fields.get(f).map(|x| x.label_text().to_string()))
            .unwrap_or_default()
    };
    let position = |id: &str| fields.iter().position(|x| x.id() == id);
    // For a clearer message when a city default found nothing.
    let mut city_field = None;
    let mut no_city_for = None;

    // Defaults first: a city filled in is no longer missing.
    for rule in schema.rules() {
        if let Rule::DefaultCity {
            city,
            state,
            country,
        } = rule
        {
            let Some(c) = position(city) else { continue };
            if filled.get(c).copied().unwrap_or(true) {
                continue;
            }
            let found = match record.text(state) {
                Some(state) => {
                    let country = country
                        .as_deref()
                        .and_then(|f| record.text(f))
                        .or(context.country());
                    context
                        .city_directory
                        .as_ref()
                        .and_then(|d| d.first_city(country, state))
                }
                None if position(state).and_then(|s| filled.get(s).copied()) == Some(true) => None,
                None => context.company_city.clone(),
            };
            city_field = Some(city.clone());
            if found.is_none() {
                no_city_for = record.text(state).map(str::to_string);
            }
            if let Some(found) = found {
                record.insert(city.clone(), Value::Text(found.into()));
                city_filled = true;
                if let Some(slot) = filled.get_mut(c) {
                    *slot = true;
                }
                empty.retain(|&e| e != c);
            }
        }
    }

    let is_filled = |id: &str| {
        position(id)
            .and_then(|i| filled.get(i).copied())
            .unwrap_or(false)
    };

    for (f, field) in fields.iter().enumerate() {
        if field.is_required() && !filled.get(f).copied().unwrap_or(false) {
            let column = column_name(f);
            let name = field.label_text();
            let message = match no_city_for.as_deref() {
                Some(state) if city_field.as_deref() == Some(field.id()) => format!(
                    "{name} is required, and no city is known for the state '{state}': fill it in."
                ),
                _ => format!("{name} is required: fill it in."),
            };
            problems.push(
                Problem::new(ProblemCode::Required, message)
                    .in_column(column)
                    .for_field(field.id()),
            );
        }
    }

    for rule in schema.rules() {
        match rule {
            Rule::AtLeastOneOf(ids) => {
                if !ids.iter().any(|id| is_filled(id)) {
                    let names: Vec<String> = ids
                        .iter()
                        .filter_map(|id| fields.iter().position(|x| x.id() == id))
                        .map(column_name)
                        .collect();
                    problems.push(Problem::new(
                        ProblemCode::NoIdentifier,
                        format!(
                            "The row needs at least one of {} to say who the customer is.",
                            names.join(", ")
                        ),
                    ));
                }
            }
            Rule::RequiredIf {
                field,
                when,
                equals,
            } => {
                let triggered = match equals {
                    None => is_filled(when),
                    Some(expected) => record.get(when).is_some_and(|v| v.to_string() == *expected),
                };
                if triggered && !is_filled(field) {
                    let f = fields.iter().position(|x| x.id() == field);
                    let column = f.map(column_name).unwrap_or_else(|| field.clone());
                    let cause = fields
                        .iter()
                        .position(|x| x.id() == when)
                        .map(column_name)
                        .unwrap_or_else(|| when.clone());
                    let because = match equals {
                        Some(v) => format!("{cause} is {v}"),
                        None => format!("{cause} is filled in"),
                    };
                    problems.push(
                        Problem::new(
                            ProblemCode::Required,
                            format!("{column} is required when {because}: fill it in."),
                        )
                        .in_column(column)
                        .for_field(field.clone()),
                    );
                }
            }
            // Applied above, before the required checks.
            Rule::DefaultCity { .. } => {}
        }
    }

    let outcome = if problems.is_empty() {
        Ok(record)
    } else {
        Err(problems)
    };
    CheckedRow {
        raw,
        outcome,
        empty,
        secrets,
        city_filled,
        notes,
    }
}

/// Puts a checked cell's value into the record. A value that is not
/// recognised is kept as written with a note where the field allows it,
/// else it is a problem of the row.
#[allow(clippy::too_many_arguments)]
fn keep(
    f: usize,
    field: &Field,
    column: &str,
    value: &str,
    checked: Result<Value, Invalid>,
    state: &mut CheckState,
    notes: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) {
    let invalid = match checked {
        Ok(v) => {
            state.values.push((f, v));
            return;
        }
        Err(invalid) => invalid,
    };
    let place = matches!(field.kind(), FieldKind::Country | FieldKind::State { .. });
    if place && field.keeps_unrecognized() {
        notes.push(format!(
            "{column}: {} It was kept as written.",
            invalid.message
        ));
        state.values.push((f, Value::Text(Text::new(value))));
    } else {
        problems.push(problem(field, column, invalid));
    }
}

fn check_cell(field: &Field, value: &str, context: &Context) -> Result<Value, Invalid> {
    match field.kind() {
        FieldKind::Text => validate::text(value, field.max_len()).map(Value::Text),
        FieldKind::Email => validate::email(value).map(Value::Email),
        FieldKind::Phone => validate::phone_in(
            value,
            context.phone_region,
            context.default_country.as_deref(),
        )
        .map(Value::Phone),
        FieldKind::Date(formats) => validate::date(value, formats).map(Value::Date),
        FieldKind::Choice(choices) => validate::choice(value, choices).map(Value::Choice),
        FieldKind::Number => validate::number(value).map(Value::Number),
        // Handled by the caller: a password never becomes a plain value,
        // and places need the matcher.
        FieldKind::Password | FieldKind::Country | FieldKind::State { .. } => {
            Err(Invalid::new(ProblemCode::Required, String::new()))
        }
    }
}

fn problem(field: &Field, column: &str, invalid: Invalid) -> Problem {
    Problem::new(invalid.code, invalid.message)
        .in_column(column)
        .for_field(field.id())
        .with_suggestions(invalid.suggestions)
}
