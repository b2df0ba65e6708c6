//! A `SqliteStore`'s checkpoints on a thread of their own. Copying the
//! WAL into the file waits for the disk twice (the WAL's sync, then the
//! file's): run by the commit that crosses the threshold, as SQLite does
//! by default, that wait stalled the import's thread every dozen batches
//! or so. A passive checkpoint from another connection runs beside the
//! writer without blocking it.

use std::ffi::c_int;
use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;
use rusqlite::Connection;

/// Pages of WAL after a commit from which the checkpoint thread is woken
/// (about 40 MB): the store's rows land all over the key indexes, so each
/// batch rewrites many of their pages, and a bigger WAL copies each page
/// into the file fewer times.
#[cfg(not(test))]
pub(super) const CHECKPOINT_PAGES: c_int = 10_000;
/// Few, for the tests to see the thread at work.
#[cfg(test)]
pub(super) const CHECKPOINT_PAGES: c_int = 16;

/// Pages of WAL from which the store's own connection checkpoints, as it
/// would without the thread: a bound on the WAL (about 160 MB) should the
/// thread fall behind or be gone.
const FALLBACK_PAGES: c_int = 4 * CHECKPOINT_PAGES;

enum Wake {
    Checkpoint,
    Stop,
}

/// The checkpoint thread of a store's file: stopped, and waited for, when
/// dropped (before the store's connection closes, so that this one, the
/// last, checkpoints what is left and removes the WAL).
#[derive(Debug)]
pub(super) struct Checkpointer {
    wake: SyncSender<Wake>,
    thread: Option<JoinHandle<()>>,
    /// How many checkpoints the thread ran, for the tests.
    #[cfg(test)]
    pub(super) done: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Checkpointer {
    /// Starts checkpointing the WAL file of `conn` (open on `path`, in
    /// WAL mode) on a thread with its own connection, and hooks `conn`'s
    /// commits to wake it. `None` when the connection or the thread could
    /// not be had: `conn` then keeps SQLite's own checkpoints (its
    /// `wal_autocheckpoint`).
    pub(super) fn start(path: &Path, conn: &mut Connection) -> Option<Checkpointer> {
        let own = Connection::open(path).ok()?;
        // As the store's connection: the checkpoint syncs the WAL before
        // it copies it, and the file after.
        own.pragma_update(None, "synchronous", "NORMAL").ok()?;
        // One wake-up pending is enough: a checkpoint copies all there is.
        let (wake, woken) = sync_channel(1);
        #[cfg(test)]
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        #[cfg(test)]
        let counted = std::sync::Arc::clone(&done);
        let thread = std::thread::Builder::new()
            .name("intake-sqlite-checkpoint".into())
            .spawn(move || {
                while let Ok(Wake::Checkpoint) = woken.recv() {
                    // Passive: never waits for, nor blocks, a writer; busy
                    // (another connection checkpointing) or failed, the
                    // next wake-up tries again.
                    let _ = own.wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE);
                    #[cfg(test)]
                    counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            })
            .ok()?;
        let hook_wake = wake.clone();
        let hooked = conn.wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
            if pages >= FALLBACK_PAGES {
                // Busy (the thread is at it) or failed: the next commit
                // tries again, as SQLite's own checkpoints do.
                let _ = wal.checkpoint();
            } else if pages >= CHECKPOINT_PAGES {
                // Full: a checkpoint is already asked for. Gone: the
                // fallback above takes over.
                let _ = hook_wake.try_send(Wake::Checkpoint);
            }
            Ok(())
        }));
        let checkpointer = Checkpointer {
            wake,
            thread: Some(thread),
            #[cfg(test)]
            done,
        };
        // Dropped (the thread stopped) when the hook could not be set.
        hooked.ok().map(|()| checkpointer)
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Waits for a checkpoint under way, then for the thread to end.
        let _ = self.wake.send(Wake::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
