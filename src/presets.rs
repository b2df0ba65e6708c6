//! Ready-made schemas for the imports people ask for most.

use crate::import::BlankRows;
use crate::policy::Policy;
use crate::rules::Rule;
use crate::schema::{Choices, DateFormat, Field, Schema};

/// The contacts import of a mobile field app's dashboard.
///
/// Columns (any order, header row required): first_name, last_name, email,
/// phone, company, street1, street2, city, state, postal_code, country,
/// birthday (ISO 8601, `1986-10-25`), reference_id, other. A recognised
/// state or country is stored as its ISO code (`US-CA`, `US`); one that is
/// not recognised is kept as written, with a warning. Each column also
/// answers to its label and common synonyms ("E-mail Address", "Surname",
/// "Zip"). No column is required, but every row needs at least one of
/// first_name, last_name, email or phone (`no_identifier`). Email and phone
/// identify a customer: the default policy is upsert.
///
/// ```
/// use intake::presets;
/// let schema = presets::contacts();
/// assert_eq!(schema.field_for_header("E-mail Address").map(|f| f.id()), Some("email"));
/// assert_eq!(schema.field_for_header("Zip").map(|f| f.id()), Some("postal_code"));
/// ```
pub fn contacts() -> Schema {
    let built = Schema::builder("contacts")
        .field(
            Field::text("first_name")
                .label("First name")
                .alias("First")
                .alias("Given name")
                .alias("Forename")
                .max_chars(100),
        )
        .field(
            Field::text("last_name")
                .label("Last name")
                .alias("Last")
                .alias("Surname")
                .alias("Family name")
                .max_chars(100),
        )
        .field(
            Field::email("email")
                .label("Email")
                .alias("E-mail")
                .alias("Email address")
                .alias("E-mail address")
                .alias("Mail")
                .identifier(),
        )
        .field(
            Field::phone("phone")
                .label("Phone")
                .alias("Phone number")
                .alias("Telephone")
                .alias("Tel")
                .alias("Mobile")
                .alias("Mobile phone")
                .alias("Cell")
                .identifier(),
        )
        .field(
            Field::text("company")
                .label("Company")
                .alias("Company name")
                .alias("Organization")
                .alias("Organisation"),
        )
        .field(
            Field::text("street1")
                .label("Street")
                .alias("Street 1")
                .alias("Address")
                .alias("Address 1")
                .alias("Address line 1")
                .alias("Street address"),
        )
        .field(
            Field::text("street2")
                .label("Street 2")
                .alias("Address 2")
                .alias("Address line 2"),
        )
        .field(
            Field::text("city")
                .label("City")
                .alias("Town")
                .max_chars(100),
        )
        .field(
            Field::state("state", Some("country"))
                .label("State")
                .alias("Province")
                .alias("Region")
                .alias("State/Province")
                .keep_unrecognized(),
        )
        .field(
            Field::text("postal_code")
                .label("Postal code")
                .alias("Zip")
                .alias("Zip code")
                .alias("Postcode")
                .alias("Post code")
                .max_chars(20),
        )
        .field(
            Field::country("country")
                .label("Country")
                .keep_unrecognized(),
        )
        .field(
            Field::date("birthday", vec![DateFormat::iso()])
                .label("Birthday")
                .alias("Date of birth")
                .alias("Birth date")
                .alias("DOB"),
        )
        .field(
            Field::text("reference_id")
                .label("Reference ID")
                .alias("Reference")
                .alias("External ID")
                .max_chars(100),
        )
        .field(
            Field::text("other")
                .label("Other")
                .alias("Notes")
                .alias("Note")
                .alias("Comments")
                .max_chars(2000),
        )
        .rule(Rule::at_least_one_of([
            "first_name",
            "last_name",
            "email",
            "phone",
        ]))
        .build();
    // The preset is fixed and checked by the tests; build() cannot fail.
    match built {
        Ok(schema) => schema,
        Err(e) => unreachable!("the contacts preset is inconsistent: {e}"),
    }
}

/// The customer import of a field-service CRM.
///
/// Columns, in template order: title ("Customer title": Dr, Mr, Mrs, Miss,
/// Ms), first_name\*, last_name\*, email\*, mobile, phone, password (stored
/// hashed), customer_type ("Customer type": Personal or Business; a
/// Business needs a business_name), business_name ("Business name"),
/// date_joined ("Date joined", `YYYY/MM/DD`), street1, street2, city\*,
/// state (matched against the country's states, misspellings included; an
/// unknown state fails the row as `unknown_state`), postal_code, country,
/// then the secondary contacts
/// ([`secondary_contact`] 2 and 3). Add the account's custom fields with
/// [`Schema::with_fields`].
///
/// City is required, but an empty city is filled in: the first city of the
/// row's state from the context's [`CityDirectory`](crate::CityDirectory),
/// or, with no state, the company's own city.
///
/// Defaults: insert-only (a customer that exists fails as
/// `already_exists`, a repeat in the file as `duplicate_in_file`), at most
/// 2,500 rows, and a blank row ends the data.
///
/// ```
/// use intake::presets;
///
/// let schema = presets::field_service();
/// assert_eq!(schema.field_for_header("Date joined").map(|f| f.id()), Some("date_joined"));
/// assert_eq!(schema.field_for_header("email2").map(|f| f.id()), Some("email2"));
/// assert_eq!(intake::Importer::new(schema).schema().name(), "field-service");
/// ```
pub fn field_service() -> Schema {
    let titles = Choices::new(["Dr", "Mr", "Mrs", "Miss", "Ms"]).alias("Doctor", "Dr");
    let types = Choices::new(["Personal", "Business"])
        .alias("Residential", "Personal")
        .alias("Commercial", "Business")
        .alias("Company", "Business");
    let built = Schema::builder("field-service")
        .field(
            Field::choice("title", titles)
                .label("Customer title")
                .alias("Title")
                .example("Mrs")
                .example("Dr"),
        )
        .field(
            Field::text("first_name")
                .required()
                .max_chars(100)
                .example("Maria")
                .example("James"),
        )
        .field(
            Field::text("last_name")
                .required()
                .max_chars(100)
                .example("García")
                .example("O'Neil"),
        )
        .field(
            Field::email("email")
                .required()
                .identifier()
                .alias("Email address")
                .example("maria.garcia@example.com")
                .example("james@oneil-plumbing.example"),
        )
        .field(
            Field::phone("mobile")
                .alias("Mobile phone")
                .example("(415) 555-0134"),
        )
        .field(
            Field::phone("phone")
                .identifier()
                .alias("Phone number")
                .example("(415) 555-0101")
                .example("(312) 555-0188"),
        )
        .field(Field::password("password"))
        .field(
            Field::choice("customer_type", types)
                .label("Customer type")
                .example("Personal")
                .example("Business"),
        )
        .field(
            Field::text("business_name")
                .label("Business name")
                .alias("Company")
                .example("")
                .example("O'Neil Plumbing LLC"),
        )
        .field(
            Field::date("date_joined", vec![date_joined_format()])
                .label("Date joined")
                .example("2018/05/12")
                .example("2021/11/03"),
        )
        .field(
            Field::text("street1")
                .alias("Street")
                .alias("Address")
                .example("1 Market St")
                .example("200 W Madison St"),
        )
        .field(
            Field::text("street2")
                .example("Apt 4")
                .example("Suite 1200"),
        )
        .field(
            Field::text("city")
                .required()
                .max_chars(100)
                .example("San Francisco")
                .example("Chicago"),
        )
        .field(
            Field::state("state", Some("country"))
                .alias("Province")
                .example("CA")
                .example("IL"),
        )
        .field(
            Field::text("postal_code")
                .alias("Zip")
                .alias("Postcode")
                .max_chars(20)
                .example("94105")
                .example("60606"),
        )
        .field(Field::country("country").example("US").example("US"))
        .fields(secondary_contact(2))
        .fields(secondary_contact(3))
        .rule(Rule::required_if_equals(
            "business_name",
            "customer_type",
            "Business",
        ))
        .rule(Rule::default_city("city", "state", Some("country")))
        .default_policy(Policy::insert_only())
        .default_max_rows(Some(2500))
        .default_blank_rows(BlankRows::EndData)
        .build();
    match built {
        Ok(schema) => schema,
        Err(e) => unreachable!("the field-service preset is inconsistent: {e}"),
    }
}

/// The fields of a customer's `n`th contact: first_name`n`, last_name`n`,
/// email`n`, phone`n` and mobile`n`, validated like the primary ones. They
/// are not identifiers: a secondary contact's email does not match
/// customers.
///
/// ```
/// use intake::presets::secondary_contact;
/// let ids: Vec<String> = secondary_contact(2).iter().map(|f| f.id().to_string()).collect();
/// assert_eq!(ids, ["first_name2", "last_name2", "email2", "phone2", "mobile2"]);
/// ```
pub fn secondary_contact(n: u8) -> Vec<Field> {
    vec![
        Field::text(format!("first_name{n}")).max_chars(100),
        Field::text(format!("last_name{n}")).max_chars(100),
        Field::email(format!("email{n}")),
        Field::phone(format!("phone{n}")),
        Field::phone(format!("mobile{n}")),
    ]
}

/// The field-service CRM's date format, `YYYY/MM/DD`.
fn date_joined_format() -> DateFormat {
    match DateFormat::new("YYYY/MM/DD") {
        Ok(format) => format,
        Err(e) => unreachable!("the date joined format is invalid: {e}"),
    }
}
