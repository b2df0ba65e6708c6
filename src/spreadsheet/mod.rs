//! Spreadsheet uploads: `.xlsx`, `.xlsb`, `.xls` and `.ods` files read
//! through [calamine](https://docs.rs/calamine), with the feature
//! `spreadsheet`.
//!
//! [`Importer::import`](crate::Importer::import) tells a spreadsheet from a
//! CSV file by its first bytes, never by a file name: a zip archive
//! (`PK\x03\x04`) is an `.xlsx`, `.xlsb` or `.ods` file, told apart by what
//! the archive holds; an OLE compound file (`D0 CF 11 E0`) is an `.xls`
//! file. Anything else is read as CSV. Without the feature, a spreadsheet
//! upload fails as `unreadable`, asking the person to save it as CSV.
//!
//! ```
//! # fn main() -> Result<(), intake::Error> {
//! use intake::{presets, Context, Importer, MemoryStore};
//!
//! // The bytes as uploaded: no file name needed.
//! let upload = std::fs::read("tests/data/sheets/customers.xlsx").unwrap();
//! let mut store = MemoryStore::new();
//! let report = Importer::new(presets::contacts())
//!     .context(Context::new().default_country("US")?)
//!     .sheet("Customers") // optional: the first visible sheet otherwise
//!     .import(&upload[..], &mut store)?;
//! assert_eq!((report.inserted, report.failed), (3, 1));
//! // Rows are numbered as the spreadsheet shows them.
//! assert_eq!(report.failures[0].row, 5);
//! # Ok(())
//! # }
//! ```
//!
//! # Which sheet
//!
//! The first visible worksheet, unless the app names one with
//! [`Importer::sheet`](crate::Importer::sheet) (matched exactly, else
//! ignoring case). Hidden sheets are skipped when choosing the default one
//! but can be named. A name the file does not have fails as
//! `unknown_sheet`, listing the sheets the file has
//! ([`ErrorKind::UnknownSheet`]).
//!
//! # Rows and cells
//!
//! The header is the sheet's first row holding a value; the columns start
//! at the sheet's first column holding a value. Each row keeps the number
//! the spreadsheet shows (`row` and `line` in a
//! [`RowFailure`](crate::RowFailure) are both that number), empty rows
//! included; empty rows and columns after the data are ignored. From there
//! on, a sheet's rows go through exactly the same header mapping,
//! validation, policy and report as CSV rows.
//!
//! Cells are turned into text the way the sheet shows them, keeping what an
//! import needs:
//!
//! - **Dates** stored as dates (a number with a date format, or an ODS date)
//!   are written in the first date format of the field the column feeds
//!   (`2018/05/12` for a `YYYY/MM/DD` field), whatever format the column
//!   displays them in; in other columns as ISO `YYYY-MM-DD` (with
//!   ` HH:MM:SS` when there is a time of day). The column's field is the
//!   import's own mapping, so a column given a field with
//!   [`Importer::map_column`](crate::Importer::map_column) takes that
//!   field's format, and one left out with
//!   [`Importer::ignore_column`](crate::Importer::ignore_column) none. A
//!   date typed as text is read as that text.
//! - **Numbers** keep their digits: a whole number never gains `.0` nor an
//!   exponent (`4155550101`, not `4.15555e9`); other numbers are rounded to
//!   the 15 significant digits a spreadsheet keeps (`0.3`, not
//!   `0.30000000000000004`).
//! - **Leading zeros** of a postal code or phone stored as *text* are kept.
//!   A number stored as a number has no leading zero to keep: if `02134`
//!   was typed into a number cell, the file holds `2134`, even when a
//!   `00000` number format displays it as `02134` (the format is not read).
//!   Format such columns as text in the sheet.
//! - **Formulas** give the value last calculated and saved in the file;
//!   they are not calculated again. (LibreOffice's `.xls` export saves no
//!   result for formulas giving text: those read as `0`.)
//! - **Booleans** read `TRUE` or `FALSE`.
//! - **Error values** (`#N/A`, `#DIV/0!`, …) read as empty: there is no
//!   value to import, so a required field reports `required`.
//! - **Merged cells** hold their value in the top-left cell only; the other
//!   cells of the merge read as empty.
//!
//! # Limits
//!
//! A spreadsheet cannot be streamed like CSV: the whole upload is read into
//! memory, up to [`Limits::max_spreadsheet_bytes`](crate::Limits::max_spreadsheet_bytes)
//! (32 MiB). Before calamine builds a sheet, the file is checked so that a
//! zip bomb or a sheet claiming a million columns fails as `too_large`
//! ([`ErrorKind::TooLarge`], naming the [`Limit`](crate::Limit)), in
//! bounded memory and time, instead of exhausting memory: at most
//! [`max_unzipped_bytes`](crate::Limits::max_unzipped_bytes) (256 MiB)
//! once unzipped, [`max_columns`](crate::Limits::max_columns) (1,000)
//! columns, [`max_cells`](crate::Limits::max_cells) (2,000,000) cells (for
//! `.ods` and `.xls` files, which calamine reads whole, rows × columns of
//! the used range of every sheet together), and for those,
//! [`max_sheet_text_bytes`](crate::Limits::max_sheet_text_bytes) (256 MiB)
//! of text. A file that is broken rather than too big (truncated, sheets
//! that overlap) fails as `unreadable`.
//!
//! ```
//! # fn main() -> Result<(), intake::Error> {
//! use intake::{presets, ErrorKind, Importer, Limit, Limits, MemoryStore};
//!
//! let upload = std::fs::read("tests/data/sheets/customers.xlsx").unwrap();
//! let err = Importer::new(presets::contacts())
//!     .limits(Limits::default().max_cells(20))
//!     .import(&upload[..], &mut MemoryStore::new())
//!     .unwrap_err();
//! assert_eq!(err.code(), "too_large");
//! assert!(matches!(err.kind(), ErrorKind::TooLarge { what: Limit::Cells, limit: 20 }));
//! # Ok(())
//! # }
//! ```

use std::io::{self, Read};

use crate::error::{Error, ErrorKind};
use crate::messages::file;

#[cfg(feature = "spreadsheet")]
mod cell;
#[cfg(feature = "spreadsheet")]
mod guard;
#[cfg(feature = "spreadsheet")]
mod template;
#[cfg(feature = "spreadsheet")]
mod workbook;

#[cfg(feature = "spreadsheet")]
pub(crate) use workbook::open;

/// The kind of file the first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    /// A zip archive: `.xlsx`, `.xlsb` or `.ods` (or some other zip).
    Zip,
    /// An OLE compound file: `.xls` (or some other Office 97 file).
    Ole,
}

/// How many first bytes [`detect`] needs.
pub(crate) const SIGNATURE_LEN: usize = 8;

/// Tells a spreadsheet from CSV by the upload's first bytes. CSV text
/// never starts with these control bytes, so no CSV file is taken for a
/// spreadsheet.
pub(crate) fn detect(first: &[u8]) -> Option<Container> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if first.starts_with(ZIP) {
        Some(Container::Zip)
    } else if first.starts_with(OLE) {
        Some(Container::Ole)
    } else {
        None
    }
}

/// An input whose first bytes were read, and are given back first.
pub(crate) type Peeked<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Reads the first bytes of `input` (fewer only at the end of the input)
/// and returns them with a reader that still yields the whole input.
pub(crate) fn peek<R: Read>(mut input: R) -> Result<(Vec<u8>, Peeked<R>), Error> {
    let mut first = vec![0u8; SIGNATURE_LEN];
    let mut filled = 0;
    while let Some(rest) = first.get_mut(filled..).filter(|r| !r.is_empty()) {
        match input.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::new(ErrorKind::Unreadable, file::could_not_read(e))),
        }
    }
    first.truncate(filled);
    Ok((first.clone(), io::Cursor::new(first).chain(input)))
}

/// The failure for a spreadsheet upload when the feature is off.
#[cfg(not(feature = "spreadsheet"))]
pub(crate) fn needs_feature(container: Container) -> Error {
    let what = match container {
        Container::Zip => file::ZIPPED_SPREADSHEET,
        Container::Ole => file::OLE_SPREADSHEET,
    };
    Error::new(ErrorKind::Unreadable, file::spreadsheet_not_read(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_signature_is_a_spreadsheet_archive() {
        assert_eq!(detect(b"PK\x03\x04\x14\x00\x06\x00"), Some(Container::Zip));
    }

    #[test]
    fn ole_signature_is_an_xls_file() {
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        assert_eq!(detect(&ole), Some(Container::Ole));
    }

    #[test]
    fn csv_text_is_not_a_spreadsheet() {
        assert_eq!(detect(b"first_name,email\n"), None);
        assert_eq!(detect(b"\xEF\xBB\xBFPK,email"), None);
        assert_eq!(detect(b"PK,email"), None);
        assert_eq!(detect(b""), None);
        assert_eq!(detect(b"PK\x03"), None);
    }

    #[test]
    fn peek_gives_back_every_byte() {
        // A reader that hands out one byte per call.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match (self.0.split_first(), buf.first_mut()) {
                    (Some((b, rest)), Some(slot)) => {
                        *slot = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let (first, mut all) = peek(Trickle(b"PK\x03\x04 and the rest")).unwrap();
        assert_eq!(first, b"PK\x03\x04 and");
        let mut back = Vec::new();
        all.read_to_end(&mut back).unwrap();
        assert_eq!(back, b"PK\x03\x04 and the rest");

        let (first, _) = peek(&b"ab"[..]).unwrap();
        assert_eq!(first, b"ab");
    }

    #[cfg(not(feature = "spreadsheet"))]
    #[test]
    fn without_the_feature_a_spreadsheet_asks_for_csv() {
        let err = needs_feature(Container::Zip);
        assert_eq!(err.code(), "unreadable");
        assert!(err.message().contains("CSV UTF-8"));
        assert!(err.message().contains("`spreadsheet` feature"));
    }
}
