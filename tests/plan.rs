//! Plans: a dry run that writes its decisions, and the commit that writes
//! exactly them, or nothing.

mod common;

use common::{by_email, contacts, records, run, seeded};
use intake::{presets, ErrorKind, Importer, MemoryStore, Policy, Report};
use proptest::prelude::*;

/// The plan of `csv` against `store`, and the dry run's report.
fn plan(importer: &Importer, csv: &str, store: &mut MemoryStore) -> (Vec<u8>, Report) {
    let mut plan = Vec::new();
    let report = importer
        .plan(csv.as_bytes(), store, &mut plan)
        .unwrap_or_else(|e| panic!("plan failed: {} {}", e.code(), e.message()));
    (plan, report)
}

/// The plan's lines as JSON values.
fn lines(plan: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(plan)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

const SEED: &str = "email,first_name,city\nann@example.com,Ann,Oslo\nbob@example.com,Bob,Rome\n";
const FILE: &str = "email,first_name,city\nann@example.com,Anne,Oslo\nbob@example.com,Bob,Rome\ncat@example.com,Cat,Lima\nnot-an-email,Dan,Kyiv\ncat@example.com,Cathy,\n";

#[test]
fn committing_a_plan_gives_the_same_store_and_counts_as_importing_the_file() {
    let mut imported = seeded(SEED);
    let direct = run(&contacts(), FILE, &mut imported);

    let mut store = seeded(SEED);
    let (plan, preview) = plan(&contacts(), FILE, &mut store);
    assert_eq!(
        records(&store),
        records(&seeded(SEED)),
        "a plan writes nothing"
    );
    let committed = contacts().commit_plan(plan.as_slice(), &mut store).unwrap();

    assert_eq!(records(&store), records(&imported));
    let counts = |r: &Report| (r.rows, r.inserted, r.updated, r.unchanged, r.failed);
    assert_eq!(counts(&committed), counts(&direct));
    assert_eq!(counts(&committed), counts(&preview));
    assert_eq!(counts(&committed), (5, 1, 2, 1, 1));
}

#[test]
fn plan_update_line_names_the_customer_and_each_changed_field_before_and_after() {
    let mut store = seeded(SEED);
    let ann = by_email(&store, "ann@example.com").unwrap();
    let (plan, _) = plan(&contacts(), FILE, &mut store);
    let lines = lines(&plan);
    let update = lines
        .iter()
        .find_map(|l| l.get("update").filter(|u| u["row"] == 2))
        .expect("row 2 is an update");
    assert_eq!(update["customer"], ann.id.to_string());
    assert_eq!(
        update["changes"],
        serde_json::json!([{"field": "first_name", "before": "Ann", "after": "text:Anne"}])
    );
}

#[test]
fn plan_is_written_out_as_rows_are_decided_not_at_the_end() {
    /// Remembers how long the plan was at each write.
    struct Sizes(Vec<usize>, usize);
    impl std::io::Write for Sizes {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.1 += bytes.len();
            self.0.push(self.1);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut csv = String::from("email\n");
    for i in 0..5000 {
        csv.push_str(&format!("user{i}@example.com\n"));
    }
    let mut sizes = Sizes(Vec::new(), 0);
    contacts()
        .batch_size(500)
        .plan(csv.as_bytes(), &mut MemoryStore::new(), &mut sizes)
        .unwrap();
    assert!(sizes.0.len() >= 10, "written in {} pieces", sizes.0.len());
    let largest_piece = sizes.0.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    assert!(
        largest_piece < sizes.1 / 5,
        "{largest_piece} of {} bytes at once",
        sizes.1
    );
}

#[test]
fn commit_is_refused_as_plan_outdated_when_an_updated_customer_changed_since() {
    let mut store = seeded(SEED);
    let (plan, _) = plan(&contacts(), FILE, &mut store);
    run(
        &contacts(),
        "email,city\nann@example.com,Bergen\n",
        &mut store,
    );
    let before = records(&store);

    let err = contacts()
        .commit_plan(plan.as_slice(), &mut store)
        .unwrap_err();

    assert_eq!(err.code(), "plan_outdated");
    assert!(matches!(err.kind(), ErrorKind::PlanOutdated { rows } if rows == &[2]));
    assert!(err.message().contains("row 2"), "{}", err.message());
    assert_eq!(records(&store), before, "nothing written");
}

#[test]
fn commit_is_refused_when_a_key_it_inserts_was_taken_meanwhile() {
    let mut store = seeded(SEED);
    let (plan, _) = plan(&contacts(), FILE, &mut store);
    run(&contacts(), "email\ncat@example.com\n", &mut store);
    let before = records(&store);

    let err = contacts()
        .commit_plan(plan.as_slice(), &mut store)
        .unwrap_err();

    assert!(matches!(err.kind(), ErrorKind::PlanOutdated { rows } if rows == &[4]));
    assert_eq!(records(&store), before);
}

#[test]
fn a_refusal_found_in_a_later_batch_undoes_the_batches_written_before() {
    let mut store = seeded(SEED);
    let file = "email\nx1@example.com\nx2@example.com\nx3@example.com\ncat@example.com\n";
    let importer = contacts().batch_size(2);
    let (plan, _) = plan(&importer, file, &mut store);
    run(&contacts(), "email\ncat@example.com\n", &mut store);
    let before = records(&store);

    let err = importer
        .commit_plan(plan.as_slice(), &mut store)
        .unwrap_err();

    assert_eq!(err.code(), "plan_outdated");
    assert_eq!(records(&store), before);
}

#[test]
fn commit_keeps_the_previews_failed_rows_for_the_failed_rows_file() {
    let mut store = seeded(SEED);
    let (plan, _) = plan(&contacts(), FILE, &mut store);
    let report = contacts().commit_plan(plan.as_slice(), &mut store).unwrap();
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].row, 5);
    assert_eq!(
        report.failures[0].problems[0].code.as_str(),
        "invalid_email"
    );
    let mut file = Vec::new();
    report.write_failed_rows(&mut file).unwrap();
    assert!(String::from_utf8_lossy(&file).contains("not-an-email,Dan,Kyiv"));
}

#[test]
fn committed_report_carries_an_import_id() {
    let mut store = seeded(SEED);
    let (plan, preview) = plan(&contacts(), FILE, &mut store);
    assert!(preview.import_id.is_none(), "a dry run writes nothing");
    let report = contacts().commit_plan(plan.as_slice(), &mut store).unwrap();
    assert!(report.import_id.is_some());
}

#[test]
fn an_edited_plan_is_refused_and_writes_nothing() {
    let mut store = seeded(SEED);
    let (plan, _) = plan(&contacts(), FILE, &mut store);
    let edited = String::from_utf8(plan).unwrap().replace("Cathy", "Mallory");
    let err = contacts()
        .commit_plan(edited.as_bytes(), &mut store)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_plan");
    assert!(err.message().contains("changed"), "{}", err.message());
    assert_eq!(records(&store), records(&seeded(SEED)));
}

#[test]
fn a_truncated_plan_is_refused_and_writes_nothing() {
    let mut store = seeded(SEED);
    let (plan, _) = plan(&contacts(), FILE, &mut store);
    for cut in [plan.len() - 1, plan.len() / 2, 10] {
        let err = contacts()
            .commit_plan(&plan[..cut], &mut store)
            .unwrap_err();
        assert_eq!(err.code(), "invalid_plan", "cut at {cut}");
        assert_eq!(records(&store), records(&seeded(SEED)), "cut at {cut}");
    }
}

#[test]
fn a_plan_without_its_last_line_is_refused() {
    let mut store = seeded(SEED);
    let (plan, _) = plan(&contacts(), FILE, &mut store);
    let text = String::from_utf8(plan).unwrap();
    let without_end: String = text
        .lines()
        .take(text.lines().count() - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    let err = contacts()
        .commit_plan(without_end.as_bytes(), &mut store)
        .unwrap_err();
    assert!(err.message().contains("incomplete"), "{}", err.message());
}

#[test]
fn a_plan_made_for_another_schema_is_refused() {
    let mut store = MemoryStore::new();
    let (plan, _) = plan(&contacts(), "email\nann@example.com\n", &mut store);
    let other = Importer::new(presets::field_service());
    let err = other.commit_plan(plan.as_slice(), &mut store).unwrap_err();
    assert_eq!(err.code(), "invalid_plan");
    assert!(err.message().contains("other fields"), "{}", err.message());
    assert!(store.is_empty());
}

#[test]
fn bytes_that_are_no_plan_are_refused() {
    let mut store = MemoryStore::new();
    for bytes in [
        &b""[..],
        b"email\nann@example.com\n",
        b"{\"head\":1}\n",
        &[0xff; 64],
    ] {
        let err = contacts().commit_plan(bytes, &mut store).unwrap_err();
        assert_eq!(err.code(), "invalid_plan", "{bytes:?}");
    }
    assert!(store.is_empty());
}

#[test]
fn a_plan_never_holds_a_plain_password() {
    let importer = Importer::new(presets::field_service());
    let csv =
        "email,first_name,last_name,city,password\nann@example.com,Ann,Lee,Oslo,Secret-Horse-42\n";
    let mut store = MemoryStore::new();
    let mut plan = Vec::new();
    let report = importer
        .plan(csv.as_bytes(), &mut store, &mut plan)
        .unwrap();
    assert_eq!(report.failed, 0, "{:?}", report.failures);
    let text = String::from_utf8(plan.clone()).unwrap();
    assert!(!text.contains("Secret-Horse-42"));
    assert!(text.contains("password_hash:$argon2id$"));
    importer.commit_plan(plan.as_slice(), &mut store).unwrap();
    let stored = by_email(&store, "ann@example.com").unwrap();
    assert!(stored
        .record
        .text("password")
        .is_some_and(|h| h.starts_with("$argon2id$")));
}

#[test]
fn insert_only_plan_commits_its_inserts() {
    let importer = contacts().policy(Policy::insert_only());
    let mut store = seeded(SEED);
    let (plan, preview) = plan(&importer, FILE, &mut store);
    let report = importer.commit_plan(plan.as_slice(), &mut store).unwrap();
    assert_eq!(report.inserted, preview.inserted);
    assert!(by_email(&store, "cat@example.com").is_some());
}

/// A small pool of values, so that generated rows repeat, update and
/// collide with the store's customers and each other.
fn row() -> impl Strategy<Value = String> {
    let email = prop::sample::select(vec![
        "", "a@x.test", "b@x.test", "c@x.test", "d@x.test", "bad",
    ]);
    let phone = prop::sample::select(vec!["", "415 555 0101", "415 555 0102", "415 555 0103"]);
    let name = prop::sample::select(vec!["", "Ann", "Bob", "Cy"]);
    (email, phone, name).prop_map(|(e, p, n)| format!("{e},{p},{n}\n"))
}

fn file() -> impl Strategy<Value = String> {
    prop::collection::vec(row(), 0..24)
        .prop_map(|rows| format!("email,phone,first_name\n{}", rows.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn committing_the_plan_of_a_file_equals_importing_it(
        seed in file(),
        upload in file(),
        batch in 1usize..6,
        insert_only in any::<bool>(),
    ) {
        let policy = if insert_only { Policy::insert_only() } else { Policy::upsert() };
        let importer = contacts().policy(policy).batch_size(batch);
        let mut imported = MemoryStore::new();
        run(&contacts(), &seed, &mut imported);
        let mut planned = imported.clone();
        let direct = run(&importer, &upload, &mut imported);

        let (plan, _) = plan(&importer, &upload, &mut planned);
        let committed = importer.commit_plan(plan.as_slice(), &mut planned).unwrap();

        prop_assert_eq!(records(&planned), records(&imported));
        let counts = |r: &Report| (r.rows, r.inserted, r.updated, r.unchanged, r.failed);
        prop_assert_eq!(counts(&committed), counts(&direct));
    }

    #[test]
    fn a_plan_whose_customers_change_before_the_commit_is_refused(
        seed in file(),
        upload in file(),
        meanwhile in "[A-Z][a-z]{3,8}",
    ) {
        let mut store = MemoryStore::new();
        run(&contacts(), &seed, &mut store);
        let (plan, _) = plan(&contacts(), &upload, &mut store);
        let updates_stored = lines(&plan)
            .iter()
            .any(|l| l.get("update").is_some_and(|u| u.get("customer").is_some()));
        prop_assume!(updates_stored);
        // Every stored customer is changed by someone else.
        let everyone: String = store
            .customers()
            .iter()
            .map(|c| {
                let email = c.record.text("email").unwrap_or_default();
                let phone = if email.is_empty() { c.record.text("phone").unwrap_or_default() } else { "" };
                format!("{email},{phone},{meanwhile}-x\n")
            })
            .collect();
        run(&contacts(), &format!("email,phone,last_name\n{everyone}"), &mut store);
        let before = records(&store);

        let err = contacts().commit_plan(plan.as_slice(), &mut store).unwrap_err();

        prop_assert_eq!(err.code(), "plan_outdated");
        prop_assert_eq!(records(&store), before);
    }
}

#[test]
fn a_plan_saved_by_this_version_commits_into_the_store_it_was_made_against() {
    // The seed of the fuzz target `plan`: it must stay a valid plan.
    let seed = std::fs::read_to_string("tests/data/plans/seed.csv").unwrap();
    let plan = std::fs::read("tests/data/plans/upsert.jsonl").unwrap();
    let mut store = seeded(&seed);
    let report = contacts().commit_plan(plan.as_slice(), &mut store).unwrap();
    assert_eq!((report.inserted, report.updated, report.failed), (1, 2, 1));
    assert_eq!(
        by_email(&store, "cat@example.com")
            .unwrap()
            .record
            .text("phone"),
        Some("+14155550199")
    );
}

#[test]
fn commit_lists_the_first_failures_and_keeps_every_one_for_the_failed_rows_file() {
    let file = "email\nbad1\nbad2\nbad3\nok@example.com\n";
    let mut store = MemoryStore::new();
    let (plan, _) = plan(&contacts(), file, &mut store);
    let report = contacts()
        .list_first(1)
        .commit_plan(plan.as_slice(), &mut store)
        .unwrap();
    assert_eq!((report.failed, report.failures.len()), (3, 1));
    assert_eq!(report.failures_not_listed, 2);
    let mut out = Vec::new();
    report.write_failed_rows(&mut out).unwrap();
    assert_eq!(String::from_utf8_lossy(&out).lines().count(), 4);
}

#[test]
fn a_committed_plan_can_be_undone() {
    let mut store = seeded(SEED);
    let (plan, _) = plan(&contacts(), FILE, &mut store);
    let committed = contacts().commit_plan(plan.as_slice(), &mut store).unwrap();
    let undone = contacts()
        .undo(&committed.import_id.unwrap(), &mut store)
        .unwrap();
    assert_eq!((undone.removed, undone.updated), (1, 1));
    assert_eq!(records(&store), records(&seeded(SEED)));
}
