//! Excel 97-2003 workbooks (`.xls`): an OLE compound file (read with
//! `cfb`) holding BIFF records, each sheet checked as calamine will build
//! it.

use std::io::{self, Read};

use super::{broken, password_protected, too_many_cells, too_much_text, Format};
use crate::error::{Error, ErrorKind};
use crate::messages;
use crate::Limits;

/// What calamine will hold for an `.xls` file.
#[derive(Default)]
struct XlsTally {
    cells: u64,
    text: u64,
}

/// An `.xls` file is an OLE compound file holding a `Workbook` stream of
/// BIFF records. calamine reads every sheet when it opens the file; each
/// sheet is checked here as calamine will build it.
pub(super) fn inspect(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    let not_xls = |e: io::Error| broken(Format::Xls.describe(), e);
    let mut file = cfb::CompoundFile::open(io::Cursor::new(bytes)).map_err(not_xls)?;
    // A password-protected .xlsx file is an OLE file holding the encrypted
    // workbook.
    if file.is_stream("/EncryptedPackage") {
        return Err(password_protected());
    }
    let Some(name) = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|name| file.is_stream(name))
    else {
        return Err(Error::new(
            ErrorKind::Unreadable,
            messages::spreadsheet::NOT_A_SPREADSHEET_OLE,
        ));
    };
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(not_xls)?
        // A stream cannot hold more than the file does.
        .take(bytes.len() as u64)
        .read_to_end(&mut stream)
        .map_err(not_xls)?;
    check_biff(&stream, limits)
}

/// One BIFF record: its type and data (continuation records not joined).
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*rest.first()?, *rest.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*rest.get(2)?, *rest.get(3)?]));
        let data = rest.get(4..4 + len)?;
        rest = rest.get(4 + len..).unwrap_or(&[]);
        Some((typ, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
    ])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u64::from(u32::from_le_bytes(b)))
}

/// Checks the sheets of a BIFF workbook stream as calamine will build them.
fn check_biff(stream: &[u8], limits: &Limits) -> Result<(), Error> {
    const BOUND_SHEET: u16 = 0x0085;
    const EOF: u16 = 0x000A;
    let mut positions = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            BOUND_SHEET => {
                if let Some(pos) = u32_at(data, 0) {
                    positions.push(pos);
                }
            }
            EOF => break,
            _ => {}
        }
    }
    // calamine reads each sheet from its position to its EOF record; sheets
    // overlapping on purpose would make that quadratic.
    let budget = 4 * stream.len() as u64;
    let mut scanned = 0u64;
    let mut tally = XlsTally::default();
    for pos in positions {
        let Some(sheet) = usize::try_from(pos).ok().and_then(|p| stream.get(p..)) else {
            return Err(broken(
                Format::Xls.describe(),
                messages::spreadsheet::SHEET_PAST_END,
            ));
        };
        let (sheet_cells, sheet_text, len) = check_biff_sheet(sheet)?;
        scanned = scanned.saturating_add(len);
        tally.cells = tally.cells.saturating_add(sheet_cells);
        tally.text = tally.text.saturating_add(sheet_text);
        if scanned > budget {
            // Not a size: no workbook program writes sheets that overlap.
            return Err(broken(
                Format::Xls.describe(),
                messages::spreadsheet::SHEETS_OVERLAP,
            ));
        }
        if tally.cells > limits.get_max_cells() {
            return Err(too_many_cells(
                limits,
                &messages::spreadsheet::sheets_cells_over(limits.get_max_cells()),
            ));
        }
        if tally.text > limits.get_max_sheet_text_bytes() {
            return Err(too_much_text(limits));
        }
    }
    Ok(())
}

/// One sheet's records: the cells calamine will allocate (the larger of
/// what its DIMENSIONS record announces and the range its cells span), its
/// text, and how many bytes were scanned.
fn check_biff_sheet(sheet: &[u8]) -> Result<(u64, u64, u64), Error> {
    let mut announced = 0u64;
    let mut text = 0u64;
    let mut scanned = 0u64;
    // (first row, last row, first column, last column) of the cells.
    let mut span: Option<(u64, u64, u64, u64)> = None;
    let mut cell = |row: u64, first: u64, last: u64| {
        span = Some(match span {
            None => (row, row, first, last),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(first), c1.max(last)),
        });
    };
    for (typ, data) in records(sheet) {
        scanned += 4 + data.len() as u64;
        match typ {
            // DIMENSIONS: calamine reserves rows × columns cells, computed
            // in u32 (wrapping in a release build) from what the record says.
            0x0200 => {
                let fields = match data.len() {
                    10 => (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    ),
                    14 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ),
                    _ => continue,
                };
                let (Some(first_row), Some(end_row), Some(first_col), Some(end_col)) = fields
                else {
                    continue;
                };
                // All four fit in u32: two bytes or four each.
                let [first_row, end_row, first_col, end_col] =
                    [first_row, end_row, first_col, end_col].map(|n| n as u32);
                let first_col = if first_col > 0xFF || end_col < first_col {
                    0
                } else {
                    first_col
                };
                if end_row >= 1 && end_col >= 1 {
                    let rows = (end_row - 1).wrapping_sub(first_row).wrapping_add(1);
                    let cols = (end_col - 1).wrapping_sub(first_col).wrapping_add(1);
                    announced = announced.max(u64::from(rows).saturating_mul(u64::from(cols)));
                }
            }
            // Number, Label, BoolErr, RK, LabelSst, Formula: row, column.
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    cell(row, col, col);
                }
                // A label's announced length is reserved even when the
                // record holds fewer characters; formulas become text too.
                let extra = match typ {
                    0x0204 => u16_at(data, 6).unwrap_or(0),
                    0x0006 => 64,
                    _ => 0,
                };
                text = text.saturating_add(extra + 4 * data.len() as u64);
            }
            // MulRK: row, first column, …, last column.
            0x00BD => {
                let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at));
                if let (Some(row), Some(first), Some(last)) =
                    (u16_at(data, 0), u16_at(data, 2), last)
                {
                    cell(row, first, last.max(first));
                }
            }
            // String (a formula's text result).
            0x0207 => {
                text = text.saturating_add(u16_at(data, 0).unwrap_or(0) + 4 * data.len() as u64)
            }
            0x000A => break,
            _ => {}
        }
    }
    let spanned = span.map_or(0, |(r0, r1, c0, c1)| {
        (r1 - r0 + 1).saturating_mul(c1 - c0 + 1)
    });
    Ok((announced.max(spanned), text, scanned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    /// A workbook stream with one sheet made of `sheet` records.
    fn biff(sheet: &[Vec<u8>]) -> Vec<u8> {
        let bound = |pos: u32| {
            record(
                0x0085,
                &[&pos.to_le_bytes()[..], &[0, 0, 1, 0, b'S']].concat(),
            )
        };
        let globals_len = (bound(0).len() + record(0x000A, &[]).len()) as u32;
        let mut stream = bound(globals_len);
        stream.extend(record(0x000A, &[]));
        for r in sheet {
            stream.extend(r);
        }
        stream.extend(record(0x000A, &[]));
        stream
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend([0; 10]);
        record(0x0203, &data)
    }

    #[test]
    fn xls_dimensions_announcing_billions_of_cells_are_refused() {
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(u32::MAX.to_le_bytes());
        dims.extend([0, 0, 0xFF, 0, 0, 0]);
        let err = check_biff(
            &biff(&[record(0x0200, &dims), number(0, 0)]),
            &Limits::default(),
        );
        assert_eq!(err.unwrap_err().code(), "too_large");
    }

    #[test]
    fn xls_cells_far_apart_are_refused() {
        let err = check_biff(
            &biff(&[number(0, 0), number(65535, 255)]),
            &Limits::default(),
        );
        assert_eq!(err.unwrap_err().code(), "too_large");
    }

    #[test]
    fn xls_small_sheet_passes() {
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(2u32.to_le_bytes());
        dims.extend([0, 0, 2, 0, 0, 0]);
        assert!(check_biff(
            &biff(&[record(0x0200, &dims), number(0, 0), number(1, 1)]),
            &Limits::default()
        )
        .is_ok());
    }

    #[test]
    fn xls_sheet_past_the_end_is_broken() {
        let mut stream = record(
            0x0085,
            &[&9999u32.to_le_bytes()[..], &[0, 0, 1, 0, b'S']].concat(),
        );
        stream.extend(record(0x000A, &[]));
        let err = check_biff(&stream, &Limits::default()).unwrap_err();
        assert_eq!(err.code(), "unreadable");
    }
}
