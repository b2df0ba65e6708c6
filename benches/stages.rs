//! The import's stages one at a time, through the public API, on values
//! from generated files: header mapping, each validator, state matching,
//! the update path, the store, report building; and two phone-number
//! crates side by side.
//!
//! ```text
//! cargo bench --bench stages
//! cargo bench --bench stages -- phone      # one group
//! ```

use intake_generator as generator;

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use generator::{Flavour, Generator, Rng};
use intake::geo::PlaceMatcher;
use intake::{
    presets, validate, Choices, Context, CustomerId, DateFormat, FieldKind, Importer, MatchKey,
    MemoryStore, Policy, Record, Report, Schema, Store, Value, Write,
};

/// The cells of the column of `field` in a generated file.
fn column(schema: &Schema, bytes: &[u8], field: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => panic!("generated header unreadable: {e}"),
    };
    let Ok(map) = schema.map_header(&header) else {
        panic!("generated header does not map: {header:?}");
    };
    let Some(col) = schema
        .fields()
        .iter()
        .position(|f| f.id() == field)
        .and_then(|f| map.column_of(f))
    else {
        panic!("no {field} column in {header:?}");
    };
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| r.get(col).map(str::to_string))
        .filter(|v| !v.trim().is_empty())
        .collect()
}

fn choices_of(schema: &Schema, field: &str) -> Choices {
    match schema.field(field).map(|f| f.kind()) {
        Some(FieldKind::Choice(choices)) => choices.clone(),
        _ => panic!("{field} is not a choice field"),
    }
}

fn header_mapping(c: &mut Criterion) {
    let contacts = presets::contacts();
    let service = presets::field_service();
    let contacts_header = Generator::new(Flavour::Contacts, 7).header();
    let service_header = Generator::new(Flavour::FieldService, 7).header();
    let mut group = c.benchmark_group("header_map");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("contacts", contacts_header.len()), |b| {
        b.iter(|| contacts.map_header(black_box(&contacts_header)).is_ok())
    });
    group.bench_function(
        BenchmarkId::new("field_service", service_header.len()),
        |b| b.iter(|| service.map_header(black_box(&service_header)).is_ok()),
    );
    group.finish();
}

fn validators(c: &mut Criterion) {
    let contacts = presets::contacts();
    let service = presets::field_service();
    let (contact_bytes, _) = Generator::new(Flavour::Contacts, 7).to_vec(10_000);
    let (service_bytes, _) = Generator::new(Flavour::FieldService, 7).to_vec(10_000);
    let mut names = column(&contacts, &contact_bytes, "first_name");
    names.extend(column(&contacts, &contact_bytes, "last_name"));
    let emails = column(&contacts, &contact_bytes, "email");
    let phones = column(&contacts, &contact_bytes, "phone");
    let birthdays = column(&contacts, &contact_bytes, "birthday");
    let mut choices: Vec<(String, Choices)> = Vec::new();
    for field in ["title", "customer_type"] {
        let allowed = choices_of(&service, field);
        for value in column(&service, &service_bytes, field) {
            choices.push((value, allowed.clone()));
        }
    }
    let mut rng = Rng::new(7);
    let numbers: Vec<String> = (0..5_000)
        .map(|_| match rng.below(6) {
            0 => format!("{}", rng.below(1_000)),
            1 => format!("-{}.{}", rng.below(100), rng.below(100)),
            2 => format!(" {} ", rng.below(50_000)),
            3 => format!("{},{:03}", 1 + rng.below(99), rng.below(1_000)),
            4 => format!("{}.5", rng.below(10)),
            _ => "n/a".to_string(),
        })
        .collect();
    let iso = [DateFormat::iso()];

    let mut group = c.benchmark_group("validate");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function(BenchmarkId::new("text", names.len()), |b| {
        b.iter(|| {
            names
                .iter()
                .filter(|v| validate::text(v, 100).is_ok())
                .count()
        })
    });
    group.throughput(Throughput::Elements(emails.len() as u64));
    group.bench_function(BenchmarkId::new("email", emails.len()), |b| {
        b.iter(|| emails.iter().filter(|v| validate::email(v).is_ok()).count())
    });
    group.throughput(Throughput::Elements(phones.len() as u64));
    group.bench_function(BenchmarkId::new("phone", phones.len()), |b| {
        b.iter(|| {
            phones
                .iter()
                .filter(|v| validate::phone(v, Some("US")).is_ok())
                .count()
        })
    });
    group.throughput(Throughput::Elements(birthdays.len() as u64));
    group.bench_function(BenchmarkId::new("date", birthdays.len()), |b| {
        b.iter(|| {
            birthdays
                .iter()
                .filter(|v| validate::date(v, &iso).is_ok())
                .count()
        })
    });
    group.throughput(Throughput::Elements(choices.len() as u64));
    group.bench_function(BenchmarkId::new("choice", choices.len()), |b| {
        b.iter(|| {
            choices
                .iter()
                .filter(|(v, allowed)| validate::choice(v, allowed).is_ok())
                .count()
        })
    });
    group.throughput(Throughput::Elements(numbers.len() as u64));
    group.bench_function(BenchmarkId::new("number", numbers.len()), |b| {
        b.iter(|| {
            numbers
                .iter()
                .filter(|v| validate::number(v).is_ok())
                .count()
        })
    });
    group.finish();
}

/// Misspellings the matcher must resolve by edit distance.
const MISSPELLED: &[(&str, &str)] = &[
    ("US", "Califronia"),
    ("US", "Calfornia"),
    ("US", "Illnois"),
    ("US", "Flordia"),
    ("US", "Geogia"),
    ("US", "Massachusets"),
    ("US", "Arizonia"),
    ("US", "Pensylvania"),
    ("US", "Minnesotta"),
    ("US", "Tennesee"),
    ("CA", "Onatrio"),
    ("DE", "Bayren"),
    ("AU", "Queenslnd"),
    ("AU", "New South Whales"),
];

fn state_matching(c: &mut Criterion) {
    // Codes and official names of every state the generator writes.
    let exact: Vec<(&str, &str)> = generator::countries()
        .iter()
        .flat_map(|country| {
            country
                .places
                .iter()
                .flat_map(move |p| p.states.iter().take(2).map(move |s| (country.code, *s)))
        })
        .collect();
    let mut group = c.benchmark_group("state_match");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, inputs) in [("exact", &exact[..]), ("misspelled", MISSPELLED)] {
        group.throughput(Throughput::Elements(inputs.len() as u64));
        let mut cached = PlaceMatcher::new();
        group.bench_function(
            BenchmarkId::new(format!("{name}/cached"), inputs.len()),
            |b| {
                b.iter(|| {
                    inputs
                        .iter()
                        .filter(|(country, state)| cached.state(country, state).is_ok())
                        .count()
                })
            },
        );
        group.bench_function(
            BenchmarkId::new(format!("{name}/fresh"), inputs.len()),
            |b| {
                b.iter(|| {
                    inputs
                        .iter()
                        .filter(|(country, state)| {
                            PlaceMatcher::new().state(country, state).is_ok()
                        })
                        .count()
                })
            },
        );
    }
    group.finish();
}

/// The same 10,000 customers imported into an empty store (all inserts),
/// into a store holding only their emails and phones (all updates: the
/// policy merges each row into its customer), and into a store holding
/// them already (all unchanged). `Policy::merge` itself is not public.
fn update_path(c: &mut Criterion) {
    const ROWS: u64 = 10_000;
    let importer = Importer::new(presets::contacts())
        .policy(Policy::upsert())
        .context(Context::new().default_country("US").unwrap());
    let (bytes, _) = Generator::new(Flavour::Contacts, 7)
        .invalid_share(0.0)
        .repeat_share(0.0)
        .to_vec(ROWS);
    let schema = presets::contacts();
    let emails = column_with_blanks(&schema, &bytes, "email");
    let phones = column_with_blanks(&schema, &bytes, "phone");
    let mut ids_only = String::from("email,phone\n");
    for (email, phone) in emails.iter().zip(&phones) {
        ids_only.push_str(&format!("\"{email}\",\"{phone}\"\n"));
    }
    let load = |csv: &[u8]| {
        let mut store = MemoryStore::new();
        match importer.import(csv, &mut store) {
            Ok(report) if report.failed == 0 => store,
            Ok(report) => panic!("seed rows failed: {:?}", report.failures.first()),
            Err(e) => panic!("seed refused: {e}"),
        }
    };
    let empty = MemoryStore::new();
    let known_ids = load(ids_only.as_bytes());
    let known_all = load(&bytes);

    let mut group = c.benchmark_group("update_path");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(ROWS));
    for (name, store) in [
        ("insert", &empty),
        ("update", &known_ids),
        ("unchanged", &known_all),
    ] {
        group.bench_function(BenchmarkId::new(name, ROWS), |b| {
            b.iter_batched(
                || store.clone(),
                |mut store| {
                    let report = importer.import(bytes.as_slice(), &mut store);
                    (report, store)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

/// Like [`column`], keeping empty cells so rows stay aligned.
fn column_with_blanks(schema: &Schema, bytes: &[u8], field: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => panic!("generated header unreadable: {e}"),
    };
    let col = schema
        .map_header(&header)
        .ok()
        .and_then(|map| {
            schema
                .fields()
                .iter()
                .position(|f| f.id() == field)
                .and_then(|f| map.column_of(f))
        })
        .unwrap_or(usize::MAX);
    reader
        .records()
        .filter_map(Result::ok)
        .map(|r| r.get(col).unwrap_or("").replace('"', ""))
        .collect()
}

fn customer(i: u64) -> Record {
    let mut record = Record::new();
    record.insert("first_name", Value::Text(format!("Customer {i}").into()));
    record.insert(
        "email",
        Value::Email(format!("customer{i}@example.com").into()),
    );
    record.insert("phone", Value::Phone(format!("+1415{:07}", i).into()));
    record.insert("city", Value::Text("San Francisco".into()));
    record
}

fn memory_store(c: &mut Criterion) {
    const STORED: u64 = 100_000;
    const BATCH: u64 = 1_000;
    let mut big = MemoryStore::new();
    for start in (0..STORED).step_by(10_000) {
        let chunk = (start..start + 10_000)
            .map(|i| Write::Insert(customer(i)))
            .collect();
        if big.apply(chunk).is_err() {
            panic!("the store refused the seed customers");
        }
    }
    // Half the keys find a customer, half find none; emails and phones.
    let mut rng = Rng::new(3);
    let keys: Vec<MatchKey> = (0..BATCH)
        .map(|i| {
            let n = if i % 2 == 0 {
                rng.below(STORED)
            } else {
                STORED + i
            };
            if i % 4 < 2 {
                MatchKey::Email(format!("customer{n}@example.com").into())
            } else {
                MatchKey::Phone(format!("+1415{:07}", n).into())
            }
        })
        .collect();
    let inserts: Vec<Write> = (0..BATCH)
        .map(|i| Write::Insert(customer(STORED + i)))
        .collect();
    let mut small = MemoryStore::new();
    let ids: Vec<CustomerId> = match small.apply(inserts.clone()) {
        Ok(results) => results.into_iter().filter_map(Result::ok).collect(),
        Err(e) => panic!("the store refused the batch: {e}"),
    };
    let updates: Vec<Write> = ids
        .iter()
        .zip(STORED..)
        .map(|(id, i)| {
            let mut record = customer(i);
            record.insert("city", Value::Text("Oakland".into()));
            Write::Update {
                id: id.clone(),
                record,
            }
        })
        .collect();

    let mut group = c.benchmark_group("memory_store");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(BATCH));
    group.bench_function(BenchmarkId::new("lookup_in_100k", BATCH), |b| {
        b.iter(|| big.lookup(black_box(&keys)).map(|found| found.len()))
    });
    group.bench_function(BenchmarkId::new("apply_inserts", BATCH), |b| {
        b.iter_batched(
            || (MemoryStore::new(), inserts.clone()),
            |(mut store, inserts)| {
                let results = store.apply(inserts);
                (results, store)
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("apply_updates", BATCH), |b| {
        b.iter_batched(
            || (small.clone(), updates.clone()),
            |(mut store, updates)| {
                let results = store.apply(updates);
                (results, store)
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn report_building(c: &mut Criterion) {
    // A bad file: 30% of 10,000 rows fail.
    let (bytes, _) = Generator::new(Flavour::Contacts, 7)
        .invalid_share(0.3)
        .to_vec(10_000);
    let importer = Importer::new(presets::contacts())
        .context(Context::new().default_country("US").unwrap())
        .dry_run(true);
    let report: Report = match importer.import(bytes.as_slice(), &mut MemoryStore::new()) {
        Ok(report) => report,
        Err(e) => panic!("the generated file was refused: {e}"),
    };
    let failures = report.failures.len() as u64;
    let mut group = c.benchmark_group("report");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(failures));
    group.bench_function(BenchmarkId::new("write_failed_rows", failures), |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(1 << 20);
            report.write_failed_rows(&mut out).map(|()| out.len())
        })
    });
    group.bench_function(BenchmarkId::new("json", failures), |b| {
        b.iter(|| serde_json::to_vec(&report).map(|json| json.len()))
    });
    group.bench_function(BenchmarkId::new("summary", failures), |b| {
        b.iter(|| report.summary().len())
    });
    group.finish();
}

/// Generated phone strings as an account in the US has them, with their
/// E.164 form, plus every number of another country written with the US
/// exit code 011.
fn phone_corpus() -> Vec<(String, String)> {
    let home = &generator::countries()[0];
    let mut rng = Rng::new(11);
    let mut corpus = Vec::new();
    for country in generator::countries() {
        for pattern in country.patterns() {
            for i in 0..60 {
                let (written, e164) = generator::sample_phone(country, pattern, home, &mut rng);
                if i % 5 == 0 && country.calling != "1" {
                    let national = e164.trim_start_matches('+').get(country.calling.len()..);
                    if let Some(national) = national {
                        corpus.push((format!("011 {} {national}", country.calling), e164.clone()));
                    }
                }
                corpus.push((written, e164));
            }
        }
    }
    corpus
}

/// What intake used before rlibphonenumber: phonenumber 0.3.
fn with_phonenumber(input: &str) -> Option<String> {
    // As in validate::phone: a number with its country code is parsed
    // without a region.
    let region = (!input.trim().starts_with('+')).then_some(phonenumber::country::Id::US);
    let number = phonenumber::parse(region, input).ok()?;
    phonenumber::is_valid(&number)
        .then(|| number.format().mode(phonenumber::Mode::E164).to_string())
}

/// rlibphonenumber alone, as `validate::phone` calls it (without intake's
/// checks and messages around it).
fn with_rlibphonenumber(input: &str) -> Option<String> {
    use rlibphonenumber::{enums::Region, PhoneNumberFormat, PHONE_NUMBER_UTIL};
    let region = (!input.trim().starts_with('+')).then_some(Region::US);
    let number = PHONE_NUMBER_UTIL.parse(input, region).ok()?;
    number
        .is_valid()
        .then(|| number.format_as(PhoneNumberFormat::E164).to_string())
}

fn phone_crates(c: &mut Criterion) {
    let corpus = phone_corpus();
    let inputs: Vec<&str> = corpus.iter().map(|(written, _)| written.as_str()).collect();
    // Both crates load their metadata on first use: not part of the timing.
    let right = |parse: &dyn Fn(&str) -> Option<String>| {
        corpus
            .iter()
            .filter(|(written, e164)| parse(written).as_deref() == Some(e164.as_str()))
            .count()
    };
    let wrong_examples = |parse: &dyn Fn(&str) -> Option<String>| {
        corpus
            .iter()
            .filter(|(written, e164)| parse(written).as_deref() != Some(e164.as_str()))
            .take(3)
            .map(|(written, e164)| {
                format!("{written:?} (expected {e164}, got {:?})", parse(written))
            })
            .collect::<Vec<_>>()
    };
    eprintln!(
        "phone corpus: {} numbers of 6 countries as written in a US account; read right by \
         phonenumber {}, rlibphonenumber {}, intake::validate::phone {}",
        corpus.len(),
        right(&with_phonenumber),
        right(&with_rlibphonenumber),
        right(&|s| validate::phone(s, Some("US")).ok().map(String::from)),
    );
    eprintln!(
        "  phonenumber misreads e.g. {:?}",
        wrong_examples(&with_phonenumber)
    );
    eprintln!(
        "  rlibphonenumber misreads e.g. {:?}",
        wrong_examples(&with_rlibphonenumber)
    );

    let mut group = c.benchmark_group("phone_parse_e164");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function(BenchmarkId::new("phonenumber", inputs.len()), |b| {
        b.iter(|| inputs.iter().filter_map(|s| with_phonenumber(s)).count())
    });
    group.bench_function(BenchmarkId::new("rlibphonenumber", inputs.len()), |b| {
        b.iter(|| {
            inputs
                .iter()
                .filter_map(|s| with_rlibphonenumber(s))
                .count()
        })
    });
    group.bench_function(
        BenchmarkId::new("intake_validate_phone", inputs.len()),
        |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .filter(|s| validate::phone(s, Some("US")).is_ok())
                    .count()
            })
        },
    );
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = header_mapping, validators, state_matching, update_path, memory_store,
        report_building, phone_crates
}
criterion_main!(benches);
