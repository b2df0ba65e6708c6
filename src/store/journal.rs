//! Undo: the id every writing import gets, and what a store keeps to undo
//! one.

use std::fmt;

/// The id of an import that wrote: in its [`Report`](crate::Report) (JSON
/// `import_id`), and the key of its journal in a store that keeps one, so
/// the import can be undone.
///
/// Made of a random UUID: unique across processes and machines, and
/// not guessable from another import's id.
///
/// ```
/// use intake::{presets, Importer, MemoryStore};
///
/// let report = Importer::new(presets::contacts())
///     .import("email\nann@example.com\n".as_bytes(), &mut MemoryStore::new())?;
/// let id = report.import_id.expect("the import wrote a customer");
/// assert_eq!(id.as_str().len(), 36);
/// assert_eq!(id.as_str().parse::<intake::ImportId>(), Ok(id.clone()));
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct ImportId(Box<str>);

impl ImportId {
    /// A new, random id.
    pub(crate) fn new() -> ImportId {
        ImportId(uuid::Uuid::new_v4().hyphenated().to_string().into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ImportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a text is not an [`ImportId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidImportId;

impl fmt::Display for InvalidImportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an import id is a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8")
    }
}

impl std::error::Error for InvalidImportId {}

/// Reads an id as written by [`Display`](fmt::Display): a UUID.
impl std::str::FromStr for ImportId {
    type Err = InvalidImportId;

    fn from_str(text: &str) -> Result<ImportId, InvalidImportId> {
        let uuid: uuid::Uuid = text.trim().parse().map_err(|_| InvalidImportId)?;
        Ok(ImportId(uuid.hyphenated().to_string().into()))
    }
}
