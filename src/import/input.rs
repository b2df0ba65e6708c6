//! The rows handed to a session, on their way into batches: blank rows
//! skipped or ending the data, the row limit counted before anything is
//! written.

use crate::error::{Error, ErrorKind};
use crate::messages::file;
use crate::read::{BlankRows, RawRow};

/// The rows handed so far.
pub(super) struct Input {
    batch_size: usize,
    blank_rows: BlankRows,
    /// The row limit.
    limit: Option<u64>,
    /// Whether the rows are being counted against the limit, before any
    /// is checked.
    counting: bool,
    /// The batch being gathered.
    gathering: Vec<RawRow>,
    /// Rows held while counting, replayed once the count is known.
    held: Vec<RawRow>,
    /// Data rows counted against the limit.
    counted: u64,
    /// Non-blank rows after a blank row that ends the data.
    pub(super) after_blank: Option<u64>,
    /// Whether a customer row has been read (blank rows before it end
    /// nothing).
    data_started: bool,
    /// The read error that ended the data.
    pub(super) error: Option<Error>,
    ended: bool,
    /// Bytes of the upload read, as the caller said.
    pub(super) bytes: u64,
    /// The number of the next row handed without one.
    pub(super) next_row: u64,
}

/// What the rows handed so far come to.
pub(super) enum Gathered {
    /// More rows are needed.
    More,
    /// A batch (empty at the end of the data).
    Batch(Vec<RawRow>),
}

impl Input {
    pub(super) fn new(batch_size: usize, blank_rows: BlankRows, limit: Option<u64>) -> Input {
        Input {
            batch_size,
            blank_rows,
            limit,
            counting: limit.is_some(),
            gathering: Vec::with_capacity(batch_size),
            held: Vec::new(),
            counted: 0,
            after_blank: None,
            data_started: false,
            error: None,
            ended: false,
            bytes: 0,
            next_row: 2,
        }
    }

    /// Whether the rows are still being counted against the limit.
    pub(super) fn counting(&self) -> bool {
        self.counting
    }

    /// Takes the next row. `Err` refuses the file: it has more rows
    /// than the limit (known once a blank row ends the data).
    pub(super) fn push(&mut self, raw: RawRow) -> Result<(), Error> {
        self.next_row = raw.row + 1;
        if self.ended || self.error.is_some() {
            return Ok(());
        }
        if !self.counting {
            self.take(raw);
            return Ok(());
        }
        if raw.is_blank() {
            // The limit counts the data, which a blank row may end.
            if self.blank_rows == BlankRows::EndData && self.data_started {
                self.held.push(raw);
                return self.counted();
            }
            return Ok(());
        }
        self.data_started = true;
        self.counted += 1;
        if self.limit.is_none_or(|limit| self.counted <= limit) {
            self.held.push(raw);
        }
        Ok(())
    }

    /// There are no more rows; `error` is why, when reading failed.
    pub(super) fn end(&mut self, error: Option<Error>) -> Result<(), Error> {
        if !self.ended && self.error.is_none() {
            self.error = error;
        }
        self.ended = true;
        if self.counting {
            return self.counted();
        }
        Ok(())
    }

    /// The count is final: the file is refused when it has more rows than
    /// the limit, else its rows held are replayed into batches.
    fn counted(&mut self) -> Result<(), Error> {
        self.counting = false;
        let count = self.counted;
        if let Some(limit) = self.limit.filter(|&limit| count > limit) {
            return Err(Error::new(
                ErrorKind::TooManyRows { rows: count, limit },
                file::too_many_rows(count, limit),
            ));
        }
        self.data_started = false;
        for raw in std::mem::take(&mut self.held) {
            self.take(raw);
        }
        Ok(())
    }

    /// A row past the counting: blank rows skipped or ending the data.
    fn take(&mut self, raw: RawRow) {
        if let Some(count) = self.after_blank.as_mut() {
            if !raw.is_blank() {
                *count += 1;
            }
            return;
        }
        if raw.is_blank() {
            // Blank rows before the first customer row end nothing.
            if self.blank_rows == BlankRows::EndData && self.data_started {
                self.after_blank = Some(0);
            }
            return;
        }
        self.data_started = true;
        self.gathering.push(raw);
    }

    /// The next batch when it is complete.
    pub(super) fn gathered(&mut self) -> Gathered {
        let complete =
            self.gathering.len() >= self.batch_size || self.ended || self.error.is_some();
        if !complete {
            return Gathered::More;
        }
        let rest = if self.gathering.len() > self.batch_size {
            self.gathering.split_off(self.batch_size)
        } else {
            Vec::with_capacity(self.batch_size)
        };
        Gathered::Batch(std::mem::replace(&mut self.gathering, rest))
    }
}
