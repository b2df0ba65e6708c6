//! Bytes → CSV rows, streamed: the encoding decoded ([`encoding`]), the
//! delimiter found ([`delimiter`]), the bytes watched for broken quotes and
//! [`Limits`] ([`scan`]), then the csv crate; with spreadsheet row numbers
//! and physical line numbers kept for every record.

mod delimiter;
mod encoding;
mod limits;
mod metered;
mod scan;

use std::io::{self, Read};

pub use delimiter::Delimiter;
pub use encoding::Encoding;
pub use limits::{Limit, Limits};
pub(crate) use metered::Metered;

use crate::error::{Error, ErrorKind};
use crate::messages::file;
use encoding::{Decoder, Fault};
use scan::Scanner;

/// How the bytes are read: what the app set, the rest detected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ReadOptions {
    /// The encoding, or `None` to detect it.
    pub encoding: Option<Encoding>,
    /// The delimiter, or `None` to detect it.
    pub delimiter: Option<Delimiter>,
    pub limits: Limits,
}

/// What a blank row (every cell empty) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BlankRows {
    /// Blank rows are skipped: never counted, never failed.
    #[default]
    Skip,
    /// The first blank row ends the data; a warning counts the non-empty
    /// rows after it, which are not imported.
    EndData,
}

/// Decoded text looked at to detect the delimiter.
const DELIMITER_PREFIX: usize = 64 * 1024;

/// The input as text: the decoded prefix the delimiter was detected on,
/// then the rest.
struct Text<R> {
    prefix: Vec<u8>,
    pos: usize,
    /// A failure met while reading the prefix, due after it.
    deferred: Option<io::Error>,
    decoder: Decoder<Metered<R>>,
}

impl<R: io::Read> Text<R> {
    /// Starts decoding `input` and reads the prefix; a failure is kept for
    /// when the bytes before it have been used.
    fn open(input: R, options: &ReadOptions) -> (Text<R>, bool) {
        let metered = Metered::new(input).limit(options.limits.get_max_file_bytes(), |limit| {
            io::Error::other(Fault::FileTooLarge { limit })
        });
        let mut decoder = Decoder::new(metered, options.encoding);
        let mut prefix = Vec::new();
        let mut deferred = None;
        let mut end = false;
        while prefix.len() < DELIMITER_PREFIX {
            let start = prefix.len();
            prefix.resize(DELIMITER_PREFIX, 0);
            let read = decoder.read(prefix.get_mut(start..).unwrap_or(&mut []));
            match read {
                Ok(0) => {
                    prefix.truncate(start);
                    end = true;
                    break;
                }
                Ok(n) => prefix.truncate(start + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => prefix.truncate(start),
                Err(e) => {
                    prefix.truncate(start);
                    deferred = Some(e);
                    break;
                }
            }
        }
        let text = Text {
            prefix,
            pos: 0,
            deferred,
            decoder,
        };
        (text, end)
    }
}

impl<R: io::Read> io::Read for Text<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = self.prefix.get(self.pos..).unwrap_or(&[]);
        if !rest.is_empty() {
            let n = rest.len().min(buf.len());
            if let (Some(dst), Some(src)) = (buf.get_mut(..n), rest.get(..n)) {
                dst.copy_from_slice(src);
            }
            self.pos += n;
            if self.pos == self.prefix.len() {
                self.prefix = Vec::new();
                self.pos = 0;
            }
            return Ok(n);
        }
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        self.decoder.read(buf)
    }
}

/// A row's cells as read, kept end to end in one string: two allocations a
/// row instead of one per cell, for rows read by the million and failed
/// rows kept by the hundred thousand ([`RowFailure::cells`]).
///
/// [`RowFailure::cells`]: crate::RowFailure::cells
///
/// # Example
///
/// ```
/// use intake::Cells;
///
/// let cells: Cells = ["ann@example.com", "", "Ann"].into_iter().collect();
/// assert_eq!(cells.len(), 3);
/// assert_eq!(cells.get(2), Some("Ann"));
/// assert_eq!(cells.iter().collect::<Vec<_>>(), ["ann@example.com", "", "Ann"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cells {
    /// The cells, as written (not trimmed), one after the other.
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl Cells {
    /// Room for `cells` cells of `bytes` bytes in all.
    fn with_capacity(bytes: usize, cells: usize) -> Cells {
        Cells {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(cells),
        }
    }

    /// Adds a cell at the end.
    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// The cells, in column order.
    ///
    /// ```
    /// use intake::Cells;
    /// let cells: Cells = ["a", "b"].into_iter().collect();
    /// assert_eq!(cells.iter().last(), Some("b"));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| self.text.get(start..end).unwrap_or_default())
    }

    /// Cell `column` (0-based), if the row has it.
    ///
    /// ```
    /// use intake::Cells;
    /// let cells: Cells = ["a", "b"].into_iter().collect();
    /// assert_eq!(cells.get(1), Some("b"));
    /// assert_eq!(cells.get(2), None);
    /// ```
    pub fn get(&self, column: usize) -> Option<&str> {
        let end = *self.ends.get(column)?;
        let start = match column.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// How many cells the row has.
    ///
    /// ```
    /// use intake::Cells;
    /// assert_eq!(["a", "", ""].into_iter().collect::<intake::Cells>().len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no cell at all.
    ///
    /// ```
    /// use intake::Cells;
    /// assert!(Cells::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cells as strings of their own.
    ///
    /// ```
    /// use intake::Cells;
    /// let cells: Cells = ["a", "b"].into_iter().collect();
    /// assert_eq!(cells.to_vec(), ["a", "b"]);
    /// ```
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> Cells {
        let mut row = Cells::default();
        for cell in cells {
            row.push(cell.as_ref());
        }
        row
    }
}

/// One data row as read: its cells and where it stands in the file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct RawRow {
    pub cells: Cells,
    /// The spreadsheet row (header = 1).
    pub row: u64,
    /// The physical line where the record starts (1-based).
    pub line: u64,
}

impl RawRow {
    /// A row of these cells.
    pub fn new<I, S>(cells: I, row: u64, line: u64) -> RawRow
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        RawRow {
            cells: cells.into_iter().collect(),
            row,
            line,
        }
    }

    /// The cells, in column order.
    pub fn cells(&self) -> impl Iterator<Item = &str> + '_ {
        self.cells.iter()
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// The cells as strings of their own.
    pub fn into_cells(self) -> Vec<String> {
        self.cells.to_vec()
    }

    /// Whether every cell is empty or white space: not a customer.
    pub fn is_blank(&self) -> bool {
        self.cells.text.trim().is_empty()
    }
}

/// Streams records from CSV bytes. RFC 4180 quoting, CRLF or LF, any
/// encoding (a byte-order mark dropped), any of the usual delimiters.
pub(crate) struct CsvRows<R: io::Read> {
    reader: csv::Reader<Scanner<Text<R>>>,
    delimiter: Delimiter,
    /// Set after a failure: nothing more is read.
    done: bool,
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
    pub fn open(input: R, options: &ReadOptions) -> Result<(Vec<String>, CsvRows<R>), Error> {
        let (text, end) = Text::open(input, options);
        let delimiter = options
            .delimiter
            .unwrap_or_else(|| Delimiter::detect(&text.prefix, end));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter.as_byte())
            .from_reader(Scanner::new(text, delimiter.as_byte(), options.limits));
        let mut rows = CsvRows {
            reader,
            delimiter,
            done: false,
            held: None,
            record: csv::ByteRecord::new(),
            row: 0,
            end_line: 0,
        };
        let header = match rows.next_row() {
            None => return Err(Error::new(ErrorKind::EmptyFile, file::EMPTY_FILE)),
            Some(Err(e)) => return Err(e),
            Some(Ok(raw)) => raw.into_cells(),
        };
        let mut header = header;
        // The decoder drops a byte-order mark; one more remains when a
        // tool added its own to text that already had one.
        if let Some(first) = header.first_mut() {
            if let Some(rest) = first.strip_prefix('\u{feff}') {
                *first = rest.to_string();
            }
        }
        Ok((header, rows))
    }

    /// The encoding the file was read in, when it was not UTF-8 (or
    /// ASCII, which reads the same).
    pub fn encoding(&self) -> Option<Encoding> {
        self.reader
            .get_ref()
            .get_ref()
            .decoder
            .encoding()
            .filter(|e| *e != Encoding::UTF_8)
    }

    /// The delimiter between cells, when it was not a comma.
    pub fn delimiter(&self) -> Option<Delimiter> {
        Some(self.delimiter).filter(|d| *d != Delimiter::Comma)
    }

    fn next_row(&mut self) -> Option<Result<RawRow, Error>> {
        if self.done {
            return None;
        }
        let next = self.read_row();
        if matches!(next, Some(Err(_))) {
            self.done = true;
        }
        next
    }

    fn read_row(&mut self) -> Option<Result<RawRow, Error>> {
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
                let blank = RawRow::new(&[] as &[&str], self.row, line.saturating_sub(1));
                self.row += 1;
                // The record's cells are contiguous: one count over them all.
                let newlines = self
                    .record
                    .as_slice()
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64;
                self.end_line = line + newlines;
                // The decoder hands over UTF-8 only; checked all the same
                // (once for the whole record, whose cells are contiguous)
                // so that a slip there fails the row, never panics.
                let not_text = || {
                    Some(Err(Error::new(
                        ErrorKind::Unreadable,
                        file::row_not_utf8(self.row),
                    )
                    .with_line(line)))
                };
                let Ok(text) = std::str::from_utf8(self.record.as_slice()) else {
                    return not_text();
                };
                let mut cells = Cells::with_capacity(text.len(), self.record.len());
                cells.text.push_str(text);
                for cell in 0..self.record.len() {
                    let end = self.record.range(cell).map_or(text.len(), |r| r.end);
                    if !text.is_char_boundary(end) {
                        return not_text();
                    }
                    cells.ends.push(end);
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
                if let Some(failure) = self.reader.get_ref().failure() {
                    return Some(Err(failure.clone()));
                }
                let err = match e.into_kind() {
                    csv::ErrorKind::Io(io) => {
                        Error::new(ErrorKind::Unreadable, file::UNREADABLE).with_source(io)
                    }
                    other => Error::new(
                        ErrorKind::MalformedCsv,
                        file::not_csv(&format!("{other:?}")),
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
