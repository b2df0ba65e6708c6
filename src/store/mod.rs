//! Where customers live: the [`Store`] trait an app implements for its own
//! database, and [`MemoryStore`](crate::MemoryStore). With the cargo
//! feature `sqlite`, `SqliteStore` keeps customers in a SQLite file; with
//! `postgres`, `PostgresStore` in a PostgreSQL table; both in a table of
//! the app's design described by a `TableMapping`, or a default one.
//!
//! The trait is batch-shaped so that a real database gets one round trip per
//! batch, not one per row: [`Store::lookup`] takes every match key of a
//! batch, [`Store::apply`] every write, and each write has its own result so
//! one bad write fails one row, never the batch.

//!
//! The types are re-exported at the crate's root ([`Store`],
//! [`MemoryStore`](crate::MemoryStore), …); this module's own public
//! part is the [`conformance`] suite for implementers.

#[cfg(feature = "async")]
pub(crate) mod async_store;
pub mod conformance;
pub(crate) mod contract;
pub(crate) mod journal;
pub(crate) mod memory;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod table;

#[cfg(feature = "async")]
pub(crate) use async_store::{AsyncJournal, AsyncStore, AsyncTransactional, DynAsyncJournal};
pub(crate) use contract::{
    Customer, CustomerId, MatchKey, Store, StoreError, Transactional, Write,
};
pub(crate) use journal::{ImportId, Journal, JournalWrite};
#[cfg(feature = "postgres")]
pub(crate) use table::IdKind;
