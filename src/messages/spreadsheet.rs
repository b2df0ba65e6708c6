//! The sentences about a spreadsheet upload: a file that is no
//! spreadsheet, or a broken or protected one; the sheet to read missing,
//! hidden or empty; a file past a spreadsheet limit, and how it is.
//!
//! A limit's sentence is [`too_large`] with a `how` ("it is larger than
//! 32 MB") and the most allowed ([`super::size`], [`cells`], [`columns`]).

use super::{grouped, join_and, size};

/// An `.xlsx` file, by name.
pub(crate) const XLSX: &str = "an Excel workbook (.xlsx)";
/// An `.xlsb` file, by name.
pub(crate) const XLSB: &str = "an Excel binary workbook (.xlsb)";
/// An `.ods` file, by name.
pub(crate) const ODS: &str = "an OpenDocument spreadsheet (.ods)";
/// An `.xls` file, by name.
pub(crate) const XLS: &str = "an Excel 97-2003 workbook (.xls)";
/// A zip archive read as a spreadsheet, before its format is known.
pub(crate) const ZIPPED: &str = "a zipped spreadsheet (.xlsx, .ods)";
/// A spreadsheet of a format not yet known.
pub(crate) const ANY: &str = "a spreadsheet";

/// A file that looks like `format` (one of the names above) but could not
/// be read: `detail` says why.
pub(crate) fn broken(format: &str, detail: impl std::fmt::Display) -> String {
    format!(
        "The file looks like {format} but could not be read ({detail}). Open it in your spreadsheet program, save it again (or save it as CSV UTF-8), and upload it again."
    )
}

/// Why a spreadsheet could not be read: the reader panicked on it.
pub(crate) const DAMAGED: &str = "its structure is damaged";

/// Why an `.xls` file could not be read: a sheet past its end.
pub(crate) const SHEET_PAST_END: &str = "a sheet starts past the end of the file";

/// Why an `.xls` file could not be read: sheets that overlap.
pub(crate) const SHEETS_OVERLAP: &str = "its sheets overlap each other";

/// A spreadsheet protected with a password.
pub(crate) const PASSWORD_PROTECTED: &str = "The spreadsheet is protected with a password. Remove the password (or save the sheet as CSV UTF-8) and upload it again.";

/// An Office 97 file that holds no workbook.
pub(crate) const NOT_A_SPREADSHEET_OLE: &str = "This file is an Office 97-2003 document (such as a Word .doc file), not a spreadsheet. Upload the customer list as CSV, .xlsx, .xls or .ods.";

/// A zip archive that holds no workbook.
pub(crate) const NOT_A_SPREADSHEET_ZIP: &str = "This file is a zip archive (such as a Word document or a zipped folder), not a spreadsheet. Upload the customer list as CSV, .xlsx, .xls or .ods.";

/// A spreadsheet past one of its limits: `how` says how, `most` is the
/// most allowed.
pub(crate) fn too_large(how: &str, most: &str) -> String {
    format!(
        "The spreadsheet is too large to import: {how}; at most {most} can be imported. Split it into smaller files (or save the sheet with the customers as CSV UTF-8) and upload them instead."
    )
}

/// A number of cells, for [`too_large`].
pub(crate) fn cells(n: u64) -> String {
    format!("{} cells", grouped(n))
}

/// A number of columns, for [`too_large`].
pub(crate) fn columns(n: u64) -> String {
    format!("{} columns", grouped(n))
}

/// How a spreadsheet is too large: more than `most` bytes.
pub(crate) fn larger_than(most: u64) -> String {
    format!("it is larger than {}", size(most))
}

/// How a spreadsheet is too large: more than `most` bytes unzipped.
pub(crate) fn unzipped_over(most: u64) -> String {
    format!("it holds more than {} once unpacked", size(most))
}

/// How a spreadsheet is too large: more than `most` bytes of cell text.
pub(crate) fn text_over(most: u64) -> String {
    format!("its cells hold more than {} of text", size(most))
}

/// How a spreadsheet is too large: more than `most` cells in its sheets
/// together, as the reader would build them.
pub(crate) fn sheets_cells_over(most: u64) -> String {
    format!(
        "its sheets hold more than {} cells together, counting the empty cells between filled ones",
        grouped(most)
    )
}

/// How a spreadsheet is too large: `count` different texts.
pub(crate) fn different_texts(count: u64) -> String {
    format!("it holds {} different texts", grouped(count))
}

/// How a spreadsheet is too large: more than `most` filled cells in the
/// sheet read.
pub(crate) fn sheet_cells_over(sheet: &str, most: u64) -> String {
    format!(
        "the sheet '{sheet}' holds more than {} filled cells",
        grouped(most)
    )
}

/// A sheet whose filled cells span `width` columns, from `first` to
/// `last` (as letters), past the most columns.
pub(crate) fn sheet_too_wide(
    sheet: &str,
    width: u64,
    first: &str,
    last: &str,
    most: u64,
) -> String {
    format!(
        "The sheet '{sheet}' uses {width} columns ({first} to {last}); at most {most} can be read. Delete the columns that hold no customer data, save, and upload the file again."
    )
}

/// Sheet names for a sentence: `'a', 'b' and 'c'`.
fn sheet_names(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    join_and(&quoted)
}

/// The sheet the app asked for is not in the workbook, whose worksheets
/// are `sheets`.
pub(crate) fn no_such_sheet(wanted: &str, sheets: &[String]) -> String {
    let listed = if sheets.is_empty() {
        "it has no worksheets".to_string()
    } else {
        format!("its sheets are {}", sheet_names(sheets))
    };
    format!(
        "The spreadsheet has no sheet named '{wanted}': {listed}. Rename the sheet with the customers to '{wanted}' and upload the file again."
    )
}

/// A workbook without worksheets.
pub(crate) const NO_WORKSHEETS: &str = "The spreadsheet has no worksheets: it needs a sheet with a header row naming the columns, then one row per customer.";

/// A workbook whose worksheets (`sheets`) are all hidden.
pub(crate) fn all_sheets_hidden(sheets: &[String]) -> String {
    format!(
        "Every sheet of the spreadsheet is hidden ({}). Unhide the sheet with the customers, save, and upload the file again.",
        sheet_names(sheets)
    )
}

/// A sheet without a filled cell.
pub(crate) fn sheet_empty(sheet: &str) -> String {
    format!(
        "The sheet '{sheet}' is empty: it needs a header row naming the columns, then one row per customer."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_are_listed_quoted() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(sheet_names(&names(&["A"])), "'A'");
        assert_eq!(sheet_names(&names(&["A", "B", "C"])), "'A', 'B' and 'C'");
        assert_eq!(
            no_such_sheet("Customers", &[]),
            "The spreadsheet has no sheet named 'Customers': it has no worksheets. Rename the sheet with the customers to 'Customers' and upload the file again."
        );
    }
}
