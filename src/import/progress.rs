//! Progress reports to the app, and cancellation.

use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;

/// How far an import has got, passed to the callback set with
/// [`Importer::on_progress`](crate::Importer::on_progress) after every batch.
///
/// ```
/// use intake::Progress;
/// let p = Progress::new(500, 20_000, Some(80_000));
/// assert_eq!(p.fraction(), Some(0.25));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Data rows processed so far (imported or failed; blank rows are not
    /// counted).
    pub rows: u64,
    /// Bytes of the upload read so far. The reader reads ahead a little, so
    /// this runs slightly ahead of `rows`.
    pub bytes: u64,
    /// The size of the upload, when the app said it with
    /// [`Importer::input_len`](crate::Importer::input_len).
    pub total_bytes: Option<u64>,
}

impl Progress {
    /// Progress of `rows` rows and `bytes` bytes, out of `total_bytes`.
    pub fn new(rows: u64, bytes: u64, total_bytes: Option<u64>) -> Progress {
        Progress {
            rows,
            bytes,
            total_bytes,
        }
    }

    /// The share of the upload read, from 0.0 to 1.0, when its size is known.
    pub fn fraction(&self) -> Option<f64> {
        self.total_bytes
            .filter(|t| *t > 0)
            .map(|t| (self.bytes as f64 / t as f64).min(1.0))
    }
}

/// The signature of a progress callback: `Break` cancels the import.
type Callback = dyn Fn(&Progress) -> ControlFlow<()> + Send + Sync;

/// The app's progress callback, shared by clones of the importer.
#[derive(Clone)]
pub(crate) struct ProgressFn(pub Arc<Callback>);

impl fmt::Debug for ProgressFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressFn")
    }
}
