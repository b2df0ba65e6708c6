//! `SqliteStore`'s [`Journal`]: each import's writes in two tables of the
//! same file, written in the same SQLite transaction as the writes.
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS intake_imports (
//!     import INTEGER PRIMARY KEY,     -- the import's number in this file
//!     import_id TEXT NOT NULL,        -- the ImportId
//!     customers_table TEXT NOT NULL,  -- the table it wrote
//!     started_at INTEGER NOT NULL,    -- its first write, ms since the Unix epoch
//!     undone_at INTEGER,              -- when it was undone, if it was
//!     UNIQUE (import_id, customers_table)
//! );
//! CREATE TABLE IF NOT EXISTS intake_journal (
//!     seq INTEGER PRIMARY KEY,        -- the order of the calls
//!     import INTEGER NOT NULL,        -- intake_imports.import
//!     entries TEXT NOT NULL           -- the call's writes, in order (JSON)
//! );
//! CREATE INDEX IF NOT EXISTS intake_journal_import ON intake_journal (import);
//! ```
//!
//! A journal row holds one call's writes (a batch of the import): a JSON
//! array of `[row, line, customer, before, written]`, with the customer's
//! values before an update (which the undo gives back) and only a digest
//! of what was written (which the table holds). One row a call, not one a
//! write: the journal costs the batch one insert.

use super::*;
use crate::store::journal::{
    check_journal_len, read_page, tails_beside, unix_millis, ImportJournal,
};
use crate::store::{ImportId, Journal, JournalWrite};

/// The journal's tables, created with the first journaled write.
const JOURNAL_TABLES: &str = "
CREATE TABLE IF NOT EXISTS intake_imports (
    import INTEGER PRIMARY KEY,
    import_id TEXT NOT NULL,
    customers_table TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    undone_at INTEGER,
    UNIQUE (import_id, customers_table)
);
CREATE TABLE IF NOT EXISTS intake_journal (
    seq INTEGER PRIMARY KEY,
    import INTEGER NOT NULL,
    entries TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS intake_journal_import ON intake_journal (import);
";

/// A database error of the journal.
fn journal_error(e: rusqlite::Error) -> StoreError {
    db_error(e, "the import journal failed")
}

impl SqliteStore {
    /// Whether the store keeps a [`Journal`] of each import's writes, in
    /// the tables `intake_imports` and `intake_journal` of the same file,
    /// so that imports can be undone (default: yes). Off, imports write
    /// no journal and [`Store::journal`] answers `None`; journals already
    /// kept can still be undone and pruned.
    ///
    /// ```
    /// use intake::{SqliteStore, Store};
    ///
    /// let mut store = SqliteStore::in_memory()?.keep_journal(false);
    /// assert!(store.journal().is_none());
    /// # Ok::<(), intake::StoreError>(())
    /// ```
    pub fn keep_journal(mut self, keep: bool) -> SqliteStore {
        self.keep_journal = keep;
        self
    }

    /// Runs `work` as one batch: in a savepoint of an open all-or-nothing
    /// transaction, else in a transaction of its own that takes the write
    /// lock up front. A failure undoes all of it.
    fn in_batch<T>(
        &mut self,
        work: impl FnOnce(&SqliteStore) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.check_transaction()?;
        let (start, end) = if self.in_transaction {
            ("SAVEPOINT intake_batch", "RELEASE intake_batch")
        } else {
            ("BEGIN IMMEDIATE", "COMMIT")
        };
        self.control(start)
            .map_err(|e| db_error(e, "the customer database could not start writing"))?;
        let done = match work(self) {
            Ok(done) => done,
            Err(e) => {
                self.abandon_batch();
                return Err(e);
            }
        };
        if let Err(e) = self.control(end) {
            self.abandon_batch();
            return Err(db_error(
                e,
                "the customer database could not save the batch",
            ));
        }
        Ok(done)
    }

    /// Whether the file has the journal's tables (none until an import
    /// wrote through the journal).
    fn has_journal(&self) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'intake_imports'",
            )
            .and_then(|mut s| s.exists([]))
            .map_err(journal_error)
    }

    /// The journal's page of a call's writes that succeeded (`None`: none
    /// did).
    fn record_writes(&self, import: &ImportId, page: Option<String>) -> Result<(), StoreError> {
        let Some(page) = page else {
            return Ok(());
        };
        let table = self.mapping.get_table();
        self.conn
            .prepare_cached(
                "INSERT INTO intake_imports (import_id, customers_table, started_at) \
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    import.as_str(),
                    table,
                    unix_millis(SystemTime::now())
                ])
            })
            .map_err(journal_error)?;
        let number = self
            .import_number(import)?
            .ok_or_else(|| StoreError::new("the import journal lost the import it just began"))?;
        self.conn
            .prepare_cached("INSERT INTO intake_journal (import, entries) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(rusqlite::params![number, page]))
            .map_err(journal_error)?;
        Ok(())
    }

    /// The number of `import` (of this store's table) in this file;
    /// `None` when the file keeps no journal of it.
    fn import_number(&self, import: &ImportId) -> Result<Option<i64>, StoreError> {
        Ok(self.import_row(import)?.map(|(number, _)| number))
    }

    /// The number of `import` and when it was undone (if it was).
    fn import_row(&self, import: &ImportId) -> Result<Option<(i64, Option<i64>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT import, undone_at FROM intake_imports \
                 WHERE import_id = ?1 AND customers_table = ?2",
            )
            .map_err(journal_error)?;
        let mut rows = stmt
            .query(rusqlite::params![import.as_str(), self.mapping.get_table()])
            .map_err(journal_error)?;
        match rows.next().map_err(journal_error)? {
            Some(row) => Ok(Some((
                row.get(0).map_err(journal_error)?,
                row.get(1).map_err(journal_error)?,
            ))),
            None => Ok(None),
        }
    }

    /// Deletes one customer: why it could not be, for this customer
    /// alone or for the whole call.
    fn delete(&self, id: &CustomerId) -> Result<(), WriteFailure> {
        let missing =
            || WriteFailure::Row(StoreError::new(format!("customer {id} does not exist")));
        let Some(param) = self.id_param(id) else {
            return Err(missing());
        };
        let (id_column, _) = self.mapping.get_id_column();
        let sql = format!(
            "DELETE FROM {} WHERE {} = ?1",
            quoted(self.mapping.get_table()),
            quoted(id_column)
        );
        let deleted = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute([&param]));
        match deleted {
            Ok(0) => Err(missing()),
            Ok(_) => Ok(()),
            // A foreign key of the app's (orders of the customer, say).
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                Err(WriteFailure::Row(
                    StoreError::new(format!(
                        "the customer database refused to delete customer {id}: {e}"
                    ))
                    .with_source(e),
                ))
            }
            Err(e) => Err(batch_error(e)),
        }
    }
}

impl Journal for SqliteStore {
    fn apply_journaled(
        &mut self,
        import: &ImportId,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        check_journal_len(&writes, journal)?;
        if writes.is_empty() {
            return Ok(Vec::new());
        }
        self.in_batch(|store| {
            // Created in the batch's transaction: an all-or-nothing import
            // rolled back takes them with it, so they are made each time
            // they may be missing (cheap once they exist).
            store
                .conn
                .execute_batch(JOURNAL_TABLES)
                .map_err(journal_error)?;
            let (results, tails) = tails_beside(&writes, journal, || store.write_all(&writes));
            let results = results?;
            store.record_writes(import, tails.page(&store.mapping, journal, &results))?;
            Ok(results)
        })
    }

    fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError> {
        self.check_transaction()?;
        if !self.has_journal()? {
            return Ok(None);
        }
        let Some((number, undone)) = self.import_row(import)? else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entries FROM intake_journal WHERE import = ?1 ORDER BY seq")
            .map_err(journal_error)?;
        let mut rows = stmt.query([number]).map_err(journal_error)?;
        let mut entries = Vec::new();
        while let Some(row) = rows.next().map_err(journal_error)? {
            let page: String = row.get(0).map_err(journal_error)?;
            read_page(&page, |text| self.mapping.id_of(text), &mut entries)?;
        }
        Ok(Some(ImportJournal::new(entries, undone.is_some())))
    }

    fn customers_by_id(&mut self, ids: &[CustomerId]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.check_transaction()?;
        ids.iter().map(|id| self.get(id)).collect()
    }

    fn remove(&mut self, ids: &[CustomerId]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.in_batch(|store| {
            let mut results = Vec::with_capacity(ids.len());
            for id in ids {
                match store.delete(id) {
                    Ok(()) => results.push(Ok(())),
                    Err(WriteFailure::Row(e)) => results.push(Err(e)),
                    Err(WriteFailure::Batch(e)) => return Err(e),
                }
            }
            Ok(results)
        })
    }

    fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError> {
        let table = self.mapping.get_table().to_string();
        self.in_batch(|store| {
            let marked = store
                .conn
                .prepare_cached(
                    "UPDATE intake_imports SET undone_at = ?3 WHERE import_id = ?1 AND customers_table = ?2",
                )
                .and_then(|mut s| {
                    s.execute(rusqlite::params![
                        import.as_str(),
                        table,
                        unix_millis(SystemTime::now())
                    ])
                })
                .map_err(journal_error)?;
            match marked {
                0 => Err(StoreError::new(format!("no journal of the import {import}"))),
                _ => Ok(()),
            }
        })
    }

    fn prune(&mut self, older_than: SystemTime) -> Result<u64, StoreError> {
        self.check_transaction()?;
        if !self.has_journal()? {
            return Ok(0);
        }
        let cutoff = unix_millis(older_than);
        self.in_batch(|store| {
            store
                .conn
                .prepare_cached(
                    "DELETE FROM intake_journal WHERE import IN \
                     (SELECT import FROM intake_imports WHERE started_at < ?1)",
                )
                .and_then(|mut s| s.execute([cutoff]))
                .map_err(journal_error)?;
            let pruned = store
                .conn
                .prepare_cached("DELETE FROM intake_imports WHERE started_at < ?1")
                .and_then(|mut s| s.execute([cutoff]))
                .map_err(journal_error)?;
            Ok(pruned as u64)
        })
    }
}
