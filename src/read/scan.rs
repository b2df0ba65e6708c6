//! The bytes the csv parser takes, watched on their way in: physical
//! lines, quoting, and the limits on cells, rows and columns.
//!
//! The csv crate grows its record buffer to fit whatever a record holds and
//! reads an unterminated quote to the end of the file as one cell. Rather
//! than parse twice, [`Scanner`] follows the parser's quoting state byte by
//! byte (the same rules as `csv_core` with our settings: RFC 4180 quotes,
//! doubled quotes, `\r`, `\n` or `\r\n` ending a record) and stops the
//! bytes before the parser could take too many for one record. The parser
//! then never holds more than a record's limit plus its own 8 KiB buffer.

use std::collections::VecDeque;
use std::io;

use super::encoding::Fault;
use super::limits::{Limit, Limits};
use crate::error::{Error, ErrorKind};
use crate::messages::file;

/// Where the parser stands inside a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a cell (or of a record).
    CellStart,
    /// Inside a cell that did not start with a quote.
    Unquoted,
    /// Inside a quoted cell.
    Quoted,
    /// Just after a quote inside a quoted cell: the cell ends here unless
    /// another quote follows (a doubled quote).
    QuoteInQuoted,
}

/// What one byte is to the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    /// Part of a cell.
    Byte,
    /// The quote that opens a quoted cell.
    OpenQuote,
    /// The delimiter between two cells.
    Delimiter,
    /// `\r` or `\n` outside quotes: the end of a record (or an empty line).
    Terminator,
}

/// The quoting rules of the csv parser, one byte at a time.
#[derive(Debug, Clone)]
pub(super) struct Quotes {
    delimiter: u8,
    state: State,
}

impl Quotes {
    pub fn new(delimiter: u8) -> Quotes {
        Quotes {
            delimiter,
            state: State::CellStart,
        }
    }

    /// Takes one byte and says what it is.
    pub fn step(&mut self, b: u8) -> Token {
        match self.state {
            State::Quoted => {
                if b == b'"' {
                    self.state = State::QuoteInQuoted;
                }
                Token::Byte
            }
            _ if b == self.delimiter => {
                self.state = State::CellStart;
                Token::Delimiter
            }
            _ if b == b'\n' || b == b'\r' => {
                self.state = State::CellStart;
                Token::Terminator
            }
            State::CellStart if b == b'"' => {
                self.state = State::Quoted;
                Token::OpenQuote
            }
            State::QuoteInQuoted if b == b'"' => {
                self.state = State::Quoted;
                Token::Byte
            }
            _ => {
                self.state = State::Unquoted;
                Token::Byte
            }
        }
    }

    /// Whether the last byte left a quoted cell open.
    pub fn in_quotes(&self) -> bool {
        self.state == State::Quoted
    }

    /// Whether the last byte was inside a cell's text, where any byte but
    /// a delimiter, a quote or a line terminator keeps the state as it is.
    fn in_text(&self) -> bool {
        matches!(self.state, State::Unquoted | State::Quoted)
    }

    /// Whether `b` is a delimiter that ends a cell outside quotes.
    fn ends_cell(&self, b: u8) -> bool {
        b == self.delimiter && matches!(self.state, State::CellStart | State::Unquoted)
    }

    /// Whether `b` starts a cell that is not quoted: the parser takes it
    /// as text, as `step` would.
    fn starts_plain_cell(&self, b: u8) -> bool {
        self.state == State::CellStart
            && b != b'"'
            && b != self.delimiter
            && b != b'\n'
            && b != b'\r'
    }

    /// How many bytes at the start of `bytes`, inside a cell's text, leave
    /// the state and the line count as they are: up to a line terminator,
    /// or a quote in a quoted cell, or a delimiter in any other (a quote
    /// inside an unquoted cell is plain text).
    fn plain_run(&self, bytes: &[u8]) -> usize {
        let ends = match self.state {
            State::Quoted => b'"',
            _ => self.delimiter,
        };
        let found = memchr::memchr3(ends, b'\n', b'\r', bytes);
        found.unwrap_or(bytes.len())
    }
}

/// A run of line-terminator bytes (`\r`, `\n`) in the input.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: u64,
    /// How many `\n` the input holds up to the end of this run.
    newlines_through: u64,
}

/// Passes bytes to the csv parser, counting lines so a record's true first
/// line is known (the csv crate's own positions point at the terminator
/// before a record: off by one after CRLF or an empty line), and failing
/// before a record passes the [`Limits`] or when the input ends inside
/// quotes.
pub(super) struct Scanner<R> {
    inner: R,
    limits: Limits,
    quotes: Quotes,
    offset: u64,
    newlines: u64,
    in_run: bool,
    /// Recent runs, oldest first; pruned as records are read.
    runs: VecDeque<Run>,
    /// Bytes of the current record so far (0: between records).
    record_bytes: u64,
    /// Bytes of the current cell so far.
    cell_bytes: u64,
    /// Cells of the current record so far.
    cells: u64,
    /// The line the current record starts on.
    record_line: u64,
    /// The line the last quoted cell opened on.
    quote_line: u64,
    /// The failure that stopped reading; returned again on every read.
    failed: Option<Error>,
}

impl<R> Scanner<R> {
    pub fn new(inner: R, delimiter: u8, limits: Limits) -> Scanner<R> {
        Scanner {
            inner,
            limits,
            quotes: Quotes::new(delimiter),
            offset: 0,
            newlines: 0,
            in_run: false,
            runs: VecDeque::new(),
            record_bytes: 0,
            cell_bytes: 0,
            cells: 0,
            record_line: 1,
            quote_line: 1,
            failed: None,
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Why reading stopped, when it was the input's fault.
    pub fn failure(&self) -> Option<&Error> {
        self.failed.as_ref()
    }

    /// The 1-based line of the first byte at or after `byte` that is not a
    /// line terminator: where a record reported at `byte` really starts.
    pub fn line_at(&mut self, byte: u64) -> u64 {
        while self.runs.len() > 1 && self.runs.get(1).is_some_and(|r| r.start <= byte) {
            self.runs.pop_front();
        }
        let before = match self.runs.front() {
            Some(run) if run.start <= byte => run.newlines_through,
            _ => 0,
        };
        before + 1
    }

    /// Whether one more cell of one more byte keeps the record within the
    /// limits (else `take` counts it and fails).
    fn room_for_a_cell(&self) -> bool {
        self.cells < self.limits.get_max_columns()
            && self.record_bytes < self.limits.get_max_row_bytes()
    }

    /// Counts one byte passed on; a failure when it takes the record past
    /// a limit.
    fn take(&mut self, b: u8) -> Option<Error> {
        let line = self.newlines + 1;
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

        let token = self.quotes.step(b);
        if token == Token::Terminator {
            self.record_bytes = 0;
            self.cell_bytes = 0;
            self.cells = 0;
            return None;
        }
        if self.record_bytes == 0 {
            self.record_line = line;
            self.cells = 1;
        }
        self.record_bytes += 1;
        match token {
            Token::Delimiter => {
                self.cell_bytes = 0;
                self.cells += 1;
                if self.cells > self.limits.get_max_columns() {
                    return Some(self.too_large(
                        Limit::Columns,
                        file::too_many_columns(self.record_line, self.limits.get_max_columns()),
                    ));
                }
            }
            Token::OpenQuote | Token::Byte => {
                if token == Token::OpenQuote {
                    self.quote_line = line;
                }
                self.cell_bytes += 1;
                if self.cell_bytes > self.limits.get_max_cell_bytes() {
                    return Some(self.runaway_quote().unwrap_or_else(|| {
                        self.too_large(
                            Limit::CellBytes,
                            file::cell_too_long(self.record_line, self.limits.get_max_cell_bytes()),
                        )
                    }));
                }
            }
            Token::Terminator => {}
        }
        if self.record_bytes > self.limits.get_max_row_bytes() {
            return Some(self.runaway_quote().unwrap_or_else(|| {
                self.too_large(
                    Limit::RowBytes,
                    file::row_too_long(self.record_line, self.limits.get_max_row_bytes()),
                )
            }));
        }
        None
    }

    fn too_large(&self, what: Limit, message: String) -> Error {
        let limit = self.limits.of(what);
        Error::new(ErrorKind::TooLarge { what, limit }, message).with_line(self.record_line)
    }

    /// A quoted cell that ran over a limit across several lines: almost
    /// surely a missing closing quote rather than a real cell that long.
    fn runaway_quote(&self) -> Option<Error> {
        (self.quotes.in_quotes() && self.newlines + 1 > self.quote_line)
            .then(|| self.unterminated())
    }

    fn unterminated(&self) -> Error {
        Error::new(
            ErrorKind::MalformedCsv,
            file::unclosed_quote(self.quote_line),
        )
        .with_line(self.quote_line)
    }

    /// A failure from the layers below (decoding, file size), placed on
    /// the line reached so far.
    fn locate(&self, fault: &Fault) -> Error {
        let line = self.newlines + 1;
        match fault {
            Fault::NotText { encoding } => {
                Error::new(ErrorKind::Unreadable, file::not_text(line, encoding))
            }
            Fault::FileTooLarge { limit } => Error::new(
                ErrorKind::TooLarge {
                    what: Limit::FileBytes,
                    limit: *limit,
                },
                file::file_too_large(*limit, line),
            ),
        }
        .with_line(line)
    }

    fn fail(&mut self, error: Error) -> io::Error {
        let err = io::Error::other(error.to_string());
        self.failed = Some(error);
        err
    }
}

impl<R: io::Read> io::Read for Scanner<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(error) = &self.failed {
            return Err(io::Error::other(error.to_string()));
        }
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) => {
                let fault = e.get_ref().and_then(|e| e.downcast_ref::<Fault>());
                return Err(match fault {
                    Some(fault) => {
                        let error = self.locate(fault);
                        self.fail(error)
                    }
                    None => e,
                });
            }
        };
        if n == 0 && !buf.is_empty() && self.quotes.in_quotes() {
            let error = self.unterminated();
            return Err(self.fail(error));
        }
        let bytes = buf.get(..n).unwrap_or(&[]);
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if self.record_bytes > 0 && self.quotes.ends_cell(b) && self.room_for_a_cell() {
                // Fast path: a delimiter ending an unquoted cell inside a
                // record, with room for another cell. The same counts as
                // `take` keeps, without its bookkeeping for line ends.
                self.quotes.state = State::CellStart;
                self.cells += 1;
                self.cell_bytes = 0;
                self.record_bytes += 1;
                self.offset += 1;
                self.in_run = false;
                i += 1;
                continue;
            }
            if self.record_bytes > 0 && self.quotes.starts_plain_cell(b) {
                // A cell that does not start with a quote is plain text
                // from its first byte on.
                self.quotes.state = State::Unquoted;
            }
            if self.record_bytes > 0 && self.quotes.in_text() {
                // Fast path: a run of plain text inside a cell changes only
                // the counts; up to what the limits allow.
                let rest = bytes.get(i..).unwrap_or(&[]);
                let run = self.quotes.plain_run(rest) as u64;
                let room = (self
                    .limits
                    .get_max_cell_bytes()
                    .saturating_sub(self.cell_bytes))
                .min(
                    self.limits
                        .get_max_row_bytes()
                        .saturating_sub(self.record_bytes),
                );
                let run = run.min(room);
                if run > 0 {
                    self.cell_bytes += run;
                    self.record_bytes += run;
                    self.offset += run;
                    self.in_run = false;
                    i += usize::try_from(run).unwrap_or(rest.len());
                    continue;
                }
            }
            i += 1;
            if let Some(error) = self.take(b) {
                // The bytes before this one may finish earlier records:
                // pass them on, and fail on the next read.
                let message = error.to_string();
                self.failed = Some(error);
                return match i - 1 {
                    0 => Err(io::Error::other(message)),
                    before => Ok(before),
                };
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Cells per record as the csv crate reads `input`.
    fn csv_cells(input: &[u8], delimiter: u8) -> Vec<usize> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input);
        reader
            .byte_records()
            .map(|r| r.map(|r| r.len()).unwrap_or(usize::MAX))
            .collect()
    }

    /// Cells per record as [`Quotes`] reads `input`.
    fn quotes_cells(input: &[u8], delimiter: u8) -> Vec<usize> {
        let mut quotes = Quotes::new(delimiter);
        let mut out = Vec::new();
        let mut cells = 0;
        for &b in input {
            match quotes.step(b) {
                Token::Terminator if cells > 0 => {
                    out.push(cells);
                    cells = 0;
                }
                Token::Terminator => {}
                Token::Delimiter => cells += if cells == 0 { 2 } else { 1 },
                Token::Byte | Token::OpenQuote => cells = cells.max(1),
            }
        }
        if cells > 0 {
            out.push(cells);
        }
        out
    }

    proptest! {
        #[test]
        fn quotes_split_records_and_cells_like_the_csv_parser(
            input in proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b','), Just(b';'), Just(b'"'), Just(b'\n'), Just(b'\r')],
                0..40,
            ),
            semicolon in any::<bool>(),
        ) {
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(quotes_cells(&input, delimiter), csv_cells(&input, delimiter));
        }
    }

    /// What a scanner has counted, to compare two.
    #[allow(clippy::type_complexity)]
    fn counts<R>(s: &Scanner<R>) -> (u64, u64, bool, Vec<(u64, u64)>, [u64; 5], State) {
        let runs = s
            .runs
            .iter()
            .map(|r| (r.start, r.newlines_through))
            .collect();
        let sizes = [
            s.record_bytes,
            s.cell_bytes,
            s.cells,
            s.record_line,
            s.quote_line,
        ];
        (s.offset, s.newlines, s.in_run, runs, sizes, s.quotes.state)
    }

    proptest! {
        #[test]
        fn fast_paths_count_and_fail_like_byte_by_byte(
            input in proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r')],
                0..60,
            ),
            columns in 1u64..6,
            cell in 1u64..8,
            row in 1u64..24,
        ) {
            use std::io::Read;
            let limits = Limits::default()
                .max_columns(columns)
                .max_cell_bytes(cell)
                .max_row_bytes(row);
            let mut slow = Scanner::new(&b""[..], b',', limits);
            let mut passed = 0;
            let mut slow_failure = None;
            for &b in &input {
                if let Some(e) = Scanner::take(&mut slow, b) {
                    slow_failure = Some(e);
                    break;
                }
                passed += 1;
            }
            let mut fast = Scanner::new(&input[..], b',', limits);
            let mut out = Vec::new();
            let _ = fast.read_to_end(&mut out);
            prop_assert_eq!(out.len(), passed);
            let failure = |e: Option<&Error>| e.map(|e| (e.code(), e.line()));
            match &slow_failure {
                Some(e) => prop_assert_eq!(failure(fast.failure()), failure(Some(e))),
                None => {
                    prop_assert_eq!(counts(&fast), counts(&slow));
                    let unterminated = slow.quotes.in_quotes().then_some("malformed_csv");
                    prop_assert_eq!(fast.failure().map(Error::code), unterminated);
                }
            }
        }
    }

    #[test]
    fn cell_limit_is_exact_on_the_fast_path() {
        use std::io::Read;
        let limits = Limits::default().max_cell_bytes(10);
        let mut ok = Scanner::new(&b"a,0123456789\n"[..], b',', limits);
        assert!(ok.read_to_end(&mut Vec::new()).is_ok());
        let mut over = Scanner::new(&b"a,0123456789X\n"[..], b',', limits);
        let mut out = Vec::new();
        assert!(over.read_to_end(&mut out).is_err());
        assert_eq!(out, b"a,0123456789");
        assert_eq!(over.failure().map(Error::code), Some("too_large"));
    }
}
