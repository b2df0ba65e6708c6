//! Ready-made schemas for the imports people ask for most.

use crate::policy::{Policy, UpdateRule};
use crate::read::BlankRows;
use crate::schema::Rule;
use crate::schema::{Choices, DateFormat, Field, Schema};

/// The contacts import of a mobile field app's dashboard.
///
/// Columns (any order, header row required): first_name, last_name, email,
/// phone, company, street1, street2, city, state, postal_code, country,
/// birthday (ISO 8601, `1986-10-25`), reference_id, other. A recognised
/// state or country is stored as its ISO code (`US-CA`, `US`); one that is
/// not recognised is kept as written, with a warning. No column is
/// required, but every row needs at least one of first_name, last_name,
/// email or phone (`no_identifier`). Email and phone identify a customer:
/// the default policy is upsert.
///
/// Updates: every field [overwrites](UpdateRule::Overwrite) (a contacts
/// import brings the customer up to date with the file; an empty cell
/// keeps the customer's value).
///
/// Each column also answers to its label, to the synonyms people write
/// ("E-mail Address", "Surname", "Zip", "Mobile") and to the column names
/// of other tools' contact exports: Outlook, Google Contacts (current and
/// "Google CSV"), HubSpot, Mailchimp, Salesforce, Shopify, Xero and
/// QuickBooks Online (see `tests/data/exports`). Where an export has
/// several candidates, one is taken (see [`Schema::map_header`]):
///
/// - phone: a plain phone column, else the mobile, else the primary, work,
///   then home number. Second numbers, fax and pager never.
/// - email: the first address ("E-mail 1 - Value", "E-mail Address"),
///   never a second one, a label/type column or a marketing flag.
/// - address: one address, all of its fields from the same one: the
///   unprefixed columns, else Google's "Address 1", the business/work
///   address (Outlook, Thunderbird), Salesforce's mailing address,
///   QuickBooks' billing address, Shopify's default address, Xero's postal
///   address; only when the file has none of those, the home, shipping or
///   Xero street address. "Other" and second addresses never.
/// - reference_id: the source system's id of the customer ("Record ID",
///   "Contact ID", "Customer ID", "AccountNumber").
/// - other: notes ("Notes", "Note", "Description", "Memo").
///
/// A bare "Region" column is not the state: in CRMs it is a sales
/// territory, in Mailchimp the region of the subscriber's IP address.
///
/// ```
/// use intake::presets;
/// let schema = presets::contacts();
/// assert_eq!(schema.field_for_header("E-mail Address").map(|f| f.id()), Some("email"));
/// assert_eq!(schema.field_for_header("Zip").map(|f| f.id()), Some("postal_code"));
/// assert_eq!(schema.field_for_header("Business Postal Code").map(|f| f.id()), Some("postal_code"));
/// assert!(schema.field_for_header("E-mail 2 Address").is_none());
/// ```
pub fn contacts() -> Schema {
    let built = Schema::builder("contacts")
        .field(with_aliases(
            Field::text("first_name").label("First name").max_chars(100),
            FIRST_NAME,
        ))
        .field(with_aliases(
            Field::text("last_name").label("Last name").max_chars(100),
            LAST_NAME,
        ))
        .field(with_aliases(
            Field::email("email").label("Email").identifier(),
            EMAIL,
        ))
        .field(with_aliases(
            Field::phone("phone").label("Phone").identifier(),
            &[
                PHONE_GENERIC,
                MOBILE,
                PHONE_PRIMARY,
                PHONE_WORK,
                PHONE_HOME,
                PHONE_OF_ADDRESS,
            ]
            .concat(),
        ))
        .field(with_aliases(
            Field::text("company").label("Company"),
            COMPANY,
        ))
        .field(address(
            Field::text("street1").label("Street"),
            STREET1,
            STREET1_IN_GROUPS,
        ))
        .field(address(
            Field::text("street2").label("Street 2"),
            STREET2,
            STREET2_IN_GROUPS,
        ))
        .field(address(
            Field::text("city").label("City").max_chars(100),
            CITY,
            CITY_IN_GROUPS,
        ))
        .field(address(
            Field::state("state", Some("country"))
                .label("State")
                .keep_unrecognized(),
            STATE,
            STATE_IN_GROUPS,
        ))
        .field(address(
            Field::postal_code("postal_code")
                .label("Postal code")
                .max_chars(20)
                .keep_unrecognized(),
            POSTAL_CODE,
            POSTAL_CODE_IN_GROUPS,
        ))
        .field(address(
            Field::country("country")
                .label("Country")
                .keep_unrecognized(),
            COUNTRY,
            COUNTRY_IN_GROUPS,
        ))
        .field(with_aliases(
            Field::date("birthday", vec![DateFormat::iso()]).label("Birthday"),
            BIRTHDAY,
        ))
        .field(with_aliases(
            Field::text("reference_id")
                .label("Reference ID")
                .max_chars(100),
            REFERENCE_ID,
        ))
        .field(with_aliases(
            Field::text("other").label("Other").max_chars(2000),
            NOTES,
        ))
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
/// row's state from the context's [`CityDirectory`](crate::geo::CityDirectory),
/// or, with no state, the company's own city.
///
/// Defaults: insert-only (a customer that exists fails as
/// `already_exists`, a repeat in the file as `duplicate_in_file`), at most
/// 2,500 rows, and a blank row ends the data.
///
/// Updates, for an import with another [`Policy`] (upsert, update-only):
/// `date_joined` is [never updated](UpdateRule::Never) (the day a customer
/// joined is set when the customer is created), `password` only [filled
/// when the customer has none](UpdateRule::FillEmpty) (a password once set
/// is the customer's, never replaced by a file's); every other field
/// overwrites.
///
/// ```
/// use intake::presets;
///
/// let schema = presets::field_service();
/// assert_eq!(schema.field_for_header("Date joined").map(|f| f.id()), Some("date_joined"));
/// assert_eq!(schema.field_for_header("email2").map(|f| f.id()), Some("email2"));
/// assert_eq!(schema.field("date_joined").map(|f| f.get_update_rule()), Some(intake::UpdateRule::Never));
/// assert_eq!(schema.field("password").map(|f| f.get_update_rule()), Some(intake::UpdateRule::FillEmpty));
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
            with_aliases(Field::choice("title", titles), TITLE)
                .label("Customer title")
                .example("Mrs")
                .example("Dr"),
        )
        .field(
            with_aliases(Field::text("first_name"), FIRST_NAME)
                .required()
                .max_chars(100)
                .example("Maria")
                .example("James"),
        )
        .field(
            with_aliases(Field::text("last_name"), LAST_NAME)
                .required()
                .max_chars(100)
                .example("García")
                .example("O'Neil"),
        )
        .field(
            with_aliases(Field::email("email"), EMAIL)
                .required()
                .identifier()
                .example("maria.garcia@example.com")
                .example("james@oneil-plumbing.example"),
        )
        .field(with_aliases(Field::phone("mobile"), MOBILE).example("(415) 555-0134"))
        .field(
            with_aliases(
                Field::phone("phone"),
                &[
                    PHONE_GENERIC,
                    PHONE_PRIMARY,
                    PHONE_WORK,
                    PHONE_HOME,
                    PHONE_OF_ADDRESS,
                ]
                .concat(),
            )
            .identifier()
            .example("(415) 555-0101")
            .example("(312) 555-0188"),
        )
        .field(Field::password("password").update_rule(UpdateRule::FillEmpty))
        .field(
            Field::choice("customer_type", types)
                .label("Customer type")
                .example("Personal")
                .example("Business"),
        )
        .field(
            with_aliases(Field::text("business_name").alias("Company"), COMPANY)
                .label("Business name")
                .example("")
                .example("O'Neil Plumbing LLC"),
        )
        .field(
            with_aliases(
                Field::date("date_joined", vec![date_joined_format()]),
                &["Customer since", "Join date", "Joined"],
            )
            .label("Date joined")
            .update_rule(UpdateRule::Never)
            .example("2018/05/12")
            .example("2021/11/03"),
        )
        .field(
            address(
                Field::text("street1").alias("Street"),
                STREET1,
                STREET1_IN_GROUPS,
            )
            .example("1 Market St")
            .example("200 W Madison St"),
        )
        .field(
            address(Field::text("street2"), STREET2, STREET2_IN_GROUPS)
                .example("Apt 4")
                .example("Suite 1200"),
        )
        .field(
            address(Field::text("city"), CITY, CITY_IN_GROUPS)
                .required()
                .max_chars(100)
                .example("San Francisco")
                .example("Chicago"),
        )
        .field(
            address(
                Field::state("state", Some("country")),
                STATE,
                STATE_IN_GROUPS,
            )
            .example("CA")
            .example("IL"),
        )
        .field(
            address(
                Field::postal_code("postal_code"),
                POSTAL_CODE,
                POSTAL_CODE_IN_GROUPS,
            )
            .max_chars(20)
            .example("94105")
            .example("60606"),
        )
        .field(
            address(Field::country("country"), COUNTRY, COUNTRY_IN_GROUPS)
                .example("US")
                .example("US"),
        )
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

/// Adds `aliases` to `field`, in rank order.
fn with_aliases(field: Field, aliases: &[&str]) -> Field {
    aliases
        .iter()
        .fold(field, |field, alias| field.alias(*alias))
}

/// Adds an address field's names: unprefixed ones, then those of each
/// address group, in rank order.
fn address(field: Field, aliases: &[&str], in_groups: &[(&str, &str)]) -> Field {
    in_groups
        .iter()
        .fold(with_aliases(field, aliases), |field, (group, alias)| {
            field.alias_in_group(group, *alias)
        })
}

// Header names of the presets' fields, as people and other tools write
// them. Order is rank (see `Field::alias`): when a file has several, the
// first listed wins. See tests/data/exports for the exports they come from.

const FIRST_NAME: &[&str] = &["First", "Given name", "Forename"];
const LAST_NAME: &[&str] = &["Last", "Surname", "Family name"];
const EMAIL: &[&str] = &[
    "Email address",
    "Mail",
    "Email 1",
    "E-mail 1 - Value",
    "Primary email",
    "Main email",
];
/// The honorific (Mr, Dr), for files without a "Title" column (which is the
/// field's id).
const TITLE: &[&str] = &["Salutation", "Name prefix"];

// Phones: a generic phone first, then mobile (the number that reaches the
// person, and the best match key), then primary, work and home numbers.
// Numbered extras ("Business Phone 2"), fax, pager and the like are never
// the phone.
const PHONE_GENERIC: &[&str] = &[
    "Phone number",
    "Telephone",
    "Telephone number",
    "Tel",
    "Phone 1 - Value",
];
const MOBILE: &[&str] = &[
    "Mobile",
    "Mobile phone",
    "Mobile number",
    "Mobile phone number",
    "Cell",
    "Cell phone",
    "Cell number",
];
const PHONE_PRIMARY: &[&str] = &["Primary phone", "Main phone"];
const PHONE_WORK: &[&str] = &["Business phone", "Work phone", "Office phone"];
const PHONE_HOME: &[&str] = &["Home phone"];
/// Shopify's phone of the customer's default address.
const PHONE_OF_ADDRESS: &[&str] = &["Default address phone"];

const COMPANY: &[&str] = &[
    "Company name",
    "Organization",
    "Organisation",
    "Organization name",
    "Organisation name",
    "Organization 1 - Name",
    "Business name",
    "Account name",
    "Company / Account",
    "Default address company",
];

// Addresses. Exports hold several addresses per contact; the presets take
// one. Unprefixed names ("City") come first, then the groups
// (`Field::alias_in_group`), best first, in the order `STREET1_IN_GROUPS`
// names them: Google's "Address 1", Outlook's "Business", Salesforce's
// "Mailing", QuickBooks' "Billing", Shopify's "Default Address", Xero's
// postal address ("PO"); then the fallbacks, used only when the file has
// none of those: "Home", "Shipping", Xero's street address ("SA"). All the
// address fields come from the same group. "Other" addresses (Outlook,
// Salesforce) and second addresses ("Address 2 - Street") are never the
// customer's address.
const STREET1: &[&str] = &[
    "Address",
    "Address 1",
    "Address line 1",
    "Street address",
    "Street address 1",
    "Street line 1",
];
const STREET1_IN_GROUPS: &[(&str, &str)] = &[
    ("Address 1", "Address 1 - Street"),
    ("Business", "Business street"),
    ("Business", "Work street"),
    ("Business", "Work address"),
    ("Mailing", "Mailing street"),
    ("Billing", "Billing street"),
    ("Billing", "Billing street 1"),
    ("Billing", "Billing address line 1"),
    ("Default address", "Default address address1"),
    ("PO", "PO address line 1"),
    ("Home", "Home street"),
    ("Home", "Home address"),
    ("Shipping", "Shipping street"),
    ("Shipping", "Shipping address line 1"),
    ("SA", "SA address line 1"),
];
const STREET2: &[&str] = &[
    "Address 2",
    "Address line 2",
    "Street address 2",
    "Street line 2",
];
const STREET2_IN_GROUPS: &[(&str, &str)] = &[
    ("Address 1", "Address 1 - Extended Address"),
    ("Business", "Business street 2"),
    ("Business", "Work street 2"),
    ("Business", "Work address 2"),
    ("Billing", "Billing street 2"),
    ("Billing", "Billing address line 2"),
    ("Default address", "Default address address2"),
    ("PO", "PO address line 2"),
    ("Home", "Home street 2"),
    ("Home", "Home address 2"),
    ("Shipping", "Shipping address line 2"),
    ("SA", "SA address line 2"),
];
const CITY: &[&str] = &["Town", "Town/City", "City/Town", "Address city"];
const CITY_IN_GROUPS: &[(&str, &str)] = &[
    ("Address 1", "Address 1 - City"),
    ("Business", "Business city"),
    ("Business", "Work city"),
    ("Mailing", "Mailing city"),
    ("Billing", "Billing city"),
    ("Billing", "Billing address city"),
    ("Default address", "Default address city"),
    ("PO", "PO city"),
    ("Home", "Home city"),
    ("Shipping", "Shipping city"),
    ("Shipping", "Shipping address city"),
    ("SA", "SA city"),
];
/// Not a bare "Region": in CRMs that is a sales territory, and in
/// Mailchimp the region of the subscriber's IP address.
const STATE: &[&str] = &[
    "Province",
    "State/Province",
    "State/Region",
    "Province/State",
    "State or province",
    "State code",
    "Province code",
    "Address state",
];
const STATE_IN_GROUPS: &[(&str, &str)] = &[
    ("Address 1", "Address 1 - Region"),
    ("Business", "Business state"),
    ("Business", "Work state"),
    ("Mailing", "Mailing state/province"),
    ("Mailing", "Mailing state"),
    ("Billing", "Billing state"),
    ("Billing", "Billing address state"),
    ("Default address", "Default address province code"),
    ("Default address", "Default address province"),
    ("PO", "PO region"),
    ("Home", "Home state"),
    ("Shipping", "Shipping state"),
    ("Shipping", "Shipping address state"),
    ("SA", "SA region"),
];
const POSTAL_CODE: &[&str] = &[
    "Zip",
    "Zip code",
    "Postcode",
    "Post code",
    "Zip/Postal code",
    "Postal/Zip code",
    "Address zip",
    "Address postal code",
];
const POSTAL_CODE_IN_GROUPS: &[(&str, &str)] = &[
    ("Address 1", "Address 1 - Postal Code"),
    ("Business", "Business postal code"),
    ("Business", "Work zip code"),
    ("Business", "Work postal code"),
    ("Mailing", "Mailing zip/postal code"),
    ("Mailing", "Mailing postal code"),
    ("Mailing", "Mailing zip"),
    ("Billing", "Billing zip"),
    ("Billing", "Billing zip code"),
    ("Billing", "Billing postal code"),
    ("Billing", "Billing address postal code"),
    ("Default address", "Default address zip"),
    ("PO", "PO postal code"),
    ("Home", "Home postal code"),
    ("Home", "Home zip code"),
    ("Shipping", "Shipping zip"),
    ("Shipping", "Shipping postal code"),
    ("Shipping", "Shipping address postal code"),
    ("SA", "SA postal code"),
];
const COUNTRY: &[&str] = &["Country/Region", "Address country"];
const COUNTRY_IN_GROUPS: &[(&str, &str)] = &[
    ("Address 1", "Address 1 - Country"),
    ("Business", "Business country/region"),
    ("Business", "Business country"),
    ("Business", "Work country"),
    ("Mailing", "Mailing country"),
    ("Billing", "Billing country"),
    ("Billing", "Billing address country"),
    ("Default address", "Default address country code"),
    ("Default address", "Default address country"),
    ("PO", "PO country"),
    ("Home", "Home country/region"),
    ("Home", "Home country"),
    ("Shipping", "Shipping country"),
    ("Shipping", "Shipping address country"),
    ("SA", "SA country"),
];
const BIRTHDAY: &[&str] = &["Date of birth", "Birth date", "DOB"];
/// The customer's id in the system the file comes from.
const REFERENCE_ID: &[&str] = &[
    "Reference",
    "External ID",
    "Customer ID",
    "Contact ID",
    "Lead ID",
    "Record ID",
    "Account number",
    "Customer number",
];
const NOTES: &[&str] = &[
    "Notes",
    "Memo",
    "Note",
    "Comments",
    "Comment",
    "Description",
    "Remarks",
];
