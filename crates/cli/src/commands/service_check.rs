//! The service's validation summary in words, for table output.
//!
//! The service sends the summary as JSON: `rows` (`total`, `valid`, `invalid`),
//! `issue_counts` (issue code to count), `first_issues` (issues as `sealpost validate`
//! reports them) and `issues_omitted`. A summary of another shape is printed as compact
//! JSON, so nothing the service sent is hidden.

use serde_json::Value;

/// Issues printed one per line; the rest are only counted.
const ISSUES_SHOWN: usize = 10;

/// Describes `summary` in indented lines that start with `indent`, each ending in a
/// newline.
pub(crate) fn describe(summary: &Value, indent: &str) -> String {
    let Some(rows) = summary.get("rows").and_then(describe_rows) else {
        return format!("{indent}checked by the service: {summary}\n");
    };
    let mut text = format!("{indent}checked by the service: {rows}\n");

    let counts: Vec<String> = summary
        .get("issue_counts")
        .and_then(Value::as_object)
        .map(|counts| {
            counts
                .iter()
                .map(|(code, count)| format!("{count} {code}"))
                .collect()
        })
        .unwrap_or_default();
    if counts.is_empty() {
        text.push_str(&format!("{indent}  no issues found\n"));
        return text;
    }
    text.push_str(&format!("{indent}  issues: {}\n", counts.join(", ")));

    let issues = summary
        .get("first_issues")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for issue in issues.iter().take(ISSUES_SHOWN) {
        text.push_str(&format!("{indent}  {}\n", describe_issue(issue)));
    }
    let omitted = summary
        .get("issues_omitted")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let not_shown = issues.len().saturating_sub(ISSUES_SHOWN) as u64 + omitted;
    if not_shown > 0 {
        text.push_str(&format!(
            "{indent}  and {not_shown} more issues; `sealpost validate` on the file lists them all\n"
        ));
    }
    text
}

fn describe_rows(rows: &Value) -> Option<String> {
    let total = rows.get("total")?.as_u64()?;
    let valid = rows.get("valid")?.as_u64()?;
    let invalid = rows.get("invalid")?.as_u64()?;
    Some(format!(
        "{total} rows, {valid} valid, {invalid} with errors"
    ))
}

/// Returns the spreadsheet name of the 0-based column `index`: A to Z, then AA.
fn column_letters(index: u64) -> String {
    let mut letters = Vec::new();
    let mut rest = index + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        rest = (rest - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Describes one issue as `row 12, column C: error invalid_postcode: MESSAGE`.
fn describe_issue(issue: &Value) -> String {
    let text = |key: &str| issue.get(key).and_then(Value::as_str).unwrap_or("?");
    let mut place = match issue.get("row").and_then(Value::as_u64) {
        Some(row) => format!("row {row}"),
        None => "row ?".to_owned(),
    };
    // Rows are numbered as spreadsheets show them, so columns get spreadsheet letters.
    if let Some(column) = issue.get("column").and_then(Value::as_u64) {
        place.push_str(&format!(", column {}", column_letters(column)));
    }
    let mut line = format!(
        "{place}: {} {}: {}",
        text("severity"),
        text("code"),
        text("message")
    );
    if let Some(suggestion) = issue.get("suggestion").and_then(Value::as_str) {
        line.push_str(&format!(" (suggested: {suggestion})"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_in_words() {
        let summary = serde_json::json!({
            "rows": { "total": 500, "valid": 497, "invalid": 3 },
            "issue_counts": { "invalid_postcode": 2, "missing_required": 1 },
            "first_issues": [
                { "row": 4, "column": 8, "code": "invalid_postcode", "severity": "error",
                  "message": "postcode \"XX1\" is not a valid UK postcode", "suggestion": null },
                { "row": 9, "column": null, "code": "missing_required", "severity": "error",
                  "message": "the address has no city", "suggestion": "London" }
            ],
            "issues_omitted": 1
        });
        let text = describe(&summary, "  ");
        assert!(
            text.contains("checked by the service: 500 rows, 497 valid, 3 with errors"),
            "{text}"
        );
        assert!(
            text.contains("issues: 2 invalid_postcode, 1 missing_required"),
            "{text}"
        );
        assert!(
            text.contains("row 4, column I: error invalid_postcode"),
            "{text}"
        );
        assert!(text.contains("row 9: error missing_required"), "{text}");
        assert!(text.contains("(suggested: London)"), "{text}");
        assert!(text.contains("and 1 more issues"), "{text}");
        assert!(!text.contains('{'), "{text}");
    }

    #[test]
    fn column_letters_as_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn clean_summary() {
        let summary = serde_json::json!({
            "rows": { "total": 2, "valid": 2, "invalid": 0 },
            "issue_counts": {},
            "first_issues": [],
            "issues_omitted": 0
        });
        assert_eq!(
            describe(&summary, ""),
            "checked by the service: 2 rows, 2 valid, 0 with errors\n  no issues found\n"
        );
    }

    #[test]
    fn unknown_shape_kept_as_json() {
        let summary = serde_json::json!({ "checked": true });
        assert_eq!(
            describe(&summary, ""),
            "checked by the service: {\"checked\":true}\n"
        );
    }
}
