//! What checking a row needs, owned: shared by the session's thread and
//! its checking threads for a whole import.

use super::date_order::DateOrders;
use super::row::{self, CheckState, CheckedRow};
use super::Importer;
use crate::messages;
use crate::problem::{Problem, ProblemCode};
use crate::read::RawRow;
use crate::record::Value;
use crate::schema::HeaderMap;

/// The importer's settings, the file's header and how it maps: all a row's
/// check reads. Held in an `Arc` by the session and every checking thread.
pub(super) struct Checker {
    pub(super) importer: Importer,
    pub(super) header: Vec<String>,
    pub(super) map: HeaderMap,
    /// The order of the dates of columns that decide it by their values.
    pub(super) date_orders: DateOrders,
    /// Whether the schema has password fields: their rows are worth
    /// sharing out however few (one hash takes longer than a thousand
    /// rows' checks).
    pub(super) hashes: bool,
}

impl Checker {
    pub(super) fn new(importer: Importer, header: Vec<String>, map: HeaderMap) -> Checker {
        let date_orders = DateOrders::new(&importer.schema, &map);
        let hashes = importer.schema.fields().iter().any(|f| f.is_secret());
        Checker {
            importer,
            header,
            map,
            date_orders,
            hashes,
        }
    }

    /// Checks one row: its cells, the schema's rules, then its passwords
    /// hashed into the record (on whichever thread checks it: the
    /// checking threads are the import's one pool, for hashing too).
    pub(super) fn check(&self, state: &mut CheckState, raw: RawRow) -> CheckedRow {
        let importer = &self.importer;
        let rules = row::Rules {
            schema: &importer.schema,
            map: &self.map,
            header: &self.header,
            context: &importer.context,
            empty_fields: importer.policy.clears_empty(),
            refuse_formulas: importer.refuse_formulas,
            date_orders: &self.date_orders,
        };
        let mut checked = row::check(&rules, state, raw);
        if !checked.secrets.is_empty() {
            self.hash(&mut checked);
        }
        checked
    }

    /// Hashes a valid row's passwords into its record. A row whose
    /// password cannot be hashed fails.
    fn hash(&self, checked: &mut CheckedRow) {
        let Ok(record) = &mut checked.outcome else {
            return;
        };
        let mut problems = Vec::new();
        for (field, plain) in &checked.secrets {
            // A panicking hasher fails its passwords, never the import.
            let hasher = &*self.importer.hasher;
            let hashed =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hasher.hash(&plain.0)));
            match hashed {
                Ok(Ok(hash)) => {
                    record.insert(field.clone(), Value::PasswordHash(hash.into()));
                }
                // The hasher's own text is the app's, not the person's
                // (like a store's): it is not shown.
                Ok(Err(_)) | Err(_) => problems.push(Problem::new(
                    ProblemCode::StoreFailed,
                    messages::PASSWORD_NOT_HASHED,
                )),
            }
        }
        if !problems.is_empty() {
            checked.outcome = Err(problems);
        }
    }
}
