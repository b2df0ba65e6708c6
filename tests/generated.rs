//! The realistic-data generator (the `intake-generator` crate) and imports of the files
//! it writes: what it plants is exactly what an import reports.

use intake_generator as generator;

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::mpsc;
use std::thread;

use generator::{CheapHasher, Flavour, Generator, Planted, Rng};
use intake::geo::CityDirectory;
use intake::geo::PlaceMatcher;
use intake::{
    presets, validate, Context, FieldKind, Importer, MemoryStore, Policy, Report, Schema,
};

fn contacts_importer(home: &str) -> Importer {
    Importer::new(presets::contacts())
        .policy(Policy::upsert())
        .context(Context::new().default_country(home).unwrap())
}

fn service_importer() -> Importer {
    Importer::new(presets::field_service())
        .password_hasher(CheapHasher)
        .context(
            Context::new()
                .default_country("US")
                .unwrap()
                .company_city("Denver")
                .city_directory(generator::city_directory()),
        )
}

fn import(importer: &Importer, bytes: &[u8], store: &mut MemoryStore) -> Report {
    match importer.import(bytes, store) {
        Ok(report) => report,
        Err(e) => panic!("file-level error {}: {}", e.code(), e.message()),
    }
}

/// Failed rows by problem code (a row with two codes counts for each).
fn failures_by_code(report: &Report) -> BTreeMap<&'static str, u64> {
    let mut codes = BTreeMap::new();
    for failure in &report.failures {
        for problem in &failure.problems {
            *codes.entry(problem.code.as_str()).or_default() += 1;
        }
    }
    codes
}

/// The first few failures, for a message when counts disagree.
fn first_failures(report: &Report) -> String {
    report
        .failures
        .iter()
        .take(8)
        .map(|f| {
            format!(
                "row {}: {} [{}]",
                f.row,
                f.describe(),
                f.cells.to_vec().join(" | ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_counts_add_up(report: &Report, store: &MemoryStore, planted: &Planted) {
    assert_eq!(report.rows, planted.rows);
    assert_eq!(
        report.rows,
        report.inserted + report.updated + report.unchanged + report.failed,
        "rows = inserted + updated + unchanged + failed"
    );
    assert_eq!(store.len() as u64, report.inserted);
}

#[test]
fn same_seed_writes_the_same_bytes() {
    for flavour in [Flavour::Contacts, Flavour::FieldService] {
        let (a, planted_a) = Generator::new(flavour, 7).to_vec(2_000);
        let (b, planted_b) = Generator::new(flavour, 7).to_vec(2_000);
        assert!(a == b, "{flavour:?}: two runs with seed 7 differ");
        assert_eq!(planted_a, planted_b);
        assert_eq!(planted_a.bytes, a.len() as u64);
    }
}

#[test]
fn different_seeds_write_different_files() {
    for flavour in [Flavour::Contacts, Flavour::FieldService] {
        let (a, _) = Generator::new(flavour, 7).to_vec(500);
        let (b, _) = Generator::new(flavour, 8).to_vec(500);
        assert!(a != b, "{flavour:?}: seeds 7 and 8 wrote the same file");
    }
}

#[test]
fn a_longer_file_starts_with_the_shorter_one() {
    // Each row depends only on the seed and its number: files stream.
    let (short, _) = Generator::new(Flavour::Contacts, 3).to_vec(1_000);
    let (long, _) = Generator::new(Flavour::Contacts, 3).to_vec(3_000);
    assert!(long.starts_with(&short));
}

#[test]
fn shares_of_invalid_rows_and_repeats_are_about_three_and_two_percent() {
    let (_, planted) = Generator::new(Flavour::Contacts, 11).to_vec(20_000);
    let invalid = planted.invalid_rows() as f64 / 20_000.0;
    let repeats = planted.repeats as f64 / 20_000.0;
    assert!((0.025..0.035).contains(&invalid), "invalid share {invalid}");
    assert!((0.015..0.025).contains(&repeats), "repeat share {repeats}");
}

#[test]
fn header_spellings_map_to_their_fields() {
    let tables = [
        (presets::contacts(), generator::CONTACT_HEADERS),
        (presets::field_service(), generator::SERVICE_HEADERS),
    ];
    for (schema, headers) in &tables {
        for (field, spellings) in *headers {
            for spelling in *spellings {
                let found = schema.field_for_header(spelling).map(|f| f.id());
                assert_eq!(found, Some(*field), "header {spelling:?}");
            }
        }
    }
    let contacts = presets::contacts();
    for ignored in generator::IGNORED_COLUMNS {
        assert!(contacts.field_for_header(ignored).is_none(), "{ignored:?}");
    }
}

#[test]
fn headers_vary_with_the_seed_and_always_map() {
    let schema = presets::contacts();
    let headers: Vec<Vec<String>> = (0..20)
        .map(|seed| Generator::new(Flavour::Contacts, seed).header())
        .collect();
    for header in &headers {
        let map = schema.map_header(header);
        assert!(map.is_ok(), "{header:?}");
    }
    let distinct: std::collections::BTreeSet<_> = headers.iter().collect();
    assert!(
        distinct.len() > 10,
        "only {} distinct headers",
        distinct.len()
    );
}

#[test]
fn every_phone_plan_gives_valid_numbers_in_every_format() {
    let mut rng = Rng::new(5);
    for home in generator::countries() {
        for country in generator::countries() {
            for pattern in country.patterns() {
                for _ in 0..10 {
                    let (written, e164) = generator::sample_phone(country, pattern, home, &mut rng);
                    let checked = validate::phone(&written, Some(home.code));
                    assert_eq!(
                        checked.as_deref().map_err(|e| e.message.as_str()),
                        Ok(e164.as_str()),
                        "{written:?} ({}) in an account in {}",
                        country.code,
                        home.code
                    );
                }
            }
        }
    }
}

#[test]
fn every_state_and_country_spelling_is_recognised() {
    let mut places = PlaceMatcher::new();
    let cities = generator::city_directory();
    for country in generator::countries() {
        for name in country.names {
            assert_eq!(
                places.country(name).as_deref().ok(),
                Some(country.code),
                "{name:?}"
            );
        }
        for place in country.places {
            for spelling in place.states {
                for written in [
                    spelling.to_string(),
                    spelling.to_lowercase(),
                    spelling.to_uppercase(),
                ] {
                    assert_eq!(
                        places.state(country.code, &written).as_deref().ok(),
                        Some(place.iso),
                        "{written:?} in {}",
                        country.code
                    );
                }
            }
            assert!(cities.first_city(Some(country.code), place.iso).is_some());
        }
    }
}

#[test]
fn planted_bad_values_are_refused() {
    let mut places = PlaceMatcher::new();
    for home in generator::countries() {
        for phone in generator::BAD_PHONES {
            let err = validate::phone(phone, Some(home.code));
            assert_eq!(
                err.map_err(|e| e.code.as_str()),
                Err("invalid_phone"),
                "{phone:?}"
            );
        }
        for state in generator::BAD_STATES.iter().chain(generator::KEPT_STATES) {
            let err = places.state(home.code, state);
            assert_eq!(
                err.map_err(|e| e.code.as_str()),
                Err("unknown_state"),
                "{state:?}"
            );
        }
    }
    let schema = presets::field_service();
    let Some(FieldKind::Choice(titles)) = schema.field("title").map(|f| f.kind()) else {
        panic!("field service has a title choice");
    };
    for (canonical, spellings) in ["Dr", "Mr", "Mrs", "Miss", "Ms"]
        .iter()
        .zip(generator::TITLES)
    {
        for spelling in *spellings {
            assert_eq!(
                validate::choice(spelling, titles).ok().as_deref(),
                Some(*canonical)
            );
        }
    }
    for title in generator::BAD_TITLES {
        let err = validate::choice(title, titles).map_err(|e| e.code.as_str());
        assert_eq!(err, Err("not_allowed"), "{title:?}");
    }
    let Some(FieldKind::Choice(types)) = schema.field("customer_type").map(|f| f.kind()) else {
        panic!("field service has a customer type choice");
    };
    for (canonical, spellings) in [
        ("Personal", generator::PERSONAL_SPELLINGS),
        ("Business", generator::BUSINESS_SPELLINGS),
    ] {
        for spelling in spellings {
            assert_eq!(
                validate::choice(spelling, types).ok().as_deref(),
                Some(canonical)
            );
        }
    }
}

#[test]
fn twenty_thousand_contacts_import_with_the_planted_failures() {
    let (bytes, planted) = Generator::new(Flavour::Contacts, 7).to_vec(20_000);
    let mut store = MemoryStore::new();
    let report = import(&contacts_importer("US"), &bytes, &mut store);

    assert_counts_add_up(&report, &store, &planted);
    let rate = report.failed as f64 / report.rows as f64;
    assert!((0.01..0.06).contains(&rate), "failure rate {rate}");
    assert_eq!(
        failures_by_code(&report),
        planted.invalid,
        "failures by code differ from the planted ones; first failures:\n{}",
        first_failures(&report)
    );
    assert_eq!(report.failed, planted.invalid_rows());
    // Each repeat finds the customer an earlier row created.
    assert_eq!(report.updated + report.unchanged, planted.repeats);
    assert!(report.updated > 0, "no repeat updated its customer");
    assert!(report.unchanged > 0, "no repeat was unchanged");
}

#[test]
fn contacts_of_accounts_in_other_countries_import_with_the_planted_failures() {
    // National phone formats of each country, read with its default country.
    for home in ["CA", "GB", "DE", "FR", "AU"] {
        let Some(generator) = Generator::new(Flavour::Contacts, 21).home_country(home) else {
            panic!("{home} is a supported home country");
        };
        let (bytes, planted) = generator.to_vec(600);
        let mut store = MemoryStore::new();
        let report = import(&contacts_importer(home), &bytes, &mut store);
        assert_counts_add_up(&report, &store, &planted);
        assert_eq!(
            failures_by_code(&report),
            planted.invalid,
            "account in {home}; first failures:\n{}",
            first_failures(&report)
        );
        assert_eq!(report.updated + report.unchanged, planted.repeats, "{home}");
    }
}

#[test]
fn unknown_home_country_is_refused() {
    assert!(Generator::new(Flavour::Contacts, 1)
        .home_country("JP")
        .is_none());
}

#[test]
fn field_service_repeats_fail_as_duplicates_in_the_file() {
    // 2,500 rows: the preset's own limit, with its insert-only policy.
    let (bytes, planted) = Generator::new(Flavour::FieldService, 7).to_vec(2_500);
    let mut store = MemoryStore::new();
    let report = import(&service_importer(), &bytes, &mut store);

    assert_counts_add_up(&report, &store, &planted);
    assert!(
        planted.repeats > 20,
        "only {} repeats planted",
        planted.repeats
    );
    let mut expected = planted.invalid.clone();
    expected.insert("duplicate_in_file", planted.repeats);
    assert_eq!(
        failures_by_code(&report),
        expected,
        "first failures:\n{}",
        first_failures(&report)
    );
    assert_eq!(report.failed, planted.invalid_rows() + planted.repeats);
    assert_eq!(report.cities_filled, planted.cities_to_fill);
    assert!(planted.cities_to_fill > 0);
    assert_eq!((report.updated, report.unchanged), (0, 0));
}

#[test]
fn field_service_passwords_are_stored_hashed() {
    let generator = Generator::new(Flavour::FieldService, 9)
        .password_share(1.0)
        .invalid_share(0.0)
        .repeat_share(0.0);
    let (bytes, _) = generator.to_vec(50);
    let mut store = MemoryStore::new();
    let report = import(&service_importer(), &bytes, &mut store);
    assert_eq!(
        (report.inserted, report.failed),
        (50, 0),
        "{}",
        first_failures(&report)
    );
    for customer in store.customers() {
        let stored = customer.record.get("password").map(|v| v.to_string());
        assert!(
            stored.as_deref().is_some_and(|h| h.starts_with("cheap$")),
            "password stored as {stored:?}"
        );
    }
}

#[test]
fn no_planted_problems_when_shares_are_zero() {
    let (bytes, planted) = Generator::new(Flavour::Contacts, 4)
        .invalid_share(0.0)
        .repeat_share(0.0)
        .to_vec(1_000);
    assert_eq!((planted.invalid_rows(), planted.repeats), (0, 0));
    let mut store = MemoryStore::new();
    let report = import(&contacts_importer("US"), &bytes, &mut store);
    assert_eq!(report.inserted, 1_000, "{}", first_failures(&report));
}

/// Reads what a generator writes on another thread, a chunk at a time:
/// the file never exists whole.
struct Streamed {
    chunks: mpsc::Receiver<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
}

struct ChunkWriter(mpsc::SyncSender<Vec<u8>>);

impl io::Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .send(buf.to_vec())
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "reader gone"))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Read for Streamed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.current.len() {
            match self.chunks.recv() {
                Ok(chunk) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let rest = self.current.get(self.at..).unwrap_or(&[]);
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

fn streamed(
    generator: Generator,
    rows: u64,
) -> (Streamed, thread::JoinHandle<io::Result<Planted>>) {
    let (send, receive) = mpsc::sync_channel(4);
    let writer = thread::spawn(move || generator.write_to(rows, ChunkWriter(send)));
    let reader = Streamed {
        chunks: receive,
        current: Vec::new(),
        at: 0,
    };
    (reader, writer)
}

#[test]
#[ignore = "large: cargo test --release --test generated -- --ignored"]
fn a_million_contacts_stream_through_a_dry_run() {
    let (input, writer) = streamed(Generator::new(Flavour::Contacts, 7), 1_000_000);
    let mut store = MemoryStore::new();
    let report = contacts_importer("US")
        .dry_run(true)
        .import(input, &mut store);
    let planted = writer.join().map(|r| r.ok()).ok().flatten();
    let (Ok(report), Some(planted)) = (report, planted) else {
        panic!("the import or the generator failed");
    };
    assert!(store.is_empty());
    assert_eq!(report.rows, 1_000_000);
    assert_eq!(
        report.failed,
        planted.invalid_rows(),
        "{}",
        first_failures(&report)
    );
    assert_eq!(report.updated + report.unchanged, planted.repeats);
}

#[test]
#[ignore = "large: cargo test --release --test generated -- --ignored"]
fn two_hundred_thousand_field_service_rows_import_without_the_row_limit() {
    let (input, writer) = streamed(Generator::new(Flavour::FieldService, 7), 200_000);
    let mut store = MemoryStore::new();
    let report = service_importer().max_rows(None).import(input, &mut store);
    let planted = writer.join().map(|r| r.ok()).ok().flatten();
    let (Ok(report), Some(planted)) = (report, planted) else {
        panic!("the import or the generator failed");
    };
    assert_counts_add_up(&report, &store, &planted);
    assert_eq!(report.failed, planted.invalid_rows() + planted.repeats);
}

#[test]
fn schema_of_each_flavour_maps_the_generated_header() {
    let check = |schema: Schema, flavour: Flavour| {
        let header = Generator::new(flavour, 99).header();
        let map = schema.map_header(&header);
        assert!(map.is_ok(), "{flavour:?}: {header:?}");
    };
    check(presets::contacts(), Flavour::Contacts);
    check(presets::field_service(), Flavour::FieldService);
}

/// Inserted, updated, unchanged, failed; and each failed row's codes.
type Outcome = (u64, u64, u64, u64, Vec<(u64, Vec<&'static str>)>);

/// The counts and failed rows of a report: what a dry run must predict.
fn outcome(report: &Report) -> Outcome {
    let failures = report
        .failures
        .iter()
        .map(|f| (f.row, f.problems.iter().map(|p| p.code.as_str()).collect()))
        .collect();
    (
        report.inserted,
        report.updated,
        report.unchanged,
        report.failed,
        failures,
    )
}

#[test]
fn a_dry_run_predicts_the_real_import_across_batches_and_policies() {
    // Many repeats, far apart and in other batches than their first row:
    // the dry run must remember every customer of the file to decide them.
    let generator = Generator::new(Flavour::Contacts, 11).repeat_share(0.2);
    let (bytes, _) = generator.to_vec(3_000);
    for policy in [
        Policy::upsert(),
        Policy::insert_only(),
        Policy::update_only(),
    ] {
        for batch_size in [7, 1000] {
            let importer = contacts_importer("US")
                .policy(policy)
                .batch_size(batch_size);
            let mut seeded = MemoryStore::new();
            // Half the customers exist already, so updates meet the store.
            let (existing, _) = Generator::new(Flavour::Contacts, 11)
                .repeat_share(0.2)
                .to_vec(1_500);
            import(&contacts_importer("US"), &existing, &mut seeded);
            let mut for_dry_run = seeded.clone();

            let real = import(&importer, &bytes, &mut seeded);
            let dry = import(&importer.clone().dry_run(true), &bytes, &mut for_dry_run);

            assert_eq!(
                outcome(&dry),
                outcome(&real),
                "{policy:?}, batches of {batch_size}"
            );
        }
    }
}
