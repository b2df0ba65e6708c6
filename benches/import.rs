//! End-to-end imports of generated files, each beside a baseline measured
//! in the same run: the csv crate alone reading the same bytes with one
//! reused `ByteRecord`, the floor an import cannot beat.
//!
//! ```text
//! cargo bench --bench import
//! INTAKE_BENCH_1M=1 cargo bench --bench import     # adds 1,000,000 rows
//! ```
//!
//! Throughput is in rows (elements) per second; the file sizes are printed
//! first, for MB/s.

use intake_generator as generator;

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};
use generator::{CheapHasher, Flavour, Generator};
use intake::{
    presets, Argon2Hasher, Context, Importer, MemoryStore, PasswordHasher, Policy, Report,
};

/// The floor: parse every record of `bytes` and touch every field.
fn csv_baseline(bytes: &[u8]) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut fields = 0u64;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        fields += record.len() as u64;
    }
    fields
}

fn import_fresh(importer: &Importer, bytes: &[u8]) -> (Report, MemoryStore) {
    let mut store = MemoryStore::new();
    match importer.import(bytes, &mut store) {
        Ok(report) => (report, store),
        Err(e) => panic!("the generated file was refused: {e}"),
    }
}

/// Imports with a fresh store per iteration; the store is dropped outside
/// the timing.
fn bench_import(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    rows: u64,
    importer: &Importer,
    bytes: &[u8],
) {
    group.bench_function(BenchmarkId::new(name, rows), |b| {
        b.iter_with_large_drop(|| import_fresh(importer, bytes))
    });
}

fn bench_baseline(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    rows: u64,
    bytes: &[u8],
) {
    group.bench_function(BenchmarkId::new("csv_baseline", rows), |b| {
        b.iter(|| csv_baseline(black_box(bytes)))
    });
}

fn describe(what: &str, rows: u64, bytes: &[u8], importer: &Importer) {
    let (report, _) = import_fresh(importer, bytes);
    eprintln!(
        "{what} {rows} rows: {} bytes ({:.2} MB, {:.0} bytes/row); {} inserted, {} updated, {} unchanged, {} failed",
        bytes.len(),
        bytes.len() as f64 / 1e6,
        bytes.len() as f64 / rows as f64,
        report.inserted,
        report.updated,
        report.unchanged,
        report.failed
    );
}

fn contacts(c: &mut Criterion) {
    let importer = Importer::new(presets::contacts())
        .policy(Policy::upsert())
        .context(Context::new().default_country("US").unwrap());
    let dry_run = importer.clone().dry_run(true);
    let mut sizes = vec![10_000u64, 100_000];
    if std::env::var_os("INTAKE_BENCH_1M").is_some_and(|v| v == "1") {
        sizes.push(1_000_000);
    }
    let mut group = c.benchmark_group("contacts_upsert");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for rows in sizes {
        let (bytes, _) = Generator::new(Flavour::Contacts, 7).to_vec(rows);
        describe("contacts", rows, &bytes, &importer);
        group.throughput(Throughput::Elements(rows));
        // About 10 runs of the import per size.
        let seconds = (rows / 4_000).clamp(3, 300);
        group.measurement_time(Duration::from_secs(seconds));
        bench_baseline(&mut group, rows, &bytes);
        bench_import(&mut group, "import", rows, &importer, &bytes);
        if rows == 100_000 {
            bench_import(&mut group, "dry_run", rows, &dry_run, &bytes);
        }
    }
    group.finish();
}

fn field_service(c: &mut Criterion) {
    let city_context = || {
        Context::new()
            .default_country("US")
            .unwrap()
            .company_city("Denver")
            .city_directory(generator::city_directory())
    };
    // The preset's defaults: insert-only, 2,500 rows at most; the limit is
    // lifted for the larger file.
    let importer = Importer::new(presets::field_service())
        .password_hasher(CheapHasher)
        .context(city_context());
    let mut group = c.benchmark_group("field_service_insert_only");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for rows in [2_500u64, 25_000] {
        let importer = if rows > 2_500 {
            importer.clone().max_rows(None)
        } else {
            importer.clone()
        };
        let (bytes, _) = Generator::new(Flavour::FieldService, 7).to_vec(rows);
        describe("field-service", rows, &bytes, &importer);
        group.throughput(Throughput::Elements(rows));
        group.measurement_time(Duration::from_secs((rows / 4_000).clamp(3, 60)));
        bench_baseline(&mut group, rows, &bytes);
        bench_import(&mut group, "import", rows, &importer, &bytes);
    }
    group.finish();
}

/// Argon2id at its default cost, 64 passwords: one after another, and
/// through an import, which hashes a batch's passwords on every core.
fn password_hashing(c: &mut Criterion) {
    const ROWS: u64 = 64;
    let generator = Generator::new(Flavour::FieldService, 7)
        .password_share(1.0)
        .invalid_share(0.0)
        .repeat_share(0.0);
    let (bytes, _) = generator.to_vec(ROWS);
    let passwords: Vec<String> = {
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let column = reader.headers().ok().and_then(|h| {
            h.iter()
                .position(|name| name.eq_ignore_ascii_case("password"))
        });
        reader
            .records()
            .filter_map(|r| r.ok())
            .filter_map(|r| column.and_then(|i| r.get(i)).map(str::to_string))
            .collect()
    };
    assert_eq!(passwords.len() as u64, ROWS, "every row has a password");
    let hasher = Argon2Hasher::default();
    let importer = Importer::new(presets::field_service()).context(
        Context::new()
            .default_country("US")
            .unwrap()
            .company_city("Denver")
            .city_directory(generator::city_directory()),
    );
    eprintln!(
        "password hashing: {ROWS} Argon2id hashes, {} cores available",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut group = c.benchmark_group("password_hashing");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(30))
        .throughput(Throughput::Elements(ROWS));
    group.bench_function(BenchmarkId::new("one_after_another", ROWS), |b| {
        b.iter(|| {
            passwords
                .iter()
                .map(|p| hasher.hash(p).map(|h| h.len()).unwrap_or(0))
                .sum::<usize>()
        })
    });
    bench_import(&mut group, "import", ROWS, &importer, &bytes);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1));
    targets = contacts, field_service, password_hashing
}
criterion_main!(benches);
