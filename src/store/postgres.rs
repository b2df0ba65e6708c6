//! [`PostgresStore`] (feature `postgres`): customers in the app's own
//! PostgreSQL table, a batch at a time, over tokio-postgres.

use std::collections::HashMap;
use std::sync::Arc;

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Statement};

use super::table::{quoted, split_keys, Row, TableMapping};
use super::{
    AsyncStore, AsyncTransactional, Customer, CustomerId, ImportId, JournalWrite, MatchKey,
    StoreError, Write,
};

mod journal;
mod layout;

use journal::JournalStatements;
use layout::{column_types, create_table, literal, prepare, read_columns, ColumnTypes};

/// A connection [`PostgresStore`] runs its statements on: a
/// [`tokio_postgres::Client`], an `Arc` of one, or your pool's connection
/// type (implement it in one line, as below).
///
/// ```
/// use intake::PgClient;
///
/// /// A connection from the app's own pool.
/// struct Pooled(std::sync::Arc<tokio_postgres::Client>);
///
/// impl PgClient for Pooled {
///     fn client(&self) -> &tokio_postgres::Client {
///         &self.0
///     }
/// }
/// ```
pub trait PgClient: Send + Sync {
    /// The connection.
    fn client(&self) -> &Client;
}

impl PgClient for Client {
    fn client(&self) -> &Client {
        self
    }
}

impl PgClient for Arc<Client> {
    fn client(&self) -> &Client {
        self
    }
}

/// A store in a PostgreSQL table (feature `postgres`): the app's own,
/// described by a [`TableMapping`], or the default one it creates.
///
/// Each batch is one lookup statement and, for its writes, one `INSERT …
/// SELECT FROM UNNEST(…) ON CONFLICT DO NOTHING` and one `UPDATE … FROM
/// UNNEST(…)`, in one transaction (a savepoint inside an all-or-nothing
/// import's). A write whose email or phone another customer has (a unique
/// index refused it: another import created the customer meanwhile)
/// fails alone as a [conflict](StoreError::conflict), so the importer
/// looks it up again; a write the table refuses for another reason (a
/// value its column type cannot take, a `CHECK`) fails alone too: the
/// batch's writes are then run one by one. A lost connection, a deadlock
/// or a server shutting down fails the whole call as
/// [temporary](StoreError::temporary), writing nothing of it.
///
/// The lookup is two index scans joined by `UNION ALL` (emails, then
/// phones), never `email = ANY($1) OR phone = ANY($2)`, whose cached
/// generic plan scans the whole table.
///
/// # The table
///
/// When the mapping's table is missing, [`new`](PostgresStore::new)
/// creates it: the id column (`bigint` identity, or `uuid` / `text` with
/// a `gen_random_uuid()` default), a `text` column per field, a `jsonb`
/// column for the custom fields, and unique indexes on the email and phone
/// columns. An existing table is used as it is: every value is written as
/// text cast to its column's type and read back as text, so `varchar`,
/// `citext`, `date` or `numeric` columns work, and a UUID or text id
/// column needs a default.
///
/// # The journal
///
/// The store keeps an [`AsyncJournal`](crate::AsyncJournal) of each
/// import's writes, so that
/// [`Importer::undo_async`](crate::Importer::undo_async) (or
/// [`Importer::undo`](crate::Importer::undo) through
/// [`Blocking`](crate::Blocking)) can undo an import: the tables
/// `intake_imports` (one row per import and customers table: its number,
/// start, whether undone) and `intake_journal` (one row per batch: its
/// writes as a JSON array, each with its row and line, the customer's id,
/// its values before and a [`RecordDigest`](crate::RecordDigest) of its
/// values as written), in the customers table's schema. `new` creates them when
/// missing; when the connection may not create tables, the store keeps no
/// journal ([`AsyncStore::journal`] answers `None`) and imports work as
/// before. Each batch's entries are written in the batch's transaction,
/// so an all-or-nothing import rolled back leaves none.
///
/// ```no_run
/// use intake::{presets, Importer, PostgresStore, TableMapping};
///
/// # async fn run(upload: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
/// # let (client, connection) =
/// #     tokio_postgres::connect("postgres://app@localhost/app", tokio_postgres::NoTls).await?;
/// # tokio::spawn(connection);
/// let mapping = TableMapping::for_schema(&presets::contacts());
/// let mut store = PostgresStore::new(client, mapping).await?;
/// let importer = Importer::new(presets::contacts());
/// let report = importer.import_async(upload, &mut store).await?;
/// if let Some(id) = &report.import_id {
///     // Later, when the uploader asks to take the import back:
///     let undo = importer.undo_async(id, &mut store).await?;
///     println!("{}", undo.summary());
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Example
///
/// ```no_run
/// use intake::{presets, Importer, PostgresStore, TableMapping};
///
/// # async fn run(upload: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
/// let (client, connection) =
///     tokio_postgres::connect("postgres://app@localhost/app", tokio_postgres::NoTls).await?;
/// tokio::spawn(connection);
/// let mapping = TableMapping::for_schema(&presets::contacts());
/// let mut store = PostgresStore::new(client, mapping).await?;
/// let report = Importer::new(presets::contacts()).import_async(upload, &mut store).await?;
/// println!("{}", report.summary());
/// # Ok(())
/// # }
/// ```
pub struct PostgresStore<C: PgClient = Client> {
    client: C,
    mapping: TableMapping,
    statements: Statements,
    /// The journal's statements; `None` when its tables could not be
    /// made (the connection may not create tables).
    journal: Option<JournalStatements>,
    /// Whether imports write to the journal (`keep_journal`).
    keep_journal: bool,
    in_transaction: bool,
}

impl<C: PgClient> std::fmt::Debug for PostgresStore<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("mapping", &self.mapping)
            .field("in_transaction", &self.in_transaction)
            .finish_non_exhaustive()
    }
}

/// A row's field columns' values as text, in the mapping's order.
type FieldValues = Vec<Option<String>>;

/// The prepared statements, and where their columns are.
struct Statements {
    lookup: Statement,
    /// A plain insert: the common case, when no key is taken.
    insert: Statement,
    /// The insert skipping the rows whose key is taken (by another import
    /// meanwhile): a little slower, so only after a plain one failed.
    insert_skipping: Statement,
    update: Statement,
    /// The email and phone columns' places among the field columns.
    email_at: Option<usize>,
    phone_at: Option<usize>,
}

impl<C: PgClient> PostgresStore<C> {
    /// A store on `client` for `mapping`'s table, created when missing
    /// (see [the table](PostgresStore#the-table)).
    ///
    /// `Err` when the mapping is not usable (names that are not plain SQL
    /// identifiers, a key without a column), a mapped column is missing
    /// from an existing table, or the server cannot be reached.
    pub async fn new(client: C, mapping: TableMapping) -> Result<PostgresStore<C>, StoreError> {
        mapping.check()?;
        create_table(client.client(), &mapping).await?;
        let types = column_types(client.client(), &mapping).await?;
        let statements = prepare(client.client(), &mapping, &types).await?;
        let journal = journal::open(client.client(), &mapping, &types).await?;
        Ok(PostgresStore {
            client,
            mapping,
            statements,
            journal,
            keep_journal: true,
            in_transaction: false,
        })
    }

    /// Whether imports keep a journal of their writes, so that they can be
    /// undone (default: yes, when the connection may create its tables).
    /// Off, imports write no journal and
    /// [`AsyncStore::journal`] answers `None`; journals already kept can
    /// still be undone and pruned.
    ///
    /// ```no_run
    /// # async fn run(client: tokio_postgres::Client) -> Result<(), intake::StoreError> {
    /// use intake::{presets, AsyncStore, PostgresStore, TableMapping};
    ///
    /// let mapping = TableMapping::for_schema(&presets::contacts());
    /// let mut store = PostgresStore::new(client, mapping).await?.keep_journal(false);
    /// assert!(store.journal().is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn keep_journal(mut self, keep: bool) -> PostgresStore<C> {
        self.keep_journal = keep;
        self
    }

    /// The table mapping.
    pub fn mapping(&self) -> &TableMapping {
        &self.mapping
    }

    /// The connection, for the app's own statements.
    pub fn client(&self) -> &C {
        &self.client
    }

    async fn run(&self, sql: &str) -> Result<(), tokio_postgres::Error> {
        self.client.client().batch_execute(sql).await
    }

    async fn look_up(&self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let (emails, phones) = split_keys(keys);
        let rows = self
            .client
            .client()
            .query(&self.statements.lookup, &[&emails, &phones])
            .await
            .map_err(|e| pg_error(e, "the customer database could not be read"))?;
        let mut by_email: HashMap<String, Customer> = HashMap::new();
        let mut by_phone: HashMap<String, Customer> = HashMap::new();
        for row in rows {
            let Some((customer, values)) = self.customer_of(&row)? else {
                continue;
            };
            let email = self
                .statements
                .email_at
                .and_then(|i| values.get(i).cloned().flatten());
            let phone = self
                .statements
                .phone_at
                .and_then(|i| values.get(i).cloned().flatten());
            if let Some(email) = email {
                by_email.insert(email, customer.clone());
            }
            if let Some(phone) = phone {
                by_phone.insert(phone, customer);
            }
        }
        Ok(keys
            .iter()
            .map(|key| match key {
                MatchKey::Email(v) => by_email.get(v.as_str()).cloned(),
                MatchKey::Phone(v) => by_phone.get(v.as_str()).cloned(),
            })
            .collect())
    }

    /// The customer of a row read with [`read_columns`], and its field
    /// columns' values; `None` for a row without an id.
    fn customer_of(
        &self,
        row: &tokio_postgres::Row,
    ) -> Result<Option<(Customer, FieldValues)>, StoreError> {
        let width = self.mapping.field_columns().count();
        let read = |i: usize| -> Result<Option<String>, StoreError> {
            row.try_get(i).map_err(|e| {
                StoreError::new("the customer database answered an unreadable row").with_source(e)
            })
        };
        let Some(id_text) = read(0)? else {
            return Ok(None);
        };
        let values = (1..=width).map(read).collect::<Result<Vec<_>, _>>()?;
        let custom = read(width + 1)?;
        let customer = Customer {
            id: self.mapping.id_of(&id_text)?,
            record: self.mapping.record_of(values.clone(), custom.as_deref())?,
        };
        Ok(Some((customer, values)))
    }

    /// The email and phone keys of a laid-out record (borrowed: a batch's
    /// inserts are sorted by them).
    fn keys_of<'a>(&self, row: &'a Row<'_>) -> (Option<&'a str>, Option<&'a str>) {
        let at = |i: Option<usize>| i.and_then(|i| row.values.get(i)?.as_deref());
        (at(self.statements.email_at), at(self.statements.phone_at))
    }

    /// Runs `statement` over the rows (`ids` first for updates) as arrays.
    async fn set(
        &self,
        statement: &Statement,
        ids: Option<Vec<String>>,
        rows: &[&Row<'_>],
    ) -> Result<Vec<tokio_postgres::Row>, tokio_postgres::Error> {
        let width = self.mapping.field_columns().count();
        let mut columns: Vec<Vec<Option<&str>>> = vec![Vec::with_capacity(rows.len()); width];
        let mut custom: Vec<Option<&str>> = Vec::with_capacity(rows.len());
        for row in rows {
            for (column, value) in columns.iter_mut().zip(&row.values) {
                column.push(value.as_deref());
            }
            custom.push(row.custom.as_deref());
        }
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(width + 2);
        if let Some(ids) = &ids {
            params.push(ids);
        }
        for column in &columns {
            params.push(column);
        }
        params.push(&custom);
        self.client.client().query(statement, &params).await
    }

    /// Inserts `rows`; the id of each, or why it failed.
    async fn insert(
        &self,
        rows: &[&Row<'_>],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let skipping = &self.statements.insert_skipping;
        // Rows without a key cannot be matched to what the set statement
        // returns: they go one by one (the importer never sends them).
        if rows.iter().any(|r| self.keys_of(r) == (None, None)) {
            return self.one_by_one(skipping, None, rows).await;
        }
        self.savepoint("intake_set").await?;
        match self.set(&self.statements.insert, None, rows).await {
            Ok(returned) => {
                self.release("intake_set").await?;
                self.inserted(rows, returned)
            }
            // Another import took a key meanwhile: again, skipping it.
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                self.roll_back_to("intake_set").await?;
                self.savepoint("intake_set").await?;
                match self.set(skipping, None, rows).await {
                    Ok(returned) => {
                        self.release("intake_set").await?;
                        self.inserted(rows, returned)
                    }
                    Err(e) if refuses_rows(&e) => {
                        self.roll_back_to("intake_set").await?;
                        self.one_by_one(skipping, None, rows).await
                    }
                    Err(e) => Err(pg_error(e, "the customer database failed")),
                }
            }
            Err(e) if refuses_rows(&e) => {
                self.roll_back_to("intake_set").await?;
                self.one_by_one(skipping, None, rows).await
            }
            Err(e) => Err(pg_error(e, "the customer database failed")),
        }
    }

    /// Each inserted row's id, matched by its keys to what the insert
    /// returned; a row it did not return had a taken key.
    fn inserted(
        &self,
        rows: &[&Row<'_>],
        returned: Vec<tokio_postgres::Row>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let mut by_email: HashMap<String, CustomerId> = HashMap::new();
        let mut by_phone: HashMap<String, CustomerId> = HashMap::new();
        for row in returned {
            let (id, email, phone) = self.returned(&row)?;
            if let Some(email) = email {
                by_email.insert(email, id.clone());
            }
            if let Some(phone) = phone {
                by_phone.insert(phone, id);
            }
        }
        Ok(rows
            .iter()
            .map(|row| {
                let (email, phone) = self.keys_of(row);
                let found = email
                    .and_then(|e| by_email.get(e))
                    .or_else(|| phone.and_then(|p| by_phone.get(p)));
                match found {
                    Some(id) => Ok(id.clone()),
                    None => Err(taken(email.or(phone))),
                }
            })
            .collect())
    }

    /// Updates customers `ids` to `rows`; the id of each, or why it failed.
    async fn update(
        &self,
        ids: Vec<String>,
        rows: &[&Row<'_>],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.savepoint("intake_set").await?;
        match self
            .set(&self.statements.update, Some(ids.clone()), rows)
            .await
        {
            Ok(returned) => {
                self.release("intake_set").await?;
                let mut updated: HashMap<String, CustomerId> = HashMap::new();
                for row in returned {
                    let text: Option<String> = row.try_get(0).map_err(unreadable)?;
                    if let Some(text) = text {
                        let id = self.mapping.id_of(&text)?;
                        updated.insert(text, id);
                    }
                }
                Ok(ids
                    .iter()
                    .map(|id| match updated.get(id) {
                        Some(id) => Ok(id.clone()),
                        None => Err(nobody(id)),
                    })
                    .collect())
            }
            Err(e) if refuses_rows(&e) => {
                self.roll_back_to("intake_set").await?;
                self.one_by_one(&self.statements.update, Some(ids), rows)
                    .await
            }
            Err(e) => Err(pg_error(e, "the customer database failed")),
        }
    }

    /// Runs the writes one at a time, each in its own savepoint, so that a
    /// refused one fails alone.
    async fn one_by_one(
        &self,
        statement: &Statement,
        ids: Option<Vec<String>>,
        rows: &[&Row<'_>],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let mut results = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let id = ids.as_ref().and_then(|ids| ids.get(i).cloned());
            self.savepoint("intake_row").await?;
            match self
                .set(statement, id.clone().map(|id| vec![id]), &[row])
                .await
            {
                Ok(returned) => {
                    self.release("intake_row").await?;
                    results.push(match (returned.first(), id) {
                        (Some(back), _) => self.returned(back).map(|(id, _, _)| id),
                        (None, Some(id)) => Err(nobody(&id)),
                        (None, None) => {
                            let (email, phone) = self.keys_of(row);
                            Err(taken(email.or(phone)))
                        }
                    });
                }
                Err(e) if refuses_rows(&e) => {
                    self.roll_back_to("intake_row").await?;
                    let (email, phone) = self.keys_of(row);
                    results.push(Err(if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                        taken(email.or(phone)).with_source(e)
                    } else {
                        pg_error(e, "the customer database refused the customer")
                    }));
                }
                Err(e) => return Err(pg_error(e, "the customer database failed")),
            }
        }
        Ok(results)
    }

    /// The id and keys a write statement returned.
    #[allow(clippy::type_complexity)]
    fn returned(
        &self,
        row: &tokio_postgres::Row,
    ) -> Result<(CustomerId, Option<String>, Option<String>), StoreError> {
        let get = |i: usize| -> Result<Option<String>, StoreError> {
            row.try_get(i).map_err(|e| {
                StoreError::new("the customer database answered an unreadable row").with_source(e)
            })
        };
        let id = get(0)?.ok_or_else(|| StoreError::new("the customer database returned no id"))?;
        Ok((
            self.mapping.id_of(&id)?,
            get(1).ok().flatten(),
            get(2).ok().flatten(),
        ))
    }

    async fn savepoint(&self, name: &str) -> Result<(), StoreError> {
        self.control(&format!("SAVEPOINT {name}")).await
    }

    async fn release(&self, name: &str) -> Result<(), StoreError> {
        self.control(&format!("RELEASE SAVEPOINT {name}")).await
    }

    async fn roll_back_to(&self, name: &str) -> Result<(), StoreError> {
        self.control(&format!(
            "ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}"
        ))
        .await
    }

    async fn control(&self, sql: &str) -> Result<(), StoreError> {
        self.run(sql)
            .await
            .map_err(|e| pg_error(e, "the customer database failed"))
    }

    /// The statements that start, end and undo one call's writes: a
    /// savepoint inside an all-or-nothing import's transaction, else a
    /// transaction of its own.
    fn batch_sql(&self) -> (&'static str, &'static str, &'static str) {
        if self.in_transaction {
            (
                "SAVEPOINT intake_batch",
                "RELEASE SAVEPOINT intake_batch",
                "ROLLBACK TO SAVEPOINT intake_batch; RELEASE SAVEPOINT intake_batch",
            )
        } else {
            ("BEGIN", "COMMIT", "ROLLBACK")
        }
    }

    /// Ends a batch begun with [`batch_sql`](Self::batch_sql)'s start:
    /// kept when `done` is, else undone.
    async fn end_batch<T>(
        &self,
        done: Result<T, StoreError>,
        end: &str,
        undo: &str,
    ) -> Result<T, StoreError> {
        let outcome = match done {
            Ok(done) => match self.run(end).await {
                Ok(()) => return Ok(done),
                Err(e) => pg_error(e, "the customer database could not save the batch"),
            },
            Err(e) => e,
        };
        // Already failing: a failure to undo (a lost connection) leaves
        // nothing better to do, and the server undoes it anyway.
        let _ = self.run(undo).await;
        Err(outcome)
    }

    /// Applies `writes` as one batch and, with `journal`, records their
    /// journal entries in the same transaction.
    async fn write_batch(
        &self,
        writes: &[Write],
        journal: Option<(&ImportId, &[JournalWrite])>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let (start, end, undo) = self.batch_sql();
        self.run(start)
            .await
            .map_err(|e| pg_error(e, "the customer database could not start writing"))?;
        let done = match self.write_all(writes).await {
            Ok(results) => match journal {
                Some((import, kept)) => self
                    .record_writes(import, writes, kept, &results)
                    .await
                    .map(|()| results),
                None => Ok(results),
            },
            Err(e) => Err(e),
        };
        self.end_batch(done, end, undo).await
    }

    /// Applies one call's writes inside the call's transaction or
    /// savepoint.
    async fn write_all(
        &self,
        writes: &[Write],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let mut results: Vec<Option<Result<CustomerId, StoreError>>> = vec![None; writes.len()];
        let mut inserts: Vec<(usize, Row<'_>)> = Vec::new();
        let mut updates: Vec<(usize, String, Row<'_>)> = Vec::new();
        for (i, write) in writes.iter().enumerate() {
            let laid_out = match write {
                Write::Insert(record) | Write::Update { record, .. } => self.mapping.row_of(record),
            };
            let row = match laid_out {
                Ok(row) => row,
                Err(e) => {
                    results[i] = Some(Err(e));
                    continue;
                }
            };
            match write {
                Write::Update { id, .. } => match self.mapping.id_text(id) {
                    Some(text) => updates.push((i, text, row)),
                    None => results[i] = Some(Err(nobody(&id.to_string()))),
                },
                _ => inserts.push((i, row)),
            }
        }
        // In one order, so that two imports at once take their locks
        // alike and deadlock less.
        inserts.sort_by(|(_, a), (_, b)| self.keys_of(a).cmp(&self.keys_of(b)));
        updates.sort_by(|a, b| (a.1.len(), &a.1).cmp(&(b.1.len(), &b.1)));
        if !inserts.is_empty() {
            let rows: Vec<&Row<'_>> = inserts.iter().map(|(_, r)| r).collect();
            let answered = self.insert(&rows).await?;
            for ((i, _), result) in inserts.iter().zip(answered) {
                results[*i] = Some(result);
            }
        }
        if !updates.is_empty() {
            let ids: Vec<String> = updates.iter().map(|(_, id, _)| id.clone()).collect();
            let rows: Vec<&Row<'_>> = updates.iter().map(|(_, _, r)| r).collect();
            let answered = self.update(ids, &rows).await?;
            for ((i, _, _), result) in updates.iter().zip(answered) {
                results[*i] = Some(result);
            }
        }
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(StoreError::new("a write was not run"))))
            .collect())
    }
}

impl<C: PgClient> AsyncStore for PostgresStore<C> {
    async fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.look_up(keys).await
    }

    async fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        if writes.is_empty() {
            return Ok(Vec::new());
        }
        self.write_batch(&writes, None).await
    }

    fn journal(&mut self) -> Option<&mut dyn super::DynAsyncJournal> {
        if self.keep_journal && self.journal.is_some() {
            Some(self)
        } else {
            None
        }
    }
}

impl<C: PgClient> AsyncTransactional for PostgresStore<C> {
    async fn begin(&mut self) -> Result<(), StoreError> {
        if self.in_transaction {
            return Err(StoreError::new(
                "an all-or-nothing import is already running on this connection",
            ));
        }
        self.run("BEGIN")
            .await
            .map_err(|e| pg_error(e, "the customer database could not start a transaction"))?;
        self.in_transaction = true;
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), StoreError> {
        if !self.in_transaction {
            return Err(StoreError::new("no transaction to commit"));
        }
        self.in_transaction = false;
        self.run("COMMIT")
            .await
            .map_err(|e| pg_error(e, "the customer database could not commit the import"))
    }

    async fn rollback(&mut self) -> Result<(), StoreError> {
        if !self.in_transaction {
            return Err(StoreError::new("no transaction to roll back"));
        }
        self.in_transaction = false;
        self.run("ROLLBACK")
            .await
            .map_err(|e| pg_error(e, "the customer database could not roll the import back"))
    }
}

/// A PostgreSQL error as a [`StoreError`] saying `what` failed, its cause
/// kept: temporary when trying again may help (the connection or the
/// server went away, a deadlock, a serialization failure, a lock or
/// resource shortage).
fn pg_error(e: tokio_postgres::Error, what: &str) -> StoreError {
    let temporary = match e.code() {
        None => true,
        Some(code) => {
            let code = code.code();
            code.starts_with("08")
                || code.starts_with("53")
                || code.starts_with("57P")
                || matches!(code, "40001" | "40P01" | "55P03" | "55006")
        }
    };
    let error = StoreError::new(what).with_source(e);
    if temporary {
        error.temporary()
    } else {
        error
    }
}

/// Whether a statement failed for its rows' values (a key taken, a value
/// its column cannot take) rather than for the database: then the writes
/// are run one by one, and only the refused ones fail.
fn refuses_rows(e: &tokio_postgres::Error) -> bool {
    e.code()
        .is_some_and(|c| c.code().starts_with("22") || c.code().starts_with("23"))
}

/// An insert or update refused because its key belongs to another
/// customer.
fn taken(key: Option<&str>) -> StoreError {
    let key = key.unwrap_or("its email or phone");
    StoreError::new(format!("{key} already belongs to another customer")).conflict()
}

/// An update of a customer the table does not have.
fn nobody(id: &str) -> StoreError {
    StoreError::new(format!("customer {id} does not exist"))
}

fn unreadable(e: tokio_postgres::Error) -> StoreError {
    StoreError::new("the customer database answered an unreadable row").with_source(e)
}
