//! Looks inside an upload before calamine does, so that a hostile file ends
//! in a clear error in bounded memory and time.
//!
//! calamine trusts what a file claims: it reserves room for an `.xlsx`
//! file's announced count of shared strings, and for an `.xls` sheet's
//! announced dimensions; it builds every sheet of `.ods` and `.xls` files
//! whole, as rows × columns, expanding repeated rows and cells; and it
//! unzips whatever the archive holds. Each of these is checked here first.

use std::io::{self, BufRead, BufReader, Read};

use quick_xml::events::{BytesStart, Event};

use super::{Container, MAX_CELLS, MAX_UNZIPPED_BYTES};
use crate::error::{Error, ErrorKind};

/// The most text (bytes) calamine may hold for the cells of an `.ods` or
/// `.xls` file, counting each copy a repeat makes.
const MAX_TEXT_BYTES: u64 = MAX_UNZIPPED_BYTES;

/// calamine's own caps on an `.ods` table.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// The spreadsheet formats calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

impl Format {
    /// How the format is known to people.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Format::Xlsx => "an Excel workbook (.xlsx)",
            Format::Xlsb => "an Excel binary workbook (.xlsb)",
            Format::Ods => "an OpenDocument spreadsheet (.ods)",
            Format::Xls => "an Excel 97-2003 workbook (.xls)",
        }
    }
}

/// Checks the upload and tells which format it is.
pub(super) fn inspect(container: Container, bytes: &[u8]) -> Result<Format, Error> {
    match container {
        Container::Zip => inspect_zip(bytes),
        Container::Ole => inspect_ole(bytes).map(|()| Format::Xls),
    }
}

/// The file is too large to read: `what` says how.
pub(super) fn too_large(what: &str) -> Error {
    Error::new(
        ErrorKind::Unreadable,
        format!(
            "The spreadsheet is too large to read: {what}. Save the sheet with the customers as CSV UTF-8 (or split it into smaller files) and upload that instead."
        ),
    )
}

/// The file claims to be `format` but is broken.
pub(super) fn broken(format: &str, detail: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Unreadable,
        format!(
            "The file looks like {format} but could not be read ({detail}). Open it in your spreadsheet program, save it again (or save it as CSV UTF-8), and upload it again."
        ),
    )
}

/// The file is protected with a password.
pub(super) fn password_protected() -> Error {
    Error::new(
        ErrorKind::Unreadable,
        "The spreadsheet is protected with a password. Remove the password (or save the sheet as CSV UTF-8) and upload it again.",
    )
}

fn unzipped_too_large() -> Error {
    too_large(&format!(
        "it holds more than {} MB once unpacked",
        MAX_UNZIPPED_BYTES / (1024 * 1024)
    ))
}

/// The unzipped bytes left to read, shared by every entry of the archive.
struct Budget {
    left: u64,
    exceeded: bool,
}

/// Reads an entry, failing once the archive's budget is spent.
struct Counted<'b, R> {
    inner: R,
    budget: &'b mut Budget,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.budget.left.checked_sub(n as u64) {
            Some(left) => {
                self.budget.left = left;
                Ok(n)
            }
            None => {
                self.budget.exceeded = true;
                Err(io::Error::other("unzipped size limit"))
            }
        }
    }
}

/// Reads an entry to its end, counting it.
fn drain<R: Read>(entry: &mut R) -> io::Result<()> {
    let mut buf = [0u8; 16 * 1024];
    while entry.read(&mut buf)? > 0 {}
    Ok(())
}

/// What the entries of a zip say about the file.
#[derive(Default)]
struct Parts {
    xlsx: bool,
    xlsb: bool,
    ods: bool,
}

/// Unzips every entry within the budget (without keeping it), checks the
/// parts calamine would trust, and tells xlsx, xlsb and ods apart.
fn inspect_zip(bytes: &[u8]) -> Result<Format, Error> {
    let not_a_zip = |e: zip::result::ZipError| broken("a zipped spreadsheet (.xlsx, .ods)", e);
    let mut archive = zip::ZipArchive::new(io::Cursor::new(bytes)).map_err(not_a_zip)?;
    let mut budget = Budget {
        left: MAX_UNZIPPED_BYTES,
        exceeded: false,
    };
    let mut parts = Parts::default();
    for i in 0..archive.len() {
        let entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::UnsupportedArchive(msg)) if msg.contains("assword") => {
                return Err(password_protected())
            }
            Err(e) => return Err(not_a_zip(e)),
        };
        if entry.is_dir() {
            continue;
        }
        // calamine finds parts ignoring case.
        let name = entry.name().to_ascii_lowercase();
        let mut counted = Counted {
            inner: entry,
            budget: &mut budget,
        };
        let checked = match name.as_str() {
            "xl/workbook.xml" => {
                parts.xlsx = true;
                Ok(())
            }
            "xl/workbook.bin" => {
                parts.xlsb = true;
                Ok(())
            }
            "mimetype" => {
                let mut head = Vec::new();
                let read = counted.by_ref().take(128).read_to_end(&mut head);
                parts.ods = head.starts_with(b"application/vnd.oasis.opendocument.spreadsheet");
                read.map(|_| ()).map_err(Scan::Io)
            }
            "xl/sharedstrings.xml" => check_shared_strings(BufReader::new(&mut counted)),
            "content.xml" => check_ods_content(BufReader::new(&mut counted)),
            _ => Ok(()),
        };
        let drained = drain(&mut counted);
        if budget.exceeded {
            return Err(unzipped_too_large());
        }
        match checked {
            Err(Scan::Refused(e)) => return Err(e),
            Err(Scan::Io(e)) => return Err(broken("a zipped spreadsheet (.xlsx, .ods)", e)),
            Err(Scan::Xml(e)) => return Err(broken("a spreadsheet", e)),
            Ok(()) => {}
        }
        drained.map_err(|e| broken("a zipped spreadsheet (.xlsx, .ods)", e))?;
    }
    if parts.xlsb {
        Ok(Format::Xlsb)
    } else if parts.xlsx {
        Ok(Format::Xlsx)
    } else if parts.ods {
        Ok(Format::Ods)
    } else {
        Err(Error::new(
            ErrorKind::Unreadable,
            "This file is a zip archive (such as a Word document or a zipped folder), not a spreadsheet. Upload the customer list as CSV, .xlsx, .xls or .ods.",
        ))
    }
}

/// Why a scan stopped.
enum Scan {
    /// The file is refused: the error says why.
    Refused(Error),
    /// Reading the entry failed (or its budget ran out).
    Io(io::Error),
    /// The XML is broken.
    Xml(quick_xml::Error),
}

impl From<quick_xml::Error> for Scan {
    fn from(e: quick_xml::Error) -> Scan {
        match e {
            quick_xml::Error::Io(io) => Scan::Io(io::Error::new(io.kind(), io.to_string())),
            other => Scan::Xml(other),
        }
    }
}

impl From<quick_xml::events::attributes::AttrError> for Scan {
    fn from(e: quick_xml::events::attributes::AttrError) -> Scan {
        Scan::Xml(e.into())
    }
}

impl From<quick_xml::encoding::EncodingError> for Scan {
    fn from(e: quick_xml::encoding::EncodingError) -> Scan {
        Scan::Xml(e.into())
    }
}

/// An XML reader configured as calamine configures its own.
fn xml<R: BufRead>(input: R) -> quick_xml::Reader<R> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    reader
}

/// The number in attribute `key` of `e`, if it has one that parses.
fn number_attribute<R>(
    reader: &quick_xml::Reader<R>,
    e: &BytesStart<'_>,
    key: &[u8],
) -> Result<Option<u64>, Scan> {
    match e.try_get_attribute(key)? {
        Some(a) => {
            let text = a.decode_and_unescape_value(reader.decoder())?;
            Ok(text.trim().parse::<u64>().ok())
        }
        None => Ok(None),
    }
}

/// calamine reserves room for the announced count of shared strings
/// (`<sst uniqueCount="…">`) before reading them: a false count would ask
/// for terabytes.
fn check_shared_strings<R: BufRead>(input: R) -> Result<(), Scan> {
    let mut reader = xml(input);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == b"sst" => {
                if let Some(count) = number_attribute(&reader, &e, b"uniqueCount")? {
                    if count > MAX_CELLS {
                        return Err(Scan::Refused(too_large(&format!(
                            "it holds {count} different texts, more than the {MAX_CELLS} cells that can be read"
                        ))));
                    }
                }
                return Ok(());
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// What calamine will hold for the tables of an `.ods` file.
#[derive(Default)]
struct OdsTally {
    /// Cells pushed while reading rows (before a table is squared up).
    read_cells: u64,
    /// Cells of the squared-up tables: rows × columns of each used range.
    range_cells: u64,
    /// Text bytes, counting every copy a repeat makes.
    text: u64,
}

/// One table being scanned.
#[derive(Default)]
struct OdsTable {
    rows: u64,
    first_row: Option<u64>,
    end_row: u64,
    first_col: Option<u64>,
    end_col: u64,
}

/// One row being scanned.
struct OdsRow {
    /// Cells pushed so far.
    pos: u64,
    /// Empty cells waiting: pushed only if a filled cell follows.
    pending: u64,
    first_col: Option<u64>,
    end_col: u64,
    text: u64,
}

/// Mirrors how calamine reads `content.xml`, counting instead of
/// building: repeated rows and cells, which a few bytes can make millions
/// of, are counted as calamine would expand them.
fn check_ods_content<R: BufRead>(input: R) -> Result<(), Scan> {
    let mut reader = xml(input);
    let mut buf = Vec::new();
    let mut tally = OdsTally::default();
    let mut table: Option<OdsTable> = None;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) if e.name().as_ref() == b"table:table" => {
                table = Some(OdsTable::default());
            }
            Event::End(e) if e.name().as_ref() == b"table:table" => {
                if let Some(t) = table.take() {
                    if let (Some(first_row), Some(first_col)) = (t.first_row, t.first_col) {
                        let rows = t.end_row.saturating_sub(first_row);
                        let cols = t.end_col.saturating_sub(first_col);
                        tally.range_cells =
                            tally.range_cells.saturating_add(rows.saturating_mul(cols));
                    }
                }
            }
            Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                let Some(t) = table.as_mut() else { continue };
                let repeats = number_attribute(&reader, &e, b"table:number-rows-repeated")?
                    .unwrap_or(1)
                    .min(ODS_MAX_ROWS.saturating_sub(t.rows));
                let row = scan_ods_row(&mut reader)?;
                tally.read_cells = tally.read_cells.saturating_add(row.pos);
                tally.text = tally.text.saturating_add(row.text);
                if let Some(first_col) = row.first_col {
                    t.first_row.get_or_insert(t.rows);
                    t.end_row = t.rows + repeats;
                    t.first_col = Some(t.first_col.map_or(first_col, |c| c.min(first_col)));
                    t.end_col = t.end_col.max(row.end_col);
                    // Squaring up copies a repeated row's text once per repeat.
                    tally.text = tally.text.saturating_add(repeats.saturating_mul(row.text));
                }
                t.rows += repeats;
            }
            Event::Eof => break,
            _ => {}
        }
        if tally.read_cells > MAX_CELLS || tally.range_cells > MAX_CELLS {
            return Err(Scan::Refused(too_large(&format!(
                "its sheets hold more than {MAX_CELLS} cells together"
            ))));
        }
        if tally.text > MAX_TEXT_BYTES {
            return Err(Scan::Refused(too_large(&format!(
                "its cells hold more than {} MB of text",
                MAX_TEXT_BYTES / (1024 * 1024)
            ))));
        }
    }
    Ok(())
}

/// Scans one `table:table-row` up to its end.
fn scan_ods_row<R: BufRead>(reader: &mut quick_xml::Reader<R>) -> Result<OdsRow, Scan> {
    let mut row = OdsRow {
        pos: 0,
        pending: 0,
        first_col: None,
        end_col: 0,
        text: 0,
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf)? {
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    b"table:table-cell" | b"table:covered-table-cell"
                ) =>
            {
                let repeats =
                    number_attribute(reader, &e, b"table:number-columns-repeated")?.unwrap_or(1);
                let (filled, attribute_text) = ods_cell_value(reader, &e)?;
                let name = e.name().as_ref().to_vec();
                let content_text = scan_ods_cell_content(reader, &name)?;
                // Empty cells before this one are pushed when a cell follows.
                row.pos += row.pending.min(ODS_MAX_COLUMNS - row.pos);
                row.pending = 0;
                let repeats = repeats.min(ODS_MAX_COLUMNS - row.pos);
                if filled {
                    row.first_col.get_or_insert(row.pos);
                    row.pos += repeats;
                    row.end_col = row.pos;
                    let cell_text = attribute_text.saturating_add(content_text);
                    row.text = row.text.saturating_add(repeats.saturating_mul(cell_text));
                } else {
                    row.pending = repeats;
                }
            }
            Event::End(e) if e.name().as_ref() == b"table:table-row" => return Ok(row),
            Event::Eof => return Ok(row),
            _ => {}
        }
    }
}

/// Whether calamine sees a value (or formula) in the cell, and the length
/// of the text its attributes give it.
fn ods_cell_value<R>(
    reader: &quick_xml::Reader<R>,
    e: &BytesStart<'_>,
) -> Result<(bool, u64), Scan> {
    let mut filled = false;
    let mut text = 0u64;
    for a in e.attributes() {
        let a = a?;
        match a.key.as_ref() {
            b"office:value" | b"office:boolean-value" => filled = true,
            b"office:string-value"
            | b"office:date-value"
            | b"office:time-value"
            | b"table:formula" => {
                filled = true;
                text = text
                    .saturating_add(a.decode_and_unescape_value(reader.decoder())?.len() as u64);
            }
            b"office:value-type" if a.value.as_ref() == b"string" => filled = true,
            _ => {}
        }
    }
    Ok((filled, text))
}

/// Reads a cell's content to its end; returns the text calamine could make
/// of it (`<text:s text:c="…"/>` stands for that many spaces).
fn scan_ods_cell_content<R: BufRead>(
    reader: &mut quick_xml::Reader<R>,
    name: &[u8],
) -> Result<u64, Scan> {
    let mut text = 0u64;
    let mut depth = 0u32;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) => {
                if e.name().as_ref() == name {
                    depth += 1;
                }
                match e.name().as_ref() {
                    b"text:s" => {
                        let spaces = number_attribute(reader, &e, b"text:c")?.unwrap_or(1);
                        text = text.saturating_add(spaces);
                    }
                    b"text:p" => text = text.saturating_add(1),
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == name => {
                if depth == 0 {
                    return Ok(text);
                }
                depth -= 1;
            }
            Event::Text(t) => text = text.saturating_add(t.len() as u64),
            Event::CData(t) => text = text.saturating_add(t.len() as u64),
            Event::GeneralRef(r) => text = text.saturating_add(r.len() as u64 + 4),
            Event::Eof => return Ok(text),
            _ => {}
        }
    }
}

/// What calamine will hold for an `.xls` file.
#[derive(Default)]
struct XlsTally {
    cells: u64,
    text: u64,
}

/// An `.xls` file is an OLE compound file holding a `Workbook` stream of
/// BIFF records. calamine reads every sheet when it opens the file; each
/// sheet is checked here as calamine will build it.
fn inspect_ole(bytes: &[u8]) -> Result<(), Error> {
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
            "This file is an Office 97-2003 document (such as a Word .doc file), not a spreadsheet. Upload the customer list as CSV, .xlsx, .xls or .ods.",
        ));
    };
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(not_xls)?
        // A stream cannot hold more than the file does.
        .take(bytes.len() as u64)
        .read_to_end(&mut stream)
        .map_err(not_xls)?;
    check_biff(&stream)
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
    let b = data.get(at..at + 4)?;
    Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// Checks the sheets of a BIFF workbook stream as calamine will build them.
fn check_biff(stream: &[u8]) -> Result<(), Error> {
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
                "a sheet starts past the end of the file",
            ));
        };
        let (sheet_cells, sheet_text, len) = check_biff_sheet(sheet)?;
        scanned = scanned.saturating_add(len);
        tally.cells = tally.cells.saturating_add(sheet_cells);
        tally.text = tally.text.saturating_add(sheet_text);
        if scanned > budget {
            return Err(too_large("its sheets overlap each other"));
        }
        if tally.cells > MAX_CELLS {
            return Err(too_large(&format!(
                "its sheets hold more than {MAX_CELLS} cells together"
            )));
        }
        if tally.text > MAX_TEXT_BYTES {
            return Err(too_large(&format!(
                "its cells hold more than {} MB of text",
                MAX_TEXT_BYTES / (1024 * 1024)
            )));
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

    fn ods(rows: &str) -> Result<(), Scan> {
        let content = format!(
            "<office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"S\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        );
        check_ods_content(content.as_bytes())
    }

    fn refused(result: Result<(), Scan>) -> bool {
        matches!(result, Err(Scan::Refused(_)))
    }

    #[test]
    fn ods_trailing_empty_rows_and_cells_cost_nothing() {
        // What LibreOffice writes after the data of every sheet.
        let rows = "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>a</text:p></table:table-cell>\
                    <table:table-cell table:number-columns-repeated=\"16383\"/></table:table-row>\
                    <table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>";
        assert!(ods(rows).is_ok());
    }

    #[test]
    fn ods_filled_cell_repeated_across_a_million_rows_is_refused() {
        let rows = "<table:table-row table:number-rows-repeated=\"1048576\">\
                    <table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"16384\"/>\
                    </table:table-row>";
        assert!(refused(ods(rows)));
    }

    #[test]
    fn ods_row_far_below_the_header_counts_the_rows_between() {
        let rows = "<table:table-row><table:table-cell table:number-columns-repeated=\"100\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>\
                    <table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell/></table:table-row>\
                    <table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>";
        assert!(refused(ods(rows)));
    }

    #[test]
    fn ods_spaces_by_the_billion_are_refused() {
        let rows = "<table:table-row><table:table-cell office:value-type=\"string\"><text:p><text:s text:c=\"1000000000\"/></text:p></table:table-cell></table:table-row>";
        assert!(refused(ods(rows)));
    }

    #[test]
    fn shared_string_count_beyond_the_limit_is_refused() {
        let xml = "<?xml version=\"1.0\"?><sst xmlns=\"x\" count=\"1\" uniqueCount=\"1000000000000\"><si><t>a</t></si></sst>";
        assert!(matches!(
            check_shared_strings(xml.as_bytes()),
            Err(Scan::Refused(_))
        ));
        let xml = "<sst count=\"1\" uniqueCount=\"1\"><si><t>a</t></si></sst>";
        assert!(check_shared_strings(xml.as_bytes()).is_ok());
    }

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
        assert!(check_biff(&biff(&[record(0x0200, &dims), number(0, 0)])).is_err());
    }

    #[test]
    fn xls_cells_far_apart_are_refused() {
        assert!(check_biff(&biff(&[number(0, 0), number(65535, 255)])).is_err());
    }

    #[test]
    fn xls_small_sheet_passes() {
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(2u32.to_le_bytes());
        dims.extend([0, 0, 2, 0, 0, 0]);
        assert!(check_biff(&biff(&[record(0x0200, &dims), number(0, 0), number(1, 1)])).is_ok());
    }

    #[test]
    fn xls_sheet_past_the_end_is_broken() {
        let mut stream = record(
            0x0085,
            &[&9999u32.to_le_bytes()[..], &[0, 0, 1, 0, b'S']].concat(),
        );
        stream.extend(record(0x000A, &[]));
        assert!(check_biff(&stream).is_err());
    }
}
