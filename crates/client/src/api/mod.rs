//! Typed calls to the service's JSON API, one module per resource.

pub mod audit;
pub mod campaigns;
pub mod members;
pub mod tokens;
pub mod upload_key;
pub mod uploads;

use uuid::Uuid;

use crate::error::ClientError;

/// Parses an id given by a person, with advice when it is malformed.
pub fn parse_id(text: &str, what: &str) -> Result<Uuid, ClientError> {
    Uuid::parse_str(text.trim()).map_err(|_| ClientError::InvalidInput {
        message: format!(
            "invalid {what} id {text:?}: expected a UUID such as \
             123e4567-e89b-12d3-a456-426614174000"
        ),
    })
}

/// Builds a query string from the pairs whose value is present.
fn query(pairs: &[(&str, Option<String>)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter_map(|(name, value)| value.clone().map(|value| ((*name).to_owned(), value)))
        .collect()
}

fn rfc3339(value: Option<time::OffsetDateTime>) -> Option<String> {
    value.and_then(|at| {
        at.format(&time::format_description::well_known::Rfc3339)
            .ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_id_rejects_garbage() {
        let error = parse_id("42", "upload").unwrap_err();
        assert_eq!(error.code(), "input.invalid");
        assert!(error.to_string().contains("upload id"), "{error}");
    }

    #[test]
    fn query_skips_absent_values() {
        let pairs = query(&[("a", Some("1".to_owned())), ("b", None)]);
        assert_eq!(pairs, vec![("a".to_owned(), "1".to_owned())]);
    }
}
