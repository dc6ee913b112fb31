//! Explicit mappings: a JSON object from heading to field name, or `null` for a column
//! the user wants kept as a custom merge field.

use std::collections::BTreeMap;
use std::path::Path;

use super::{ColumnMapping, MappingError, normalise_heading, synonyms};
use crate::Field;

/// A user-supplied heading-to-field mapping, such as `{"Post Code": "postcode",
/// "Notes": null}`.
///
/// Headings it does not mention are mapped automatically, to fields it leaves free.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct ExplicitMapping {
    entries: BTreeMap<String, Option<Field>>,
}

impl ExplicitMapping {
    /// Parses a mapping from JSON text.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Reads a mapping from a JSON file.
    pub fn load(path: &Path) -> Result<Self, MappingError> {
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&text).map_err(|source| MappingError::Json {
            path: path.to_owned(),
            source,
        })
    }

    /// Adds or replaces the entry for one heading.
    pub fn insert(&mut self, heading: impl Into<String>, field: Option<Field>) {
        self.entries.insert(heading.into(), field);
    }

    /// Applies the mapping to a list's headings.
    ///
    /// A heading matches an entry exactly or, failing that, after normalisation. Fails
    /// when an entry matches no heading or more than one column, when two entries match
    /// one column, or when two headings end up with one field.
    pub fn apply<S: AsRef<str>>(&self, headers: &[S]) -> Result<ColumnMapping, MappingError> {
        let normalised: Vec<String> = headers
            .iter()
            .map(|header| normalise_heading(header.as_ref()))
            .collect();
        let mut chosen: Vec<Option<Option<Field>>> = vec![None; headers.len()];
        let mut chosen_by: Vec<Option<&str>> = vec![None; headers.len()];

        for (heading, field) in &self.entries {
            let position = match_heading(heading, headers, &normalised)?;
            if let Some(first) = chosen_by[position] {
                return Err(MappingError::ColumnMappedTwice {
                    first: first.to_owned(),
                    second: heading.clone(),
                    header: headers[position].as_ref().to_owned(),
                });
            }
            chosen[position] = Some(*field);
            chosen_by[position] = Some(heading);
        }

        let mut used = [false; Field::COUNT];
        for field in chosen.iter().flatten().flatten() {
            used[field.index()] = true;
        }
        let mut fields = Vec::with_capacity(headers.len());
        for (position, choice) in chosen.into_iter().enumerate() {
            let field = match choice {
                Some(field) => field,
                None => synonyms::field_for_heading(&normalised[position])
                    .filter(|field| !std::mem::replace(&mut used[field.index()], true)),
            };
            fields.push(field);
        }
        ColumnMapping::from_fields(headers, &fields)
    }
}

/// Returns the position of the one column that `heading` names: an exact match if there
/// is one, else a match after normalisation.
fn match_heading<S: AsRef<str>>(
    heading: &str,
    headers: &[S],
    normalised: &[String],
) -> Result<usize, MappingError> {
    let exact: Vec<usize> = positions(headers.iter().map(|header| header.as_ref() == heading));
    let matches = if exact.is_empty() {
        let target = normalise_heading(heading);
        positions(normalised.iter().map(|candidate| *candidate == target))
    } else {
        exact
    };
    match matches.as_slice() {
        [position] => Ok(*position),
        [] => Err(MappingError::UnknownHeading {
            heading: heading.to_owned(),
        }),
        several => Err(MappingError::AmbiguousHeading {
            heading: heading.to_owned(),
            count: several.len(),
        }),
    }
}

fn positions(matches: impl Iterator<Item = bool>) -> Vec<usize> {
    matches
        .enumerate()
        .filter_map(|(position, matched)| matched.then_some(position))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_overrides_automatic() {
        let mapping = ExplicitMapping::from_json(
            r#"{"Delivery Point": "address1", "Address 1": null, "post code": "postcode"}"#,
        )
        .unwrap();
        let headers = ["Name", "Address 1", "Delivery Point", "Post Code", "Zip"];
        let columns = mapping.apply(&headers).unwrap();
        assert_eq!(columns.field(0), Some(Field::FullName));
        assert_eq!(columns.field(1), None);
        assert_eq!(columns.field(2), Some(Field::Address1));
        assert_eq!(columns.field(3), Some(Field::Postcode));
        // The postcode is taken explicitly, so the automatic match stays custom.
        assert_eq!(columns.field(4), None);
    }

    #[test]
    fn unknown_heading_is_an_error() {
        let mapping = ExplicitMapping::from_json(r#"{"Postcod": "postcode"}"#).unwrap();
        let error = mapping.apply(&["Postcode"]).unwrap_err();
        assert!(
            matches!(error, MappingError::UnknownHeading { ref heading } if heading == "Postcod")
        );
    }

    #[test]
    fn same_field_twice_is_an_error() {
        let mapping = ExplicitMapping::from_json(r#"{"A": "city", "B": "city"}"#).unwrap();
        let error = mapping.apply(&["A", "B"]).unwrap_err();
        assert!(matches!(
            error,
            MappingError::FieldMappedTwice {
                field: Field::City,
                ..
            }
        ));
    }

    #[test]
    fn unknown_field_name_is_a_parse_error() {
        let error = ExplicitMapping::from_json(r#"{"A": "zip"}"#).unwrap_err();
        assert!(error.to_string().contains("zip"), "{error}");
    }

    #[test]
    fn heading_on_two_columns_is_an_error() {
        let headers = ["Name", "Address", "Address", "City"];
        let mapping = ExplicitMapping::from_json(r#"{"address": "address2"}"#).unwrap();
        let error = mapping.apply(&headers).unwrap_err();
        assert!(
            matches!(error, MappingError::AmbiguousHeading { ref heading, count: 2 } if heading == "address"),
            "{error:?}"
        );

        // An exact match decides between headings that only normalise alike.
        let headers = ["Post Code", "Postcode"];
        let mapping = ExplicitMapping::from_json(r#"{"Postcode": null}"#).unwrap();
        let columns = mapping.apply(&headers).unwrap();
        assert_eq!(columns.field(0), Some(Field::Postcode));
        assert_eq!(columns.field(1), None);
    }

    #[test]
    fn two_entries_for_one_column_is_an_error() {
        let mapping =
            ExplicitMapping::from_json(r#"{"Post Code": "postcode", "postcode": null}"#).unwrap();
        let error = mapping.apply(&["Name", "Post Code"]).unwrap_err();
        assert!(
            matches!(
                error,
                MappingError::ColumnMappedTwice { ref header, .. } if header == "Post Code"
            ),
            "{error:?}"
        );
    }
}
