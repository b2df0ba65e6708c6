//! Realistic customer CSV files for tests and benchmarks, deterministic by
//! seed, of any length, streamed to any `io::Write`.
//!
//! Two flavours: the columns of `presets::contacts()` and of
//! `presets::field_service()`. The files look like what people upload:
//! header names as people write them (varying per file), columns in any
//! order, Unicode names, mixed-case emails, phones in national and
//! international formats of six countries, states spelled every way, quoted
//! cells with commas, doubled quotes and line breaks, a byte-order mark or
//! CRLF line ends from Excel. Planted on purpose, and counted in
//! [`Planted`]: about 3% invalid rows (each with exactly one problem) and
//! about 2% repeats of an earlier customer.
//!
//! Every row is a pure function of (seed, row number): a repeat regenerates
//! the customer it repeats instead of remembering it, so a million rows
//! never sit in memory. Emails and phones are unique per customer (phones
//! up to 1,000,000 customers), so the only matches are the planted repeats.
//!
//! A dev-only crate of the workspace, used by `tests/generated.rs`, the
//! benches and `examples/generate.rs`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use intake::geo::MemoryCityDirectory;
use intake::PasswordHasher;

/// A password hasher that costs next to nothing, so Argon2 does not hide
/// the rest of an import of generated field-service files. Never use it for
/// real passwords.
#[derive(Debug)]
pub struct CheapHasher;

impl PasswordHasher for CheapHasher {
    fn hash(&self, plain: &str) -> Result<String, String> {
        Ok(format!("cheap${}", plain.len()))
    }
    fn verify(&self, plain: &str, hash: &str) -> bool {
        hash == format!("cheap${}", plain.len())
    }
}

/// Which preset's columns a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `presets::contacts()`.
    Contacts,
    /// `presets::field_service()`.
    FieldService,
}

/// What a generated file holds on purpose: what an import of it into an
/// empty store must report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planted {
    /// Data rows written (the header not counted).
    pub rows: u64,
    /// Bytes written, header included.
    pub bytes: u64,
    /// Invalid rows by the problem code each has (one problem per row).
    pub invalid: BTreeMap<&'static str, u64>,
    /// Rows repeating an earlier valid row's customer (same email or
    /// phone). Upsert: each updates or leaves unchanged that customer;
    /// insert-only: each fails as `duplicate_in_file`.
    pub repeats: u64,
    /// Valid contacts rows whose state is no state of the row's country:
    /// kept as written, with a warning.
    pub kept_places: u64,
    /// Valid field-service rows with an empty city, which the importer
    /// fills from the state ([`city_directory`]) or the company's city.
    pub cities_to_fill: u64,
}

impl Planted {
    /// How many rows are invalid, whatever the reason.
    pub fn invalid_rows(&self) -> u64 {
        self.invalid.values().sum()
    }
}

/// Writes realistic customer CSV files.
///
/// ```ignore
/// let (bytes, planted) = Generator::new(Flavour::Contacts, 7).to_vec(10_000);
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    flavour: Flavour,
    seed: u64,
    home: &'static Country,
    invalid_share: f64,
    repeat_share: f64,
    password_share: f64,
}

impl Generator {
    /// A generator of `flavour` files for an account in the US, with 3%
    /// invalid rows, 2% repeats and (field service) half the rows with a
    /// password.
    pub fn new(flavour: Flavour, seed: u64) -> Generator {
        Generator {
            flavour,
            seed,
            home: &COUNTRIES[0],
            invalid_share: 0.03,
            repeat_share: 0.02,
            password_share: 0.5,
        }
    }

    /// The account's country (US, CA, GB, DE, FR or AU): most customers
    /// live there and write their phones in its national formats; import
    /// with the same default country. `None` for another country.
    pub fn home_country(mut self, code: &str) -> Option<Generator> {
        let code = code.trim().to_ascii_uppercase();
        self.home = COUNTRIES.iter().find(|c| c.code == code)?;
        Some(self)
    }

    /// The share of invalid rows (0 to 1).
    pub fn invalid_share(mut self, share: f64) -> Generator {
        self.invalid_share = share.clamp(0.0, 1.0);
        self
    }

    /// The share of rows repeating an earlier customer (0 to 1).
    pub fn repeat_share(mut self, share: f64) -> Generator {
        self.repeat_share = share.clamp(0.0, 1.0);
        self
    }

    /// The share of field-service rows with a password (0 to 1).
    pub fn password_share(mut self, share: f64) -> Generator {
        self.password_share = share.clamp(0.0, 1.0);
        self
    }

    /// The header this generator's files have (it varies with the seed).
    pub fn header(&self) -> Vec<String> {
        let layout = self.layout();
        layout.header
    }

    /// A file of `rows` data rows in memory, with what it holds.
    pub fn to_vec(&self, rows: u64) -> (Vec<u8>, Planted) {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let planted = match self.write_to(rows, &mut out) {
            Ok(planted) => planted,
            Err(e) => unreachable!("writing to memory failed: {e}"),
        };
        (out, planted)
    }

    /// Writes a file of `rows` data rows to `out`, row by row.
    pub fn write_to<W: Write>(&self, rows: u64, out: W) -> io::Result<Planted> {
        let mut out = CountingWriter {
            inner: io::BufWriter::with_capacity(1 << 16, out),
            bytes: 0,
        };
        let layout = self.layout();
        let mut planted = Planted::default();
        let mut line = String::with_capacity(512);
        if layout.bom {
            line.push('\u{feff}');
        }
        layout.push_line(&mut line, &layout.header);
        out.write_all(line.as_bytes())?;
        for row in 0..rows {
            let cells = self.row(row, &mut planted);
            let ordered: Vec<String> = layout
                .order
                .iter()
                .map(|&f| cells.get(f).cloned().unwrap_or_default())
                .chain(layout.extra.map(|_| extra_cell(self.seed, row)))
                .collect();
            line.clear();
            layout.push_line(&mut line, &ordered);
            out.write_all(line.as_bytes())?;
        }
        out.inner.flush()?;
        planted.rows = rows;
        planted.bytes = out.bytes;
        Ok(planted)
    }

    fn fields(&self) -> &'static [&'static str] {
        match self.flavour {
            Flavour::Contacts => CONTACT_FIELDS,
            Flavour::FieldService => SERVICE_FIELDS,
        }
    }

    /// The file-wide choices: header spellings, column order, quoting, line
    /// ends, byte-order mark.
    fn layout(&self) -> Layout {
        let mut rng = Rng::stream(self.seed, u64::MAX, STREAM_FILE);
        let fields = self.fields();
        let spellings = match self.flavour {
            Flavour::Contacts => CONTACT_HEADERS,
            Flavour::FieldService => SERVICE_HEADERS,
        };
        let mut order: Vec<usize> = (0..fields.len()).collect();
        // Contacts come from anywhere, in any order; field-service files
        // start from the CRM's template, in its order.
        if self.flavour == Flavour::Contacts && rng.chance(0.5) {
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i as u64 + 1) as usize);
            }
        }
        let mut header: Vec<String> = order
            .iter()
            .map(|&f| {
                let id = fields.get(f).copied().unwrap_or_default();
                let names = spellings
                    .iter()
                    .find(|(field, _)| *field == id)
                    .map(|(_, names)| *names)
                    .unwrap_or(&[]);
                if names.is_empty() {
                    id.to_string()
                } else {
                    rng.pick(names).to_string()
                }
            })
            .collect();
        let extra = (self.flavour == Flavour::Contacts && rng.chance(0.5))
            .then(|| *rng.pick(IGNORED_COLUMNS));
        if let Some(name) = extra {
            header.push(name.to_string());
        }
        Layout {
            header,
            order,
            extra,
            crlf: rng.chance(0.5),
            bom: rng.chance(0.2),
            quote_all: rng.chance(0.15),
        }
    }

    /// What row `row` (0-based data row) is.
    fn kind(&self, row: u64) -> Kind {
        let mut rng = Rng::stream(self.seed, row, STREAM_KIND);
        let u = rng.unit();
        if u < self.invalid_share {
            let kinds = match self.flavour {
                Flavour::Contacts => CONTACT_INVALID,
                Flavour::FieldService => SERVICE_INVALID,
            };
            return Kind::Invalid(rng.weighted(kinds));
        }
        if u < self.invalid_share + self.repeat_share {
            // A recent customer half the time (often in the same batch),
            // else anyone before.
            for _ in 0..8 {
                if row == 0 {
                    break;
                }
                let back = if rng.chance(0.5) {
                    1 + rng.below(row.min(1000))
                } else {
                    1 + rng.below(row)
                };
                let of = row - back;
                if self.is_plain(of) {
                    return Kind::Repeat {
                        of,
                        variant: rng.weighted(REPEAT_VARIANTS),
                    };
                }
            }
        }
        Kind::Normal
    }

    /// Whether `row` is a normal row (so its customer was imported).
    fn is_plain(&self, row: u64) -> bool {
        let mut rng = Rng::stream(self.seed, row, STREAM_KIND);
        rng.unit() >= self.invalid_share + self.repeat_share
    }

    /// The cells of row `row`, in [`Generator::fields`] order.
    fn row(&self, row: u64, planted: &mut Planted) -> Vec<String> {
        let fields = self.fields();
        match self.kind(row) {
            Kind::Normal => {
                let customer = self.customer(row);
                let mut fmt = Rng::stream(self.seed, row, STREAM_FORMAT);
                if customer.kept_state.is_some() {
                    planted.kept_places += 1;
                }
                if self.flavour == Flavour::FieldService && customer.city.is_none() {
                    planted.cities_to_fill += 1;
                }
                self.render(&customer, &mut fmt)
            }
            Kind::Invalid(code) => {
                let customer = self.customer(row);
                let mut fmt = Rng::stream(self.seed, row, STREAM_FORMAT);
                let mut cells = self.render(&customer, &mut fmt);
                self.break_row(&customer, code, &mut cells, &mut fmt);
                *planted.invalid.entry(code).or_default() += 1;
                cells
            }
            Kind::Repeat { of, variant } => {
                planted.repeats += 1;
                let customer = self.customer(of);
                // An exact copy is formatted as the first time.
                let format_row = if variant == Repeat::Copy { of } else { row };
                let mut fmt = Rng::stream(self.seed, format_row, STREAM_FORMAT);
                let mut cells = self.render(&customer, &mut fmt);
                let mut change = Rng::stream(self.seed, row, STREAM_CHANGE);
                match variant {
                    Repeat::Copy | Repeat::Reformatted => {}
                    Repeat::Moved => {
                        // A new street: a real update.
                        let old = cell(&cells, fields, "street1").to_string();
                        let mut street = street_of(customer.country, &mut change);
                        if street == old {
                            street.push_str(" Unit 2");
                        }
                        set(&mut cells, fields, "street1", street);
                    }
                    Repeat::PartialIdentifiers => {
                        // Only one identifier filled in this time: it still
                        // finds the customer, and an empty cell erases nothing.
                        // Field service needs the email: drop the phone there.
                        if customer.email.is_some() && customer.phone.is_some() {
                            let drop = if self.flavour == Flavour::Contacts && change.chance(0.5) {
                                "email"
                            } else {
                                "phone"
                            };
                            set(&mut cells, fields, drop, String::new());
                        }
                    }
                }
                cells
            }
        }
    }

    /// Customer `k`: everything but how it is written down.
    fn customer(&self, k: u64) -> Customer {
        let mut rng = Rng::stream(self.seed, k, STREAM_CUSTOMER);
        let country = if rng.chance(0.75) {
            self.home
        } else {
            let others: Vec<&'static Country> = COUNTRIES
                .iter()
                .filter(|c| c.code != self.home.code)
                .collect();
            *rng.pick(&others)
        };
        let place = rng.pick(country.places);
        let culture = rng.weighted(CULTURES);
        let first = culture.first(&mut rng);
        let last = culture.last(&mut rng);
        let field_service = self.flavour == Flavour::FieldService;

        // Identifiers. Field-service rows always have an email (required).
        let has_email = field_service || rng.chance(0.88);
        let has_phone = !has_email || rng.chance(if field_service { 0.7 } else { 0.75 });
        let email = has_email.then(|| email_of(first, last, k + 1, country, &mut rng));
        let phone = has_phone.then(|| {
            let pattern = if rng.chance(0.4) && !country.mobiles.is_empty() {
                rng.pick(country.mobiles)
            } else {
                rng.pick(place.lines)
            };
            Phone::unique(country, pattern, k, &mut rng)
        });

        let shout = rng.chance(0.03);
        let last_name = if shout {
            last.display().to_uppercase()
        } else {
            last.display().to_string()
        };
        let company = rng
            .chance(if field_service { 0.35 } else { 0.3 })
            .then(|| company_of(last, &mut rng));
        let street1 = rng.chance(0.8).then(|| street_of(country, &mut rng));
        let street2 = (street1.is_some() && rng.chance(0.15)).then(|| unit_of(country, &mut rng));
        let city_share = if field_service { 0.98 } else { 0.85 };
        let city = rng.chance(city_share).then(|| place.city.to_string());
        let state_share = country.state_share;
        let mut state = rng.chance(state_share).then_some(place.states);
        if field_service && city.is_none() && rng.chance(0.5) {
            // Half the empty cities have no state either: the company's city.
            state = None;
        }
        let kept_state = (!field_service && state.is_some() && rng.chance(0.004))
            .then(|| *rng.pick(KEPT_STATES));
        let postal = rng
            .chance(0.75)
            .then(|| postal_of(country, place, &mut rng));
        // Foreign customers always name their country; home ones often don't.
        let show_country =
            country.code != self.home.code || rng.chance(0.6) || kept_state.is_some();
        let birthday = (!field_service && rng.chance(0.4)).then(|| date_of(1940, 2005, &mut rng));
        let reference = (!field_service && rng.chance(0.5)).then(|| reference_of(k, &mut rng));
        let notes = (!field_service && rng.chance(0.1)).then(|| rng.pick(NOTES).to_string());

        let mut service = None;
        if field_service {
            let title = rng.chance(0.7).then(|| rng.below(5) as usize);
            let business = match rng.below(10) {
                0..=2 => Some(true),
                3..=7 => Some(false),
                _ => None,
            };
            let business_name = if business == Some(true) {
                Some(
                    company
                        .clone()
                        .unwrap_or_else(|| company_of(last, &mut rng)),
                )
            } else {
                company.clone().filter(|_| rng.chance(0.1))
            };
            let password = rng
                .chance(self.password_share)
                .then(|| password_of(&mut rng));
            let joined = rng.chance(0.8).then(|| date_of(2010, 2024, &mut rng));
            let mobile = rng.chance(0.5).then(|| {
                let pattern = if country.mobiles.is_empty() {
                    rng.pick(place.lines)
                } else {
                    rng.pick(country.mobiles)
                };
                Phone::any(country, pattern, &mut rng)
            });
            let mut contacts = Vec::new();
            if rng.chance(0.12) {
                contacts.push(Contact::of(culture, country, place, k, &mut rng));
                if rng.chance(0.25) {
                    contacts.push(Contact::of(culture, country, place, k, &mut rng));
                }
            }
            service = Some(Service {
                title,
                business,
                business_name,
                password,
                joined,
                mobile,
                contacts,
            });
        }

        Customer {
            country,
            first: first.display().to_string(),
            last: last_name,
            email,
            phone,
            company,
            street1,
            street2,
            city,
            state,
            kept_state,
            postal,
            show_country,
            birthday,
            reference,
            notes,
            service,
        }
    }

    /// The customer written down, with `fmt` choosing the spellings that
    /// normalize to the same values (case, phone format, state spelling).
    fn render(&self, c: &Customer, fmt: &mut Rng) -> Vec<String> {
        let fields = self.fields();
        let mut cells = vec![String::new(); fields.len()];
        let mut put = |id: &str, value: String| set(&mut cells, fields, id, value);
        let pad = fmt.chance(0.02);
        put(
            "first_name",
            if pad {
                format!(" {} ", c.first)
            } else {
                c.first.clone()
            },
        );
        put("last_name", c.last.clone());
        if let Some(email) = &c.email {
            put("email", email_case(email, fmt));
        }
        if let Some(phone) = &c.phone {
            put("phone", phone.render(self.home, fmt));
        }
        if self.flavour == Flavour::Contacts {
            if let Some(company) = &c.company {
                put("company", company.clone());
            }
        }
        put("street1", c.street1.clone().unwrap_or_default());
        put("street2", c.street2.clone().unwrap_or_default());
        put("city", c.city.clone().unwrap_or_default());
        if let Some(kept) = c.kept_state {
            put("state", kept.to_string());
        } else if let Some(states) = c.state {
            put("state", state_spelling(states, fmt));
        }
        put("postal_code", c.postal.clone().unwrap_or_default());
        if c.show_country {
            put("country", fmt.pick(c.country.names).to_string());
        }
        put("birthday", c.birthday.map(|d| d.iso()).unwrap_or_default());
        put("reference_id", c.reference.clone().unwrap_or_default());
        put("other", c.notes.clone().unwrap_or_default());
        if let Some(s) = &c.service {
            if let Some(t) = s.title {
                let spellings = TITLES.get(t).copied().unwrap_or(&["Mr"]);
                put("title", fmt.pick(spellings).to_string());
            }
            if let Some(business) = s.business {
                let spellings = if business {
                    BUSINESS_SPELLINGS
                } else {
                    PERSONAL_SPELLINGS
                };
                put("customer_type", fmt.pick(spellings).to_string());
            }
            put("business_name", s.business_name.clone().unwrap_or_default());
            put("password", s.password.clone().unwrap_or_default());
            put(
                "date_joined",
                s.joined.map(|d| d.slashed()).unwrap_or_default(),
            );
            if let Some(mobile) = &s.mobile {
                put("mobile", mobile.render(self.home, fmt));
            }
            for (n, contact) in (2..).zip(&s.contacts) {
                put(&format!("first_name{n}"), contact.first.clone());
                put(&format!("last_name{n}"), contact.last.clone());
                if let Some(email) = &contact.email {
                    put(&format!("email{n}"), email_case(email, fmt));
                }
                if let Some(phone) = &contact.phone {
                    put(&format!("phone{n}"), phone.render(self.home, fmt));
                }
                if let Some(mobile) = &contact.mobile {
                    put(&format!("mobile{n}"), mobile.render(self.home, fmt));
                }
            }
        }
        cells
    }

    /// Gives a valid row exactly one problem, of code `code`.
    fn break_row(&self, c: &Customer, code: &str, cells: &mut [String], rng: &mut Rng) {
        let fields = self.fields();
        let local = c
            .email
            .as_deref()
            .and_then(|e| e.split('@').next())
            .unwrap_or("jo.doe")
            .to_string();
        match code {
            "invalid_email" => {
                let domain = rng.pick(c.country.domains);
                let bare = domain.split('.').next().unwrap_or("mail");
                let bad = match rng.below(8) {
                    0 => format!("{local}@{bare}"),
                    1 => format!("{local}.{domain}"),
                    2 => format!("{local} x@{domain}"),
                    3 => format!("{local}@@{domain}"),
                    // (A display name around one address is cleaned, not
                    // refused: two addresses in one cell are.)
                    4 => format!("{local}@{domain}; {}@{domain}", c.first),
                    5 => format!("{local}@{bare}..com"),
                    6 => format!("{local}@{bare},com"),
                    _ => format!("{local}@"),
                };
                set(cells, fields, "email", bad);
            }
            "invalid_phone" => {
                set(cells, fields, "phone", rng.pick(BAD_PHONES).to_string());
            }
            "invalid_date" => {
                let d = date_of(1940, 2005, rng);
                let (field, bad) = match self.flavour {
                    Flavour::Contacts => (
                        "birthday",
                        match rng.below(5) {
                            0 => format!("{:02}/{:02}/{}", d.day, d.month, d.year),
                            1 => format!("{:02}/{:02}/{}", d.month, d.day, d.year),
                            2 => format!("{}-02-30", d.year),
                            3 => format!("{}-13-{:02}", d.year, d.day),
                            _ => format!("{} {}, {}", MONTHS[d.month as usize - 1], d.day, d.year),
                        },
                    ),
                    Flavour::FieldService => (
                        "date_joined",
                        match rng.below(4) {
                            0 => d.iso(),
                            1 => format!("{:02}/{:02}/{}", d.day, d.month, d.year),
                            2 => format!("{}/02/30", d.year),
                            _ => format!("{} {}, {}", MONTHS[d.month as usize - 1], d.day, d.year),
                        },
                    ),
                };
                set(cells, fields, field, bad);
            }
            "no_identifier" => {
                for id in ["first_name", "last_name", "email", "phone"] {
                    set(cells, fields, id, String::new());
                }
                // Still not a blank row: someone typed a company.
                if cell(cells, fields, "company").is_empty() {
                    set(cells, fields, "company", company_of(NAME_SMITH, rng));
                }
            }
            "unknown_state" => {
                set(cells, fields, "state", rng.pick(BAD_STATES).to_string());
                set(cells, fields, "country", self.home.code.to_string());
            }
            "required" => {
                let field = *rng.pick(&["first_name", "last_name", "last_name", "email"]);
                set(cells, fields, field, String::new());
            }
            "not_allowed" => {
                set(cells, fields, "title", rng.pick(BAD_TITLES).to_string());
            }
            _ => {}
        }
    }
}

/// The file-wide choices of one file.
struct Layout {
    header: Vec<String>,
    /// File column → field index.
    order: Vec<usize>,
    /// An extra column no field takes, last.
    extra: Option<&'static str>,
    crlf: bool,
    bom: bool,
    quote_all: bool,
}

impl Layout {
    fn push_line<S: AsRef<str>>(&self, line: &mut String, cells: &[S]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            push_cell(line, cell.as_ref(), self.quote_all);
        }
        line.push_str(if self.crlf { "\r\n" } else { "\n" });
    }
}

/// One CSV cell, RFC 4180: quoted when it must be (or always, as some
/// exporters do), with inner quotes doubled.
fn push_cell(line: &mut String, cell: &str, quote_all: bool) {
    if quote_all || cell.contains([',', '"', '\n', '\r']) {
        line.push('"');
        for ch in cell.chars() {
            if ch == '"' {
                line.push('"');
            }
            line.push(ch);
        }
        line.push('"');
    } else {
        line.push_str(cell);
    }
}

struct CountingWriter<W: Write> {
    inner: io::BufWriter<W>,
    bytes: u64,
}

impl<W: Write> CountingWriter<W> {
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.bytes += buf.len() as u64;
        self.inner.write_all(buf)
    }
}

/// The value of the extra, ignored column of row `row`.
fn extra_cell(seed: u64, row: u64) -> String {
    let mut rng = Rng::stream(seed, row, STREAM_EXTRA);
    if rng.chance(0.6) {
        String::new()
    } else {
        format!("{}", rng.below(1000))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Normal,
    Invalid(&'static str),
    Repeat { of: u64, variant: Repeat },
}

/// How a repeat differs from the row it repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    /// The same cells, formatted the same way.
    Copy,
    /// The same values, written differently (email case, phone format,
    /// state spelling).
    Reformatted,
    /// A new street address.
    Moved,
    /// Only the email or only the phone this time.
    PartialIdentifiers,
}

const REPEAT_VARIANTS: &[(Repeat, u32)] = &[
    (Repeat::Copy, 35),
    (Repeat::Reformatted, 25),
    (Repeat::Moved, 25),
    (Repeat::PartialIdentifiers, 15),
];

const CONTACT_INVALID: &[(&str, u32)] = &[
    ("invalid_email", 35),
    ("invalid_phone", 30),
    ("invalid_date", 20),
    ("no_identifier", 15),
];

const SERVICE_INVALID: &[(&str, u32)] = &[
    ("invalid_email", 25),
    ("invalid_phone", 20),
    ("unknown_state", 20),
    ("required", 20),
    ("invalid_date", 10),
    ("not_allowed", 5),
];

const STREAM_KIND: u64 = 1;
const STREAM_CUSTOMER: u64 = 2;
const STREAM_FORMAT: u64 = 3;
const STREAM_FILE: u64 = 4;
const STREAM_CHANGE: u64 = 5;
const STREAM_EXTRA: u64 = 6;

/// SplitMix64: small, fast, and good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The generator for one (row, purpose): independent of every other.
    fn stream(seed: u64, index: u64, stream: u64) -> Rng {
        let mut mix = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        let a = mix.next_u64();
        let mut mix = Rng(a ^ index);
        Rng(mix.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// One of `items` by weight.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut at = self.below(total);
        for (item, weight) in items {
            if at < u64::from(*weight) {
                return *item;
            }
            at -= u64::from(*weight);
        }
        items[0].0
    }

    fn digit(&mut self) -> char {
        char::from(b'0' + self.below(10) as u8)
    }
}

/// A customer: the facts, before formatting.
struct Customer {
    country: &'static Country,
    first: String,
    last: String,
    /// Lower case; [`email_case`] varies the case.
    email: Option<String>,
    phone: Option<Phone>,
    company: Option<String>,
    street1: Option<String>,
    street2: Option<String>,
    city: Option<String>,
    /// The state's spellings (all of one state).
    state: Option<&'static [&'static str]>,
    /// A state that is none, kept as written (contacts).
    kept_state: Option<&'static str>,
    postal: Option<String>,
    show_country: bool,
    birthday: Option<Date>,
    reference: Option<String>,
    notes: Option<String>,
    service: Option<Service>,
}

/// The field-service columns of a customer.
struct Service {
    /// Index into [`TITLES`].
    title: Option<usize>,
    /// Business (true) or personal (false).
    business: Option<bool>,
    business_name: Option<String>,
    password: Option<String>,
    joined: Option<Date>,
    mobile: Option<Phone>,
    contacts: Vec<Contact>,
}

/// A secondary contact of a field-service customer.
struct Contact {
    first: String,
    last: String,
    email: Option<String>,
    phone: Option<Phone>,
    mobile: Option<Phone>,
}

impl Contact {
    fn of(
        culture: &Culture,
        country: &'static Country,
        place: &Place,
        k: u64,
        rng: &mut Rng,
    ) -> Contact {
        let first = culture.first(rng);
        let last = if rng.chance(0.6) {
            culture.last(rng)
        } else {
            CULTURES[0].0.last(rng)
        };
        Contact {
            first: first.display().to_string(),
            last: last.display().to_string(),
            email: rng
                .chance(0.7)
                .then(|| email_of(first, last, k + 1, country, rng)),
            phone: rng
                .chance(0.4)
                .then(|| Phone::any(country, rng.pick(place.lines), rng)),
            mobile: (rng.chance(0.4) && !country.mobiles.is_empty())
                .then(|| Phone::any(country, rng.pick(country.mobiles), rng)),
        }
    }
}

/// A phone number: its country and national significant number.
#[derive(Debug, Clone)]
pub struct Phone {
    country: &'static Country,
    nsn: String,
    groups: &'static [usize],
}

impl Phone {
    /// Customer `k`'s number on `pattern`: its last six digits are a
    /// bijection of `k` (mod 10⁶), so no two customers share one.
    fn unique(country: &'static Country, pattern: &Pattern, k: u64, rng: &mut Rng) -> Phone {
        let tail = (k % 1_000_000).wrapping_mul(738_239).wrapping_add(52_711) % 1_000_000;
        Phone::fill(country, pattern, Some(tail), rng)
    }

    /// A random number on `pattern`.
    fn any(country: &'static Country, pattern: &Pattern, rng: &mut Rng) -> Phone {
        Phone::fill(country, pattern, None, rng)
    }

    fn fill(
        country: &'static Country,
        pattern: &Pattern,
        tail: Option<u64>,
        rng: &mut Rng,
    ) -> Phone {
        let tail = tail.map(|t| format!("{t:06}"));
        let slots = pattern.digits.chars().filter(|c| *c == 'x').count();
        let mut nsn = String::with_capacity(pattern.digits.len());
        let mut slot = 0;
        for ch in pattern.digits.chars() {
            match ch {
                'x' => {
                    let from_tail = slot + 6 >= slots;
                    match (&tail, from_tail) {
                        (Some(t), true) => {
                            let i = slot + 6 - slots;
                            nsn.push_str(t.get(i..=i).unwrap_or("0"));
                        }
                        _ => nsn.push(rng.digit()),
                    }
                    slot += 1;
                }
                'N' => nsn.push(char::from(b'2' + rng.below(8) as u8)),
                digit => nsn.push(digit),
            }
        }
        Phone {
            country,
            nsn,
            groups: pattern.groups,
        }
    }

    /// The number in E.164.
    pub fn e164(&self) -> String {
        format!("+{}{}", self.country.calling, self.nsn)
    }

    fn parts(&self) -> Vec<&str> {
        let mut parts = Vec::new();
        let mut at = 0;
        for &len in self.groups {
            if let Some(part) = self.nsn.get(at..at + len) {
                parts.push(part);
            }
            at += len;
        }
        if let Some(rest) = self.nsn.get(at..).filter(|r| !r.is_empty()) {
            parts.push(rest);
        }
        parts
    }

    /// The number as someone in `home` would write it: national formats
    /// for numbers of home's calling code, international ones otherwise.
    fn render(&self, home: &Country, rng: &mut Rng) -> String {
        let parts = self.parts();
        let c = self.country;
        let nanp = c.calling == "1";
        if c.calling == home.calling && rng.chance(0.8) {
            if nanp {
                let (a, b, d) = (part(&parts, 0), part(&parts, 1), part(&parts, 2));
                return match rng.below(8) {
                    0 | 1 => format!("({a}) {b}-{d}"),
                    2 => format!("{a}-{b}-{d}"),
                    3 => format!("{a}.{b}.{d}"),
                    4 => format!("{a}{b}{d}"),
                    5 => format!("{a} {b} {d}"),
                    6 => format!("1-{a}-{b}-{d}"),
                    _ => format!("({a}){b}-{d}"),
                };
            }
            let first = format!("{}{}", c.trunk, part(&parts, 0));
            let rest = parts.get(1..).unwrap_or(&[]);
            return match rng.below(6) {
                0..=2 => format!("{first} {}", rest.join(" ")),
                3 => format!("({first}) {}", rest.join(" ")),
                4 => format!("{first}{}", rest.concat()),
                _ => format!("{first}{}{}", c.separator, rest.join(c.separator)),
            };
        }
        let cc = c.calling;
        let spaced = parts.join(" ");
        match rng.below(6) {
            0 | 1 => format!("+{cc} {spaced}"),
            2 => format!("+{cc}{}", self.nsn),
            3 => format!("+{cc}-{}", parts.join("-")),
            4 if nanp => format!(
                "+1 ({}) {}-{}",
                part(&parts, 0),
                part(&parts, 1),
                part(&parts, 2)
            ),
            4 => format!("+{cc} (0){spaced}"),
            _ if nanp && home.calling == "1" => format!("1 {spaced}"),
            // phonenumber 0.3 reads "011 44 161 ..." in a US account as
            // +44 61 ...: it strips the US national prefix "1" after the
            // exit code. Such numbers are valid, but would fail rows the
            // generator means to be valid; benches/stages.rs counts them.
            _ if home.calling == "1" && self.nsn.starts_with('1') => format!("+{cc} {spaced}"),
            _ => format!("{} {cc} {spaced}", home.idd),
        }
    }
}

fn part<'a>(parts: &[&'a str], i: usize) -> &'a str {
    parts.get(i).copied().unwrap_or("")
}

/// A phone number plan: digits, `N` (2–9) and `x` (any digit; the last six
/// `x` make a customer's number unique), and how the digits are grouped.
#[derive(Debug)]
pub struct Pattern {
    digits: &'static str,
    groups: &'static [usize],
}

const fn pat(digits: &'static str, groups: &'static [usize]) -> Pattern {
    Pattern { digits, groups }
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    fn iso(self) -> String {
        format!("{}-{:02}-{:02}", self.year, self.month, self.day)
    }
    fn slashed(self) -> String {
        format!("{}/{:02}/{:02}", self.year, self.month, self.day)
    }
}

fn date_of(from: i32, to: i32, rng: &mut Rng) -> Date {
    let year = from + rng.below((to - from + 1) as u64) as i32;
    let month = 1 + rng.below(12) as u32;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Date {
        year,
        month,
        day: 1 + rng.below(days) as u32,
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A name as written and as it appears in email addresses.
#[derive(Debug, Clone, Copy)]
pub struct Name(&'static str, &'static str);

impl Name {
    fn display(self) -> &'static str {
        self.0
    }
    /// Lower-case ASCII letters only.
    fn ascii(self) -> String {
        let source = if self.1.is_empty() { self.0 } else { self.1 };
        let mut out = String::with_capacity(source.len());
        for ch in source.chars().flat_map(char::to_lowercase) {
            match ch {
                'a'..='z' => out.push(ch),
                'à' | 'á' | 'â' | 'ä' | 'å' | 'ã' => out.push('a'),
                'ç' | 'č' | 'ć' => out.push('c'),
                'ď' => out.push('d'),
                'è' | 'é' | 'ê' | 'ë' | 'ě' => out.push('e'),
                'ì' | 'í' | 'î' | 'ï' => out.push('i'),
                'ł' => out.push('l'),
                'ñ' | 'ń' => out.push('n'),
                'ò' | 'ó' | 'ô' | 'ö' | 'ø' | 'õ' => out.push('o'),
                'ř' => out.push('r'),
                'š' | 'ś' => out.push('s'),
                'ß' => out.push_str("ss"),
                'ù' | 'ú' | 'û' | 'ü' | 'ů' => out.push('u'),
                'ý' | 'ÿ' => out.push('y'),
                'ž' | 'ź' | 'ż' => out.push('z'),
                _ => {}
            }
        }
        if out.is_empty() {
            out.push_str("customer");
        }
        out
    }
}

/// First and last names of one naming tradition, `|`-separated; a name
/// in another script carries its romanization after `=`.
pub struct Culture {
    first: &'static str,
    last: &'static str,
}

impl Culture {
    fn first(&self, rng: &mut Rng) -> Name {
        pick_name(self.first, rng)
    }
    fn last(&self, rng: &mut Rng) -> Name {
        pick_name(self.last, rng)
    }
}

fn pick_name(list: &'static str, rng: &mut Rng) -> Name {
    let count = list.split('|').count() as u64;
    let entry = list
        .split('|')
        .nth(rng.below(count) as usize)
        .unwrap_or("Smith");
    match entry.split_once('=') {
        Some((display, ascii)) => Name(display, ascii),
        None => Name(entry, ""),
    }
}

/// An email address for a person: the name in one of the usual shapes,
/// then `tag` (the customer's number), which makes it unique: the local
/// part ends in the tag's digits and nothing else there is a digit.
fn email_of(first: Name, last: Name, tag: u64, country: &Country, rng: &mut Rng) -> String {
    let f = first.ascii();
    let l = last.ascii();
    let initial = f.get(..1).unwrap_or("x");
    let local = match rng.below(9) {
        0..=2 => format!("{f}.{l}{tag}"),
        3 => format!("{f}{l}{tag}"),
        4 => format!("{initial}{l}{tag}"),
        5 => format!("{f}_{l}{tag}"),
        6 => format!("{l}.{f}{tag}"),
        7 => format!("{f}{tag}"),
        _ => format!("{f}.{l}+crm{tag}"),
    };
    format!("{local}@{}", rng.pick(country.domains))
}

/// `email` as people type it: mostly lower case, sometimes capitalized or
/// shouted, now and then with stray spaces.
fn email_case(email: &str, rng: &mut Rng) -> String {
    match rng.below(20) {
        0..=12 => email.to_string(),
        13..=16 => {
            // Ann.Lee12@Gmail.com
            let mut out = String::with_capacity(email.len());
            let mut start = true;
            for ch in email.chars() {
                if start {
                    out.extend(ch.to_uppercase());
                } else {
                    out.push(ch);
                }
                start = matches!(ch, '.' | '@' | '_');
            }
            out
        }
        17 => email.to_uppercase(),
        18 => format!(" {email}"),
        _ => format!("{email} "),
    }
}

fn state_spelling(states: &[&str], rng: &mut Rng) -> String {
    let spelling = match rng.below(20) {
        0..=8 => states.first(),
        9..=14 => states.get(1),
        _ => states.get(rng.below(states.len() as u64) as usize),
    }
    .copied()
    .unwrap_or("");
    match rng.below(25) {
        0 => spelling.to_lowercase(),
        1 => spelling.to_uppercase(),
        _ => spelling.to_string(),
    }
}

fn company_of(last: Name, rng: &mut Rng) -> String {
    let l = last.display();
    match rng.below(12) {
        0 => format!("{l} Landscaping"),
        1 => format!("{l} & Sons, LLC"),
        2 => format!("{l} Plumbing & Heating"),
        3 => format!("{l} Dental"),
        4 => format!("The \"{l}\" Group"),
        5 => format!("{l} Consulting Ltd"),
        6 => format!("{l}, {} & Partners", CULTURES[0].0.last(rng).display()),
        _ => rng.pick(COMPANIES).to_string(),
    }
}

fn street_of(country: &Country, rng: &mut Rng) -> String {
    let number = 1 + rng.below(9999);
    let name = rng.pick(country.streets);
    if country.number_after {
        format!("{name} {number}")
    } else {
        format!("{number} {name}")
    }
}

fn unit_of(country: &Country, rng: &mut Rng) -> String {
    let n = 1 + rng.below(40);
    match (country.code, rng.below(5)) {
        ("GB", 0..=2) => format!("Flat {n}"),
        ("DE", _) => format!("{}. OG", 1 + rng.below(6)),
        ("FR", 0..=2) => format!("Bât. {}, {n}e étage", char::from(b'A' + rng.below(4) as u8)),
        (_, 0) => format!("Apt {n}"),
        (_, 1) => format!("Suite {}", n * 100),
        (_, 2) => format!("Unit {n}B"),
        (_, 3) => format!("#{n}"),
        _ => "c/o Reception".to_string(),
    }
}

fn postal_of(country: &Country, place: &Place, rng: &mut Rng) -> String {
    let mut out = String::new();
    for ch in place.postal.chars() {
        match ch {
            '#' => out.push(rng.digit()),
            // Letters every postal code system of the generator allows
            // (Canada's leave out D F I O Q U, the UK's inward codes C I K
            // M O V).
            '@' => out.push(char::from(*rng.pick(b"ABEGHJLNPRSTWXYZ"))),
            other => out.push(other),
        }
    }
    if country.code == "US" && rng.chance(0.1) {
        // ZIP+4
        out.push('-');
        for _ in 0..4 {
            out.push(rng.digit());
        }
    }
    out
}

fn reference_of(k: u64, rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("REF-{:06}", k + 1),
        1 => format!("CUST{}", 10_000 + k),
        _ => format!("A-{}-{}", k + 1, char::from(b'A' + rng.below(26) as u8)),
    }
}

fn password_of(rng: &mut Rng) -> String {
    const WORDS: &[&str] = &[
        "Plantain", "Sky", "Tiger", "maple", "Orbit", "coffee", "Rocket", "lemon", "Zebra",
        "pipes", "Garden", "sunset",
    ];
    const MARKS: &[&str] = &["!", "#", "&", "?", "@", ",", "\"", "-", "_", " ", "€", "%"];
    match rng.below(6) {
        0 => format!(
            "{} {} {} {}",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(WORDS)
        ),
        _ => format!(
            "{}{}{}{}{}",
            rng.pick(WORDS),
            rng.pick(MARKS),
            rng.pick(WORDS),
            rng.below(1000),
            rng.pick(MARKS)
        ),
    }
}

/// A value in `cells` by field id.
fn cell<'a>(cells: &'a [String], fields: &[&str], id: &str) -> &'a str {
    fields
        .iter()
        .position(|f| *f == id)
        .and_then(|i| cells.get(i))
        .map_or("", String::as_str)
}

/// Sets a cell by field id; ids the flavour lacks are ignored.
fn set(cells: &mut [String], fields: &[&str], id: &str, value: String) {
    if let Some(slot) = fields
        .iter()
        .position(|f| *f == id)
        .and_then(|i| cells.get_mut(i))
    {
        *slot = value;
    }
}

/// The cities the generator uses, by state, for `Context::city_directory`:
/// a field-service row with a state and no city gets its state's city.
pub fn city_directory() -> MemoryCityDirectory {
    let mut directory = MemoryCityDirectory::new();
    for country in COUNTRIES {
        for place in country.places {
            directory = directory.city(Some(country.code), place.iso, place.city);
        }
    }
    directory
}

/// Every supported country with its places, for tests of the tables.
pub fn countries() -> &'static [Country] {
    COUNTRIES
}

// ---------------------------------------------------------------------
// Tables. Every spelling here is checked by tests/generated.rs against
// the crate's own validators and place matcher.
// ---------------------------------------------------------------------

const CONTACT_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "street1",
    "street2",
    "city",
    "state",
    "postal_code",
    "country",
    "birthday",
    "reference_id",
    "other",
];

const SERVICE_FIELDS: &[&str] = &[
    "title",
    "first_name",
    "last_name",
    "email",
    "mobile",
    "phone",
    "password",
    "customer_type",
    "business_name",
    "date_joined",
    "street1",
    "street2",
    "city",
    "state",
    "postal_code",
    "country",
    "first_name2",
    "last_name2",
    "email2",
    "phone2",
    "mobile2",
    "first_name3",
    "last_name3",
    "email3",
    "phone3",
    "mobile3",
];

/// Header names people write, per field.
pub const CONTACT_HEADERS: &[(&str, &[&str])] = &[
    (
        "first_name",
        &[
            "First Name",
            "first_name",
            "First",
            "Given name",
            "FIRST NAME",
            "Forename",
        ],
    ),
    (
        "last_name",
        &["Last Name", "last_name", "Surname", "Family name", "Last"],
    ),
    (
        "email",
        &[
            "Email",
            "E-mail Address",
            "Email Address",
            "email",
            "E-mail",
            "Mail",
        ],
    ),
    (
        "phone",
        &[
            "Phone",
            "Phone Number",
            "Mobile",
            "Telephone",
            "Cell",
            "Tel",
        ],
    ),
    (
        "company",
        &["Company", "Company Name", "Organization", "Organisation"],
    ),
    (
        "street1",
        &[
            "Street",
            "Address",
            "Address Line 1",
            "Street Address",
            "Address 1",
        ],
    ),
    ("street2", &["Street 2", "Address Line 2", "Address 2"]),
    ("city", &["City", "Town", "city"]),
    (
        "state",
        &["State", "State/Province", "Province", "State/Region"],
    ),
    (
        "postal_code",
        &["Zip", "Postal Code", "Zip Code", "Postcode", "ZIP"],
    ),
    ("country", &["Country", "country"]),
    (
        "birthday",
        &["Birthday", "Date of Birth", "DOB", "Birth date"],
    ),
    (
        "reference_id",
        &["Reference ID", "External ID", "Reference"],
    ),
    ("other", &["Notes", "Other", "Comments", "Note"]),
];

/// Header names of field-service files: the template's, or the ids.
pub const SERVICE_HEADERS: &[(&str, &[&str])] = &[
    ("title", &["Customer title", "Title"]),
    ("first_name", &["first_name*", "First Name*", "first_name"]),
    ("last_name", &["last_name*", "Last Name*", "last_name"]),
    ("email", &["email*", "Email*", "Email address"]),
    ("mobile", &["mobile", "Mobile phone", "Mobile"]),
    ("phone", &["phone", "Phone number", "Phone"]),
    ("password", &["password", "Password"]),
    ("customer_type", &["Customer type", "customer_type"]),
    ("business_name", &["Business name", "business_name"]),
    ("date_joined", &["Date joined", "date_joined"]),
    ("street1", &["street1", "Street", "Address"]),
    ("street2", &["street2"]),
    ("city", &["city*", "City*", "city"]),
    ("state", &["state", "State", "Province"]),
    ("postal_code", &["postal_code", "Zip", "Postcode"]),
    ("country", &["country", "Country"]),
];

/// Columns no preset has: ignored with a warning.
pub const IGNORED_COLUMNS: &[&str] = &["Middle Name", "Fax", "Created At", "Lead Source"];

/// Title spellings by canonical title (Dr, Mr, Mrs, Miss, Ms).
pub const TITLES: &[&[&str]] = &[
    &["Dr", "Dr.", "DR", "Doctor", "dr."],
    &["Mr", "Mr.", "MR", "mr"],
    &["Mrs", "Mrs.", "MRS"],
    &["Miss", "miss"],
    &["Ms", "Ms.", "MS"],
];
pub const PERSONAL_SPELLINGS: &[&str] = &["Personal", "personal", "Residential", "PERSONAL"];
pub const BUSINESS_SPELLINGS: &[&str] = &["Business", "business", "Commercial", "Company"];

/// Values that must fail, in an account in any of the countries.
pub const BAD_PHONES: &[&str] = &[
    "555-01",
    "12345",
    "+1 415 555 01",
    "+44 20 7946 095",
    "+999 123 456",
    "n/a 12",
    "1111111",
    "+33 6 12 34",
    "000-000-0000",
    "+1 (000) 555-0101",
    "+1 555 0101",
    "+49 30 1",
];
pub const BAD_STATES: &[&str] = &[
    "Atlantis",
    "Carolina",
    "Dakota",
    "Gotham",
    "Springfield",
    "Narnia",
];
pub const BAD_TITLES: &[&str] = &["Sir", "Prof", "Rev", "Lord", "Captain"];
/// States a contacts row may give that are none: kept as written.
pub const KEPT_STATES: &[&str] = &["Atlantis", "Gotham", "Narnia", "Middle Earth"];

const NOTES: &[&str] = &[
    "Prefers morning visits",
    "Call before 5pm, not on weekends",
    "Gate code \"4821\", dog in the yard",
    "Referred by \"Ann\" from church",
    "VIP — 10% discount",
    "Paid invoice #4411, late",
    "Moved from the old CRM\nsee ticket 7733",
    "Спасибо за заказ",
    "请在上午联系",
    "Allergic to cats; leave parcels at the door",
    "=SUM(A1:A2) typed by mistake",
    "Speaks French, Spanish and a little German",
];

const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Müller Engineering GmbH",
    "Société Générale de Nettoyage",
    "García & Sons, LLC",
    "O'Neil Plumbing, LLC",
    "株式会社田中工務店",
    "Northwind Traders",
    "Blue Sky Café",
    "\"Best\" Movers Inc.",
    "Kowalski Sp. z o.o.",
    "Smith, Jones & Co.",
    "ООО \"Ромашка\"",
];

/// A country: its phone plan, ways of writing its name, places.
#[derive(Debug)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: &'static str,
    /// The country calling code, without `+`.
    pub calling: &'static str,
    /// The national trunk prefix ("0"), empty in the NANP.
    trunk: &'static str,
    /// How people here dial abroad.
    idd: &'static str,
    /// The separator of the local national format.
    separator: &'static str,
    /// Ways to write the country; all must be recognised.
    pub names: &'static [&'static str],
    /// Share of this country's customers who fill in a state.
    state_share: f64,
    pub places: &'static [Place],
    mobiles: &'static [Pattern],
    domains: &'static [&'static str],
    streets: &'static [&'static str],
    /// "Hauptstraße 5" rather than "5 Main St".
    number_after: bool,
}

/// A city, its state and its phone area codes.
#[derive(Debug)]
pub struct Place {
    pub city: &'static str,
    /// ISO 3166-2 of the state.
    pub iso: &'static str,
    /// Ways to write the state; all must match `iso`.
    pub states: &'static [&'static str],
    /// `#` a digit, `@` a letter.
    postal: &'static str,
    lines: &'static [Pattern],
}

impl Country {
    /// Every pattern of the country, for tests.
    pub fn patterns(&'static self) -> impl Iterator<Item = &'static Pattern> {
        self.mobiles
            .iter()
            .chain(self.places.iter().flat_map(|p| p.lines.iter()))
    }
}

/// A random number of `country` on `pattern` rendered for an account in
/// `home`, with its E.164 form: for tests and benches.
pub fn sample_phone(
    country: &'static Country,
    pattern: &Pattern,
    home: &Country,
    rng: &mut Rng,
) -> (String, String) {
    let phone = Phone::any(country, pattern, rng);
    (phone.render(home, rng), phone.e164())
}

const NANP: &[usize] = &[3, 3, 4];

const CA_STATES: &[&str] = &[
    "CA",
    "California",
    "Calif.",
    "Cal.",
    "california",
    "Califronia",
    "Calfornia",
    "US-CA",
];
const NY_STATES: &[&str] = &["NY", "New York", "N.Y.", "new york"];
const TX_STATES: &[&str] = &["TX", "Texas", "Tex.", "texas"];
const FL_STATES: &[&str] = &["FL", "Florida", "Fla.", "Flordia"];

#[rustfmt::skip]
const US_PLACES: &[Place] = &[
    Place { city: "San Francisco", iso: "US-CA", states: CA_STATES, postal: "941##", lines: &[pat("415Nxxxxxx", NANP), pat("628Nxxxxxx", NANP)] },
    Place { city: "Los Angeles", iso: "US-CA", states: CA_STATES, postal: "900##", lines: &[pat("213Nxxxxxx", NANP), pat("310Nxxxxxx", NANP), pat("323Nxxxxxx", NANP)] },
    Place { city: "San Diego", iso: "US-CA", states: CA_STATES, postal: "921##", lines: &[pat("619Nxxxxxx", NANP), pat("858Nxxxxxx", NANP)] },
    Place { city: "New York", iso: "US-NY", states: NY_STATES, postal: "100##", lines: &[pat("212Nxxxxxx", NANP), pat("646Nxxxxxx", NANP)] },
    Place { city: "Brooklyn", iso: "US-NY", states: NY_STATES, postal: "112##", lines: &[pat("718Nxxxxxx", NANP), pat("347Nxxxxxx", NANP)] },
    Place { city: "Chicago", iso: "US-IL", states: &["IL", "Illinois", "Ill.", "Illnois"], postal: "606##", lines: &[pat("312Nxxxxxx", NANP), pat("773Nxxxxxx", NANP)] },
    Place { city: "Houston", iso: "US-TX", states: TX_STATES, postal: "770##", lines: &[pat("713Nxxxxxx", NANP), pat("832Nxxxxxx", NANP)] },
    Place { city: "Austin", iso: "US-TX", states: TX_STATES, postal: "787##", lines: &[pat("512Nxxxxxx", NANP), pat("737Nxxxxxx", NANP)] },
    Place { city: "Dallas", iso: "US-TX", states: TX_STATES, postal: "752##", lines: &[pat("214Nxxxxxx", NANP), pat("469Nxxxxxx", NANP)] },
    Place { city: "Miami", iso: "US-FL", states: FL_STATES, postal: "331##", lines: &[pat("305Nxxxxxx", NANP), pat("786Nxxxxxx", NANP)] },
    Place { city: "Orlando", iso: "US-FL", states: FL_STATES, postal: "328##", lines: &[pat("407Nxxxxxx", NANP)] },
    Place { city: "Atlanta", iso: "US-GA", states: &["GA", "Georgia", "Ga.", "Geogia"], postal: "303##", lines: &[pat("404Nxxxxxx", NANP), pat("470Nxxxxxx", NANP)] },
    Place { city: "Boston", iso: "US-MA", states: &["MA", "Massachusetts", "Mass.", "Massachusets", "Massachussetts"], postal: "021##", lines: &[pat("617Nxxxxxx", NANP), pat("857Nxxxxxx", NANP)] },
    Place { city: "Seattle", iso: "US-WA", states: &["WA", "Washington", "Wash."], postal: "981##", lines: &[pat("206Nxxxxxx", NANP)] },
    Place { city: "Denver", iso: "US-CO", states: &["CO", "Colorado", "Colo."], postal: "802##", lines: &[pat("303Nxxxxxx", NANP), pat("720Nxxxxxx", NANP)] },
    Place { city: "Portland", iso: "US-OR", states: &["OR", "Oregon", "Ore.", "Oreg."], postal: "972##", lines: &[pat("503Nxxxxxx", NANP), pat("971Nxxxxxx", NANP)] },
    Place { city: "Phoenix", iso: "US-AZ", states: &["AZ", "Arizona", "Ariz.", "Arizonia"], postal: "850##", lines: &[pat("602Nxxxxxx", NANP), pat("480Nxxxxxx", NANP)] },
    Place { city: "Las Vegas", iso: "US-NV", states: &["NV", "Nevada", "Nev."], postal: "891##", lines: &[pat("702Nxxxxxx", NANP)] },
    Place { city: "Raleigh", iso: "US-NC", states: &["NC", "North Carolina", "N.C.", "N. Carolina", "No. Carolina"], postal: "276##", lines: &[pat("919Nxxxxxx", NANP)] },
    Place { city: "Salt Lake City", iso: "US-UT", states: &["UT", "Utah"], postal: "841##", lines: &[pat("801Nxxxxxx", NANP)] },
    Place { city: "Philadelphia", iso: "US-PA", states: &["PA", "Pennsylvania", "Pa.", "Penn.", "Penna.", "Pensylvania", "Pennsilvania"], postal: "191##", lines: &[pat("215Nxxxxxx", NANP), pat("267Nxxxxxx", NANP)] },
    Place { city: "Minneapolis", iso: "US-MN", states: &["MN", "Minnesota", "Minn.", "Minnesotta"], postal: "554##", lines: &[pat("612Nxxxxxx", NANP)] },
    Place { city: "Nashville", iso: "US-TN", states: &["TN", "Tennessee", "Tenn.", "Tennesee", "Tenessee"], postal: "372##", lines: &[pat("615Nxxxxxx", NANP)] },
    Place { city: "Albuquerque", iso: "US-NM", states: &["NM", "New Mexico", "N.M.", "N. Mex."], postal: "871##", lines: &[pat("505Nxxxxxx", NANP)] },
    Place { city: "Washington", iso: "US-DC", states: &["DC", "District of Columbia", "D.C.", "Washington DC"], postal: "200##", lines: &[pat("202Nxxxxxx", NANP)] },
];

const ON_STATES: &[&str] = &["ON", "Ontario", "Ont.", "ontario", "Onatrio"];
const QC_STATES: &[&str] = &["QC", "Québec", "Quebec", "Qc", "Que.", "PQ"];

#[rustfmt::skip]
const CA_PLACES: &[Place] = &[
    Place { city: "Toronto", iso: "CA-ON", states: ON_STATES, postal: "M5V #@#", lines: &[pat("416Nxxxxxx", NANP), pat("647Nxxxxxx", NANP)] },
    Place { city: "Ottawa", iso: "CA-ON", states: ON_STATES, postal: "K1A #@#", lines: &[pat("613Nxxxxxx", NANP)] },
    Place { city: "Vancouver", iso: "CA-BC", states: &["BC", "British Columbia", "B.C."], postal: "V6B #@#", lines: &[pat("604Nxxxxxx", NANP)] },
    Place { city: "Montréal", iso: "CA-QC", states: QC_STATES, postal: "H2X #@#", lines: &[pat("514Nxxxxxx", NANP)] },
    Place { city: "Québec", iso: "CA-QC", states: QC_STATES, postal: "G1R #@#", lines: &[pat("418Nxxxxxx", NANP)] },
    Place { city: "Calgary", iso: "CA-AB", states: &["AB", "Alberta", "Alta."], postal: "T2P #@#", lines: &[pat("403Nxxxxxx", NANP)] },
    Place { city: "Halifax", iso: "CA-NS", states: &["NS", "Nova Scotia", "N.S."], postal: "B3H #@#", lines: &[pat("902Nxxxxxx", NANP)] },
    Place { city: "Winnipeg", iso: "CA-MB", states: &["MB", "Manitoba", "Man."], postal: "R3C #@#", lines: &[pat("204Nxxxxxx", NANP)] },
];

const GB_LONDON: &[usize] = &[2, 4, 4];
const GB_CITY: &[usize] = &[3, 3, 4];
const GB_TOWN: &[usize] = &[4, 6];
const ENGLAND: &[&str] = &["England", "ENG", "england"];

#[rustfmt::skip]
const GB_PLACES: &[Place] = &[
    Place { city: "London", iso: "GB-ENG", states: ENGLAND, postal: "SW1A #@@", lines: &[pat("207xxxxxxx", GB_LONDON), pat("208xxxxxxx", GB_LONDON)] },
    Place { city: "Manchester", iso: "GB-MAN", states: &["Manchester", "manchester"], postal: "M1 #@@", lines: &[pat("161xxxxxxx", GB_CITY)] },
    Place { city: "Edinburgh", iso: "GB-EDH", states: &["Edinburgh", "City of Edinburgh"], postal: "EH1 #@@", lines: &[pat("1312xxxxxx", GB_CITY), pat("1315xxxxxx", GB_CITY)] },
    Place { city: "Glasgow", iso: "GB-GLG", states: &["Glasgow", "Glasgow City"], postal: "G1 #@@", lines: &[pat("141xxxxxxx", GB_CITY)] },
    Place { city: "Cardiff", iso: "GB-CRF", states: &["Cardiff"], postal: "CF10 #@@", lines: &[pat("292xxxxxxx", GB_LONDON)] },
    Place { city: "Belfast", iso: "GB-BFS", states: &["Belfast"], postal: "BT1 #@@", lines: &[pat("289xxxxxxx", GB_LONDON)] },
    Place { city: "Bristol", iso: "GB-BST", states: &["Bristol"], postal: "BS1 #@@", lines: &[pat("1179xxxxxx", GB_CITY), pat("1172xxxxxx", GB_CITY)] },
    Place { city: "Canterbury", iso: "GB-KEN", states: &["Kent"], postal: "CT1 #@@", lines: &[pat("1227xxxxxx", GB_TOWN)] },
    Place { city: "Guildford", iso: "GB-SRY", states: &["Surrey"], postal: "GU1 #@@", lines: &[pat("1483xxxxxx", GB_TOWN)] },
];

const DE_BIG: &[usize] = &[2, 8];
const DE_CITY: &[usize] = &[3, 7];
const DE_MOBILE: &[usize] = &[3, 7];
const DE_MOBILE_LONG: &[usize] = &[4, 7];

#[rustfmt::skip]
const DE_PLACES: &[Place] = &[
    Place { city: "Berlin", iso: "DE-BE", states: &["Berlin", "BE"], postal: "101##", lines: &[pat("30xxxxxxxx", DE_BIG)] },
    Place { city: "München", iso: "DE-BY", states: &["Bayern", "Bavaria", "BY", "bayern", "Bayren"], postal: "803##", lines: &[pat("89xxxxxxxx", DE_BIG)] },
    Place { city: "Hamburg", iso: "DE-HH", states: &["Hamburg", "HH"], postal: "203##", lines: &[pat("40xxxxxxxx", DE_BIG)] },
    Place { city: "Köln", iso: "DE-NW", states: &["Nordrhein-Westfalen", "NRW", "North Rhine-Westphalia", "NW", "Nordrhein Westfalen"], postal: "506##", lines: &[pat("221xxxxxxx", DE_CITY)] },
    Place { city: "Stuttgart", iso: "DE-BW", states: &["Baden-Württemberg", "Baden-Wuerttemberg", "BW"], postal: "701##", lines: &[pat("711xxxxxxx", DE_CITY)] },
    Place { city: "Frankfurt am Main", iso: "DE-HE", states: &["Hessen", "Hesse", "HE"], postal: "603##", lines: &[pat("69xxxxxxxx", DE_BIG)] },
    Place { city: "Dresden", iso: "DE-SN", states: &["Sachsen", "Saxony", "SN"], postal: "010##", lines: &[pat("351xxxxxxx", DE_CITY)] },
    Place { city: "Hannover", iso: "DE-NI", states: &["Niedersachsen", "Lower Saxony", "NI"], postal: "301##", lines: &[pat("511xxxxxxx", DE_CITY)] },
];

const FR_GROUPS: &[usize] = &[1, 2, 2, 2, 2];

#[rustfmt::skip]
const FR_PLACES: &[Place] = &[
    Place { city: "Paris", iso: "FR-IDF", states: &["Île-de-France", "Ile-de-France", "Ile de France", "IDF"], postal: "750##", lines: &[pat("1xxxxxxxx", FR_GROUPS)] },
    Place { city: "Lyon", iso: "FR-ARA", states: &["Auvergne-Rhône-Alpes", "Auvergne Rhone Alpes", "ARA"], postal: "6900#", lines: &[pat("47xxxxxxx", FR_GROUPS)] },
    Place { city: "Marseille", iso: "FR-PAC", states: &["Provence-Alpes-Côte d'Azur", "PACA", "Provence Alpes Cote d'Azur"], postal: "130##", lines: &[pat("49xxxxxxx", FR_GROUPS)] },
    Place { city: "Bordeaux", iso: "FR-NAQ", states: &["Nouvelle-Aquitaine", "Nouvelle Aquitaine"], postal: "330##", lines: &[pat("55xxxxxxx", FR_GROUPS), pat("56xxxxxxx", FR_GROUPS)] },
    Place { city: "Toulouse", iso: "FR-OCC", states: &["Occitanie"], postal: "310##", lines: &[pat("61xxxxxxx", FR_GROUPS), pat("62xxxxxxx", FR_GROUPS)] },
    Place { city: "Rennes", iso: "FR-BRE", states: &["Bretagne", "Brittany"], postal: "350##", lines: &[pat("299xxxxxx", FR_GROUPS)] },
    Place { city: "Strasbourg", iso: "FR-GES", states: &["Grand Est", "Grand-Est"], postal: "670##", lines: &[pat("388xxxxxx", FR_GROUPS)] },
    Place { city: "Lille", iso: "FR-HDF", states: &["Hauts-de-France", "Hauts de France"], postal: "590##", lines: &[pat("320xxxxxx", FR_GROUPS)] },
];

const AU_LAND: &[usize] = &[1, 4, 4];
const AU_MOBILE: &[usize] = &[3, 3, 3];

#[rustfmt::skip]
const AU_PLACES: &[Place] = &[
    Place { city: "Sydney", iso: "AU-NSW", states: &["NSW", "New South Wales", "N.S.W.", "nsw", "New South Whales"], postal: "2000", lines: &[pat("29xxxxxxx", AU_LAND), pat("28xxxxxxx", AU_LAND)] },
    Place { city: "Melbourne", iso: "AU-VIC", states: &["VIC", "Victoria", "Vic.", "Vic"], postal: "3000", lines: &[pat("39xxxxxxx", AU_LAND), pat("38xxxxxxx", AU_LAND)] },
    Place { city: "Brisbane", iso: "AU-QLD", states: &["QLD", "Queensland", "Qld", "Qld.", "Queenslnd"], postal: "4000", lines: &[pat("73xxxxxxx", AU_LAND)] },
    Place { city: "Perth", iso: "AU-WA", states: &["WA", "Western Australia", "W.A."], postal: "6000", lines: &[pat("89xxxxxxx", AU_LAND)] },
    Place { city: "Adelaide", iso: "AU-SA", states: &["SA", "South Australia"], postal: "5000", lines: &[pat("88xxxxxxx", AU_LAND)] },
    Place { city: "Canberra", iso: "AU-ACT", states: &["ACT", "Australian Capital Territory"], postal: "2600", lines: &[pat("26xxxxxxx", AU_LAND)] },
    Place { city: "Hobart", iso: "AU-TAS", states: &["TAS", "Tasmania", "Tas."], postal: "7000", lines: &[pat("362xxxxxx", AU_LAND)] },
];

/// The countries; the first is the default home.
const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        calling: "1",
        trunk: "",
        idd: "011",
        separator: "-",
        names: &[
            "US",
            "USA",
            "United States",
            "U.S.A.",
            "United States of America",
            "us",
        ],
        state_share: 0.85,
        places: US_PLACES,
        mobiles: &[],
        domains: &[
            "gmail.com",
            "yahoo.com",
            "outlook.com",
            "hotmail.com",
            "icloud.com",
            "aol.com",
            "comcast.net",
        ],
        streets: &[
            "Market St",
            "Mission St",
            "Main St",
            "Oak Ave",
            "Maple Dr",
            "Broadway",
            "W Madison St",
            "Congress Ave",
            "Elm St",
            "Pine St",
            "Martin Luther King Jr Blvd",
            "2nd Ave",
            "Sunset Blvd",
            "Lakeshore Dr",
        ],
        number_after: false,
    },
    Country {
        code: "CA",
        calling: "1",
        trunk: "",
        idd: "011",
        separator: "-",
        names: &["Canada", "CA", "CAN", "canada"],
        state_share: 0.85,
        places: CA_PLACES,
        mobiles: &[],
        domains: &[
            "gmail.com",
            "rogers.com",
            "shaw.ca",
            "videotron.ca",
            "outlook.com",
        ],
        streets: &[
            "Yonge St",
            "Queen St W",
            "rue Sainte-Catherine",
            "Robson St",
            "Bank St",
            "Spring Garden Rd",
            "boul. René-Lévesque",
        ],
        number_after: false,
    },
    Country {
        code: "GB",
        calling: "44",
        trunk: "0",
        idd: "00",
        separator: " ",
        names: &[
            "UK",
            "United Kingdom",
            "GB",
            "Great Britain",
            "U.K.",
            "England",
        ],
        state_share: 0.4,
        places: GB_PLACES,
        mobiles: &[
            pat("71xxxxxxxx", GB_TOWN),
            pat("72xxxxxxxx", GB_TOWN),
            pat("73xxxxxxxx", GB_TOWN),
            pat("780xxxxxxx", GB_TOWN),
        ],
        domains: &[
            "gmail.com",
            "btinternet.com",
            "hotmail.co.uk",
            "yahoo.co.uk",
            "sky.com",
        ],
        streets: &[
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Road",
            "Park Avenue",
            "Mill Lane",
            "The Crescent",
        ],
        number_after: false,
    },
    Country {
        code: "DE",
        calling: "49",
        trunk: "0",
        idd: "00",
        separator: "/",
        names: &["Germany", "Deutschland", "DE", "DEU", "germany"],
        state_share: 0.5,
        places: DE_PLACES,
        mobiles: &[
            pat("170xxxxxxx", DE_MOBILE),
            pat("1512xxxxxxx", DE_MOBILE_LONG),
            pat("176xxxxxxxx", DE_MOBILE_LONG),
        ],
        domains: &["gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de"],
        streets: &[
            "Hauptstraße",
            "Bahnhofstraße",
            "Schillerstraße",
            "Goethestraße",
            "Lindenallee",
            "Am Markt",
            "Königsallee",
        ],
        number_after: true,
    },
    Country {
        code: "FR",
        calling: "33",
        trunk: "0",
        idd: "00",
        separator: ".",
        names: &["France", "FR", "FRA", "france"],
        state_share: 0.5,
        places: FR_PLACES,
        mobiles: &[
            pat("61xxxxxxx", FR_GROUPS),
            pat("64xxxxxxx", FR_GROUPS),
            pat("67xxxxxxx", FR_GROUPS),
            pat("74xxxxxxx", FR_GROUPS),
            pat("77xxxxxxx", FR_GROUPS),
        ],
        domains: &["orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr"],
        streets: &[
            "rue de la Paix",
            "avenue des Champs-Élysées",
            "boulevard Saint-Germain",
            "rue Victor Hugo",
            "place Bellecour",
            "quai des Chartrons",
        ],
        number_after: false,
    },
    Country {
        code: "AU",
        calling: "61",
        trunk: "0",
        idd: "0011",
        separator: " ",
        names: &["Australia", "AU", "AUS", "australia"],
        state_share: 0.9,
        places: AU_PLACES,
        mobiles: &[
            pat("40xxxxxxx", AU_MOBILE),
            pat("41xxxxxxx", AU_MOBILE),
            pat("42xxxxxxx", AU_MOBILE),
            pat("43xxxxxxx", AU_MOBILE),
        ],
        domains: &[
            "bigpond.com",
            "gmail.com",
            "outlook.com.au",
            "optusnet.com.au",
        ],
        streets: &[
            "George St",
            "Collins St",
            "Queen St",
            "Hay St",
            "King William St",
            "Bourke St",
        ],
        number_after: false,
    },
];

const NAME_SMITH: Name = Name("Smith", "");

const ENGLISH: Culture = Culture {
    first: concat!(
        "James|Mary|John|Patricia|Robert|Jennifer|Michael|Linda|William|",
        "Elizabeth|David|Barbara|Richard|Susan|Joseph|Jessica|Thomas|Sarah|",
        "Charles|Karen|Christopher|Nancy|Daniel|Lisa|Matthew|Emily|Anthony|",
        "Ashley|Mark|Olivia|Andrew|Emma|Joshua|Sophia|Ryan|Chloe|Liam|Ava|Noah|",
        "Grace|Ethan|Hannah|Jack|Ella|Harry|Amelia|Oliver|Isla|Mary-Kate|",
        "Jo Ann",
    ),
    last: concat!(
        "Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|",
        "Taylor|Thomas|Moore|Jackson|Martin|Lee|Thompson|White|Harris|Clark|",
        "Lewis|Robinson|Walker|Young|Allen|King|Wright|Scott|Hill|Green|Adams|",
        "Baker|Nelson|Carter|Mitchell|Roberts|Turner|Phillips|Campbell|Parker|",
        "Evans|Edwards|Collins|Stewart|O'Brien|O'Neil|McDonald|MacLeod|",
        "Fitzgerald|Nguyen|Smith-Jones",
    ),
};

const HISPANIC: Culture = Culture {
    first: concat!(
        "José|María|Juan|Ana|Luis|Carmen|Jorge|Lucía|Carlos|Sofía|Miguel|",
        "Valentina|Andrés|Camila|Tomás|Inés|Raúl|Mónica|Íñigo|Begoña",
    ),
    last: concat!(
        "García|Rodríguez|Martínez|Hernández|López|González|Pérez|Sánchez|",
        "Ramírez|Torres|Flores|Núñez|Ortega|Jiménez|Muñoz|Díaz|Gutiérrez|Peña|",
        "Castillo|de la Cruz",
    ),
};

const GERMAN: Culture = Culture {
    first: concat!(
        "Jürgen|Günter|Hans|Klaus|Lukas|Jörg|Sören|Maximilian|Anna|Lena|Käthe|",
        "Lea|Mia|Björn|Uwe|Heike|Ursula|Zoë",
    ),
    last: concat!(
        "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|",
        "Hoffmann|Schäfer|Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|",
        "Krüger|Weiß|Groß|von Bülow",
    ),
};

const FRENCH: Culture = Culture {
    first: concat!(
        "François|Chloé|Léa|Élodie|Amélie|Hélène|Gaëlle|Jérôme|Théo|Noël|Anaïs|",
        "Céline|Loïc|Benoît|Stéphane|Renée|Maëlle|Zoé|Aurélien|Jean-Luc",
    ),
    last: concat!(
        "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|",
        "Lefèvre|Girard|Bonnet|Dupont|Lambert|Fontaine|Rousseau|Le Gall|",
        "Béranger|d'Arcy",
    ),
};

const CENTRAL: Culture = Culture {
    first: concat!(
        "Søren|Bjørn|Åsa|Ingrid|Łukasz|Małgorzata|Wojciech|Agnieszka|Jiří|",
        "Zdeněk|Tomáš|Kateřina",
    ),
    last: concat!(
        "Kowalski|Nowak|Wiśniewski|Wójcik|Dvořák|Novák|Svoboda|Černý|Jørgensen|",
        "Ødegaard|Åberg|Lindqvist",
    ),
};

const CHINESE: Culture = Culture {
    first: concat!(
        "伟=wei|芳=fang|娜=na|敏=min|静=jing|丽=li|强=qiang|磊=lei|军=jun|洋=yang|勇=yong|",
        "艳=yan|杰=jie|涛=tao|明=ming|秀英=xiuying|晓明=xiaoming|志强=zhiqiang",
    ),
    last: concat!(
        "王=wang|李=li|张=zhang|刘=liu|陈=chen|杨=yang|黄=huang|赵=zhao|吴=wu|周=zhou|",
        "徐=xu|孙=sun|马=ma|朱=zhu|胡=hu|林=lin",
    ),
};

const JAPANESE: Culture = Culture {
    first: concat!(
        "太郎=taro|花子=hanako|翔=sho|陽菜=hina|大翔=hiroto|結衣=yui|健太=kenta|さくら=sakura|",
        "美咲=misaki|蓮=ren",
    ),
    last: concat!(
        "佐藤=sato|鈴木=suzuki|高橋=takahashi|田中=tanaka|伊藤=ito|渡辺=watanabe|",
        "山本=yamamoto|中村=nakamura|小林=kobayashi|加藤=kato",
    ),
};

const KOREAN: Culture = Culture {
    first: "민준=minjun|서연=seoyeon|지훈=jihoon|하은=haeun|도윤=doyun|수빈=subin",
    last: "김=kim|이=lee|박=park|최=choi|정=jung|강=kang",
};

const RUSSIAN: Culture = Culture {
    first: concat!(
        "Иван=ivan|Ольга=olga|Дмитрий=dmitry|Анна=anna|Сергей=sergey|",
        "Наталья=natalya|Алексей=alexey|Екатерина=ekaterina|Михаил=mikhail|",
        "Татьяна=tatyana",
    ),
    last: concat!(
        "Иванов=ivanov|Смирнов=smirnov|Кузнецов=kuznetsov|Попов=popov|",
        "Васильев=vasilyev|Петров=petrov|Соколов=sokolov|Михайлов=mikhailov|",
        "Новиков=novikov|Фёдоров=fedorov",
    ),
};

const ARABIC: Culture = Culture {
    first: concat!(
        "محمد=mohammed|أحمد=ahmed|علي=ali|فاطمة=fatima|عائشة=aisha|",
        "يوسف=youssef|مريم=maryam|عمر=omar|خالد=khaled|ليلى=layla",
    ),
    last: concat!(
        "الحسن=alhassan|حداد=haddad|خوري=khoury|منصور=mansour|العلي=alali|",
        "سالم=salem|نصر=nasr|عبدالله=abdullah",
    ),
};

const INDIAN: Culture = Culture {
    first: "Priya|Rahul|Ananya|Arjun|Deepika|Vikram|Sanjay|Lakshmi|Aditya|Kavya",
    last: "Patel|Sharma|Singh|Kumar|Gupta|Natarajan|Iyer|Reddy|Chatterjee|Nair",
};

/// Naming traditions by weight; the first is the most common.
const CULTURES: &[(&Culture, u32)] = &[
    (&ENGLISH, 45),
    (&HISPANIC, 12),
    (&GERMAN, 6),
    (&FRENCH, 6),
    (&CENTRAL, 5),
    (&CHINESE, 7),
    (&JAPANESE, 3),
    (&KOREAN, 2),
    (&RUSSIAN, 4),
    (&ARABIC, 5),
    (&INDIAN, 5),
];
