//! Reading and writing a `SqliteStore`'s rows: customers read back, the
//! writes of a call, and the ids of new customers.

use super::*;

/// Makes ids for new customers: random (version 4) UUIDs, from a hasher
/// seeded by the operating system's randomness over a counter (the `uuid`
/// crate's own generator is not compiled in).
#[derive(Debug)]
pub(super) struct NewIds {
    kind: IdKind,
    seed: RandomState,
    counter: Cell<u64>,
}

impl NewIds {
    pub(super) fn new(kind: IdKind) -> NewIds {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        NewIds {
            kind,
            seed: RandomState::new(),
            counter: Cell::new(now),
        }
    }

    pub(super) fn next(&self) -> CustomerId {
        let n = self.counter.get().wrapping_add(1);
        self.counter.set(n);
        let high = u128::from(self.seed.hash_one((n, 0u8)));
        let low = u128::from(self.seed.hash_one((n, 1u8)));
        let bytes = ((high << 64) | low).to_be_bytes();
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        match self.kind {
            IdKind::Uuid => CustomerId::Uuid(uuid),
            _ => CustomerId::from(uuid.hyphenated().to_string()),
        }
    }
}

/// An id as the id column compares with it.
pub(super) enum IdParam {
    Int(i64),
    Text(String),
}

impl ToSql for IdParam {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            IdParam::Int(n) => ToSqlOutput::from(*n),
            IdParam::Text(t) => ToSqlOutput::from(t.as_str()),
        })
    }
}

impl SqliteStore {
    /// The id as the id column compares with it; `None` when it is of
    /// another kind (nobody's).
    pub(super) fn id_param(&self, id: &CustomerId) -> Option<IdParam> {
        match (self.mapping.get_id_column().1, id) {
            (IdKind::Int, CustomerId::Int(n)) => Some(IdParam::Int(*n)),
            _ => self.mapping.id_text(id).map(IdParam::Text),
        }
    }

    /// The id read from the id column.
    pub(super) fn id_from(&self, value: ValueRef<'_>) -> Result<CustomerId, StoreError> {
        match (value, self.mapping.get_id_column().1) {
            (ValueRef::Integer(n), IdKind::Int) => Ok(CustomerId::Int(n)),
            (ValueRef::Integer(n), _) => self.mapping.id_of(&n.to_string()),
            (ValueRef::Text(text), _) => match std::str::from_utf8(text) {
                Ok(text) => self.mapping.id_of(text),
                Err(_) => Err(self.unreadable("an id that is not UTF-8 text")),
            },
            (ValueRef::Null, _) => Err(self.unreadable("a customer without an id")),
            _ => Err(self
                .unreadable("an id that is neither an integer nor text (UUIDs are kept as text)")),
        }
    }

    pub(super) fn unreadable(&self, what: &str) -> StoreError {
        let (column, _) = self.mapping.get_id_column();
        StoreError::new(format!(
            "the customer table {} holds {what} in its column {column}",
            self.mapping.get_table()
        ))
    }

    /// The customer of a row of a `select`: its id, field columns and
    /// custom column.
    pub(super) fn customer_of(&self, row: &rusqlite::Row<'_>) -> Result<Customer, StoreError> {
        let id = self.id_from(row.get_ref(0).map_err(read_error)?)?;
        // Texts borrowed from the row: the record copies what it keeps.
        let text_at = |at: usize| -> Result<Option<Cow<'_, str>>, StoreError> {
            let value = row.get_ref(at).map_err(read_error)?;
            Ok(match value {
                ValueRef::Null => None,
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                    Some(Cow::Borrowed(std::str::from_utf8(bytes).map_err(|_| {
                        StoreError::new(format!(
                            "the customer table {} holds a value that is not UTF-8 text for customer {id}",
                            self.mapping.get_table()
                        ))
                    })?))
                }
                ValueRef::Integer(n) => Some(Cow::Owned(n.to_string())),
                ValueRef::Real(x) => Some(Cow::Owned(x.to_string())),
            })
        };
        let mut values = Vec::with_capacity(self.sql.fields);
        for at in 1..=self.sql.fields {
            values.push(text_at(at)?);
        }
        let custom = match self.sql.custom {
            true => text_at(self.sql.fields + 1)?,
            false => None,
        };
        let record = self.mapping.record_of(values, custom.as_deref())?;
        Ok(Customer { id, record })
    }

    /// The customer of each key, in order, from one query.
    pub(super) fn look_up(&self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let (emails, mut phones) = split_keys(keys);
        let mut found: Vec<Customer> = Vec::new();
        let mut seen: HashMap<CustomerId, ()> = HashMap::new();
        self.find_by(&self.sql.lookup_emails, &emails, &mut found, &mut seen)?;
        // A phone of a customer found by email is that customer's (its
        // column's index is unique, as `TableMapping` asks of the key
        // columns): not read a second time.
        if !found.is_empty() && !phones.is_empty() {
            let known: std::collections::HashSet<&str> = found
                .iter()
                .filter_map(|c| c.record.text(&self.sql.phone_field))
                .collect();
            phones.retain(|phone| !known.contains(phone));
        }
        self.find_by(&self.sql.lookup_phones, &phones, &mut found, &mut seen)?;
        let mut by_email: HashMap<Cow<'_, str>, &Customer> = HashMap::new();
        let mut by_phone: HashMap<&str, &Customer> = HashMap::new();
        for customer in &found {
            if let Some(email) = customer.record.text(&self.sql.email_field) {
                // The keys are lower-cased; an app's column that compares
                // without case (COLLATE NOCASE) may hold capitals.
                let email = match email.bytes().any(|b| b.is_ascii_uppercase()) {
                    true => Cow::Owned(email.to_ascii_lowercase()),
                    false => Cow::Borrowed(email),
                };
                by_email.insert(email, customer);
            }
            if let Some(phone) = customer.record.text(&self.sql.phone_field) {
                by_phone.insert(phone, customer);
            }
        }
        Ok(keys
            .iter()
            .map(|key| {
                let found = match key {
                    MatchKey::Email(v) => by_email.get(v.as_str()),
                    MatchKey::Phone(v) => by_phone.get(v.as_str()),
                };
                found.map(|c| (*c).clone())
            })
            .collect())
    }

    /// The customers whose key is one of `keys`, by `sql` (a lookup
    /// statement), added to `found` unless `seen` already.
    fn find_by(
        &self,
        sql: &str,
        keys: &[&str],
        found: &mut Vec<Customer>,
        seen: &mut HashMap<CustomerId, ()>,
    ) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let keys = serde_json::to_string(keys)
            .map_err(|e| StoreError::new("the keys could not be written as JSON").with_source(e))?;
        let mut stmt = self.conn.prepare_cached(sql).map_err(read_error)?;
        let mut rows = stmt.query([keys]).map_err(read_error)?;
        while let Some(row) = rows.next().map_err(read_error)? {
            // A customer found by both keys comes twice.
            let id = self.id_from(row.get_ref(0).map_err(read_error)?)?;
            if let Entry::Vacant(slot) = seen.entry(id) {
                slot.insert(());
                found.push(self.customer_of(row)?);
            }
        }
        Ok(())
    }

    /// Runs `sql`, a statement without parameters (transaction control).
    pub(super) fn control(&self, sql: &str) -> Result<(), rusqlite::Error> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    /// Every write of a batch, in the open transaction: one result each,
    /// or the batch's failure.
    pub(super) fn write_all(
        &self,
        writes: &[Write],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let prepare = |sql: &str| {
            self.conn
                .prepare_cached(sql)
                .map_err(|e| db_error(e, "the customer database failed"))
        };
        let mut insert: Option<CachedStatement<'_>> = None;
        let mut update: Option<CachedStatement<'_>> = None;
        let mut results = Vec::with_capacity(writes.len());
        for write in writes {
            let result = match write {
                Write::Insert(record) => {
                    let stmt = match &mut insert {
                        Some(stmt) => stmt,
                        None => insert.insert(prepare(&self.sql.insert)?),
                    };
                    self.insert(stmt, record)
                }
                Write::Update { id, record } => {
                    let stmt = match &mut update {
                        Some(stmt) => stmt,
                        None => update.insert(prepare(&self.sql.update)?),
                    };
                    self.update(stmt, id, record)
                }
            };
            match result {
                Ok(id) => results.push(Ok(id)),
                Err(WriteFailure::Row(e)) => results.push(Err(e)),
                Err(WriteFailure::Batch(e)) => return Err(e),
            }
        }
        Ok(results)
    }

    /// Binds a row's columns from parameter `first` on; the next free one.
    pub(super) fn bind_row(
        &self,
        stmt: &mut CachedStatement<'_>,
        first: usize,
        row: &Row<'_>,
    ) -> Result<usize, rusqlite::Error> {
        let mut at = first;
        for value in &row.values {
            stmt.raw_bind_parameter(at, value.as_deref())?;
            at += 1;
        }
        if self.sql.custom {
            // No custom field: NULL rather than `{}`.
            let custom = row.custom.as_deref().filter(|json| *json != "{}");
            stmt.raw_bind_parameter(at, custom)?;
            at += 1;
        }
        Ok(at)
    }

    pub(super) fn insert(
        &self,
        stmt: &mut CachedStatement<'_>,
        record: &Record,
    ) -> Result<CustomerId, WriteFailure> {
        let row = self.mapping.row_of(record).map_err(WriteFailure::Row)?;
        let mut first = 1;
        if let Some(new_ids) = &self.new_ids {
            let id = new_ids.next();
            let param = self.id_param(&id).unwrap_or(IdParam::Text(id.to_string()));
            stmt.raw_bind_parameter(1, param).map_err(batch_error)?;
            first = 2;
        }
        self.bind_row(stmt, first, &row).map_err(batch_error)?;
        let inserted = if !self.sql.insert_returns {
            // The id column is the rowid: the new row's is the last one
            // inserted (the statement's own, not a trigger's).
            match stmt.raw_execute() {
                Ok(0) => Ok(None),
                Ok(_) => Ok(Some(CustomerId::Int(self.conn.last_insert_rowid()))),
                Err(e) => Err(e),
            }
        } else {
            let mut rows = stmt.raw_query();
            match rows.next() {
                Ok(Some(back)) => match back.get_ref(0) {
                    Ok(value) => {
                        let id = self.id_from(value).map_err(WriteFailure::Batch)?;
                        // Runs the statement to its end.
                        rows.next().map_err(batch_error)?;
                        Ok(Some(id))
                    }
                    Err(e) => Err(e),
                },
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            }
        };
        match inserted {
            Ok(Some(id)) => Ok(id),
            // A unique index refused it (ON CONFLICT DO NOTHING).
            Ok(None) => Err(self.refused(None, &row, None)),
            Err(e) => Err(self.refused(Some(e), &row, None)),
        }
    }

    pub(super) fn update(
        &self,
        stmt: &mut CachedStatement<'_>,
        id: &CustomerId,
        record: &Record,
    ) -> Result<CustomerId, WriteFailure> {
        let missing =
            || WriteFailure::Row(StoreError::new(format!("customer {id} does not exist")));
        let Some(param) = self.id_param(id) else {
            return Err(missing());
        };
        let row = self.mapping.row_of(record).map_err(WriteFailure::Row)?;
        let at = self.bind_row(stmt, 1, &row).map_err(batch_error)?;
        stmt.raw_bind_parameter(at, &param).map_err(batch_error)?;
        match stmt.raw_execute() {
            Ok(0) => {
                // Not there, or left alone by a trigger of the app's.
                let exists = self
                    .conn
                    .prepare_cached(&self.sql.exists)
                    .and_then(|mut s| s.exists([&param]))
                    .map_err(batch_error)?;
                match exists {
                    false => Err(missing()),
                    true => Err(WriteFailure::Row(StoreError::new(format!(
                        "the customer database left customer {id} unchanged"
                    )))),
                }
            }
            Ok(_) => Ok(id.clone()),
            Err(e) => Err(self.refused(Some(e), &row, Some(&param))),
        }
    }

    /// Why the database refused a write (`e`, or a unique index when there
    /// is none): a conflict naming the key when the email or the phone
    /// belongs to another customer than `id`; the write's own failure for
    /// another constraint; the batch's for anything else.
    pub(super) fn refused(
        &self,
        e: Option<rusqlite::Error>,
        row: &Row<'_>,
        id: Option<&IdParam>,
    ) -> WriteFailure {
        if !self.conn.is_autocommit() {
            match &e {
                None => {}
                Some(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {}
                Some(_) => return WriteFailure::Batch(self.failed(e)),
            }
        } else {
            // SQLite ended the transaction: nothing of the batch is left.
            return WriteFailure::Batch(self.failed(e));
        }
        let unique = match &e {
            None => true,
            Some(e) => e.sqlite_error().is_some_and(|f| {
                matches!(
                    f.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                )
            }),
        };
        if unique {
            for (at, sql) in [
                (self.sql.email_at, &self.sql.email_taken),
                (self.sql.phone_at, &self.sql.phone_taken),
            ] {
                let Some(Some(key)) = row.values.get(at) else {
                    continue;
                };
                let taken = self
                    .conn
                    .prepare_cached(sql)
                    .and_then(|mut s| s.exists((key, id)));
                match taken {
                    Ok(true) => {
                        let error =
                            StoreError::new(format!("{key} already belongs to another customer"))
                                .conflict();
                        return WriteFailure::Row(match e {
                            Some(e) => error.with_source(e),
                            None => error,
                        });
                    }
                    Ok(false) => {}
                    Err(e) => return batch_error(e),
                }
            }
        }
        let message = match &e {
            Some(e) => format!("the customer database refused the write: {e}"),
            None => format!(
                "the customer database refused the write: a unique column of the table {} already holds one of its values",
                self.mapping.get_table()
            ),
        };
        WriteFailure::Row(match e {
            Some(e) => StoreError::new(message).with_source(e),
            None => StoreError::new(message),
        })
    }

    pub(super) fn failed(&self, e: Option<rusqlite::Error>) -> StoreError {
        match e {
            Some(e) => db_error(e, "the customer database failed"),
            None => StoreError::new("the customer database ended the transaction"),
        }
    }

    /// Undoes what the current batch wrote, after it failed as a whole.
    pub(super) fn abandon_batch(&self) {
        if self.conn.is_autocommit() {
            // SQLite already rolled the transaction back.
            return;
        }
        // Already failing: a failure to undo leaves nothing better to do.
        if self.in_transaction {
            let _ = self.control("ROLLBACK TO intake_batch");
            let _ = self.control("RELEASE intake_batch");
        } else {
            let _ = self.control("ROLLBACK");
        }
    }

    /// Refuses to go on when SQLite ended an all-or-nothing transaction on
    /// its own (after a database error).
    pub(super) fn check_transaction(&mut self) -> Result<(), StoreError> {
        if self.in_transaction && self.conn.is_autocommit() {
            self.in_transaction = false;
            return Err(StoreError::new(
                "the customer database ended the all-or-nothing transaction after an error, so nothing was written",
            ));
        }
        Ok(())
    }
}
