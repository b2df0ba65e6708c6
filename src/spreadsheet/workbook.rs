//! Opens a spreadsheet with calamine, picks the sheet, and collects its
//! cells (bounded) for [`SheetRows`].

use std::io::{self, Read};
use std::panic::{self, AssertUnwindSafe};

use calamine::{Data, DataRef, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use super::cell::{Cells, SheetRows};
use super::guard::{self, Format};
use super::Container;
use crate::error::{Error, ErrorKind};
use crate::messages::{self, file};
use crate::schema::{ColumnChoices, Schema};
use crate::{Limit, Limits};

type Bytes = io::Cursor<Vec<u8>>;

/// Reads the spreadsheet upload `input` (its first bytes announced
/// `container`) and returns the chosen sheet's header and rows, dates
/// written for the fields `schema` maps the columns to with the app's
/// choices (`columns`), refusing a file past the spreadsheet `limits`.
pub(crate) fn open<R: Read>(
    container: Container,
    input: R,
    sheet: Option<&str>,
    schema: &Schema,
    columns: &ColumnChoices,
    limits: &Limits,
) -> Result<(Vec<String>, SheetRows), Error> {
    let bytes = read_all(input, limits)?;
    let format = guard::inspect(container, &bytes, limits)?;
    // calamine indexes slices with offsets read from the file; a panic
    // there is a broken file, not a reason to take the app down.
    let read = panic::catch_unwind(AssertUnwindSafe(|| {
        read_sheet(format, bytes, sheet, limits)
    }));
    let cells = match read {
        Ok(cells) => cells?,
        Err(_) => {
            return Err(guard::broken(
                format.describe(),
                messages::spreadsheet::DAMAGED,
            ))
        }
    };
    SheetRows::new(cells, schema, columns)
}

/// Reads the whole upload, refusing more than the spreadsheet limit.
fn read_all<R: Read>(input: R, limits: &Limits) -> Result<Vec<u8>, Error> {
    let most = limits.get_max_spreadsheet_bytes();
    let mut bytes = Vec::new();
    input
        .take(most.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(ErrorKind::Unreadable, file::could_not_read(e)))?;
    if bytes.len() as u64 > most {
        return Err(guard::too_large(
            limits,
            Limit::SpreadsheetBytes,
            &messages::spreadsheet::larger_than(most),
        ));
    }
    Ok(bytes)
}

/// Opens the workbook and collects the chosen sheet's cells.
fn read_sheet(
    format: Format,
    bytes: Vec<u8>,
    wanted: Option<&str>,
    limits: &Limits,
) -> Result<Cells, Error> {
    let cursor = io::Cursor::new(bytes);
    let failed = |e: &dyn std::fmt::Display| calamine_error(format, e);
    match format {
        Format::Xlsx => {
            let mut book: Xlsx<Bytes> = Xlsx::new(cursor).map_err(|e| failed(&e))?;
            let name = choose(book.sheets_metadata(), wanted)?;
            let mut reader = book.worksheet_cells_reader(&name).map_err(|e| failed(&e))?;
            let mut cells = Collector::new(name, limits);
            while let Some(cell) = reader.next_cell().map_err(|e| failed(&e))? {
                let (row, col) = cell.get_position();
                cells.push(row, col, cell.get_value())?;
            }
            cells.finish()
        }
        Format::Xlsb => {
            let mut book: Xlsb<Bytes> = Xlsb::new(cursor).map_err(|e| failed(&e))?;
            let name = choose(book.sheets_metadata(), wanted)?;
            let mut reader = book.worksheet_cells_reader(&name).map_err(|e| failed(&e))?;
            let mut cells = Collector::new(name, limits);
            while let Some(cell) = reader.next_cell().map_err(|e| failed(&e))? {
                let (row, col) = cell.get_position();
                cells.push(row, col, cell.get_value())?;
            }
            cells.finish()
        }
        Format::Ods => {
            let book: Ods<Bytes> = Ods::new(cursor).map_err(|e| failed(&e))?;
            whole_sheet(book, wanted, limits, failed)
        }
        Format::Xls => {
            let book: Xls<Bytes> = Xls::new(cursor).map_err(|e| failed(&e))?;
            whole_sheet(book, wanted, limits, failed)
        }
    }
}

/// Collects a sheet of a format calamine reads whole (`.ods`, `.xls`).
fn whole_sheet<B: Reader<Bytes>>(
    mut book: B,
    wanted: Option<&str>,
    limits: &Limits,
    failed: impl Fn(&dyn std::fmt::Display) -> Error,
) -> Result<Cells, Error>
where
    B::Error: std::fmt::Display,
{
    let name = choose(book.sheets_metadata(), wanted)?;
    let range = book.worksheet_range(&name).map_err(|e| failed(&e))?;
    drop(book);
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut cells = Collector::new(name, limits);
    for (r, c, value) in range.used_cells() {
        // Positions in a range are relative to its start, which calamine
        // keeps within u32.
        let row = row0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX));
        let col = col0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX));
        cells.push_owned(row, col, value.clone())?;
    }
    cells.finish()
}

/// A calamine failure, in words for people.
fn calamine_error(format: Format, e: &dyn std::fmt::Display) -> Error {
    let detail = e.to_string();
    if detail.to_ascii_lowercase().contains("password") {
        return guard::password_protected();
    }
    guard::broken(format.describe(), detail)
}

/// Picks the sheet: the one the app named, else the first visible
/// worksheet.
fn choose(sheets: &[calamine::Sheet], wanted: Option<&str>) -> Result<String, Error> {
    let worksheets: Vec<&calamine::Sheet> = sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .collect();
    let names = || {
        worksheets
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    match wanted {
        Some(wanted) => {
            let found = worksheets.iter().find(|s| s.name == wanted).or_else(|| {
                worksheets
                    .iter()
                    .find(|s| s.name.trim().to_lowercase() == wanted.trim().to_lowercase())
            });
            match found {
                Some(s) => Ok(s.name.clone()),
                None => {
                    let sheets = names();
                    let message = messages::spreadsheet::no_such_sheet(wanted, &sheets);
                    Err(Error::new(
                        ErrorKind::UnknownSheet {
                            sheet: wanted.to_string(),
                            sheets,
                        },
                        message,
                    ))
                }
            }
        }
        None => match worksheets
            .iter()
            .find(|s| s.visible == SheetVisible::Visible)
        {
            Some(s) => Ok(s.name.clone()),
            None if worksheets.is_empty() => Err(Error::new(
                ErrorKind::EmptyFile,
                messages::spreadsheet::NO_WORKSHEETS,
            )),
            None => Err(Error::new(
                ErrorKind::EmptyFile,
                messages::spreadsheet::all_sheets_hidden(&names()),
            )),
        },
    }
}

/// The column's letters as a spreadsheet shows them (0 → `A`, 26 → `AA`).
pub(super) fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Gathers a sheet's filled cells, refusing a sheet past the limits.
struct Collector<'l> {
    sheet: String,
    limits: &'l Limits,
    cells: Vec<(u32, u32, Data)>,
    first_col: u32,
    last_col: u32,
}

impl<'l> Collector<'l> {
    fn new(sheet: String, limits: &'l Limits) -> Collector<'l> {
        Collector {
            sheet,
            limits,
            cells: Vec::new(),
            first_col: u32::MAX,
            last_col: 0,
        }
    }

    fn push(&mut self, row: u32, col: u32, value: &DataRef<'_>) -> Result<(), Error> {
        match value {
            DataRef::Empty => Ok(()),
            DataRef::String(s) if s.is_empty() => Ok(()),
            DataRef::SharedString("") => Ok(()),
            other => self.push_owned(row, col, Data::from(other.clone())),
        }
    }

    fn push_owned(&mut self, row: u32, col: u32, value: Data) -> Result<(), Error> {
        if matches!(&value, Data::Empty) || matches!(&value, Data::String(s) if s.is_empty()) {
            return Ok(());
        }
        self.first_col = self.first_col.min(col);
        self.last_col = self.last_col.max(col);
        let width = u64::from(self.last_col - self.first_col) + 1;
        let most = self.limits.get_max_columns();
        if width > most {
            return Err(Error::new(
                ErrorKind::TooLarge {
                    what: Limit::Columns,
                    limit: most,
                },
                messages::spreadsheet::sheet_too_wide(
                    &self.sheet,
                    width,
                    &column_letters(self.first_col),
                    &column_letters(self.last_col),
                    most,
                ),
            ));
        }
        if self.cells.len() as u64 >= self.limits.get_max_cells() {
            return Err(guard::too_many_cells(
                self.limits,
                &messages::spreadsheet::sheet_cells_over(&self.sheet, self.limits.get_max_cells()),
            ));
        }
        self.cells.push((row, col, value));
        Ok(())
    }

    fn finish(mut self) -> Result<Cells, Error> {
        if self.cells.is_empty() {
            return Err(Error::new(
                ErrorKind::EmptyFile,
                messages::spreadsheet::sheet_empty(&self.sheet),
            ));
        }
        // Cells come in file order, which is not always row order.
        self.cells.sort_by_key(|&(row, col, _)| (row, col));
        Ok(Cells {
            first_col: self.first_col,
            cells: self.cells,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_a_spreadsheet_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(999), "ALL");
        assert_eq!(column_letters(16_383), "XFD");
    }
}
