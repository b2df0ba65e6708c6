//! The async driver (feature `async`): [`Importer::import_async`].
//!
//! The import runs on a thread of its own, the same synchronous import as
//! [`Importer::import`], reading the upload from a channel and calling
//! the store through one. The app's task only moves the upload's bytes
//! into that channel and awaits the store's futures: parsing, checking
//! and deciding never run on the app's runtime.

use std::future::Future;
use std::io;
use std::time::SystemTime;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc as channel, oneshot};

use super::Importer;
use crate::error::Error;
use crate::messages;
use crate::report::Report;
use crate::store::async_store::no_journal;
use crate::store::journal::ImportJournal;
use crate::store::{
    AsyncJournal, AsyncStore, AsyncTransactional, Customer, CustomerId, DynAsyncJournal, ImportId,
    Journal, JournalWrite, MatchKey, Store, StoreError, Transactional, Write,
};

/// How much of the upload one message carries.
const CHUNK_BYTES: usize = 64 * 1024;

/// How many chunks may wait for the import: the most of the upload held
/// in memory at once, besides the reader's own buffer.
const CHUNKS_AHEAD: usize = 4;

/// What the driver's thread runs on the input.
enum Job {
    /// An import of the upload (all or nothing with a transactional store).
    Import,
    /// A commit of a plan, in a transaction.
    CommitPlan,
    /// An undo of an import (no input).
    Undo(ImportId),
}

/// What became of the upload in one turn of the driver's loop.
enum Read {
    /// A chunk went to the import; `last` when no more will.
    Handed { last: bool },
    /// The upload ended, or the import reads no more of it.
    Ended,
}

/// What the import's thread asks the app's task for.
enum Request {
    Lookup(
        Vec<MatchKey>,
        oneshot::Sender<Result<Vec<Option<Customer>>, StoreError>>,
    ),
    Apply(
        Vec<Write>,
        oneshot::Sender<Result<Vec<Result<CustomerId, StoreError>>, StoreError>>,
    ),
    ApplyJournaled(
        ImportId,
        Vec<Write>,
        Vec<JournalWrite>,
        oneshot::Sender<Result<Vec<Result<CustomerId, StoreError>>, StoreError>>,
    ),
    JournalOf(
        ImportId,
        oneshot::Sender<Result<Option<ImportJournal>, StoreError>>,
    ),
    CustomersById(
        Vec<CustomerId>,
        oneshot::Sender<Result<Vec<Option<Customer>>, StoreError>>,
    ),
    Remove(
        Vec<CustomerId>,
        oneshot::Sender<Result<Vec<Result<(), StoreError>>, StoreError>>,
    ),
    MarkUndone(ImportId, oneshot::Sender<Result<(), StoreError>>),
    Begin(oneshot::Sender<Result<(), StoreError>>),
    Commit(oneshot::Sender<Result<(), StoreError>>),
    Rollback(oneshot::Sender<Result<(), StoreError>>),
    Done(Box<Result<Report, Error>>),
}

/// A piece of the upload, or why reading it failed.
type Chunk = io::Result<Vec<u8>>;

/// The upload as the import's thread reads it: chunks from the app's task.
struct ChannelReader {
    chunks: channel::Receiver<Chunk>,
    current: io::Cursor<Vec<u8>>,
}

impl io::Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = io::Read::read(&mut self.current, buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => self.current = io::Cursor::new(chunk),
                Some(Err(e)) => return Err(e),
                // The upload has ended.
                None => return Ok(0),
            }
        }
    }
}

/// The store as the import's thread calls it: each call a request to the
/// app's task, answered when its future is done.
struct ChannelStore {
    requests: channel::Sender<Request>,
    /// Whether the app's store keeps a journal ([`AsyncStore::journal`]).
    journaled: bool,
}

impl ChannelStore {
    fn ask<T>(&self, request: impl FnOnce(oneshot::Sender<T>) -> Request) -> Result<T, StoreError> {
        let (answer, answered) = oneshot::channel();
        let gone = || StoreError::new("the import's task stopped before the store answered");
        self.requests
            .blocking_send(request(answer))
            .map_err(|_| gone())?;
        answered.blocking_recv().map_err(|_| gone())
    }
}

impl Store for ChannelStore {
    fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.ask(|a| Request::Lookup(keys.to_vec(), a))?
    }

    fn apply(
        &mut self,
        writes: Vec<Write>,
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.ask(|a| Request::Apply(writes, a))?
    }

    fn journal(&mut self) -> Option<&mut dyn Journal> {
        if self.journaled {
            Some(self)
        } else {
            None
        }
    }
}

impl Journal for ChannelStore {
    fn apply_journaled(
        &mut self,
        import: &ImportId,
        writes: Vec<Write>,
        journal: &[JournalWrite],
    ) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
        self.ask(|a| Request::ApplyJournaled(import.clone(), writes, journal.to_vec(), a))?
    }

    fn journal_of(&mut self, import: &ImportId) -> Result<Option<ImportJournal>, StoreError> {
        self.ask(|a| Request::JournalOf(import.clone(), a))?
    }

    fn customers_by_id(&mut self, ids: &[CustomerId]) -> Result<Vec<Option<Customer>>, StoreError> {
        self.ask(|a| Request::CustomersById(ids.to_vec(), a))?
    }

    fn remove(&mut self, ids: &[CustomerId]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        self.ask(|a| Request::Remove(ids.to_vec(), a))?
    }

    fn mark_undone(&mut self, import: &ImportId) -> Result<(), StoreError> {
        self.ask(|a| Request::MarkUndone(import.clone(), a))?
    }

    fn prune(&mut self, _older_than: SystemTime) -> Result<u64, StoreError> {
        // Neither an import nor an undo prunes: the app prunes its store
        // itself.
        Err(StoreError::new("the import's store does not prune"))
    }
}

impl Transactional for ChannelStore {
    fn begin(&mut self) -> Result<(), StoreError> {
        self.ask(Request::Begin)?
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.ask(Request::Commit)?
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.ask(Request::Rollback)?
    }
}

impl Importer {
    /// [`import`](Importer::import) for async apps (feature `async`):
    /// reads `input` as it arrives (at most a few chunks of 64 KiB held
    /// ahead of the import, never the whole body) into `store`.
    ///
    /// The reading, checking and deciding run on the import's own
    /// threads; this future only hands the upload's bytes over and awaits
    /// the store's calls, so it never blocks the runtime for longer than
    /// copying a chunk. It needs no particular runtime (a current-thread
    /// tokio runtime will do). A panic inside the import is resumed here.
    ///
    /// A store that keeps a journal ([`AsyncStore::journal`], such as
    /// `PostgresStore`) journals the import's writes, as
    /// [`import`](Importer::import) does: undo it with
    /// [`undo_async`](Importer::undo_async).
    ///
    /// See [`AsyncStore`] for an example.
    pub async fn import_async<R, S>(&self, input: R, store: &mut S) -> Result<Report, Error>
    where
        R: AsyncRead + Unpin,
        S: AsyncStore + ?Sized,
    {
        self.drive(input, Plain(store), Job::Import).await
    }

    /// [`import_async`](Importer::import_async), all or nothing (see
    /// [`import_atomic`](Importer::import_atomic)): the store must have
    /// transactions ([`AsyncTransactional`]).
    pub async fn import_async_atomic<R, S>(&self, input: R, store: &mut S) -> Result<Report, Error>
    where
        R: AsyncRead + Unpin,
        S: AsyncTransactional + ?Sized,
    {
        self.drive(input, InTransaction(store), Job::Import).await
    }

    /// [`commit_plan`](Importer::commit_plan) for async apps (feature
    /// `async`): reads the plan as it arrives and commits it into `store`
    /// in one transaction, or refuses it and writes nothing.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), intake::Error> {
    /// use intake::{presets, AsAsync, Importer, MemoryStore};
    ///
    /// let importer = Importer::new(presets::contacts());
    /// let mut store = AsAsync(MemoryStore::new());
    /// let mut plan = Vec::new();
    /// importer.plan("email\nann@example.com\n".as_bytes(), &mut store.0, &mut plan)?;
    /// let report = importer.commit_plan_async(plan.as_slice(), &mut store).await?;
    /// assert_eq!((report.inserted, store.0.len()), (1, 1));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn commit_plan_async<R, S>(&self, plan: R, store: &mut S) -> Result<Report, Error>
    where
        R: AsyncRead + Unpin,
        S: AsyncTransactional + ?Sized,
    {
        self.drive(plan, InTransaction(store), Job::CommitPlan)
            .await
    }

    /// [`undo`](Importer::undo) for async apps (feature `async`): undoes
    /// the import `import` in `store` from its journal, all or nothing
    /// (in one transaction). The undo runs on a thread of its own, as an
    /// async import does; this future only awaits the store's calls.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), intake::Error> {
    /// use intake::{presets, AsAsync, Importer, MemoryStore};
    ///
    /// let importer = Importer::new(presets::contacts());
    /// let mut store = AsAsync(MemoryStore::new());
    /// let report = importer.import_async(&b"email\nann@example.com\n"[..], &mut store).await?;
    /// let undo = importer.undo_async(&report.import_id.unwrap(), &mut store).await?;
    /// assert_eq!((undo.removed, store.0.len()), (1, 0));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn undo_async<S>(&self, import: &ImportId, store: &mut S) -> Result<Report, Error>
    where
        S: AsyncJournal + AsyncTransactional,
    {
        self.drive(&[][..], Undoing(store), Job::Undo(import.clone()))
            .await
    }

    /// Runs the import on a thread of its own, answering its store calls
    /// with `store` and handing it `input` as it arrives.
    async fn drive<R, A>(&self, input: R, mut store: A, job: Job) -> Result<Report, Error>
    where
        R: AsyncRead + Unpin,
        A: Answering,
    {
        let atomic = A::ATOMIC;
        let journaled = store.journaled();
        let (chunks, chunks_in) = channel::channel::<Chunk>(CHUNKS_AHEAD);
        let (requests, mut asked) = channel::channel::<Request>(1);
        let importer = self.clone();
        let thread = std::thread::Builder::new()
            .name("intake-import".to_string())
            .spawn(move || {
                let reader = ChannelReader {
                    chunks: chunks_in,
                    current: io::Cursor::new(Vec::new()),
                };
                let mut store = ChannelStore {
                    requests,
                    journaled,
                };
                let result = match job {
                    Job::Undo(import) => importer.undo(&import, &mut store),
                    Job::CommitPlan => importer.commit_plan(reader, &mut store),
                    Job::Import if atomic => importer.import_atomic(reader, &mut store),
                    Job::Import => importer.import(reader, &mut store),
                };
                let _ = store
                    .requests
                    .blocking_send(Request::Done(Box::new(result)));
            })
            .map_err(|e| {
                Error::new(crate::ErrorKind::StoreFailed, messages::NO_THREAD).with_source(e)
            })?;
        let mut input = input;
        let mut chunks = Some(chunks);
        // A chunk read but not yet taken by the import.
        let mut waiting: Option<Chunk> = None;
        let mut buffer = vec![0u8; CHUNK_BYTES];
        // Whether the upload may have more to read (not ended, not failed).
        let mut more = true;
        let outcome = loop {
            let reading = more && chunks.is_some() && waiting.is_none();
            // What happened, acted on once the select's borrows end.
            let event = tokio::select! {
                // The store's calls first: the import waits on them.
                biased;
                request = asked.recv() => match request {
                    Some(Request::Done(result)) => break Some(*result),
                    Some(request) => {
                        store.answer(request).await;
                        continue;
                    }
                    None => break None,
                },
                permit = room(chunks.as_ref()), if waiting.is_some() => match (permit, waiting.take()) {
                    (Some(permit), Some(chunk)) => {
                        permit.send(chunk);
                        // After a failure the import reads no more.
                        Read::Handed { last: !more }
                    }
                    // The import has read all it wants.
                    _ => Read::Ended,
                },
                read = input.read(&mut buffer), if reading => match read {
                    Ok(0) => Read::Ended,
                    Ok(n) => {
                        waiting = Some(Ok(buffer.get(..n).unwrap_or_default().to_vec()));
                        continue;
                    }
                    Err(e) => {
                        waiting = Some(Err(e));
                        more = false;
                        continue;
                    }
                },
            };
            match event {
                Read::Handed { last: false } => {}
                Read::Handed { last: true } | Read::Ended => chunks = None,
            }
        };
        drop(chunks);
        drop(asked);
        match outcome {
            Some(result) => {
                // The thread ends right after sending its result.
                let _ = thread.join();
                result
            }
            // The thread ended without a result: it panicked.
            None => match thread.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => Err(Error::new(
                    crate::ErrorKind::StoreFailed,
                    messages::IMPORT_THREAD_ENDED,
                )),
            },
        }
    }
}

/// Room for one more chunk in the import's channel; `None` once the
/// import reads no more. Without a channel, never ready.
async fn room(chunks: Option<&channel::Sender<Chunk>>) -> Option<channel::Permit<'_, Chunk>> {
    match chunks {
        Some(chunks) => chunks.reserve().await.ok(),
        None => std::future::pending().await,
    }
}

/// The app's store as the driver calls it: answers the import's
/// requests.
trait Answering: Send {
    /// Whether the import runs in a transaction.
    const ATOMIC: bool;

    /// Whether the store keeps a journal: the import then journals.
    fn journaled(&mut self) -> bool;

    /// Runs `request` on the store and answers it. A request whose asker
    /// is gone (the import panicked) needs no answer.
    fn answer(&mut self, request: Request) -> impl Future<Output = ()> + Send;
}

/// A store without transactions: its import asks for none.
struct Plain<'s, S: ?Sized>(&'s mut S);

/// A store with transactions, for an all-or-nothing import.
struct InTransaction<'s, S: ?Sized>(&'s mut S);

/// A store with a journal and transactions, for an undo: its journal
/// found by its type, not by [`AsyncStore::journal`].
struct Undoing<'s, S>(&'s mut S);

impl<S: AsyncStore + ?Sized> Answering for Plain<'_, S> {
    const ATOMIC: bool = false;

    fn journaled(&mut self) -> bool {
        self.0.journal().is_some()
    }

    async fn answer(&mut self, request: Request) {
        match request {
            Request::Begin(reply) | Request::Commit(reply) | Request::Rollback(reply) => {
                // A plain import's thread calls `Importer::import`, whose
                // session never asks for a transaction.
                debug_assert!(false, "a transaction asked of a plain import");
                let _ = reply.send(Err(StoreError::new(
                    "this import runs without a transaction",
                )));
            }
            call => answer_call(call, self.0).await,
        }
    }
}

impl<S: AsyncTransactional + ?Sized> Answering for InTransaction<'_, S> {
    const ATOMIC: bool = true;

    fn journaled(&mut self) -> bool {
        self.0.journal().is_some()
    }

    async fn answer(&mut self, request: Request) {
        if let Some(call) = answer_transaction(request, self.0).await {
            answer_call(call, self.0).await;
        }
    }
}

impl<S: AsyncJournal + AsyncTransactional> Answering for Undoing<'_, S> {
    const ATOMIC: bool = true;

    fn journaled(&mut self) -> bool {
        true
    }

    async fn answer(&mut self, request: Request) {
        let Some(request) = answer_transaction(request, self.0).await else {
            return;
        };
        match request {
            Request::Lookup(keys, reply) => {
                let _ = reply.send(self.0.lookup(&keys).await);
            }
            Request::Apply(writes, reply) => {
                let _ = reply.send(self.0.apply(writes).await);
            }
            call => answer_journal(call, Some(&mut *self.0 as &mut dyn DynAsyncJournal)).await,
        }
    }
}

/// Answers a request to begin, commit or roll back on `store`; gives any
/// other request back.
async fn answer_transaction<S: AsyncTransactional + ?Sized>(
    request: Request,
    store: &mut S,
) -> Option<Request> {
    match request {
        Request::Begin(reply) => {
            let _ = reply.send(store.begin().await);
        }
        Request::Commit(reply) => {
            let _ = reply.send(store.commit().await);
        }
        Request::Rollback(reply) => {
            let _ = reply.send(store.rollback().await);
        }
        other => return Some(other),
    }
    None
}

/// Runs a lookup or an apply on `store`, and answers it.
async fn answer_call<S: AsyncStore + ?Sized>(request: Request, store: &mut S) {
    match request {
        Request::Lookup(keys, reply) => {
            let _ = reply.send(store.lookup(&keys).await);
        }
        Request::Apply(writes, reply) => {
            let _ = reply.send(store.apply(writes).await);
        }
        Request::ApplyJournaled(import, writes, journal, reply) => {
            // Asked only of a store that keeps a journal; else a plain
            // apply, as the sync import does.
            let result = match store.journal() {
                Some(kept) => kept.apply_journaled(&import, writes, &journal).await,
                None => store.apply(writes).await,
            };
            let _ = reply.send(result);
        }
        call => answer_journal(call, store.journal()).await,
    }
}

/// Runs a journal call on `kept`, and answers it; without a journal,
/// answers that the store keeps none.
async fn answer_journal(request: Request, kept: Option<&mut dyn DynAsyncJournal>) {
    match (request, kept) {
        (Request::ApplyJournaled(import, writes, journal, reply), Some(kept)) => {
            let _ = reply.send(kept.apply_journaled(&import, writes, &journal).await);
        }
        (Request::JournalOf(import, reply), Some(kept)) => {
            let _ = reply.send(kept.journal_of(&import).await);
        }
        (Request::CustomersById(ids, reply), Some(kept)) => {
            let _ = reply.send(kept.customers_by_id(&ids).await);
        }
        (Request::Remove(ids, reply), Some(kept)) => {
            let _ = reply.send(kept.remove(&ids).await);
        }
        (Request::MarkUndone(import, reply), Some(kept)) => {
            let _ = reply.send(kept.mark_undone(&import).await);
        }
        (Request::ApplyJournaled(.., reply), None) => {
            let _ = reply.send(Err(no_journal()));
        }
        (Request::CustomersById(_, reply), None) => {
            let _ = reply.send(Err(no_journal()));
        }
        (Request::JournalOf(_, reply), None) => {
            let _ = reply.send(Err(no_journal()));
        }
        (Request::Remove(_, reply), None) => {
            let _ = reply.send(Err(no_journal()));
        }
        (Request::MarkUndone(_, reply), None) => {
            let _ = reply.send(Err(no_journal()));
        }
        // Answered by the caller.
        _ => {}
    }
}
