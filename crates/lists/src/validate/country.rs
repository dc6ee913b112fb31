//! Country names and codes normalised to ISO 3166-1 alpha-2.

#[path = "country_table.rs"]
mod table;

use std::fmt;

/// An ISO 3166-1 alpha-2 country code such as `GB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    /// The United Kingdom, the default when a list has no country column.
    pub const GB: Country = Country(*b"GB");
    /// The United States.
    pub const US: Country = Country(*b"US");

    /// Looks up an ISO 3166 alpha-2 or alpha-3 code, an English name or a common
    /// variant (`UK`, `England`, `U.S.A.`, `Eire`, `Holland`...). Case, spaces and
    /// punctuation are ignored. Returns `None` for anything else.
    pub fn lookup(text: &str) -> Option<Country> {
        // Lookup keys are at most 45 bytes; normalise into a stack buffer so a lookup
        // never allocates.
        let mut key = [0u8; 64];
        let mut length = 0;
        for c in text.chars().filter(|c| c.is_alphanumeric()) {
            for lower in c.to_lowercase() {
                let width = lower.len_utf8();
                if length + width > key.len() {
                    return None;
                }
                lower.encode_utf8(&mut key[length..length + width]);
                length += width;
            }
        }
        let key = std::str::from_utf8(&key[..length]).ok()?;
        let position = table::KEYS
            .binary_search_by(|(candidate, _)| candidate.as_bytes().cmp(key.as_bytes()))
            .ok()?;
        let code = table::KEYS[position].1.as_bytes();
        Some(Country([code[0], code[1]]))
    }

    /// Returns the alpha-2 code.
    pub fn code(&self) -> &str {
        // Only `lookup` and the constants build a `Country`, and both store ASCII codes.
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }

    /// Returns the alpha-2 code as two bytes, for cheap comparisons.
    pub(crate) fn bytes(self) -> [u8; 2] {
        self.0
    }

    /// Returns the alpha-3 code.
    pub fn alpha3(self) -> &'static str {
        Self::entry(self).map_or("ZZZ", |(_, alpha3, _)| alpha3)
    }

    /// Returns the short English name.
    pub fn name(self) -> &'static str {
        Self::entry(self).map_or("unknown", |(_, _, name)| name)
    }

    fn entry(self) -> Option<(&'static str, &'static str, &'static str)> {
        table::COUNTRIES
            .binary_search_by(|(code, _, _)| code.as_bytes().cmp(&self.0[..]))
            .ok()
            .map(|position| table::COUNTRIES[position])
    }

    /// Returns true when the country's addresses carry a postcode, so an empty one is an
    /// error. Ireland is listed as not needing one: its Eircode is optional on mail.
    pub fn uses_postcodes(self) -> bool {
        NO_POSTCODE.binary_search(&self.0).is_err()
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Countries and territories whose postal systems use no postcode on mail (or, for
/// Ireland, an optional one), sorted for binary search. A country missing here is treated
/// as needing a postcode.
// NOTE: compiled by hand, not checked against the Universal Postal Union's current data.
const NO_POSTCODE: [[u8; 2]; 56] = [
    *b"AE", *b"AG", *b"AO", *b"AW", *b"BF", *b"BI", *b"BJ", *b"BO", *b"BQ", *b"BS", *b"BW", *b"BZ",
    *b"CD", *b"CF", *b"CG", *b"CI", *b"CK", *b"CM", *b"CW", *b"DJ", *b"DM", *b"ER", *b"FJ", *b"GA",
    *b"GD", *b"GH", *b"GM", *b"GQ", *b"GY", *b"HK", *b"IE", *b"KI", *b"KM", *b"KN", *b"KP", *b"LY",
    *b"ML", *b"MO", *b"MR", *b"NR", *b"NU", *b"QA", *b"RW", *b"SB", *b"SC", *b"SL", *b"SR", *b"ST",
    *b"SX", *b"SY", *b"TD", *b"TG", *b"TK", *b"TL", *b"TO", *b"TV",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted() {
        assert!(
            table::KEYS
                .windows(2)
                .all(|pair| pair[0].0.as_bytes() < pair[1].0.as_bytes())
        );
        assert!(
            table::COUNTRIES
                .windows(2)
                .all(|pair| pair[0].0 < pair[1].0)
        );
        assert!(NO_POSTCODE.windows(2).all(|pair| pair[0] < pair[1]));
        for code in NO_POSTCODE {
            let code = std::str::from_utf8(&code).unwrap();
            assert!(Country::lookup(code).is_some(), "{code}");
        }
    }

    #[test]
    fn country_variants_normalise() {
        let cases = [
            ("GB", "GB"),
            ("gbr", "GB"),
            ("UK", "GB"),
            ("U.K.", "GB"),
            ("Great Britain", "GB"),
            ("England", "GB"),
            ("Scotland", "GB"),
            ("Wales", "GB"),
            ("Northern Ireland", "GB"),
            ("United Kingdom", "GB"),
            ("us", "US"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("United States of America", "US"),
            ("united states", "US"),
            ("Eire", "IE"),
            ("Ireland", "IE"),
            ("Deutschland", "DE"),
            ("Côte d'Ivoire", "CI"),
            ("Cote d'Ivoire", "CI"),
            ("Korea, Republic of", "KR"),
            ("South Korea", "KR"),
            ("Viet Nam", "VN"),
            ("The Netherlands", "NL"),
            ("  france ", "FR"),
        ];
        for (text, code) in cases {
            let found = Country::lookup(text);
            assert_eq!(found.as_ref().map(Country::code), Some(code), "{text:?}");
        }
    }

    #[test]
    fn unknown_countries_rejected() {
        for text in [
            "",
            "XX",
            "Untied Kingdom",
            "Narnia",
            "G B R X",
            "12",
            "Europe",
        ] {
            assert_eq!(Country::lookup(text), None, "{text:?}");
        }
    }

    #[test]
    fn postcode_use() {
        assert!(Country::GB.uses_postcodes());
        assert!(Country::US.uses_postcodes());
        for code in ["HK", "AE", "IE"] {
            assert!(!Country::lookup(code).unwrap().uses_postcodes(), "{code}");
        }
    }

    #[test]
    fn names_and_codes() {
        let germany = Country::lookup("germany").unwrap();
        assert_eq!(germany.code(), "DE");
        assert_eq!(germany.alpha3(), "DEU");
        assert_eq!(germany.name(), "Germany");
        assert_eq!(germany.to_string(), "DE");
    }
}
