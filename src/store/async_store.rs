//! The store contract for async apps (feature `async`): [`AsyncStore`],
//! and the adapters between it and [`Store`].

use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use super::journal::ImportJournal;
use super::{
    Customer, CustomerId, ImportId, Journal, JournalWrite, MatchKey, Store, StoreError,
    Transactional, Write,
};

/// [`Store`] for async apps: the same contract (read [`Store`]'s docs
/// first), each call a future. [`Importer::import_async`](crate::Importer::import_async)
/// drives it; the import's own threads read, check and decide, so the
/// futures are the only work done on the app's runtime.
///
/// # Example
///
/// A store over a pool-like handle whose calls really await (here a
/// memory store behind an async mutex):
///
/// ```
/// use std::sync::Arc;
/// use intake::{AsyncStore, Customer, CustomerId, MatchKey, MemoryStore, Store, StoreError, Write};
/// use tokio::sync::Mutex;
///
/// #[derive(Clone, Default)]
/// struct Pool(Arc<Mutex<MemoryStore>>);
///
/// impl AsyncStore for Pool {
///     async fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
///         self.0.lock().await.lookup(keys)
///     }
///
///     async fn apply(
///         &mut self,
///         writes: Vec<Write>,
///     ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
///         self.0.lock().await.apply(writes)
///     }
/// }
///
/// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # runtime.block_on(async {
/// let upload: &[u8] = b"email\nann@example.com\n";
/// let mut pool = Pool::default();
/// let report = intake::Importer::new(intake::presets::contacts())
///     .import_async(upload, &mut pool)
///     .await?;
/// assert_eq!(report.inserted, 1);
/// # Ok::<(), intake::Error>(())
/// # }).unwrap();
/// ```
pub trait AsyncStore: Send {
    /// [`Store::lookup`]: one answer per key, in order.
    fn lookup(
        &mut self,
        keys: &[MatchKey],
    ) -> impl Future<Output = Result<Vec<Option<Customer>>, StoreError>> + Send;

    /// [`Store::apply`]: one result per write, in order. Each customer
    /// appears at most once and no write depends on another.
    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> impl Future<Output = Result<Vec<Result<CustomerId, StoreError>>, StoreError>> + Send;

    /// [`Store::journal`]: the store's journal when it keeps one (`None`
    /// by default). A store implementing [`AsyncJournal`] returns
    /// `Some(self)`; the async import then journals its writes, and
    /// [`Importer::undo_async`](crate::Importer::undo_async) can undo it.
    ///
    /// ```
    /// use intake::{AsAsync, AsyncStore, MemoryStore};
    ///
    /// assert!(AsAsync(MemoryStore::new()).journal().is_some());
    /// assert!(AsAsync(MemoryStore::new().keep_journal(false)).journal().is_none());
    /// ```
    fn journal(&mut self) -> Option<&mut dyn DynAsyncJournal> {
        None
    }
}

/// [`Journal`] for async apps: an [`AsyncStore`] that keeps a journal of
/// each import's writes, so that
/// [`Importer::undo_async`](crate::Importer::undo_async) can undo an
/// import. The same contract as [`Journal`] (read its docs first), each
/// call a future; a store implementing it also returns `Some(self)` from
/// [`AsyncStore::journal`], which is how the importer finds it.
/// `PostgresStore` keeps one.
///
/// ```
/// use std::time::SystemTime;
/// use intake::{
///     AsAsync, AsyncJournal, AsyncStore, Customer, CustomerId, DynAsyncJournal, ImportId,
///     ImportJournal, Journal, JournalWrite, MatchKey, MemoryStore, Store, StoreError, Write,
/// };
///
/// /// An app's store (here a memory store, whose calls do not wait).
/// struct AppStore(MemoryStore);
///
/// impl AsyncStore for AppStore {
///     async fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
///         self.0.lookup(keys)
///     }
///     async fn apply(&mut self, writes: Vec<Write>) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
///         self.0.apply(writes)
///     }
///     fn journal(&mut self) -> Option<&mut dyn DynAsyncJournal> {
///         Some(self)
///     }
/// }
///
/// impl AsyncJournal for AppStore {
///     async fn apply_journaled(
///         &mut self,
///         import: &ImportId,
///         writes: Vec<Write>,
///         journal: &[JournalWrite],
///     ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
///         self.0.apply_journaled(import, writes, journal)
///     }
///     async fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError> {
///         self.0.journal_of(import)
///     }
///     async fn customers_by_id(&mut self, ids: &[CustomerId]) -> Result<Vec<Option<Customer>>, StoreError> {
///         self.0.customers_by_id(ids)
///     }
///     async fn remove(&mut self, ids: &[CustomerId]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
///         Journal::remove(&mut self.0, ids)
///     }
///     async fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError> {
///         self.0.mark_undone(import)
///     }
///     async fn prune(&mut self, older_than: SystemTime) -> Result<u64, StoreError> {
///         self.0.prune(older_than)
///     }
/// }
///
/// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # runtime.block_on(async {
/// let importer = intake::Importer::new(intake::presets::contacts());
/// let mut store = AppStore(MemoryStore::new());
/// let report = importer.import_async(&b"email\nann@example.com\n"[..], &mut store).await?;
/// let undo = importer.undo_async(&report.import_id.unwrap(), &mut AsAsync(store.0)).await?;
/// assert_eq!(undo.removed, 1);
/// # Ok::<(), intake::Error>(())
/// # }).unwrap();
/// ```
pub trait AsyncJournal: AsyncStore {
    /// [`Journal::apply_journaled`]: the writes and their journal entries
    /// in one atomic step.
    fn apply_journaled(
        &mut self,
        import: &ImportId,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> impl Future<Output = Result<Vec<Result<CustomerId, StoreError>>, StoreError>> + Send;

    /// [`Journal::journal_of`].
    fn journal_of(
        &mut self,
        import: &ImportId,
    ) -> impl Future<Output = Result<Option<ImportJournal>, StoreError>> + Send;

    /// [`Journal::customers_by_id`].
    fn customers_by_id(
        &mut self,
        ids: &[CustomerId],
    ) -> impl Future<Output = Result<Vec<Option<Customer>>, StoreError>> + Send;

    /// [`Journal::remove`].
    fn remove(
        &mut self,
        ids: &[CustomerId],
    ) -> impl Future<Output = Result<Vec<Result<(), StoreError>>, StoreError>> + Send;

    /// [`Journal::mark_undone`].
    fn mark_undone(
        &mut self,
        import: &ImportId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// [`Journal::prune`].
    fn prune(
        &mut self,
        older_than: SystemTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// A boxed future of a [`DynAsyncJournal`] call.
///
/// ```
/// use intake::{AsAsync, AsyncStore, JournalFuture, MemoryStore};
///
/// let mut store = AsAsync(MemoryStore::new());
/// let journal = store.journal().expect("a memory store keeps a journal");
/// let pruning: JournalFuture<'_, u64> = journal.prune(std::time::SystemTime::now());
/// # drop(pruning);
/// ```
pub type JournalFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// [`AsyncJournal`] as a trait object, what [`AsyncStore::journal`]
/// answers: implemented for every [`AsyncJournal`], never by hand.
/// (`AsyncJournal`'s futures are of the store's own types, so it cannot
/// be a trait object itself; these calls box them.)
///
/// ```
/// use intake::{AsAsync, AsyncStore, MemoryStore};
///
/// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # runtime.block_on(async {
/// let mut store = AsAsync(MemoryStore::new());
/// let journal = store.journal().expect("a memory store keeps a journal");
/// assert_eq!(journal.prune(std::time::SystemTime::now()).await?, 0);
/// # Ok::<(), intake::StoreError>(())
/// # }).unwrap();
/// ```
pub trait DynAsyncJournal: Send {
    /// [`AsyncJournal::apply_journaled`].
    fn apply_journaled<'a>(
        &'a mut self,
        import: &'a ImportId,
        writes: Vec<Write>,
        journal: &'a [JournalWrite],
    ) -> JournalFuture<'a, Vec<Result<CustomerId, StoreError>>>;

    /// [`AsyncJournal::journal_of`].
    fn journal_of<'a>(
        &'a mut self,
        import: &'a ImportId,
    ) -> JournalFuture<'a, Option<ImportJournal>>;

    /// [`AsyncJournal::customers_by_id`].
    fn customers_by_id<'a>(
        &'a mut self,
        ids: &'a [CustomerId],
    ) -> JournalFuture<'a, Vec<Option<Customer>>>;

    /// [`AsyncJournal::remove`].
    fn remove<'a>(
        &'a mut self,
        ids: &'a [CustomerId],
    ) -> JournalFuture<'a, Vec<Result<(), StoreError>>>;

    /// [`AsyncJournal::mark_undone`].
    fn mark_undone<'a>(&'a mut self, import: &'a ImportId) -> JournalFuture<'a, ()>;

    /// [`AsyncJournal::prune`].
    fn prune(&mut self, older_than: SystemTime) -> JournalFuture<'_, u64>;
}

impl<T: AsyncJournal> DynAsyncJournal for T {
    fn apply_journaled<'a>(
        &'a mut self,
        import: &'a ImportId,
        writes: Vec<Write>,
        journal: &'a [JournalWrite],
    ) -> JournalFuture<'a, Vec<Result<CustomerId, StoreError>>> {
        Box::pin(AsyncJournal::apply_journaled(self, import, writes, journal))
    }

    fn journal_of<'a>(
        &'a mut self,
        import: &'a ImportId,
    ) -> JournalFuture<'a, Option<ImportJournal>> {
        Box::pin(AsyncJournal::journal_of(self, import))
    }

    fn customers_by_id<'a>(
        &'a mut self,
        ids: &'a [CustomerId],
    ) -> JournalFuture<'a, Vec<Option<Customer>>> {
        Box::pin(AsyncJournal::customers_by_id(self, ids))
    }

    fn remove<'a>(
        &'a mut self,
        ids: &'a [CustomerId],
    ) -> JournalFuture<'a, Vec<Result<(), StoreError>>> {
        Box::pin(AsyncJournal::remove(self, ids))
    }

    fn mark_undone<'a>(&'a mut self, import: &'a ImportId) -> JournalFuture<'a, ()> {
        Box::pin(AsyncJournal::mark_undone(self, import))
    }

    fn prune(&mut self, older_than: SystemTime) -> JournalFuture<'_, u64> {
        Box::pin(AsyncJournal::prune(self, older_than))
    }
}

/// The error of a journal call to a store that keeps no journal.
pub(crate) fn no_journal() -> StoreError {
    StoreError::new("this store keeps no journal of its imports")
}

/// [`Transactional`] for async apps: an [`AsyncStore`] with
/// transactions, what
/// [`Importer::import_async_atomic`](crate::Importer::import_async_atomic)
/// needs.
///
/// ```
/// use intake::{AsAsync, MemoryStore};
///
/// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # runtime.block_on(async {
/// let mut store = AsAsync(MemoryStore::new());
/// let report = intake::Importer::new(intake::presets::contacts())
///     .import_async_atomic(&b"email\nann@example.com\nnobody\n"[..], &mut store)
///     .await?;
/// assert_eq!((report.failed, store.0.len()), (1, 0));
/// # Ok::<(), intake::Error>(())
/// # }).unwrap();
/// ```
pub trait AsyncTransactional: AsyncStore {
    /// [`Transactional::begin`].
    fn begin(&mut self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// [`Transactional::commit`].
    fn commit(&mut self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// [`Transactional::rollback`].
    fn rollback(&mut self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A [`Store`] used as an [`AsyncStore`]: each call runs at once, on the
/// task that awaits it. Right for stores whose calls are quick (such as
/// [`MemoryStore`](crate::MemoryStore)); a store that waits on a disk or
/// a network blocks the runtime's thread meanwhile, so give such a store
/// an async implementation of its own.
///
/// ```
/// use intake::{AsAsync, MemoryStore};
///
/// let mut store = AsAsync(MemoryStore::new());
/// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # runtime.block_on(async {
/// let report = intake::Importer::new(intake::presets::contacts())
///     .import_async(&b"email\nann@example.com\n"[..], &mut store)
///     .await?;
/// assert_eq!((report.inserted, store.0.len()), (1, 1));
/// # Ok::<(), intake::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Default, Clone)]
pub struct AsAsync<S>(pub S);

impl<S: Store + Send> AsyncStore for AsAsync<S> {
    async fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.0.lookup(keys)
    }

    async fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.0.apply(writes)
    }

    fn journal(&mut self) -> Option<&mut dyn DynAsyncJournal> {
        if self.0.journal().is_some() {
            Some(self)
        } else {
            None
        }
    }
}

/// The wrapped store's [`Journal`], when [`Store::journal`] finds one
/// (else each call fails): through [`Store::journal`] rather than a
/// `Journal` bound, so that `AsAsync` of any store answers
/// [`AsyncStore::journal`] as the store does.
impl<S: Store + Send> AsyncJournal for AsAsync<S> {
    async fn apply_journaled(
        &mut self,
        import: &ImportId,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        match self.0.journal() {
            Some(kept) => kept.apply_journaled(import, writes, journal),
            None => self.0.apply(writes),
        }
    }

    async fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError> {
        self.0.journal().ok_or_else(no_journal)?.journal_of(import)
    }

    async fn customers_by_id(
        &mut self,
        ids: &[CustomerId],
    ) -> Result<Vec<Option<Customer>>, StoreError> {
        self.0
            .journal()
            .ok_or_else(no_journal)?
            .customers_by_id(ids)
    }

    async fn remove(
        &mut self,
        ids: &[CustomerId],
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        self.0.journal().ok_or_else(no_journal)?.remove(ids)
    }

    async fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError> {
        self.0.journal().ok_or_else(no_journal)?.mark_undone(import)
    }

    async fn prune(&mut self, older_than: SystemTime) -> Result<u64, StoreError> {
        self.0.journal().ok_or_else(no_journal)?.prune(older_than)
    }
}

impl<S: Transactional + Send> AsyncTransactional for AsAsync<S> {
    async fn begin(&mut self) -> Result<(), StoreError> {
        self.0.begin()
    }

    async fn commit(&mut self) -> Result<(), StoreError> {
        self.0.commit()
    }

    async fn rollback(&mut self) -> Result<(), StoreError> {
        self.0.rollback()
    }
}

/// An [`AsyncStore`] used as a [`Store`], from sync code: each call is run
/// to completion on `runtime`. Call it from a thread of your own (or
/// `spawn_blocking`), never from inside the runtime's tasks: blocking on
/// a runtime from within it panics.
///
/// ```
/// use intake::{AsAsync, Blocking, MemoryStore};
///
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let mut store = Blocking::new(AsAsync(MemoryStore::new()), runtime.handle().clone());
/// let report = intake::Importer::new(intake::presets::contacts())
///     .import(&b"email\nann@example.com\n"[..], &mut store)?;
/// assert_eq!(report.inserted, 1);
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug)]
pub struct Blocking<S> {
    store: S,
    runtime: tokio::runtime::Handle,
}

impl<S> Blocking<S> {
    /// `store`, its calls run on `runtime`.
    pub fn new(store: S, runtime: tokio::runtime::Handle) -> Blocking<S> {
        Blocking { store, runtime }
    }

    /// The async store.
    pub fn into_inner(self) -> S {
        self.store
    }
}

impl<S: AsyncStore> Store for Blocking<S> {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.runtime.block_on(self.store.lookup(keys))
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.runtime.block_on(self.store.apply(writes))
    }

    fn journal(&mut self) -> Option<&mut dyn Journal> {
        if self.store.journal().is_some() {
            Some(self)
        } else {
            None
        }
    }
}

/// The async store's journal ([`AsyncStore::journal`]; each call fails
/// when it keeps none), its calls run on the runtime: through
/// `AsyncStore::journal` rather than an [`AsyncJournal`] bound, so that
/// [`Store::journal`] of any `Blocking` store finds it.
///
/// ```
/// use intake::{AsAsync, Blocking, Journal, MemoryStore};
///
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let mut store = Blocking::new(AsAsync(MemoryStore::new()), runtime.handle().clone());
/// let importer = intake::Importer::new(intake::presets::contacts());
/// let report = importer.import(&b"email\nann@example.com\n"[..], &mut store)?;
/// let id = report.import_id.unwrap();
/// assert_eq!(store.journal_of(&id)?.map(|j| j.entries.len()), Some(1));
/// assert_eq!(importer.undo(&id, &mut store)?.removed, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<S: AsyncStore> Journal for Blocking<S> {
    fn apply_journaled(
        &mut self,
        import: &ImportId,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        let runtime = &self.runtime;
        match self.store.journal() {
            Some(kept) => runtime.block_on(kept.apply_journaled(import, writes, journal)),
            None => runtime.block_on(self.store.apply(writes)),
        }
    }

    fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError> {
        let kept = self.store.journal().ok_or_else(no_journal)?;
        self.runtime.block_on(kept.journal_of(import))
    }

    fn customers_by_id(&mut self, ids: &[CustomerId]) -> Result<Vec<Option<Customer>>, StoreError> {
        let kept = self.store.journal().ok_or_else(no_journal)?;
        self.runtime.block_on(kept.customers_by_id(ids))
    }

    fn remove(&mut self, ids: &[CustomerId]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let kept = self.store.journal().ok_or_else(no_journal)?;
        self.runtime.block_on(kept.remove(ids))
    }

    fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError> {
        let kept = self.store.journal().ok_or_else(no_journal)?;
        self.runtime.block_on(kept.mark_undone(import))
    }

    fn prune(&mut self, older_than: SystemTime) -> Result<u64, StoreError> {
        let kept = self.store.journal().ok_or_else(no_journal)?;
        self.runtime.block_on(kept.prune(older_than))
    }
}

impl<S: AsyncTransactional> Transactional for Blocking<S> {
    fn begin(&mut self) -> Result<(), StoreError> {
        self.runtime.block_on(self.store.begin())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.runtime.block_on(self.store.commit())
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.runtime.block_on(self.store.rollback())
    }
}
