//! Rendering of spreadsheet values as the text a spreadsheet program displays.

use std::fmt::Write;

use calamine::{CellErrorType, DataRef, ExcelDateTime};

use crate::CellKind;

/// Largest integer an `f64` represents exactly (2^53). Integral floats below it print as
/// integers.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Appends the display text of `value` to `out` and returns its kind, or `None` for an
/// empty cell.
pub(crate) fn render(value: &DataRef<'_>, out: &mut String) -> Option<CellKind> {
    let kind = match value {
        DataRef::Empty => return None,
        DataRef::String(text) => push_text(text, out),
        DataRef::SharedString(text) => push_text(text, out),
        DataRef::Int(number) => {
            let _ = write!(out, "{number}");
            CellKind::Number
        }
        DataRef::Float(number) => {
            push_float(*number, out);
            CellKind::Number
        }
        DataRef::Bool(value) => {
            out.push_str(if *value { "TRUE" } else { "FALSE" });
            CellKind::Boolean
        }
        DataRef::DateTime(value) => push_datetime(value, out),
        DataRef::DateTimeIso(text) => {
            out.push_str(text);
            CellKind::Date
        }
        DataRef::DurationIso(text) => {
            out.push_str(text);
            CellKind::Number
        }
        DataRef::Error(error) => {
            push_error(error, out);
            CellKind::Error
        }
    };
    if out.is_empty() { None } else { Some(kind) }
}

/// Appends a string cell, decoding the `_xHHHH_` escapes (such as `_x000D_` for a
/// carriage return) that Office Open XML uses for characters XML cannot hold, in case
/// the parser left any.
fn push_text(text: &str, out: &mut String) -> CellKind {
    if !text.contains("_x") {
        out.push_str(text);
        return CellKind::Text;
    }
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let code = tail
            .get(2..6)
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(decoded) => {
                out.push(decoded);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    CellKind::Text
}

/// Appends a number as a spreadsheet program shows it in the General format: at most 15
/// significant digits (so binary artefacts such as `7.0000000000000009` show as `7`),
/// integers without a decimal point and never in exponent notation.
pub(crate) fn push_float(number: f64, out: &mut String) {
    if !number.is_finite() {
        out.push_str("#NUM!");
        return;
    }
    // Round to 15 significant digits through the exponent form, then print the
    // shortest decimal that reads back as that rounded value.
    let mut rounded_text = String::with_capacity(24);
    let _ = write!(rounded_text, "{number:.14e}");
    let rounded: f64 = rounded_text.parse().unwrap_or(number);
    if rounded.fract() == 0.0 && rounded.abs() < MAX_EXACT_INTEGER {
        let _ = write!(out, "{}", rounded as i64);
    } else {
        // `Display` for f64 never uses exponent notation.
        let _ = write!(out, "{rounded}");
    }
}

fn push_datetime(value: &ExcelDateTime, out: &mut String) -> CellKind {
    if value.is_duration() {
        let seconds = (value.as_f64() * 86_400.0).round() as i64;
        let (hours, minutes, secs) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        let _ = write!(out, "{hours:02}:{minutes:02}:{secs:02}");
        return CellKind::Date;
    }
    // The value carries the workbook's date system (1900 or 1904).
    let (year, month, day, hour, minute, second, _) = value.to_ymd_hms_milli();
    let _ = write!(out, "{year:04}-{month:02}-{day:02}");
    if (hour, minute, second) != (0, 0, 0) {
        let _ = write!(out, "T{hour:02}:{minute:02}:{second:02}");
    }
    CellKind::Date
}

fn push_error(error: &CellErrorType, out: &mut String) {
    let _ = write!(out, "{error}");
}

#[cfg(test)]
mod tests {
    use calamine::ExcelDateTimeType;

    use super::*;

    fn shown(value: DataRef<'_>) -> (String, Option<CellKind>) {
        let mut out = String::new();
        let kind = render(&value, &mut out);
        (out, kind)
    }

    #[test]
    fn render_numbers_like_a_spreadsheet() {
        let cases: &[(f64, &str)] = &[
            (7.000_000_000_000_001, "7"),
            (447_700_900_123.0, "447700900123"),
            (2_101.0, "2101"),
            (0.1 + 0.2, "0.3"),
            (-12.5, "-12.5"),
            (1e21, "1000000000000000000000"),
            (0.000_001_5, "0.0000015"),
            (123_456_789_012_345_680.0, "123456789012346000"),
        ];
        for (number, expected) in cases {
            let (text, kind) = shown(DataRef::Float(*number));
            assert_eq!(text, *expected, "number {number}");
            assert_eq!(kind, Some(CellKind::Number));
        }
    }

    #[test]
    fn render_other_values() {
        let date = ExcelDateTime::new(45_000.0, ExcelDateTimeType::DateTime, false);
        let date_1904 = ExcelDateTime::new(45_000.0, ExcelDateTimeType::DateTime, true);
        let timestamp = ExcelDateTime::new(45_000.5, ExcelDateTimeType::DateTime, false);
        let cases: Vec<(DataRef<'_>, &str, Option<CellKind>)> = vec![
            (DataRef::Int(2101), "2101", Some(CellKind::Number)),
            (DataRef::Bool(true), "TRUE", Some(CellKind::Boolean)),
            (
                DataRef::SharedString("01234"),
                "01234",
                Some(CellKind::Text),
            ),
            (
                DataRef::String("a_x000D_b".into()),
                "a\rb",
                Some(CellKind::Text),
            ),
            (DataRef::String("_x00".into()), "_x00", Some(CellKind::Text)),
            (DataRef::DateTime(date), "2023-03-15", Some(CellKind::Date)),
            (
                DataRef::DateTime(date_1904),
                "2027-03-16",
                Some(CellKind::Date),
            ),
            (
                DataRef::DateTime(timestamp),
                "2023-03-15T12:00:00",
                Some(CellKind::Date),
            ),
            (
                DataRef::Error(CellErrorType::NA),
                "#N/A",
                Some(CellKind::Error),
            ),
            (DataRef::Empty, "", None),
            (DataRef::String(String::new()), "", None),
        ];
        for (value, expected, kind) in cases {
            let (text, got) = shown(value.clone());
            assert_eq!(text, expected, "value {value:?}");
            assert_eq!(got, kind, "value {value:?}");
        }
    }
}
