//! Per-field update rules: overwrite, fill only an empty value, never
//! update; and the presets' choices.

use intake::{
    presets, Argon2Hasher, Context, Field, Importer, MemoryStore, Policy, Record, Report, Schema,
    Store, UpdateRule, Value, Write,
};

/// Contacts, with a field of each rule.
fn schema() -> Schema {
    presets::contacts()
        .with_update_rule("company", UpdateRule::FillEmpty)
        .unwrap()
        .with_fields([
            Field::text("member_since").update_rule(UpdateRule::Never),
            Field::text("tier").update_rule(UpdateRule::Overwrite),
        ])
        .unwrap()
}

fn import(schema: &Schema, policy: Policy, csv: &str, store: &mut MemoryStore) -> Report {
    Importer::new(schema.clone())
        .policy(policy)
        .import(csv.as_bytes(), store)
        .expect("the file is imported")
}

fn ann(store: &MemoryStore) -> Record {
    store
        .customers()
        .into_iter()
        .find(|c| c.record.text("email") == Some("ann@example.com"))
        .expect("Ann is stored")
        .record
}

fn seeded(csv: &str) -> MemoryStore {
    let mut store = MemoryStore::new();
    let report = import(&schema(), Policy::upsert(), csv, &mut store);
    assert_eq!((report.inserted, report.failed), (1, 0), "{report:?}");
    store
}

#[test]
fn fill_empty_fills_an_empty_stored_value() {
    let mut store = seeded("email,company\nann@example.com,\n");
    assert_eq!(ann(&store).text("company"), None);
    let report = import(
        &schema(),
        Policy::upsert(),
        "email,company\nann@example.com,Acme\n",
        &mut store,
    );
    assert_eq!(report.updated, 1);
    assert_eq!(ann(&store).text("company"), Some("Acme"));
}

#[test]
fn fill_empty_fills_a_stored_value_of_empty_text() {
    let mut store = MemoryStore::new();
    let mut record = Record::new();
    record.insert("email", Value::Email("ann@example.com".into()));
    record.insert("company", Value::Text("  ".into()));
    store.apply(vec![Write::Insert(record)]).unwrap();
    let report = import(
        &schema(),
        Policy::upsert(),
        "email,company\nann@example.com,Acme\n",
        &mut store,
    );
    assert_eq!(report.updated, 1);
    assert_eq!(ann(&store).text("company"), Some("Acme"));
}

#[test]
fn fill_empty_keeps_a_non_empty_stored_value() {
    let mut store = seeded("email,company,tier\nann@example.com,Acme,gold\n");
    let report = import(
        &schema(),
        Policy::upsert(),
        "email,company,tier\nann@example.com,Globex,silver\n",
        &mut store,
    );
    assert_eq!(report.updated, 1);
    let ann = ann(&store);
    assert_eq!(ann.text("company"), Some("Acme"));
    assert_eq!(ann.text("tier"), Some("silver"), "overwrite, as before");
}

#[test]
fn fill_empty_is_not_erased_by_an_empty_cell_even_when_the_policy_clears() {
    let mut store = seeded("email,company,tier\nann@example.com,Acme,gold\n");
    let report = import(
        &schema(),
        Policy::upsert().clear_empty(true),
        "email,company,tier\nann@example.com,,\n",
        &mut store,
    );
    assert_eq!(report.updated, 1);
    let ann = ann(&store);
    assert_eq!(ann.text("company"), Some("Acme"));
    assert_eq!(ann.text("tier"), None, "an overwriting field is cleared");
}

#[test]
fn never_keeps_the_stored_value_on_update() {
    let mut store = seeded("email,member_since\nann@example.com,2018\n");
    let report = import(
        &schema(),
        Policy::update_only(),
        "email,member_since,first_name\nann@example.com,2024,Ann\n",
        &mut store,
    );
    assert_eq!(report.updated, 1);
    let ann = ann(&store);
    assert_eq!(ann.text("member_since"), Some("2018"));
    assert_eq!(ann.text("first_name"), Some("Ann"));
}

#[test]
fn never_writes_nothing_on_update_even_when_the_stored_value_is_empty() {
    let mut store = seeded("email,member_since\nann@example.com,\n");
    import(
        &schema(),
        Policy::upsert(),
        "email,member_since,first_name\nann@example.com,2024,Ann\n",
        &mut store,
    );
    assert_eq!(ann(&store).text("member_since"), None);
}

#[test]
fn never_writes_the_value_on_insert() {
    let mut store = MemoryStore::new();
    let report = import(
        &schema(),
        Policy::upsert(),
        "email,member_since,company\nann@example.com,2018,Acme\n",
        &mut store,
    );
    assert_eq!(report.inserted, 1);
    let ann = ann(&store);
    assert_eq!(ann.text("member_since"), Some("2018"));
    assert_eq!(ann.text("company"), Some("Acme"));
}

#[test]
fn a_row_differing_only_in_values_the_rules_keep_leaves_the_customer_unchanged() {
    let mut store = seeded("email,company,member_since\nann@example.com,Acme,2018\n");
    let before = ann(&store);
    let report = import(
        &schema(),
        Policy::upsert(),
        "email,company,member_since\nann@example.com,Globex,2024\n",
        &mut store,
    );
    assert_eq!((report.updated, report.unchanged), (0, 1), "{report:?}");
    assert_eq!(ann(&store), before);
}

#[test]
fn the_same_row_again_stays_unchanged_under_every_rule() {
    let csv = "email,company,member_since,tier\nann@example.com,Acme,2018,gold\n";
    let mut store = seeded(csv);
    let report = import(&schema(), Policy::upsert(), csv, &mut store);
    assert_eq!((report.updated, report.unchanged), (0, 1));
}

#[test]
fn the_contacts_preset_overwrites_every_field() {
    let schema = presets::contacts();
    assert!(schema
        .fields()
        .iter()
        .all(|f| f.get_update_rule() == UpdateRule::Overwrite));
    let mut store = MemoryStore::new();
    import(
        &schema,
        Policy::upsert(),
        "email,company,birthday\nann@example.com,Acme,1986-10-25\n",
        &mut store,
    );
    import(
        &schema,
        Policy::upsert(),
        "email,company,birthday\nann@example.com,Globex,1986-10-26\n",
        &mut store,
    );
    let ann = ann(&store);
    assert_eq!(ann.text("company"), Some("Globex"));
    assert_eq!(
        ann.get("birthday").map(|v| v.to_string()).as_deref(),
        Some("1986-10-26")
    );
}

#[test]
fn the_field_service_preset_never_updates_the_date_joined_and_keeps_a_password_once_set() {
    let schema = presets::field_service();
    let rule = |id: &str| schema.field(id).map(|f| f.get_update_rule());
    assert_eq!(rule("date_joined"), Some(UpdateRule::Never));
    assert_eq!(rule("password"), Some(UpdateRule::FillEmpty));
    let others = schema
        .fields()
        .iter()
        .filter(|f| !matches!(f.id(), "date_joined" | "password"));
    assert!(others
        .into_iter()
        .all(|f| f.get_update_rule() == UpdateRule::Overwrite));

    let importer = Importer::new(schema)
        .password_hasher(Argon2Hasher::with_cost(64, 1, 1).unwrap())
        .context(Context::new().default_country("US").unwrap())
        .policy(Policy::upsert());
    let header = "first_name,last_name,email,city,password,date_joined";
    let mut store = MemoryStore::new();
    // Created without a password.
    let csv = format!("{header}\nAnn,Lee,ann@example.com,Austin,,2018/05/12\n");
    let report = importer.import(csv.as_bytes(), &mut store).unwrap();
    assert_eq!(report.inserted, 1);
    assert!(ann(&store).get("password").is_none());

    // A password fills the gap; the date joined stays.
    let csv = format!("{header}\nAnn,Lee,ann@example.com,Dallas,first-secret,2020/01/01\n");
    let report = importer.import(csv.as_bytes(), &mut store).unwrap();
    assert_eq!(report.updated, 1);
    let after = ann(&store);
    let hash = after.get("password").cloned();
    assert!(matches!(hash, Some(Value::PasswordHash(_))));
    assert_eq!(after.text("city"), Some("Dallas"));
    assert_eq!(
        after.get("date_joined").map(|v| v.to_string()).as_deref(),
        Some("2018-05-12")
    );

    // Another password in a later file does not replace it.
    let csv = format!("{header}\nAnn,Lee,ann@example.com,Dallas,other-secret,2020/01/01\n");
    let report = importer.import(csv.as_bytes(), &mut store).unwrap();
    assert_eq!((report.updated, report.unchanged), (0, 1));
    assert_eq!(ann(&store).get("password").cloned(), hash);
}
