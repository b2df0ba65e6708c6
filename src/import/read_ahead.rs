//! A CSV upload parsed on a thread of its own, ahead of the import.
//!
//! The session's thread reads, matches and writes in file order: the one
//! part of an import that cannot be spread over the cores. Parsing the
//! next rows beside it, while it writes a batch, takes the csv parser off
//! its way. The upload's reader stays on the calling thread (it need not
//! be `Send`): its bytes are handed to the parser in chunks, and only a
//! bounded number of them is ahead of the rows the import has taken, so
//! memory does not grow with the file.
//!
//! The parser is the same [`CsvRows`] as without the thread, over the
//! bytes handed to it: the rows, their numbers, the errors and the limits
//! are the same.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{self, Read};
use std::rc::Rc;
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};

use crate::error::{Error, ErrorKind};
use crate::messages::file;
use crate::read::{CsvRows, Delimiter, Encoding, RawRow, ReadOptions};

/// Bytes read from the upload at a time and handed over.
const CHUNK_BYTES: usize = 64 * 1024;

/// The most bytes handed to the parser beyond the rows the import has
/// taken: about a batch of 5,000 rows of a dozen columns, parsed while
/// the batch before it is written (more measured no faster), and a bound
/// on what the rows parsed ahead hold.
const AHEAD_BYTES: u64 = 512 * 1024;

/// Rows handed back at a time: one message for many rows.
const GROUP_ROWS: usize = 256;

/// From the calling thread to the parser.
enum Chunk {
    Bytes(Vec<u8>),
    /// Reading the upload failed.
    Failed(io::Error),
    /// The upload has no more bytes.
    End,
}

/// From the parser to the calling thread.
enum Parsed {
    Header(Result<Vec<String>, Error>),
    /// Rows in file order, parsed from the upload's first `through` bytes
    /// (at most: some of them may still be in the parser's buffers).
    /// Empty when the parser needs more bytes before it can give any.
    Rows {
        rows: Vec<Result<RawRow, Error>>,
        through: u64,
    },
    /// Every row was handed back: nothing follows. Its absence, once the
    /// parser is gone, means it panicked.
    End,
}

/// What the parser found out about the file, for the report.
#[derive(Default)]
pub(super) struct Detected {
    pub(super) encoding: Option<Encoding>,
    pub(super) delimiter: Option<Delimiter>,
}

/// What became of an upload handed to [`run`].
pub(super) enum Ahead<T, R> {
    /// Read on the thread: the import's result, with what the parser
    /// detected.
    Read(Result<(T, Detected), Error>),
    /// No thread could be had: the upload, untouched, to be read on the
    /// calling thread instead.
    NoThread(R),
}

/// Parses `input` on a thread of its own and hands `import` the header,
/// the rows (an iterator on the calling thread) and the count of bytes
/// they came from (for progress); what the parser detected comes back
/// with `import`'s result. `Err` without calling `import` when the header
/// cannot be read, as [`CsvRows::open`] fails.
pub(super) fn run<R, T>(
    input: R,
    options: ReadOptions,
    import: impl FnOnce(Vec<String>, &mut AheadRows<R>, Rc<Cell<u64>>) -> Result<T, Error>,
) -> Ahead<T, R>
where
    R: Read,
{
    let (chunks, from_caller) = channel();
    let (to_caller, parsed) = channel();
    std::thread::scope(|scope| {
        let parser = std::thread::Builder::new()
            .name("intake-csv".into())
            .spawn_scoped(scope, move || parse(from_caller, to_caller, options));
        let Ok(parser) = parser else {
            return Ahead::NoThread(input);
        };
        let bytes = Rc::new(Cell::new(0));
        let mut rows = AheadRows {
            input,
            chunks,
            parsed,
            buffer: VecDeque::new(),
            marks: VecDeque::new(),
            taken: 0,
            fed: 0,
            drained: 0,
            input_done: false,
            finished: false,
            bytes: Rc::clone(&bytes),
        };
        let result = rows
            .header()
            .and_then(|header| import(header, &mut rows, bytes));
        // Gone, the channels end the parser wherever it is.
        drop(rows);
        // A parser that panicked has been reported as an unreadable rest
        // of the file (see `AheadRows::next`); it detected nothing.
        let detected = parser.join().unwrap_or_default();
        Ahead::Read(result.map(|done| (done, detected)))
    })
}

/// The parser's thread: [`CsvRows`] over the chunks handed to it.
fn parse(chunks: Receiver<Chunk>, parsed: Sender<Parsed>, options: ReadOptions) -> Detected {
    let outbox = Rc::new(Outbox {
        rows: RefCell::new(Vec::with_capacity(GROUP_ROWS)),
        taken: Cell::new(0),
        parsed,
    });
    let reader = ChunkReader {
        chunks,
        chunk: Vec::new(),
        pos: 0,
        over: false,
        outbox: Rc::clone(&outbox),
    };
    let (header, mut rows) = match CsvRows::open(reader, &options) {
        Ok(opened) => opened,
        Err(e) => {
            let _ = outbox.parsed.send(Parsed::Header(Err(e)));
            return Detected::default();
        }
    };
    if outbox.parsed.send(Parsed::Header(Ok(header))).is_ok() {
        hand_back(&mut rows, &outbox);
    }
    // As far as the import read (all of the file, unless it stopped).
    Detected {
        encoding: rows.encoding(),
        delimiter: rows.delimiter(),
    }
}

/// Hands back every row, in groups, then the end; stops when the import
/// is gone.
fn hand_back(rows: &mut CsvRows<ChunkReader>, outbox: &Outbox) {
    for row in rows {
        let full = {
            let mut group = outbox.rows.borrow_mut();
            group.push(row);
            group.len() >= GROUP_ROWS
        };
        if full && !outbox.flush() {
            return;
        }
    }
    if outbox.flush() {
        let _ = outbox.parsed.send(Parsed::End);
    }
}

/// The rows parsed and not yet handed back, on the parser's thread.
struct Outbox {
    rows: RefCell<Vec<Result<RawRow, Error>>>,
    /// Bytes of the upload taken from the chunks so far.
    taken: Cell<u64>,
    parsed: Sender<Parsed>,
}

impl Outbox {
    /// Hands back the rows parsed so far (none: that the parser took
    /// every byte it was given); `false` when the import is gone.
    fn flush(&self) -> bool {
        let rows = std::mem::replace(&mut *self.rows.borrow_mut(), Vec::with_capacity(GROUP_ROWS));
        let through = self.taken.get();
        self.parsed.send(Parsed::Rows { rows, through }).is_ok()
    }
}

/// The upload's bytes as the parser reads them: the chunks handed over.
struct ChunkReader {
    chunks: Receiver<Chunk>,
    chunk: Vec<u8>,
    pos: usize,
    /// The upload ended or failed: no chunk follows, so a read after it
    /// must not wait for one.
    over: bool,
    outbox: Rc<Outbox>,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.chunk.len() {
            if self.over {
                return Ok(0);
            }
            let next = match self.chunks.try_recv() {
                Ok(next) => next,
                Err(TryRecvError::Empty) => {
                    // Before waiting for bytes, the rows parsed so far go
                    // back, and with them word that every byte was taken:
                    // the calling thread hands more only then (see
                    // `AheadRows::feed`), so neither side waits for the
                    // other at once.
                    if !self.outbox.flush() {
                        return Err(gone());
                    }
                    self.chunks.recv().map_err(|_| gone())?
                }
                Err(TryRecvError::Disconnected) => return Err(gone()),
            };
            match next {
                Chunk::Bytes(bytes) => {
                    self.outbox
                        .taken
                        .set(self.outbox.taken.get() + bytes.len() as u64);
                    self.chunk = bytes;
                    self.pos = 0;
                }
                Chunk::Failed(e) => {
                    // The failure is the parser's last row; a read after
                    // it finds the end.
                    self.over = true;
                    return Err(e);
                }
                Chunk::End => {
                    self.over = true;
                    self.chunk = Vec::new();
                    self.pos = 0;
                    return Ok(0);
                }
            }
        }
        let rest = self.chunk.get(self.pos..).unwrap_or(&[]);
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.pos += n;
        Ok(n)
    }
}

/// The parser's end of the channels when the import no longer reads.
fn gone() -> io::Error {
    io::Error::other("the import stopped reading")
}

/// The rows parsed ahead, on the calling thread, which also reads the
/// upload and hands its bytes to the parser as the rows are taken.
pub(super) struct AheadRows<R> {
    input: R,
    chunks: Sender<Chunk>,
    parsed: Receiver<Parsed>,
    buffer: VecDeque<Result<RawRow, Error>>,
    /// For each group of rows in the buffer, the count of rows taken at
    /// which it is all taken, and the bytes it was parsed from.
    marks: VecDeque<(u64, u64)>,
    /// Rows taken from the buffer.
    taken: u64,
    /// Bytes of the upload handed to the parser.
    fed: u64,
    /// Bytes of the upload the rows taken were parsed from (at most).
    drained: u64,
    input_done: bool,
    /// The parser handed back its last row.
    finished: bool,
    /// `drained`, for progress reports.
    bytes: Rc<Cell<u64>>,
}

impl<R: Read> AheadRows<R> {
    /// The header row, as the parser read it.
    fn header(&mut self) -> Result<Vec<String>, Error> {
        loop {
            self.feed();
            match self.parsed.recv() {
                Ok(Parsed::Header(header)) => return header,
                Ok(Parsed::Rows { rows, through }) => {
                    // Before the header, a group is only word that the
                    // parser needs more bytes.
                    debug_assert!(rows.is_empty(), "rows before the header");
                    self.received(rows, through);
                }
                Ok(Parsed::End) | Err(_) => return Err(parser_failed()),
            }
        }
    }

    /// Hands the parser the upload's next chunks, as long as it is less
    /// than [`AHEAD_BYTES`] ahead of the rows taken.
    fn feed(&mut self) {
        while !self.input_done && self.fed.saturating_sub(self.drained) < AHEAD_BYTES {
            let mut bytes = vec![0; CHUNK_BYTES];
            let chunk = loop {
                match self.input.read(&mut bytes) {
                    Ok(0) => break Chunk::End,
                    Ok(n) => {
                        bytes.truncate(n);
                        break Chunk::Bytes(bytes);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Chunk::Failed(e),
                }
            };
            match &chunk {
                Chunk::Bytes(bytes) => self.fed += bytes.len() as u64,
                Chunk::Failed(_) | Chunk::End => self.input_done = true,
            }
            // Gone, the parser ended (it failed, or panicked): what it
            // handed back says which.
            if self.chunks.send(chunk).is_err() {
                self.input_done = true;
            }
        }
    }

    /// Takes a group of rows in.
    fn received(&mut self, rows: Vec<Result<RawRow, Error>>, through: u64) {
        if !rows.is_empty() {
            let end = self.taken + self.buffer.len() as u64 + rows.len() as u64;
            self.buffer.extend(rows);
            self.marks.push_back((end, through));
            return;
        }
        // Every row parsed from the bytes so far was handed back before:
        // all the rows the parser has are in the buffer. A group's mark
        // stays exactly while rows of it are there.
        debug_assert_eq!(self.marks.is_empty(), self.buffer.is_empty());
        match self.marks.back_mut() {
            // Due once the rows before it are taken.
            Some(last) => last.1 = last.1.max(through),
            None => self.drained_through(through),
        }
    }

    /// The rows taken were parsed from at most the upload's first
    /// `through` bytes.
    fn drained_through(&mut self, through: u64) {
        self.drained = self.drained.max(through);
        self.bytes.set(self.drained);
    }
}

impl<R: Read> Iterator for AheadRows<R> {
    type Item = Result<RawRow, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(row) = self.buffer.pop_front() {
                self.taken += 1;
                if let Some(&(end, through)) = self.marks.front() {
                    if self.taken >= end {
                        self.marks.pop_front();
                        self.drained_through(through);
                        // The parser may go on.
                        self.feed();
                    }
                }
                return Some(row);
            }
            if self.finished {
                return None;
            }
            self.feed();
            match self.parsed.recv() {
                Ok(Parsed::Rows { rows, through }) => self.received(rows, through),
                Ok(Parsed::End) => self.finished = true,
                Ok(Parsed::Header(_)) => {
                    debug_assert!(false, "a second header");
                }
                // Gone without its end: it panicked. The rest of the file
                // is unread, never silently dropped.
                Err(_) => {
                    self.finished = true;
                    return Some(Err(parser_failed()));
                }
            }
        }
    }
}

/// The error when the parser's thread ended before the file did.
fn parser_failed() -> Error {
    Error::new(ErrorKind::Unreadable, file::UNREADABLE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Limits;

    /// Every row of `input` read through the thread, with the header and
    /// what was detected.
    fn ahead(input: impl Read, options: ReadOptions) -> Result<(Vec<String>, Vec<String>), Error> {
        let ((header, rows), _) = read(run(input, options, |header, rows, _| {
            Ok((header, rows.map(|r| describe(&r)).collect::<Vec<_>>()))
        }))?;
        Ok((header, rows))
    }

    /// What an upload read on the thread came to.
    fn read<T, R>(ahead: Ahead<T, R>) -> Result<(T, Detected), Error> {
        match ahead {
            Ahead::Read(result) => result,
            Ahead::NoThread(_) => panic!("no thread for the parser"),
        }
    }

    /// The same, read on this thread by the parser alone.
    fn direct(input: impl Read, options: ReadOptions) -> Result<(Vec<String>, Vec<String>), Error> {
        let (header, rows) = CsvRows::open(input, &options)?;
        Ok((header, rows.map(|r| describe(&r)).collect()))
    }

    fn describe(row: &Result<RawRow, Error>) -> String {
        match row {
            Ok(raw) => format!(
                "{} {} {:?}",
                raw.row,
                raw.line,
                raw.cells().collect::<Vec<_>>()
            ),
            Err(e) => format!("error {:?} {}", e.kind(), e),
        }
    }

    /// A reader that hands out at most `n` bytes a call.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            let (head, rest) = self.0.split_at(n);
            buf[..n].copy_from_slice(head);
            self.0 = rest;
            Ok(n)
        }
    }

    /// A reader that fails after its bytes.
    struct Failing<'a>(&'a [u8]);

    impl Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("the disk is gone"));
            }
            let n = self.0.len().min(buf.len());
            let (head, rest) = self.0.split_at(n);
            buf[..n].copy_from_slice(head);
            self.0 = rest;
            Ok(n)
        }
    }

    fn many_rows(rows: usize) -> String {
        let mut csv = String::from("email,first_name,note\n");
        for i in 0..rows {
            csv.push_str(&format!("user{i}@example.com,Ann,\"a, b\"\n"));
            if i % 1000 == 0 {
                csv.push('\n');
            }
        }
        csv
    }

    #[test]
    fn rows_read_ahead_are_the_rows_read_directly() {
        let csv = many_rows(30_000);
        let options = ReadOptions::default();
        let direct = direct(csv.as_bytes(), options).unwrap();
        assert_eq!(ahead(csv.as_bytes(), options).unwrap(), direct);
        assert_eq!(direct.1.len(), 30_000 + 30);
    }

    #[test]
    fn a_reader_that_trickles_gives_the_same_rows() {
        let csv = many_rows(500);
        let options = ReadOptions::default();
        assert_eq!(
            ahead(Trickle(csv.as_bytes(), 7), options).unwrap(),
            direct(csv.as_bytes(), options).unwrap()
        );
    }

    #[test]
    fn a_header_that_cannot_be_read_fails_as_it_does_directly() {
        let options = ReadOptions::default();
        let ahead = ahead(&b""[..], options).unwrap_err();
        let direct = direct(&b""[..], options).unwrap_err();
        assert_eq!(ahead.kind(), direct.kind());
        assert_eq!(ahead.to_string(), direct.to_string());
    }

    #[test]
    fn a_reader_failing_mid_file_ends_the_rows_with_its_error() {
        let csv = many_rows(3_000);
        let options = ReadOptions::default();
        let (_, rows) = ahead(Failing(csv.as_bytes()), options).unwrap();
        let (_, expected) = direct(Failing(csv.as_bytes()), options).unwrap();
        assert_eq!(rows, expected);
        assert!(
            rows.last().unwrap().starts_with("error"),
            "{:?}",
            rows.last()
        );
    }

    #[test]
    fn a_row_longer_than_what_is_read_ahead_is_read_whole() {
        let long = "x".repeat(3 * AHEAD_BYTES as usize);
        let csv = format!("email,note\nann@example.com,{long}\nbob@example.com,b\n");
        let options = ReadOptions {
            limits: Limits::default()
                .max_row_bytes(4 * AHEAD_BYTES)
                .max_cell_bytes(4 * AHEAD_BYTES),
            ..ReadOptions::default()
        };
        let (_, rows) = ahead(csv.as_bytes(), options).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].contains(&long));
    }

    #[test]
    fn the_delimiter_and_encoding_found_come_back() {
        let csv = b"email;name\nann@example.com;Ren\xe9\n";
        let (_, detected) = read(run(&csv[..], ReadOptions::default(), |_, rows, _| {
            Ok(rows.count())
        }))
        .unwrap();
        assert_eq!(detected.delimiter, Some(Delimiter::Semicolon));
        assert!(detected.encoding.is_some());
    }

    #[test]
    fn the_bytes_counted_reach_the_file_size() {
        let csv = many_rows(20_000);
        let (counted, _) = read(run(
            csv.as_bytes(),
            ReadOptions::default(),
            |_, rows, bytes| {
                rows.for_each(drop);
                Ok(bytes.get())
            },
        ))
        .unwrap();
        assert_eq!(counted, csv.len() as u64);
    }

    #[test]
    fn a_read_after_the_end_finds_the_end_without_waiting() {
        let (chunks, from_caller) = channel();
        let (to_caller, _parsed) = channel();
        let mut reader = ChunkReader {
            chunks: from_caller,
            chunk: Vec::new(),
            pos: 0,
            over: false,
            outbox: Rc::new(Outbox {
                rows: RefCell::new(Vec::new()),
                taken: Cell::new(0),
                parsed: to_caller,
            }),
        };
        chunks.send(Chunk::Bytes(b"ab".to_vec())).unwrap();
        chunks.send(Chunk::End).unwrap();
        let mut buf = [0; 8];
        assert_eq!(reader.read(&mut buf).unwrap(), 2);
        assert_eq!(reader.read(&mut buf).unwrap(), 0);
        // The calling thread still holds its end and sends nothing more:
        // waiting for a chunk here would never end.
        assert_eq!(reader.read(&mut buf).unwrap(), 0);
        assert_eq!(reader.outbox.taken.get(), 2);
    }

    #[test]
    fn stopping_early_ends_the_parser() {
        let csv = many_rows(50_000);
        let (first, _) = read(run(csv.as_bytes(), ReadOptions::default(), |_, rows, _| {
            Ok(rows.take(10).count())
        }))
        .unwrap();
        assert_eq!(first, 10);
    }
}
