//! Match & decide: which customer a valid row is, and what becomes of
//! it, against what the import knows (the store's answers and its own
//! earlier rows). The policy's rules are `policy`'s pure functions; this
//! module finds what they are applied to and keeps [`Known`] as if every
//! decision were written.

use super::known::{Known, Owner, Target};
use super::row::CheckedRow;
use super::Importer;
use crate::policy::{Found, Mode, Update, UpdateRule};
use crate::record::{Record, Text, Value};
use crate::report::{Action, Problem};
use crate::schema::{FieldKind, Schema};
use crate::store::MatchKey;

/// A row's match keys: as many as the schema has identifiers, two for
/// the presets, kept inline.
pub(super) type Keys = smallvec::SmallVec<[MatchKey; 2]>;

/// What a row comes to.
pub(super) struct Decision {
    pub(super) target: Target,
    pub(super) action: Action,
    /// The customer's values afterwards, complete.
    pub(super) record: Record,
    /// The customer's values before, for a match (shared with the
    /// engine's view of the customer: no copy).
    pub(super) before: Option<Record>,
    /// Keys the customer has now and did not have before.
    pub(super) claimed: Keys,
    /// Keys the customer had before and no longer has.
    pub(super) freed: Keys,
}

/// The match keys of a record, from the schema's identifier fields.
pub(super) fn keys(identifiers: &[String], record: &Record) -> Keys {
    let mut keys: Keys = identifiers
        .iter()
        .filter_map(|f| match record.get(f) {
            Some(Value::Email(v)) => Some(MatchKey::Email(v.clone())),
            Some(Value::Phone(v)) => Some(MatchKey::Phone(v.clone())),
            _ => None,
        })
        .collect();
    keys.dedup();
    keys
}

/// The fields whose values differ between two records of a customer
/// (compared as text, as a store may keep them), in field-id order.
pub(super) fn differing_fields<'r>(before: &'r Record, after: &'r Record) -> Vec<&'r str> {
    let mut fields: Vec<&str> = before.iter().chain(after.iter()).map(|(f, _)| f).collect();
    fields.sort_unstable();
    fields.dedup();
    let text = |r: &Record, f: &str| r.get(f).map(ToString::to_string);
    fields.retain(|f| text(before, f) != text(after, f));
    fields
}

/// `record` with its identifiers' values as emails and phones, as the
/// schema's fields say: a store that keeps every value as text gives them
/// back as [`Value::Text`], and keys are read from the variants. Most
/// stores keep the variants, and their records are returned as they are.
pub(super) fn typed_keys(schema: &Schema, identifiers: &[String], record: Record) -> Record {
    let untyped = |id: &String| {
        matches!(
            record.get(id),
            Some(v) if !matches!(v, Value::Email(_) | Value::Phone(_))
        )
    };
    if !identifiers.iter().any(untyped) {
        return record;
    }
    let mut record = record;
    for field in schema.fields().iter().filter(|f| f.is_identifier()) {
        let Some(text) = record.get(field.id()).and_then(Value::as_str) else {
            continue;
        };
        let text: Text = text.into();
        let typed = match field.kind() {
            FieldKind::Email => Value::Email(text),
            FieldKind::Phone => Value::Phone(text),
            _ => continue,
        };
        record.insert(field.id(), typed);
    }
    record
}

/// Decides one row: which customer, what action, the customer's values
/// afterwards. Updates `known` as if it were written. Every key of the
/// row is known (the batch's lookup asked the store about the others).
pub(super) fn decide(
    importer: &Importer,
    identifiers: &[String],
    known: &mut dyn Known,
    checked: &CheckedRow,
    record: Record,
    keys: Keys,
) -> Result<Decision, Problem> {
    let policy = importer.policy;
    let mut matched: Vec<(Target, &MatchKey)> = Vec::new();
    for key in &keys {
        if let Owner::Of(target) = known.owner(key) {
            if !matched.iter().any(|(t, _)| *t == target) {
                matched.push((target, key));
            }
        }
    }
    // The keys of several customers, only when there are several (most
    // rows match one or none: no allocation for them).
    let several: Vec<&str> = if matched.len() > 1 {
        matched.iter().map(|(_, k)| k.value()).collect()
    } else {
        Vec::new()
    };
    let found = match matched.len() {
        0 => Found::Nobody,
        1 => Found::One,
        _ => Found::Several(&several),
    };
    let matched = matched.first().map(|(t, _)| t.clone());
    let row = checked.raw.row;
    // Only insert-only imports remember the first row of each key.
    let insert_only = policy.mode() == Mode::InsertOnly;
    let repeat = insert_only
        .then(|| {
            keys.iter()
                .find_map(|k| known.first_row(k).map(|r| (r, k.value())))
        })
        .flatten();
    if let Some(problem) = policy.refusal(found, repeat) {
        return Err(problem);
    }

    let decision = match matched {
        None => Decision {
            target: known.new_target(row),
            action: Action::Insert,
            record,
            before: None,
            claimed: keys,
            freed: Keys::new(),
        },
        Some(target) => {
            let existing = known.record(target.clone());
            let fields = importer.schema.fields();
            let empty: Vec<&str> = checked
                .empty
                .iter()
                .filter_map(|&f| fields.get(f).map(|f| f.id()))
                .collect();
            let rules: smallvec::SmallVec<[(&str, UpdateRule); 4]> =
                importer.schema.update_rules().collect();
            // A password that is the one already stored keeps its hash
            // (a new salt would make every re-import an update). A field
            // whose rule keeps a stored value needs no comparison (each
            // costs as much as a hash).
            let mut record = record;
            for (field, plain) in &checked.secrets {
                if rules.iter().any(|(id, _)| *id == field.as_str()) {
                    continue;
                }
                if let Some(Value::PasswordHash(old)) = existing.get(field) {
                    if importer.hasher.verify(&plain.0, old) {
                        record.insert(field.clone(), Value::PasswordHash(old.clone()));
                    }
                }
            }
            let merged = match policy.update(&existing, &record, &empty, &rules) {
                Update::Unchanged(merged) => {
                    return Ok(Decision {
                        target,
                        action: Action::Unchanged,
                        record: merged,
                        before: Some(existing),
                        claimed: Keys::new(),
                        freed: Keys::new(),
                    })
                }
                Update::Changed(merged) => merged,
            };
            let before = self::keys(identifiers, &existing);
            let after = self::keys(identifiers, &merged);
            let freed: Keys = before
                .iter()
                .filter(|k| !after.contains(k))
                .cloned()
                .collect();
            let claimed: Keys = after
                .iter()
                .filter(|k| !before.contains(k))
                .cloned()
                .collect();
            for old in freed.iter() {
                known.free(old.clone());
            }
            Decision {
                target,
                action: Action::Update,
                record: merged,
                before: Some(existing),
                claimed,
                freed,
            }
        }
    };
    for key in &decision.claimed {
        // Only insert-only imports name the first row of a repeat; the
        // index costs memory for every key of the file.
        if insert_only {
            known.remember_first_row(key, row);
        }
        known.claim(key.clone(), decision.target.clone());
    }
    known.set_record(decision.target.clone(), &decision.record);
    Ok(decision)
}
