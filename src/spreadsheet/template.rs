//! A [`Template`] as an `.xlsx` workbook.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

use crate::messages;
use crate::template::Template;

/// Column widths, in characters: wide enough for the header and samples.
const MIN_WIDTH: usize = 10;
const MAX_WIDTH: usize = 40;

impl Template<'_> {
    /// The template as an `.xlsx` workbook (feature `spreadsheet`): one
    /// sheet, "Customers", with the header in bold and frozen, required
    /// columns (`*`) shaded, and the sample rows.
    ///
    /// Every column is formatted as text, so a spreadsheet program keeps
    /// what people type as they typed it: leading zeros of postal codes and
    /// phone numbers stay, and `2018/05/12` is not turned into a number.
    /// The filled-in workbook imports as it is.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore, Template};
    ///
    /// let xlsx = Template::new(&presets::contacts()).to_xlsx()?;
    /// let report = Importer::new(presets::contacts()).import(&xlsx[..], &mut MemoryStore::new())?;
    /// assert_eq!(report.failed, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_xlsx(&self) -> std::io::Result<Vec<u8>> {
        // As the CSV template: writing is I/O, its cause kept.
        self.xlsx().map_err(std::io::Error::other)
    }

    fn xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let text = Format::new().set_num_format("@");
        let header = text
            .clone()
            .set_bold()
            .set_border_bottom(FormatBorder::Thin);
        let required = header.clone().set_background_color(Color::RGB(0xFFF2CC));
        let columns = self.header();
        let samples = self.sample_rows();
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(messages::header::TEMPLATE_SHEET)?;
        for (col, name) in columns.iter().enumerate() {
            // A template has far fewer columns than a sheet allows (16,384).
            let Ok(col) = u16::try_from(col) else { break };
            let width = samples
                .iter()
                .filter_map(|row| row.get(usize::from(col)))
                .chain([name])
                .map(|s| s.chars().count() + 2)
                .max()
                .unwrap_or(MIN_WIDTH)
                .clamp(MIN_WIDTH, MAX_WIDTH);
            sheet.set_column_format(col, &text)?;
            sheet.set_column_width(col, width as f64)?;
            let format = if name.ends_with('*') {
                &required
            } else {
                &header
            };
            sheet.write_string_with_format(0, col, name, format)?;
            for (row, values) in (1u32..).zip(&samples) {
                let value = values.get(usize::from(col)).map_or("", String::as_str);
                if !value.is_empty() {
                    sheet.write_string_with_format(row, col, value, &text)?;
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        book.save_to_buffer()
    }
}
