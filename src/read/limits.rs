//! Bounds on what one file may hold, so that memory and time stay bounded
//! whatever is uploaded.

/// Bounds on what one file may hold: a hostile or broken upload (a 1 GB
/// cell, a million columns) ends in a clear `too_large` error instead of
/// taking the server's memory.
///
/// Memory while reading stays within about one row's limit plus a few
/// buffers, whatever the file's size. A limit passed in the header refuses
/// the file (`Err`); passed later, the import stops there: the rows before
/// are imported and counted, and [`Report::stopped`](crate::Report::stopped)
/// says where and why.
///
/// The defaults fit every file a spreadsheet can save:
///
/// | limit | default | why |
/// | --- | --- | --- |
/// | [file bytes](Limits::max_file_bytes) | 1 GiB | millions of customers |
/// | [columns](Limits::max_columns) | 1,000 | a wide export has a few hundred |
/// | [cell bytes](Limits::max_cell_bytes) | 128 KiB | Excel's cell holds 32,767 characters: up to 96 KiB of UTF-8 |
/// | [row bytes](Limits::max_row_bytes) | 1 MiB | bounds what one row costs |
/// | [listed failures](Limits::max_listed_failures) | 100,000 | about 50 MB of failed rows kept for the report |
///
/// A spreadsheet (feature `spreadsheet`) is read into memory whole, and
/// checked before it is read, so it has limits of its own; the column
/// limit is also the most columns a sheet may use:
///
/// | limit | default | why |
/// | --- | --- | --- |
/// | [spreadsheet bytes](Limits::max_spreadsheet_bytes) | 32 MiB | a workbook of 100,000 customers is a few MB |
/// | [unzipped bytes](Limits::max_unzipped_bytes) | 256 MiB | a zip bomb stops here |
/// | [cells](Limits::max_cells) | 2,000,000 | 100,000 rows of 20 columns |
/// | [sheet text bytes](Limits::max_sheet_text_bytes) | 256 MiB | the text an `.ods` or `.xls` file's sheets hold |
///
/// Sizes are counted in bytes of the file as uploaded (file, spreadsheet),
/// once unzipped (unzipped), or of its text in UTF-8 (cells, rows, sheet
/// text).
///
/// ```
/// use intake::{presets, Importer, Limit, Limits, MemoryStore};
///
/// let importer = Importer::new(presets::contacts())
///     .limits(Limits::default().max_cell_bytes(100).max_columns(50));
/// let long = "x".repeat(200);
/// let csv = format!("email,other\nann@example.com,short\nbob@example.com,{long}\n");
/// let report = importer.import(csv.as_bytes(), &mut MemoryStore::new())?;
/// assert_eq!(report.inserted, 1); // Ann; reading stopped at Bob's row
/// let stopped = report.stopped.unwrap();
/// assert_eq!((stopped.code.as_str(), stopped.line()), ("too_large", Some(3)));
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    file_bytes: u64,
    columns: u64,
    cell_bytes: u64,
    row_bytes: u64,
    listed_failures: u64,
    spreadsheet_bytes: u64,
    unzipped_bytes: u64,
    cells: u64,
    sheet_text_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 1 << 30,
            columns: 1_000,
            cell_bytes: 128 << 10,
            row_bytes: 1 << 20,
            listed_failures: 100_000,
            spreadsheet_bytes: 32 << 20,
            unzipped_bytes: 256 << 20,
            cells: 2_000_000,
            sheet_text_bytes: 256 << 20,
        }
    }
}

impl Limits {
    /// The default limits (see the table above).
    pub fn new() -> Limits {
        Limits::default()
    }

    /// The most bytes a file may have, as uploaded.
    pub fn max_file_bytes(mut self, bytes: u64) -> Limits {
        self.file_bytes = bytes;
        self
    }

    /// The most columns a row (the header included) may have; at least 1.
    pub fn max_columns(mut self, columns: u64) -> Limits {
        self.columns = columns.max(1);
        self
    }

    /// The most bytes of text one cell may hold, quotes included.
    pub fn max_cell_bytes(mut self, bytes: u64) -> Limits {
        self.cell_bytes = bytes;
        self
    }

    /// The most bytes of text one row may hold, delimiters and quotes
    /// included.
    pub fn max_row_bytes(mut self, bytes: u64) -> Limits {
        self.row_bytes = bytes;
        self
    }

    /// The most failed rows the report lists, each with its cells for the
    /// failed-rows file. Rows that fail beyond it are counted in
    /// [`Report::failed`](crate::Report::failed) and
    /// [`Report::failures_not_listed`](crate::Report::failures_not_listed),
    /// and a `too_many_failures` warning says so: a file where every row
    /// fails must not hold every row in memory.
    ///
    /// ```
    /// use intake::{presets, Importer, Limits, MemoryStore};
    ///
    /// let csv = "email\nbad1\nbad2\nbad3\n";
    /// let report = Importer::new(presets::contacts())
    ///     .limits(Limits::default().max_listed_failures(2))
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!((report.failed, report.failures.len()), (3, 2));
    /// assert_eq!(report.failures_not_listed, 1);
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn max_listed_failures(mut self, failures: u64) -> Limits {
        self.listed_failures = failures;
        self
    }

    /// The most bytes a spreadsheet upload (`.xlsx`, `.xlsb`, `.xls`,
    /// `.ods`; feature `spreadsheet`) may have, as uploaded. A spreadsheet
    /// is read into memory whole: a larger one fails as `too_large`
    /// ([`Limit::SpreadsheetBytes`]) before anything is read.
    ///
    /// ```
    /// # #[cfg(feature = "spreadsheet")] {
    /// use intake::{presets, ErrorKind, Importer, Limit, Limits, MemoryStore};
    ///
    /// let upload = std::fs::read("tests/data/sheets/customers.xlsx").unwrap();
    /// let err = Importer::new(presets::contacts())
    ///     .limits(Limits::default().max_spreadsheet_bytes(1024))
    ///     .import(&upload[..], &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "too_large");
    /// assert!(matches!(err.kind(), ErrorKind::TooLarge { what: Limit::SpreadsheetBytes, limit: 1024 }));
    /// # }
    /// ```
    pub fn max_spreadsheet_bytes(mut self, bytes: u64) -> Limits {
        self.spreadsheet_bytes = bytes;
        self
    }

    /// The most bytes a zipped spreadsheet (`.xlsx`, `.xlsb`, `.ods`) may
    /// hold once unzipped, all its parts together: a zip bomb fails here as
    /// `too_large` ([`Limit::UnzippedBytes`]), having unzipped no more.
    ///
    /// ```
    /// # #[cfg(feature = "spreadsheet")] {
    /// use intake::{presets, ErrorKind, Importer, Limit, Limits, MemoryStore};
    ///
    /// let upload = std::fs::read("tests/data/sheets/customers.xlsx").unwrap();
    /// let err = Importer::new(presets::contacts())
    ///     .limits(Limits::default().max_unzipped_bytes(4096))
    ///     .import(&upload[..], &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::TooLarge { what: Limit::UnzippedBytes, .. }));
    /// # }
    /// ```
    pub fn max_unzipped_bytes(mut self, bytes: u64) -> Limits {
        self.unzipped_bytes = bytes;
        self
    }

    /// The most cells a spreadsheet may hold. For `.xlsx` and `.xlsb`
    /// files, which are read cell by cell, this counts the chosen sheet's
    /// cells holding a value (and the different texts the workbook
    /// announces); `.ods` and `.xls` files are read whole, so there it
    /// counts rows × columns of the used range of every sheet together,
    /// empty cells included. More fails as `too_large` ([`Limit::Cells`]).
    ///
    /// ```
    /// # #[cfg(feature = "spreadsheet")] {
    /// use intake::{presets, ErrorKind, Importer, Limit, Limits, MemoryStore};
    ///
    /// let upload = std::fs::read("tests/data/sheets/customers.xlsx").unwrap();
    /// let err = Importer::new(presets::contacts())
    ///     .limits(Limits::default().max_cells(10))
    ///     .import(&upload[..], &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::TooLarge { what: Limit::Cells, limit: 10 }));
    /// # }
    /// ```
    pub fn max_cells(mut self, cells: u64) -> Limits {
        self.cells = cells;
        self
    }

    /// The most bytes of text the sheets of an `.ods` or `.xls` file may
    /// hold together, counting each copy a repeated row or cell makes:
    /// calamine builds every sheet of these files whole. More fails as
    /// `too_large` ([`Limit::SheetTextBytes`]).
    ///
    /// ```
    /// # #[cfg(feature = "spreadsheet")] {
    /// use intake::{presets, ErrorKind, Importer, Limit, Limits, MemoryStore};
    ///
    /// let upload = std::fs::read("tests/data/sheets/customers.ods").unwrap();
    /// let err = Importer::new(presets::contacts())
    ///     .limits(Limits::default().max_sheet_text_bytes(100))
    ///     .import(&upload[..], &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::TooLarge { what: Limit::SheetTextBytes, .. }));
    /// # }
    /// ```
    pub fn max_sheet_text_bytes(mut self, bytes: u64) -> Limits {
        self.sheet_text_bytes = bytes;
        self
    }

    /// The limit on listed failures.
    pub fn get_max_listed_failures(&self) -> u64 {
        self.listed_failures
    }

    /// The spreadsheet limit, in bytes.
    pub fn get_max_spreadsheet_bytes(&self) -> u64 {
        self.spreadsheet_bytes
    }

    /// The limit on a zipped spreadsheet once unzipped, in bytes.
    pub fn get_max_unzipped_bytes(&self) -> u64 {
        self.unzipped_bytes
    }

    /// The limit on a spreadsheet's cells.
    pub fn get_max_cells(&self) -> u64 {
        self.cells
    }

    /// The limit on the text of an `.ods` or `.xls` file's sheets, in bytes.
    pub fn get_max_sheet_text_bytes(&self) -> u64 {
        self.sheet_text_bytes
    }

    /// The configured value of `limit`.
    pub(crate) fn of(&self, limit: Limit) -> u64 {
        match limit {
            Limit::FileBytes => self.file_bytes,
            Limit::Columns => self.columns,
            Limit::CellBytes => self.cell_bytes,
            Limit::RowBytes => self.row_bytes,
            Limit::SpreadsheetBytes => self.spreadsheet_bytes,
            Limit::UnzippedBytes => self.unzipped_bytes,
            Limit::Cells => self.cells,
            Limit::SheetTextBytes => self.sheet_text_bytes,
        }
    }

    /// The file limit, in bytes.
    pub fn get_max_file_bytes(&self) -> u64 {
        self.file_bytes
    }

    /// The column limit.
    pub fn get_max_columns(&self) -> u64 {
        self.columns
    }

    /// The cell limit, in bytes.
    pub fn get_max_cell_bytes(&self) -> u64 {
        self.cell_bytes
    }

    /// The row limit, in bytes.
    pub fn get_max_row_bytes(&self) -> u64 {
        self.row_bytes
    }
}

/// Which of the [`Limits`] a file passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_file_bytes`].
    FileBytes,
    /// [`Limits::max_columns`].
    Columns,
    /// [`Limits::max_cell_bytes`].
    CellBytes,
    /// [`Limits::max_row_bytes`].
    RowBytes,
    /// [`Limits::max_spreadsheet_bytes`].
    SpreadsheetBytes,
    /// [`Limits::max_unzipped_bytes`].
    UnzippedBytes,
    /// [`Limits::max_cells`].
    Cells,
    /// [`Limits::max_sheet_text_bytes`].
    SheetTextBytes,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_limits_default_to_the_old_caps() {
        let limits = Limits::default();
        assert_eq!(limits.get_max_spreadsheet_bytes(), 32 * 1024 * 1024);
        assert_eq!(limits.get_max_unzipped_bytes(), 256 * 1024 * 1024);
        assert_eq!(limits.get_max_cells(), 2_000_000);
        assert_eq!(limits.get_max_sheet_text_bytes(), 256 * 1024 * 1024);
        assert_eq!(limits.of(Limit::Cells), 2_000_000);
    }
}
