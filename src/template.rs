//! A schema as a downloadable CSV template: the header people fill in.

use std::io;

use crate::report::neutralize;
use crate::schema::{Field, Schema};

/// Renders a [`Schema`] as a CSV template an app offers for download: every
/// column in order, required ones marked with `*` (`first_name*`), the
/// account's custom fields after the schema's own, then up to two sample
/// rows from the fields' [examples](Field::example).
///
/// A filled-in template imports as it is: the importer understands the `*`
/// markers and the labels.
///
/// ```
/// use intake::{presets, Template};
///
/// let csv = Template::new(&presets::field_service()).to_csv()?;
/// let header = csv.lines().next().unwrap();
/// assert!(header.starts_with("Customer title,first_name*,last_name*,email*"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Template<'a> {
    schema: &'a Schema,
}

/// How many sample rows a template shows at most.
const SAMPLE_ROWS: usize = 2;

impl<'a> Template<'a> {
    /// The template of `schema`.
    pub fn new(schema: &'a Schema) -> Template<'a> {
        Template { schema }
    }

    /// The header row: each field's label, with `*` after required ones.
    pub fn header(&self) -> Vec<String> {
        self.schema.fields().iter().map(column_name).collect()
    }

    /// The sample rows: as many as the field with the most examples has,
    /// at most two.
    pub fn sample_rows(&self) -> Vec<Vec<String>> {
        let fields = self.schema.fields();
        let count = fields
            .iter()
            .map(|f| f.examples().len())
            .max()
            .unwrap_or(0)
            .min(SAMPLE_ROWS);
        (0..count)
            .map(|row| {
                fields
                    .iter()
                    .map(|f| f.examples().get(row).cloned().unwrap_or_default())
                    .collect()
            })
            .collect()
    }

    /// Writes the template as CSV, every cell safe to open in a
    /// spreadsheet. Fails only as `writer` does.
    ///
    /// ```
    /// use intake::{presets, Template};
    ///
    /// let mut out = Vec::new();
    /// Template::new(&presets::contacts()).write(&mut out)?;
    /// let header = Template::new(&presets::contacts()).header().join(",");
    /// assert!(out.starts_with(header.as_bytes()));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn write<W: io::Write>(&self, writer: W) -> io::Result<()> {
        let mut out = csv::Writer::from_writer(writer);
        let rows = std::iter::once(self.header()).chain(self.sample_rows());
        for row in rows {
            let safe: Vec<String> = row.iter().map(|c| neutralize(c)).collect();
            out.write_record(&safe)?;
        }
        out.flush()
    }

    /// The template as a CSV string.
    ///
    /// ```
    /// use intake::{presets, Template};
    ///
    /// let csv = Template::new(&presets::contacts()).to_csv()?;
    /// assert_eq!(csv.lines().next(), Some(Template::new(&presets::contacts()).header().join(",").as_str()));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn to_csv(&self) -> io::Result<String> {
        let mut bytes = Vec::new();
        self.write(&mut bytes)?;
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

fn column_name(field: &Field) -> String {
    let mut name = field.get_label().to_string();
    if field.is_required() {
        name.push('*');
    }
    name
}
