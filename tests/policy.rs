//! Policy: upsert, insert-only, update-only; matching on normalized keys;
//! empty cells; sequential semantics across and within batches.

mod common;

use std::collections::BTreeMap;

use common::*;
use intake::{Action, Importer, MemoryStore, Policy, Value};
use proptest::prelude::*;

const ANN: &str = "first_name,email,phone,company\nAnn,ann@example.com,(415) 555-0101,Acme\n";

fn upsert() -> Importer {
    contacts().policy(Policy::upsert())
}

fn insert_only() -> Importer {
    contacts().policy(Policy::insert_only())
}

fn update_only() -> Importer {
    contacts().policy(Policy::update_only())
}

// ---- upsert ----

#[test]
fn upsert_inserts_a_customer_no_key_matches() {
    let mut store = seeded(ANN);
    let report = run(
        &upsert(),
        "first_name,email\nBob,bob@example.com\n",
        &mut store,
    );
    assert_eq!(
        (report.inserted, report.updated, report.unchanged),
        (1, 0, 0)
    );
    assert_eq!(store.len(), 2);
}

#[test]
fn upsert_updates_the_customer_matched_by_email() {
    let mut store = seeded(ANN);
    let report = run(
        &upsert(),
        "email,company\nANN@example.com,Initech\n",
        &mut store,
    );
    assert_eq!((report.inserted, report.updated), (0, 1));
    assert_eq!(store.len(), 1);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("company"), Some("Initech"));
    assert_eq!(ann.record.text("first_name"), Some("Ann"));
}

#[test]
fn upsert_updates_the_customer_matched_by_phone() {
    let mut store = seeded(ANN);
    let report = run(
        &upsert(),
        "phone,first_name\n415.555.0101,Annie\n",
        &mut store,
    );
    assert_eq!((report.inserted, report.updated), (0, 1));
    let ann = by_phone(&store, "+14155550101").unwrap();
    assert_eq!(ann.record.text("first_name"), Some("Annie"));
    assert_eq!(ann.record.text("email"), Some("ann@example.com"));
}

#[test]
fn upsert_row_with_the_same_values_is_unchanged_and_writes_nothing() {
    let mut store = ScriptedStore::new(seeded(ANN));
    let before = records(&store.inner);
    let report = upsert()
        .import(
            "Email,First Name,Company\n ann@example.com ,Ann,Acme\n".as_bytes(),
            &mut store,
        )
        .unwrap();
    assert_eq!(
        (report.inserted, report.updated, report.unchanged),
        (0, 0, 1)
    );
    assert_eq!(store.applied.iter().sum::<usize>(), 0, "no write sent");
    assert_eq!(records(&store.inner), before);
}

#[test]
fn national_and_international_forms_of_a_phone_are_the_same_customer() {
    let (_, mut store) = run_fresh("first_name,phone\nAnn,(415) 555-0101\n");
    let report = run(
        &upsert(),
        "first_name,phone\nAnn,+1 415 555 0101\n",
        &mut store,
    );
    assert_eq!((report.inserted, report.unchanged), (0, 1));
    assert_eq!(store.len(), 1);

    let (report, store) =
        run_fresh("first_name,phone\nAnn,(415) 555-0101\nAnnie,+1 415 555 0101\n");
    assert_eq!((report.inserted, report.updated), (1, 1));
    assert_eq!(store.len(), 1);
    assert_eq!(
        by_phone(&store, "+14155550101")
            .unwrap()
            .record
            .text("first_name"),
        Some("Annie")
    );
}

#[test]
fn email_differing_in_case_and_spaces_is_the_same_customer() {
    let (report, store) =
        run_fresh("first_name,email\nAnn,ann@example.com\nAnnie,\"  ANN@Example.COM \"\n");
    assert_eq!((report.inserted, report.updated), (1, 1));
    assert_eq!(store.len(), 1);
}

#[test]
fn row_matching_two_different_customers_fails_as_ambiguous_match() {
    let mut store = seeded(
        "first_name,email,phone\nAnn,ann@example.com,415 555 0101\nBob,bob@example.com,415 555 0102\n",
    );
    let before = records(&store);
    let report = run(
        &upsert(),
        "first_name,email,phone\nAnn,ann@example.com,415 555 0102\n",
        &mut store,
    );
    assert_eq!(report.failed, 1);
    let f = failure_of(&report, 2);
    assert_eq!(codes(f), ["ambiguous_match"]);
    assert_eq!(records(&store), before, "neither customer touched");
}

#[test]
fn row_matching_two_customers_created_earlier_in_the_file_is_ambiguous() {
    let (report, store) = run_fresh(
        "first_name,email,phone\nAnn,ann@example.com,\nBob,,415 555 0102\nX,ann@example.com,415 555 0102\n",
    );
    assert_eq!((report.inserted, report.failed), (2, 1));
    assert_eq!(codes(failure_of(&report, 4)), ["ambiguous_match"]);
    assert_eq!(store.len(), 2);
}

#[test]
fn ambiguous_match_fails_in_every_mode() {
    let seed =
        "first_name,email,phone\nAnn,ann@example.com,415 555 0101\nBob,bob@example.com,415 555 0102\n";
    for importer in [upsert(), insert_only(), update_only()] {
        let mut store = seeded(seed);
        let report = run(
            &importer,
            "email,phone\nbob@example.com,415 555 0101\n",
            &mut store,
        );
        assert_eq!(codes(failure_of(&report, 2)), ["ambiguous_match"]);
    }
}

// ---- insert-only ----

#[test]
fn insert_only_rejects_existing_email() {
    let mut store = seeded(ANN);
    let before = records(&store);
    let report = run(
        &insert_only(),
        "first_name,email\nAnnie,Ann@Example.com\nBob,bob@example.com\n",
        &mut store,
    );
    assert_eq!((report.inserted, report.failed), (1, 1));
    assert_eq!(codes(failure_of(&report, 2)), ["already_exists"]);
    assert_eq!(
        by_email(&store, "ann@example.com").unwrap().record,
        before[0]
    );
}

#[test]
fn insert_only_rejects_existing_phone() {
    let mut store = seeded(ANN);
    let report = run(
        &insert_only(),
        "email,phone\nnew@example.com,+1 415 555 0101\n",
        &mut store,
    );
    assert_eq!(codes(failure_of(&report, 2)), ["already_exists"]);
    assert!(by_email(&store, "new@example.com").is_none());
}

#[test]
fn insert_only_repeat_in_file_fails_as_duplicate_naming_the_earlier_row() {
    let (report, store) = {
        let mut store = MemoryStore::new();
        let report = run(
            &insert_only(),
            "first_name,email\nAnn,ann@example.com\nBob,bob@example.com\nAnnie,ANN@example.com\n",
            &mut store,
        );
        (report, store)
    };
    assert_eq!((report.inserted, report.failed), (2, 1));
    let f = failure_of(&report, 4);
    assert_eq!(codes(f), ["duplicate_in_file"]);
    assert!(
        f.problems[0].message.to_lowercase().contains("row 2"),
        "{}",
        f.problems[0].message
    );
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(
        ann.record.text("first_name"),
        Some("Ann"),
        "first occurrence imported"
    );
}

#[test]
fn insert_only_repeat_by_phone_in_another_format_is_a_duplicate() {
    let mut store = MemoryStore::new();
    let report = run(
        &insert_only(),
        "first_name,phone\nAnn,(415) 555-0101\nAnnie,+14155550101\n",
        &mut store,
    );
    assert_eq!(codes(failure_of(&report, 3)), ["duplicate_in_file"]);
    assert_eq!(store.len(), 1);
}

#[test]
fn insert_only_repeat_in_a_later_batch_is_still_a_duplicate() {
    let mut store = MemoryStore::new();
    let report = run(
        &insert_only().batch_size(2),
        "email\nann@example.com\nbob@example.com\ncy@example.com\nann@example.com\n",
        &mut store,
    );
    assert_eq!((report.inserted, report.failed), (3, 1));
    let f = failure_of(&report, 5);
    assert_eq!(codes(f), ["duplicate_in_file"]);
    assert!(f.problems[0].message.to_lowercase().contains("row 2"));
}

#[test]
fn insert_only_repeat_of_a_row_that_failed_validation_is_imported() {
    let mut store = MemoryStore::new();
    let report = run(
        &insert_only(),
        "email,birthday\nann@example.com,1986-02-30\nann@example.com,1986-02-28\n",
        &mut store,
    );
    assert_eq!((report.inserted, report.failed), (1, 1));
    assert_eq!(codes(failure_of(&report, 2)), ["invalid_date"]);
}

// ---- update-only ----

#[test]
fn update_only_fails_unknown_customer_as_not_found() {
    let mut store = seeded(ANN);
    let report = run(
        &update_only(),
        "email,company\nann@example.com,Initech\nbob@example.com,Globex\n",
        &mut store,
    );
    assert_eq!((report.updated, report.failed), (1, 1));
    assert_eq!(codes(failure_of(&report, 3)), ["not_found"]);
    assert_eq!(store.len(), 1);
}

#[test]
fn update_only_row_without_keys_is_not_found() {
    let mut store = seeded(ANN);
    let report = run(
        &update_only(),
        "first_name,company\nAnn,Initech\n",
        &mut store,
    );
    assert_eq!(codes(failure_of(&report, 2)), ["not_found"]);
    assert_eq!(store.len(), 1);
}

// ---- empty cells ----

#[test]
fn empty_cells_keep_existing_values_on_update() {
    let mut store = seeded(ANN);
    let report = run(
        &upsert(),
        "first_name,email,phone,company\n,ann@example.com,,Initech\n",
        &mut store,
    );
    assert_eq!(report.updated, 1);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("first_name"), Some("Ann"));
    assert_eq!(ann.record.text("phone"), Some("+14155550101"));
    assert_eq!(ann.record.text("company"), Some("Initech"));
}

#[test]
fn empty_cells_alone_leave_the_customer_unchanged() {
    let mut store = seeded(ANN);
    let report = run(
        &upsert(),
        "first_name,email,phone,company\n,ann@example.com,,\n",
        &mut store,
    );
    assert_eq!(report.unchanged, 1);
}

#[test]
fn clear_empty_erases_values_of_empty_cells() {
    let mut store = seeded(ANN);
    let report = run(
        &contacts().policy(Policy::upsert().clear_empty(true)),
        "first_name,email,phone,company\n,ann@example.com,,Initech\n",
        &mut store,
    );
    assert_eq!(report.updated, 1);
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.get("first_name"), None);
    assert_eq!(ann.record.get("phone"), None);
    assert_eq!(ann.record.text("company"), Some("Initech"));
    assert!(
        by_phone(&store, "+14155550101").is_none(),
        "phone key released"
    );
}

#[test]
fn clear_empty_keeps_values_of_columns_the_file_does_not_have() {
    let mut store = seeded(ANN);
    run(
        &contacts().policy(Policy::upsert().clear_empty(true)),
        "email,company\nann@example.com,\n",
        &mut store,
    );
    let ann = by_email(&store, "ann@example.com").unwrap();
    assert_eq!(ann.record.text("first_name"), Some("Ann"));
    assert_eq!(ann.record.text("phone"), Some("+14155550101"));
    assert_eq!(ann.record.get("company"), None);
}

// ---- sequential semantics ----

use Outcome::{Done, Failed};

/// Rows with repeats; the comments give what one-at-a-time import does.
const REPEATS: &str = "\
first_name,email,phone
Ann,ann@example.com,
Ann,ANN@example.com,(415) 555-0101
Bob,bob@example.com,
Ann,ann@example.com,+1 415 555 0101
Bob,bob@example.com,415-555-0102
Annie,,415 555 0101
Ann,ann@example.com,415 555 0102
Carl,carl@example.com,415 555 0102
Bob,bob@example.com,
Dee,dee@example.com,
Dee,dee@example.com,
";

fn repeats_expected() -> BTreeMap<u64, Outcome> {
    BTreeMap::from([
        (2, Done(Action::Insert)),            // Ann
        (3, Done(Action::Update)),            // Ann gets a phone
        (4, Done(Action::Insert)),            // Bob
        (5, Done(Action::Unchanged)),         // Ann again, same phone in E.164
        (6, Done(Action::Update)),            // Bob gets a phone
        (7, Done(Action::Update)),            // Ann renamed, matched by phone
        (8, Failed(vec!["ambiguous_match"])), // Ann's email, Bob's phone
        (9, Done(Action::Update)),            // Bob's email becomes carl@
        (10, Done(Action::Insert)),           // bob@ is free again: a new Bob
        (11, Done(Action::Insert)),           // Dee
        (12, Done(Action::Unchanged)),        // Dee again
    ])
}

fn repeats_final_store() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![
            ("email", "ann@example.com"),
            ("first_name", "Annie"),
            ("phone", "+14155550101"),
        ],
        vec![
            ("email", "carl@example.com"),
            ("first_name", "Carl"),
            ("phone", "+14155550102"),
        ],
        vec![("email", "bob@example.com"), ("first_name", "Bob")],
        vec![("email", "dee@example.com"), ("first_name", "Dee")],
    ]
}

fn as_pairs(store: &MemoryStore) -> Vec<Vec<(String, String)>> {
    records(store)
        .iter()
        .map(|r| {
            r.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn expected_pairs() -> Vec<Vec<(String, String)>> {
    repeats_final_store()
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn one_row_at_a_time_gives_the_expected_reference_result() {
    let mut store = MemoryStore::new();
    let outcomes = import_row_by_row(&upsert(), REPEATS, &mut store);
    assert_eq!(outcomes, repeats_expected());
    assert_eq!(as_pairs(&store), expected_pairs());
}

#[test]
fn upsert_repeats_in_one_batch_equal_importing_rows_one_at_a_time() {
    let mut store = MemoryStore::new();
    let report = run(&upsert().preview(true), REPEATS, &mut store);
    assert_eq!(outcomes(&report), repeats_expected());
    assert_eq!(as_pairs(&store), expected_pairs());
    assert_counts_add_up(&report);
}

#[test]
fn upsert_repeats_across_batches_equal_importing_rows_one_at_a_time() {
    for size in [1, 2, 3, 5] {
        let mut store = MemoryStore::new();
        let report = run(
            &upsert().preview(true).batch_size(size),
            REPEATS,
            &mut store,
        );
        assert_eq!(outcomes(&report), repeats_expected(), "batch size {size}");
        assert_eq!(as_pairs(&store), expected_pairs(), "batch size {size}");
    }
}

/// insert-only: a repeat is `duplicate_in_file` in one file and
/// `already_exists` one row at a time; otherwise the same.
fn same_up_to_duplicate_code(batch: BTreeMap<u64, Outcome>) -> BTreeMap<u64, Outcome> {
    batch
        .into_iter()
        .map(|(row, o)| match o {
            Failed(codes) => (
                row,
                Failed(
                    codes
                        .into_iter()
                        .map(|c| {
                            if c == "duplicate_in_file" {
                                "already_exists"
                            } else {
                                c
                            }
                        })
                        .collect(),
                ),
            ),
            done => (row, done),
        })
        .collect()
}

/// Imports `file` into a store seeded with `seed` in batches of each size,
/// and asserts that each gives what importing the rows one at a time
/// gives: the same outcomes (after `same`) and the same customers. Returns
/// the one-at-a-time outcomes and store.
fn assert_every_batch_size_equals_one_at_a_time(
    importer: &Importer,
    seed: &str,
    file: &str,
    sizes: &[usize],
    same: impl Fn(BTreeMap<u64, Outcome>) -> BTreeMap<u64, Outcome>,
) -> (BTreeMap<u64, Outcome>, MemoryStore) {
    let mut reference = seeded(seed);
    let expected = import_row_by_row(importer, file, &mut reference);
    for &size in sizes {
        let mut store = seeded(seed);
        let report = run(
            &importer.clone().preview(true).batch_size(size),
            file,
            &mut store,
        );
        assert_eq!(
            same(outcomes(&report)),
            expected,
            "batch size {size}: {:?}",
            report.failures
        );
        assert_eq!(records(&store), records(&reference), "batch size {size}");
    }
    (expected, reference)
}

#[test]
fn insert_only_repeats_in_and_across_batches_equal_importing_rows_one_at_a_time() {
    let seed = "first_name,email,phone\nZed,zed@example.com,415 555 0109\n";
    assert_every_batch_size_equals_one_at_a_time(
        &insert_only(),
        seed,
        REPEATS,
        &[1, 2, 3, 1000],
        same_up_to_duplicate_code,
    );
}

#[test]
fn update_only_repeats_in_and_across_batches_equal_importing_rows_one_at_a_time() {
    let seed = "first_name,email,phone\nAnn,ann@example.com,\nBob,bob@example.com,415 555 0109\n";
    assert_every_batch_size_equals_one_at_a_time(
        &update_only(),
        seed,
        REPEATS,
        &[1, 2, 3, 1000],
        std::convert::identity,
    );
}

#[test]
fn phone_moved_from_one_customer_to_another_within_a_batch_equals_one_at_a_time() {
    // Row 3 moves Ann to a new phone; row 4 then gives Ann's old phone to
    // Cy, whom row 2 created. One at a time, every row succeeds.
    let seed = "first_name,email,phone\nAnn,ann@example.com,415 555 0101\n";
    let file = "\
first_name,email,phone
Cy,cy@example.com,415 555 0103
Ann,ann@example.com,415 555 0102
Cy,cy@example.com,415 555 0101
";
    let (expected, _) = assert_every_batch_size_equals_one_at_a_time(
        &upsert(),
        seed,
        file,
        &[1, 2, 1000],
        std::convert::identity,
    );
    assert_eq!(
        expected,
        BTreeMap::from([
            (2, Done(Action::Insert)),
            (3, Done(Action::Update)),
            (4, Done(Action::Update)),
        ])
    );
}

#[test]
fn email_released_and_reused_within_a_batch_equals_one_at_a_time() {
    // Row 2 changes Bob's email (matched by phone); row 3 creates a new
    // customer with Bob's old email.
    let seed = "first_name,email,phone\nBob,bob@example.com,415 555 0102\n";
    let file = "\
first_name,email,phone
Bob,robert@example.com,415 555 0102
Bobby,bob@example.com,
";
    let (_, reference) = assert_every_batch_size_equals_one_at_a_time(
        &upsert(),
        seed,
        file,
        &[1, 1000],
        std::convert::identity,
    );
    assert_eq!(reference.len(), 2);
}

// Random files of repeated keys: any batch size gives the one-at-a-time
// result, in every mode.
const NAMES: [&str; 3] = ["", "Ann", "Bob"];
const EMAILS: [&str; 5] = [
    "",
    "a@example.com",
    "B@example.com",
    "b@example.com ",
    "c@example.com",
];
const PHONES: [&str; 5] = [
    "",
    "415 555 0101",
    "+1 415 555 0102",
    "(415) 555-0103",
    "4155550101",
];

fn file_of(rows: &[(usize, usize, usize)]) -> String {
    let mut csv = String::from("first_name,email,phone\n");
    for &(n, e, p) in rows {
        let name = if n == 0 && e == 0 && p == 0 {
            "Cy"
        } else {
            NAMES[n]
        };
        csv.push_str(&format!("{name},{},{}\n", EMAILS[e], PHONES[p]));
    }
    csv
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_batch_size_equals_importing_rows_one_at_a_time(
        rows in proptest::collection::vec((0..3usize, 0..5usize, 0..5usize), 1..12),
        size in 1..5usize,
        mode in 0..3usize,
        clear in any::<bool>(),
        seed_store in any::<bool>(),
    ) {
        let policy = match mode {
            0 => Policy::upsert(),
            1 => Policy::insert_only(),
            _ => Policy::update_only(),
        }
        .clear_empty(clear);
        let importer = contacts().policy(policy);
        let seed = if seed_store {
            "first_name,email,phone\nZed,a@example.com,415 555 0102\n"
        } else {
            "first_name\nZed\n"
        };
        let file = file_of(&rows);
        let mut reference = seeded(seed);
        let expected = import_row_by_row(&importer, &file, &mut reference);
        let mut store = seeded(seed);
        let report = run(&importer.clone().preview(true).batch_size(size), &file, &mut store);
        assert_counts_add_up(&report);
        prop_assert_eq!(same_up_to_duplicate_code(outcomes(&report)), expected, "file:\n{}", file);
        prop_assert_eq!(records(&store), records(&reference), "file:\n{}", file);
    }
}

#[test]
fn stored_values_are_typed_and_normalized() {
    let (_, store) = run_fresh("email,phone,birthday\nANN@example.com,(415) 555-0101,1986-10-25\n");
    let ann = &records(&store)[0];
    assert_eq!(
        ann.get("email"),
        Some(&Value::Email("ann@example.com".into()))
    );
    assert_eq!(ann.get("phone"), Some(&Value::Phone("+14155550101".into())));
    assert!(matches!(ann.get("birthday"), Some(Value::Date(_))));
}
