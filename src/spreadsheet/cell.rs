//! Sheet cells → the text rows the import pipeline reads, each cell
//! written the way its column's field needs it.

use calamine::Data;

use crate::error::Error;
use crate::read::RawRow;
use crate::schema::{ColumnChoices, DateFormat, FieldKind, Schema};

/// A sheet's filled cells, sorted by row then column (0-based positions).
pub(super) struct Cells {
    /// The sheet's first column holding a value: the table's first column.
    pub first_col: u32,
    pub cells: Vec<(u32, u32, Data)>,
}

/// The data rows of a sheet, from the row after the header to the last row
/// holding a value, empty rows included (as blank rows).
pub(crate) struct SheetRows {
    cells: std::iter::Peekable<std::vec::IntoIter<(u32, u32, Data)>>,
    first_col: u32,
    /// The sheet row (0-based) the next call returns.
    next_row: u64,
    /// The last sheet row holding a value (0-based).
    last_row: u64,
    /// How each column's dates are written, by column.
    dates: Vec<Option<DateFormat>>,
}

impl SheetRows {
    /// Splits off the header (the first row holding a value) and prepares
    /// the rows after it, writing dates in the format of the field each
    /// column maps to with the app's choices (`columns`: its overrides
    /// and remembered mappings): the mapping the import itself makes of
    /// this header.
    pub(super) fn new(
        cells: Cells,
        schema: &Schema,
        columns: &ColumnChoices,
    ) -> Result<(Vec<String>, SheetRows), Error> {
        let Cells { first_col, cells } = cells;
        let header_row = cells.first().map_or(0, |&(row, _, _)| row);
        let last_row = cells.last().map_or(0, |&(row, _, _)| row);
        let mut rows = SheetRows {
            cells: cells.into_iter().peekable(),
            first_col,
            next_row: u64::from(header_row),
            last_row: u64::from(last_row),
            dates: Vec::new(),
        };
        let header = rows.next_cells();
        // The import's own mapping, the app's choices included: a column mapped by
        // hand is a date column of its field, an ignored one is of none.
        // A header the schema refuses fails in the import, as for CSV; the
        // cells are then written with ISO dates, never read.
        if let Ok((map, _)) = schema.map_header_chosen(&header, columns) {
            rows.dates = (0..header.len())
                .map(|col| {
                    let field = map.field_of(col).and_then(|f| schema.fields().get(f))?;
                    match field.kind() {
                        FieldKind::Date(formats) => {
                            Some(formats.first().cloned().unwrap_or_else(DateFormat::iso))
                        }
                        _ => None,
                    }
                })
                .collect();
        }
        Ok((header, rows))
    }

    /// The cells of row `next_row`, as text, and moves to the next row.
    fn next_cells(&mut self) -> Vec<String> {
        let row = self.next_row;
        self.next_row += 1;
        let mut out = Vec::with_capacity(self.dates.len());
        while let Some((_, col, value)) = self.cells.next_if(|&(r, _, _)| u64::from(r) == row) {
            let index = col.saturating_sub(self.first_col) as usize;
            // Two cells at one position (a damaged file): the first counts.
            if index < out.len() {
                continue;
            }
            out.resize(index, String::new());
            let date = self.dates.get(index).and_then(Option::as_ref);
            out.push(text(value, date));
        }
        out
    }
}

impl Iterator for SheetRows {
    type Item = Result<RawRow, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next_row > self.last_row {
            return None;
        }
        // Spreadsheet rows count from 1.
        let number = self.next_row + 1;
        let cells = self.next_cells();
        Some(Ok(RawRow::new(cells, number, number)))
    }
}

/// Year, month, day.
type Ymd = (i32, u32, u32);
/// Hours, minutes, seconds.
type Hms = (u8, u8, u8);

/// Excel's last date, 9999-12-31, as a serial number.
const LAST_SERIAL: f64 = 2_958_466.0;

/// A cell as text: dates in `date` (else ISO), numbers with all their
/// digits and no more, booleans `TRUE`/`FALSE`, errors empty.
pub(super) fn text(value: Data, date: Option<&DateFormat>) -> String {
    match value {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(f),
        Data::Bool(b) => if b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => duration(dt.as_f64()),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if !(0.0..LAST_SERIAL).contains(&serial) {
                return number(serial);
            }
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if serial < 1.0 {
                // A time of day without a date.
                return format!("{hh:02}:{mm:02}:{ss:02}");
            }
            calendar(
                (i32::from(y), u32::from(m), u32::from(d)),
                (hh, mm, ss),
                date,
            )
        }
        Data::DateTimeIso(iso) => match iso_parts(&iso) {
            Some((ymd, hms)) => calendar(ymd, hms, date),
            None => iso,
        },
        Data::DurationIso(iso) => iso,
    }
}

/// A date (and time of day): in the field's format when the column is a
/// date field (the time dropped), else ISO with the time if there is one.
fn calendar(ymd: Ymd, hms: Hms, date: Option<&DateFormat>) -> String {
    let (y, m, d) = ymd;
    match date {
        Some(format) => format.format(y, m, d),
        None => {
            let day = DateFormat::iso().format(y, m, d);
            match hms {
                (0, 0, 0) => day,
                (hh, mm, ss) => format!("{day} {hh:02}:{mm:02}:{ss:02}"),
            }
        }
    }
}

/// `1986-10-25` or `1986-10-25T10:30:00` (an ODS date) → its parts.
fn iso_parts(iso: &str) -> Option<(Ymd, Hms)> {
    let day = iso.get(..10)?;
    let ymd = DateFormat::iso().parse_parts(day)?;
    let rest = iso.get(10..)?;
    if rest.is_empty() {
        return Some((ymd, (0, 0, 0)));
    }
    let time = rest.strip_prefix('T')?;
    let part = |range: std::ops::Range<usize>| time.get(range)?.parse::<u8>().ok();
    Some((ymd, (part(0..2)?, part(3..5)?, part(6..8)?)))
}

/// A number as a person reads it: whole numbers with every digit and no
/// `.0` or exponent; others to the 15 significant digits spreadsheets keep.
pub(super) fn number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 {
        // Display never uses an exponent, and drops the `.0`; `+ 0.0`
        // turns -0 into 0.
        return (f + 0.0).to_string();
    }
    // Round off binary noise (0.1 + 0.2 = 0.30000000000000004).
    format!("{f:.14e}")
        .parse::<f64>()
        .map_or_else(|_| f.to_string(), |g| g.to_string())
}

/// A duration in days as `H:MM:SS`.
fn duration(days: f64) -> String {
    if !days.is_finite() || days.abs() > LAST_SERIAL {
        return number(days);
    }
    let total = (days.abs() * 86_400.0).round() as u64;
    let sign = if days < 0.0 { "-" } else { "" };
    format!(
        "{sign}{}:{:02}:{:02}",
        total / 3600,
        total / 60 % 60,
        total % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    fn date(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    #[test]
    fn whole_numbers_keep_every_digit() {
        assert_eq!(number(4155550101.0), "4155550101");
        assert_eq!(number(14155550101.0), "14155550101");
        assert_eq!(number(2134.0), "2134");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1e20), "100000000000000000000");
    }

    #[test]
    fn fractions_lose_binary_noise_only() {
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(-3.25), "-3.25");
        assert_eq!(number(1.0 / 3.0), "0.333333333333333");
    }

    #[test]
    fn date_cell_takes_the_fields_format() {
        let slash = DateFormat::new("YYYY/MM/DD").unwrap();
        // 2018-05-12 is serial 43232.
        assert_eq!(text(date(43232.0), Some(&slash)), "2018/05/12");
        assert_eq!(text(date(43232.0), None), "2018-05-12");
        assert_eq!(text(date(43232.75), Some(&slash)), "2018/05/12");
        assert_eq!(text(date(43232.75), None), "2018-05-12 18:00:00");
        assert_eq!(text(date(0.5), None), "12:00:00");
    }

    #[test]
    fn date_1904_system_is_honoured() {
        let d = Data::DateTime(ExcelDateTime::new(
            41770.0,
            ExcelDateTimeType::DateTime,
            true,
        ));
        assert_eq!(text(d, None), "2018-05-12");
    }

    #[test]
    fn out_of_range_serial_reads_as_its_number() {
        assert_eq!(text(date(-5.0), None), "-5");
        assert_eq!(text(date(1e300), None), number(1e300));
        assert_eq!(text(date(f64::NAN), None), "NaN");
    }

    #[test]
    fn ods_dates_take_the_fields_format() {
        let slash = DateFormat::new("YYYY/MM/DD").unwrap();
        let d = Data::DateTimeIso("2018-05-12".into());
        assert_eq!(text(d, Some(&slash)), "2018/05/12");
        let dt = Data::DateTimeIso("2018-05-12T09:30:00".into());
        assert_eq!(text(dt, None), "2018-05-12 09:30:00");
        assert_eq!(text(Data::DateTimeIso("garbage".into()), None), "garbage");
    }

    #[test]
    fn booleans_errors_and_durations() {
        assert_eq!(text(Data::Bool(true), None), "TRUE");
        assert_eq!(text(Data::Bool(false), None), "FALSE");
        assert_eq!(text(Data::Error(CellErrorType::NA), None), "");
        let d = Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(text(d, None), "36:00:00");
    }
}
