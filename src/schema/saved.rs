//! Remembered column mappings: how a header was understood
//! ([`ColumnMapping`]), kept as a [`SavedMapping`] by the app and handed
//! to the next import of a file with the same columns.

use serde::{Deserialize, Serialize};

use super::{header_key, ColumnOverrides, HeaderMap, Schema};
use crate::error::Error;

/// The last column of the failed-rows file: why each row failed. An
/// import of that file, fixed, skips it without a warning, and it is no
/// part of the header's [fingerprint](SavedMapping::fingerprint_of).
pub(crate) const ERRORS_COLUMN: &str = "errors";

/// How one column of the header was understood: the column as written
/// and the field it feeds, `None` when it is ignored.
///
/// ```
/// use intake::{presets, Importer, MemoryStore};
///
/// let csv = "E-mail Address,Middle Name\nann@example.com,Jo\n";
/// let report = Importer::new(presets::contacts()).import(csv.as_bytes(), &mut MemoryStore::new())?;
/// assert_eq!(report.columns[0].column, "E-mail Address");
/// assert_eq!(report.columns[0].field.as_deref(), Some("email"));
/// assert_eq!(report.columns[1].field, None);
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ColumnMapping {
    /// The column as written in the file.
    pub column: String,
    /// The schema field it feeds, or `None` when it is ignored.
    #[serde(default)]
    pub field: Option<String>,
}

/// A column mapping to remember: which column fed which field and which
/// were ignored, as an import used it ([`Report::mapping`](crate::Report::mapping)),
/// for the next file with the same columns
/// ([`Importer::remembered_mapping`](crate::Importer::remembered_mapping)).
///
/// An app keeps it per account, keyed by its
/// [`fingerprint`](SavedMapping::fingerprint), and hands it back: when a
/// file with the same columns comes, the person's confirmed choices apply
/// again (every column mapped or ignored as saved) instead of the
/// automatic mapping. It serializes with serde (as
/// `{"fingerprint": "…", "columns": [{"column": "…", "field": "…"}, …]}`),
/// in whatever format the app stores.
///
/// ```
/// use intake::{presets, Importer, MemoryStore};
///
/// // The person confirmed: "Mail" is the email, "Tel" is no phone.
/// let first = "Mail,Tel\nann@example.com,x\n";
/// let report = Importer::new(presets::contacts())
///     .map_column("Mail", "email")
///     .ignore_column("Tel")
///     .import(first.as_bytes(), &mut MemoryStore::new())?;
/// let saved = report.mapping();
///
/// // Next month, the same layout (columns in another order): the same choices.
/// let next = "Tel,Mail\ny,bob@example.com\n";
/// let report = Importer::new(presets::contacts())
///     .remembered_mapping(saved)
///     .import(next.as_bytes(), &mut MemoryStore::new())?;
/// assert!(report.mapping_remembered);
/// assert_eq!(report.columns[1].field.as_deref(), Some("email"));
/// assert_eq!(report.columns[0].field, None);
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SavedMapping {
    fingerprint: String,
    columns: Vec<ColumnMapping>,
}

impl SavedMapping {
    /// The mapping of `columns`, for the header they are the columns of.
    pub(crate) fn new<S: AsRef<str>>(header: &[S], columns: &[ColumnMapping]) -> SavedMapping {
        let significant = significant(header).len();
        SavedMapping {
            fingerprint: SavedMapping::fingerprint_of(header),
            columns: columns.iter().take(significant).cloned().collect(),
        }
    }

    /// The fingerprint of a header: 16 hexadecimal digits that are the same
    /// for every header with the same columns, in any order, their names
    /// compared as header names are ([`header_key`]: "E-mail" is
    /// "email"). The last column of a failed-rows file (`errors`) does not
    /// count, so the fixed file finds the mapping of the original. A 64-bit
    /// FNV-1a hash of the sorted names: the same on every run, platform
    /// and version of the crate that folds names alike.
    ///
    /// ```
    /// use intake::SavedMapping;
    ///
    /// let a = SavedMapping::fingerprint_of(&["E-mail", "First Name"]);
    /// assert_eq!(a.len(), 16);
    /// assert_eq!(a, SavedMapping::fingerprint_of(&["first name", "email"]));
    /// assert_eq!(a, SavedMapping::fingerprint_of(&["E-mail", "First Name", "errors"]));
    /// assert_ne!(a, SavedMapping::fingerprint_of(&["E-mail", "Last Name"]));
    /// ```
    pub fn fingerprint_of<S: AsRef<str>>(header: &[S]) -> String {
        let mut keys: Vec<String> = significant(header)
            .iter()
            .map(|name| header_key(name.as_ref()))
            .collect();
        keys.sort_unstable();
        // FNV-1a, 64 bits; each name ends with a byte no UTF-8 text holds.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for key in &keys {
            for byte in key.bytes().chain([0xff]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }

    /// The fingerprint of the header this mapping was made for
    /// ([`fingerprint_of`](SavedMapping::fingerprint_of)): the key to keep
    /// it under.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore, SavedMapping};
    ///
    /// let report = Importer::new(presets::contacts())
    ///     .import("Email,Phone\nann@example.com,\n".as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(report.mapping().fingerprint(), SavedMapping::fingerprint_of(&["phone", "email"]));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Each column and the field it feeds (`None`: ignored), in the order
    /// of the file it was made from.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let report = Importer::new(presets::contacts())
    ///     .import("Email,Notes 2\nann@example.com,\n".as_bytes(), &mut MemoryStore::new())?;
    /// let columns = report.mapping().columns().to_vec();
    /// assert_eq!(columns[0].field.as_deref(), Some("email"));
    /// assert_eq!((columns[1].column.as_str(), columns[1].field.as_deref()), ("Notes 2", None));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn columns(&self) -> &[ColumnMapping] {
        &self.columns
    }

    /// Whether the mapping was made for a header with these columns (the
    /// same [fingerprint](SavedMapping::fingerprint_of)).
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let report = Importer::new(presets::contacts())
    ///     .import("Email,Phone\nann@example.com,\n".as_bytes(), &mut MemoryStore::new())?;
    /// assert!(report.mapping().fits(&["PHONE", "e-mail"]));
    /// assert!(!report.mapping().fits(&["Email"]));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn fits<S: AsRef<str>>(&self, header: &[S]) -> bool {
        self.fingerprint == SavedMapping::fingerprint_of(header)
    }

    /// The saved choices as overrides, under the app's own: a column the
    /// app chooses about, or a field it maps a column to, is left to the
    /// app's choice.
    fn under(&self, app: &ColumnOverrides) -> ColumnOverrides {
        let mut overrides = ColumnOverrides::new();
        for saved in &self.columns {
            let key = header_key(&saved.column);
            let chosen_by_app = app.choices.iter().any(|c| {
                c.key == key || (c.field.is_some() && c.field.as_deref() == saved.field.as_deref())
            });
            if chosen_by_app {
                continue;
            }
            overrides = match &saved.field {
                Some(field) => overrides.map(&saved.column, field),
                None => overrides.ignore(&saved.column),
            };
        }
        overrides.choices.extend(app.choices.iter().cloned());
        overrides
    }
}

/// The header without the failed-rows file's `errors` column at its end.
fn significant<S: AsRef<str>>(header: &[S]) -> &[S] {
    match header.split_last() {
        Some((last, rest)) if last.as_ref() == ERRORS_COLUMN => rest,
        _ => header,
    }
}

/// The app's choices about a file's columns: its own overrides, and the
/// mappings remembered from earlier imports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ColumnChoices {
    /// The app's overrides ([`Importer::map_column`](crate::Importer::map_column), …).
    pub(crate) overrides: ColumnOverrides,
    /// The mappings remembered, any of which may fit the file.
    pub(crate) remembered: Vec<SavedMapping>,
}

/// What became of the remembered mappings in an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Memory {
    /// None was given.
    NoneGiven,
    /// One fit the file and mapped its columns.
    Used,
    /// The header was mapped automatically, because none of the
    /// remembered mappings (this many) fits the file's columns.
    OtherLayout(usize),
    /// The one that fits names this column, which the file lacks.
    MissingColumn(String),
    /// The one that fits no longer suits the schema (a field it names is
    /// gone, a required field became ignored…).
    Refused,
}

impl Schema {
    /// Maps a header as [`map_header_with`](Schema::map_header_with) does
    /// with the app's overrides, and with the remembered mapping that fits
    /// the header, if one does and it still maps the header; otherwise
    /// automatically, saying why.
    ///
    /// # Errors
    ///
    /// As [`map_header_with`](Schema::map_header_with) with the app's
    /// overrides alone: a remembered mapping never fails an import.
    pub(crate) fn map_header_chosen<S: AsRef<str>>(
        &self,
        header: &[S],
        choices: &ColumnChoices,
    ) -> Result<(HeaderMap, Memory), Error> {
        let automatic = |memory: Memory| {
            self.map_header_with(header, &choices.overrides)
                .map(|map| (map, memory))
        };
        if choices.remembered.is_empty() {
            return automatic(Memory::NoneGiven);
        }
        let fingerprint = SavedMapping::fingerprint_of(header);
        let Some(saved) = choices
            .remembered
            .iter()
            .find(|m| m.fingerprint == fingerprint)
        else {
            return automatic(Memory::OtherLayout(choices.remembered.len()));
        };
        let keys: Vec<String> = header.iter().map(|n| header_key(n.as_ref())).collect();
        if let Some(missing) = saved
            .columns
            .iter()
            .find(|c| !keys.contains(&header_key(&c.column)))
        {
            return automatic(Memory::MissingColumn(missing.column.clone()));
        }
        match self.map_header_with(header, &saved.under(&choices.overrides)) {
            Ok(map) => Ok((map, Memory::Used)),
            Err(_) => automatic(Memory::Refused),
        }
    }
}
