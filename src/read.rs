//! Bytes → CSV rows: the csv crate underneath, streamed, with spreadsheet
//! row numbers and physical line numbers kept for every record.

use std::collections::VecDeque;
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

/// A run of line-terminator bytes (`\r`, `\n`) in the input.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: u64,
    /// How many `\n` the input holds up to the end of this run.
    newlines_through: u64,
}

/// Counts lines as the csv reader pulls bytes, so a record's true first
/// line is known: the csv crate's own positions point at the terminator
/// before a record (off by one after CRLF or an empty line).
struct LineCounter<R> {
    inner: R,
    offset: u64,
    newlines: u64,
    in_run: bool,
    /// Recent runs, oldest first; pruned as records are read.
    runs: VecDeque<Run>,
}

impl<R: io::Read> io::Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in buf.get(..n).unwrap_or(&[]) {
            let terminator = b == b'\n' || b == b'\r';
            if terminator && !self.in_run {
                self.runs.push_back(Run {
                    start: self.offset,
                    newlines_through: self.newlines,
                });
            }
            if b == b'\n' {
                self.newlines += 1;
                if let Some(run) = self.runs.back_mut() {
                    run.newlines_through = self.newlines;
                }
            }
            self.in_run = terminator;
            self.offset += 1;
        }
        Ok(n)
    }
}

impl<R> LineCounter<R> {
    /// The 1-based line of the first byte at or after `byte` that is not a
    /// line terminator: where a record reported at `byte` really starts.
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.runs.len() > 1 && self.runs.get(1).is_some_and(|r| r.start <= byte) {
            self.runs.pop_front();
        }
        let before = match self.runs.front() {
            Some(run) if run.start <= byte => run.newlines_through,
            _ => 0,
        };
        before + 1
    }
}

/// Streams records from CSV bytes. RFC 4180 quoting, CRLF or LF, a UTF-8
/// byte-order mark dropped.
pub(crate) struct CsvRows<R: io::Read> {
    reader: csv::Reader<LineCounter<R>>,
    /// A record read after blank lines, returned after a blank row stands
    /// in for them.
    held: Option<RawRow>,
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
            .from_reader(LineCounter {
                inner: input,
                offset: 0,
                newlines: 0,
                in_run: false,
                runs: VecDeque::new(),
            });
        let mut rows = CsvRows {
            reader,
            held: None,
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
                let first_record = self.end_line == 0;
                let byte = self.record.position().map_or(0, |p| p.byte());
                let line = self.reader.get_mut().line_at(byte);
                // The csv crate skips empty lines; a spreadsheet shows each as
                // a row, so count them to keep row numbers right.
                let skipped = line.saturating_sub(self.end_line + 1);
                self.row += skipped;
                let blank = RawRow {
                    cells: Vec::new(),
                    row: self.row,
                    line: line.saturating_sub(1),
                };
                self.row += 1;
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
                let raw = RawRow {
                    cells,
                    row: self.row,
                    line,
                };
                if skipped > 0 && !first_record {
                    // Empty lines between records are a blank row, which may
                    // end the data.
                    self.held = Some(raw);
                    return Some(Ok(blank));
                }
                Some(Ok(raw))
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
        match self.held.take() {
            Some(raw) => Some(Ok(raw)),
            None => self.next_row(),
        }
    }
}
