//! Plain aligned text tables.

/// Formats rows under a header, each column as wide as its widest cell, two spaces apart.
pub(super) fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|cell| cell.chars().count()).collect();
    for row in rows {
        for (index, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(index) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let mut text = String::new();
    let header: Vec<String> = header.iter().map(|cell| (*cell).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            let width = widths.get(index).copied().unwrap_or(0);
            if index + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  "));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    if rows.is_empty() {
        text.push_str("(none)\n");
    }
    text
}

/// Formats a time as RFC 3339, or `-` when absent.
pub(super) fn time(at: Option<time::OffsetDateTime>) -> String {
    at.and_then(|at| {
        at.format(&time::format_description::well_known::Rfc3339)
            .ok()
    })
    .unwrap_or_else(|| "-".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let rows = vec![
            vec!["a".to_owned(), "long value".to_owned()],
            vec!["longer".to_owned(), "x".to_owned()],
        ];
        let text = render(&["ID", "NAME"], &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "ID      NAME");
        assert_eq!(lines[1], "a       long value");
        assert_eq!(lines[2], "longer  x");
    }

    #[test]
    fn empty_table_says_none() {
        let text = render(&["ID"], &[]);
        assert!(text.ends_with("(none)\n"), "{text}");
    }
}
