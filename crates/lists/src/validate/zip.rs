//! US ZIP codes that lost their leading zeros when a spreadsheet stored them as numbers.

use super::country::Country;

/// States and territories whose ZIP codes start with 0, with the number of leading zeros
/// every ZIP code there has. New England, New Jersey and the military `AE` region have
/// one (01000 to 09999). Puerto Rico and the US Virgin Islands have two (00601 to 00851).
const ZERO_STATES: [(&str, &str, usize); 11] = [
    ("CT", "Connecticut", 1),
    ("MA", "Massachusetts", 1),
    ("ME", "Maine", 1),
    ("NH", "New Hampshire", 1),
    ("NJ", "New Jersey", 1),
    ("RI", "Rhode Island", 1),
    ("VT", "Vermont", 1),
    ("AE", "Armed Forces Europe", 1),
    ("PR", "Puerto Rico", 2),
    ("VI", "Virgin Islands", 2),
    ("VI", "US Virgin Islands", 2),
];

/// Returns how many leading zeros every ZIP code of this state has (0 when none).
fn leading_zeros(state: &str) -> usize {
    let state = state.trim();
    ZERO_STATES
        .iter()
        .find(|(code, name, _)| {
            state.eq_ignore_ascii_case(code) || state.eq_ignore_ascii_case(name)
        })
        .map_or(0, |(_, _, zeros)| *zeros)
}

/// Returns the padded ZIP code when `postcode` is a ZIP code (or ZIP+4) that is short by
/// exactly the zeros its state's ZIP codes start with. Anything else gets `None`, so a
/// four-digit ZIP code in Texas stays an invalid postcode rather than being padded.
pub(crate) fn restore_leading_zeros(
    country: Country,
    state: &str,
    postcode: &str,
) -> Option<String> {
    let zeros = match &country.bytes() {
        b"PR" | b"VI" => 2,
        b"US" => leading_zeros(state),
        _ => 0,
    };
    // Only digits and a hyphen can form a ZIP code; checking first also keeps the byte
    // slicing below on character boundaries.
    let zip_characters = postcode
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b'-');
    if zeros == 0 || !zip_characters {
        return None;
    }

    let (zip, plus_four) = match postcode.split_once('-') {
        Some((zip, plus_four)) if plus_four.len() == 4 => (zip, Some(plus_four)),
        Some(_) => return None,
        None if postcode.len() > 5 => {
            // A ZIP+4 stored as a number: the last four digits are the extension.
            let split = postcode.len().checked_sub(4)?;
            (&postcode[..split], Some(&postcode[split..]))
        }
        None => (postcode, None),
    };
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if !all_digits(zip) || !plus_four.is_none_or(all_digits) {
        return None;
    }

    // Two-zero places may have lost one zero or both; one-zero places only one.
    let missing = 5usize.checked_sub(zip.len())?;
    if missing == 0 || missing > zeros {
        return None;
    }
    let mut padded = "0".repeat(missing);
    padded.push_str(zip);
    if let Some(plus_four) = plus_four {
        padded.push('-');
        padded.push_str(plus_four);
    }
    Some(padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_padding_cases() {
        let cases = [
            ("US", "NJ", "7102", Some("07102")),
            ("US", "New Jersey", "7102", Some("07102")),
            ("US", "ma", "2134", Some("02134")),
            ("US", "CT", "6101", Some("06101")),
            ("US", "ME", "4101", Some("04101")),
            ("US", "NH", "3301", Some("03301")),
            ("US", "RI", "2903", Some("02903")),
            ("US", "VT", "5401", Some("05401")),
            ("US", "AE", "9001", Some("09001")),
            ("US", "PR", "901", Some("00901")),
            ("US", "PR", "0901", Some("00901")),
            ("PR", "", "901", Some("00901")),
            ("US", "VI", "802", Some("00802")),
            ("US", "MA", "2134-1234", Some("02134-1234")),
            ("US", "MA", "21341234", Some("02134-1234")),
            ("US", "TX", "7501", None),
            ("US", "", "7501", None),
            ("US", "NJ", "07102", None),
            ("US", "NJ", "710", None),
            ("US", "NJ", "71O2", None),
            ("GB", "NJ", "7102", None),
            ("US", "NJ", "ab🕴cdef", None),
            ("US", "NJ", "12🕴", None),
        ];
        for (country, state, postcode, padded) in cases {
            let country = Country::lookup(country).unwrap();
            assert_eq!(
                restore_leading_zeros(country, state, postcode).as_deref(),
                padded,
                "{country} {state:?} {postcode:?}"
            );
        }
    }
}
