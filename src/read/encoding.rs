//! Bytes in whatever encoding the spreadsheet saved → UTF-8, streamed.
//!
//! Detection, in order: a byte-order mark; UTF-16 without one (every
//! other byte zero); otherwise the bytes pass through as long as they are
//! ASCII, which reads the same in UTF-8 and in every legacy encoding Excel
//! writes. At the first non-ASCII byte the next [`WINDOW`] bytes decide:
//! valid UTF-8 is UTF-8, anything else is what `chardetng` guesses (for
//! Excel's "CSV" on Windows, Windows-1252). Deciding there rather than on
//! a fixed prefix means a file whose first accent is on row 5,000 is still
//! read right.

use std::fmt;
use std::io;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::DecoderResult;

/// A text encoding, named as in the WHATWG Encoding Standard (the names
/// browsers use).
///
/// [`Importer::import`](crate::Importer::import) detects the encoding by
/// itself; set one with [`Importer::encoding`](crate::Importer::encoding)
/// only when detection cannot know (a short file with a few accents).
///
/// ```
/// use intake::Encoding;
///
/// assert_eq!(Encoding::for_label("latin1"), Some(Encoding::WINDOWS_1252));
/// assert_eq!(Encoding::for_label("Shift_JIS").map(|e| e.name()), Some("Shift_JIS"));
/// assert_eq!(Encoding::UTF_16LE.to_string(), "UTF-16LE");
/// assert_eq!(Encoding::for_label("no such thing"), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encoding(&'static encoding_rs::Encoding);

impl Encoding {
    /// UTF-8 (Excel's "CSV UTF-8").
    pub const UTF_8: Encoding = Encoding(&encoding_rs::UTF_8_INIT);
    /// UTF-16, little-endian (Excel's "Unicode Text" on Windows).
    pub const UTF_16LE: Encoding = Encoding(&encoding_rs::UTF_16LE_INIT);
    /// UTF-16, big-endian.
    pub const UTF_16BE: Encoding = Encoding(&encoding_rs::UTF_16BE_INIT);
    /// Windows-1252, which browsers also use for ISO-8859-1 (Latin-1):
    /// Excel's "CSV" on Windows in the Americas and Western Europe.
    pub const WINDOWS_1252: Encoding = Encoding(&encoding_rs::WINDOWS_1252_INIT);

    /// The encoding a label names (`"utf-8"`, `"latin1"`, `"cp1252"`,
    /// `"windows-1250"`, `"shift_jis"`, …; case and surrounding spaces do
    /// not matter), as browsers read the label.
    pub fn for_label(label: &str) -> Option<Encoding> {
        encoding_rs::Encoding::for_label(label.as_bytes()).map(Encoding)
    }

    /// The encoding's canonical name, such as `"windows-1252"`.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub(crate) fn inner(self) -> &'static encoding_rs::Encoding {
        self.0
    }
}

impl fmt::Debug for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Encoding({})", self.name())
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Encoding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// A failure below the csv parser, before lines are known; the scanner
/// places it on a line.
#[derive(Debug)]
pub(super) enum Fault {
    /// Bytes that are not text in the encoding being read.
    NotText { encoding: &'static str },
    /// The input is longer than the file limit.
    FileTooLarge { limit: u64 },
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::NotText { encoding } => write!(f, "bytes that are not {encoding} text"),
            Fault::FileTooLarge { limit } => write!(f, "the input is longer than {limit} bytes"),
        }
    }
}

impl std::error::Error for Fault {}

/// Bytes read from the input at a time.
const CHUNK: usize = 8 * 1024;
/// Bytes from the first non-ASCII byte on that decide the encoding.
const WINDOW: usize = 64 * 1024;
/// Bytes looked at for UTF-16 without a byte-order mark.
const SNIFF: usize = 256;

enum Mode {
    /// Nothing read yet; the encoding the app set, if any.
    Start(Option<Encoding>),
    /// Only ASCII so far, no encoding set: bytes pass through.
    Ascii,
    Decoding(encoding_rs::Decoder),
    /// The input ended, or could not be decoded further.
    Done,
}

/// Streams the input as UTF-8, whatever its encoding. Memory stays within
/// [`WINDOW`] plus a chunk, whatever the input's size.
pub(super) struct Decoder<R> {
    inner: R,
    mode: Mode,
    raw: Vec<u8>,
    raw_pos: usize,
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
    /// A read error of the input, returned once the bytes before it are.
    deferred: Option<io::Error>,
    used: Option<Encoding>,
}

impl<R: io::Read> Decoder<R> {
    /// Decodes `inner`, in `forced` when given (a byte-order mark still
    /// wins, as in browsers).
    pub fn new(inner: R, forced: Option<Encoding>) -> Decoder<R> {
        Decoder {
            inner,
            mode: Mode::Start(forced),
            raw: Vec::with_capacity(CHUNK),
            raw_pos: 0,
            out: Vec::new(),
            out_pos: 0,
            eof: false,
            deferred: None,
            used: None,
        }
    }

    /// The encoding the input is read in; `None` while (or when) it has
    /// been ASCII only.
    pub fn encoding(&self) -> Option<Encoding> {
        self.used
    }

    /// Reads until `want` unread bytes are held or the input ends; an
    /// input error is kept until the bytes before it are used.
    fn fill_to(&mut self, want: usize) -> io::Result<()> {
        if self.raw_pos > 0 {
            self.raw.drain(..self.raw_pos);
            self.raw_pos = 0;
        }
        while self.raw.len() < want && !self.eof && self.deferred.is_none() {
            let start = self.raw.len();
            self.raw.resize(want, 0);
            let read = self
                .inner
                .read(self.raw.get_mut(start..).unwrap_or(&mut []));
            match read {
                Ok(0) => {
                    self.raw.truncate(start);
                    self.eof = true;
                }
                Ok(n) => self.raw.truncate(start + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.raw.truncate(start),
                Err(e) => {
                    self.raw.truncate(start);
                    self.deferred = Some(e);
                }
            }
        }
        match self.deferred.take() {
            Some(e) if self.raw.is_empty() => {
                self.mode = Mode::Done;
                Err(e)
            }
            deferred => {
                self.deferred = deferred;
                Ok(())
            }
        }
    }

    fn unread(&self) -> &[u8] {
        self.raw.get(self.raw_pos..).unwrap_or(&[])
    }

    fn decide(&mut self, encoding: Encoding) {
        self.used = Some(encoding);
        self.mode = Mode::Decoding(encoding.inner().new_decoder_without_bom_handling());
    }

    /// Puts the next decoded bytes (possibly none) in `out`; `false` at
    /// the end of the input.
    fn produce(&mut self) -> io::Result<bool> {
        if matches!(self.mode, Mode::Done) {
            return Ok(false);
        }
        if self.raw_pos == self.raw.len() {
            self.fill_to(CHUNK)?;
        }
        match &mut self.mode {
            Mode::Done => Ok(false),
            Mode::Start(forced) => {
                let forced = *forced;
                self.fill_to(SNIFF)?;
                if let Some((bom, len)) = encoding_rs::Encoding::for_bom(self.unread()) {
                    self.raw_pos += len;
                    self.decide(Encoding(bom));
                } else if let Some(forced) = forced {
                    self.decide(forced);
                } else if let Some(utf16) = utf16_without_bom(self.unread()) {
                    self.decide(utf16);
                } else {
                    self.mode = Mode::Ascii;
                }
                Ok(true)
            }
            Mode::Ascii => {
                let unread = self.raw.get(self.raw_pos..).unwrap_or(&[]);
                if unread.is_empty() {
                    self.mode = Mode::Done;
                    return Ok(false);
                }
                let ascii = unread
                    .iter()
                    .position(|b| !b.is_ascii())
                    .unwrap_or(unread.len());
                if ascii > 0 {
                    self.out
                        .extend_from_slice(unread.get(..ascii).unwrap_or(&[]));
                    self.raw_pos += ascii;
                    return Ok(true);
                }
                self.fill_to(WINDOW)?;
                let guessed = guess(self.unread(), self.eof && self.deferred.is_none());
                self.decide(guessed);
                Ok(true)
            }
            Mode::Decoding(decoder) => {
                let last = self.eof && self.deferred.is_none();
                let src = self.raw.get(self.raw_pos..).unwrap_or(&[]);
                self.out.resize(2 * CHUNK, 0);
                let (result, read, written) =
                    decoder.decode_to_utf8_without_replacement(src, &mut self.out, last);
                self.raw_pos += read;
                self.out.truncate(written);
                match result {
                    DecoderResult::InputEmpty => {
                        if last {
                            self.mode = Mode::Done;
                        }
                        Ok(true)
                    }
                    DecoderResult::OutputFull => Ok(true),
                    DecoderResult::Malformed(_, _) => {
                        let encoding = decoder.encoding().name();
                        // Hand over what came before the bad bytes first.
                        self.raw.clear();
                        self.raw_pos = 0;
                        self.eof = true;
                        self.deferred = Some(io::Error::other(Fault::NotText { encoding }));
                        if written == 0 {
                            return self.fill_to(CHUNK).map(|()| true);
                        }
                        Ok(true)
                    }
                }
            }
        }
    }
}

impl<R: io::Read> io::Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let pending = self.out.get(self.out_pos..).unwrap_or(&[]);
            if !pending.is_empty() {
                let n = pending.len().min(buf.len());
                if let (Some(dst), Some(src)) = (buf.get_mut(..n), pending.get(..n)) {
                    dst.copy_from_slice(src);
                }
                self.out_pos += n;
                return Ok(n);
            }
            self.out.clear();
            self.out_pos = 0;
            if !self.produce()? {
                return Ok(0);
            }
        }
    }
}

/// The encoding of bytes that start at the first non-ASCII byte of the
/// input. `end`: the input ends with them.
///
/// Mostly valid UTF-8 is UTF-8, even with a few bad bytes: those are then
/// reported on their line, rather than every accent of the file turned
/// into two wrong letters by reading it as Windows-1252.
fn guess(bytes: &[u8], end: bool) -> Encoding {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid += text.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let good = rest.get(..e.valid_up_to()).unwrap_or(&[]);
                valid += String::from_utf8_lossy(good)
                    .chars()
                    .filter(|c| !c.is_ascii())
                    .count();
                match e.error_len() {
                    Some(len) => {
                        invalid += 1;
                        rest = rest.get(e.valid_up_to() + len..).unwrap_or(&[]);
                    }
                    // Cut in the middle of a character by the window's end.
                    None if !end => break,
                    None => {
                        invalid += 1;
                        break;
                    }
                }
            }
        }
    }
    if valid > invalid {
        return Encoding::UTF_8;
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, end);
    Encoding(detector.guess(None, Utf8Detection::Deny))
}

/// UTF-16 without a byte-order mark: text (a CSV header is mostly ASCII)
/// where every other byte is zero. No CSV in an 8-bit encoding holds NULs.
fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    let pairs = bytes.chunks_exact(2).take(SNIFF / 2);
    let (mut total, mut le, mut be) = (0usize, 0usize, 0usize);
    for pair in pairs {
        total += 1;
        match pair {
            [a, 0] if *a != 0 => le += 1,
            [0, b] if *b != 0 => be += 1,
            _ => {}
        }
    }
    if total < 2 {
        return None;
    }
    if be == 0 && le * 2 >= total {
        Some(Encoding::UTF_16LE)
    } else if le == 0 && be * 2 >= total {
        Some(Encoding::UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn decode(bytes: &[u8]) -> (io::Result<String>, Option<Encoding>) {
        let mut d = Decoder::new(bytes, None);
        let mut out = Vec::new();
        let r = d.read_to_end(&mut out);
        (
            r.map(|_| String::from_utf8(out).unwrap_or_default()),
            d.encoding(),
        )
    }

    #[test]
    fn ascii_passes_through_with_no_encoding_decided() {
        let (text, used) = decode(b"email\nann@example.com\n");
        assert_eq!(text.unwrap(), "email\nann@example.com\n");
        assert_eq!(used, None);
    }

    #[test]
    fn latin_byte_after_a_long_ascii_run_decides_windows_1252() {
        let mut bytes = b"name\n".repeat(20_000);
        bytes.extend_from_slice(b"M\xfcller\n");
        let (text, used) = decode(&bytes);
        assert!(text.unwrap().ends_with("name\nM\u{fc}ller\n"));
        assert_eq!(used, Some(Encoding::WINDOWS_1252));
    }

    #[test]
    fn utf8_cut_by_the_window_is_still_utf8() {
        let mut bytes = "é".repeat(WINDOW).into_bytes();
        bytes.push(b'\n');
        let (text, used) = decode(&bytes);
        assert_eq!(text.unwrap().chars().count(), WINDOW + 1);
        assert_eq!(used, Some(Encoding::UTF_8));
    }

    #[test]
    fn bytes_not_utf8_in_a_utf8_file_fail_after_the_good_text() {
        let mut d = Decoder::new(&b"caf\xc3\xa9\nM\xfcller\n"[..], Some(Encoding::UTF_8));
        let mut out = Vec::new();
        let err = d.read_to_end(&mut out).unwrap_err();
        assert_eq!(out, "café\nM".as_bytes());
        assert!(err.get_ref().unwrap().downcast_ref::<Fault>().is_some());
    }

    #[test]
    fn stray_latin1_byte_in_utf8_text_fails_as_utf8() {
        let mut bytes = "Zoë,Renée,José\nM".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xfcller\n");
        let (text, used) = decode(&bytes);
        assert!(text.is_err());
        assert_eq!(used, Some(Encoding::UTF_8));
    }

    #[test]
    fn bytes_not_utf8_past_the_window_fail() {
        let mut bytes = "é".repeat(WINDOW).into_bytes();
        bytes.extend_from_slice(b"\nM\xfcller\n");
        let (text, used) = decode(&bytes);
        assert!(text.is_err());
        assert_eq!(used, Some(Encoding::UTF_8));
    }

    #[test]
    fn input_error_comes_after_the_bytes_read_before_it() {
        struct Failing(bool);
        impl io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    return Err(io::Error::other("disk gone"));
                }
                buf[..3].copy_from_slice(b"a,b");
                Ok(3)
            }
        }
        let mut d = Decoder::new(Failing(false), None);
        let mut out = Vec::new();
        let err = d.read_to_end(&mut out).unwrap_err();
        assert_eq!(out, b"a,b");
        assert_eq!(err.to_string(), "disk gone");
    }

    #[test]
    fn utf16le_without_bom_is_recognised() {
        let bytes: Vec<u8> = "email\tname\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (text, used) = decode(&bytes);
        assert_eq!(text.unwrap(), "email\tname\n");
        assert_eq!(used, Some(Encoding::UTF_16LE));
    }
}
