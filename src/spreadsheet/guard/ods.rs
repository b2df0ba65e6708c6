//! OpenDocument spreadsheets (`.ods`): `content.xml` counted as calamine
//! would build its tables, repeats expanded.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::{number_attribute, too_many_cells, too_much_text, xml, Scan};
use crate::messages;
use crate::Limits;

/// calamine's own caps on an `.ods` table.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

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
pub(super) fn check_content<R: BufRead>(input: R, limits: &Limits) -> Result<(), Scan> {
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
        if tally.read_cells > limits.get_max_cells() || tally.range_cells > limits.get_max_cells() {
            return Err(Scan::Refused(too_many_cells(
                limits,
                &messages::spreadsheet::sheets_cells_over(limits.get_max_cells()),
            )));
        }
        if tally.text > limits.get_max_sheet_text_bytes() {
            return Err(Scan::Refused(too_much_text(limits)));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ods(rows: &str) -> Result<(), Scan> {
        let content = format!(
            "<office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"S\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        );
        check_content(content.as_bytes(), &Limits::default())
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
}
