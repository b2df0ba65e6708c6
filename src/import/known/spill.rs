//! [`Spill`]: a dry run's customer values in a temporary file, read back
//! by offset.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use chrono::{Datelike, NaiveDate};

use crate::record::{Record, Text, Value};

/// Records appended to a temporary file (or kept in memory when there is
/// none), read back by offset.
pub(super) struct Spill {
    /// The temporary file; `None` when none could be made, or when a
    /// failed write left it at an unknown place.
    file: Option<File>,
    /// Bytes already in the file.
    flushed: u64,
    /// Bytes not yet written to the file: offsets from `flushed` on.
    buffer: Vec<u8>,
    /// Set when writing to the file failed: no more is written to it.
    full: bool,
    /// A failed read: the engine cannot trust what it knows.
    failure: Option<io::Error>,
}

/// How much the spill buffers before writing to its file.
const SPILL_BUFFER: usize = 1 << 20;

impl Spill {
    /// An empty spill, in a new temporary file if one can be made.
    pub(super) fn new() -> Spill {
        Spill {
            // Without a temporary file the records stay in memory: more
            // memory, same results.
            file: tempfile::tempfile().ok(),
            flushed: 0,
            buffer: Vec::new(),
            full: false,
            failure: None,
        }
    }

    /// Appends `record`; answers its offset, for [`Spill::read`].
    pub(super) fn append(&mut self, record: &Record) -> u64 {
        let offset = self.flushed + self.buffer.len() as u64;
        encode(record, &mut self.buffer);
        if self.buffer.len() >= SPILL_BUFFER && !self.full {
            if let Some(file) = self.file.as_mut() {
                let written = file
                    .seek(SeekFrom::End(0))
                    .and_then(|_| file.write_all(&self.buffer));
                if written.is_ok() {
                    self.flushed += self.buffer.len() as u64;
                    self.buffer.clear();
                } else {
                    // The disk is full, say: what the file holds stays
                    // readable, the rest stays in memory.
                    self.full = true;
                    let end = file.seek(SeekFrom::Start(self.flushed)).is_ok();
                    if !end {
                        self.file = None;
                    }
                }
            }
        }
        offset
    }

    /// The record at `offset`; `None` (and a failure kept for
    /// [`Spill::take_failure`]) when it does not read back.
    pub(super) fn read(&mut self, offset: u64) -> Option<Record> {
        if offset >= self.flushed {
            let start = usize::try_from(offset - self.flushed).ok()?;
            return decode(&mut self.buffer.get(start..)?);
        }
        let Some(file) = self.file.as_mut() else {
            self.failure = Some(io::Error::other("the temporary file is gone"));
            return None;
        };
        let mut reader = io::BufReader::with_capacity(4096, &*file);
        match reader.seek(SeekFrom::Start(offset)) {
            Ok(_) => {
                let record = decode(&mut reader);
                if record.is_none() {
                    self.failure = Some(io::Error::other("a record did not read back"));
                }
                record
            }
            Err(e) => {
                self.failure = Some(e);
                None
            }
        }
    }

    /// Takes the error of a failed read, if one failed.
    pub(super) fn take_failure(&mut self) -> Option<io::Error> {
        self.failure.take()
    }
}

/// `u32` entry count, then per entry: name (`u32` length, bytes), a tag
/// byte, value (`u32` length, bytes; a date as its day number).
fn encode(record: &Record, out: &mut Vec<u8>) {
    let put = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    out.extend_from_slice(&(record.len() as u32).to_le_bytes());
    for (field, value) in record.iter() {
        put(out, field.as_bytes());
        let (tag, text) = match value {
            Value::Text(s) => (0u8, s.as_str()),
            Value::Email(s) => (1, s.as_str()),
            Value::Phone(s) => (2, s.as_str()),
            Value::Date(d) => {
                out.push(3);
                put(out, &d.num_days_from_ce().to_le_bytes());
                continue;
            }
            Value::Choice(s) => (4, s.as_str()),
            Value::Number(s) => (5, s.as_str()),
            Value::Country(s) => (6, s.as_str()),
            Value::State(s) => (7, s.as_str()),
            Value::PasswordHash(s) => (8, s.as_str()),
        };
        out.push(tag);
        put(out, text.as_bytes());
    }
}

/// A record as [`encode`] wrote it; `None` when the bytes are not one.
fn decode<R: Read>(input: &mut R) -> Option<Record> {
    /// A `u32` length, then that many bytes.
    fn take<R: Read>(input: &mut R) -> Option<Vec<u8>> {
        let mut len = [0u8; 4];
        input.read_exact(&mut len).ok()?;
        let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
        input.read_exact(&mut bytes).ok()?;
        Some(bytes)
    }
    let mut count = [0u8; 4];
    input.read_exact(&mut count).ok()?;
    let mut record = Vec::new();
    for _ in 0..u32::from_le_bytes(count) {
        let field = String::from_utf8(take(input)?).ok()?;
        let mut tag = [0u8; 1];
        input.read_exact(&mut tag).ok()?;
        let bytes = take(input)?;
        let value = if tag[0] == 3 {
            let days = i32::from_le_bytes(bytes.try_into().ok()?);
            Value::Date(NaiveDate::from_num_days_from_ce_opt(days)?)
        } else {
            let text = Text::from(String::from_utf8(bytes).ok()?);
            match tag[0] {
                0 => Value::Text(text),
                1 => Value::Email(text),
                2 => Value::Phone(text),
                4 => Value::Choice(text),
                5 => Value::Number(text),
                6 => Value::Country(text),
                7 => Value::State(text),
                8 => Value::PasswordHash(text),
                _ => return None,
            }
        };
        record.push((field, value));
    }
    Some(record.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> Record {
        let mut r = Record::new();
        r.insert("email", Value::Email("ann@example.com".into()));
        r.insert("phone", Value::Phone("+14155550101".into()));
        r.insert("first_name", Value::Text("Änn, \"the\" first".into()));
        r.insert(
            "birthday",
            Value::Date(NaiveDate::from_ymd_opt(1986, 10, 25).unwrap()),
        );
        r
    }

    #[test]
    fn a_spilled_record_reads_back_equal() {
        let mut out = Vec::new();
        encode(&ann(), &mut out);
        assert_eq!(decode(&mut out.as_slice()), Some(ann()));
    }

    #[test]
    fn records_read_back_from_the_file_and_from_the_buffer() {
        let mut spill = Spill::new();
        // Enough records to flush the buffer to the file at least once.
        let offsets: Vec<u64> = (0..20_000).map(|_| spill.append(&ann())).collect();
        assert!(spill.flushed > 0 || spill.file.is_none());
        for &offset in [offsets[0], offsets[10_000], offsets[19_999]].iter() {
            assert_eq!(spill.read(offset), Some(ann()));
        }
        assert!(spill.failure.is_none());
    }
}
