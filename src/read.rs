//! Bytes → CSV rows: the csv crate underneath, streamed, with spreadsheet
//! row numbers and physical line numbers kept for every record.

use std::io;

use crate::error::{Error, ErrorKind};

/// One data row as read: its cells and where it stands in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawRow {
    /// The cells, as written (not yet trimmed).
    pub cells: Vec<String>,
    /// The spreadsheet row (header = 1).
    pub row: u64,
    /// The physical line where the record starts (1-based).
    pub line: u64,
}

impl RawRow {
    /// Whether every cell is empty or white space: not a customer.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Streams records from CSV bytes. RFC 4180 quoting, CRLF or LF, a UTF-8
/// byte-order mark dropped.
pub(crate) struct CsvRows<R: io::Read> {
    reader: csv::Reader<R>,
    record: csv::ByteRecord,
    /// Spreadsheet row of the last record returned.
    row: u64,
    /// Physical line on which the last record ended.
    end_line: u64,
}

impl<R: io::Read> CsvRows<R> {
    /// Starts reading and returns the header row with the rows after it.
    pub fn open(input: R) -> Result<(Vec<String>, CsvRows<R>), Error> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut rows = CsvRows {
            reader,
            record: csv::ByteRecord::new(),
            row: 0,
            end_line: 0,
        };
        let header = match rows.next_row() {
            None => {
                return Err(Error::new(
                    ErrorKind::EmptyFile,
                    "The file is empty: it needs a header row naming the columns, then one row per customer.",
                ))
            }
            Some(Err(e)) => return Err(e),
            Some(Ok(raw)) => raw.cells,
        };
        let mut header = header;
        if let Some(first) = header.first_mut() {
            if let Some(rest) = first.strip_prefix('\u{feff}') {
                *first = rest.to_string();
            }
        }
        Ok((header, rows))
    }

    fn next_row(&mut self) -> Option<Result<RawRow, Error>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self
                    .record
                    .position()
                    .map_or(self.end_line + 1, |p| p.line());
                // The csv crate skips empty lines; a spreadsheet shows each as
                // a row, so count them to keep row numbers right.
                let skipped = line.saturating_sub(self.end_line + 1);
                self.row += 1 + skipped;
                let newlines = self
                    .record
                    .iter()
                    .map(|c| c.iter().filter(|b| **b == b'\n').count() as u64)
                    .sum::<u64>();
                self.end_line = line + newlines;
                let mut cells = Vec::with_capacity(self.record.len());
                for cell in self.record.iter() {
                    match std::str::from_utf8(cell) {
                        Ok(s) => cells.push(s.to_string()),
                        Err(_) => {
                            return Some(Err(Error::new(
                                ErrorKind::Unreadable,
                                format!(
                                    "Row {} holds bytes that are not UTF-8 text. Save the file as CSV UTF-8 and upload it again.",
                                    self.row
                                ),
                            )
                            .with_line(line)))
                        }
                    }
                }
                Some(Ok(RawRow {
                    cells,
                    row: self.row,
                    line,
                }))
            }
            Err(e) => {
                let line = e.position().map(|p| p.line());
                let err = match e.into_kind() {
                    csv::ErrorKind::Io(io) => Error::new(
                        ErrorKind::Unreadable,
                        format!("The file could not be read: {io}."),
                    ),
                    other => Error::new(
                        ErrorKind::MalformedCsv,
                        format!("The file is not valid CSV: {other:?}."),
                    ),
                };
                Some(Err(match line {
                    Some(l) => err.with_line(l),
                    None => err,
                }))
            }
        }
    }
}

impl<R: io::Read> Iterator for CsvRows<R> {
    type Item = Result<RawRow, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row()
    }
}
