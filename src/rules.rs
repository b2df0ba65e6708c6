//! Row rules, checked: what a row's cells come to together. A schema
//! declares its [`Rule`](crate::Rule)s and compiles them against its
//! fields when it is built; this module checks one row by them, after
//! every cell was validated: city defaults first (a city filled in is no
//! longer missing), then required fields, then the rules in the schema's
//! order. Every failed rule adds its problem: a row reports all of them.

use crate::geo::CityDirectory;
use crate::messages;
use crate::problem::{Problem, ProblemCode};
use crate::record::{Record, Value};
use crate::schema::{CompiledRule, Field};

/// Where an empty city comes from (see
/// [`Rule::DefaultCity`](crate::Rule::DefaultCity)).
#[derive(Clone, Copy)]
pub(crate) struct CityDefaults<'a> {
    /// The first city of a state.
    pub directory: Option<&'a dyn CityDirectory>,
    /// The company's own city, for rows without a state.
    pub company_city: Option<&'a str>,
    /// The import's default country, for rows without one.
    pub country: Option<&'a str>,
}

/// One row as the rules see it.
pub(crate) struct RuleRow<'a> {
    /// The row's valid values.
    pub record: &'a mut Record,
    /// By field: whether the row's cell has a value, valid or not (rules
    /// about presence must not pile onto a cell that is there but wrong).
    pub filled: &'a mut [bool],
    /// Fields whose cell is empty, when the policy needs them.
    pub empty: &'a mut Vec<usize>,
    /// A field's column as the file names it (its label when the file
    /// lacks it).
    pub column_name: &'a dyn Fn(usize) -> String,
}

/// Checks `row` by `rules`, adding a problem for each rule it breaks.
/// Returns whether a city was filled in.
pub(crate) fn check(
    rules: &[CompiledRule],
    fields: &[Field],
    row: &mut RuleRow<'_>,
    cities: CityDefaults<'_>,
    problems: &mut Vec<Problem>,
) -> bool {
    let city = fill_cities(rules, fields, row, cities);
    required(fields, row, &city, problems);
    for rule in rules {
        match rule {
            CompiledRule::AtLeastOneOf(ids) => at_least_one_of(ids, row, problems),
            CompiledRule::RequiredIf {
                field,
                when,
                equals,
            } => required_if(*field, *when, equals.as_deref(), fields, row, problems),
            // Applied first, before the required checks.
            CompiledRule::DefaultCity { .. } => {}
        }
    }
    city.filled
}

/// What the city defaults did.
#[derive(Default)]
struct CityOutcome {
    filled: bool,
    /// The city field and the state no city is known for, for a clearer
    /// message when the city stays missing.
    unknown: Option<(usize, String)>,
}

/// Fills empty cities by [`CompiledRule::DefaultCity`].
fn fill_cities(
    rules: &[CompiledRule],
    fields: &[Field],
    row: &mut RuleRow<'_>,
    cities: CityDefaults<'_>,
) -> CityOutcome {
    let mut outcome = CityOutcome::default();
    let id = |f: usize| fields.get(f).map_or("", Field::id);
    for rule in rules {
        let CompiledRule::DefaultCity {
            city,
            state,
            country,
        } = *rule
        else {
            continue;
        };
        if row.filled.get(city).copied().unwrap_or(true) {
            continue;
        }
        let found = match row.record.text(id(state)) {
            Some(state) => {
                let country = country
                    .and_then(|c| row.record.text(id(c)))
                    .or(cities.country);
                cities.directory.and_then(|d| d.first_city(country, state))
            }
            // A state was written but not recognised: no city for it.
            None if row.filled.get(state).copied() == Some(true) => None,
            None => cities.company_city.map(str::to_string),
        };
        match found {
            Some(found) => {
                row.record.insert(id(city), Value::Text(found.into()));
                outcome.filled = true;
                if let Some(slot) = row.filled.get_mut(city) {
                    *slot = true;
                }
                row.empty.retain(|&e| e != city);
            }
            None => {
                outcome.unknown = row.record.text(id(state)).map(|s| (city, s.to_string()));
            }
        }
    }
    outcome
}

/// A problem for each required field without a value.
fn required(fields: &[Field], row: &RuleRow<'_>, city: &CityOutcome, problems: &mut Vec<Problem>) {
    for (f, field) in fields.iter().enumerate() {
        if !field.is_required() || row.filled.get(f).copied().unwrap_or(false) {
            continue;
        }
        let name = field.get_label();
        let message = match &city.unknown {
            Some((c, state)) if *c == f => messages::row::required_no_city(name, state),
            _ => messages::row::required(name),
        };
        problems.push(
            Problem::new(ProblemCode::Required, message)
                .in_column((row.column_name)(f))
                .for_field(field.id()),
        );
    }
}

fn is_filled(row: &RuleRow<'_>, f: usize) -> bool {
    row.filled.get(f).copied().unwrap_or(false)
}

fn at_least_one_of(ids: &[usize], row: &RuleRow<'_>, problems: &mut Vec<Problem>) {
    if ids.iter().any(|&f| is_filled(row, f)) {
        return;
    }
    let names: Vec<String> = ids.iter().map(|&f| (row.column_name)(f)).collect();
    problems.push(Problem::new(
        ProblemCode::NoIdentifier,
        messages::row::no_identifier(&names),
    ));
}

fn required_if(
    field: usize,
    when: usize,
    equals: Option<&str>,
    fields: &[Field],
    row: &RuleRow<'_>,
    problems: &mut Vec<Problem>,
) {
    let when_id = fields.get(when).map_or("", Field::id);
    let triggered = match equals {
        None => is_filled(row, when),
        Some(expected) => row
            .record
            .get(when_id)
            .is_some_and(|v| v.to_string() == expected),
    };
    if !triggered || is_filled(row, field) {
        return;
    }
    let column = (row.column_name)(field);
    let cause = (row.column_name)(when);
    problems.push(
        Problem::new(
            ProblemCode::Required,
            messages::row::required_if(&column, &cause, equals),
        )
        .in_column(column)
        .for_field(fields.get(field).map_or("", Field::id)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::MemoryCityDirectory;
    use crate::schema::Rule;

    fn fields() -> Vec<Field> {
        vec![
            Field::text("first_name"),
            Field::email("email"),
            Field::text("city").required(),
            Field::state("state", None),
            Field::text("customer_type"),
            Field::text("business_name"),
        ]
    }

    /// Checks a row of `values` (field index, text) by `rules`: its
    /// problems' codes and whether a city was filled, and the record.
    fn run(
        rules: &[Rule],
        values: &[(usize, &str)],
        cities: CityDefaults<'_>,
    ) -> (Vec<&'static str>, bool, Record) {
        let fields = fields();
        let compiled: Vec<CompiledRule> = rules
            .iter()
            .filter_map(|r| CompiledRule::new(r, &fields))
            .collect();
        let mut record = Record::new();
        let mut filled = vec![false; fields.len()];
        for &(f, v) in values {
            record.insert(fields[f].id(), Value::Text(v.into()));
            filled[f] = true;
        }
        let column_name = |f: usize| fields[f].id().to_string();
        let mut empty = Vec::new();
        let mut row = RuleRow {
            record: &mut record,
            filled: &mut filled,
            empty: &mut empty,
            column_name: &column_name,
        };
        let mut problems = Vec::new();
        let city = check(&compiled, &fields, &mut row, cities, &mut problems);
        let codes = problems.iter().map(|p| p.code.as_str()).collect();
        (codes, city, record)
    }

    const NO_CITIES: CityDefaults<'static> = CityDefaults {
        directory: None,
        company_city: None,
        country: None,
    };

    #[test]
    fn at_least_one_of_fails_a_row_with_none_of_its_fields() {
        let rules = [Rule::at_least_one_of(["first_name", "email"])];
        assert_eq!(
            run(&rules, &[(2, "Austin")], NO_CITIES).0,
            ["no_identifier"]
        );
        assert!(run(&rules, &[(1, "a@b.com"), (2, "Austin")], NO_CITIES)
            .0
            .is_empty());
    }

    #[test]
    fn required_field_without_a_value_fails() {
        assert_eq!(run(&[], &[(0, "Ann")], NO_CITIES).0, ["required"]);
    }

    #[test]
    fn required_if_equals_applies_only_to_that_value() {
        let rules = [Rule::required_if_equals(
            "business_name",
            "customer_type",
            "Business",
        )];
        let business = run(&rules, &[(2, "Austin"), (4, "Business")], NO_CITIES).0;
        assert_eq!(business, ["required"]);
        assert!(run(&rules, &[(2, "Austin"), (4, "Personal")], NO_CITIES)
            .0
            .is_empty());
    }

    #[test]
    fn default_city_comes_from_the_state_then_the_company() {
        let rules = [Rule::default_city("city", "state", None)];
        let directory = MemoryCityDirectory::new().city(Some("US"), "TX", "Austin");
        let cities = CityDefaults {
            directory: Some(&directory),
            company_city: Some("Denver"),
            country: Some("US"),
        };
        let (codes, filled, record) = run(&rules, &[(3, "US-TX")], cities);
        assert!(codes.is_empty() && filled);
        assert_eq!(record.text("city"), Some("Austin"));
        let (_, _, record) = run(&rules, &[(0, "Ann")], cities);
        assert_eq!(record.text("city"), Some("Denver"));
    }

    #[test]
    fn default_city_unknown_for_the_state_says_so() {
        let rules = [Rule::default_city("city", "state", None)];
        let (codes, filled, _) = run(&rules, &[(3, "US-NV")], NO_CITIES);
        assert_eq!((codes, filled), (vec!["required"], false));
    }
}
