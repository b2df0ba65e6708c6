//! The [`Importer`]: drives rows through the pipeline into a [`Store`].

#[cfg(feature = "async")]
mod async_import;
mod batch;
mod blocking;
mod checker;
mod crew;
mod date_order;
mod decide;
mod input;
mod known;
mod plan;
mod progress;
mod read_ahead;
mod retry;
mod row;
mod session;
mod tally;
mod undo;

use std::io;
use std::ops::ControlFlow;
use std::sync::Arc;

pub use progress::Progress;
use progress::ProgressFn;
pub use session::{ImportSession, Step};

use crate::error::{Error, ErrorKind};
use crate::geo::CityDirectory;
use crate::password::{Argon2Hasher, PasswordHasher};
use crate::policy::Policy;
use crate::read::{BlankRows, CsvRows, Delimiter, Encoding, Limits, RawRow, ReadOptions};
use crate::report::Report;
use crate::schema::{ColumnChoices, SavedMapping, Schema};
use crate::spreadsheet;
use crate::store::{Store, Transactional};
use blocking::Transactions;

/// What the import knows about the account it imports into.
///
/// ```
/// use intake::Context;
/// let ctx = Context::new().default_country("GB")?;
/// assert_eq!(ctx.country(), Some("GB"));
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Clone)]
pub struct Context {
    default_country: Option<String>,
    phone_region: Option<rlibphonenumber::enums::Region>,
    company_city: Option<String>,
    /// What rows consult: the app's directory, with the embedded one under
    /// it unless turned off (see `geo::layered`).
    city_directory: Option<Arc<dyn CityDirectory>>,
    /// The app's own directory, as given.
    app_cities: Option<Arc<dyn CityDirectory>>,
    embedded_cities: bool,
}

impl Default for Context {
    fn default() -> Context {
        Context {
            default_country: None,
            phone_region: None,
            company_city: None,
            city_directory: crate::geo::layered(None, true),
            app_cities: None,
            embedded_cities: true,
        }
    }
}

impl std::fmt::Debug for Context {
    // The app's directory once (not again inside the layered one).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("default_country", &self.default_country)
            .field("phone_region", &self.phone_region)
            .field("company_city", &self.company_city)
            .field("city_directory", &self.app_cities)
            .field("embedded_cities", &self.embedded_cities)
            .finish()
    }
}

impl Context {
    /// A context with no defaults of the account's own. With the feature
    /// `cities` (on by default), rows with a state but no city get the
    /// state's seat from the embedded [`SeatDirectory`](crate::geo::SeatDirectory)
    /// (see [`embedded_cities`](Context::embedded_cities)).
    pub fn new() -> Context {
        Context::default()
    }

    /// The ISO 3166-1 alpha-2 country of the account: phone numbers without
    /// a country code are read as numbers of this country, and rows
    /// without a country are in it. A code that is no country is refused
    /// here, as `invalid_config`.
    ///
    /// ```
    /// use intake::Context;
    ///
    /// let ctx = Context::new().default_country("gb")?;
    /// assert_eq!(ctx.country(), Some("GB"));
    /// let err = Context::new().default_country("UK").unwrap_err();
    /// assert_eq!(err.code(), "invalid_config");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn default_country(mut self, code: &str) -> Result<Context, Error> {
        let code = code.trim().to_ascii_uppercase();
        // Only a real country: libphonenumber also knows "ZZ" (unknown) and
        // non-geographic entities.
        let real = keshvar::Alpha2::try_from(code.as_str()).is_ok();
        let Some(region) = code.parse().ok().filter(|_| real) else {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("'{code}' is not an ISO 3166-1 alpha-2 country code"),
            ));
        };
        self.phone_region = Some(region);
        self.default_country = Some(code);
        Ok(self)
    }

    /// The default country, upper-cased.
    pub fn country(&self) -> Option<&str> {
        self.default_country.as_deref()
    }

    /// The company's own city: the city of a row with neither city nor
    /// state, where the schema has [`Rule::DefaultCity`](crate::Rule::DefaultCity).
    pub fn company_city(mut self, city: &str) -> Context {
        let city = city.trim();
        self.company_city = (!city.is_empty()).then(|| city.to_string());
        self
    }

    /// Where the first city of a state comes from, for rows with a state
    /// but no city. It comes first: with the feature `cities`, the embedded
    /// directory answers only for the states this one does not know (see
    /// [`embedded_cities`](Context::embedded_cities)).
    ///
    /// ```
    /// use intake::Context;
    /// use intake::geo::MemoryCityDirectory;
    /// let ctx = Context::new()
    ///     .company_city("Denver")
    ///     .city_directory(MemoryCityDirectory::new().city(Some("US"), "Texas", "Austin"));
    /// ```
    pub fn city_directory(mut self, directory: impl CityDirectory + 'static) -> Context {
        self.app_cities = Some(Arc::new(directory));
        self.city_directory = crate::geo::layered(self.app_cities.clone(), self.embedded_cities);
        self
    }

    /// Whether the embedded [`SeatDirectory`](crate::geo::SeatDirectory)
    /// (feature `cities`) gives the seat of a row's state when the row has
    /// no city and the app's [`city_directory`](Context::city_directory)
    /// knows none (default: yes). Off, only the app's directory answers.
    /// Without the feature there is no embedded directory and this changes
    /// nothing.
    ///
    /// ```
    /// use intake::{presets, Argon2Hasher, Context, Importer, MemoryStore};
    ///
    /// let csv = "first_name,last_name,email,city,state,country\nAnn,Lee,ann@example.com,,NSW,AU\n";
    /// let import = |context: Context| {
    ///     let mut store = MemoryStore::new();
    ///     Importer::new(presets::field_service())
    ///         .password_hasher(Argon2Hasher::with_cost(64, 1, 1).unwrap()) // cheap: an example
    ///         .context(context)
    ///         .import(csv.as_bytes(), &mut store)
    ///         .map(|report| (report, store))
    /// };
    /// # #[cfg(feature = "cities")] {
    /// let (report, store) = import(Context::new())?;
    /// assert_eq!(report.cities_filled, 1);
    /// assert_eq!(store.customers()[0].record.text("city"), Some("Sydney"));
    /// # }
    /// let (report, _) = import(Context::new().embedded_cities(false))?;
    /// assert_eq!(report.failures[0].problems[0].code.as_str(), "required");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn embedded_cities(mut self, on: bool) -> Context {
        self.embedded_cities = on;
        self.city_directory = crate::geo::layered(self.app_cities.clone(), on);
        self
    }
}

/// Imports rows into a [`Store`] according to a [`Schema`] and a [`Policy`].
///
/// Configure it with the builder methods, then call [`import`](Importer::import)
/// for CSV bytes or [`import_rows`](Importer::import_rows) for rows from any
/// other source.
///
/// # Example
///
/// ```
/// use intake::{presets, Context, Importer, MemoryStore, Policy};
///
/// let csv = "First Name,Email,Phone\nAnn,ann@example.com,(415) 555-0101\n";
/// let mut store = MemoryStore::new();
/// let report = Importer::new(presets::contacts())
///     .policy(Policy::upsert())
///     .context(Context::new().default_country("US")?)
///     .import(csv.as_bytes(), &mut store)?;
/// assert_eq!(report.inserted, 1);
/// assert_eq!(store.len(), 1);
/// # Ok::<(), intake::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Importer {
    schema: Schema,
    policy: Policy,
    context: Context,
    dry_run: bool,
    preview: bool,
    list_first: usize,
    /// A dry run that writes its plan ([`Importer::plan`]).
    planning: bool,
    batch_size: usize,
    max_rows: Option<u64>,
    blank_rows: BlankRows,
    hasher: Arc<dyn PasswordHasher>,
    progress: Option<ProgressFn>,
    input_len: Option<u64>,
    stop_on_store_failure: bool,
    store_retries: u32,
    refuse_formulas: bool,
    checking_threads: Option<usize>,
    columns: ColumnChoices,
    read: ReadOptions,
    #[cfg(feature = "spreadsheet")]
    sheet: Option<String>,
}

impl Importer {
    /// An importer for `schema`, with the schema's defaults for the policy,
    /// the row limit and blank rows (for a schema that sets none: upsert, no
    /// limit, blank rows skipped), batches of 1,000 rows, and Argon2id for
    /// passwords.
    pub fn new(schema: Schema) -> Importer {
        let defaults = schema.defaults();
        Importer {
            schema,
            policy: defaults.policy,
            context: Context::default(),
            dry_run: false,
            preview: false,
            list_first: usize::MAX,
            planning: false,
            batch_size: 1000,
            max_rows: defaults.max_rows,
            blank_rows: defaults.blank_rows,
            hasher: Arc::new(Argon2Hasher::default()),
            progress: None,
            input_len: None,
            stop_on_store_failure: false,
            store_retries: 2,
            refuse_formulas: false,
            checking_threads: None,
            columns: ColumnChoices::default(),
            read: ReadOptions::default(),
            #[cfg(feature = "spreadsheet")]
            sheet: None,
        }
    }

    /// Whether a text cell written like a spreadsheet formula
    /// (`=HYPERLINK(...)`, `+SUM(A1)`, `@IF(...)`) fails its row as
    /// `not_allowed` instead of being kept with a `formula_like` warning.
    /// For apps that export their customers to spreadsheets, where such a
    /// cell would run. Off by default.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email,company\nann@example.com,=HYPERLINK(\"http://x.test\")\n";
    /// let kept = Importer::new(presets::contacts())
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!((kept.inserted, kept.warnings[0].code.as_str()), (1, "formula_like"));
    ///
    /// let refused = Importer::new(presets::contacts())
    ///     .refuse_formulas(true)
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(refused.failures[0].problems[0].code.as_str(), "not_allowed");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn refuse_formulas(mut self, refuse: bool) -> Importer {
        self.refuse_formulas = refuse;
        self
    }

    /// Calls `callback` after every batch with how far the import has got;
    /// returning [`ControlFlow::Break`] cancels it. A cancelled import stops
    /// at that batch boundary: the rows before it are written and reported
    /// (an [all-or-nothing](Importer::import_atomic) import writes nothing), and
    /// [`Report::stopped`] says where it stopped, with the code `cancelled`.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email\na@example.com\nb@example.com\nc@example.com\n";
    /// let report = Importer::new(presets::contacts())
    ///     .batch_size(1)
    ///     // Cancel once two rows are done (an app would watch a Cancel button).
    ///     .on_progress(|p| if p.rows >= 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(report.inserted, 2);
    /// assert_eq!(report.stopped.map(|s| s.code.as_str()), Some("cancelled"));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn on_progress<F>(mut self, callback: F) -> Importer
    where
        F: Fn(&Progress) -> ControlFlow<()> + Send + Sync + 'static,
    {
        self.progress = Some(ProgressFn(Arc::new(callback)));
        self
    }

    /// The upload's size in bytes, when the app knows it (a file's length, a
    /// request's `Content-Length`): [`Progress::total_bytes`].
    pub fn input_len(mut self, bytes: u64) -> Importer {
        self.input_len = Some(bytes);
        self
    }

    /// Whether a store failure ends the import (default: no). Either way the
    /// rows the failure affected fail as `store_failed`; when it stops,
    /// [`Report::stopped`] says so and the rest of the file is not read.
    pub fn stop_on_store_failure(mut self, stop: bool) -> Importer {
        self.stop_on_store_failure = stop;
        self
    }

    /// How many times a lookup or an apply that failed as a whole with a
    /// [`temporary`](crate::StoreError::temporary) error is tried again
    /// before its rows fail (default: 2), after pauses of 50 ms, 100 ms,
    /// 200 ms, … up to 2 s. A failure of one write among others is that
    /// write's row's (`store_failed`, "upload it again later"), not tried
    /// again: the call it was in has succeeded.
    ///
    /// ```
    /// use intake::{presets, Customer, CustomerId, Importer, MatchKey, MemoryStore, Store, StoreError, Write};
    ///
    /// /// A database that is busy the first time it is asked.
    /// struct BusyOnce(MemoryStore, bool);
    ///
    /// impl Store for BusyOnce {
    ///     fn lookup(&mut self, keys: &[MatchKey]) -> Result<Vec<Option<Customer>>, StoreError> {
    ///         if !std::mem::replace(&mut self.1, true) {
    ///             return Err(StoreError::new("database is locked").temporary());
    ///         }
    ///         self.0.lookup(keys)
    ///     }
    ///     fn apply(&mut self, writes: Vec<Write>) -> Result<Vec<Result<CustomerId, StoreError>>, StoreError> {
    ///         self.0.apply(writes)
    ///     }
    /// }
    ///
    /// let csv = "email\nann@example.com\n";
    /// let report = Importer::new(presets::contacts())
    ///     .import(csv.as_bytes(), &mut BusyOnce(MemoryStore::new(), false))?;
    /// assert_eq!(report.inserted, 1);
    /// let report = Importer::new(presets::contacts())
    ///     .store_retries(0)
    ///     .import(csv.as_bytes(), &mut BusyOnce(MemoryStore::new(), false))?;
    /// assert_eq!(report.failures[0].problems[0].code.as_str(), "store_failed");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn store_retries(mut self, retries: u32) -> Importer {
        self.store_retries = retries;
        self
    }

    /// Sets how passwords are hashed (default: [`Argon2Hasher::default`]).
    pub fn password_hasher(mut self, hasher: impl PasswordHasher + 'static) -> Importer {
        self.hasher = Arc::new(hasher);
        self
    }

    /// Sets the policy.
    pub fn policy(mut self, policy: Policy) -> Importer {
        self.policy = policy;
        self
    }

    /// Sets the account context (default country, …).
    pub fn context(mut self, context: Context) -> Importer {
        self.context = context;
        self
    }

    /// A dry run makes every decision a real run would and writes nothing.
    ///
    /// Nothing is written to the store, so the dry run itself remembers
    /// the file's customers to decide their repeats: a few bytes per key in
    /// memory, their values in an unnamed temporary file (from
    /// [`std::env::temp_dir`], removed when the import ends; in memory if
    /// no such file can be made). Passwords are in it only as hashes.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email\nann@example.com\n";
    /// let mut store = MemoryStore::new();
    /// let report = Importer::new(presets::contacts())
    ///     .dry_run(true)
    ///     .import(csv.as_bytes(), &mut store)?;
    /// assert_eq!(report.inserted, 1);
    /// assert!(store.is_empty());
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn dry_run(mut self, dry_run: bool) -> Importer {
        self.dry_run = dry_run;
        self
    }

    /// Lists every imported row's action and normalized values in
    /// [`Report::changes`].
    pub fn preview(mut self, preview: bool) -> Importer {
        self.preview = preview;
        self
    }

    /// Lists only the first `rows` changes ([`Report::changes`]) and failed
    /// rows ([`Report::failures`]), for a review screen: the counts stay
    /// complete, the rest are counted in
    /// [`changes_not_listed`](Report::changes_not_listed) and
    /// [`failures_not_listed`](Report::failures_not_listed), and the
    /// failed-rows file ([`Report::write_failed_rows`]) still holds every
    /// failed row. Every row by default.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email\na@example.com\nb@example.com\nbad1\nbad2\n";
    /// let report = Importer::new(presets::contacts())
    ///     .dry_run(true)
    ///     .preview(true)
    ///     .list_first(1)
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!((report.inserted, report.failed), (2, 2));
    /// assert_eq!(report.changes.as_ref().map(Vec::len), Some(1));
    /// assert_eq!((report.failures.len(), report.failures_not_listed), (1, 1));
    ///
    /// let mut file = Vec::new();
    /// report.write_failed_rows(&mut file).expect("written to memory");
    /// assert_eq!(String::from_utf8_lossy(&file).lines().count(), 3);
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn list_first(mut self, rows: usize) -> Importer {
        self.list_first = rows;
        self
    }

    /// How many threads check rows besides the calling thread, which
    /// reads, matches and writes in file order and helps check when it
    /// has nothing else to do. `0` checks every row on the calling
    /// thread. By default one fewer than the machine's cores, at most
    /// seven. With one or more, a CSV upload is also parsed on a thread
    /// of its own, a bounded number of bytes (512 KiB) ahead of the rows
    /// taken; the upload's reader is still read on the calling thread.
    /// The result is the same whatever the number: it only changes how
    /// fast rows are checked.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email\nann@example.com\n";
    /// let report = Importer::new(presets::contacts())
    ///     .checking_threads(0)
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!(report.inserted, 1);
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn checking_threads(mut self, threads: usize) -> Importer {
        self.checking_threads = Some(threads);
        self
    }

    /// Rows per store round trip (at least 1).
    pub fn batch_size(mut self, rows: usize) -> Importer {
        self.batch_size = rows.max(1);
        self
    }

    /// Refuses a file with more than `limit` data rows as `too_many_rows`,
    /// writing nothing. The rows up to the limit are held in memory until
    /// the count is known, so keep the limit modest; blank rows are not
    /// held, and rows past the limit are only counted.
    pub fn max_rows(mut self, limit: Option<u64>) -> Importer {
        self.max_rows = limit;
        self
    }

    /// What a blank row means.
    pub fn blank_rows(mut self, blank_rows: BlankRows) -> Importer {
        self.blank_rows = blank_rows;
        self
    }

    /// Column `column` of the file feeds the field with id `field`,
    /// whatever the automatic mapping would say. The file must have the
    /// column and the schema the field, or the import fails with
    /// `invalid_config`; see [`Schema::map_header_with`].
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "Cust Email,Email\nann@example.com,office@example.com\n";
    /// let mut store = MemoryStore::new();
    /// let report = Importer::new(presets::contacts())
    ///     .map_column("Cust Email", "email")
    ///     .import(csv.as_bytes(), &mut store)?;
    /// assert_eq!(report.columns[0].field.as_deref(), Some("email"));
    /// assert_eq!(report.columns[1].field, None);
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn map_column(mut self, column: &str, field: &str) -> Importer {
        self.columns.overrides = std::mem::take(&mut self.columns.overrides).map(column, field);
        self
    }

    /// Column `column` of the file feeds no field, whatever the automatic
    /// mapping would say. The file must have the column, or the import
    /// fails with `invalid_config`.
    pub fn ignore_column(mut self, column: &str) -> Importer {
        self.columns.overrides = std::mem::take(&mut self.columns.overrides).ignore(column);
        self
    }

    /// A column mapping remembered from an earlier import
    /// ([`Report::mapping`]), used when the file has the same columns (in
    /// any order; see [`SavedMapping::fingerprint_of`]): every column it
    /// lists feeds the field it fed then, or is ignored as it was, and the
    /// report says so ([`Report::mapping_remembered`], a sentence in the
    /// summary). The app's own [`map_column`](Importer::map_column) and
    /// [`ignore_column`](Importer::ignore_column) choices win over it.
    ///
    /// Call it again for each mapping an account has kept: the one made
    /// for the file's columns is used. When none is, or the one that is
    /// names a column the file lacks or no longer suits the schema, the
    /// columns are matched automatically and the report warns
    /// (`mapping_not_used`): a remembered mapping never fails an import.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let first = Importer::new(presets::contacts())
    ///     .map_column("Contact", "email")
    ///     .import("Contact\nann@example.com\n".as_bytes(), &mut MemoryStore::new())?;
    /// let saved = first.mapping();
    ///
    /// let again = Importer::new(presets::contacts())
    ///     .remembered_mapping(saved.clone())
    ///     .import("Contact\nbob@example.com\n".as_bytes(), &mut MemoryStore::new())?;
    /// assert!(again.mapping_remembered);
    /// assert_eq!(again.inserted, 1);
    ///
    /// // Another layout: matched automatically, with a warning.
    /// let other = Importer::new(presets::contacts())
    ///     .remembered_mapping(saved)
    ///     .import("Email\ncleo@example.com\n".as_bytes(), &mut MemoryStore::new())?;
    /// assert!(!other.mapping_remembered);
    /// assert_eq!(other.warnings[0].code.as_str(), "mapping_not_used");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn remembered_mapping(mut self, mapping: SavedMapping) -> Importer {
        self.columns.remembered.push(mapping);
        self
    }

    /// Reads files in `encoding` instead of detecting it. A byte-order
    /// mark at the start of a file still wins, as in browsers.
    ///
    /// Detection (the default) reads UTF-8 with or without a byte-order
    /// mark, UTF-16 (Excel's "Unicode Text") and the legacy encodings
    /// spreadsheets save in, such as Windows-1252 for Excel's "CSV" on
    /// Windows; setting the encoding helps when a file has too few accents
    /// to tell. Bytes that are not text in the encoding stop the import as
    /// `unreadable`, naming the line.
    ///
    /// ```
    /// use intake::{presets, Encoding, Importer, MemoryStore};
    ///
    /// let latin1 = b"email,last_name\nann@example.com,M\xfcller\n";
    /// let mut store = MemoryStore::new();
    /// let report = Importer::new(presets::contacts())
    ///     .encoding(Encoding::WINDOWS_1252)
    ///     .import(&latin1[..], &mut store)?;
    /// assert_eq!(report.encoding, Some(Encoding::WINDOWS_1252));
    /// assert_eq!(store.customers()[0].record.text("last_name"), Some("Müller"));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn encoding(mut self, encoding: Encoding) -> Importer {
        self.read.encoding = Some(encoding);
        self
    }

    /// Splits cells at `delimiter` instead of detecting it from the header
    /// and the first rows (comma, semicolon, tab or pipe; a comma when in
    /// doubt).
    ///
    /// ```
    /// use intake::{presets, Delimiter, Importer, MemoryStore};
    ///
    /// let csv = "email;first_name\nann@example.com;Ann\n";
    /// let report = Importer::new(presets::contacts())
    ///     .delimiter(Delimiter::Semicolon)
    ///     .import(csv.as_bytes(), &mut MemoryStore::new())?;
    /// assert_eq!((report.inserted, report.delimiter), (1, Some(Delimiter::Semicolon)));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn delimiter(mut self, delimiter: Delimiter) -> Importer {
        self.read.delimiter = Some(delimiter);
        self
    }

    /// Bounds on what one file may hold (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Importer {
        self.read.limits = limits;
        self
    }

    /// Reads the sheet named `name` from a spreadsheet upload (matched
    /// exactly, else ignoring case) instead of the first visible sheet. A
    /// file without it fails as `unknown_sheet`, listing its sheets. CSV
    /// uploads ignore it. Needs the feature `spreadsheet`.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let upload = std::fs::read("tests/data/sheets/customers.xlsx").unwrap();
    /// let err = Importer::new(presets::contacts())
    ///     .sheet("Clients")
    ///     .import(&upload[..], &mut MemoryStore::new())
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "unknown_sheet");
    /// ```
    #[cfg(feature = "spreadsheet")]
    pub fn sheet(mut self, name: impl Into<String>) -> Importer {
        self.sheet = Some(name.into());
        self
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Imports CSV bytes (header row first) into `store`; with the feature
    /// `spreadsheet`, also an `.xlsx`, `.xlsb`, `.xls` or `.ods` file, told
    /// apart by its first bytes (see the `spreadsheet` module).
    ///
    /// CSV input is streamed: memory does not grow with the file's size
    /// (see [`Limits`]). The encoding and the delimiter are detected unless
    /// set; the report names them when they are not UTF-8 and comma. A
    /// spreadsheet is read into memory whole, up to a limit.
    /// `Err` is a file-level failure, and then nothing was written.
    pub fn import<R: io::Read, S: Store + ?Sized>(
        &self,
        input: R,
        store: &mut S,
    ) -> Result<Report, Error> {
        self.read_and_run(input, store, None, None)
    }

    /// [`import`](Importer::import), all or nothing: if any row fails, or
    /// the store fails, nothing is written. The store must have
    /// transactions ([`Transactional`]; [`MemoryStore`](crate::MemoryStore)
    /// and `SqliteStore` have them): a store without does not compile
    /// here. A dry run writes nothing anyway and starts no transaction.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let csv = "email\nann@example.com\nbob@example\n";
    /// let mut store = MemoryStore::new();
    /// let report = Importer::new(presets::contacts()).import_atomic(csv.as_bytes(), &mut store)?;
    /// assert_eq!(report.failed, 1);
    /// assert!(report.rolled_back);
    /// assert!(store.is_empty(), "one row failed, so nothing was written");
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn import_atomic<R: io::Read, S: Transactional + ?Sized>(
        &self,
        input: R,
        store: &mut S,
    ) -> Result<Report, Error> {
        self.read_and_run(input, store, Some(Transactions::of()), None)
    }

    /// Reads a CSV or spreadsheet upload and imports it.
    fn read_and_run<R: io::Read, S: Store + ?Sized>(
        &self,
        input: R,
        store: &mut S,
        transactions: Option<Transactions<S>>,
        mut plan: Option<&mut dyn io::Write>,
    ) -> Result<Report, Error> {
        let (first, input) = spreadsheet::peek(input)?;
        if let Some(container) = spreadsheet::detect(&first) {
            return self.import_spreadsheet(container, input, store, transactions, plan);
        }
        // With a core to spare, the rows are parsed on a thread of their
        // own while the session's thread matches and writes.
        let input = if self.checking_threads.unwrap_or_else(crew::workers) > 0 {
            let ahead = read_ahead::run(input, self.read, |header, rows, bytes| {
                // Lent, not moved: without a thread the plan is written below.
                let plan = plan.as_mut().map(|p| &mut **p as &mut dyn io::Write);
                self.run(header, rows, Some(bytes), store, transactions, plan)
            });
            match ahead {
                read_ahead::Ahead::Read(result) => {
                    let (mut report, detected) = result?;
                    report.encoding = detected.encoding;
                    report.delimiter = detected.delimiter;
                    return Ok(report);
                }
                // No thread to be had: read here instead.
                read_ahead::Ahead::NoThread(input) => input,
            }
        } else {
            input
        };
        // Counted for progress reports; the file limit counts on its own,
        // inside `CsvRows`.
        let input = crate::read::Metered::new(input);
        let bytes = input.counter();
        let (header, mut rows) = CsvRows::open(input, &self.read)?;
        let mut report = self.run(header, &mut rows, Some(bytes), store, transactions, plan)?;
        report.encoding = rows.encoding();
        report.delimiter = rows.delimiter();
        Ok(report)
    }

    #[cfg(feature = "spreadsheet")]
    fn import_spreadsheet<R: io::Read, S: Store + ?Sized>(
        &self,
        container: spreadsheet::Container,
        input: R,
        store: &mut S,
        transactions: Option<Transactions<S>>,
        plan: Option<&mut dyn io::Write>,
    ) -> Result<Report, Error> {
        // The same overrides as `run`, so dates are written for the field
        // each column finally feeds.
        let (header, rows) = spreadsheet::open(
            container,
            input,
            self.sheet.as_deref(),
            &self.schema,
            &self.columns,
            &self.read.limits,
        )?;
        self.run(header, rows, None, store, transactions, plan)
    }

    #[cfg(not(feature = "spreadsheet"))]
    fn import_spreadsheet<R: io::Read, S: Store + ?Sized>(
        &self,
        container: spreadsheet::Container,
        _input: R,
        _store: &mut S,
        _transactions: Option<Transactions<S>>,
        _plan: Option<&mut dyn io::Write>,
    ) -> Result<Report, Error> {
        Err(spreadsheet::needs_feature(container))
    }

    /// Imports rows from any source (an accounting system's API, a JSON
    /// upload): `header` names the columns, each row holds their cells.
    /// Rows are numbered as in a spreadsheet: the first is row 2.
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let header = vec!["email".to_string(), "first_name".to_string()];
    /// let rows = vec![vec!["ann@example.com".to_string(), "Ann".to_string()]];
    /// let report = Importer::new(presets::contacts())
    ///     .import_rows(header, rows, &mut MemoryStore::new())?;
    /// assert_eq!(report.inserted, 1);
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn import_rows<I, S>(
        &self,
        header: Vec<String>,
        rows: I,
        store: &mut S,
    ) -> Result<Report, Error>
    where
        I: IntoIterator<Item = Vec<String>>,
        S: Store + ?Sized,
    {
        self.run(header, numbered(rows), None, store, None, None)
    }

    /// [`import_rows`](Importer::import_rows), all or nothing (see
    /// [`import_atomic`](Importer::import_atomic)).
    ///
    /// ```
    /// use intake::{presets, Importer, MemoryStore};
    ///
    /// let header = vec!["email".to_string()];
    /// let rows = vec![vec!["ann@example.com".to_string()], vec!["nobody".to_string()]];
    /// let mut store = MemoryStore::new();
    /// let report = Importer::new(presets::contacts()).import_rows_atomic(header, rows, &mut store)?;
    /// assert_eq!((report.failed, store.len()), (1, 0));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn import_rows_atomic<I, S>(
        &self,
        header: Vec<String>,
        rows: I,
        store: &mut S,
    ) -> Result<Report, Error>
    where
        I: IntoIterator<Item = Vec<String>>,
        S: Transactional + ?Sized,
    {
        self.run(
            header,
            numbered(rows),
            None,
            store,
            Some(Transactions::of()),
            None,
        )
    }

    /// A session for a file with this header: the import's I/O-free
    /// core, for apps that hand it the rows and call their store
    /// themselves (see [`Step`] for the loop). The header is mapped now:
    /// `Err` is the file-level failure [`import`](Importer::import) would
    /// return for it.
    ///
    /// ```
    /// use intake::{presets, Importer};
    ///
    /// let err = Importer::new(presets::contacts())
    ///     .session(vec!["favourite colour".to_string()])
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "missing_columns");
    /// ```
    pub fn session(&self, header: Vec<String>) -> Result<ImportSession, Error> {
        ImportSession::new(self, header, false)
    }

    /// [`session`](Importer::session), all or nothing: the session asks
    /// for a transaction ([`Step::Begin`]) before its first lookup, and
    /// ends with [`Step::Commit`] or [`Step::Rollback`]. Its driver must
    /// answer them with a store that has transactions.
    ///
    /// ```
    /// use intake::{presets, Importer, Step};
    ///
    /// let mut session = Importer::new(presets::contacts()).atomic_session(vec!["email".into()])?;
    /// session.end_input(None);
    /// assert!(matches!(session.step(), Step::Begin));
    /// # Ok::<(), intake::Error>(())
    /// ```
    pub fn atomic_session(&self, header: Vec<String>) -> Result<ImportSession, Error> {
        ImportSession::new(self, header, true)
    }
}

/// Rows numbered as in a spreadsheet: the first is row 2.
fn numbered<I: IntoIterator<Item = Vec<String>>>(
    rows: I,
) -> impl Iterator<Item = Result<RawRow, Error>> {
    rows.into_iter()
        .zip(2u64..)
        .map(|(cells, n)| Ok(RawRow::new(cells, n, n)))
}
