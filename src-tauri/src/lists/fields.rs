//! Canonical field keys and labels, and conversions from the reader's types.

use sealpost_lists::{ColumnMapping, Field, Format};

use crate::types::{self, AppError, ListFormat};

/// Returns the label shown for `field`.
pub fn label(field: Field) -> &'static str {
    match field {
        Field::Title => "Title",
        Field::FirstName => "First name",
        Field::LastName => "Last name",
        Field::FullName => "Full name",
        Field::Company => "Company",
        Field::JobTitle => "Job title",
        Field::Address1 => "Address line 1",
        Field::Address2 => "Address line 2",
        Field::Address3 => "Address line 3",
        Field::City => "City",
        Field::State => "State or county",
        Field::Postcode => "Postcode",
        Field::Country => "Country",
        Field::Email => "Email",
        Field::Phone => "Phone",
        Field::RefId => "Reference id",
    }
}

/// Returns every canonical field, with the ones a deliverable address needs marked.
///
/// A name is required but can come from a full name, first and last name, or a company,
/// so only the full name is marked here; `set_mapping` reports the exact gaps.
pub fn canonical_fields() -> Vec<types::Field> {
    Field::ALL
        .iter()
        .map(|&field| types::Field {
            key: field.as_str().to_owned(),
            label: label(field).to_owned(),
            required: matches!(
                field,
                Field::FullName | Field::Address1 | Field::City | Field::Postcode
            ),
        })
        .collect()
}

/// Parses a field key such as `postcode`.
pub fn parse_field(key: &str) -> Result<Field, AppError> {
    key.parse::<Field>()
        .map_err(|error| AppError::invalid_input(error.to_string()))
}

/// Converts the reader's format.
pub fn list_format(format: Format) -> ListFormat {
    match format {
        Format::Csv => ListFormat::Csv,
        Format::Xlsx => ListFormat::Xlsx,
        Format::Xls => ListFormat::Xls,
        Format::Xlsb => ListFormat::Xlsb,
        Format::Ods => ListFormat::Ods,
    }
}

/// Returns the columns of `mapping` as the UI sees them.
pub fn columns(mapping: &ColumnMapping) -> Vec<types::Column> {
    mapping
        .columns()
        .iter()
        .map(|column| types::Column {
            index: column.index as u32,
            heading: column.header.clone(),
            field: column.field.map(|field| field.as_str().to_owned()),
        })
        .collect()
}

/// Returns the keys of the required fields `mapping` lacks.
pub fn missing_required(mapping: &ColumnMapping) -> Vec<String> {
    mapping
        .missing_required()
        .into_iter()
        .map(|field| field.as_str().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_key_parses_back() {
        for field in canonical_fields() {
            let parsed = parse_field(&field.key).unwrap();
            assert_eq!(parsed.as_str(), field.key);
        }
    }

    #[test]
    fn unknown_field_key_is_invalid_input() {
        let error = parse_field("zipcode_plus").unwrap_err();
        assert_eq!(error.code, "input.invalid");
        assert!(error.message.contains("zipcode_plus"), "{}", error.message);
    }
}
