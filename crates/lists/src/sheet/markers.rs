//! A byte-level search of an XLSX workbook's XML for the elements that need a further
//! pass over a sheet, made while the guard inflates every part anyway.
//!
//! calamine finds formulas without a saved value and merged regions only by parsing the
//! whole sheet again. A workbook with neither element, such as a plain exported list,
//! is parsed once.

use memchr::memmem;

/// Elements that the parts of an XLSX workbook may contain. A false positive costs only
/// a pass that finds nothing, but a false negative would hide a finding. So each search
/// is wider than the element it looks for.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct XlsxMarkers {
    /// A formula element: `<f` or a namespace-prefixed `:f`, followed by `>`, `/` or
    /// white space.
    pub(crate) formulas: bool,
    /// The text `mergeCell`, which every merged-region element's name starts with.
    pub(crate) merged_cells: bool,
}

impl XlsxMarkers {
    /// Searches one chunk of XML. A tag split at the end of `xml` is found in the next
    /// chunk, which must start with at least the last 15 bytes of this one.
    pub(crate) fn scan(&mut self, xml: &[u8]) {
        if !self.formulas {
            self.formulas = may_hold_formula(xml);
        }
        if !self.merged_cells {
            self.merged_cells = memmem::find(xml, b"mergeCell").is_some();
        }
    }
}

fn may_hold_formula(xml: &[u8]) -> bool {
    let ends_name = |at: usize| {
        xml.get(at)
            .is_some_and(|byte| matches!(byte, b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'))
    };
    [b"<f".as_slice(), b":f".as_slice()]
        .iter()
        .any(|tag| memmem::find_iter(xml, tag).any(|start| ends_name(start + tag.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(chunks: &[&str]) -> XlsxMarkers {
        let mut markers = XlsxMarkers::default();
        for chunk in chunks {
            markers.scan(chunk.as_bytes());
        }
        markers
    }

    #[test]
    fn formulas_found_with_or_without_prefix() {
        let found = [
            r#"<c r="A1"><f>SUM(B1:B2)</f></c>"#,
            r#"<c r="A2"><f t="shared" si="0"/></c>"#,
            r#"<x:c r="A1"><x:f>1+1</x:f></x:c>"#,
            "<c r=\"A1\"><f\n>1</f></c>",
        ];
        for xml in found {
            assert!(scanned(&[xml]).formulas, "{xml}");
        }
    }

    #[test]
    fn formulas_not_matched_by_other_elements() {
        let not_found = [
            r#"<c r="A1" t="s"><v>0</v></c>"#,
            r#"<font><fill/></font><x:fills count="1"/>"#,
        ];
        for xml in not_found {
            assert!(!scanned(&[xml]).formulas, "{xml}");
        }
    }

    #[test]
    fn formulas_found_across_chunks() {
        // The guard carries the end of one chunk over to the start of the next.
        assert!(!scanned(&[r#"<c r="A1"><f"#]).formulas);
        assert!(scanned(&[r#"<c r="A1"><f"#, r#"<f>1</f></c>"#]).formulas);
    }

    #[test]
    fn merged_cells_found() {
        let markers = scanned(&[r#"<mergeCells count="1"><mergeCell ref="A1:A3"/></mergeCells>"#]);
        assert!(markers.merged_cells);
        assert!(!markers.formulas);
        assert!(!scanned(&[r#"<sheetData><row r="1"/></sheetData>"#]).merged_cells);
    }
}
