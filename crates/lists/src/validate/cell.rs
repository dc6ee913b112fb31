//! Checks that look at one cell's text on its own: control characters, formula
//! injection, mojibake and numbers a spreadsheet has mangled.

use crate::CellKind;

/// Byte classes found by one pass over a cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CellScan {
    /// A C0 control other than tab, line feed and carriage return.
    pub(crate) control: bool,
    /// A tab, line feed or carriage return.
    pub(crate) layout_control: bool,
    /// Any byte outside ASCII.
    pub(crate) non_ascii: bool,
}

/// Scans a cell once for the byte classes the other checks need.
pub(crate) fn scan(cell: &str) -> CellScan {
    let bytes = cell.as_bytes();
    // One pass without early exits for the lowest and highest byte, which compiles to
    // wide loads. The common cell (printable text) never reaches the loop below.
    let (lowest, highest) = bytes
        .iter()
        .fold((u8::MAX, 0u8), |(lowest, highest), &byte| {
            (lowest.min(byte), highest.max(byte))
        });
    let non_ascii = highest >= 0x80;
    if lowest >= 0x20 {
        return CellScan {
            non_ascii,
            ..CellScan::default()
        };
    }
    let mut result = CellScan {
        non_ascii,
        ..CellScan::default()
    };
    for &byte in bytes {
        if byte < 0x20 {
            if matches!(byte, b'\t' | b'\n' | b'\r') {
                result.layout_control = true;
            } else {
                result.control = true;
            }
        }
    }
    result
}

/// Returns true when a spreadsheet would treat the cell as a formula: it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain number or an
/// international phone number.
pub(crate) fn is_formula_risk(cell: &str) -> bool {
    let Some(&first) = cell.as_bytes().first() else {
        return false;
    };
    if !matches!(first, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') {
        return false;
    }
    !(is_plain_number(cell) || is_phone_number(cell))
}

/// Returns true for a sign followed by digit groups joined by single `.` or `,`
/// separators, such as `-12.5`, `+3` or `-1,234.50`.
fn is_plain_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    !unsigned.is_empty()
        && unsigned
            .split(['.', ','])
            .all(|group| !group.is_empty() && group.bytes().all(|byte| byte.is_ascii_digit()))
}

/// Returns true for `+` followed by digits, spaces, brackets, dots and hyphens, with at
/// least six digits, such as `+44 7700 900123` or `+1 (555) 010-0199`.
fn is_phone_number(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix('+') else {
        return false;
    };
    let allowed = rest
        .bytes()
        .all(|byte| byte.is_ascii_digit() || matches!(byte, b' ' | b'(' | b')' | b'.' | b'-'));
    let digit_count = rest.bytes().filter(u8::is_ascii_digit).count();
    allowed && digit_count >= 6
}

/// Returns true when a spreadsheet has destroyed digits of a number: it is written in
/// scientific notation (`4.4E+11`), or it is a numeric cell with more than 15
/// significant digits, which is more than Excel stores.
pub(crate) fn is_precision_lost(cell: &str, kind: CellKind) -> bool {
    is_scientific(cell) || (kind == CellKind::Number && significant_digits(cell) > 15)
}

fn is_scientific(cell: &str) -> bool {
    let bytes = cell.as_bytes();
    let digit_at_ends = bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_digit);
    if bytes.len() > 24 || !digit_at_ends {
        return false;
    }
    let Some(split) = bytes.iter().position(|byte| matches!(byte, b'E' | b'e')) else {
        return false;
    };
    let (mantissa, exponent) = (&cell[..split], &cell[split + 1..]);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let all_digits =
        |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    whole.len() == 1 && all_digits(whole) && all_digits(fraction) && all_digits(exponent)
}

fn significant_digits(number: &str) -> usize {
    let unsigned = number.trim_start_matches('-');
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let fraction = if whole.is_empty() {
        fraction.trim_start_matches('0')
    } else {
        fraction
    };
    whole.len() + fraction.len()
}

/// Returns the repaired text when the cell is UTF-8 that was decoded as Windows-1252
/// (mojibake such as `MÃ¼ller` for `Müller`).
///
/// The cell must contain a typical pair: a character from `Â` to `ô` followed by one
/// that Windows-1252 puts at bytes 0x80 to 0xBF. Encoding the whole cell back to
/// Windows-1252 must then give valid UTF-8, which ordinary accented text does not.
pub(crate) fn repair_mojibake(cell: &str) -> Option<String> {
    let mut previous_lead = false;
    let mut found = false;
    for c in cell.chars() {
        if previous_lead && is_continuation_lookalike(c) {
            found = true;
            break;
        }
        previous_lead = ('\u{C2}'..='\u{F4}').contains(&c);
    }
    if !found {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(cell);
    if unmappable {
        return None;
    }
    let repaired = std::str::from_utf8(&bytes).ok()?;
    (repaired != cell).then(|| repaired.to_owned())
}

/// Characters that Windows-1252 decodes from the bytes 0x80 to 0xBF, which are UTF-8
/// continuation bytes.
fn is_continuation_lookalike(c: char) -> bool {
    ('\u{80}'..='\u{BF}').contains(&c)
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '…'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | '\u{2018}'
                | '\u{2019}'
                | '\u{201C}'
                | '\u{201D}'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_risk_cases() {
        let cases = [
            ("=HYPERLINK(\"http://example.invalid\",\"x\")", true),
            ("=1+2", true),
            ("+SUM(A1:A2)", true),
            ("-2+3", true),
            ("@SUM(A1)", true),
            ("\tcmd", true),
            ("\r=1", true),
            ("+44 7700 900123", false),
            ("+1 (555) 010-0199", false),
            ("-12.5", false),
            ("+3", false),
            ("-0,75", false),
            ("-1,234.50", false),
            ("-1.234,50", false),
            ("-1,,2", true),
            ("-1.", true),
            ("+", true),
            ("+12", false),
            ("12 High Street", false),
            ("a=b", false),
            ("", false),
            ("-", true),
            ("+44 7700 ext 1", true),
        ];
        for (cell, risky) in cases {
            assert_eq!(is_formula_risk(cell), risky, "{cell:?}");
        }
    }

    #[test]
    fn precision_lost_cases() {
        let cases = [
            ("4.4E+11", CellKind::Text, true),
            ("1.23457E+11", CellKind::Text, true),
            ("1.23457e-5", CellKind::Text, true),
            ("4E10", CellKind::Text, true),
            ("12E4", CellKind::Text, false),
            ("4E", CellKind::Text, false),
            ("4.4E+11 Road", CellKind::Text, false),
            ("1234567890123456", CellKind::Number, true),
            ("1234567890123450000", CellKind::Number, true),
            ("123456789012345", CellKind::Number, false),
            ("-123456789012.345", CellKind::Number, false),
            ("0.000000000000012345", CellKind::Number, false),
            ("1234567890123456", CellKind::Text, false),
            ("REF00000001", CellKind::Text, false),
        ];
        for (cell, kind, lost) in cases {
            assert_eq!(is_precision_lost(cell, kind), lost, "{cell:?} {kind:?}");
        }
    }

    #[test]
    fn mojibake_cases() {
        let cases = [
            ("MÃ¼ller", Some("Müller")),
            ("Oâ€™Brien", Some("O’Brien")),
            ("SÃ£o Paulo", Some("São Paulo")),
            ("Ã‰cole", Some("École")),
            ("Müller", None),
            ("Café™", None),
            ("Zürich – Stadt", None),
            ("東京", None),
            ("plain", None),
        ];
        for (cell, repaired) in cases {
            assert_eq!(repair_mojibake(cell).as_deref(), repaired, "{cell:?}");
        }
    }

    #[test]
    fn scan_classes() {
        assert_eq!(scan("abc"), CellScan::default());
        assert!(scan("a\0b").control);
        assert!(scan("a\u{1b}b").control);
        assert!(!scan("a\nb").control);
        assert!(scan("a\nb").layout_control);
        assert!(scan("a\tb").layout_control);
        assert!(scan("é").non_ascii);
    }
}
