//! Which byte separates cells: detected from the first records, or set.

use std::fmt;

use serde::Serialize;

use super::scan::{Quotes, Token};
use crate::messages::file;

/// The character between cells.
///
/// [`Importer::import`](crate::Importer::import) detects it from the header
/// and the first rows; set it with
/// [`Importer::delimiter`](crate::Importer::delimiter) to skip detection.
///
/// ```
/// use intake::Delimiter;
///
/// assert_eq!(Delimiter::Semicolon.as_char(), ';');
/// assert_eq!(Delimiter::Tab.to_string(), "tab");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Delimiter {
    /// `,`: CSV as most software writes it.
    Comma,
    /// `;`: Excel's CSV where the decimal separator is a comma (most of
    /// Europe, South America).
    Semicolon,
    /// A tab: Excel's "Unicode Text" and "Text (Tab delimited)".
    Tab,
    /// `|`: exports from some databases and accounting systems.
    Pipe,
}

/// Candidates in order of preference: a tie goes to the earlier one.
const CANDIDATES: [Delimiter; 4] = [
    Delimiter::Comma,
    Delimiter::Semicolon,
    Delimiter::Tab,
    Delimiter::Pipe,
];

/// Records looked at to detect the delimiter.
const SAMPLE_RECORDS: usize = 100;

impl Delimiter {
    /// The delimiter as a character.
    pub fn as_char(self) -> char {
        char::from(self.as_byte())
    }

    pub(crate) fn as_byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
            Delimiter::Pipe => b'|',
        }
    }

    /// The name in a sentence: "cells separated by {plural}".
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Delimiter::Comma => file::COMMAS,
            Delimiter::Semicolon => file::SEMICOLONS,
            Delimiter::Tab => file::TABS,
            Delimiter::Pipe => file::PIPES,
        }
    }

    /// The delimiter of the text that starts with `prefix` (`end`: the text
    /// ends there too): the candidate that splits the header into more
    /// than one cell and gives the most of the following records the
    /// header's number of cells, counted outside quotes. Comma when no
    /// candidate splits the header, or on a tie.
    pub(crate) fn detect(prefix: &[u8], end: bool) -> Delimiter {
        let mut best = (Delimiter::Comma, 0usize);
        let mut best_found = false;
        for candidate in CANDIDATES {
            let counts = counts(prefix, end, candidate.as_byte());
            let Some((&header, rest)) = counts.split_first() else {
                continue;
            };
            if header == 0 {
                continue;
            }
            let consistent = rest.iter().filter(|&&c| c == header).count();
            if !best_found || consistent > best.1 {
                best = (candidate, consistent);
                best_found = true;
            }
        }
        best.0
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
            Delimiter::Pipe => "pipe",
        })
    }
}

/// How many `delimiter`s each non-empty record of `prefix` holds outside
/// quotes. A record cut by the prefix's end is left out, unless it is the
/// only one (a header longer than the prefix).
fn counts(prefix: &[u8], end: bool, delimiter: u8) -> Vec<usize> {
    let mut quotes = Quotes::new(delimiter);
    let mut counts = Vec::new();
    let mut current = 0;
    let mut in_record = false;
    for &b in prefix {
        match quotes.step(b) {
            Token::Terminator => {
                if in_record {
                    counts.push(current);
                    if counts.len() >= SAMPLE_RECORDS {
                        return counts;
                    }
                }
                current = 0;
                in_record = false;
            }
            Token::Delimiter => {
                current += 1;
                in_record = true;
            }
            Token::Byte | Token::OpenQuote => in_record = true,
        }
    }
    if in_record && (end || counts.is_empty()) {
        counts.push(current);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(text: &str) -> Delimiter {
        Delimiter::detect(text.as_bytes(), true)
    }

    #[test]
    fn single_column_file_is_comma() {
        assert_eq!(detect("email\nann@example.com\n"), Delimiter::Comma);
    }

    #[test]
    fn semicolons_with_decimal_commas_are_semicolon() {
        assert_eq!(
            detect("name;balance\nAnn;1,50\nBob;2,25\n"),
            Delimiter::Semicolon
        );
    }

    #[test]
    fn delimiters_inside_quotes_do_not_count() {
        assert_eq!(
            detect("\"a;b;c\",d\n\"x;y;z\",w\n\"1;2\",3\n"),
            Delimiter::Comma
        );
    }

    #[test]
    fn consistent_candidate_wins_over_one_in_the_header_only() {
        assert_eq!(detect("name|notes, more\nAnn|x\nBob|y\n"), Delimiter::Pipe);
    }

    #[test]
    fn tie_goes_to_comma() {
        assert_eq!(detect("a,b;c\n1,2;3\n"), Delimiter::Comma);
    }

    #[test]
    fn cut_last_record_is_ignored() {
        assert_eq!(
            Delimiter::detect(b"a\tb\n1\t2\n3,4,5,6,7", false),
            Delimiter::Tab
        );
    }
}
