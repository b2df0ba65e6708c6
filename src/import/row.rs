//! One row's cells → a typed [`Record`], or every problem the row has.

use crate::geo::PlaceMatcher;
use crate::import::date_order::{DateOrders, DayMonth};
use crate::import::Context;
use crate::messages::{self, cell, place};
use crate::password::Plain;
use crate::read::RawRow;
use crate::record::{Record, Text, Value};
use crate::report::{unneutralize, Correction, Problem, ProblemCode, WarningCode};
use crate::rules;
use crate::schema::{Field, FieldKind, HeaderMap, Schema};
use crate::validate::{self, Corrected, Invalid, PostalCache};

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
    /// What the person should know about the row's values (kept as
    /// written although not recognised, written like a formula, ...),
    /// for warnings.
    pub notes: Vec<(WarningCode, String)>,
    /// Values changed beyond normalization.
    pub corrections: Vec<Correction>,
}

/// What a checking thread keeps from row to row: its place caches, and
/// buffers every row reuses instead of allocating its own.
#[derive(Debug, Default)]
pub(crate) struct CheckState {
    pub places: PlaceMatcher,
    postal_codes: PostalCache,
    /// Each field's position among the schema's fields sorted by id: a
    /// row's values are put in a record's order by these numbers.
    ranks: Vec<usize>,
    /// Which fields have a non-empty cell in the row being checked.
    filled: Vec<bool>,
    /// The row's valid values so far, by field.
    values: Vec<(usize, Value)>,
    /// The row's cells that are read in its country (states, phones,
    /// postal codes) as (field, column), checked once the country is known.
    local: Vec<(usize, usize)>,
    /// The schema's first country field: the row's country for its phones
    /// and postal codes.
    country_field: Option<usize>,
    /// The schema's first state field: the row's state for its postal
    /// codes.
    state_field: Option<usize>,
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
            self.country_field = fields
                .iter()
                .position(|f| matches!(f.kind(), FieldKind::Country));
            self.state_field = fields
                .iter()
                .position(|f| matches!(f.kind(), FieldKind::State { .. }));
        }
        self.filled.clear();
        self.filled.resize(fields.len(), false);
        self.values.clear();
        self.local.clear();
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
    /// Whether a text cell written like a spreadsheet formula fails its
    /// row (else it is kept, with a warning).
    pub refuse_formulas: bool,
    /// The day-month order of the date columns that decide it.
    pub date_orders: &'a DateOrders,
}

/// Validates every cell of `raw`, then the schema's row rules.
pub(crate) fn check(rules: &Rules<'_>, state: &mut CheckState, raw: RawRow) -> CheckedRow {
    let Rules {
        schema,
        map,
        header,
        context,
        empty_fields,
        ..
    } = *rules;
    let fields = schema.fields();
    state.start(schema);
    let mut out = RowOut::default();
    let mut empty = Vec::new();
    let mut secrets = Vec::new();

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
                Err(invalid) => out
                    .cell_problems
                    .push((col, problem(field, column, invalid))),
            }
            continue;
        }
        let checked = match field.kind() {
            // Read in the row's country, whatever the column order.
            FieldKind::State { .. } | FieldKind::Phone | FieldKind::PostalCode => {
                state.local.push((f, col));
                continue;
            }
            FieldKind::Country => state
                .places
                .country(value)
                .map(|c| Corrected::plain(Value::Country(c))),
            _ => check_cell(f, field, column, value, rules, &mut out),
        };
        out.keep(col, f, field, column, value, checked, state);
    }
    // States first: a postal code is checked against the row's state.
    for states in [true, false] {
        for i in 0..state.local.len() {
            let Some(&(f, col)) = state.local.get(i) else {
                continue;
            };
            let Some(field) = fields.get(f) else { continue };
            if matches!(field.kind(), FieldKind::State { .. }) != states {
                continue;
            }
            let column = header.get(col).map(String::as_str).unwrap_or("");
            let value = unneutralize(raw.cells.get(col).unwrap_or_default().trim());
            let checked = check_local(field, value, rules, state);
            out.keep(col, f, field, column, value, checked, state);
        }
    }
    // A row's cell problems in the file's column order, whatever order
    // the cells were checked in.
    if out.cell_problems.len() > 1 {
        out.cell_problems.sort_by_key(|(col, _)| *col);
    }
    out.problems.extend(
        std::mem::take(&mut out.cell_problems)
            .into_iter()
            .map(|(_, p)| p),
    );
    let mut record = state.take_record(fields);
    let filled = &mut state.filled;

    // Missing trailing cells read as empty (spreadsheets drop them).
    if empty_fields {
        empty.extend((raw.len()..map.width()).filter_map(|col| map.field_of(col)));
    }

    out.problems.extend(extra_cells(&raw, map));

    let column_name = |f: usize| -> String {
        map.column_of(f)
            .and_then(|c| header.get(c).cloned())
            .or_else(|| fields.get(f).map(|x| x.get_label().to_string()))
            .unwrap_or_default()
    };
    let cities = rules::CityDefaults {
        directory: context.city_directory.as_deref(),
        company_city: context.company_city.as_deref(),
        country: context.country(),
    };
    let mut rule_row = rules::RuleRow {
        record: &mut record,
        filled: filled.as_mut_slice(),
        empty: &mut empty,
        column_name: &column_name,
    };
    let city_filled = rules::check(
        schema.compiled_rules(),
        fields,
        &mut rule_row,
        cities,
        &mut out.problems,
    );

    let RowOut {
        problems,
        notes,
        corrections,
        ..
    } = out;
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
        corrections,
    }
}

/// The problem of a row with filled cells beyond the header's columns.
fn extra_cells(raw: &RawRow, map: &HeaderMap) -> Option<Problem> {
    let extra = raw
        .cells()
        .skip(map.width())
        .filter(|c| !c.trim().is_empty())
        .count();
    if extra == 0 {
        return None;
    }
    Some(Problem::new(
        ProblemCode::ExtraCells,
        messages::row::extra_cells(extra, map.width()),
    ))
}

/// What checking a row's cells gives besides its values.
#[derive(Default)]
struct RowOut {
    problems: Vec<Problem>,
    /// Problems of single cells, with their column, until sorted.
    cell_problems: Vec<(usize, Problem)>,
    notes: Vec<(WarningCode, String)>,
    corrections: Vec<Correction>,
}

impl RowOut {
    /// Puts a checked cell's value into the record, and its correction
    /// into the row's list. A value that is not recognised is kept as
    /// written with a note where the field allows it, else it is a problem
    /// of the row.
    #[allow(clippy::too_many_arguments)]
    fn keep(
        &mut self,
        col: usize,
        f: usize,
        field: &Field,
        column: &str,
        value: &str,
        checked: Result<Corrected<Value>, Invalid>,
        state: &mut CheckState,
    ) {
        let invalid = match checked {
            Ok(Corrected {
                value: v,
                correction,
            }) => {
                if let Some(note) = correction {
                    self.corrections.push(Correction {
                        column: column.to_string(),
                        field: field.id().to_string(),
                        original: value.to_string(),
                        value: v.to_string(),
                        note,
                    });
                }
                state.values.push((f, v));
                return;
            }
            Err(invalid) => invalid,
        };
        let keepable = matches!(
            field.kind(),
            FieldKind::Country | FieldKind::State { .. } | FieldKind::PostalCode
        );
        if keepable && field.keeps_unrecognized() {
            self.note(
                WarningCode::Unrecognized,
                cell::kept_as_written(column, &invalid.message),
            );
            state.values.push((f, Value::Text(Text::new(value))));
        } else {
            self.cell_problems
                .push((col, problem(field, column, invalid)));
        }
    }

    fn note(&mut self, code: WarningCode, message: String) {
        self.notes.push((code, message));
    }
}

/// Checks a cell whose value does not depend on the rest of the row.
fn check_cell(
    f: usize,
    field: &Field,
    column: &str,
    value: &str,
    rules: &Rules<'_>,
    out: &mut RowOut,
) -> Result<Corrected<Value>, Invalid> {
    let plain = |v: Result<Value, Invalid>| v.map(Corrected::plain);
    match field.kind() {
        FieldKind::Text => {
            if looks_like_formula(value) {
                if rules.refuse_formulas {
                    return Err(Invalid::new(
                        ProblemCode::NotAllowed,
                        cell::formula_refused(value, value.chars().next().unwrap_or('=')),
                    ));
                }
                out.note(WarningCode::FormulaLike, cell::formula_kept(column, value));
            } else if validate::is_scientific_notation(value) {
                out.note(
                    WarningCode::SpreadsheetChanged,
                    cell::spreadsheet_changed(column, value),
                );
            }
            plain(validate::text(value, field.get_max_chars()).map(Value::Text))
        }
        FieldKind::Email => validate::email_as_pasted(value).map(|c| Corrected {
            value: Value::Email(c.value),
            correction: c.correction,
        }),
        FieldKind::Date(formats) => {
            let read = validate::date_as_written(value, formats);
            let read = match read {
                Err(invalid) if field.reads_day_or_month_first() => {
                    day_or_month_first(value, rules.date_orders.of(f)).ok_or(invalid)?
                }
                read => read,
            };
            read.map(|c| Corrected {
                value: Value::Date(c.value),
                correction: c.correction,
            })
        }
        FieldKind::Choice(choices) => plain(validate::choice(value, choices).map(Value::Choice)),
        FieldKind::Number if validate::is_scientific_notation(value) => Err(Invalid::new(
            ProblemCode::InvalidNumber,
            cell::scientific_notation(value),
        )),
        FieldKind::Number => plain(validate::number(value).map(Value::Number)),
        // Handled by the caller: a password never becomes a plain value,
        // and places, phones and postal codes need the row's country.
        FieldKind::Password
        | FieldKind::Country
        | FieldKind::State { .. }
        | FieldKind::Phone
        | FieldKind::PostalCode => Err(Invalid::new(ProblemCode::Required, String::new())),
    }
}

/// A date written day and month first, read in the column's `order`:
/// `None` when the value has no such shape (the field's own refusal
/// stands), a refusal naming both readings when it is ambiguous and no
/// order is decided, or when it can only be read in the other order.
fn day_or_month_first(
    value: &str,
    order: Option<DayMonth>,
) -> Option<Result<Corrected<chrono::NaiveDate>, Invalid>> {
    let (day_first, month_first) = validate::day_month_readings(value)?;
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let refuse = |message: String| Some(Err(Invalid::new(ProblemCode::InvalidDate, message)));
    match (order, day_first, month_first) {
        (Some(DayMonth::DayFirst), Some(date), _) | (Some(DayMonth::MonthFirst), _, Some(date)) => {
            Some(Ok(Corrected::plain(date)))
        }
        // Undecided and one reading: the column would have been decided by
        // it before its batch was checked, unless the column is not mapped
        // (it is, to be here); read it the only way it can be read.
        (None, Some(date), None) | (None, None, Some(date)) => Some(Ok(Corrected::plain(date))),
        (None, Some(a), Some(b)) => refuse(cell::day_or_month_first(value, &iso(a), &iso(b))),
        (Some(order), _, Some(other)) | (Some(order), Some(other), _) => refuse(
            cell::against_date_order(value, &iso(other), order == DayMonth::DayFirst),
        ),
        (_, None, None) => refuse(cell::not_a_real_date(value)),
    }
}

/// Checks a cell read in the row's country: a state, a phone, a postal
/// code.
fn check_local(
    field: &Field,
    value: &str,
    rules: &Rules<'_>,
    state: &mut CheckState,
) -> Result<Corrected<Value>, Invalid> {
    let context = rules.context;
    let fields = rules.schema.fields();
    // The row's country as its country field has it when it was
    // recognised, else the import's default. Copied (a short code, kept
    // inline): the place matcher needs the state mutably.
    let country_of = |state: &CheckState, field: Option<usize>| {
        field
            .and_then(|c| match state.value(c) {
                Some(Value::Country(code)) => Some(code.clone()),
                _ => None,
            })
            .or_else(|| context.country().map(Text::from))
    };
    match field.kind() {
        FieldKind::State { country } => {
            let country_field = country
                .as_deref()
                .and_then(|id| fields.iter().position(|x| x.id() == id));
            match country_of(state, country_field) {
                Some(country) => state
                    .places
                    .state(&country, value)
                    .map(|s| Corrected::plain(Value::State(s))),
                None => Err(Invalid::new(
                    ProblemCode::UnknownState,
                    place::state_without_country(value),
                )),
            }
        }
        FieldKind::Phone => {
            let country = country_of(state, state.country_field);
            let region = match (&country, context.country()) {
                // The import's default country, parsed once.
                (Some(c), Some(default)) if c.as_str() == default => context.phone_region,
                (Some(c), _) => c.parse().ok(),
                (None, _) => None,
            };
            let read = validate::phone_in(value, region, country.as_deref());
            let read = match (read, context.phone_region) {
                // Typed with the international prefix of the import's own
                // country ("011 61 …" in a US company's list).
                (Err(invalid), Some(home)) if region != Some(home) => {
                    validate::phone_dialled_from(value, home).ok_or(invalid)
                }
                (read, _) => read,
            };
            read.map(|p| Corrected::plain(Value::Phone(p)))
        }
        FieldKind::PostalCode => {
            let Some(country) = country_of(state, state.country_field) else {
                // Without a country there is no format to check against.
                return validate::text(value, field.get_max_chars())
                    .map(|t| Corrected::plain(Value::Text(t)));
            };
            let state_code = state.state_field.and_then(|s| match state.value(s) {
                Some(Value::State(code)) => Some(code.as_str()),
                _ => None,
            });
            let state_code = state_code.map(Text::new);
            state
                .postal_codes
                .check(value, &country, state_code.as_deref())
                .map(|p| Corrected {
                    value: Value::Text(p.value),
                    correction: p.correction,
                })
        }
        _ => Err(Invalid::new(ProblemCode::Required, String::new())),
    }
}

/// Whether a text cell starts like a spreadsheet formula: `=` and
/// anything (`=HYPERLINK("…")`, `=1+1`), or `+`, `-` or `@` before a
/// function call or a cell reference (`+SUM(A1)`, `-A1`, `@IF(`). A
/// leading `-` or `+` before words or digits (`- none -`, `+44 20…`) is
/// ordinary text.
pub(crate) fn looks_like_formula(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let rest = chars.as_str();
    match first {
        '=' => rest.trim_start_matches('=').trim() != "",
        '+' | '-' | '@' => {
            let name_len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
                .count();
            // The name is ASCII: its end is a character boundary.
            let (name, after) = (
                rest.get(..name_len).unwrap_or(""),
                rest.get(name_len..).unwrap_or(""),
            );
            let starts_alpha = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
            let call = starts_alpha && after.starts_with('(');
            let letters = name.bytes().take_while(u8::is_ascii_alphabetic).count();
            let digits = name.get(letters..).unwrap_or("");
            let cell = (1..=3).contains(&letters)
                && !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (after.is_empty() || after.starts_with(['+', '-', '*', '/', ':', ')', ' ']));
            call || cell
        }
        _ => false,
    }
}

fn problem(field: &Field, column: &str, invalid: Invalid) -> Problem {
    Problem::new(invalid.code, invalid.message)
        .in_column(column)
        .for_field(field.id())
        .with_suggestions(invalid.suggestions)
}
