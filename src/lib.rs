//! `intake` imports customer records from CSV files into an application's
//! own store: the engine behind an "Import customers" button.
//!
//! An app gives it a [`Schema`] (or a [preset](presets)), its own
//! [`Store`], and the uploaded bytes; it gets back a [`Report`] to show the
//! person who uploaded the file: how many customers were created or
//! updated, and every failed row with the reason, ready to fix and upload
//! again.
//!
//! # The whole flow
//!
//! ```
//! use intake::{presets, Context, Importer, MemoryStore, Policy};
//!
//! // The uploaded file: any column order, header names as people write them.
//! let upload = "\
//! First Name,Surname,E-mail Address,Phone,Birthday
//! Ann,Lee,Ann@Example.com,(415) 555-0101,1986-10-25
//! Bob,Stone,bob@example,,
//! Ann,Lee,ann@example.com,+1 415 555 0101,1986-10-25
//! ,,,,
//! Cleo,,cleo@example.com,,1990-02-30
//! ";
//!
//! let mut store = MemoryStore::new();
//! let report = Importer::new(presets::contacts())
//!     .policy(Policy::upsert())
//!     .context(Context::new().default_country("US")?)
//!     .import(upload.as_bytes(), &mut store)?;
//!
//! // Row 4 repeats Ann (same email and phone once normalized): nothing new.
//! // The blank row is not a customer. Bob's email and Cleo's date are wrong.
//! assert_eq!(report.rows, 4);
//! assert_eq!((report.inserted, report.updated, report.unchanged, report.failed), (1, 0, 1, 2));
//! assert_eq!(report.failures[0].row, 3);
//! assert_eq!(report.failures[0].problems[0].code.as_str(), "invalid_email");
//! assert_eq!(report.failures[1].problems[0].column.as_deref(), Some("Birthday"));
//! println!("{}", report.summary());
//!
//! // The failed rows, ready to fix and upload again.
//! let mut failed = Vec::new();
//! report.write_failed_rows(&mut failed)?;
//! assert!(String::from_utf8(failed)?.starts_with("First Name,Surname,E-mail Address,Phone,Birthday,errors"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # A preview the person confirms
//!
//! A review step ("1 new, 1 updated, 1 row to fix: import?") is a dry run
//! that writes its [plan](Importer::plan): each row's decision, the
//! customer each update changes with its fields before and after. The app
//! keeps the plan between requests; on confirm,
//! [`commit_plan`](Importer::commit_plan) writes exactly what was shown,
//! or refuses as `plan_outdated` when a customer changed meanwhile.
//!
//! ```
//! use intake::{presets, Action, Importer, MemoryStore};
//!
//! let importer = Importer::new(presets::contacts());
//! let mut store = MemoryStore::new();
//! importer.import("email,first_name\nann@example.com,Ann\n".as_bytes(), &mut store)?;
//!
//! // Upload: show the preview, keep the plan.
//! let upload = "email,first_name\nann@example.com,Anne\nbob@example.com,Bob\nbad,Cy\n";
//! let mut plan = Vec::new();
//! let preview = importer
//!     .clone()
//!     .preview(true)
//!     .list_first(50) // a review screen shows the first rows; counts stay whole
//!     .plan(upload.as_bytes(), &mut store, &mut plan)?;
//! assert_eq!((preview.inserted, preview.updated, preview.failed), (1, 1, 1));
//! let ann = &preview.changes.as_ref().unwrap()[0];
//! assert_eq!(ann.action, Action::Update);
//! assert_eq!(ann.changed[0].before.as_deref(), Some("Ann"));
//! assert_eq!(ann.changed[0].after.as_deref(), Some("Anne"));
//!
//! // Confirm: exactly that is written.
//! let report = importer.commit_plan(plan.as_slice(), &mut store)?;
//! assert_eq!((report.inserted, report.updated), (1, 1));
//! assert_eq!(store.len(), 2);
//! # Ok::<(), intake::Error>(())
//! ```
//!
//! # Presets, custom fields and city defaults
//!
//! [`presets::contacts`] and [`presets::field_service`] are ready-made
//! schemas; an account's own fields are added at run time, and appear in
//! the [`Template`] people download:
//!
//! ```
//! use intake::{presets, Argon2Hasher, Context, Field, Importer, MemoryStore, Template};
//! use intake::geo::MemoryCityDirectory;
//!
//! let schema = presets::field_service()
//!     .with_fields([Field::number("loyalty_points").label("Loyalty points")])?;
//! assert!(Template::new(&schema).header().ends_with(&["Loyalty points".to_string()]));
//!
//! let upload = "first_name,last_name,email,city,state,Loyalty points\n\
//!               Ann,Lee,ann@example.com,,TX,120\n";
//! let mut store = MemoryStore::new();
//! let report = Importer::new(schema)
//!     .password_hasher(Argon2Hasher::with_cost(64, 1, 1).unwrap()) // cheap: an example
//!     .context(
//!         Context::new()
//!             .default_country("US")?
//!             .company_city("Denver")
//!             .city_directory(MemoryCityDirectory::new().city(Some("US"), "TX", "Austin")),
//!     )
//!     .import(upload.as_bytes(), &mut store)?;
//! assert_eq!(report.cities_filled, 1);
//! let ann = store.customers().remove(0).record;
//! assert_eq!((ann.text("city"), ann.text("loyalty_points")), (Some("Austin"), Some("120")));
//! # Ok::<(), intake::Error>(())
//! ```
//!
//! # Files as people bring them
//!
//! Uploads come from Excel and friends in many shapes; the importer reads
//! them without settings:
//!
//! - **encodings**: UTF-8 with or without a byte-order mark, UTF-16 (Excel's
//!   "Unicode Text"), and the legacy encodings spreadsheets save in, such
//!   as Windows-1252 for Excel's "CSV" on Windows ([`Importer::encoding`]
//!   sets one instead).
//! - **delimiters**: comma, semicolon (Excel where the decimal separator is
//!   a comma), tab or pipe, detected from the header and first rows
//!   ([`Importer::delimiter`] sets one instead).
//! - **broken files**: a quote that is never closed, or bytes that are not
//!   text, stop the import at the line where the problem starts
//!   (`malformed_csv`, `unreadable`); the rows before it are imported and
//!   counted, and [`Report::stopped`] says where and why. In the header,
//!   they refuse the file.
//! - **hostile sizes**: [`Limits`] bound the file, the columns, a cell and a
//!   row (`too_large`), so memory stays bounded whatever is uploaded.
//!
//! The report names the encoding and the delimiter when they are not UTF-8
//! and comma, so the person sees how their file was understood:
//!
//! ```
//! use intake::{presets, Delimiter, Encoding, Importer, MemoryStore};
//!
//! // Excel's "CSV" in Germany: Windows-1252, semicolons, decimal commas.
//! let upload = b"First Name;Last Name;Email;Other\r\nJ\xfcrgen;M\xfcller;jm@example.de;1,5 \x80\r\n";
//! let mut store = MemoryStore::new();
//! let report = Importer::new(presets::contacts()).import(&upload[..], &mut store)?;
//! assert_eq!(report.encoding, Some(Encoding::WINDOWS_1252));
//! assert_eq!(report.delimiter, Some(Delimiter::Semicolon));
//! let customer = store.customers().remove(0).record;
//! assert_eq!(customer.text("last_name"), Some("Müller"));
//! assert_eq!(customer.text("other"), Some("1,5 €"));
//! assert!(report.summary().ends_with(
//!     "The file was read as windows-1252 text, with cells separated by semicolons."
//! ));
//! # Ok::<(), intake::Error>(())
//! ```
//!
//! # Spreadsheets
//!
//! With the feature `spreadsheet`, [`Importer::import`] also reads
//! `.xlsx`, `.xlsb`, `.xls` and `.ods` uploads, told from CSV by their first
//! bytes: the first visible sheet, or the one named with
//! `Importer::sheet`. Their rows go through the same pipeline as CSV rows,
//! with dates written in the mapped field's format and identifiers such as
//! phone numbers keeping their digits. See the `spreadsheet` module for how
//! cells are read and the limits that keep hostile files harmless. Without
//! the feature, a spreadsheet upload fails as `unreadable`, asking the
//! person to save it as CSV.
//!
//! # The pipeline
//!
//! Data flows one way:
//!
//! 1. **read** ([`Importer::import`]): bytes to CSV records with the `csv`
//!    crate, streamed; the [`Encoding`] (a byte-order mark dropped) and the
//!    [`Delimiter`] detected; RFC 4180 quoting; [`Limits`] on size; blank
//!    rows skipped (or, with [`BlankRows::EndData`], the end of data). A
//!    spreadsheet's sheet gives the same rows.
//! 2. **header map** ([`Schema::map_header`]): each column to a field by
//!    id, label or alias, ignoring case, accents, spaces and punctuation
//!    ("E-mail Address" is "EmailAddress"), else as a likely typo
//!    ("Emial"). A field takes one column, the best match (an exact name
//!    over an alias, an earlier alias over a later one, an alias over a
//!    typo), and one address never mixes columns of two ("Business City"
//!    and "Home Street"). The presets know the contact exports of Outlook,
//!    Google, HubSpot, Mailchimp, Salesforce, Shopify, Xero and QuickBooks.
//!    The app can choose or ignore columns itself
//!    ([`Importer::map_column`], [`Importer::ignore_column`]), and a
//!    mapping a person confirmed is remembered for the next file with the
//!    same columns ([`Report::mapping`], [`Importer::remembered_mapping`]:
//!    a [`SavedMapping`] keyed by the header's fingerprint). Unknown and
//!    outranked columns are ignored with an `ignored_column` warning, a
//!    column read as a likely typo gets a `guessed_column` warning; a
//!    missing required column, two columns equally good for one field, or
//!    a header that means nothing (no column is a field, or none of an
//!    at-least-one-of rule's columns is there) refuse the file.
//! 3. **cell validators** ([`validate`]): each cell to a typed [`Value`],
//!    or a [`Problem`].
//! 4. **row rules** ([`Rule`]): required, at least one of, required if.
//! 5. **match & decide** ([`Policy`]): the row's [`MatchKey`]s (normalized
//!    email and phone) find the customer; upsert, insert-only or
//!    update-only decide insert, update, unchanged or a failure; an update
//!    treats each field by its [`UpdateRule`] (overwrite, fill only an
//!    empty value, never update). The result equals importing the rows one
//!    at a time in file order.
//! 6. **store** ([`Store`]): one lookup and one write call per batch.
//! 7. **report** ([`Report`]).
//!
//! A **file-level** failure is `Err(`[`Error`]`)` and writes nothing. A
//! **row-level** failure is a [`RowFailure`] with all of the row's
//! problems, and the import goes on.
//!
//! Steps 3 and 4 run on every core: a batch's rows are checked by a few
//! threads kept for the whole import while the calling thread reads the
//! next batch and matches and writes the one before, in file order. A
//! record keeps its values in one allocation, and a value or key of 24
//! bytes or fewer (most names, phones, codes and emails) inline in it
//! ([`Text`]).
//!
//! # The core and its drivers
//!
//! Under every import is an [`ImportSession`] ([`Importer::session`]), a
//! core that does no I/O: handed rows, it answers with a [`Step`]: the
//! keys to look up, the writes to apply, a transaction to begin or end,
//! or the finished report. [`Importer::import`] and
//! [`Importer::import_rows`] are short drivers over it for a [`Store`];
//! with the feature `async`, `Importer::import_async` drives an
//! `AsyncStore` from an async app, the import on threads of its own.
//!
//! The store contract ([`Store`]) is built for databases: one lookup and
//! one apply per batch in the common case; the writes of one apply call
//! are a set (each customer once, no write depending on another); a write
//! refused as a [`StoreError::conflict`] is looked up and decided again;
//! values may be kept as text ([`Record::eq_as_text`]). The
//! [`store::conformance`] suite checks an implementation against it.
//!
//! # Undoing an import
//!
//! A store that keeps a [`Journal`] ([`MemoryStore`], `SqliteStore`,
//! `PostgresStore`, an app's own through [`Store::journal`]; for async
//! apps an `AsyncJournal`, undone with `Importer::undo_async`) records every writing import's
//! writes with their previous values, in the same transaction as the
//! writes; [`Importer::undo`] then removes the customers the import
//! created and restores the ones it updated, leaving those changed since
//! as they are (`changed_since`):
//!
//! ```
//! use intake::{presets, Importer, MemoryStore};
//!
//! let importer = Importer::new(presets::contacts());
//! let mut store = MemoryStore::new();
//! let report = importer.import("email\nann@example.com\n".as_bytes(), &mut store)?;
//! let undo = importer.undo(&report.import_id.unwrap(), &mut store)?;
//! assert_eq!(undo.summary(), "Undid the import: 1 customer removed.");
//! assert!(store.is_empty());
//! # Ok::<(), intake::Error>(())
//! ```
//!
//! # Where things are
//!
//! The modules follow the pipeline, each using only those before it:
//!
//! | layer | modules | what it holds |
//! |---|---|---|
//! | errors | `error`, `problem` | [`Error`] and [`Position`]; [`Problem`] and [`ProblemCode`] |
//! | values | `record` | [`Record`], [`Value`], [`Text`] |
//! | reading | `read` (`scan`, `encoding`, `delimiter`, `limits`, `metered`), [`spreadsheet`] | bytes to rows, bounded by [`Limits`] |
//! | schema | `schema` (`field`, `kinds`, `builder`, `header`, `fuzzy`, `rule`), [`presets`] | fields, header mapping, rules compiled to field indexes |
//! | values checked | [`validate`] (`postal`), [`geo`] (`matcher`, `fold`, `names`, `index`, `tables`, `seats`) | a cell to a [`Value`] or a [`Problem`] |
//! | rows | `rules`, `policy` | the schema's row rules; the decision's pure rules (refusal, merge) |
//! | import | `import` (`session`, `checker`, `crew`, `input`, `decide`, `batch`, `known`, `tally`, `date_order`, `row`, `undo`, `async_import`) | the I/O-free session and its drivers |
//! | store | [`store`] (`contract`, `journal`, `memory`, `table` (the app's table for `sqlite` and `postgres`), `sqlite`, `postgres`, `async_store`, [`store::conformance`]) | the contract and the crate's stores |
//! | output | `report`, `template` | the [`Report`], the failed-rows file, templates |
//!
//! Types are re-exported at the root, each with one path; [`geo`],
//! [`validate`], [`presets`], [`spreadsheet`] and [`store::conformance`]
//! are namespaces of their own.
//!
//! # Problem codes
//!
//! Stable snake_case codes ([`ProblemCode`], [`Error::code`]); messages are
//! for people and may change.
//!
//! Row level: `required`, `no_identifier`, `invalid_email`,
//! `invalid_phone`, `invalid_date`, `invalid_number`,
//! `invalid_postal_code`, `not_allowed`, `unknown_state`,
//! `unknown_country`, `too_long`, `duplicate_in_file`, `already_exists`,
//! `not_found`, `ambiguous_match`, `store_failed`, `extra_cells`; an
//! undo's `changed_since`.
//!
//! File level: `empty_file`, `missing_columns`, `duplicate_columns`,
//! `too_many_rows`, `malformed_csv`, `unreadable`, `store_failed`,
//! `invalid_config`, `too_large` (a file past its [`Limits`]),
//! `unknown_sheet`, `unknown_import` (an undo's).
//!
//! Warnings ([`WarningCode`]): `ignored_column`, `guessed_column`,
//! `rows_after_blank`, `stopped`, `unrecognized`, `too_many_failures`,
//! `formula_like`, `spreadsheet_changed`, `date_order`, `mapping_not_used`,
//! `already_undone`.
//!
//! # Values as people type them
//!
//! Phones are read in the row's own country (else the import's default
//! country); emails lose what pasting leaves around them (invisible
//! characters, quotes, `mailto:`, a display name); an ISO date field
//! takes a date-time; postal codes are checked for the row's country and
//! a ZIP code's lost leading zero restored. Every value changed beyond
//! normalization is a [`Correction`], listed in the preview and counted
//! in the summary:
//!
//! ```
//! use intake::{presets, Context, Importer, MemoryStore};
//!
//! let upload = "\
//! Name,E-mail,Phone,State,Zip,Country,Birthday
//! Ann,Ann Lee <ann@example.com>,0412 345 678,NSW,2000,Australia,1986-10-25T00:00:00Z
//! Bob,mailto:bob@example.com,(617) 555-0101,MA,2134,US,
//! ";
//! let mut store = MemoryStore::new();
//! let report = Importer::new(presets::contacts())
//!     .context(Context::new().default_country("US")?)
//!     .preview(true)
//!     .import(upload.as_bytes(), &mut store)?;
//! assert_eq!((report.inserted, report.corrected), (2, 4));
//! let changes = report.changes.as_ref().unwrap();
//! assert_eq!(changes[0].values["phone"], "+61412345678"); // read in Australia
//! assert_eq!(changes[1].values["postal_code"], "02134");
//! for correction in &changes[1].corrections {
//!     println!("row 3, {}: {} -> {} ({})", correction.column, correction.original, correction.value, correction.note);
//! }
//! assert!(report.summary().contains("4 values were corrected; see the preview."));
//! # Ok::<(), intake::Error>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod error;
mod fold;
pub mod geo;
mod import;
mod invalid;
mod messages;
mod password;
mod policy;
pub mod presets;
mod problem;
mod read;
mod record;
mod report;
mod rules;
mod schema;
#[cfg(feature = "spreadsheet")]
pub mod spreadsheet;
#[cfg(not(feature = "spreadsheet"))]
mod spreadsheet;
pub mod store;
mod template;
pub mod validate;

pub use error::{Error, ErrorKind, Position};
pub use import::{Context, ImportSession, Importer, Progress, Step};
pub use password::{Argon2Hasher, PasswordHasher};
pub use policy::{Mode, Policy, UpdateRule};
pub use problem::{Problem, ProblemCode};
pub use read::{BlankRows, Cells, Delimiter, Encoding, Limit, Limits};
pub use record::{Record, RecordDigest, Text, Value};
pub use report::{
    Action, Change, Correction, FieldChange, Report, RowFailure, StopReason, Stopped, Warning,
    WarningCode,
};
pub use schema::{
    header_key, Choices, ColumnMapping, ColumnOverrides, DateFormat, Field, FieldKind, HeaderMap,
    MatchKind, Rule, SavedMapping, Schema, SchemaBuilder, DEFAULT_MAX_CHARS,
};
#[cfg(feature = "async")]
pub use store::async_store::{
    AsAsync, AsyncJournal, AsyncStore, AsyncTransactional, Blocking, DynAsyncJournal, JournalFuture,
};
pub use store::contract::{
    Customer, CustomerId, MatchKey, Store, StoreError, Transactional, Write,
};
pub use store::journal::{
    ImportId, ImportJournal, InvalidImportId, Journal, JournalEntry, JournalWrite,
};
pub use store::memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use store::postgres::{PgClient, PostgresStore};
#[cfg(feature = "sqlite")]
pub use store::sqlite::SqliteStore;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use store::table::{IdKind, TableMapping};
pub use template::Template;
