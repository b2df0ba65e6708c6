//! Writes a realistic customer CSV file of any size, the same for the same
//! seed: for trying the importer on big files and for benchmarks.
//!
//! ```text
//! cargo run --release --example generate -- --rows 1000000 --seed 7 contacts-1m.csv
//! cargo run --release --example generate -- --preset field-service --rows 2500 fs.csv
//! cargo run --release --example import -- --dry-run contacts-1m.csv
//! ```
//!
//! About 3% of the rows are invalid and 2% repeat an earlier customer; what
//! was planted is printed on stderr. Exit codes: 0 written, 1 the file
//! could not be written, 2 a usage error.

use intake_generator as generator;

use std::fs::File;
use std::io::{self, Write as _};
use std::process::ExitCode;

use generator::{Flavour, Generator};

const USAGE: &str = "\
Usage: cargo run --release --example generate -- [OPTIONS] OUT.csv

Writes a realistic customer CSV file to OUT.csv (- for stdout).

Options:
  --rows N                  data rows to write (default: 10000)
  --seed N                  the same seed writes the same file (default: 7)
  --preset NAME             contacts | field-service (default: contacts)
  --home CODE               the account's country: US, CA, GB, DE, FR or AU
                            (default: US); import with --default-country CODE
  -h, --help                print this help
";

struct Options {
    rows: u64,
    seed: u64,
    flavour: Flavour,
    home: String,
    out: String,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        rows: 10_000,
        seed: 7,
        flavour: Flavour::Contacts,
        home: "US".to_string(),
        out: String::new(),
    };
    let mut out = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--rows" => {
                let v = value("--rows")?;
                options.rows = v
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--rows: '{v}' is not a number of rows"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                options.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: '{v}' is not a number"))?;
            }
            "--preset" => {
                options.flavour = match value("--preset")?.as_str() {
                    "contacts" => Flavour::Contacts,
                    "field-service" | "field_service" => Flavour::FieldService,
                    other => {
                        return Err(format!(
                            "--preset: '{other}' is not a preset; use contacts or field-service"
                        ))
                    }
                }
            }
            "--home" => options.home = value("--home")?,
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            path => {
                if out.replace(path.to_string()).is_some() {
                    return Err("give one output file".to_string());
                }
            }
        }
    }
    options.out = out.ok_or("give the output file (- for stdout)")?;
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Some(generator) = Generator::new(options.flavour, options.seed).home_country(&options.home)
    else {
        eprintln!(
            "error: --home: '{}' is not one of US, CA, GB, DE, FR, AU",
            options.home
        );
        return ExitCode::from(2);
    };
    let written = if options.out == "-" {
        generator.write_to(options.rows, io::stdout().lock())
    } else {
        File::create(&options.out).and_then(|file| generator.write_to(options.rows, file))
    };
    match written {
        Ok(planted) => {
            let mut err = io::stderr().lock();
            // A closed stderr is no reason to fail: the file is written.
            let _ = writeln!(
                err,
                "Wrote {} rows ({:.1} MB) to {}: {} invalid {:?}, {} repeats of earlier customers.",
                planted.rows,
                planted.bytes as f64 / 1e6,
                options.out,
                planted.invalid_rows(),
                planted.invalid,
                planted.repeats
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {} could not be written: {e}", options.out);
            ExitCode::from(1)
        }
    }
}
