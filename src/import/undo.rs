//! [`Importer::undo`]: an import's writes undone from the store's
//! journal, customer by customer, except where something else changed a
//! customer since.

use foldhash::{HashMap, HashMapExt};

use super::Importer;
use crate::error::{Error, ErrorKind};
use crate::messages::undo as say;
use crate::read::Cells;
use crate::record::{Record, RecordDigest};
use crate::report::{Problem, ProblemCode, Report, RowFailure, Warning, WarningCode};
use crate::store::{CustomerId, ImportId, Journal, StoreError, Transactional, Write};

/// What an import came to for one customer, however many times it wrote
/// it: its values before the first write and after the last.
struct Net {
    /// The spreadsheet row and line of the first write.
    row: u64,
    line: u64,
    /// `None`: the import created the customer.
    before: Option<Record>,
    written: RecordDigest,
}

/// A customer to give its values back.
struct Restore {
    id: CustomerId,
    net: Net,
    /// Its values before the import: what it gets back.
    before: Record,
    /// Its values now (as the import left them).
    now: Record,
    /// Who it is, for people.
    who: String,
}

/// How an undo ends inside its transaction.
enum Ending {
    /// It changed the store: commit.
    Changed(Report),
    /// It found nothing to change (already undone): no commit needed.
    Unchanged(Report),
}

/// A store failure that ends the undo; nothing of it is kept.
fn undo_failed(e: StoreError) -> Error {
    Error::new(ErrorKind::StoreFailed, say::undo_failed(e.is_temporary())).with_source(e)
}

impl Importer {
    /// Undoes the import `import` in `store`, from the store's
    /// [`Journal`]: deletes the customers it created and gives the
    /// customers it updated their values from before it. A customer
    /// changed since by something else (another import, the app) is left
    /// as it is and listed as a failure with the code `changed_since`;
    /// so is one whose email or phone from before now belongs to another
    /// customer. A customer the import wrote several times is undone
    /// once, to its values from before the first write.
    ///
    /// The undo is all or nothing ([`Transactional`]): the check of each
    /// customer and the writes run in one transaction, so a failure of
    /// the store changes nothing (`Err` with `store_failed`). It is
    /// reported like an import: [`Report::removed`] customers deleted,
    /// [`Report::updated`] restored, [`Report::failed`] left as they are,
    /// with [`Report::undo_of`] naming the import. Undoing an import a
    /// second time changes nothing: its report warns `already_undone`.
    /// An id the store keeps no journal of is the error
    /// `unknown_import`.
    ///
    /// ```
    /// use intake::{presets, Importer, MatchKey, MemoryStore};
    ///
    /// let importer = Importer::new(presets::contacts());
    /// let mut store = MemoryStore::new();
    /// importer.import("email,first_name\nann@example.com,Ann\n".as_bytes(), &mut store)?;
    ///
    /// let csv = "email,first_name\nann@example.com,Anne\nbob@example.com,Bob\n";
    /// let mistake = importer.import(csv.as_bytes(), &mut store)?;
    /// let undo = importer.undo(&mistake.import_id.unwrap(), &mut store)?;
    /// assert_eq!((undo.removed, undo.updated, undo.failed), (1, 1, 0));
    /// assert_eq!(undo.summary(), "Undid the import: 1 customer removed, 1 restored.");
    ///
    /// let ann = store.find(&MatchKey::Email("ann@example.com".into())).unwrap();
    /// assert_eq!(ann.record.text("first_name"), Some("Ann"));
    /// assert_eq!(store.len(), 1);
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn undo<S: Journal + Transactional + ?Sized>(
        &self,
        import: &ImportId,
        store: &mut S,
    ) -> Result<Report, Error> {
        store.begin().map_err(undo_failed)?;
        match self.undo_in_transaction(import, store) {
            Ok(Ending::Changed(report)) => {
                store.commit().map_err(|e| {
                    let _ = store.rollback();
                    undo_failed(e)
                })?;
                Ok(report)
            }
            Ok(Ending::Unchanged(report)) => {
                // Nothing was written: a failure to end the transaction
                // loses nothing.
                let _ = store.rollback();
                Ok(report)
            }
            Err(e) => {
                // Already failing: the store's transaction ends either way.
                let _ = store.rollback();
                Err(e)
            }
        }
    }

    fn undo_in_transaction<S: Journal + ?Sized>(
        &self,
        import: &ImportId,
        store: &mut S,
    ) -> Result<Ending, Error> {
        let journal = store
            .journal_of(import)
            .map_err(undo_failed)?
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownImport,
                    say::unknown_import(import.as_str()),
                )
            })?;
        let mut report = Report::new(Vec::new(), Vec::new(), false);
        report.undo_of = Some(import.clone());
        if journal.undone {
            report.warnings.push(Warning::new(
                WarningCode::AlreadyUndone,
                say::ALREADY_UNDONE,
            ));
            return Ok(Ending::Unchanged(report));
        }

        // The net effect on each customer, in the order first written.
        let mut order: Vec<CustomerId> = Vec::new();
        let mut nets: HashMap<CustomerId, Net> = HashMap::new();
        for entry in journal.entries {
            match nets.get_mut(&entry.customer) {
                Some(net) => net.written = entry.written,
                None => {
                    order.push(entry.customer.clone());
                    nets.insert(
                        entry.customer,
                        Net {
                            row: entry.row,
                            line: entry.line,
                            before: entry.before,
                            written: entry.written,
                        },
                    );
                }
            }
        }
        report.rows = order.len() as u64;
        let current = store.customers_by_id(&order).map_err(undo_failed)?;
        if current.len() != order.len() {
            return Err(undo_failed(StoreError::new(format!(
                "the store answered {} customers for {} ids",
                current.len(),
                order.len()
            ))));
        }

        let mut removals: Vec<(CustomerId, Net, String)> = Vec::new();
        let mut restores: Vec<Restore> = Vec::new();
        for (id, now) in order.into_iter().zip(current) {
            let Some(net) = nets.remove(&id) else {
                continue;
            };
            let shown = now.as_ref().map(|c| &c.record).or(net.before.as_ref());
            let who = say::who(shown.and_then(|r| self.key_of(r)), &id.to_string());
            let Some(now) = now else {
                match net.before {
                    // Created, and deleted since: as the undo would leave it.
                    None => report.unchanged += 1,
                    Some(_) => fail(
                        &mut report,
                        &net,
                        ProblemCode::ChangedSince,
                        say::deleted_since(&who),
                        None,
                    ),
                }
                continue;
            };
            if RecordDigest::of(&now.record) != net.written {
                fail(
                    &mut report,
                    &net,
                    ProblemCode::ChangedSince,
                    say::changed_since(&who),
                    None,
                );
                continue;
            }
            match net.before.clone() {
                None => removals.push((id, net, who)),
                // Rows that changed a customer and changed it back.
                Some(before) if before.eq_as_text(&now.record) => report.unchanged += 1,
                Some(before) => restores.push(Restore {
                    id,
                    net,
                    before,
                    now: now.record,
                    who,
                }),
            }
        }

        // Deletions first: they free the keys the restored customers had.
        if !removals.is_empty() {
            let ids: Vec<CustomerId> = removals.iter().map(|(id, _, _)| id.clone()).collect();
            let results = store.remove(&ids).map_err(undo_failed)?;
            if results.len() != ids.len() {
                return Err(undo_failed(StoreError::new(format!(
                    "the store answered {} results for {} removals",
                    results.len(),
                    ids.len()
                ))));
            }
            for ((_, net, who), result) in removals.into_iter().zip(results) {
                match result {
                    Ok(()) => report.removed += 1,
                    Err(e) if e.is_temporary() => return Err(undo_failed(e)),
                    Err(e) => fail(
                        &mut report,
                        &net,
                        ProblemCode::StoreFailed,
                        say::refused(&who),
                        Some(e),
                    ),
                }
            }
        }

        self.restore(store, restores, &mut report)?;
        store.mark_undone(import).map_err(undo_failed)?;
        report.failures.sort_by_key(|f| f.row);
        Ok(Ending::Changed(report))
    }

    /// Gives customers their values from before the import, in rounds: a
    /// customer may take back a key another one gives back in the same
    /// round (refused as a conflict, then written in the next). Customers
    /// that swapped keys refuse each other every round: they first give
    /// up the keys they change, then take their old ones. A key held by a
    /// customer outside the undo leaves its customer as it is.
    fn restore<S: Journal + ?Sized>(
        &self,
        store: &mut S,
        mut restores: Vec<Restore>,
        report: &mut Report,
    ) -> Result<(), Error> {
        let mut keys_given_up = false;
        while !restores.is_empty() {
            let writes = restores
                .iter()
                .map(|r| (r.id.clone(), r.before.clone()))
                .collect();
            let mut refused = Vec::new();
            let mut wrote = false;
            for (restore, result) in restores.into_iter().zip(update(store, writes)?) {
                match result {
                    Ok(()) => {
                        report.updated += 1;
                        wrote = true;
                    }
                    Err(e) if e.is_conflict() => refused.push((restore, e)),
                    Err(e) if e.is_temporary() => return Err(undo_failed(e)),
                    Err(e) => {
                        let message = say::refused(&restore.who);
                        fail(
                            report,
                            &restore.net,
                            ProblemCode::StoreFailed,
                            message,
                            Some(e),
                        );
                    }
                }
            }
            if wrote {
                restores = refused.into_iter().map(|(restore, _)| restore).collect();
                continue;
            }
            if !keys_given_up && !refused.is_empty() {
                keys_given_up = true;
                let interim = refused
                    .iter()
                    .map(|(r, _)| (r.id.clone(), self.without_changed_keys(&r.now, &r.before)))
                    .collect();
                restores = Vec::new();
                for ((restore, _), result) in refused.into_iter().zip(update(store, interim)?) {
                    match result {
                        Ok(()) => restores.push(restore),
                        Err(e) if e.is_temporary() => return Err(undo_failed(e)),
                        // Not written: the customer is as it was.
                        Err(e) => {
                            let message = say::refused(&restore.who);
                            fail(
                                report,
                                &restore.net,
                                ProblemCode::StoreFailed,
                                message,
                                Some(e),
                            );
                        }
                    }
                }
                continue;
            }
            // Keys held outside the undo. Customers that gave up their
            // keys get them back: left as they are.
            if keys_given_up {
                let back = refused
                    .iter()
                    .map(|(r, _)| (r.id.clone(), r.now.clone()))
                    .collect();
                for result in update(store, back)? {
                    result.map_err(undo_failed)?;
                }
            }
            for (restore, e) in refused {
                let message = say::key_taken(&restore.who);
                fail(
                    report,
                    &restore.net,
                    ProblemCode::ChangedSince,
                    message,
                    Some(e),
                );
            }
            break;
        }
        Ok(())
    }

    /// `written` without the identifiers (emails, phones) whose values
    /// `before` does not have: the keys the customer gives up.
    fn without_changed_keys(&self, written: &Record, before: &Record) -> Record {
        let mut interim = written.clone();
        for field in self.schema.fields().iter().filter(|f| f.is_identifier()) {
            let text = |r: &Record| r.get(field.id()).map(|v| v.to_string());
            if text(written) != text(before) {
                interim.remove(field.id());
            }
        }
        interim
    }

    /// The customer's email or phone, for people: the first identifier of
    /// the schema the record has.
    fn key_of<'r>(&self, record: &'r Record) -> Option<&'r str> {
        self.schema
            .fields()
            .iter()
            .filter(|f| f.is_identifier())
            .find_map(|f| record.text(f.id()))
    }
}

/// Writes `records` over their customers: one result per write, or the
/// undo's failure when the call as a whole failed.
fn update<S: Journal + ?Sized>(
    store: &mut S,
    records: Vec<(CustomerId, Record)>,
) -> Result<Vec<Result<(), StoreError>>, Error> {
    let count = records.len();
    let writes = records
        .into_iter()
        .map(|(id, record)| Write::Update { id, record })
        .collect();
    let results = store.apply(writes).map_err(undo_failed)?;
    if results.len() != count {
        return Err(undo_failed(StoreError::new(format!(
            "the store answered {} results for {count} writes",
            results.len()
        ))));
    }
    Ok(results.into_iter().map(|r| r.map(|_| ())).collect())
}

/// Lists a customer the undo left as it is, with the store's error (for
/// the app) when the store refused to change it.
fn fail(
    report: &mut Report,
    net: &Net,
    code: ProblemCode,
    message: String,
    error: Option<StoreError>,
) {
    let failure = RowFailure::new(
        net.row,
        net.line,
        vec![Problem::new(code, message)],
        None,
        Cells::default(),
    );
    report.failed += 1;
    report.failures.push(match error {
        Some(e) => failure.with_store_error(e),
        None => failure,
    });
}
