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
    /// whose cell is empty.
    pub empty: Vec<usize>,
    /// Password fields and their plain text, until hashed.
    pub secrets: Vec<(String, Plain)>,
    /// Whether the city was filled in by [`Rule::DefaultCity`].
    pub city_filled: bool,
    /// Values kept as written although not recognised, for warnings.
    pub notes: Vec<String>,
}

/// Validates every cell of `raw`, then the schema's row rules.
pub(crate) fn check(
    schema: &Schema,
    map: &HeaderMap,
    header: &[String],
    context: &Context,
    places: &mut PlaceMatcher,
    raw: RawRow,
) -> CheckedRow {
    let fields = schema.fields();
    // Room for every mapped field and a filled-in city: the record is
    // allocated once instead of growing cell by cell.
    let mapped = (0..fields.len())
        .filter(|&f| map.column_of(f).is_some())
        .count();
    let mut record = Record::with_capacity(mapped + 1);
    let mut problems = Vec::new();
    let mut empty = Vec::new();
    let mut secrets = Vec::new();
    let mut city_filled = false;
    let mut notes = Vec::new();
    // States wait for the row's country, whatever the column order.
    let mut states = Vec::new();
    // Which fields have a non-empty cell, valid or not: rules about
    // presence must not pile onto a cell that is there but invalid.
    let mut filled = vec![false; fields.len()];

    for (col, cell) in raw.cells().enumerate() {
        let Some(f) = map.field_of(col) else { continue };
        let Some(field) = fields.get(f) else { continue };
        let column = header.get(col).map(String::as_str).unwrap_or("");
        let value = unneutralize(cell.trim());
        if value.is_empty() {
            empty.push(f);
            continue;
        }
        if let Some(slot) = filled.get_mut(f) {
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
            FieldKind::State { country } => {
                states.push((field, column, value, country.as_deref()));
                continue;
            }
            FieldKind::Country => places.country(value).map(Value::Country),
            _ => check_cell(field, value, context),
        };
        keep(
            field,
            column,
            value,
            checked,
            &mut record,
            &mut notes,
            &mut problems,
        );
    }
    for (field, column, value, country_field) in states {
        // Borrowed from the record only until the state is matched.
        let country = country_field
            .and_then(|f| match record.get(f) {
                Some(Value::Country(code)) => Some(code.as_str()),
                _ => None,
            })
            .or_else(|| context.country());
        let checked = match country {
            Some(country) => places.state(country, value),
            None => Err(Invalid::new(
                ProblemCode::UnknownState,
                format!(
                    "{} can't be checked because the row has no country: fill in the country.",
                    validate::quote(value)
                ),
            )),
        };
        keep(
            field,
            column,
            value,
            checked.map(Value::State),
            &mut record,
            &mut notes,
            &mut problems,
        );
    }

    // Missing trailing cells read as empty (spreadsheets drop them).
    for col in raw.len()..map.width() {
        if let Some(f) = map.field_of(col) {
            empty.push(f);
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
        // Room was reserved for every mapped field; a store may keep the
        // record for long, so it keeps only what the row filled.
        record.shrink_to_fit();
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
fn keep(
    field: &Field,
    column: &str,
    value: &str,
    checked: Result<Value, Invalid>,
    record: &mut Record,
    notes: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) {
    let invalid = match checked {
        Ok(v) => {
            record.insert(field.id(), v);
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
        record.insert(field.id(), Value::Text(Text::new(value)));
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
