//! A conformance suite for [`Store`] implementations: call it from a test
//! of your own with a way to make an empty store, and it checks the rules
//! the importer relies on, panicking with the rule that broke.
//!
//! The stores it makes are keyed on the fields `email` and `phone` (the
//! presets' identifiers) and are written records of the contacts preset's
//! fields: `email`, `phone`, `first_name`, `last_name`, `state`,
//! `country`, `birthday`.
//!
//! ```
//! use intake::store::conformance;
//! use intake::MemoryStore;
//!
//! conformance::check(MemoryStore::new);
//! conformance::check_transactions(MemoryStore::new);
//! ```
//!
//! The rules, one function each (each run on a fresh store):
//!
//! - [`lookup_answers_each_key_in_order`]: one answer per key, in the
//!   keys' order, `None` for a key nobody has.
//! - [`apply_answers_each_write_in_order`]: one result per write, in the
//!   writes' order, each insert its own id.
//! - [`a_failing_write_fails_alone`]: a write refused leaves the others of
//!   its call written.
//! - [`a_taken_key_is_a_conflict`]: an insert or update that would give a
//!   customer another's email or phone fails as
//!   [`StoreError::conflict`], so that the importer looks the row up
//!   again instead of failing it.
//! - [`an_update_replaces_the_record_and_frees_its_keys`]: an update
//!   writes the whole record; keys it drops are free for another
//!   customer.
//! - [`a_call_may_be_applied_as_a_set`]: the writes of one call are
//!   independent (the importer never sends a customer twice in a call,
//!   nor a key freed by one write and taken by another), and each result
//!   still answers its own write.
//! - [`values_come_back_with_their_text`]: what is written is read back
//!   with the same text, so re-importing a file is all unchanged (a store
//!   may keep every value as text: see [`Record::eq_as_text`]).
//! - [`an_update_of_nobody_fails`]: an update of an id the store does not
//!   have fails, rather than being counted as saved.
//! - [`rollback_undoes_the_transaction`] and
//!   [`commit_keeps_the_transaction`] ([`check_transactions`]).

use chrono::NaiveDate;

use super::{Customer, CustomerId, MatchKey, Store, StoreError, Transactional, Write};
use crate::record::{Record, Value};

/// Runs every rule but the transactions' on stores made by `make`.
///
/// # Panics
///
/// When the store breaks a rule, naming it and what the store did.
pub fn check<S: Store>(mut make: impl FnMut() -> S) {
    lookup_answers_each_key_in_order(&mut make());
    apply_answers_each_write_in_order(&mut make());
    a_failing_write_fails_alone(&mut make());
    a_taken_key_is_a_conflict(&mut make());
    an_update_replaces_the_record_and_frees_its_keys(&mut make());
    a_call_may_be_applied_as_a_set(&mut make());
    values_come_back_with_their_text(&mut make());
    an_update_of_nobody_fails(&mut make());
}

/// Runs the transactions' rules, for a store an all-or-nothing import
/// may use.
///
/// # Panics
///
/// When the store breaks a rule, naming it and what the store did.
pub fn check_transactions<S: Transactional>(mut make: impl FnMut() -> S) {
    rollback_undoes_the_transaction(&mut make());
    commit_keeps_the_transaction(&mut make());
}

/// Panics naming `rule`.
#[track_caller]
fn broke(rule: &str, what: String) -> ! {
    panic!("Store conformance: the rule `{rule}` broke: {what}")
}

fn email(text: &str) -> MatchKey {
    MatchKey::Email(text.into())
}

fn phone(text: &str) -> MatchKey {
    MatchKey::Phone(text.into())
}

/// A customer of the contacts preset: `email`, optionally a phone, and a
/// first name.
fn customer(email: &str, phone: Option<&str>, name: &str) -> Record {
    let mut record = Record::new();
    record.insert("email", Value::Email(email.into()));
    if let Some(phone) = phone {
        record.insert("phone", Value::Phone(phone.into()));
    }
    record.insert("first_name", Value::Text(name.into()));
    record
}

fn lookup<S: Store>(rule: &str, store: &mut S, keys: &[MatchKey]) -> Vec<Option<Customer>> {
    match store.lookup(keys) {
        Ok(found) if found.len() == keys.len() => found,
        Ok(found) => broke(
            rule,
            format!("{} answers for {} keys", found.len(), keys.len()),
        ),
        Err(e) => broke(rule, format!("the lookup failed: {e}")),
    }
}

fn apply<S: Store>(
    rule: &str,
    store: &mut S,
    writes: Vec<Write>,
) -> Vec<Result<CustomerId, StoreError>> {
    let sent = writes.len();
    match store.apply(writes) {
        Ok(results) if results.len() == sent => results,
        Ok(results) => broke(rule, format!("{} results for {sent} writes", results.len())),
        Err(e) => broke(rule, format!("the call failed as a whole: {e}")),
    }
}

/// Inserts `records`, which must all succeed; their ids.
fn seed<S: Store>(rule: &str, store: &mut S, records: Vec<Record>) -> Vec<CustomerId> {
    let writes = records.into_iter().map(Write::Insert).collect();
    apply(rule, store, writes)
        .into_iter()
        .enumerate()
        .map(|(n, result)| match result {
            Ok(id) => id,
            Err(e) => broke(
                rule,
                format!("inserting customer {n} of a fresh store failed: {e}"),
            ),
        })
        .collect()
}

/// The id and text of what a lookup found for a key, for messages.
fn found_id(found: &Option<Customer>) -> Option<CustomerId> {
    found.as_ref().map(|c| c.id.clone())
}

/// One answer per key, in the keys' order, `None` for a key nobody has.
pub fn lookup_answers_each_key_in_order<S: Store>(store: &mut S) {
    const RULE: &str = "lookup answers each key in order";
    let ann = customer("ann@example.com", Some("+14155550101"), "Ann");
    let bob = customer("bob@example.com", None, "Bob");
    let ids = seed(RULE, store, vec![ann.clone(), bob]);
    let (Some(ann_id), Some(bob_id)) = (ids.first().cloned(), ids.get(1).cloned()) else {
        broke(RULE, "two inserts, fewer ids".to_string())
    };
    let keys = [
        email("bob@example.com"),
        email("nobody@example.com"),
        phone("+14155550101"),
        email("ann@example.com"),
    ];
    let found = lookup(RULE, store, &keys);
    let got: Vec<Option<CustomerId>> = found.iter().map(found_id).collect();
    let expected = vec![Some(bob_id), None, Some(ann_id.clone()), Some(ann_id)];
    if got != expected {
        broke(
            RULE,
            format!("for Bob's email, nobody's, Ann's phone and Ann's email it answered {got:?}, not {expected:?}"),
        );
    }
    if let Some(Some(found)) = found.get(2) {
        if !found.record.eq_as_text(&ann) {
            broke(RULE, format!("Ann came back as {:?}", found.record));
        }
    }
}

/// One result per write, in the writes' order, each insert its own id.
pub fn apply_answers_each_write_in_order<S: Store>(store: &mut S) {
    const RULE: &str = "apply answers each write in order";
    let names = ["Ann", "Bob", "Cy", "Dee"];
    let records: Vec<Record> = names
        .iter()
        .map(|n| customer(&format!("{}@example.com", n.to_lowercase()), None, n))
        .collect();
    let ids = seed(RULE, store, records);
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != ids.len() {
        broke(RULE, format!("four inserts gave the ids {ids:?}"));
    }
    for (name, id) in names.iter().zip(&ids) {
        let key = email(&format!("{}@example.com", name.to_lowercase()));
        let found = lookup(RULE, store, std::slice::from_ref(&key));
        let got = found.first().and_then(found_id);
        if got.as_ref() != Some(id) {
            broke(
                RULE,
                format!("the insert of {name} answered {id}, but {name} is {got:?}"),
            );
        }
    }
}

/// A write refused leaves the others of its call written.
pub fn a_failing_write_fails_alone<S: Store>(store: &mut S) {
    const RULE: &str = "a failing write fails alone";
    seed(RULE, store, vec![customer("ann@example.com", None, "Ann")]);
    let results = apply(
        RULE,
        store,
        vec![
            Write::Insert(customer("cy@example.com", None, "Cy")),
            Write::Insert(customer("ann@example.com", None, "Another Ann")),
            Write::Insert(customer("dee@example.com", None, "Dee")),
        ],
    );
    let ok: Vec<bool> = results.iter().map(Result::is_ok).collect();
    if ok != [true, false, true] {
        broke(
            RULE,
            format!("inserting Cy, a second ann@example.com and Dee answered {results:?}"),
        );
    }
    let found = lookup(
        RULE,
        store,
        &[email("cy@example.com"), email("dee@example.com")],
    );
    if found.iter().any(Option::is_none) {
        broke(RULE, "Cy or Dee is missing after the call".to_string());
    }
}

/// An insert or update that would give a customer another's key fails
/// as a conflict.
pub fn a_taken_key_is_a_conflict<S: Store>(store: &mut S) {
    const RULE: &str = "a taken key is a conflict";
    let ids = seed(
        RULE,
        store,
        vec![
            customer("ann@example.com", Some("+14155550101"), "Ann"),
            customer("bob@example.com", None, "Bob"),
        ],
    );
    let Some(bob) = ids.get(1).cloned() else {
        broke(RULE, "two inserts, fewer ids".to_string())
    };
    let results = apply(
        RULE,
        store,
        vec![
            Write::Insert(customer("cy@example.com", Some("+14155550101"), "Cy")),
            Write::Update {
                id: bob.clone(),
                record: customer("ann@example.com", None, "Bob"),
            },
        ],
    );
    for (what, result) in ["inserting Ann's phone", "updating Bob to Ann's email"]
        .iter()
        .zip(&results)
    {
        match result {
            Err(e) if e.is_conflict() => {}
            other => broke(
                RULE,
                format!("{what} answered {other:?}, not an error marked as a conflict (StoreError::conflict)"),
            ),
        }
    }
    let found = lookup(RULE, store, &[email("bob@example.com")]);
    if found.first().and_then(found_id) != Some(bob) {
        broke(RULE, "the refused update changed Bob".to_string());
    }
}

/// An update writes the whole record; keys it drops are free.
pub fn an_update_replaces_the_record_and_frees_its_keys<S: Store>(store: &mut S) {
    const RULE: &str = "an update replaces the record and frees its keys";
    let ids = seed(
        RULE,
        store,
        vec![customer("ann@example.com", Some("+14155550101"), "Ann")],
    );
    let Some(ann) = ids.first().cloned() else {
        broke(RULE, "an insert, no id".to_string())
    };
    let moved = customer("ann.lee@example.com", None, "Ann");
    let results = apply(
        RULE,
        store,
        vec![Write::Update {
            id: ann.clone(),
            record: moved.clone(),
        }],
    );
    if !matches!(results.first(), Some(Ok(id)) if *id == ann) {
        broke(
            RULE,
            format!("the update of customer {ann} answered {results:?}"),
        );
    }
    let found = lookup(
        RULE,
        store,
        &[
            email("ann@example.com"),
            phone("+14155550101"),
            email("ann.lee@example.com"),
        ],
    );
    let got: Vec<Option<CustomerId>> = found.iter().map(found_id).collect();
    if got != [None, None, Some(ann)] {
        broke(
            RULE,
            format!("after moving Ann to ann.lee@example.com without a phone, her old email, old phone and new email answered {got:?}"),
        );
    }
    if let Some(Some(found)) = found.get(2) {
        if !found.record.eq_as_text(&moved) {
            broke(
                RULE,
                format!("the updated Ann came back as {:?}", found.record),
            );
        }
    }
    let results = apply(
        RULE,
        store,
        vec![Write::Insert(customer(
            "cy@example.com",
            Some("+14155550101"),
            "Cy",
        ))],
    );
    if !matches!(results.first(), Some(Ok(_))) {
        broke(
            RULE,
            format!("the phone Ann gave up could not be taken: {results:?}"),
        );
    }
}

/// The writes of one call are independent, and each result answers its
/// own write.
pub fn a_call_may_be_applied_as_a_set<S: Store>(store: &mut S) {
    const RULE: &str = "a call may be applied as a set";
    let ids = seed(
        RULE,
        store,
        vec![
            customer("ann@example.com", Some("+14155550101"), "Ann"),
            customer("bob@example.com", None, "Bob"),
        ],
    );
    let (Some(ann), Some(bob)) = (ids.first().cloned(), ids.get(1).cloned()) else {
        broke(RULE, "two inserts, fewer ids".to_string())
    };
    let results = apply(
        RULE,
        store,
        vec![
            Write::Update {
                id: bob.clone(),
                record: customer("bob@example.com", Some("+14155550102"), "Robert"),
            },
            Write::Insert(customer("cy@example.com", Some("+14155550103"), "Cy")),
            Write::Update {
                id: ann.clone(),
                record: customer("ann@example.com", Some("+14155550101"), "Annie"),
            },
        ],
    );
    let cy = match results.as_slice() {
        [Ok(b), Ok(cy), Ok(a)] if *b == bob && *a == ann => cy.clone(),
        other => broke(
            RULE,
            format!("updating Bob ({bob}), inserting Cy and updating Ann ({ann}) in one call answered {other:?}"),
        ),
    };
    let found = lookup(
        RULE,
        store,
        &[
            phone("+14155550102"),
            phone("+14155550103"),
            email("ann@example.com"),
        ],
    );
    let names: Vec<Option<&str>> = found
        .iter()
        .map(|c| {
            c.as_ref()
                .and_then(|c| c.record.get("first_name")?.as_str())
        })
        .collect();
    if names != [Some("Robert"), Some("Cy"), Some("Annie")]
        || found.get(1).and_then(found_id) != Some(cy)
    {
        broke(RULE, format!("after the call the customers read {names:?}"));
    }
}

/// What is written is read back with the same text.
pub fn values_come_back_with_their_text<S: Store>(store: &mut S) {
    const RULE: &str = "values come back with their text";
    let mut record = customer("zoë.müller@example.com", Some("+4930901820"), "Zoë");
    record.insert("last_name", Value::Text("O'Brien-Łukasz  日本".into()));
    record.insert("state", Value::State("US-CA".into()));
    record.insert("country", Value::Country("US".into()));
    record.insert("region", Value::Text("Narnia".into()));
    if let Some(date) = NaiveDate::from_ymd_opt(1986, 10, 25) {
        record.insert("birthday", Value::Date(date));
    }
    record.insert("score", Value::Number("-3.50".into()));
    record.insert("title", Value::Choice("Dr".into()));
    seed(RULE, store, vec![record.clone()]);
    let found = lookup(RULE, store, &[email("zoë.müller@example.com")]);
    match found.first() {
        Some(Some(c)) if c.record.eq_as_text(&record) => {}
        Some(Some(c)) => {
            let differ: Vec<String> = record
                .iter()
                .filter(|(field, value)| {
                    c.record.get(field).map(|v| v.to_string()) != Some(value.to_string())
                })
                .map(|(field, value)| {
                    format!("{field}: wrote {value:?}, read {:?}", c.record.get(field))
                })
                .collect();
            broke(RULE, differ.join("; "));
        }
        _ => broke(RULE, "the customer written was not found".to_string()),
    }
}

/// An update of an id the store does not have fails.
pub fn an_update_of_nobody_fails<S: Store>(store: &mut S) {
    const RULE: &str = "an update of nobody fails";
    let ids = seed(RULE, store, vec![customer("ann@example.com", None, "Ann")]);
    let Some(ann) = ids.first() else {
        broke(RULE, "an insert, no id".to_string())
    };
    let nobody = nobody_like(ann);
    let results = apply(
        RULE,
        store,
        vec![Write::Update {
            id: nobody.clone(),
            record: customer("ghost@example.com", None, "Ghost"),
        }],
    );
    if matches!(results.first(), Some(Ok(_))) {
        broke(
            RULE,
            format!("updating customer {nobody}, whom the store does not have, succeeded"),
        );
    }
}

/// An id of the same kind as `id` that a fresh store with one customer
/// does not have.
fn nobody_like(id: &CustomerId) -> CustomerId {
    match id {
        CustomerId::Int(n) => CustomerId::Int(n.wrapping_add(1_000_003)),
        CustomerId::Uuid(u) => CustomerId::Uuid(uuid::Uuid::from_u128(!u.as_u128())),
        _ => CustomerId::from(format!("{id}-nobody")),
    }
}

fn transaction(rule: &str, what: &str, result: Result<(), StoreError>) {
    if let Err(e) = result {
        broke(rule, format!("{what} failed: {e}"));
    }
}

/// Everything since `begin` is undone by `rollback`.
pub fn rollback_undoes_the_transaction<S: Transactional>(store: &mut S) {
    const RULE: &str = "rollback undoes the transaction";
    let ids = seed(RULE, store, vec![customer("ann@example.com", None, "Ann")]);
    let Some(ann) = ids.first().cloned() else {
        broke(RULE, "an insert, no id".to_string())
    };
    transaction(RULE, "begin", store.begin());
    seed(RULE, store, vec![customer("bob@example.com", None, "Bob")]);
    apply(
        RULE,
        store,
        vec![Write::Update {
            id: ann,
            record: customer("ann@example.com", None, "Annie"),
        }],
    );
    transaction(RULE, "rollback", store.rollback());
    let found = lookup(
        RULE,
        store,
        &[email("bob@example.com"), email("ann@example.com")],
    );
    if found.first().is_some_and(Option::is_some) {
        broke(
            RULE,
            "Bob, inserted in the transaction, is still there".to_string(),
        );
    }
    let name = found
        .get(1)
        .and_then(|c| c.as_ref())
        .and_then(|c| c.record.get("first_name").map(|v| v.to_string()));
    if name.as_deref() != Some("Ann") {
        broke(
            RULE,
            format!("Ann, updated in the transaction, reads {name:?}"),
        );
    }
}

/// Everything since `begin` is kept by `commit`.
pub fn commit_keeps_the_transaction<S: Transactional>(store: &mut S) {
    const RULE: &str = "commit keeps the transaction";
    transaction(RULE, "begin", store.begin());
    seed(RULE, store, vec![customer("bob@example.com", None, "Bob")]);
    transaction(RULE, "commit", store.commit());
    let found = lookup(RULE, store, &[email("bob@example.com")]);
    if !found.first().is_some_and(Option::is_some) {
        broke(
            RULE,
            "Bob, inserted in the transaction, is gone".to_string(),
        );
    }
}
