//! The store contract for async apps (feature `async`): [`AsyncStore`],
//! and the adapters between it and [`Store`].

use std::future::Future;

use super::{Customer, CustomerId, MatchKey, Store, StoreError, Transactional, Write};

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
