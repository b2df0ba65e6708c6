//! How each preset treats countries and states.

use intake::{presets, Context, Importer, MemoryStore, WarningCode};

fn contacts(csv: &str, store: &mut MemoryStore) -> intake::Report {
    Importer::new(presets::contacts())
        .context(Context::new().default_country("US").unwrap())
        .import(csv.as_bytes(), store)
        .expect("file-level success")
}

#[test]
fn contacts_normalizes_a_recognized_state_and_country() {
    let mut store = MemoryStore::new();
    contacts(
        "email,state,country\nann@example.com,new york,U.S.A.\n",
        &mut store,
    );
    let record = store.customers().remove(0).record;
    assert_eq!(record.text("state"), Some("US-NY"));
    assert_eq!(record.text("country"), Some("US"));
}

#[test]
fn contacts_keeps_an_unrecognized_state_with_a_warning() {
    let mut store = MemoryStore::new();
    let report = contacts("email,state\nann@example.com,Atlantis\n", &mut store);
    assert_eq!((report.inserted, report.failed), (1, 0));
    assert_eq!(store.customers()[0].record.text("state"), Some("Atlantis"));
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::Unrecognized)
        .expect("a warning about the state");
    assert!(warning.message.starts_with("Row 2: state: 'Atlantis'"));
}

#[test]
fn contacts_matches_states_within_the_rows_country() {
    let mut store = MemoryStore::new();
    contacts(
        "email,state,country\nann@example.com,Bavaria,Germany\n",
        &mut store,
    );
    assert_eq!(store.customers()[0].record.text("state"), Some("DE-BY"));
}
