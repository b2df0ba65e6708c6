//! Imports a customer CSV file (or, built with `--features spreadsheet`, an
//! `.xlsx`, `.xls`, `.xlsb` or `.ods` file) into an in-memory store (or,
//! with `--store PATH`, a SQLite file) and prints what happened, the way an
//! app's "Import customers" screen would show it.
//!
//! ```text
//! cargo run --release --example import -- [OPTIONS] FILE
//! ```
//!
//! For example:
//!
//! ```text
//! cargo run --release --example import -- examples/data/contacts.csv
//! cargo run --release --example import -- --existing examples/data/existing.csv \
//!     --failed-rows failed.csv examples/data/contacts.csv
//! cargo run --release --example import -- --json --preview --dry-run examples/data/contacts.csv
//! cargo run --release --features sqlite --example import -- --store customers.db \
//!     examples/data/contacts.csv
//! cargo run --release --features spreadsheet --example import -- \
//!     --sheet Customers tests/data/sheets/customers.xlsx
//! ```
//!
//! `--save-mapping MAP.json` keeps how FILE's columns were understood;
//! `--mapping MAP.json` uses it again for a file with the same columns (in
//! any order), and the summary says so; for a file with other columns the
//! columns are matched anew, with a warning:
//!
//! ```text
//! cargo run --release --example import -- --save-mapping map.json january.csv
//! cargo run --release --example import -- --mapping map.json february.csv
//! ```
//!
//! A spreadsheet is told from CSV by its content, not its name, wherever a
//! CSV file is accepted (FILE and `--existing`); `--sheet NAME` picks FILE's
//! sheet (default: the first visible one).
//!
//! With `--store PATH` (build with `--features sqlite`) the customers are
//! kept in a SQLite file, so runs build on each other: a second run of the
//! same file finds its customers already there. Each import into it prints
//! its import id, and `--undo IMPORT_ID --store PATH` (no FILE) undoes
//! that import; so with `--store postgres://…` (`--features postgres`):
//!
//! ```text
//! cargo run --features sqlite --example import -- --store customers.db examples/data/contacts.csv
//! cargo run --features sqlite --example import -- --store customers.db --undo 67e55044-10b1-426f-9247-bb680e5fe0c8
//! ```
//!
//! A preview the person confirms: `--plan PLAN` is a dry run that also
//! writes its plan; `--commit PLAN --store …` (no FILE) writes exactly
//! what it previewed, or fails with `plan_outdated` when the customers
//! changed meanwhile:
//!
//! ```text
//! cargo run --features sqlite --example import -- --store customers.db --plan plan.jsonl examples/data/contacts.csv
//! cargo run --features sqlite --example import -- --store customers.db --commit plan.jsonl
//! ```
//!
//! Without `--json` it prints the report's summary, how each column was
//! understood, the "Failed Rows Details" and the warnings. With `--json` it
//! prints the report as JSON on stdout instead.
//!
//! Exit codes: 0 when the file was imported (even if some rows failed),
//! 1 when the file as a whole was refused (`error [code]: message` on
//! stderr, or `{"error": {...}}` on stdout with `--json`), 2 for a usage
//! error. Run with `--help` for the options.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write as _};
use std::ops::ControlFlow;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
#[cfg(feature = "postgres")]
use intake::Store;
use intake::{
    presets, Context, Error, ImportId, Importer, MemoryStore, Policy, Report, Rule, SavedMapping,
    Schema, Template, Transactional,
};

const USAGE: &str = "\
Usage: cargo run --release --example import -- [OPTIONS] FILE
       cargo run --release --example import -- --store STORE --commit PLAN
       cargo run --release --features sqlite --example import -- --store PATH --undo IMPORT_ID
       cargo run --release --features postgres --example import -- --store postgres://… --undo IMPORT_ID

Imports the customer CSV FILE into an in-memory store (or a SQLite file
with --store) and prints a summary. Built with --features spreadsheet,
FILE and --existing may also be .xlsx, .xls, .xlsb or .ods files.

Options:
  --preset NAME             contacts | field-service (default: contacts);
                            sets the schema and the default policy
  --policy NAME             upsert | insert-only | update-only
                            (default: the preset's policy)
  --existing CSV            first load CSV into the store (upsert, not reported)
  --sheet NAME              the sheet of a spreadsheet FILE to import
                            (default: the first visible sheet; needs
                            feature `spreadsheet`)
  --store PATH              a SQLite file instead of memory, created if missing
                            (needs feature `sqlite`: --features sqlite)
  --store postgres://USER@HOST:PORT/DB
                            the table customers of a PostgreSQL database
                            (created if missing; --features postgres)
  --undo IMPORT_ID          with --store, no FILE: undo that import (the id
                            an import into the store printed)
  --dry-run                 decide everything a real run would, write nothing
  --plan PLAN               a dry run that also writes its plan to PLAN, for
                            --commit once the preview is confirmed
  --commit PLAN             with --store, no FILE: write exactly what PLAN
                            previewed, or fail with plan_outdated
  --atomic                  all or nothing: if any row fails, write nothing
  --company-city NAME       the company's own city, the default for empty cities
  --default-country CODE    ISO 3166-1 alpha-2 country for phone numbers
                            without a country code (default: US)
  --mapping MAP.json        use the column mapping saved in MAP.json when FILE
                            has the same columns (else match them anew, with
                            a warning)
  --save-mapping MAP.json   write the column mapping the import used to
                            MAP.json, for --mapping next time
  --failed-rows OUT.csv     write the failed rows, ready to fix and upload again
  --template OUT.csv        write the preset's template and exit (OUT.xlsx:
                            as a workbook; needs feature `spreadsheet`)
  --json                    print the report as JSON instead of the summary
  --preview                 with --json: list every row's action and values
  -h, --help                print this help
";

/// The command line, parsed.
#[derive(Debug)]
struct Options {
    preset: String,
    policy: Option<Policy>,
    existing: Option<String>,
    sheet: Option<String>,
    store: Option<String>,
    dry_run: bool,
    plan: Option<String>,
    commit: Option<String>,
    atomic: bool,
    company_city: Option<String>,
    default_country: String,
    failed_rows: Option<String>,
    mapping: Option<String>,
    save_mapping: Option<String>,
    template: Option<String>,
    json: bool,
    preview: bool,
    undo: Option<String>,
    file: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            preset: "contacts".to_string(),
            policy: None,
            existing: None,
            sheet: None,
            store: None,
            dry_run: false,
            plan: None,
            commit: None,
            atomic: false,
            company_city: None,
            default_country: "US".to_string(),
            failed_rows: None,
            mapping: None,
            save_mapping: None,
            template: None,
            json: false,
            preview: false,
            undo: None,
            file: None,
        }
    }
}

/// What the command line asks for.
enum Command {
    Help,
    // Boxed: the options are much larger than `Help`.
    Run(Box<Options>),
}

/// Parses the arguments after the program name. `Err` is a usage error.
fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut opts = Options::default();
    let mut args = args.into_iter();
    let mut only_files = false;
    while let Some(arg) = args.next() {
        if only_files || !arg.starts_with('-') {
            if let Some(first) = &opts.file {
                return Err(format!(
                    "only one FILE can be imported ('{first}' and '{arg}' given)"
                ));
            }
            opts.file = Some(arg);
            continue;
        }
        // `--name value` or `--name=value`.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match &inline {
                Some(v) if !v.is_empty() => Ok(v.clone()),
                Some(_) => Err(format!("{name} needs a value: {name} {what}")),
                // The next argument, unless it is the next option.
                None => match args.next() {
                    Some(v) if !v.is_empty() && !v.starts_with("--") => Ok(v),
                    _ => Err(format!("{name} needs a value: {name} {what}")),
                },
            }
        };
        let flag = |set: &mut bool| -> Result<(), String> {
            match inline {
                Some(_) => Err(format!("{name} takes no value")),
                None => {
                    *set = true;
                    Ok(())
                }
            }
        };
        match name.as_str() {
            "--" => only_files = true,
            "-h" | "--help" => return Ok(Command::Help),
            "--preset" => opts.preset = value("NAME")?,
            "--policy" => {
                let name = value("NAME")?;
                let policy = Policy::parse(&name).ok_or_else(|| {
                    format!("unknown policy '{name}': use upsert, insert-only or update-only")
                })?;
                opts.policy = Some(policy);
            }
            "--existing" => opts.existing = Some(value("CSV")?),
            "--sheet" => opts.sheet = Some(value("NAME")?),
            "--store" => opts.store = Some(value("PATH")?),
            "--dry-run" => flag(&mut opts.dry_run)?,
            "--plan" => opts.plan = Some(value("PLAN")?),
            "--commit" => opts.commit = Some(value("PLAN")?),
            "--atomic" => flag(&mut opts.atomic)?,
            "--company-city" => opts.company_city = Some(value("NAME")?),
            "--default-country" => opts.default_country = value("CODE")?,
            "--failed-rows" => opts.failed_rows = Some(value("OUT.csv")?),
            "--mapping" => opts.mapping = Some(value("MAP.json")?),
            "--save-mapping" => opts.save_mapping = Some(value("MAP.json")?),
            "--template" => opts.template = Some(value("OUT.csv")?),
            "--json" => flag(&mut opts.json)?,
            "--preview" => flag(&mut opts.preview)?,
            "--undo" => opts.undo = Some(value("IMPORT_ID")?),
            _ => return Err(format!("unknown option '{arg}'")),
        }
    }
    if opts.commit.is_some() && opts.undo.is_some() {
        return Err("--commit and --undo are two commands: give one".to_string());
    }
    if opts.commit.is_some() {
        if let Some(file) = &opts.file {
            return Err(format!(
                "--commit writes the plan it names, and takes no FILE ('{file}' given)"
            ));
        }
        if opts.store.is_none() {
            return Err(
                "--commit needs --store: the store the plan was previewed against".to_string(),
            );
        }
        if opts.plan.is_some() || opts.dry_run {
            return Err("--commit writes: it goes with neither --plan nor --dry-run".to_string());
        }
    } else if opts.undo.is_some() {
        if let Some(file) = &opts.file {
            return Err(format!(
                "--undo takes no FILE ('{file}'): it undoes an import already made"
            ));
        }
        if opts.store.is_none() {
            return Err(
                "--undo needs --store: the in-memory store keeps nothing between runs, \
                 so only an import into a SQLite file or a PostgreSQL database can be undone"
                    .to_string(),
            );
        }
    } else if opts.file.is_none() && opts.template.is_none() {
        return Err("no FILE given".to_string());
    }
    Ok(Command::Run(Box::new(opts)))
}

/// A preset's schema by name; the schema carries the preset's defaults
/// (policy, row limit, blank rows). Adding a preset is one arm here.
fn preset(name: &str) -> Result<Schema, String> {
    match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "contacts" => Ok(presets::contacts()),
        "field-service" => Ok(presets::field_service()),
        _ => Err(format!(
            "unknown preset '{name}': use contacts or field-service"
        )),
    }
}

/// How the program ends when it does not end well.
enum Failure {
    /// A usage or setup problem: message on stderr, exit 2.
    Usage(String),
    /// The importer refused a file: exit 1. `path` names the file when it
    /// is not FILE (the `--existing` one).
    Import { path: Option<String>, err: Error },
    /// A file could not be opened or written, the store opened, or the
    /// report printed: exit 1, with a code like the importer's.
    Other { code: &'static str, message: String },
}

impl Failure {
    fn import(err: Error) -> Failure {
        Failure::Import { path: None, err }
    }

    fn io(what: String, e: &io::Error) -> Failure {
        Failure::Other {
            code: "unreadable",
            message: format!("{what}: {e}"),
        }
    }
}

fn main() -> ExitCode {
    let command = match parse_args(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let opts = match command {
        Command::Help => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Run(opts) => opts,
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Import { path, err }) => {
            let message = match &path {
                Some(path) => format!("{path}: {}", err.message()),
                None => err.message().to_string(),
            };
            if opts.json {
                // As the crate's `Error` serializes: {"code", "message", "line"}.
                let body = serde_json::json!({
                    "error": { "code": err.code(), "message": message, "line": err.line() }
                });
                println!("{body:#}");
            } else {
                match err.line() {
                    Some(line) => eprintln!("error [{}]: line {line}: {message}", err.code()),
                    None => eprintln!("error [{}]: {message}", err.code()),
                }
                // The cause (an I/O error, the store's own error) is for the
                // operator, not for the person who uploaded the file.
                let mut cause = std::error::Error::source(&err);
                while let Some(e) = cause {
                    eprintln!("  caused by: {e}");
                    cause = e.source();
                }
            }
            ExitCode::from(1)
        }
        Err(Failure::Other { code, message }) => {
            if opts.json {
                let body = serde_json::json!({
                    "error": { "code": code, "message": message, "line": null }
                });
                println!("{body:#}");
            } else {
                eprintln!("error [{code}]: {message}");
            }
            ExitCode::from(1)
        }
    }
}

fn run(opts: &Options) -> Result<(), Failure> {
    let schema = preset(&opts.preset).map_err(Failure::Usage)?;
    if let Some(out) = &opts.template {
        write_template(&schema, out)?;
        eprintln!("Template of the {} preset written to {out}.", schema.name());
        return Ok(());
    }
    let mut store = open_store(opts.store.as_deref())?;
    let mut context = Context::new()
        .default_country(&opts.default_country)
        .map_err(Failure::import)?;
    if let Some(city) = &opts.company_city {
        let uses_it = schema
            .rules()
            .iter()
            .any(|rule| matches!(rule, Rule::DefaultCity { .. }));
        if !uses_it {
            eprintln!(
                "note: --company-city is unused by the {} preset (it fills in no cities)",
                schema.name()
            );
        }
        context = context.company_city(city);
    }
    // Empty cities of rows with a state need no setting: `Context::new`
    // consults the embedded directory of every state's seat (feature
    // `cities`, on by default), for any country. An app with a city list of
    // its own puts it first with `Context::city_directory`.
    if opts.preview && !opts.json {
        eprintln!("note: --preview only adds to the --json output");
    }
    if let Some(plan) = &opts.commit {
        let mut importer = Importer::new(schema).context(context);
        if let Some(policy) = opts.policy {
            importer = importer.policy(policy);
        }
        let report = importer
            .commit_plan(open(plan)?, &mut *store)
            .map_err(|err| Failure::Import {
                path: Some(plan.clone()),
                err,
            })?;
        return finish(opts, &report, plan);
    }
    if let (Some(id), Some(store)) = (&opts.undo, &opts.store) {
        let importer = Importer::new(schema).context(context);
        return run_undo(&importer, id, store, opts.json);
    }
    let Some(file) = &opts.file else {
        return Err(Failure::Usage("no FILE given".to_string()));
    };

    if let Some(existing) = &opts.existing {
        let loaded = Importer::new(schema.clone())
            .policy(Policy::upsert())
            .context(context.clone())
            .import(open(existing)?, &mut *store)
            .map_err(|err| Failure::Import {
                path: Some(existing.clone()),
                err,
            })?;
        if loaded.failed > 0 {
            eprintln!(
                "note: {existing}: {} of {} rows could not be loaded: {}",
                loaded.failed,
                loaded.rows,
                loaded
                    .failures
                    .iter()
                    .map(|f| format!("row {}: {}", f.row, f.describe()))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }

    let mut importer = Importer::new(schema).context(context);
    if opts.store.as_deref().is_some_and(is_postgres) {
        // This thread waits on the network for most of each batch: every
        // core can check rows meanwhile.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        importer = importer.checking_threads(cores);
    }
    if opts.store.is_some() {
        // A database commits each batch (a write of its log to disk, and
        // the journal's row): batches of 5,000 rows commit a fifth as
        // often, for about 5 MB more of rows held at once
        // (scripts/bench_sqlite.sh, scripts/bench_postgres.sh).
        importer = importer.batch_size(5000);
    }
    if let Some(policy) = opts.policy {
        importer = importer.policy(policy);
    }
    if let Some(name) = &opts.sheet {
        importer = with_sheet(importer, name)?;
    }
    if let Some(path) = &opts.mapping {
        importer = importer.remembered_mapping(read_mapping(path)?);
    }
    let bar = progress_bar(file);
    if let Some(bar) = &bar {
        let bar = bar.clone();
        importer = importer
            .input_len(bar.length().unwrap_or(0))
            .on_progress(move |p| {
                bar.set_position(p.bytes);
                bar.set_message(format!("{} rows", p.rows));
                ControlFlow::Continue(())
            });
    }
    let importer = importer
        .dry_run(opts.dry_run)
        .preview(opts.preview && opts.json);
    let report = if let Some(plan) = &opts.plan {
        let mut out =
            BufWriter::new(File::create(plan).map_err(|e| {
                Failure::io(format!("--plan {plan}: could not create the file"), &e)
            })?);
        importer.plan(open(file)?, &mut *store, &mut out)
    } else if opts.atomic {
        importer.import_atomic(open(file)?, &mut *store)
    } else {
        importer.import(open(file)?, &mut *store)
    }
    .map_err(Failure::import)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    finish(opts, &report, file)
}

/// Writes what the options ask for of `report` (the failed rows, the
/// mapping) and prints it; `file` is what was imported.
fn finish(opts: &Options, report: &Report, file: &str) -> Result<(), Failure> {
    if let Some(out) = &opts.failed_rows {
        write_file(out, |w| report.write_failed_rows(w))?;
    }
    if let Some(out) = &opts.save_mapping {
        write_file(out, |w| {
            serde_json::to_writer_pretty(&mut *w, &report.mapping())?;
            writeln!(w)
        })?;
    }

    // Buffered: a report of many failed rows is one write, not one a line.
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    let printed = if opts.json {
        let text = serde_json::to_string_pretty(report).map_err(|e| Failure::Other {
            code: "unreadable",
            message: format!("could not print the report as JSON: {e}"),
        })?;
        writeln!(stdout, "{text}")
    } else {
        print_summary(&mut stdout, report, file, opts.failed_rows.as_deref())
    }
    .and_then(|()| stdout.flush());
    // A closed pipe (`| head`) is not an error worth a panic or a message.
    match printed {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Failure::io("could not print the report".to_string(), &e))
        }
        _ => Ok(()),
    }
}

/// `--undo IMPORT_ID --store PATH`: undoes an import made into a SQLite
/// file, and prints what the undo did.
fn run_undo(importer: &Importer, id: &str, store: &str, json: bool) -> Result<(), Failure> {
    let id: ImportId = id
        .parse()
        .map_err(|e| Failure::Usage(format!("--undo {id}: {e}")))?;
    let report = undo_in(importer, &id, store)?;
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    let printed = if json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| Failure::Other {
            code: "unreadable",
            message: format!("could not print the report as JSON: {e}"),
        })?;
        writeln!(stdout, "{text}")
    } else {
        print_undo(&mut stdout, &report)
    }
    .and_then(|()| stdout.flush());
    match printed {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Failure::io("could not print the report".to_string(), &e))
        }
        _ => Ok(()),
    }
}

/// The undo in a PostgreSQL database or a SQLite file.
fn undo_in(importer: &Importer, id: &ImportId, store: &str) -> Result<Report, Failure> {
    if is_postgres(store) {
        undo_in_postgres(importer, id, store)
    } else {
        undo_in_sqlite(importer, id, store)
    }
}

/// The undo in a SQLite file (feature `sqlite`).
#[cfg(feature = "sqlite")]
fn undo_in_sqlite(importer: &Importer, id: &ImportId, store: &str) -> Result<Report, Failure> {
    let mut sqlite = intake::SqliteStore::open(store).map_err(|e| store_failure(store, &e))?;
    importer.undo(id, &mut sqlite).map_err(Failure::import)
}

#[cfg(not(feature = "sqlite"))]
fn undo_in_sqlite(_importer: &Importer, _id: &ImportId, store: &str) -> Result<Report, Failure> {
    Err(Failure::Usage(format!(
        "--undo with --store {}: undo needs a SQLite store, and this build of intake \
         has no `sqlite` feature (build with --features sqlite)",
        without_password(store)
    )))
}

/// The undo in a PostgreSQL database (feature `postgres`), from the
/// journal beside its `customers` table.
#[cfg(feature = "postgres")]
fn undo_in_postgres(importer: &Importer, id: &ImportId, url: &str) -> Result<Report, Failure> {
    let mut opened = open_postgres_store(url)?;
    importer
        .undo(id, &mut opened.store)
        .map_err(Failure::import)
}

#[cfg(not(feature = "postgres"))]
fn undo_in_postgres(_importer: &Importer, _id: &ImportId, url: &str) -> Result<Report, Failure> {
    Err(Failure::Usage(format!(
        "--store {}: a PostgreSQL store needs the `postgres` feature, \
         which this build of intake does not have (build with --features postgres)",
        without_password(url)
    )))
}

/// What an undo did, for the person running the program.
fn print_undo(out: &mut impl io::Write, report: &Report) -> io::Result<()> {
    writeln!(out, "{}", report.summary())?;
    if !report.failures.is_empty() {
        writeln!(out, "\nLeft as they are:")?;
        for failure in &report.failures {
            for p in &failure.problems {
                writeln!(out, "  row {} of the import: {}", failure.row, p.message)?;
            }
        }
    }
    Ok(())
}

/// The store to import into: memory; with `--store postgres://…` the
/// table `customers` of a PostgreSQL database (feature `postgres`), with
/// `--store PATH` a SQLite file (feature `sqlite`), created if missing.
fn open_store(path: Option<&str>) -> Result<Box<dyn Transactional>, Failure> {
    let Some(path) = path else {
        return Ok(Box::new(MemoryStore::new()));
    };
    if is_postgres(path) {
        return open_postgres(path);
    }
    #[cfg(feature = "sqlite")]
    {
        intake::SqliteStore::open(path)
            .map(|store| Box::new(store) as Box<dyn Transactional>)
            .map_err(|e| store_failure(path, &e))
    }
    #[cfg(not(feature = "sqlite"))]
    {
        Err(Failure::Usage(format!(
            "--store {path}: a SQLite store needs the `sqlite` feature, \
             which this build of intake does not have (build with --features sqlite)"
        )))
    }
}

/// Whether `--store` names a PostgreSQL database.
fn is_postgres(store: &str) -> bool {
    store.starts_with("postgres://") || store.starts_with("postgresql://")
}

/// A store that could not be opened, with its cause, for the person
/// running the program (the store's own text is for them here: they are
/// its operator, not an uploader).
#[allow(dead_code)]
fn store_failure(what: &str, e: &intake::StoreError) -> Failure {
    Failure::Other {
        code: "store_failed",
        message: match std::error::Error::source(e) {
            Some(cause) => format!("--store {what}: {e}: {cause}"),
            None => format!("--store {what}: {e}"),
        },
    }
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Box<dyn Transactional>, Failure> {
    open_postgres_store(url).map(|store| Box::new(store) as Box<dyn Transactional>)
}

/// The table `customers` of the PostgreSQL database at `url`.
#[cfg(feature = "postgres")]
fn open_postgres_store(url: &str) -> Result<OnRuntime, Failure> {
    use intake::{Blocking, PostgresStore, TableMapping};

    let shown = without_password(url);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| Failure::io(format!("--store {shown}: no async runtime"), &e))?;
    let store = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .map_err(|e| Failure::Other {
                code: "store_failed",
                message: format!("--store {shown}: could not connect: {e}"),
            })?;
        tokio::spawn(connection);
        // The contacts layout, other presets' fields in `custom_fields`:
        // one table whatever the preset.
        PostgresStore::new(client, TableMapping::for_schema(&presets::contacts()))
            .await
            .map_err(|e| store_failure(&shown, &e))
    })?;
    let store = Blocking::new(store, runtime.handle().clone());
    Ok(OnRuntime {
        store,
        _runtime: runtime,
    })
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(url: &str) -> Result<Box<dyn Transactional>, Failure> {
    Err(Failure::Usage(format!(
        "--store {}: a PostgreSQL store needs the `postgres` feature, \
         which this build of intake does not have (build with --features postgres)",
        without_password(url)
    )))
}

/// `url` without the password it may hold, for messages.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:…@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// A PostgreSQL store used from this synchronous program, with the
/// runtime its connection runs on (dropped after the store).
#[cfg(feature = "postgres")]
struct OnRuntime {
    store: intake::Blocking<intake::PostgresStore>,
    _runtime: tokio::runtime::Runtime,
}

#[cfg(feature = "postgres")]
impl Store for OnRuntime {
    fn lookup(
        &mut self,
        keys: &[intake::MatchKey],
    ) -> Result<Vec<Option<intake::Customer>>, intake::StoreError> {
        self.store.lookup(keys)
    }

    fn apply(
        &mut self,
        writes: Vec<intake::Write>,
    ) -> Result<Vec<Result<intake::CustomerId, intake::StoreError>>, intake::StoreError> {
        self.store.apply(writes)
    }

    // The store's journal: imports into it are journaled, so --undo can
    // undo them.
    fn journal(&mut self) -> Option<&mut dyn intake::Journal> {
        self.store.journal()
    }
}

#[cfg(feature = "postgres")]
impl Transactional for OnRuntime {
    fn begin(&mut self) -> Result<(), intake::StoreError> {
        self.store.begin()
    }

    fn commit(&mut self) -> Result<(), intake::StoreError> {
        self.store.commit()
    }

    fn rollback(&mut self) -> Result<(), intake::StoreError> {
        self.store.rollback()
    }
}

/// A progress bar on stderr for a file large enough to wait for (hidden
/// when stderr is not a terminal).
fn progress_bar(path: &str) -> Option<ProgressBar> {
    const LARGE: u64 = 4 << 20;
    let len = std::fs::metadata(path).ok()?.len();
    if len < LARGE {
        return None;
    }
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg} ({eta} left)",
    )
    .ok()?;
    Some(ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()).with_style(style))
}

/// Reads `name`'d sheet of a spreadsheet FILE, which needs the
/// `spreadsheet` feature.
fn with_sheet(importer: Importer, name: &str) -> Result<Importer, Failure> {
    #[cfg(feature = "spreadsheet")]
    {
        Ok(importer.sheet(name))
    }
    #[cfg(not(feature = "spreadsheet"))]
    {
        let _ = importer;
        Err(Failure::Usage(format!(
            "--sheet {name}: reading spreadsheets needs the `spreadsheet` feature, \
             which this build of intake does not have (build with --features spreadsheet)"
        )))
    }
}

/// Writes the preset's template: a workbook if `path` ends in `.xlsx`
/// (which needs the `spreadsheet` feature), else CSV.
fn write_template(schema: &Schema, path: &str) -> Result<(), Failure> {
    let template = Template::new(schema);
    if !path.to_ascii_lowercase().ends_with(".xlsx") {
        return write_file(path, |w| template.write(w));
    }
    #[cfg(feature = "spreadsheet")]
    {
        let xlsx = template
            .to_xlsx()
            .map_err(|e| Failure::io(format!("--template {path}"), &e))?;
        write_file(path, |w| w.write_all(&xlsx))
    }
    #[cfg(not(feature = "spreadsheet"))]
    {
        Err(Failure::Usage(format!(
            "--template {path}: an .xlsx template needs the `spreadsheet` feature, \
             which this build of intake does not have (build with --features spreadsheet, or write OUT.csv)"
        )))
    }
}

/// The column mapping saved in `path` by `--save-mapping`.
fn read_mapping(path: &str) -> Result<SavedMapping, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::io(format!("cannot open {path}"), &e))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::Usage(format!(
            "--mapping {path}: not a column mapping saved with --save-mapping: {e}"
        ))
    })
}

/// Opens `path` for streamed reading.
fn open(path: &str) -> Result<BufReader<File>, Failure> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| Failure::io(format!("cannot open {path}"), &e))
}

/// Creates `path` and writes it with `write` (a failed-rows file, a template).
fn write_file(
    path: &str,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), Failure> {
    let cannot = |e: io::Error| Failure::io(format!("cannot write {path}"), &e);
    let mut out = BufWriter::new(File::create(path).map_err(cannot)?);
    write(&mut out).map_err(cannot)?;
    out.flush().map_err(cannot)
}

/// The report for people: summary, columns, failed rows, warnings.
fn print_summary(
    out: &mut impl io::Write,
    report: &Report,
    file: &str,
    failed_rows: Option<&str>,
) -> io::Result<()> {
    writeln!(out, "{file}: {}", report.summary())?;
    if let Some(id) = &report.import_id {
        writeln!(
            out,
            "Import id: {id} (undo it with --undo {id} and the same --store)"
        )?;
    }

    writeln!(out, "\nColumns:")?;
    let width = report
        .columns
        .iter()
        .map(|c| c.column.chars().count())
        .max()
        .unwrap_or(0);
    for c in &report.columns {
        let field = c.field.as_deref().unwrap_or("ignored");
        writeln!(out, "  {:<width$}  ->  {field}", c.column)?;
    }

    if !report.failures.is_empty() {
        writeln!(out, "\nFailed Rows Details:")?;
        for failure in &report.failures {
            for p in &failure.problems {
                write!(out, "  row {} (line {}): ", failure.row, failure.line)?;
                if let Some(column) = &p.column {
                    write!(out, "{column}: ")?;
                }
                // The message already names the suggestions, if any.
                writeln!(out, "{}", p.message)?;
            }
        }
    }

    if !report.warnings.is_empty() {
        writeln!(out, "\nWarnings:")?;
        for w in &report.warnings {
            writeln!(out, "  {}", w.message)?;
        }
    }

    if report.corrected > 0 {
        // The corrections are listed with the preview only (it keeps every
        // row's values, too much to hold for a large file by default).
        writeln!(
            out,
            "\nCorrections: run with --json --preview to see each corrected value with what was changed."
        )?;
    }

    if let Some(path) = failed_rows {
        writeln!(out, "\nFailed rows written to {path}.")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn options_and_file() {
        let Ok(Command::Run(o)) = parse(&[
            "--json",
            "--policy=insert-only",
            "--existing",
            "e.csv",
            "f.csv",
        ]) else {
            panic!("expected a run");
        };
        assert!(o.json);
        assert_eq!(o.policy, Policy::parse("insert-only"));
        assert_eq!(o.existing.as_deref(), Some("e.csv"));
        assert_eq!(o.sheet, None);
        assert_eq!(o.file.as_deref(), Some("f.csv"));
        assert_eq!(o.default_country, "US");
        assert_eq!(
            (o.mapping.as_deref(), o.save_mapping.as_deref()),
            (None, None)
        );
    }

    #[test]
    fn mapping_files_to_use_and_to_save() {
        let Ok(Command::Run(o)) =
            parse(&["--mapping", "in.json", "--save-mapping=out.json", "f.csv"])
        else {
            panic!("expected a run");
        };
        assert_eq!(o.mapping.as_deref(), Some("in.json"));
        assert_eq!(o.save_mapping.as_deref(), Some("out.json"));
        assert!(parse(&["--mapping", "--json", "f.csv"]).is_err());
    }

    #[test]
    fn plan_is_a_dry_run_of_a_file() {
        let Ok(Command::Run(o)) = parse(&["--plan", "p.jsonl", "f.csv"]) else {
            panic!("expected a run");
        };
        assert_eq!(o.plan.as_deref(), Some("p.jsonl"));
        assert!(parse(&["--plan", "f.csv"]).is_err(), "no FILE left");
    }

    #[test]
    fn commit_takes_a_store_and_no_file() {
        let Ok(Command::Run(o)) = parse(&["--store", "c.db", "--commit", "p.jsonl"]) else {
            panic!("expected a run");
        };
        assert_eq!(o.commit.as_deref(), Some("p.jsonl"));
        assert_eq!(o.file, None);
        assert!(parse(&["--commit", "p.jsonl"]).is_err(), "no store");
        assert!(parse(&["--store", "c.db", "--commit", "p.jsonl", "f.csv"]).is_err());
        assert!(parse(&["--store", "c.db", "--commit", "p.jsonl", "--dry-run"]).is_err());
    }

    #[test]
    fn sheet_names_the_sheet_to_import() {
        let Ok(Command::Run(o)) = parse(&["--sheet", "Field service", "f.xlsx"]) else {
            panic!("expected a run");
        };
        assert_eq!(o.sheet.as_deref(), Some("Field service"));
        assert_eq!(o.file.as_deref(), Some("f.xlsx"));
        assert!(parse(&["--sheet", "f.xlsx"]).is_err());
    }

    #[test]
    fn usage_errors() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["--bogus", "f.csv"]).is_err());
        assert!(parse(&["--policy", "merge", "f.csv"]).is_err());
        assert!(parse(&["f.csv", "--policy"]).is_err());
        assert!(parse(&["--existing", "--json", "f.csv"]).is_err());
        assert!(parse(&["a.csv", "b.csv"]).is_err());
        assert!(parse(&["--json=yes", "f.csv"]).is_err());
        assert!(matches!(parse(&["--help"]), Ok(Command::Help)));
    }

    #[test]
    fn presets_by_name() {
        assert!(preset("contacts").is_ok());
        assert_eq!(
            preset("field_service").map(|s| s.name().to_string()),
            Ok("field-service".into())
        );
        assert!(preset("nope").is_err());
    }
}
