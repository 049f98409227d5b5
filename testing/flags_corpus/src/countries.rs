//! The table behind the built-in corpus: the 194 countries that have a flag
//! on the book's site (`country_codes.txt`, the list behind the clients'
//! `-a`), each with the book's name for it, its CIA "GEC" code and a rough sketch of
//! its flag in a handful of colours.
//!
//! The book's `flags.zip` has a `metadata.json` per country with
//! `tld_cc`, `iso_cc`, `country` and `gec_cc`; this table holds what those
//! need. The GEC codes are the FIPS 10-4 codes used by the CIA World
//! Factbook, where the book's flag images come from. The names are the
//! book's, as its `metadata.json` files spell them, so that
//! `flags3_asyncio` saves the files the book's version saves: mostly the
//! common English short names, but older or inverted forms for 15
//! codes (`Korea, North`, `Congo (Kinshasa)`, `Swaziland`, `Grenadines`
//! for VC...). The sketches are deliberately simple (bands,
//! crosses, triangles, a disc for the emblem): the point is a picture that
//! reads as "that country's flag" at a glance, not a faithful rendering.

/// A colour of the flag palette, as RGB.
pub(crate) type Rgb = [u8; 3];

pub(crate) const RED: Rgb = [206, 17, 38];
pub(crate) const WHITE: Rgb = [255, 255, 255];
pub(crate) const BLUE: Rgb = [0, 56, 168];
pub(crate) const NAVY: Rgb = [1, 33, 105];
pub(crate) const SKY: Rgb = [65, 143, 222];
pub(crate) const GREEN: Rgb = [0, 122, 61];
pub(crate) const YELLOW: Rgb = [252, 209, 22];
pub(crate) const ORANGE: Rgb = [255, 136, 62];
pub(crate) const BLACK: Rgb = [0, 0, 0];
pub(crate) const MAROON: Rgb = [128, 21, 49];

/// The layout of a flag, hoist (left) to fly (right).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Design {
    /// Equal horizontal bands, top to bottom (France turned on its side:
    /// Germany, Russia, ...). One band is a plain field.
    Horizontal(&'static [Rgb]),
    /// Equal vertical bands, hoist to fly (France, Italy, ...).
    Vertical(&'static [Rgb]),
    /// A vertical band at the hoist, then horizontal bands (UAE, Benin).
    Hoist(Rgb, &'static [Rgb]),
    /// A triangle at the hoist over horizontal bands (Czechia, Cuba).
    Triangle(Rgb, &'static [Rgb]),
    /// A rectangle in the upper hoist over horizontal bands (USA, Chile).
    Canton(Rgb, &'static [Rgb]),
    /// A band from the lower hoist to the upper fly between two fields:
    /// upper field, band, lower field (Tanzania, DR Congo).
    Diagonal(Rgb, Rgb, Rgb),
    /// A Scandinavian cross, off centre towards the hoist: field, cross.
    Nordic(Rgb, Rgb),
    /// A centred cross: field, cross (Switzerland, Georgia).
    Cross(Rgb, Rgb),
    /// A lozenge on a field: field, lozenge (Brazil).
    Lozenge(Rgb, Rgb),
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Country {
    /// ISO 3166-1 alpha-2, upper case, as in `country_codes.txt`.
    pub(crate) iso: &'static str,
    /// The CIA World Factbook (FIPS 10-4) code, `gec_cc` in metadata.json.
    pub(crate) gec: &'static str,
    /// The country's name as the book's `metadata.json` spells it.
    pub(crate) name: &'static str,
    pub(crate) design: Design,
    /// A centred disc standing in for the emblem: upper and lower half.
    pub(crate) emblem: Option<[Rgb; 2]>,
}

const fn c(
    iso: &'static str,
    gec: &'static str,
    name: &'static str,
    design: Design,
    emblem: Option<[Rgb; 2]>,
) -> Country {
    Country { iso, gec, name, design, emblem }
}

/// An emblem in one colour.
const fn disc(colour: Rgb) -> Option<[Rgb; 2]> {
    Some([colour, colour])
}

/// An emblem in two colours, upper and lower half (South Korea's taegeuk).
const fn split(upper: Rgb, lower: Rgb) -> Option<[Rgb; 2]> {
    Some([upper, lower])
}

use Design::*;

/// The 194 countries, sorted by ISO code, as `country_codes.txt`.
pub(crate) static COUNTRIES: [Country; 194] = [
    c("AD", "AN", "Andorra", Vertical(&[BLUE, YELLOW, RED]), disc(ORANGE)),
    c(
        "AE",
        "AE",
        "United Arab Emirates",
        Hoist(RED, &[GREEN, WHITE, BLACK]),
        None,
    ),
    c("AF", "AF", "Afghanistan", Vertical(&[BLACK, RED, GREEN]), disc(WHITE)),
    c(
        "AG",
        "AC",
        "Antigua and Barbuda",
        Horizontal(&[BLACK, BLUE, WHITE]),
        disc(YELLOW),
    ),
    c("AL", "AL", "Albania", Horizontal(&[RED]), disc(BLACK)),
    c("AM", "AM", "Armenia", Horizontal(&[RED, BLUE, ORANGE]), None),
    c("AO", "AO", "Angola", Horizontal(&[RED, BLACK]), disc(YELLOW)),
    c("AR", "AR", "Argentina", Horizontal(&[SKY, WHITE, SKY]), disc(YELLOW)),
    c("AT", "AU", "Austria", Horizontal(&[RED, WHITE, RED]), None),
    c("AU", "AS", "Australia", Canton(RED, &[NAVY]), disc(WHITE)),
    c("AZ", "AJ", "Azerbaijan", Horizontal(&[SKY, RED, GREEN]), disc(WHITE)),
    c("BA", "BK", "Bosnia and Herzegovina", Diagonal(BLUE, YELLOW, BLUE), None),
    c("BB", "BB", "Barbados", Vertical(&[BLUE, YELLOW, BLUE]), disc(BLACK)),
    c("BD", "BG", "Bangladesh", Horizontal(&[GREEN]), disc(RED)),
    c("BE", "BE", "Belgium", Vertical(&[BLACK, YELLOW, RED]), None),
    c("BF", "UV", "Burkina Faso", Horizontal(&[RED, GREEN]), disc(YELLOW)),
    c("BG", "BU", "Bulgaria", Horizontal(&[WHITE, GREEN, RED]), None),
    c("BH", "BA", "Bahrain", Hoist(WHITE, &[RED]), None),
    c("BI", "BY", "Burundi", Diagonal(RED, WHITE, GREEN), disc(WHITE)),
    c("BJ", "BN", "Benin", Hoist(GREEN, &[YELLOW, RED]), None),
    c(
        "BN",
        "BX",
        "Brunei Darussalam",
        Diagonal(YELLOW, WHITE, YELLOW),
        disc(RED),
    ),
    c("BO", "BL", "Bolivia", Horizontal(&[RED, YELLOW, GREEN]), None),
    c("BR", "BR", "Brazil", Lozenge(GREEN, YELLOW), disc(BLUE)),
    c("BS", "BF", "Bahamas", Triangle(BLACK, &[SKY, YELLOW, SKY]), None),
    c("BT", "BT", "Bhutan", Diagonal(YELLOW, ORANGE, ORANGE), disc(WHITE)),
    c(
        "BW",
        "BC",
        "Botswana",
        Horizontal(&[SKY, WHITE, BLACK, WHITE, SKY]),
        None,
    ),
    c("BY", "BO", "Belarus", Horizontal(&[RED, RED, GREEN]), None),
    c(
        "BZ",
        "BH",
        "Belize",
        Horizontal(&[RED, BLUE, BLUE, BLUE, BLUE, BLUE, RED]),
        disc(WHITE),
    ),
    c("CA", "CA", "Canada", Vertical(&[RED, WHITE, WHITE, RED]), disc(RED)),
    c("CD", "CG", "Congo (Kinshasa)", Diagonal(SKY, RED, SKY), None),
    c(
        "CF",
        "CT",
        "Central African Republic",
        Horizontal(&[BLUE, WHITE, GREEN, YELLOW]),
        None,
    ),
    c("CG", "CF", "Congo (Brazzaville)", Diagonal(GREEN, YELLOW, RED), None),
    c("CH", "SZ", "Switzerland", Cross(RED, WHITE), None),
    c("CI", "IV", "Côte d'Ivoire", Vertical(&[ORANGE, WHITE, GREEN]), None),
    c("CL", "CI", "Chile", Canton(BLUE, &[WHITE, RED]), None),
    c("CM", "CM", "Cameroon", Vertical(&[GREEN, RED, YELLOW]), None),
    c("CN", "CH", "China", Canton(YELLOW, &[RED]), None),
    c("CO", "CO", "Colombia", Horizontal(&[YELLOW, YELLOW, BLUE, RED]), None),
    c(
        "CR",
        "CS",
        "Costa Rica",
        Horizontal(&[BLUE, WHITE, RED, RED, WHITE, BLUE]),
        None,
    ),
    c(
        "CU",
        "CU",
        "Cuba",
        Triangle(RED, &[BLUE, WHITE, BLUE, WHITE, BLUE]),
        None,
    ),
    c(
        "CV",
        "CV",
        "Cape Verde",
        Horizontal(&[BLUE, BLUE, BLUE, WHITE, RED, WHITE, BLUE, BLUE]),
        None,
    ),
    c("CY", "CY", "Cyprus", Horizontal(&[WHITE]), disc(ORANGE)),
    c("CZ", "EZ", "Czech Republic", Triangle(BLUE, &[WHITE, RED]), None),
    c("DE", "GM", "Germany", Horizontal(&[BLACK, RED, YELLOW]), None),
    c("DJ", "DJ", "Djibouti", Triangle(WHITE, &[SKY, GREEN]), None),
    c("DK", "DA", "Denmark", Nordic(RED, WHITE), None),
    c("DM", "DO", "Dominica", Cross(GREEN, YELLOW), disc(RED)),
    c("DZ", "AG", "Algeria", Vertical(&[GREEN, WHITE]), disc(RED)),
    c(
        "EC",
        "EC",
        "Ecuador",
        Horizontal(&[YELLOW, YELLOW, BLUE, RED]),
        disc(SKY),
    ),
    c("EE", "EN", "Estonia", Horizontal(&[BLUE, BLACK, WHITE]), None),
    c("EG", "EG", "Egypt", Horizontal(&[RED, WHITE, BLACK]), disc(YELLOW)),
    c("ER", "ER", "Eritrea", Triangle(RED, &[GREEN, BLUE]), None),
    c("ES", "SP", "Spain", Horizontal(&[RED, YELLOW, YELLOW, RED]), None),
    c("ET", "ET", "Ethiopia", Horizontal(&[GREEN, YELLOW, RED]), disc(BLUE)),
    c("FI", "FI", "Finland", Nordic(WHITE, BLUE), None),
    c("FJ", "FJ", "Fiji", Canton(NAVY, &[SKY]), None),
    c("FM", "FM", "Micronesia", Horizontal(&[SKY]), disc(WHITE)),
    c("FR", "FR", "France", Vertical(&[BLUE, WHITE, RED]), None),
    c("GA", "GB", "Gabon", Horizontal(&[GREEN, YELLOW, BLUE]), None),
    c("GB", "UK", "United Kingdom", Cross(NAVY, RED), None),
    c(
        "GD",
        "GJ",
        "Grenada",
        Horizontal(&[RED, YELLOW, GREEN, YELLOW, RED]),
        disc(RED),
    ),
    c("GE", "GG", "Georgia", Cross(WHITE, RED), None),
    c("GH", "GH", "Ghana", Horizontal(&[RED, YELLOW, GREEN]), disc(BLACK)),
    c("GM", "GA", "Gambia", Horizontal(&[RED, RED, BLUE, GREEN, GREEN]), None),
    c("GN", "GV", "Guinea", Vertical(&[RED, YELLOW, GREEN]), None),
    c(
        "GQ",
        "EK",
        "Equatorial Guinea",
        Triangle(BLUE, &[GREEN, WHITE, RED]),
        None,
    ),
    c(
        "GR",
        "GR",
        "Greece",
        Canton(
            BLUE,
            &[BLUE, WHITE, BLUE, WHITE, BLUE, WHITE, BLUE, WHITE, BLUE],
        ),
        None,
    ),
    c("GT", "GT", "Guatemala", Vertical(&[SKY, WHITE, SKY]), disc(GREEN)),
    c("GW", "PU", "Guinea-Bissau", Hoist(RED, &[YELLOW, GREEN]), None),
    c("GY", "GY", "Guyana", Triangle(RED, &[GREEN]), None),
    c("HN", "HO", "Honduras", Horizontal(&[BLUE, WHITE, BLUE]), None),
    c("HR", "HR", "Croatia", Horizontal(&[RED, WHITE, BLUE]), disc(RED)),
    c("HT", "HA", "Haiti", Horizontal(&[BLUE, RED]), disc(WHITE)),
    c("HU", "HU", "Hungary", Horizontal(&[RED, WHITE, GREEN]), None),
    c("ID", "ID", "Indonesia", Horizontal(&[RED, WHITE]), None),
    c("IE", "EI", "Ireland", Vertical(&[GREEN, WHITE, ORANGE]), None),
    c(
        "IL",
        "IS",
        "Israel",
        Horizontal(&[WHITE, BLUE, WHITE, WHITE, WHITE, BLUE, WHITE]),
        disc(BLUE),
    ),
    c("IN", "IN", "India", Horizontal(&[ORANGE, WHITE, GREEN]), disc(NAVY)),
    c("IQ", "IZ", "Iraq", Horizontal(&[RED, WHITE, BLACK]), disc(GREEN)),
    c("IR", "IR", "Iran", Horizontal(&[GREEN, WHITE, RED]), disc(RED)),
    c("IS", "IC", "Iceland", Nordic(BLUE, RED), None),
    c("IT", "IT", "Italy", Vertical(&[GREEN, WHITE, RED]), None),
    c("JM", "JM", "Jamaica", Diagonal(GREEN, YELLOW, BLACK), None),
    c("JO", "JO", "Jordan", Triangle(RED, &[BLACK, WHITE, GREEN]), None),
    c("JP", "JA", "Japan", Horizontal(&[WHITE]), disc(RED)),
    c(
        "KE",
        "KE",
        "Kenya",
        Horizontal(&[BLACK, WHITE, RED, WHITE, GREEN]),
        disc(MAROON),
    ),
    c("KG", "KG", "Kyrgyzstan", Horizontal(&[RED]), disc(YELLOW)),
    c("KH", "CB", "Cambodia", Horizontal(&[BLUE, RED, RED, BLUE]), disc(WHITE)),
    c(
        "KI",
        "KR",
        "Kiribati",
        Horizontal(&[RED, RED, BLUE, WHITE]),
        disc(YELLOW),
    ),
    c(
        "KM",
        "CN",
        "Comoros",
        Triangle(GREEN, &[YELLOW, WHITE, RED, BLUE]),
        None,
    ),
    c("KN", "SC", "Saint Kitts and Nevis", Diagonal(GREEN, BLACK, RED), None),
    c(
        "KP",
        "KN",
        "Korea, North",
        Horizontal(&[BLUE, WHITE, RED, RED, RED, WHITE, BLUE]),
        disc(WHITE),
    ),
    c("KR", "KS", "Korea, South", Horizontal(&[WHITE]), split(RED, BLUE)),
    c("KW", "KU", "Kuwait", Triangle(BLACK, &[GREEN, WHITE, RED]), None),
    c("KZ", "KZ", "Kazakhstan", Horizontal(&[SKY]), disc(YELLOW)),
    c("LA", "LA", "Laos", Horizontal(&[RED, BLUE, BLUE, RED]), disc(WHITE)),
    c(
        "LB",
        "LE",
        "Lebanon",
        Horizontal(&[RED, WHITE, WHITE, RED]),
        disc(GREEN),
    ),
    c("LC", "ST", "Saint Lucia", Horizontal(&[SKY]), split(YELLOW, BLACK)),
    c("LI", "LS", "Liechtenstein", Canton(YELLOW, &[BLUE, RED]), None),
    c(
        "LK",
        "CE",
        "Sri Lanka",
        Vertical(&[GREEN, ORANGE, MAROON, MAROON, MAROON]),
        None,
    ),
    c(
        "LR",
        "LI",
        "Liberia",
        Canton(
            NAVY,
            &[RED, WHITE, RED, WHITE, RED, WHITE, RED, WHITE, RED, WHITE, RED],
        ),
        None,
    ),
    c(
        "LS",
        "LT",
        "Lesotho",
        Horizontal(&[BLUE, WHITE, WHITE, GREEN]),
        disc(BLACK),
    ),
    c("LT", "LH", "Lithuania", Horizontal(&[YELLOW, GREEN, RED]), None),
    c("LU", "LU", "Luxembourg", Horizontal(&[RED, WHITE, SKY]), None),
    c(
        "LV",
        "LG",
        "Latvia",
        Horizontal(&[MAROON, MAROON, WHITE, MAROON, MAROON]),
        None,
    ),
    c(
        "LY",
        "LY",
        "Libya",
        Horizontal(&[RED, BLACK, BLACK, GREEN]),
        disc(WHITE),
    ),
    c("MA", "MO", "Morocco", Horizontal(&[RED]), disc(GREEN)),
    c("MC", "MN", "Monaco", Horizontal(&[RED, WHITE]), None),
    c("MD", "MD", "Moldova", Vertical(&[BLUE, YELLOW, RED]), disc(MAROON)),
    c(
        "ME",
        "MJ",
        "Montenegro",
        Horizontal(&[YELLOW, RED, RED, RED, RED, RED, RED, YELLOW]),
        disc(YELLOW),
    ),
    c("MG", "MA", "Madagascar", Hoist(WHITE, &[RED, GREEN]), None),
    c(
        "MH",
        "RM",
        "Marshall Islands",
        Diagonal(BLUE, ORANGE, BLUE),
        disc(WHITE),
    ),
    c("MK", "MK", "Macedonia", Diagonal(RED, YELLOW, RED), disc(YELLOW)),
    c("ML", "ML", "Mali", Vertical(&[GREEN, YELLOW, RED]), None),
    c("MM", "BM", "Myanmar", Horizontal(&[YELLOW, GREEN, RED]), disc(WHITE)),
    c("MN", "MG", "Mongolia", Vertical(&[RED, BLUE, RED]), None),
    c(
        "MR",
        "MR",
        "Mauritania",
        Horizontal(&[RED, GREEN, GREEN, GREEN, RED]),
        disc(YELLOW),
    ),
    c("MT", "MT", "Malta", Vertical(&[WHITE, RED]), None),
    c("MU", "MP", "Mauritius", Horizontal(&[RED, BLUE, YELLOW, GREEN]), None),
    c(
        "MV",
        "MV",
        "Maldives",
        Horizontal(&[RED, GREEN, GREEN, RED]),
        disc(WHITE),
    ),
    c("MW", "MI", "Malawi", Horizontal(&[BLACK, RED, GREEN]), None),
    c("MX", "MX", "Mexico", Vertical(&[GREEN, WHITE, RED]), disc(MAROON)),
    c(
        "MY",
        "MY",
        "Malaysia",
        Canton(
            NAVY,
            &[
                RED, WHITE, RED, WHITE, RED, WHITE, RED, WHITE, RED, WHITE,
                RED, WHITE, RED, WHITE,
            ],
        ),
        None,
    ),
    c("MZ", "MZ", "Mozambique", Triangle(RED, &[GREEN, BLACK, YELLOW]), None),
    c("NA", "WA", "Namibia", Diagonal(BLUE, RED, GREEN), None),
    c("NE", "NG", "Niger", Horizontal(&[ORANGE, WHITE, GREEN]), disc(ORANGE)),
    c("NG", "NI", "Nigeria", Vertical(&[GREEN, WHITE, GREEN]), None),
    c("NI", "NU", "Nicaragua", Horizontal(&[BLUE, WHITE, BLUE]), disc(YELLOW)),
    c("NL", "NL", "Netherlands", Horizontal(&[RED, WHITE, BLUE]), None),
    c("NO", "NO", "Norway", Nordic(RED, NAVY), None),
    c("NP", "NP", "Nepal", Triangle(RED, &[WHITE]), None),
    c("NR", "NR", "Nauru", Horizontal(&[NAVY, NAVY, YELLOW, NAVY, NAVY]), None),
    c("NZ", "NZ", "New Zealand", Canton(RED, &[NAVY]), disc(RED)),
    c("OM", "MU", "Oman", Hoist(RED, &[WHITE, RED, GREEN]), None),
    c("PA", "PM", "Panama", Canton(WHITE, &[RED, BLUE]), None),
    c("PE", "PE", "Peru", Vertical(&[RED, WHITE, RED]), None),
    c("PG", "PP", "Papua New Guinea", Diagonal(RED, YELLOW, BLACK), None),
    c("PH", "RP", "Philippines", Triangle(WHITE, &[BLUE, RED]), None),
    c("PK", "PK", "Pakistan", Hoist(WHITE, &[GREEN]), disc(WHITE)),
    c("PL", "PL", "Poland", Horizontal(&[WHITE, RED]), None),
    c("PT", "PO", "Portugal", Vertical(&[GREEN, RED, RED]), disc(YELLOW)),
    c("PW", "PS", "Palau", Horizontal(&[SKY]), disc(YELLOW)),
    c("PY", "PA", "Paraguay", Horizontal(&[RED, WHITE, BLUE]), disc(GREEN)),
    c("QA", "QA", "Qatar", Hoist(WHITE, &[MAROON]), None),
    c("RO", "RO", "Romania", Vertical(&[BLUE, YELLOW, RED]), None),
    c("RS", "RI", "Serbia", Horizontal(&[RED, BLUE, WHITE]), disc(RED)),
    c("RU", "RS", "Russian Federation", Horizontal(&[WHITE, BLUE, RED]), None),
    c(
        "RW",
        "RW",
        "Rwanda",
        Horizontal(&[SKY, SKY, YELLOW, GREEN]),
        disc(YELLOW),
    ),
    c("SA", "SA", "Saudi Arabia", Horizontal(&[GREEN]), None),
    c("SB", "BP", "Solomon Islands", Diagonal(BLUE, YELLOW, GREEN), None),
    c("SC", "SE", "Seychelles", Diagonal(YELLOW, RED, GREEN), None),
    c("SD", "SU", "Sudan", Triangle(GREEN, &[RED, WHITE, BLACK]), None),
    c("SE", "SW", "Sweden", Nordic(BLUE, YELLOW), None),
    c("SG", "SN", "Singapore", Canton(WHITE, &[RED, WHITE]), None),
    c("SI", "SI", "Slovenia", Horizontal(&[WHITE, BLUE, RED]), disc(BLUE)),
    c("SK", "LO", "Slovakia", Horizontal(&[WHITE, BLUE, RED]), disc(RED)),
    c("SL", "SL", "Sierra Leone", Horizontal(&[GREEN, WHITE, BLUE]), None),
    c("SM", "SM", "San Marino", Horizontal(&[WHITE, SKY]), disc(YELLOW)),
    c("SN", "SG", "Senegal", Vertical(&[GREEN, YELLOW, RED]), disc(GREEN)),
    c("SO", "SO", "Somalia", Horizontal(&[SKY]), disc(WHITE)),
    c(
        "SR",
        "NS",
        "Suriname",
        Horizontal(&[GREEN, WHITE, RED, RED, WHITE, GREEN]),
        disc(YELLOW),
    ),
    c(
        "SS",
        "OD",
        "South Sudan",
        Triangle(BLUE, &[BLACK, WHITE, RED, WHITE, GREEN]),
        None,
    ),
    c(
        "ST",
        "TP",
        "Sao Tome and Principe",
        Triangle(RED, &[GREEN, YELLOW, YELLOW, GREEN]),
        None,
    ),
    c("SV", "ES", "El Salvador", Horizontal(&[BLUE, WHITE, BLUE]), disc(GREEN)),
    c("SY", "SY", "Syria", Horizontal(&[RED, WHITE, BLACK]), disc(GREEN)),
    c(
        "SZ",
        "WZ",
        "Swaziland",
        Horizontal(&[BLUE, YELLOW, RED, RED, YELLOW, BLUE]),
        disc(BLACK),
    ),
    c("TD", "CD", "Chad", Vertical(&[BLUE, YELLOW, RED]), None),
    c(
        "TG",
        "TO",
        "Togo",
        Canton(RED, &[GREEN, YELLOW, GREEN, YELLOW, GREEN]),
        None,
    ),
    c(
        "TH",
        "TH",
        "Thailand",
        Horizontal(&[RED, WHITE, BLUE, BLUE, WHITE, RED]),
        None,
    ),
    c(
        "TJ",
        "TI",
        "Tajikistan",
        Horizontal(&[RED, WHITE, WHITE, GREEN]),
        disc(YELLOW),
    ),
    c("TL", "TT", "Timor-Leste", Triangle(BLACK, &[RED]), None),
    c("TM", "TX", "Turkmenistan", Hoist(MAROON, &[GREEN]), None),
    c("TN", "TS", "Tunisia", Horizontal(&[RED]), disc(WHITE)),
    c("TO", "TN", "Tonga", Canton(WHITE, &[RED]), None),
    c("TR", "TU", "Turkey", Horizontal(&[RED]), split(WHITE, RED)),
    c("TT", "TD", "Trinidad and Tobago", Diagonal(RED, BLACK, RED), None),
    c("TV", "TV", "Tuvalu", Canton(NAVY, &[SKY]), disc(YELLOW)),
    c("TW", "TW", "Taiwan", Canton(BLUE, &[RED]), None),
    c("TZ", "TZ", "Tanzania", Diagonal(GREEN, BLACK, SKY), None),
    c("UA", "UP", "Ukraine", Horizontal(&[BLUE, YELLOW]), None),
    c(
        "UG",
        "UG",
        "Uganda",
        Horizontal(&[BLACK, YELLOW, RED, BLACK, YELLOW, RED]),
        disc(WHITE),
    ),
    c(
        "US",
        "US",
        "United States of America",
        Canton(
            NAVY,
            &[
                RED, WHITE, RED, WHITE, RED, WHITE, RED, WHITE, RED, WHITE,
                RED, WHITE, RED,
            ],
        ),
        None,
    ),
    c(
        "UY",
        "UY",
        "Uruguay",
        Canton(
            WHITE,
            &[WHITE, BLUE, WHITE, BLUE, WHITE, BLUE, WHITE, BLUE, WHITE],
        ),
        None,
    ),
    c("UZ", "UZ", "Uzbekistan", Horizontal(&[SKY, WHITE, GREEN]), None),
    c("VA", "VT", "Vatican City", Vertical(&[YELLOW, WHITE]), disc(YELLOW)),
    c(
        "VC",
        "VC",
        "Grenadines",
        Vertical(&[BLUE, YELLOW, YELLOW, GREEN]),
        disc(GREEN),
    ),
    c("VE", "VE", "Venezuela", Horizontal(&[YELLOW, BLUE, RED]), disc(WHITE)),
    c("VN", "VM", "Vietnam", Horizontal(&[RED]), disc(YELLOW)),
    c("VU", "NH", "Vanuatu", Triangle(BLACK, &[RED, GREEN]), None),
    c("WS", "WS", "Samoa", Canton(BLUE, &[RED]), None),
    c("YE", "YM", "Yemen", Horizontal(&[RED, WHITE, BLACK]), None),
    c("ZA", "SF", "South Africa", Triangle(BLACK, &[RED, GREEN, BLUE]), None),
    c(
        "ZM",
        "ZA",
        "Zambia",
        Vertical(&[GREEN, GREEN, GREEN, GREEN, RED, BLACK, ORANGE]),
        None,
    ),
    c(
        "ZW",
        "ZI",
        "Zimbabwe",
        Triangle(WHITE, &[GREEN, YELLOW, RED, BLACK, RED, YELLOW, GREEN]),
        None,
    ),
];
