//! The table of issue codes: each code's severity, meaning, an example and the fix.
//! docs/validation.md documents the same table, and a test checks that it lists every
//! code.

use std::fmt;

/// Seriousness of an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row can still be mailed, but something looks wrong.
    Warning,
    /// The row cannot be mailed as it is.
    Error,
}

impl Severity {
    /// Returns the lower-case name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable identifier for one kind of problem. The snake_case names are part of the
/// JSON output and must not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IssueCode {
    /// A name, first address line, city or (where the country uses one) postcode is empty.
    MissingRequired,
    /// A postcode does not match its country's format, or is not in canonical form.
    InvalidPostcode,
    /// A US ZIP code lost its leading zero.
    LeadingZeroLost,
    /// A number was shown in scientific notation or rounded to 15 digits.
    PrecisionLost,
    /// A country names no ISO 3166 country.
    UnknownCountry,
    /// The same recipient appears on an earlier row.
    Duplicate,
    /// A cell would run as a formula when opened in a spreadsheet.
    FormulaInjection,
    /// A printed field is longer than the printable limit.
    FieldTooLong,
    /// A cell contains control characters, or an address line contains a line break.
    ControlCharacters,
    /// A cell looks like text decoded with the wrong encoding.
    EncodingSuspect,
    /// A row has more or fewer fields than the header.
    RaggedRow,
    /// A row is entirely empty.
    EmptyRow,
}

/// One row of the rule table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The issue code.
    pub code: IssueCode,
    /// The severity every issue with this code has.
    pub severity: Severity,
    /// Explanation of the issue.
    pub meaning: &'static str,
    /// A cell or row that raises it.
    pub example: &'static str,
    /// Action that resolves the issue.
    pub fix: &'static str,
}

/// Every rule, in the order the codes are declared.
pub const RULES: [Rule; 12] = [
    Rule {
        code: IssueCode::MissingRequired,
        severity: Severity::Error,
        meaning: "A name (full name, first and last name, or company), the first address line, the city or, where the country uses them, the postcode is empty.",
        example: "a row with a name and street but no town",
        fix: "Fill in the missing field, or remove the row.",
    },
    Rule {
        code: IssueCode::InvalidPostcode,
        severity: Severity::Error,
        meaning: "The postcode does not match the format of the row's country. A valid postcode written in a non-canonical form is a warning with the canonical form as the suggestion.",
        example: "`SW1A 1A` (error); `sw1a1aa` (warning, suggestion `SW1A 1AA`)",
        fix: "Correct the postcode, or use the suggestion.",
    },
    Rule {
        code: IssueCode::LeadingZeroLost,
        severity: Severity::Error,
        meaning: "A US ZIP code in a state whose ZIP codes start with 0 has too few digits because a spreadsheet stored it as a number.",
        example: "`2134` with state `MA`",
        fix: "Use the suggested padded ZIP code, and format the column as text before saving.",
    },
    Rule {
        code: IssueCode::PrecisionLost,
        severity: Severity::Error,
        meaning: "A spreadsheet turned a long number into scientific notation or rounded it to 15 significant digits, so the original digits are gone.",
        example: "`4.4E+11`, `1.23457E+11`",
        fix: "Re-export the column from the source system formatted as text.",
    },
    Rule {
        code: IssueCode::UnknownCountry,
        severity: Severity::Error,
        meaning: "The country is neither an ISO 3166 code nor a known country name.",
        example: "`Untied Kingdom`",
        fix: "Use an ISO 3166 alpha-2 code such as `GB` or `US`, or the English country name.",
    },
    Rule {
        code: IssueCode::Duplicate,
        severity: Severity::Warning,
        meaning: "The same recipient (name, company, first address line, postcode and country, ignoring case, spacing and postcode format) appears on an earlier row.",
        example: "row 9 repeats row 4 as `ada lovelace`, `sw1a1aa`",
        fix: "Remove the later row unless the recipient should get two pieces.",
    },
    Rule {
        code: IssueCode::FormulaInjection,
        severity: Severity::Error,
        meaning: "The cell starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain number or phone number, so a spreadsheet would run it as a formula.",
        example: "`=HYPERLINK(\"http://example.invalid\",\"x\")`",
        fix: "Remove the leading character, or remove the cell's content.",
    },
    Rule {
        code: IssueCode::FieldTooLong,
        severity: Severity::Error,
        meaning: "A printed field (name, company, job title, address line, city or state) has more characters than fit on a printed line (50 by default).",
        example: "a 64-character first address line",
        fix: "Shorten the field or move part of it to the next address line.",
    },
    Rule {
        code: IssueCode::ControlCharacters,
        severity: Severity::Error,
        meaning: "The cell contains a NUL or other control character, or a printed field contains a tab or line break.",
        example: "`12 High St\\nFlat 2` in the first address line",
        fix: "Put each part on its own address line and remove control characters.",
    },
    Rule {
        code: IssueCode::EncodingSuspect,
        severity: Severity::Warning,
        meaning: "The cell contains character sequences typical of UTF-8 text decoded as Windows-1252 (mojibake).",
        example: "`MÃ¼ller`, `Oâ€™Brien`",
        fix: "Re-open the file with the right encoding (option --encoding), or use the suggested repair.",
    },
    Rule {
        code: IssueCode::RaggedRow,
        severity: Severity::Error,
        meaning: "The row has more non-empty fields than the header, or fewer fields, so its cells may sit under the wrong headings. Extra empty fields at the end of a row are ignored.",
        example: "a CSV line with an unquoted comma in the address",
        fix: "Quote fields that contain the delimiter, or fix the row's field count.",
    },
    Rule {
        code: IssueCode::EmptyRow,
        severity: Severity::Warning,
        meaning: "Every cell of the row is empty. The row is skipped and not counted as data.",
        example: "a blank line between two blocks of recipients",
        fix: "Nothing needs doing; delete the row to silence the warning.",
    },
];

impl IssueCode {
    /// Returns the snake_case code used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::MissingRequired => "missing_required",
            IssueCode::InvalidPostcode => "invalid_postcode",
            IssueCode::LeadingZeroLost => "leading_zero_lost",
            IssueCode::PrecisionLost => "precision_lost",
            IssueCode::UnknownCountry => "unknown_country",
            IssueCode::Duplicate => "duplicate",
            IssueCode::FormulaInjection => "formula_injection",
            IssueCode::FieldTooLong => "field_too_long",
            IssueCode::ControlCharacters => "control_characters",
            IssueCode::EncodingSuspect => "encoding_suspect",
            IssueCode::RaggedRow => "ragged_row",
            IssueCode::EmptyRow => "empty_row",
        }
    }

    /// Returns this code's row in [`RULES`].
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// Returns the severity of this code's issues, except where a rule downgrades one
    /// (a valid postcode in non-canonical form is a warning).
    pub fn severity(self) -> Severity {
        self.rule().severity
    }

    /// Returns every code in table order.
    pub fn all() -> impl Iterator<Item = IssueCode> {
        RULES.iter().map(|rule| rule.code)
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_codes() {
        for (position, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.code as usize, position, "{}", rule.code);
            assert_eq!(rule.code.rule().code, rule.code);
        }
    }

    #[test]
    fn code_names_match_serde() {
        for code in IssueCode::all() {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn docs_list_every_code() {
        let docs = include_str!("../../../../docs/validation.md");
        for rule in &RULES {
            let row_start = format!("| `{}` | {} |", rule.code, rule.severity);
            assert!(
                docs.contains(&row_start),
                "docs/validation.md lacks {row_start}"
            );
        }
    }
}
