//! Day first or month first: decided per date column by the values that
//! can only be read one way ([`Field::day_or_month_first`]).
//!
//! The engine's thread looks at each batch before its rows are checked,
//! while no check is running, and settles a column's order at the first
//! telling value; the checks of that batch and of every later one read
//! the decision. So the result does not depend on how rows are spread
//! over threads, and equals reading the rows one at a time, except that
//! an ambiguous value in the same batch before the telling one already
//! gets the decided order.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

use crate::messages::cell;
use crate::read::RawRow;
use crate::report::{unneutralize, Warning, WarningCode};
use crate::schema::{Field, HeaderMap, Schema};
use crate::validate;

/// Which of the day and the month comes first in a column's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayMonth {
    DayFirst,
    MonthFirst,
}

impl DayMonth {
    pub(crate) fn pattern(self) -> &'static str {
        match self {
            DayMonth::DayFirst => "DD/MM/YYYY",
            DayMonth::MonthFirst => "MM/DD/YYYY",
        }
    }
}

const UNDECIDED: u8 = 0;
const DAY_FIRST: u8 = 1;
const MONTH_FIRST: u8 = 2;

/// The order of each field's dates, for the fields that decide it.
#[derive(Debug, Default)]
pub(crate) struct DateOrders {
    /// By field index: undecided, day first or month first. Written by the
    /// engine's thread between batches only (see the module docs), read by
    /// the checking threads, which receive each batch over a channel after
    /// the write.
    slots: Vec<AtomicU8>,
    /// (field, column) of the fields still undecided; only the engine's
    /// thread uses it.
    open: Mutex<Vec<(usize, usize)>>,
}

impl DateOrders {
    /// Ready for an import of `schema` whose header maps as `map`.
    pub(crate) fn new(schema: &Schema, map: &HeaderMap) -> DateOrders {
        let fields = schema.fields();
        let open = fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.reads_day_or_month_first())
            .filter_map(|(f, _)| map.column_of(f).map(|col| (f, col)))
            .collect();
        DateOrders {
            slots: fields.iter().map(|_| AtomicU8::new(UNDECIDED)).collect(),
            open: Mutex::new(open),
        }
    }

    /// The order decided for field `f`, if any.
    pub(crate) fn of(&self, f: usize) -> Option<DayMonth> {
        match self.slots.get(f).map(|s| s.load(Ordering::Relaxed)) {
            Some(DAY_FIRST) => Some(DayMonth::DayFirst),
            Some(MONTH_FIRST) => Some(DayMonth::MonthFirst),
            _ => None,
        }
    }

    /// Settles the order of every undecided column that `batch` has a
    /// telling value for; a warning for each column settled. Called
    /// before the batch's rows are checked.
    pub(crate) fn settle(
        &self,
        batch: &[RawRow],
        fields: &[Field],
        header: &[String],
    ) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let slots = &self.slots;
        // Only this thread locks it: a poisoned lock still holds the list.
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.retain(|&(f, col)| {
            let found = batch.iter().find_map(|raw| {
                let value = unneutralize(raw.cells.get(col)?.trim());
                let order = match validate::day_month_readings(value)? {
                    (Some(_), None) => DayMonth::DayFirst,
                    (None, Some(_)) => DayMonth::MonthFirst,
                    _ => return None,
                };
                Some((order, raw.row, value.to_string()))
            });
            let Some((order, row, value)) = found else {
                return true;
            };
            if let Some(slot) = slots.get(f) {
                let code = match order {
                    DayMonth::DayFirst => DAY_FIRST,
                    DayMonth::MonthFirst => MONTH_FIRST,
                };
                slot.store(code, Ordering::Relaxed);
            }
            let column = header
                .get(col)
                .cloned()
                .or_else(|| fields.get(f).map(|x| x.get_label().to_string()))
                .unwrap_or_default();
            warnings.push(Warning::new(
                WarningCode::DateOrder,
                cell::dates_read(
                    &column,
                    order == DayMonth::DayFirst,
                    order.pattern(),
                    &value,
                    row,
                ),
            ));
            false
        });
        warnings
    }
}
