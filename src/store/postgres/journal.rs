//! `PostgresStore`'s [`AsyncJournal`]: each import's writes in two tables
//! beside the customers table (in its schema), written in the same
//! transaction as the writes.
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS intake_imports (
//!     import bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- what the journal's rows name
//!     import_id text NOT NULL,          -- the ImportId
//!     customers_table text NOT NULL,    -- the table it wrote
//!     started_at timestamptz NOT NULL,  -- its first write (the app's clock)
//!     undone_at timestamptz,            -- when it was undone, if it was
//!     UNIQUE (import_id, customers_table)
//! );
//! CREATE TABLE IF NOT EXISTS intake_journal (
//!     import bigint NOT NULL,           -- intake_imports.import
//!     seq bigint GENERATED ALWAYS AS IDENTITY,  -- the order of the calls
//!     entries text NOT NULL,            -- the call's writes, in order (JSON)
//!     PRIMARY KEY (import, seq)
//! );
//! ALTER TABLE intake_journal ALTER COLUMN entries SET STORAGE EXTERNAL;
//! ```
//!
//! A journal row holds one call's writes (a batch of the import): a JSON
//! array of `[row, line, customer, before, written]`, with the customer's
//! values before an update (which the undo gives back) and only a digest
//! of what was written (which the table holds). One row a call, written
//! with one statement that also records the import the first time: the
//! journal costs the batch one round trip and one row. (`entries::jsonb`
//! reads it in SQL.) Its entries are kept uncompressed (`EXTERNAL`):
//! compressing a batch's entries cost the server more than writing them.

use std::time::SystemTime;

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Statement};

use super::{pg_error, quoted, read_columns, ColumnTypes, PgClient, PostgresStore, TableMapping};
use crate::store::async_store::no_journal;
use crate::store::journal::{check_journal_len, page_of, read_page, unix_millis, ImportJournal};
use crate::store::{AsyncJournal, Customer, CustomerId, ImportId, JournalWrite, StoreError, Write};

/// The prepared statements of the journal.
pub(super) struct JournalStatements {
    /// Records a batch's entries, from arrays, and the import the first
    /// time.
    entries: Statement,
    /// The customers of some ids.
    by_id: Statement,
    /// Deletes customers, answering the ids deleted.
    remove: Statement,
    /// The journal's tables, quoted.
    imports_table: String,
    journal_table: String,
}

/// A journal table's name in the customers table's schema (the
/// connection's own when the mapping names none), quoted.
fn table_beside(mapping: &TableMapping, name: &str) -> String {
    match mapping.get_table().rsplit_once('.') {
        Some((schema, _)) => quoted(&format!("{schema}.{name}")),
        None => quoted(name),
    }
}

/// A database error of the journal.
fn journal_error(e: tokio_postgres::Error) -> StoreError {
    pg_error(e, "the import journal failed")
}

/// Creates the journal's tables when missing (two stores doing it at
/// once take turns) and prepares its statements. `None` when the
/// connection may not create them: the store then keeps no journal, and
/// imports into it work as before.
pub(super) async fn open(
    client: &Client,
    mapping: &TableMapping,
    types: &ColumnTypes,
) -> Result<Option<JournalStatements>, StoreError> {
    let imports_table = table_beside(mapping, "intake_imports");
    let journal_table = table_beside(mapping, "intake_journal");
    let exists: Option<String> = client
        .query_one("SELECT to_regclass($1)::text", &[&journal_table])
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| pg_error(e, "the customer database could not be reached"))?;
    let imports_exists: Option<String> = client
        .query_one("SELECT to_regclass($1)::text", &[&imports_table])
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| pg_error(e, "the customer database could not be reached"))?;
    if exists.is_none() || imports_exists.is_none() {
        let sql = format!(
            "BEGIN; SELECT pg_advisory_xact_lock(hashtext('intake journal ' || {lit}));
             CREATE TABLE IF NOT EXISTS {imports_table} (
                 import bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                 import_id text NOT NULL,
                 customers_table text NOT NULL,
                 started_at timestamptz NOT NULL,
                 undone_at timestamptz,
                 UNIQUE (import_id, customers_table)
             );
             CREATE TABLE IF NOT EXISTS {journal_table} (
                 import bigint NOT NULL,
                 seq bigint GENERATED ALWAYS AS IDENTITY,
                 entries text NOT NULL,
                 PRIMARY KEY (import, seq)
             );
             ALTER TABLE {journal_table} ALTER COLUMN entries SET STORAGE EXTERNAL;
             COMMIT;",
            lit = super::literal(&journal_table),
        );
        if let Err(e) = client.batch_execute(&sql).await {
            let _ = client.batch_execute("ROLLBACK").await;
            if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
                return Ok(None);
            }
            return Err(pg_error(
                e,
                "the import journal's tables could not be created",
            ));
        }
    }
    let table = quoted(mapping.get_table());
    let (id_column, _) = mapping.get_id_column();
    let id = quoted(id_column);
    let id_type = &types.id;
    let prepare = |sql: String| async move {
        client
            .prepare(&sql)
            .await
            .map_err(|e| pg_error(e, "the customer database refused the journal's statements"))
    };
    Ok(Some(JournalStatements {
        // The import's number: made by its first batch, else read. (An
        // import id is one import's: no other transaction makes it.)
        entries: prepare(format!(
            "WITH made AS (
                 INSERT INTO {imports_table} (import_id, customers_table, started_at)
                 VALUES ($1, $2, to_timestamp($3::bigint / 1000.0))
                 ON CONFLICT DO NOTHING RETURNING import
             ), number AS (
                 SELECT import FROM made
                 UNION ALL
                 SELECT import FROM {imports_table} WHERE import_id = $1 AND customers_table = $2
                 LIMIT 1
             )
             INSERT INTO {journal_table} (import, entries)
             SELECT number.import, $4::text FROM number"
        ))
        .await?,
        by_id: prepare(format!(
            "SELECT {read} FROM {table} WHERE {id} = ANY($1::text[]::{id_type}[])",
            read = read_columns(mapping),
        ))
        .await?,
        remove: prepare(format!(
            "DELETE FROM {table} WHERE {id} = ANY($1::text[]::{id_type}[]) RETURNING {id}::text"
        ))
        .await?,
        imports_table,
        journal_table,
    }))
}

impl<C: PgClient> PostgresStore<C> {
    fn journal_statements(&self) -> Result<&JournalStatements, StoreError> {
        self.journal.as_ref().ok_or_else(no_journal)
    }

    /// The journal's entries of the writes that succeeded, in the batch's
    /// transaction.
    pub(super) async fn record_writes(
        &self,
        import: &ImportId,
        writes: &[Write],
        journal: &[JournalWrite],
        results: &[Result<CustomerId, StoreError>],
    ) -> Result<(), StoreError> {
        let statements = self.journal_statements()?;
        let Some(page) = page_of(&self.mapping, writes, journal, results) else {
            return Ok(());
        };
        let client = self.client.client();
        let table = self.mapping.get_table();
        client
            .execute(
                &statements.entries,
                &[
                    &import.as_str(),
                    &table,
                    &unix_millis(SystemTime::now()),
                    &page,
                ],
            )
            .await
            .map_err(journal_error)?;
        Ok(())
    }

    /// Deletes the customers `ids` (as text) in one statement; `Err` when
    /// the table refused (a foreign key of the app's).
    async fn delete(&self, ids: &[String]) -> Result<Vec<String>, tokio_postgres::Error> {
        let statements = match &self.journal {
            Some(statements) => statements,
            None => return Ok(Vec::new()),
        };
        let rows = self
            .client
            .client()
            .query(&statements.remove, &[&ids])
            .await?;
        rows.iter().map(|row| row.try_get(0)).collect()
    }

    /// Deletes each customer of `ids` alone, each in its own savepoint,
    /// so that one the table refuses to delete fails alone.
    async fn delete_one_by_one(
        &self,
        ids: &[CustomerId],
        texts: &[Option<String>],
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let mut results = Vec::with_capacity(ids.len());
        for (id, text) in ids.iter().zip(texts) {
            let Some(text) = text else {
                results.push(Err(missing(id)));
                continue;
            };
            self.savepoint("intake_row").await?;
            match self.delete(std::slice::from_ref(text)).await {
                Ok(deleted) => {
                    self.release("intake_row").await?;
                    results.push(if deleted.is_empty() {
                        Err(missing(id))
                    } else {
                        Ok(())
                    });
                }
                Err(e) if super::refuses_rows(&e) => {
                    self.roll_back_to("intake_row").await?;
                    // The server's words stay in the source, for the app.
                    results.push(Err(StoreError::new(format!(
                        "the customer database refused to delete customer {id}"
                    ))
                    .with_source(e)));
                }
                Err(e) => return Err(pg_error(e, "the customer database failed")),
            }
        }
        Ok(results)
    }
}

/// A customer to delete that the table does not have.
fn missing(id: &CustomerId) -> StoreError {
    StoreError::new(format!("customer {id} does not exist"))
}

impl<C: PgClient> AsyncJournal for PostgresStore<C> {
    async fn apply_journaled(
        &mut self,
        import: &ImportId,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        check_journal_len(&writes, journal)?;
        if writes.is_empty() {
            return Ok(Vec::new());
        }
        if self.journal.is_none() {
            return self.write_batch(&writes, None).await;
        }
        self.write_batch(&writes, Some((import, journal))).await
    }

    async fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError> {
        let Some(statements) = &self.journal else {
            return Ok(None);
        };
        let client = self.client.client();
        let table = self.mapping.get_table();
        let undone = client
            .query_opt(
                &format!(
                    "SELECT import, undone_at IS NOT NULL FROM {} \
                     WHERE import_id = $1 AND customers_table = $2",
                    statements.imports_table
                ),
                &[&import.as_str(), &table],
            )
            .await
            .map_err(journal_error)?;
        let Some(undone) = undone else {
            return Ok(None);
        };
        let number: i64 = undone.try_get(0).map_err(journal_error)?;
        let undone: bool = undone.try_get(1).map_err(journal_error)?;
        let rows = client
            .query(
                &format!(
                    "SELECT entries FROM {} WHERE import = $1 ORDER BY seq",
                    statements.journal_table
                ),
                &[&number],
            )
            .await
            .map_err(journal_error)?;
        let mut entries = Vec::new();
        for row in rows {
            let page: &str = row.try_get(0).map_err(journal_error)?;
            read_page(page, |text| self.mapping.id_of(text), &mut entries)?;
        }
        Ok(Some(ImportJournal::new(entries, undone)))
    }

    async fn customers_by_id(
        &mut self,
        ids: &[CustomerId],
    ) -> Result<Vec<Option<Customer>>, StoreError> {
        let statements = self.journal_statements()?;
        // An id not of the mapping's kind is no customer of the table.
        let texts: Vec<String> = ids
            .iter()
            .filter_map(|id| self.mapping.id_text(id))
            .collect();
        if texts.is_empty() {
            return Ok(vec![None; ids.len()]);
        }
        let rows = self
            .client
            .client()
            .query(&statements.by_id, &[&texts])
            .await
            .map_err(|e| pg_error(e, "the customer database could not be read"))?;
        let mut found: std::collections::HashMap<CustomerId, Customer> =
            std::collections::HashMap::with_capacity(rows.len());
        for row in rows {
            if let Some((customer, _)) = self.customer_of(&row)? {
                found.insert(customer.id.clone(), customer);
            }
        }
        Ok(ids.iter().map(|id| found.get(id).cloned()).collect())
    }

    async fn remove(
        &mut self,
        ids: &[CustomerId],
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        self.journal_statements()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let texts: Vec<Option<String>> = ids.iter().map(|id| self.mapping.id_text(id)).collect();
        let all: Vec<String> = texts.iter().flatten().cloned().collect();
        let (start, end, undo) = self.batch_sql();
        self.run(start)
            .await
            .map_err(|e| pg_error(e, "the customer database could not start writing"))?;
        let done = async {
            self.savepoint("intake_set").await?;
            match self.delete(&all).await {
                Ok(deleted) => {
                    self.release("intake_set").await?;
                    let deleted: std::collections::HashSet<String> = deleted.into_iter().collect();
                    Ok(ids
                        .iter()
                        .zip(&texts)
                        .map(|(id, text)| match text {
                            Some(text) if deleted.contains(text) => Ok(()),
                            _ => Err(missing(id)),
                        })
                        .collect())
                }
                // Some customer cannot go (orders of the app's refer to
                // it): one by one, so only those fail.
                Err(e) if super::refuses_rows(&e) => {
                    self.roll_back_to("intake_set").await?;
                    self.delete_one_by_one(ids, &texts).await
                }
                Err(e) => Err(pg_error(e, "the customer database failed")),
            }
        }
        .await;
        self.end_batch(done, end, undo).await
    }

    async fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError> {
        let statements = self.journal_statements()?;
        let marked = self
            .client
            .client()
            .execute(
                &format!(
                    "UPDATE {} SET undone_at = now() WHERE import_id = $1 AND customers_table = $2",
                    statements.imports_table
                ),
                &[&import.as_str(), &self.mapping.get_table()],
            )
            .await
            .map_err(journal_error)?;
        match marked {
            0 => Err(StoreError::new(format!(
                "no journal of the import {import}"
            ))),
            _ => Ok(()),
        }
    }

    async fn prune(&mut self, older_than: SystemTime) -> Result<u64, StoreError> {
        let Some(statements) = &self.journal else {
            return Ok(0);
        };
        let cutoff = unix_millis(older_than);
        let (imports, journal) = (&statements.imports_table, &statements.journal_table);
        let (start, end, undo) = self.batch_sql();
        self.run(start)
            .await
            .map_err(|e| pg_error(e, "the customer database could not start writing"))?;
        let client = self.client.client();
        let done = async {
            client
                .execute(
                    &format!(
                        "DELETE FROM {journal} WHERE import IN \
                         (SELECT import FROM {imports} \
                          WHERE started_at < to_timestamp($1::bigint / 1000.0))"
                    ),
                    &[&cutoff],
                )
                .await
                .map_err(journal_error)?;
            client
                .execute(
                    &format!(
                        "DELETE FROM {imports} WHERE started_at < to_timestamp($1::bigint / 1000.0)"
                    ),
                    &[&cutoff],
                )
                .await
                .map_err(journal_error)
        }
        .await;
        self.end_batch(done, end, undo).await
    }
}
