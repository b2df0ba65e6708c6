//! `.xlsx` parts calamine trusts: the announced count of shared strings.

use std::io::BufRead;

use quick_xml::events::Event;

use super::{number_attribute, too_many_cells, xml, Scan};
use crate::messages;
use crate::Limits;

/// calamine reserves room for the announced count of shared strings
/// (`<sst uniqueCount="…">`) before reading them: a false count would ask
/// for terabytes.
pub(super) fn check_shared_strings<R: BufRead>(input: R, limits: &Limits) -> Result<(), Scan> {
    let mut reader = xml(input);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == b"sst" => {
                if let Some(count) = number_attribute(&reader, &e, b"uniqueCount")? {
                    if count > limits.get_max_cells() {
                        return Err(Scan::Refused(too_many_cells(
                            limits,
                            &messages::spreadsheet::different_texts(count),
                        )));
                    }
                }
                return Ok(());
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_string_count_beyond_the_limit_is_refused() {
        let xml = "<?xml version=\"1.0\"?><sst xmlns=\"x\" count=\"1\" uniqueCount=\"1000000000000\"><si><t>a</t></si></sst>";
        assert!(matches!(
            check_shared_strings(xml.as_bytes(), &Limits::default()),
            Err(Scan::Refused(_))
        ));
        let xml = "<sst count=\"1\" uniqueCount=\"1\"><si><t>a</t></si></sst>";
        assert!(check_shared_strings(xml.as_bytes(), &Limits::default()).is_ok());
    }
}
