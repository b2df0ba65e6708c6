//! Ready-made schemas for the imports people ask for most.

use crate::rules::Rule;
use crate::schema::{DateFormat, Field, Schema};

/// The contacts import of a mobile field app's dashboard.
///
/// Columns (any order, header row required): first_name, last_name, email,
/// phone, company, street1, street2, city, state, postal_code, country,
/// birthday (ISO 8601, `1986-10-25`), reference_id, other. Each also
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
        .field(Field::text("city").label("City").alias("Town").max_chars(100))
        .field(
            Field::text("state")
                .label("State")
                .alias("Province")
                .alias("Region")
                .alias("State/Province")
                .max_chars(100),
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
        .field(Field::text("country").label("Country").max_chars(100))
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
