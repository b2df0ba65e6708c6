//! The table a `SqliteStore` keeps customers in: the statements of a
//! mapping, the default table's DDL, and the checks of an app's own table.

use super::*;

/// The statements of a mapping, written once when the store is opened.
#[derive(Debug)]
pub(super) struct Statements {
    /// How many field columns the mapping has (columns `1..=fields` of a
    /// `select`; the custom column, if any, follows).
    pub(super) fields: usize,
    /// Whether the mapping has a custom fields column.
    pub(super) custom: bool,
    /// Where the email and phone key columns are among the field columns.
    pub(super) email_at: usize,
    pub(super) phone_at: usize,
    /// The email and phone key fields.
    pub(super) email_field: String,
    pub(super) phone_field: String,
    /// Every customer (id, field columns, custom column), in id order.
    pub(super) all: String,
    /// One customer: `?1` its id.
    pub(super) get: String,
    /// The customers of a batch of emails: `?1` a JSON array of them (no
    /// limit on how many keys a batch has).
    pub(super) lookup_emails: String,
    /// The same for phones.
    pub(super) lookup_phones: String,
    pub(super) count: String,
    /// `[id,] field columns…, custom`; answers the new id, or no row when
    /// a unique index refused it, unless `insert_returns` is false: then
    /// it answers nothing, and the new id is the last inserted rowid.
    pub(super) insert: String,
    /// Whether `insert` answers the new id (`RETURNING`).
    pub(super) insert_returns: bool,
    /// `field columns…, custom, id`.
    pub(super) update: String,
    /// `?1` an id.
    pub(super) exists: String,
    /// Whether another customer than `?2` (`NULL`: any) has the email, or
    /// the phone, `?1`.
    pub(super) email_taken: String,
    pub(super) phone_taken: String,
}

impl Statements {
    /// `id_is_rowid`: the id column is the table's rowid, whose new value
    /// SQLite tells without a `RETURNING` clause (which costs every insert
    /// a temporary table of its own: about a third of the statement).
    pub(super) fn new(
        mapping: &TableMapping,
        store_makes_ids: bool,
        id_is_rowid: bool,
    ) -> Statements {
        let table = quoted(mapping.get_table());
        let (id_column, _) = mapping.get_id_column();
        let id = quoted(id_column);
        let fields: Vec<String> = mapping.field_columns().map(|(_, c)| quoted(c)).collect();
        let custom = mapping.get_custom_fields().map(quoted);
        let written: Vec<&str> = fields
            .iter()
            .map(String::as_str)
            .chain(custom.as_deref())
            .collect();
        let position = |column: Option<&str>| {
            mapping
                .field_columns()
                .position(|(_, c)| Some(c) == column)
                .unwrap_or(0)
        };
        // The key fields: those whose columns are the key columns.
        let field_of = |column: Option<&str>| {
            mapping
                .field_columns()
                .find(|(_, c)| Some(*c) == column)
                .map(|(f, _)| f.to_string())
                .unwrap_or_default()
        };
        let email_field = field_of(mapping.email_column());
        let phone_field = field_of(mapping.phone_column());
        let email = quoted(mapping.email_column().unwrap_or_default());
        let phone = quoted(mapping.phone_column().unwrap_or_default());
        let select = format!("SELECT {id}, {} FROM {table}", written.join(", "));
        // The lookup walks the keys and seeks each in its index (CROSS JOIN
        // keeps that order); `IN (SELECT …)` would first copy the keys into
        // a temporary index. The table's column comes first in the
        // comparison, so that its collation is the one used (the index's).
        let qualified: Vec<String> = written.iter().map(|c| format!("c.{c}")).collect();
        let by_key = |param: &str| {
            format!(
                "SELECT c.{id}, {} FROM json_each({param}) AS k CROSS JOIN {table} AS c",
                qualified.join(", ")
            )
        };
        let by_key = by_key("?1");

        let mut insert_columns = Vec::with_capacity(written.len() + 1);
        if store_makes_ids {
            insert_columns.push(id.as_str());
        }
        insert_columns.extend(&written);
        let placeholders: Vec<String> = (1..=insert_columns.len())
            .map(|n| format!("?{n}"))
            .collect();
        let assignments: Vec<String> = written
            .iter()
            .enumerate()
            .map(|(n, column)| format!("{column} = ?{}", n + 1))
            .collect();
        let taken = |column: &str| {
            format!(
                "SELECT 1 FROM {table} WHERE {column} = ?1 AND (?2 IS NULL OR {id} <> ?2) LIMIT 1"
            )
        };
        let insert_returns = store_makes_ids || !id_is_rowid;
        let returning = match insert_returns {
            true => format!(" RETURNING {id}"),
            false => String::new(),
        };
        Statements {
            fields: fields.len(),
            custom: custom.is_some(),
            email_at: position(mapping.email_column()),
            phone_at: position(mapping.phone_column()),
            email_field,
            phone_field,
            all: format!("{select} ORDER BY {id}"),
            get: format!("{select} WHERE {id} = ?1"),
            lookup_emails: format!("{by_key} ON c.{email} = k.value"),
            lookup_phones: format!("{by_key} ON c.{phone} = k.value"),
            count: format!("SELECT COUNT(*) FROM {table}"),
            insert: format!(
                "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT DO NOTHING{returning}",
                insert_columns.join(", "),
                placeholders.join(", ")
            ),
            insert_returns,
            update: format!(
                "UPDATE {table} SET {} WHERE {id} = ?{}",
                assignments.join(", "),
                written.len() + 1
            ),
            exists: format!("SELECT 1 FROM {table} WHERE {id} = ?1"),
            email_taken: taken(&email),
            phone_taken: taken(&phone),
        }
    }
}

/// The table and indexes of a mapping, created when the table is missing.
pub(super) fn create_table(mapping: &TableMapping) -> String {
    let (schema, name) = split_table(mapping.get_table());
    let table = quoted(mapping.get_table());
    let (id_column, kind) = mapping.get_id_column();
    let id_type = match kind {
        IdKind::Int => "INTEGER PRIMARY KEY",
        _ => "TEXT PRIMARY KEY NOT NULL",
    };
    let mut sql = format!(
        "CREATE TABLE IF NOT EXISTS {table} (\n    {} {id_type}",
        quoted(id_column)
    );
    for (_, column) in mapping.field_columns() {
        sql.push_str(&format!(",\n    {} TEXT", quoted(column)));
    }
    if let Some(custom) = mapping.get_custom_fields() {
        sql.push_str(&format!(",\n    {} TEXT", quoted(custom)));
    }
    sql.push_str("\n);\n");
    let prefix = schema
        .map(|s| format!("{}.", quoted(s)))
        .unwrap_or_default();
    for column in [mapping.email_column(), mapping.phone_column()]
        .into_iter()
        .flatten()
    {
        sql.push_str(&format!(
            "CREATE UNIQUE INDEX IF NOT EXISTS {prefix}{} ON {} ({});\n",
            quoted(&format!("{name}_{column}")),
            quoted(name),
            quoted(column)
        ));
    }
    sql
}

/// `schema.table` as its schema, if any, and its table.
pub(super) fn split_table(table: &str) -> (Option<&str>, &str) {
    match table.split_once('.') {
        Some((schema, name)) => (Some(schema), name),
        None => (None, table),
    }
}

/// The default table: the contacts preset's fields.
pub(super) fn default_mapping() -> TableMapping {
    TableMapping::for_schema(&crate::presets::contacts())
}

/// The table's columns, `(name, has a default)`; none when the table is
/// missing.
pub(super) fn table_columns(
    conn: &Connection,
    mapping: &TableMapping,
) -> Result<Vec<(String, bool)>, rusqlite::Error> {
    let (schema, name) = split_table(mapping.get_table());
    let sql = match schema {
        Some(_) => "SELECT name, dflt_value IS NOT NULL FROM pragma_table_info(?1, ?2)",
        None => "SELECT name, dflt_value IS NOT NULL FROM pragma_table_info(?1)",
    };
    let mut stmt = conn.prepare(sql)?;
    let read = |row: &rusqlite::Row<'_>| Ok((row.get(0)?, row.get(1)?));
    match schema {
        Some(schema) => stmt.query_map([name, schema], read)?.collect(),
        None => stmt.query_map([name], read)?.collect(),
    }
}

/// Whether the mapping's id column is the table's rowid: its only
/// primary key column, declared `INTEGER`, in a table with rowids and
/// without an index for its primary key (which `INTEGER PRIMARY KEY DESC`
/// and `WITHOUT ROWID` tables have, and whose ids are not rowids).
pub(super) fn id_is_rowid(
    conn: &Connection,
    mapping: &TableMapping,
) -> Result<bool, rusqlite::Error> {
    let (schema, name) = split_table(mapping.get_table());
    let schema = schema.unwrap_or("main");
    let (id_column, _) = mapping.get_id_column();
    let mut info = conn.prepare("SELECT name, type FROM pragma_table_info(?1, ?2) WHERE pk > 0")?;
    let keys: Vec<(String, String)> = info
        .query_map([name, schema], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let integer_key = matches!(keys.as_slice(), [(column, kind)]
        if column.eq_ignore_ascii_case(id_column) && kind.eq_ignore_ascii_case("INTEGER"));
    if !integer_key {
        return Ok(false);
    }
    let key_index: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1, ?2) WHERE origin = 'pk')",
        [name, schema],
        |row| row.get(0),
    )?;
    Ok(!key_index)
}

/// The columns of the table that a unique index of their own (or a
/// `UNIQUE` or `PRIMARY KEY` constraint) covers.
pub(super) fn unique_columns(
    conn: &Connection,
    mapping: &TableMapping,
) -> Result<Vec<String>, rusqlite::Error> {
    let (schema, name) = split_table(mapping.get_table());
    let schema = schema.unwrap_or("main");
    let mut indexes = conn.prepare(
        "SELECT name FROM pragma_index_list(?1, ?2) WHERE \"unique\" = 1 AND partial = 0",
    )?;
    let names: Vec<String> = indexes
        .query_map([name, schema], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut info = conn.prepare("SELECT name FROM pragma_index_info(?1, ?2)")?;
    let mut unique = Vec::new();
    for index in names {
        let columns: Vec<Option<String>> = info
            .query_map([index.as_str(), schema], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        if let [Some(column)] = columns.as_slice() {
            unique.push(column.clone());
        }
    }
    Ok(unique)
}
