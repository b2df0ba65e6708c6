//! Zipped spreadsheets (`.xlsx`, `.xlsb`, `.ods`): every entry unzipped
//! within a budget, the parts calamine would trust checked, the format
//! told apart.

use std::cell::Cell;
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use super::{broken, ods, password_protected, too_large, xlsx, Format, Scan};
use crate::error::{Error, ErrorKind};
use crate::messages;
use crate::read::Metered;
use crate::{Limit, Limits};

/// The archive holds more than the unzipped limit (`too_large`).
fn unzipped_too_large(limits: &Limits) -> Error {
    too_large(
        limits,
        Limit::UnzippedBytes,
        &messages::spreadsheet::unzipped_over(limits.get_max_unzipped_bytes()),
    )
}

/// Reads an entry to its end, counting it.
fn drain<R: Read>(entry: &mut R) -> io::Result<()> {
    let mut buf = [0u8; 16 * 1024];
    while entry.read(&mut buf)? > 0 {}
    Ok(())
}

/// What the entries of a zip say about the file.
#[derive(Default)]
struct Parts {
    xlsx: bool,
    xlsb: bool,
    ods: bool,
}

/// Unzips every entry within the budget (without keeping it), checks the
/// parts calamine would trust, and tells xlsx, xlsb and ods apart.
pub(super) fn inspect(bytes: &[u8], limits: &Limits) -> Result<Format, Error> {
    let not_a_zip = |e: zip::result::ZipError| broken(messages::spreadsheet::ZIPPED, e);
    let mut archive = zip::ZipArchive::new(io::Cursor::new(bytes)).map_err(not_a_zip)?;
    // The unzipped bytes, counted across every entry of the archive: the
    // limit is on all its parts together.
    let unzipped = Rc::new(Cell::new(0));
    let mut parts = Parts::default();
    for i in 0..archive.len() {
        let entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::UnsupportedArchive(msg)) if msg.contains("assword") => {
                return Err(password_protected())
            }
            Err(e) => return Err(not_a_zip(e)),
        };
        if entry.is_dir() {
            continue;
        }
        // calamine finds parts ignoring case.
        let name = entry.name().to_ascii_lowercase();
        // Past the budget, its error only stops the reading: `over` tells
        // the error to report.
        let mut counted = Metered::new(entry)
            .sharing(Rc::clone(&unzipped))
            .limit(limits.get_max_unzipped_bytes(), |_| {
                io::Error::other("unzipped size limit")
            });
        let checked = match name.as_str() {
            "xl/workbook.xml" => {
                parts.xlsx = true;
                Ok(())
            }
            "xl/workbook.bin" => {
                parts.xlsb = true;
                Ok(())
            }
            "mimetype" => {
                let mut head = Vec::new();
                let read = counted.by_ref().take(128).read_to_end(&mut head);
                parts.ods = head.starts_with(b"application/vnd.oasis.opendocument.spreadsheet");
                read.map(|_| ()).map_err(Scan::Io)
            }
            "xl/sharedstrings.xml" => {
                xlsx::check_shared_strings(BufReader::new(&mut counted), limits)
            }
            "content.xml" => ods::check_content(BufReader::new(&mut counted), limits),
            _ => Ok(()),
        };
        let drained = drain(&mut counted);
        if counted.over() {
            return Err(unzipped_too_large(limits));
        }
        match checked {
            Err(Scan::Refused(e)) => return Err(e),
            Err(Scan::Io(e)) => return Err(broken(messages::spreadsheet::ZIPPED, e)),
            Err(Scan::Xml(e)) => return Err(broken(messages::spreadsheet::ANY, e)),
            Ok(()) => {}
        }
        drained.map_err(|e| broken(messages::spreadsheet::ZIPPED, e))?;
    }
    if parts.xlsb {
        Ok(Format::Xlsb)
    } else if parts.xlsx {
        Ok(Format::Xlsx)
    } else if parts.ods {
        Ok(Format::Ods)
    } else {
        Err(Error::new(
            ErrorKind::Unreadable,
            messages::spreadsheet::NOT_A_SPREADSHEET_ZIP,
        ))
    }
}
