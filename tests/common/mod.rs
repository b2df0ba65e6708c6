//! Fixtures shared by the integration tests.
// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

#[cfg(feature = "postgres")]
pub mod postgres;

use std::collections::BTreeMap;

use intake::{
    presets, Action, Context, Customer, CustomerId, Importer, MatchKey, MemoryStore, Policy,
    Record, Report, RowFailure, Store, StoreError, Transactional, Write,
};

/// The contacts preset with a US account context.
pub fn contacts() -> Importer {
    Importer::new(presets::contacts()).context(Context::new().default_country("US").unwrap())
}

/// Imports `csv` with `importer` into `store`; the import must not fail
/// at file level.
pub fn run(importer: &Importer, csv: &str, store: &mut MemoryStore) -> Report {
    match importer.import(csv.as_bytes(), store) {
        Ok(report) => report,
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

/// Imports `csv` all or nothing, panicking on a file-level error.
pub fn run_atomic(importer: &Importer, csv: &str, store: &mut MemoryStore) -> Report {
    match importer.import_atomic(csv.as_bytes(), store) {
        Ok(report) => report,
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

/// Imports `csv` with the contacts preset (US) into a fresh store.
pub fn run_fresh(csv: &str) -> (Report, MemoryStore) {
    let mut store = MemoryStore::new();
    let report = run(&contacts(), csv, &mut store);
    (report, store)
}

/// A store holding the customers of `csv` (contacts, upsert, US).
pub fn seeded(csv: &str) -> MemoryStore {
    let mut store = MemoryStore::new();
    let report = run(&contacts().policy(Policy::upsert()), csv, &mut store);
    assert_eq!(report.failed, 0, "seed rows failed: {:?}", report.failures);
    store
}

/// The problem codes of one failure, in order.
pub fn codes(failure: &RowFailure) -> Vec<&'static str> {
    failure.problems.iter().map(|p| p.code.as_str()).collect()
}

/// The failure of spreadsheet row `row`.
pub fn failure_of(report: &Report, row: u64) -> &RowFailure {
    report
        .failures
        .iter()
        .find(|f| f.row == row)
        .unwrap_or_else(|| panic!("row {row} did not fail: {:?}", report.failures))
}

/// Every customer's values, in id order.
pub fn records(store: &MemoryStore) -> Vec<Record> {
    store.customers().into_iter().map(|c| c.record).collect()
}

/// The customer with this email.
pub fn by_email(store: &MemoryStore, email: &str) -> Option<Customer> {
    store.find(&MatchKey::Email(email.into()))
}

/// The customer with this phone (E.164).
pub fn by_phone(store: &MemoryStore, phone: &str) -> Option<Customer> {
    store.find(&MatchKey::Phone(phone.into()))
}

/// Asserts the report's count invariant.
pub fn assert_counts_add_up(report: &Report) {
    assert_eq!(
        report.rows,
        report.inserted + report.updated + report.unchanged + report.failed,
        "rows != inserted + updated + unchanged + failed in {report:?}"
    );
    assert_eq!(
        report.failed,
        report.failures.len() as u64 + report.failures_not_listed
    );
}

/// What happened to one row, comparable across imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done(Action),
    Failed(Vec<&'static str>),
}

/// Each row's outcome by spreadsheet row; needs a report made with
/// `preview(true)`.
pub fn outcomes(report: &Report) -> BTreeMap<u64, Outcome> {
    let mut out = BTreeMap::new();
    for change in report.changes.as_ref().expect("import with preview(true)") {
        out.insert(change.row, Outcome::Done(change.action));
    }
    for failure in &report.failures {
        let previous = out.insert(failure.row, Outcome::Failed(codes(failure)));
        assert!(
            previous.is_none(),
            "row {} both changed and failed",
            failure.row
        );
    }
    out
}

/// Imports every data row of `csv` as its own one-row file, in order: the
/// reference for sequential semantics. Returns each row's outcome keyed by
/// its spreadsheet row in `csv` (which must have no blank or multi-line
/// rows).
pub fn import_row_by_row(
    importer: &Importer,
    csv: &str,
    store: &mut MemoryStore,
) -> BTreeMap<u64, Outcome> {
    let mut lines = csv.lines();
    let header = lines.next().expect("a header");
    let mut out = BTreeMap::new();
    for (line, row) in lines.zip(2u64..) {
        let file = format!("{header}\n{line}\n");
        let report = run(&importer.clone().preview(true), &file, store);
        let single = outcomes(&report);
        assert_eq!(single.len(), 1, "one row per file: {file:?}");
        out.insert(row, single.into_values().next().unwrap());
    }
    out
}

/// A store wrapper that counts calls and can be told to fail.
pub struct ScriptedStore {
    pub inner: MemoryStore,
    pub lookups: usize,
    pub applies: usize,
    /// Keys passed to each lookup call.
    pub looked_up: Vec<Vec<MatchKey>>,
    /// Number of writes passed to each apply call.
    pub applied: Vec<usize>,
    /// Writes whose record has this email fail on their own.
    pub refuse_email: Option<String>,
    /// The apply call (1-based) that fails as a whole.
    pub fail_apply_call: Option<usize>,
}

impl ScriptedStore {
    pub fn new(inner: MemoryStore) -> ScriptedStore {
        ScriptedStore {
            inner,
            lookups: 0,
            applies: 0,
            looked_up: Vec::new(),
            applied: Vec::new(),
            refuse_email: None,
            fail_apply_call: None,
        }
    }
}

/// Applies `writes` to `inner` one at a time, so that single writes can
/// fail: each write `refuse` picks fails on its own ("disk quota
/// exceeded"), the others are written.
pub fn apply_refusing(
    inner: &mut impl Store,
    writes: Vec<Write>,
    mut refuse: impl FnMut(&Write) -> bool,
) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
    let mut results = Vec::with_capacity(writes.len());
    for write in writes {
        if refuse(&write) {
            results.push(Err(StoreError::new("disk quota exceeded")));
            continue;
        }
        let mut one = inner.apply(vec![write])?;
        results.push(
            one.pop()
                .unwrap_or_else(|| Err(StoreError::new("the store gave no result"))),
        );
    }
    Ok(results)
}

fn record_of(write: &Write) -> Option<&Record> {
    match write {
        Write::Insert(record) => Some(record),
        Write::Update { record, .. } => Some(record),
        _ => None,
    }
}

impl Store for ScriptedStore {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.lookups += 1;
        self.looked_up.push(keys.to_vec());
        self.inner.lookup(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.applies += 1;
        self.applied.push(writes.len());
        if self.fail_apply_call == Some(self.applies) {
            return Err(StoreError::new("connection reset"));
        }
        let refuse_email = self.refuse_email.as_deref();
        apply_refusing(&mut self.inner, writes, |write| {
            match (refuse_email, record_of(write)) {
                (Some(bad), Some(record)) => record.text("email") == Some(bad),
                _ => false,
            }
        })
    }
}

impl Transactional for ScriptedStore {
    fn begin(&mut self) -> Result<(), StoreError> {
        self.inner.begin()
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.inner.commit()
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.inner.rollback()
    }
}

/// The field id each column of `header` feeds under the contacts preset.
///
/// A header with no name, email or phone column is refused
/// (`missing_columns`), so a column named for one of those fields that no
/// column of `header` means is added at the end: it competes with no
/// column, and is left out of the answer.
pub fn contacts_fields(header: &[&str]) -> Vec<Option<String>> {
    let schema = intake::presets::contacts();
    let named: Vec<&str> = header
        .iter()
        .filter_map(|h| schema.field_for_header(h))
        .map(|f| f.id())
        .collect();
    let free = ["first_name", "last_name", "email", "phone"]
        .into_iter()
        .find(|id| !named.contains(id));
    let file: Vec<&str> = header.iter().copied().chain(free).collect();
    let mut fields = mapped(&schema, &file);
    fields.truncate(header.len());
    fields
}

/// The field id each column of `header` feeds under `schema`; the header
/// must map.
pub fn mapped<S: AsRef<str>>(schema: &intake::Schema, header: &[S]) -> Vec<Option<String>> {
    let map = schema
        .map_header(header)
        .unwrap_or_else(|e| panic!("{}: {}", e.code(), e.message()));
    (0..header.len())
        .map(|col| {
            map.field_of(col)
                .map(|f| schema.fields()[f].id().to_string())
        })
        .collect()
}

/// The kind of id an [`OtherIds`] store hands out.
#[derive(Debug, Clone, Copy)]
pub enum IdKind {
    Uuid,
    Text,
}

/// A [`MemoryStore`] whose customers have UUID or text ids, as an app's
/// table might: customer `n` of the memory store is
/// `00000000-0000-4000-8000-{n:012x}` or `cus_{n}`.
pub struct OtherIds {
    pub inner: MemoryStore,
    kind: IdKind,
}

impl OtherIds {
    pub fn new(kind: IdKind) -> OtherIds {
        OtherIds {
            inner: MemoryStore::new(),
            kind,
        }
    }

    fn outer(&self, id: CustomerId) -> CustomerId {
        let n = id.as_int().expect("the memory store's ids are integers");
        match self.kind {
            IdKind::Uuid => CustomerId::from(uuid::Uuid::from_u128(
                0x0000_0000_0000_4000_8000_0000_0000_0000 | n as u128,
            )),
            IdKind::Text => CustomerId::from(format!("cus_{n}")),
        }
    }

    /// The memory store's id of `id`; an id of the wrong kind or shape is
    /// nobody's (0).
    fn inner_id(&self, id: &CustomerId) -> CustomerId {
        let n = match self.kind {
            IdKind::Uuid => id
                .as_uuid()
                .map(|u| (u.as_u128() & 0xffff_ffff_ffff) as i64),
            IdKind::Text => id
                .as_text()
                .and_then(|t| t.strip_prefix("cus_"))
                .and_then(|n| n.parse().ok()),
        };
        CustomerId::from(n.unwrap_or(0))
    }
}

impl Store for OtherIds {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        Ok(self
            .inner
            .lookup(keys)?
            .into_iter()
            .map(|found| {
                found.map(|c| Customer {
                    id: self.outer(c.id),
                    record: c.record,
                })
            })
            .collect())
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let writes = writes
            .into_iter()
            .map(|w| match w {
                Write::Update { id, record } => Write::Update {
                    id: self.inner_id(&id),
                    record,
                },
                other => other,
            })
            .collect();
        Ok(self
            .inner
            .apply(writes)?
            .into_iter()
            .map(|r| r.map(|id| self.outer(id)))
            .collect())
    }
}

impl Transactional for OtherIds {
    fn begin(&mut self) -> Result<(), StoreError> {
        self.inner.begin()
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.inner.commit()
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.inner.rollback()
    }
}
