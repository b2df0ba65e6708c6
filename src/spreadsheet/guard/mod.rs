//! Looks inside an upload before calamine does, so that a hostile file ends
//! in a clear error in bounded memory and time.
//!
//! calamine trusts what a file claims: it reserves room for an `.xlsx`
//! file's announced count of shared strings, and for an `.xls` sheet's
//! announced dimensions; it builds every sheet of `.ods` and `.xls` files
//! whole, as rows × columns, expanding repeated rows and cells; and it
//! unzips whatever the archive holds. Each of these is checked here first,
//! against the spreadsheet [`Limits`]: one file a format, `zip` (with
//! `xlsx` and `ods` for the parts it checks) and `biff` (`.xls`).

mod biff;
mod ods;
mod xlsx;
mod zip;

use std::io::{self, BufRead};

use quick_xml::events::BytesStart;

use super::Container;
use crate::error::{Error, ErrorKind};
use crate::messages;
use crate::{Limit, Limits};

/// The spreadsheet formats calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

impl Format {
    /// How the format is known to people.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Format::Xlsx => messages::spreadsheet::XLSX,
            Format::Xlsb => messages::spreadsheet::XLSB,
            Format::Ods => messages::spreadsheet::ODS,
            Format::Xls => messages::spreadsheet::XLS,
        }
    }
}

/// Checks the upload and tells which format it is.
pub(super) fn inspect(
    container: Container,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Format, Error> {
    match container {
        Container::Zip => zip::inspect(bytes, limits),
        Container::Ole => biff::inspect(bytes, limits).map(|()| Format::Xls),
    }
}

/// The file passes `what`, one of the `limits` (`too_large`): `how` says
/// how it does ("it is larger than 32 MB").
pub(super) fn too_large(limits: &Limits, what: Limit, how: &str) -> Error {
    let limit = limits.of(what);
    let most = match what {
        Limit::Cells => messages::spreadsheet::cells(limit),
        Limit::Columns => messages::spreadsheet::columns(limit),
        _ => messages::size(limit),
    };
    Error::new(
        ErrorKind::TooLarge { what, limit },
        messages::spreadsheet::too_large(how, &most),
    )
}

/// The file passes the cell limit: `how` says how.
pub(super) fn too_many_cells(limits: &Limits, how: &str) -> Error {
    too_large(limits, Limit::Cells, how)
}

/// The text of an `.ods` or `.xls` file's cells passes its limit.
pub(super) fn too_much_text(limits: &Limits) -> Error {
    too_large(
        limits,
        Limit::SheetTextBytes,
        &messages::spreadsheet::text_over(limits.get_max_sheet_text_bytes()),
    )
}

/// The file claims to be `format` but is broken.
pub(super) fn broken(format: &str, detail: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Unreadable,
        messages::spreadsheet::broken(format, detail),
    )
}

/// The file is protected with a password.
pub(super) fn password_protected() -> Error {
    Error::new(
        ErrorKind::Unreadable,
        messages::spreadsheet::PASSWORD_PROTECTED,
    )
}

/// Why a scan stopped.
pub(super) enum Scan {
    /// The file is refused: the error says why.
    Refused(Error),
    /// Reading the entry failed (or its budget ran out).
    Io(io::Error),
    /// The XML is broken.
    Xml(quick_xml::Error),
}

impl From<quick_xml::Error> for Scan {
    fn from(e: quick_xml::Error) -> Scan {
        match e {
            quick_xml::Error::Io(io) => Scan::Io(io::Error::new(io.kind(), io.to_string())),
            other => Scan::Xml(other),
        }
    }
}

impl From<quick_xml::events::attributes::AttrError> for Scan {
    fn from(e: quick_xml::events::attributes::AttrError) -> Scan {
        Scan::Xml(e.into())
    }
}

impl From<quick_xml::encoding::EncodingError> for Scan {
    fn from(e: quick_xml::encoding::EncodingError) -> Scan {
        Scan::Xml(e.into())
    }
}

/// An XML reader configured as calamine configures its own.
pub(super) fn xml<R: BufRead>(input: R) -> quick_xml::Reader<R> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    reader
}

/// The number in attribute `key` of `e`, if it has one that parses.
pub(super) fn number_attribute<R>(
    reader: &quick_xml::Reader<R>,
    e: &BytesStart<'_>,
    key: &[u8],
) -> Result<Option<u64>, Scan> {
    match e.try_get_attribute(key)? {
        Some(a) => {
            let text = a.decode_and_unescape_value(reader.decoder())?;
            Ok(text.trim().parse::<u64>().ok())
        }
        None => Ok(None),
    }
}
