//! Per-country postcode formats, with the canonical form of each valid postcode.
//!
//! The matchers are hand-written rather than regular expressions: each one is a few byte
//! comparisons on a compacted copy held on the stack, which keeps validation free of
//! per-row allocation.

use super::country::Country;

/// A postcode in canonical form, stored inline (the longest is `BFPO 1234`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Canonical {
    bytes: [u8; 12],
    length: u8,
}

impl Canonical {
    fn new() -> Self {
        Self {
            bytes: [0; 12],
            length: 0,
        }
    }

    fn push(&mut self, byte: u8) {
        if usize::from(self.length) < self.bytes.len() {
            self.bytes[usize::from(self.length)] = byte;
            self.length += 1;
        }
    }

    fn extend(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.push(byte);
        }
    }

    /// Joins `head`, a separator and `tail`.
    fn joined(head: &[u8], separator: u8, tail: &[u8]) -> Self {
        let mut canonical = Self::new();
        canonical.extend(head);
        canonical.push(separator);
        canonical.extend(tail);
        canonical
    }

    fn plain(bytes: &[u8]) -> Self {
        let mut canonical = Self::new();
        canonical.extend(bytes);
        canonical
    }

    /// Returns the postcode's bytes, all ASCII.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.length)]
    }

    /// Returns the postcode as text. Only ASCII is ever stored.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.length)]).unwrap_or_default()
    }
}

impl std::fmt::Debug for Canonical {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// The outcome of checking one postcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostcodeCheck {
    /// Valid and written in the canonical form given.
    Valid(Canonical),
    /// Valid, but written differently from the canonical form given.
    NotCanonical(Canonical),
    /// Not a valid postcode; the suggestion is set when a likely typo was found.
    Invalid(Option<Canonical>),
    /// The country has no format in the table, so the postcode was not checked.
    Unchecked,
}

/// One country's format: its matcher (taking the compacted, upper-case postcode and
/// returning the canonical form), and an example for messages.
struct Format {
    country: &'static str,
    matcher: fn(&[u8]) -> Option<Canonical>,
    example: &'static str,
}

const FORMATS: [Format; 20] = [
    Format {
        country: "AT",
        matcher: four_digits_no_leading_zero,
        example: "1010",
    },
    Format {
        country: "AU",
        matcher: four_digits,
        example: "2000",
    },
    Format {
        country: "BE",
        matcher: four_digits_no_leading_zero,
        example: "1000",
    },
    Format {
        country: "CA",
        matcher: canada,
        example: "K1A 0B1",
    },
    Format {
        country: "CH",
        matcher: four_digits_no_leading_zero,
        example: "8001",
    },
    Format {
        country: "DE",
        matcher: five_digits,
        example: "10115",
    },
    Format {
        country: "DK",
        matcher: four_digits_no_leading_zero,
        example: "1050",
    },
    Format {
        country: "ES",
        matcher: spain,
        example: "28001",
    },
    Format {
        country: "FR",
        matcher: five_digits,
        example: "75001",
    },
    Format {
        country: "GB",
        matcher: united_kingdom,
        example: "SW1A 1AA",
    },
    Format {
        country: "IE",
        matcher: eircode,
        example: "D02 X285",
    },
    Format {
        country: "IT",
        matcher: five_digits,
        example: "00184",
    },
    Format {
        country: "NL",
        matcher: netherlands,
        example: "1012 JS",
    },
    Format {
        country: "NO",
        matcher: four_digits,
        example: "0150",
    },
    Format {
        country: "NZ",
        matcher: four_digits,
        example: "6011",
    },
    Format {
        country: "PL",
        matcher: poland,
        example: "00-950",
    },
    Format {
        country: "PR",
        matcher: us_zip,
        example: "00901",
    },
    Format {
        country: "PT",
        matcher: portugal,
        example: "1000-001",
    },
    Format {
        country: "SE",
        matcher: sweden,
        example: "111 22",
    },
    Format {
        country: "US",
        matcher: us_zip,
        example: "20500 or 20500-0003",
    },
];

fn format_for(country: Country) -> Option<&'static Format> {
    let code = match &country.bytes() {
        // US territories use US ZIP codes.
        b"VI" | b"GU" | b"AS" | b"MP" | b"UM" => *b"US",
        other => *other,
    };
    FORMATS
        .binary_search_by(|format| format.country.as_bytes().cmp(&code[..]))
        .ok()
        .map(|position| &FORMATS[position])
}

/// Returns an example of a valid postcode for messages, if the country has a format.
pub(crate) fn example_for(country: Country) -> Option<&'static str> {
    format_for(country).map(|format| format.example)
}

/// Checks `text` (already trimmed, not empty) against the country's format.
pub(crate) fn check_postcode(country: Country, text: &str) -> PostcodeCheck {
    let Some(format) = format_for(country) else {
        return PostcodeCheck::Unchecked;
    };
    let Some(compact) = Compact::new(text) else {
        return PostcodeCheck::Invalid(None);
    };
    let compact = strip_country_prefix(country, compact.as_bytes(), format);
    match (format.matcher)(compact) {
        Some(canonical) if canonical.as_bytes() == text.as_bytes() => {
            PostcodeCheck::Valid(canonical)
        }
        Some(canonical) => PostcodeCheck::NotCanonical(canonical),
        None if country == Country::GB => PostcodeCheck::Invalid(letter_o_for_zero(compact)),
        None => PostcodeCheck::Invalid(None),
    }
}

/// Upper-case letters and digits of a postcode with spaces and hyphens removed, or
/// `None` when it contains anything else or is too long to be any postcode.
struct Compact {
    bytes: [u8; 12],
    length: usize,
}

impl Compact {
    fn new(text: &str) -> Option<Self> {
        let mut compact = Self {
            bytes: [0; 12],
            length: 0,
        };
        for byte in text.bytes() {
            match byte {
                b' ' | b'-' => continue,
                b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' => {
                    if compact.length == compact.bytes.len() {
                        return None;
                    }
                    compact.bytes[compact.length] = byte.to_ascii_uppercase();
                    compact.length += 1;
                }
                _ => return None,
            }
        }
        Some(compact)
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.length]
    }
}

/// Drops a leading country prefix such as `D-` or `CH-` when what follows is a valid
/// postcode of that country.
fn strip_country_prefix<'a>(country: Country, compact: &'a [u8], format: &Format) -> &'a [u8] {
    if compact.first().is_none_or(u8::is_ascii_digit) {
        return compact;
    }
    let prefixes: &[&[u8]] = match &country.bytes() {
        b"AT" => &[b"AT", b"A"],
        b"BE" => &[b"BE", b"B"],
        b"CH" => &[b"CH"],
        b"DE" => &[b"DE", b"D"],
        b"DK" => &[b"DK"],
        b"ES" => &[b"ES", b"E"],
        b"FR" => &[b"FR", b"F"],
        b"IT" => &[b"IT", b"I"],
        b"NL" => &[b"NL"],
        b"NO" => &[b"NO", b"N"],
        b"PL" => &[b"PL"],
        b"PT" => &[b"PT", b"P"],
        b"SE" => &[b"SE", b"S"],
        _ => &[],
    };
    for prefix in prefixes {
        if let Some(rest) = compact.strip_prefix(*prefix)
            && (format.matcher)(rest).is_some()
        {
            return rest;
        }
    }
    compact
}

fn digits(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_digit)
}

fn letter(byte: u8) -> bool {
    byte.is_ascii_uppercase()
}

fn four_digits(compact: &[u8]) -> Option<Canonical> {
    (compact.len() == 4 && digits(compact)).then(|| Canonical::plain(compact))
}

fn four_digits_no_leading_zero(compact: &[u8]) -> Option<Canonical> {
    four_digits(compact).filter(|_| compact[0] != b'0')
}

fn five_digits(compact: &[u8]) -> Option<Canonical> {
    (compact.len() == 5 && digits(compact)).then(|| Canonical::plain(compact))
}

/// Spanish postcodes start with a province number from 01 to 52.
fn spain(compact: &[u8]) -> Option<Canonical> {
    let canonical = five_digits(compact)?;
    let province = (compact[0] - b'0') * 10 + (compact[1] - b'0');
    (1..=52).contains(&province).then_some(canonical)
}

fn us_zip(compact: &[u8]) -> Option<Canonical> {
    if !digits(compact) {
        return None;
    }
    match compact.len() {
        5 => Some(Canonical::plain(compact)),
        9 => Some(Canonical::joined(&compact[..5], b'-', &compact[5..])),
        _ => None,
    }
}

/// Canadian postcodes alternate letter and digit (`A9A 9A9`); D, F, I, O, Q and U are
/// never used, and W and Z never come first.
fn canada(compact: &[u8]) -> Option<Canonical> {
    let allowed = |byte: u8| letter(byte) && !b"DFIOQU".contains(&byte);
    let shape = compact.len() == 6
        && compact.iter().enumerate().all(|(position, &byte)| {
            if position % 2 == 0 {
                allowed(byte)
            } else {
                byte.is_ascii_digit()
            }
        })
        && !b"WZ".contains(&compact[0]);
    shape.then(|| Canonical::joined(&compact[..3], b' ', &compact[3..]))
}

/// Irish Eircodes: a routing key (letter and two digits, or `D6W`) and a four-character
/// identifier drawn from the digits and the letters A C D E F H K N P R T V W X Y.
fn eircode(compact: &[u8]) -> Option<Canonical> {
    if compact.len() != 7 {
        return None;
    }
    let (routing, identifier) = compact.split_at(3);
    let routing_valid = routing == b"D6W" || (letter(routing[0]) && digits(&routing[1..]));
    let identifier_valid = identifier
        .iter()
        .all(|&byte| byte.is_ascii_digit() || b"ACDEFHKNPRTVWXY".contains(&byte));
    (routing_valid && identifier_valid).then(|| Canonical::joined(routing, b' ', identifier))
}

/// Dutch postcodes: four digits (not starting with 0) and two letters other than SA, SD
/// and SS.
fn netherlands(compact: &[u8]) -> Option<Canonical> {
    if compact.len() != 6 {
        return None;
    }
    let (number, letters) = compact.split_at(4);
    let valid = digits(number)
        && number[0] != b'0'
        && letters.iter().all(|&byte| letter(byte))
        && !matches!(letters, b"SA" | b"SD" | b"SS");
    valid.then(|| Canonical::joined(number, b' ', letters))
}

fn sweden(compact: &[u8]) -> Option<Canonical> {
    let valid = compact.len() == 5 && digits(compact) && compact[0] != b'0';
    valid.then(|| Canonical::joined(&compact[..3], b' ', &compact[3..]))
}

fn portugal(compact: &[u8]) -> Option<Canonical> {
    let valid = compact.len() == 7 && digits(compact) && compact[0] != b'0';
    valid.then(|| Canonical::joined(&compact[..4], b'-', &compact[4..]))
}

fn poland(compact: &[u8]) -> Option<Canonical> {
    let valid = compact.len() == 5 && digits(compact);
    valid.then(|| Canonical::joined(&compact[..2], b'-', &compact[2..]))
}

/// UK postcodes: an outward code (`A9`, `A99`, `AA9`, `AA99`, `A9A` or `AA9A`) and an
/// inward code (digit and two letters, never C I K M O V), plus the special `GIR 0AA`
/// and British Forces `BFPO` numbers. Q, V and X never start a postcode.
fn united_kingdom(compact: &[u8]) -> Option<Canonical> {
    if compact == b"GIR0AA" {
        return Some(Canonical::joined(b"GIR", b' ', b"0AA"));
    }
    if let Some(number) = compact.strip_prefix(b"BFPO")
        && (1..=4).contains(&number.len())
        && digits(number)
    {
        return Some(Canonical::joined(b"BFPO", b' ', number));
    }
    if !(5..=7).contains(&compact.len()) {
        return None;
    }

    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward_letter = |byte: u8| letter(byte) && !b"CIKMOV".contains(&byte);
    let inward_valid =
        inward[0].is_ascii_digit() && inward_letter(inward[1]) && inward_letter(inward[2]);

    let is_digit = |byte: &u8| byte.is_ascii_digit();
    // Royal Mail's rules: the second letter of a two-letter area is never I, J or Z; a
    // letter after the district digit is one of ABCDEFGHJKPSTUW in `A9A` and one of
    // ABEHMNPRVWXY in `AA9A`.
    let area_letter = |byte: &u8| letter(*byte) && !b"IJZ".contains(byte);
    let outward_valid = match outward {
        [a, d] => letter(*a) && is_digit(d),
        [a, b, c] if is_digit(b) => letter(*a) && (is_digit(c) || b"ABCDEFGHJKPSTUW".contains(c)),
        [a, b, c] => letter(*a) && area_letter(b) && is_digit(c),
        [a, b, c, d] => {
            letter(*a)
                && area_letter(b)
                && is_digit(c)
                && (is_digit(d) || b"ABEHMNPRVWXY".contains(d))
        }
        _ => false,
    };

    let valid = inward_valid && outward_valid && !b"QVX".contains(&outward[0]);
    valid.then(|| Canonical::joined(outward, b' ', inward))
}

/// Suggests a fix for a UK postcode where the letter O was typed for a zero, trying
/// each position after the first where a digit can stand.
fn letter_o_for_zero(compact: &[u8]) -> Option<Canonical> {
    // UK postcodes have 5 to 7 characters without the space.
    if !compact.contains(&b'O') || !(5..=7).contains(&compact.len()) {
        return None;
    }
    let mut candidate = [0u8; 7];
    let candidate = &mut candidate[..compact.len()];
    candidate.copy_from_slice(compact);
    let inward_digit = compact.len().checked_sub(3)?;
    // A zero can stand at position 1 or 2 of the outward code, or first in the inward
    // code. Try the inward digit alone first, then together with the outward positions.
    if candidate[inward_digit] == b'O' {
        candidate[inward_digit] = b'0';
        if let Some(fixed) = united_kingdom(candidate) {
            return Some(fixed);
        }
    }
    for byte in &mut candidate[1..inward_digit] {
        if *byte == b'O' {
            *byte = b'0';
        }
    }
    united_kingdom(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> Country {
        Country::lookup(code).unwrap()
    }

    fn check(code: &str, text: &str) -> PostcodeCheck {
        check_postcode(country(code), text)
    }

    #[test]
    fn formats_sorted() {
        assert!(
            FORMATS
                .windows(2)
                .all(|pair| pair[0].country < pair[1].country)
        );
        for format in &FORMATS {
            let example = format.example.split(" or ").next().unwrap();
            let result = check(format.country, example);
            assert!(
                matches!(result, PostcodeCheck::Valid(_)),
                "{example}: {result:?}"
            );
        }
    }

    #[test]
    fn valid_canonical_postcodes() {
        let cases = [
            ("GB", "SW1A 1AA"),
            ("GB", "M1 1AE"),
            ("GB", "B33 8TH"),
            ("GB", "CR2 6XH"),
            ("GB", "DN55 1PT"),
            ("GB", "W1A 0AX"),
            ("GB", "EC1A 1BB"),
            ("GB", "GIR 0AA"),
            ("GB", "BFPO 61"),
            ("GB", "OX1 1AA"),
            ("US", "02134"),
            ("US", "90210-1234"),
            ("CA", "K1A 0B1"),
            ("CA", "H2X 3Y7"),
            ("IE", "A65 F4E2"),
            ("IE", "D6W 1234"),
            ("AU", "0800"),
            ("NZ", "1010"),
            ("DE", "01067"),
            ("FR", "75008"),
            ("NL", "1234 AB"),
            ("ES", "08001"),
            ("IT", "00118"),
            ("BE", "1000"),
            ("DK", "2100"),
            ("SE", "113 51"),
            ("NO", "0010"),
            ("CH", "3000"),
            ("AT", "6020"),
            ("PT", "4000-123"),
            ("PL", "31-564"),
            ("PR", "00901"),
        ];
        for (code, text) in cases {
            let result = check(code, text);
            assert!(
                matches!(result, PostcodeCheck::Valid(_)),
                "{code} {text:?}: {result:?}"
            );
        }
    }

    #[test]
    fn non_canonical_postcodes() {
        let cases = [
            ("GB", "sw1a1aa", "SW1A 1AA"),
            ("GB", "SW1A  1AA", "SW1A 1AA"),
            ("GB", "gir0aa", "GIR 0AA"),
            ("GB", "bfpo 61", "BFPO 61"),
            ("US", "902101234", "90210-1234"),
            ("US", "90210 1234", "90210-1234"),
            ("CA", "k1a0b1", "K1A 0B1"),
            ("IE", "a65f4e2", "A65 F4E2"),
            ("NL", "1234ab", "1234 AB"),
            ("SE", "11351", "113 51"),
            ("PT", "4000123", "4000-123"),
            ("PL", "31564", "31-564"),
            ("PL", "315-64", "31-564"),
            ("DE", "D-10115", "10115"),
            ("CH", "CH-8001", "8001"),
            ("FR", "75 008", "75008"),
        ];
        for (code, text, canonical) in cases {
            let result = check(code, text);
            let PostcodeCheck::NotCanonical(suggestion) = result else {
                panic!("{code} {text:?}: {result:?}");
            };
            assert_eq!(suggestion.as_str(), canonical, "{code} {text:?}");
        }
    }

    #[test]
    fn invalid_postcodes() {
        let cases = [
            ("GB", "SW1A 1A"),
            ("GB", "SW1A 1AAA"),
            ("GB", "QA1 1AA"),
            ("GB", "SW1A 1CI"),
            ("GB", "12345"),
            ("GB", "BFPO 12345"),
            ("GB", "SW1A/1AA"),
            ("US", "1234"),
            ("US", "123456"),
            ("US", "ABCDE"),
            ("CA", "D1A 0B1"),
            ("CA", "W1A 0B1"),
            ("CA", "K1A0B"),
            ("IE", "A65 F4B2"),
            ("IE", "AA5 F4E2"),
            ("AU", "200"),
            ("NZ", "10100"),
            ("DE", "1011"),
            ("DE", "101155"),
            ("FR", "7500A"),
            ("NL", "0123 AB"),
            ("NL", "1234 SS"),
            ("NL", "12345"),
            ("ES", "53001"),
            ("ES", "00001"),
            ("IT", "0018"),
            ("BE", "0999"),
            ("DK", "210"),
            ("SE", "013 51"),
            ("NO", "00100"),
            ("CH", "0300"),
            ("AT", "60200"),
            ("PT", "4000-12"),
            ("PL", "31-56"),
        ];
        for (code, text) in cases {
            assert!(
                matches!(check(code, text), PostcodeCheck::Invalid(_)),
                "{code} {text:?}: {:?}",
                check(code, text)
            );
        }
    }

    #[test]
    fn letter_o_for_zero_suggested() {
        let cases = [
            ("SW1A OAA", "SW1A 0AA"),
            ("W1A OAX", "W1A 0AX"),
            ("EC1A 1BB", ""),
            ("N1O 1AA", "N10 1AA"),
            ("A0O", ""),
            ("OO", ""),
        ];
        for (text, suggestion) in cases {
            match check("GB", text) {
                PostcodeCheck::Invalid(Some(fixed)) => {
                    assert_eq!(fixed.as_str(), suggestion, "{text}")
                }
                PostcodeCheck::Valid(_) | PostcodeCheck::Invalid(None) => {
                    assert!(suggestion.is_empty(), "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_formats_unchecked() {
        assert_eq!(check("JP", "100-0001"), PostcodeCheck::Unchecked);
        assert!(matches!(check("VI", "00802"), PostcodeCheck::Valid(_)));
    }
}
