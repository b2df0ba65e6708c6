//! What people write that the data lacks, and where the data lags ISO
//! 3166-2: the hand-kept tables the [index](super::index) adds to
//! `keshvar`'s data (see the [matcher](super::matcher)'s docs for what they
//! cover and why).

/// Countries' names for messages where the short ISO name is long or formal.
pub(super) const COUNTRY_DISPLAY_NAMES: &[(&str, &str)] = &[
    ("BO", "Bolivia"),
    ("BN", "Brunei"),
    ("CD", "Democratic Republic of the Congo"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("GB", "United Kingdom"),
    ("IR", "Iran"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("LA", "Laos"),
    ("MD", "Moldova"),
    ("MF", "Saint Martin"),
    ("PS", "Palestine"),
    ("RU", "Russia"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("US", "United States"),
    ("VA", "Vatican City"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
    ("VN", "Vietnam"),
];

/// Country names people write that the data lacks.
pub(super) const EXTRA_COUNTRY_NAMES: &[(&str, &[&str])] = &[
    ("AE", &["UAE", "U.A.E.", "Emirates"]),
    ("AT", &["Osterreich"]),
    ("BA", &["Bosnia", "Bosnia-Herzegovina"]),
    ("CD", &["DR Congo", "DRC", "Congo-Kinshasa"]),
    ("CG", &["Congo-Brazzaville"]),
    ("CH", &["Svizzera", "Confoederatio Helvetica"]),
    (
        "CN",
        &["PRC", "People's Republic of China", "Mainland China"],
    ),
    ("CZ", &["Cesko", "Czech"]),
    ("DK", &["Danmark"]),
    ("FI", &["Suomi"]),
    (
        "GB",
        &["Britain", "U.K.", "Scotland", "Wales", "Northern Ireland"],
    ),
    ("GR", &["Hellas", "Ellada"]),
    ("HU", &["Magyarorszag"]),
    ("IE", &["Republic of Ireland", "Eire"]),
    ("IN", &["Bharat"]),
    ("JP", &["Nippon", "Nihon"]),
    ("KP", &["DPRK"]),
    ("KR", &["Republic of Korea", "ROK"]),
    ("MK", &["Macedonia", "North Macedonia"]),
    ("NL", &["Holland"]),
    ("NZ", &["Aotearoa"]),
    ("NO", &["Norge"]),
    ("PL", &["Polska"]),
    ("SA", &["KSA", "Saudi"]),
    ("SE", &["Sverige"]),
    ("TR", &["Turkiye"]),
    (
        "US",
        &["U.S.", "U.S.A.", "United States of America", "the States"],
    ),
    ("VA", &["Vatican"]),
    ("ZA", &["RSA"]),
];

/// State names the data lacks: (country, region code, names). Postal
/// abbreviations of the US (GPO style), Canada and Mexico, English names
/// of German, Spanish, Italian and French regions, British county
/// abbreviations, Japanese prefectures in kanji, ISO's current names, and
/// names of units newer than ISO's list, on the ISO subdivision that
/// contains them.
pub(super) const EXTRA_STATE_NAMES: &[(&str, &str, &[&str])] = &[
    // United States.
    ("US", "AL", &["Ala."]),
    ("US", "AK", &["Alas."]),
    ("US", "AZ", &["Ariz."]),
    ("US", "AR", &["Ark."]),
    ("US", "CA", &["Calif.", "Cal."]),
    ("US", "CO", &["Colo."]),
    ("US", "CT", &["Conn."]),
    ("US", "DE", &["Del."]),
    (
        "US",
        "DC",
        &[
            "Washington D.C.",
            "Washington DC",
            "Wash. D.C.",
            "Washington, District of Columbia",
        ],
    ),
    ("US", "FL", &["Fla."]),
    ("US", "ID", &["Ida."]),
    ("US", "IL", &["Ill."]),
    ("US", "IN", &["Ind."]),
    ("US", "KS", &["Kan.", "Kans."]),
    ("US", "MA", &["Mass."]),
    ("US", "MI", &["Mich."]),
    ("US", "MN", &["Minn."]),
    ("US", "MS", &["Miss."]),
    ("US", "MT", &["Mont."]),
    ("US", "NE", &["Neb.", "Nebr."]),
    ("US", "NV", &["Nev."]),
    ("US", "NM", &["N. Mex.", "N.M."]),
    ("US", "ND", &["N. Dak."]),
    ("US", "OK", &["Okla."]),
    ("US", "OR", &["Ore.", "Oreg."]),
    ("US", "PA", &["Penn.", "Penna."]),
    ("US", "SD", &["S. Dak."]),
    ("US", "TN", &["Tenn."]),
    ("US", "TX", &["Tex."]),
    ("US", "WA", &["Wash.", "Washington State"]),
    ("US", "WV", &["W. Va.", "W. Virginia"]),
    ("US", "WI", &["Wis.", "Wisc."]),
    ("US", "WY", &["Wyo."]),
    // Canada.
    ("CA", "AB", &["Alta."]),
    ("CA", "MB", &["Man."]),
    ("CA", "NL", &["Nfld.", "NF", "Newfoundland & Labrador"]),
    ("CA", "NT", &["NWT", "N.W.T."]),
    ("CA", "ON", &["Ont."]),
    ("CA", "PE", &["PEI", "P.E.I."]),
    ("CA", "QC", &["PQ", "Que."]),
    ("CA", "SK", &["Sask."]),
    ("CA", "YT", &["Yuk."]),
    // United Kingdom.
    ("GB", "NIR", &["N. Ireland"]),
    ("GB", "BST", &["Bristol"]),
    ("GB", "DND", &["Dundee"]),
    ("GB", "EDH", &["Edinburgh"]),
    ("GB", "GLG", &["Glasgow"]),
    ("GB", "KHL", &["Hull", "Kingston upon Hull"]),
    ("GB", "AGY", &["Anglesey"]),
    ("GB", "IOS", &["Scilly"]),
    ("GB", "ORK", &["Orkney"]),
    ("GB", "ZET", &["Shetland"]),
    ("GB", "WLS", &["Wales [Cymru GB-CYM]"]),
    // ISO's current names where the data's differ in more than spelling
    // (a misspelling of `Herefordshire` is `Hertfordshire`).
    ("GB", "BFS", &["Belfast City"]),
    ("GB", "HEF", &["Herefordshire"]),
    // England's 2023 unitary authorities, which ISO does not list yet:
    // the county that contains them.
    (
        "GB",
        "CMA",
        &["Cumberland", "Westmorland and Furness", "Westmorland"],
    ),
    ("GB", "BKM", &["Bucks"]),
    ("GB", "CAM", &["Cambs"]),
    ("GB", "DBY", &["Derbys"]),
    ("GB", "GLS", &["Glos"]),
    ("GB", "HAM", &["Hants"]),
    ("GB", "HRT", &["Herts"]),
    ("GB", "LAN", &["Lancs"]),
    ("GB", "LEC", &["Leics"]),
    ("GB", "LIN", &["Lincs"]),
    ("GB", "NTH", &["Northants"]),
    ("GB", "NTT", &["Notts"]),
    ("GB", "OXF", &["Oxon"]),
    ("GB", "STS", &["Staffs"]),
    ("GB", "WAR", &["Warks"]),
    ("GB", "WIL", &["Wilts"]),
    ("GB", "WOR", &["Worcs"]),
    // Germany.
    (
        "DE",
        "MV",
        &[
            "Mecklenburg-Western Pomerania",
            "Mecklenburg-West Pomerania",
        ],
    ),
    ("DE", "NI", &["Lower Saxony"]),
    ("DE", "NW", &["North Rhine-Westphalia", "NRW"]),
    ("DE", "SN", &["Saxony"]),
    ("DE", "ST", &["Saxony-Anhalt"]),
    ("DE", "TH", &["Thuringia"]),
    // France.
    ("FR", "BRE", &["Brittany"]),
    ("FR", "NOR", &["Normandy"]),
    (
        "FR",
        "NAQ",
        &["New Aquitaine", "Aquitaine", "Limousin", "Poitou-Charentes"],
    ),
    // France's regions before 2016, within today's.
    ("FR", "ARA", &["Rhône-Alpes", "Auvergne"]),
    ("FR", "BFC", &["Bourgogne", "Burgundy", "Franche-Comté"]),
    ("FR", "GES", &["Lorraine", "Champagne-Ardenne"]),
    ("FR", "HDF", &["Nord-Pas-de-Calais", "Picardie", "Picardy"]),
    (
        "FR",
        "NOR",
        &[
            "Haute-Normandie",
            "Basse-Normandie",
            "Upper Normandy",
            "Lower Normandy",
        ],
    ),
    ("FR", "OCC", &["Midi-Pyrénées", "Languedoc-Roussillon"]),
    // Spain.
    ("ES", "AN", &["Andalusia"]),
    ("ES", "CL", &["Castile and Leon"]),
    ("ES", "CM", &["Castile-La Mancha"]),
    ("ES", "CN", &["Canarias", "Islas Canarias"]),
    ("ES", "CT", &["Catalonia", "Catalunya"]),
    ("ES", "GA", &["Galiza"]),
    ("ES", "MC", &["Region of Murcia", "Murcia, Región de"]),
    ("ES", "MD", &["Community of Madrid", "Madrid, Comunidad de"]),
    ("ES", "PV", &["Basque Country", "Euskadi"]),
    (
        "ES",
        "VC",
        &[
            "Valencian Community",
            "Comunitat Valenciana",
            "Valenciana, Comunidad",
        ],
    ),
    // ISO's names of the single-province communities (one place with
    // their province, see `SAME_PLACES`).
    (
        "ES",
        "NC",
        &[
            "Navarra, Comunidad Foral de",
            "Nafarroako Foru Komunitatea",
            "Chartered Community of Navarre",
        ],
    ),
    (
        "ES",
        "AS",
        &["Asturias, Principado de", "Principality of Asturias"],
    ),
    ("ES", "IB", &["Illes Balears"]),
    // Italy.
    ("IT", "21", &["Piedmont"]),
    ("IT", "52", &["Tuscany"]),
    ("IT", "82", &["Sicily"]),
    ("IT", "88", &["Sardinia"]),
    ("IT", "FI", &["Florence"]),
    ("IT", "GE", &["Genoa"]),
    ("IT", "MI", &["Milan"]),
    ("IT", "MN", &["Mantua"]),
    ("IT", "PD", &["Padua"]),
    ("IT", "SR", &["Syracuse"]),
    ("IT", "NA", &["Naples"]),
    ("IT", "RM", &["Rome"]),
    ("IT", "TO", &["Turin"]),
    ("IT", "VE", &["Venice"]),
    // The province of Aosta is the region.
    ("IT", "23", &["Aosta"]),
    // Sardinia's provinces of 2005-2016 and of its 2025 reform, which ISO
    // does not list: the 2016 province that contains each.
    ("IT", "NU", &["Ogliastra"]),
    (
        "IT",
        "SS",
        &[
            "Olbia-Tempio",
            "Gallura",
            "Gallura Nord-Est Sardegna",
            "Città metropolitana di Sassari",
        ],
    ),
    (
        "IT",
        "SU",
        &["Carbonia-Iglesias", "Sulcis Iglesiente", "Medio Campidano"],
    ),
    // Norway's counties of the 2024 reform, which ISO does not list: the
    // 2020 county that contains each.
    ("NO", "30", &["Østfold", "Akershus", "Buskerud"]),
    ("NO", "38", &["Vestfold", "Telemark"]),
    ("NO", "54", &["Troms", "Finnmark"]),
    // ISO's current names where the data's differ in more than spelling.
    ("BE", "WAL", &["wallonne, Région", "Wallonie"]),
    ("NL", "FR", &["Fryslân"]),
    ("NZ", "WGN", &["Greater Wellington"]),
    ("NZ", "MWT", &["Manawatū-Whanganui"]),
    ("PT", "20", &["Região Autónoma dos Açores"]),
    ("PT", "30", &["Região Autónoma da Madeira"]),
    (
        "KZ",
        "61",
        &["Turkistan", "Turkestan", "Turkestankaya oblast'"],
    ),
    // Switzerland.
    ("CH", "AI", &["Appenzell Inner Rhodes"]),
    ("CH", "AR", &["Appenzell Outer Rhodes"]),
    ("CH", "BL", &["Basel-Country", "Basel-Land", "Baselland"]),
    ("CH", "BS", &["Basel-City"]),
    ("CH", "GE", &["Geneva"]),
    // Mexico.
    ("MX", "AGU", &["Ags."]),
    ("MX", "BCN", &["B.C."]),
    (
        "MX",
        "CMX",
        &[
            "CDMX",
            "Mexico City",
            "D.F.",
            "Distrito Federal",
            "México D.F.",
        ],
    ),
    ("MX", "GUA", &["Gto."]),
    (
        "MX",
        "MEX",
        &["Edomex", "Estado de Mexico", "State of Mexico"],
    ),
    ("MX", "NLE", &["N.L."]),
    ("MX", "QUE", &["Qro."]),
    ("MX", "ROO", &["Q. Roo"]),
    ("MX", "TAM", &["Tamps."]),
    // India.
    ("IN", "AN", &["Andaman and Nicobar"]),
    ("IN", "DH", &["Dadra and Nagar Haveli", "Daman and Diu"]),
    (
        "IN",
        "DL",
        &["NCT of Delhi", "National Capital Territory of Delhi"],
    ),
    ("IN", "JK", &["J&K"]),
    ("IN", "PY", &["Puducherry"]),
    ("IN", "TS", &["Telangana"]),
    ("IN", "UK", &["Uttarakhand", "Uttaranchal"]),
    // Japan: prefectures in kanji (the suffix 都, 道, 府 or 県 may follow).
    ("JP", "01", &["北海道"]),
    ("JP", "02", &["青森"]),
    ("JP", "03", &["岩手"]),
    ("JP", "04", &["宮城"]),
    ("JP", "05", &["秋田"]),
    ("JP", "06", &["山形"]),
    ("JP", "07", &["福島"]),
    ("JP", "08", &["茨城"]),
    ("JP", "09", &["栃木"]),
    ("JP", "10", &["群馬"]),
    ("JP", "11", &["埼玉"]),
    ("JP", "12", &["千葉"]),
    ("JP", "13", &["東京"]),
    ("JP", "14", &["神奈川"]),
    ("JP", "15", &["新潟"]),
    ("JP", "16", &["富山"]),
    ("JP", "17", &["石川"]),
    ("JP", "18", &["福井"]),
    ("JP", "19", &["山梨"]),
    ("JP", "20", &["長野"]),
    ("JP", "21", &["岐阜"]),
    ("JP", "22", &["静岡"]),
    ("JP", "23", &["愛知"]),
    ("JP", "24", &["三重"]),
    ("JP", "25", &["滋賀"]),
    ("JP", "26", &["京都"]),
    ("JP", "27", &["大阪"]),
    ("JP", "28", &["兵庫"]),
    ("JP", "29", &["奈良"]),
    ("JP", "30", &["和歌山"]),
    ("JP", "31", &["鳥取"]),
    ("JP", "32", &["島根"]),
    ("JP", "33", &["岡山"]),
    ("JP", "34", &["広島"]),
    ("JP", "35", &["山口"]),
    ("JP", "36", &["徳島"]),
    ("JP", "37", &["香川"]),
    ("JP", "38", &["愛媛"]),
    ("JP", "39", &["高知"]),
    ("JP", "40", &["福岡"]),
    ("JP", "41", &["佐賀"]),
    ("JP", "42", &["長崎"]),
    ("JP", "43", &["熊本"]),
    ("JP", "44", &["大分"]),
    ("JP", "45", &["宮崎"]),
    ("JP", "46", &["鹿児島"]),
    ("JP", "47", &["沖縄"]),
];

/// Subdivisions whose official name in the data is in a script other than
/// Latin with no Latin alternate.
pub(super) const STATE_DISPLAY_NAMES: &[(&str, &str, &str)] =
    &[("IN", "TS", "Telangana"), ("IN", "UK", "Uttarakhand")];

// Where the data lags ISO 3166-2, checked against Debian's iso-codes 4.18
// (which follows ISO's Online Browsing Platform).

/// Subdivisions ISO lists that the data lacks: (country, region code,
/// names, the official one first).
pub(super) const EXTRA_STATES: &[(&str, &str, &[&str])] = &[
    // Algeria's wilayas of 2019.
    ("DZ", "49", &["Timimoun"]),
    ("DZ", "50", &["Bordj Badji Mokhtar"]),
    ("DZ", "51", &["Ouled Djellal"]),
    ("DZ", "52", &["Béni Abbès"]),
    ("DZ", "53", &["In Salah"]),
    ("DZ", "54", &["In Guezzam"]),
    ("DZ", "55", &["Touggourt"]),
    ("DZ", "56", &["Djanet"]),
    ("DZ", "57", &["El Meghaier"]),
    ("DZ", "58", &["El Meniaa"]),
    ("ET", "SI", &["Sidama"]),
    (
        "ET",
        "SW",
        &[
            "Southwest Ethiopia Peoples",
            "South West Ethiopia Peoples' Region",
        ],
    ),
    // Northamptonshire, split in 2021.
    ("GB", "NNH", &["North Northamptonshire"]),
    ("GB", "WNH", &["West Northamptonshire"]),
    // Indonesia's provinces of 2022 (ISO spells Pegunungan "Pengunungan").
    ("ID", "PD", &["Papua Barat Daya", "Southwest Papua"]),
    (
        "ID",
        "PE",
        &["Papua Pegunungan", "Papua Pengunungan", "Highland Papua"],
    ),
    ("ID", "PS", &["Papua Selatan", "South Papua"]),
    ("ID", "PT", &["Papua Tengah", "Central Papua"]),
    // Iceland's municipalities merged in 2022.
    ("IS", "HUG", &["Húnabyggð"]),
    ("IS", "SKR", &["Skagafjörður"]),
    ("KP", "15", &["Kaeseong", "Kaesong"]),
    // Kazakhstan's regions of 2022.
    (
        "KZ",
        "10",
        &["Abai oblysy", "Abai Region", "Abai", "Abajskaja oblast’"],
    ),
    (
        "KZ",
        "33",
        &[
            "Jetisu oblysy",
            "Jetisu Region",
            "Zhetisū oblysy",
            "Zhetysu",
        ],
    ),
    (
        "KZ",
        "62",
        &["Ulytau oblysy", "Ulytau Region", "Ulytauskaja oblast’"],
    ),
    ("ME", "25", &["Zeta"]),
    ("PA", "NT", &["Naso Tjër Di"]),
    // Maguindanao, split in 2022.
    ("PH", "MGN", &["Maguindanao del Norte"]),
    ("PH", "MGS", &["Maguindanao del Sur"]),
];

/// Codes ISO replaced: (country, former region code, current one). A
/// subdivision the data lists under the former code takes the current one;
/// the former is still read.
pub(super) const FORMER_CODES: &[(&str, &str, &str)] = &[
    // France's overseas regions, one place with their departments.
    ("FR", "GP", "971"),
    ("FR", "MQ", "972"),
    ("FR", "GF", "973"),
    ("FR", "RE", "974"),
    ("FR", "YT", "976"),
    // The province of Aosta is the region; Sardinia's provinces of
    // 2005-2016 are within the 2016 ones.
    ("IT", "AO", "23"),
    ("IT", "OG", "NU"),
    ("IT", "OT", "SS"),
    ("IT", "CI", "SU"),
    ("IT", "VS", "SU"),
    // Kazakhstan's codes, now numeric.
    ("KZ", "AKM", "11"),
    ("KZ", "AKT", "15"),
    ("KZ", "ALA", "75"),
    ("KZ", "ALM", "19"),
    ("KZ", "AST", "71"),
    ("KZ", "ATY", "23"),
    ("KZ", "KAR", "35"),
    ("KZ", "KUS", "39"),
    ("KZ", "KZY", "43"),
    ("KZ", "MAN", "47"),
    ("KZ", "PAV", "55"),
    ("KZ", "SEV", "59"),
    ("KZ", "SHY", "79"),
    ("KZ", "VOS", "63"),
    ("KZ", "YUZ", "61"),
    ("KZ", "ZAP", "27"),
    ("KZ", "ZHA", "31"),
    ("ZA", "ZN", "KZN"),
];

/// Subdivisions whose current ISO name the data lacks: (country, region
/// code, name). The data's name stays an alternate one.
pub(super) const RENAMED_STATES: &[(&str, &str, &str)] = &[
    // A unitary authority since Bedfordshire's abolition in 2009.
    ("GB", "BDF", "Bedford"),
    ("IS", "1", "Höfuðborgarsvæði"),
    ("KZ", "61", "Türkistan oblysy"),
    ("MH", "ENI", "Enewetak & Ujelang"),
];

/// Subdivisions the data lists that ISO withdrew: (country, region code,
/// the subdivisions that now cover it). Its names and code give the one
/// successor, or, with several, ask which; with none they are forgotten.
pub(super) const WITHDRAWN_STATES: &[(&str, &str, &[&str])] = &[
    ("BI", "BJ", &["BM", "BL"]),
    ("CV", "CS", &["SM"]),
    ("CV", "SN", &["RB", "TS"]),
    ("GB", "NTH", &["NNH", "WNH"]),
    ("IS", "0", &["1"]),
    ("IS", "AKH", &["SKR"]),
    ("IS", "SSF", &["SKR"]),
    ("IS", "BLO", &["HUG"]),
    ("IS", "HUT", &["HUG"]),
    ("IS", "HEL", &["STY"]),
    ("IS", "SBH", &["LAN"]),
    ("IS", "SKU", &["THG"]),
    ("MA", "BAH", &["CHT"]),
    ("MA", "MEL", &["INE"]),
    ("MA", "MMD", &["MAR"]),
    ("MA", "MMN", &["MAR"]),
    ("MA", "SYB", &["MAR"]),
    ("MH", "UJL", &["ENI"]),
    // Nepal's development regions and zones, replaced by provinces in 2015
    // (the provinces' own names include Bagmati, Gandaki, Karnali, Koshi
    // and Lumbini).
    ("NP", "1", &[]),
    ("NP", "2", &[]),
    ("NP", "3", &[]),
    ("NP", "4", &[]),
    ("NP", "5", &[]),
    ("NP", "BA", &[]),
    ("NP", "BH", &[]),
    ("NP", "DH", &[]),
    ("NP", "GA", &[]),
    ("NP", "JA", &[]),
    ("NP", "KA", &[]),
    ("NP", "KO", &[]),
    ("NP", "LU", &[]),
    ("NP", "MA", &[]),
    ("NP", "ME", &[]),
    ("NP", "NA", &[]),
    ("NP", "RA", &[]),
    ("NP", "SA", &[]),
    ("NP", "SE", &[]),
    ("PH", "MAG", &["MGN", "MGS"]),
];

/// Names of former subdivisions whose area is now several: (country,
/// names, the subdivisions that cover it). Such a name asks which.
pub(super) const FORMER_NAMES: &[(&str, &[&str], &[&str])] = &[
    // ISO gave GB-BDF to Bedford, one of the county's three parts.
    ("GB", &["Bedfordshire", "Beds"], &["BDF", "CBF", "LUT"]),
];

/// Places ISO lists twice, as a region and as its only subdivision under
/// the same name: (country, the code kept, the code read as it). Taken
/// from ISO's parent data (iso-codes 4.18), where these are the regions
/// with one subdivision of their name. The code kept is the level the
/// country's postal addresses name: Spain's provinces, Estonia's counties.
pub(super) const SAME_PLACES: &[(&str, &str, &str)] = &[
    ("EE", "39", "205"),
    ("ES", "LO", "RI"),
    ("ES", "M", "MD"),
    ("ES", "MU", "MC"),
    ("ES", "NA", "NC"),
    ("ES", "O", "AS"),
    ("ES", "PM", "IB"),
    ("ES", "S", "CB"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::index::{entries, index};
    use crate::geo::names::name_keys;

    #[test]
    fn every_extra_name_names_a_real_place() {
        let idx = index();
        let pairs = |t: &'static [(&'static str, &'static str, &'static str)]| {
            t.iter().map(|(a2, region, _)| (*a2, *region))
        };
        let states = EXTRA_STATE_NAMES
            .iter()
            .map(|(a2, region, _)| (*a2, *region))
            .chain(pairs(STATE_DISPLAY_NAMES))
            .chain(pairs(RENAMED_STATES))
            .chain(FORMER_CODES.iter().map(|(a2, _, now)| (*a2, *now)))
            .chain(
                SAME_PLACES
                    .iter()
                    .flat_map(|(a2, a, b)| [(*a2, *a), (*a2, *b)]),
            )
            .chain(WITHDRAWN_STATES.iter().flat_map(|(a2, region, to)| {
                std::iter::once((*a2, *region)).chain(to.iter().map(move |r| (*a2, *r)))
            }))
            .chain(
                FORMER_NAMES
                    .iter()
                    .flat_map(|(a2, _, to)| to.iter().map(move |r| (*a2, *r))),
            );
        for (a2, region) in states {
            let c = idx.country_index(a2).and_then(|i| idx.countries.get(i));
            let code = format!("{a2}-{region}");
            assert!(
                c.is_some_and(|c| c.states().subs.iter().any(|s| s.code == code)),
                "no state {code}"
            );
        }
        let countries = EXTRA_COUNTRY_NAMES
            .iter()
            .map(|(a2, _)| *a2)
            .chain(COUNTRY_DISPLAY_NAMES.iter().map(|(a2, _)| *a2));
        for a2 in countries {
            assert!(idx.country_index(a2).is_some(), "no country {a2}");
        }
    }

    /// Each pair of `SAME_PLACES` has a name of one within a name of the
    /// other (`Asturias`, `Principado de Asturias`): a guard against a
    /// wrong code in the table.
    #[test]
    fn same_places_share_a_name() {
        for (a2, kept, merged) in SAME_PLACES {
            let country = keshvar::Alpha2::try_from(*a2).map(|a| a.to_country());
            let Ok(country) = country else {
                panic!("no country {a2}");
            };
            let keys = |region: &str| -> Vec<String> {
                entries(a2, &country)
                    .into_iter()
                    .filter(|e| e.region == region)
                    .flat_map(|e| e.names)
                    .flat_map(|(n, tier)| name_keys(n, tier))
                    .map(|(k, _)| k)
                    .filter(|k| k.chars().count() >= 4)
                    .collect()
            };
            let (a, b) = (keys(kept), keys(merged));
            assert!(
                a.iter().any(|x| b
                    .iter()
                    .any(|y| x.contains(y.as_str()) || y.contains(x.as_str()))),
                "{a2}-{kept} {a:?} and {a2}-{merged} {b:?} share no name"
            );
        }
    }
}
