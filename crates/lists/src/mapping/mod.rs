//! Mapping list columns to canonical [`Field`]s: automatically from headings, from an
//! explicit heading-to-field file, or from a saved template.

mod explicit;
mod synonyms;
mod template;

pub use explicit::ExplicitMapping;
pub use template::{MappingTemplate, TemplateStore};

use crate::Field;

/// Errors from building, loading or saving a column mapping.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MappingError {
    /// A mapping or template file could not be read or written.
    #[error("cannot access mapping file {path}")]
    Io {
        /// The file involved.
        path: std::path::PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// A mapping or template file is not the expected JSON.
    #[error(
        "mapping file {path} is not valid: expected a JSON object of heading to field name or null"
    )]
    Json {
        /// The file involved.
        path: std::path::PathBuf,
        /// The parser's error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// An explicit mapping names a heading the list does not have.
    #[error(
        "the mapping names heading {heading:?}, which the list does not have; fix the heading or remove it from the mapping"
    )]
    UnknownHeading {
        /// The heading as written in the mapping.
        heading: String,
    },
    /// An explicit mapping names a heading that more than one column of the list has.
    #[error(
        "the list has {count} columns headed {heading:?}, so the mapping cannot tell them apart; give each column its own heading in the list"
    )]
    AmbiguousHeading {
        /// The heading as written in the mapping.
        heading: String,
        /// How many columns match it.
        count: usize,
    },
    /// Two entries of an explicit mapping match the same column.
    #[error(
        "the mapping entries {first:?} and {second:?} both match the column headed {header:?}; keep only one of them"
    )]
    ColumnMappedTwice {
        /// The entry that matched the column first; entries are taken in sorted order.
        first: String,
        /// The other entry.
        second: String,
        /// The column's heading in the list.
        header: String,
    },
    /// Two columns were mapped to the same field.
    #[error("both {first:?} and {second:?} are mapped to {field}; map each field at most once")]
    FieldMappedTwice {
        /// The field named twice.
        field: Field,
        /// The first heading mapped to it.
        first: String,
        /// The later heading mapped to it.
        second: String,
    },
    /// A template's field list does not match its heading list.
    #[error("template {name:?} has {headings} headings but {fields} fields; save it again")]
    TemplateMismatch {
        /// The template's name.
        name: String,
        /// Number of headings stored.
        headings: usize,
        /// Number of fields stored.
        fields: usize,
    },
}

/// One column of a list: where it is, its heading and the field it maps to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    /// 0-based position of the column in each record.
    pub index: usize,
    /// The heading as the file spells it.
    pub header: String,
    /// The canonical field, or `None` for a custom merge field.
    pub field: Option<Field>,
}

/// The field of every column of one list, with each field used at most once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnMapping {
    columns: Vec<Column>,
    positions: [Option<usize>; Field::COUNT],
}

impl ColumnMapping {
    /// Maps headings to fields from the built-in synonym table.
    ///
    /// Matching ignores case and punctuation. The first column that matches a field
    /// takes it, so a later column with the same meaning stays custom.
    pub fn automatic<S: AsRef<str>>(headers: &[S]) -> Self {
        let fields = headers.iter().map(|header| {
            let normalised = normalise_heading(header.as_ref());
            synonyms::field_for_heading(&normalised)
        });
        Self::first_match_wins(headers, fields)
    }

    /// Builds a mapping from one optional field per heading.
    ///
    /// Returns [`MappingError::FieldMappedTwice`] when two headings name the same field.
    pub fn from_fields<S: AsRef<str>>(
        headers: &[S],
        fields: &[Option<Field>],
    ) -> Result<Self, MappingError> {
        let mut mapping = Self::default();
        for (index, header) in headers.iter().enumerate() {
            let field = fields.get(index).copied().flatten();
            if let Some(field) = field
                && let Some(first) = mapping.positions[field.index()]
            {
                return Err(MappingError::FieldMappedTwice {
                    field,
                    first: mapping.columns[first].header.clone(),
                    second: header.as_ref().to_owned(),
                });
            }
            mapping.push(index, header.as_ref(), field);
        }
        Ok(mapping)
    }

    fn first_match_wins<S: AsRef<str>>(
        headers: &[S],
        fields: impl Iterator<Item = Option<Field>>,
    ) -> Self {
        let mut mapping = Self::default();
        for ((index, header), field) in headers.iter().enumerate().zip(fields) {
            let field = field.filter(|field| mapping.positions[field.index()].is_none());
            mapping.push(index, header.as_ref(), field);
        }
        mapping
    }

    fn push(&mut self, index: usize, header: &str, field: Option<Field>) {
        if let Some(field) = field {
            self.positions[field.index()] = Some(index);
        }
        self.columns.push(Column {
            index,
            header: header.to_owned(),
            field,
        });
    }

    /// Returns every column in file order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Returns the number of columns in the header.
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// Returns the 0-based column that contains `field`, if mapped.
    pub fn position(&self, field: Field) -> Option<usize> {
        self.positions[field.index()]
    }

    /// Returns the field of column `index`, or `None` for a custom or missing column.
    pub fn field(&self, index: usize) -> Option<Field> {
        self.columns.get(index).and_then(|column| column.field)
    }

    /// Returns the headings, normalised for template matching.
    pub fn normalised_headings(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|column| normalise_heading(&column.header))
            .collect()
    }

    /// Returns the fields a deliverable address needs that no column provides.
    ///
    /// A full name, first and last name together, or a company count as a name. The
    /// postcode is listed because most countries need one.
    pub fn missing_required(&self) -> Vec<Field> {
        let mut missing = Vec::new();
        let has = |field| self.position(field).is_some();
        let has_name = has(Field::FullName)
            || (has(Field::FirstName) && has(Field::LastName))
            || has(Field::Company);
        if !has_name {
            missing.push(Field::FullName);
        }
        for field in [Field::Address1, Field::City, Field::Postcode] {
            if !has(field) {
                missing.push(field);
            }
        }
        missing
    }
}

/// Returns whether the built-in synonym table maps `heading` to a field.
pub(crate) fn is_known_heading(heading: &str) -> bool {
    synonyms::field_for_heading(&normalise_heading(heading)).is_some()
}

/// Normalises a heading for matching: letters lower-cased, and everything that is
/// not a letter or digit (spaces, `_`, `-`, `.`, brackets) dropped.
pub fn normalise_heading(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(headers: &[&str]) -> Vec<Option<Field>> {
        let mapping = ColumnMapping::automatic(headers);
        mapping
            .columns()
            .iter()
            .map(|column| column.field)
            .collect()
    }

    #[test]
    fn stannp_headings() {
        let headers = [
            "title",
            "firstname",
            "lastname",
            "company",
            "job_title",
            "address1",
            "address2",
            "address3",
            "city",
            "county",
            "postcode",
            "country",
            "email",
            "phone_number",
            "ref_id",
        ];
        use Field::*;
        let expected = [
            Title, FirstName, LastName, Company, JobTitle, Address1, Address2, Address3, City,
            State, Postcode, Country, Email, Phone, RefId,
        ];
        assert_eq!(fields_of(&headers), expected.map(Some).to_vec());
    }

    #[test]
    fn lob_headings() {
        let headers = [
            "name",
            "company",
            "address_line1",
            "address_line2",
            "address_city",
            "address_state",
            "address_zip",
            "address_country",
            "email",
            "phone",
            "description",
        ];
        use Field::*;
        let expected = [
            Some(FullName),
            Some(Company),
            Some(Address1),
            Some(Address2),
            Some(City),
            Some(State),
            Some(Postcode),
            Some(Country),
            Some(Email),
            Some(Phone),
            None,
        ];
        assert_eq!(fields_of(&headers), expected.to_vec());
    }

    #[test]
    fn postgrid_headings() {
        let headers = [
            "firstName",
            "lastName",
            "companyName",
            "jobTitle",
            "addressLine1",
            "addressLine2",
            "city",
            "provinceOrState",
            "postalOrZip",
            "countryCode",
            "email",
            "phoneNumber",
            "description",
        ];
        use Field::*;
        let expected = [
            Some(FirstName),
            Some(LastName),
            Some(Company),
            Some(JobTitle),
            Some(Address1),
            Some(Address2),
            Some(City),
            Some(State),
            Some(Postcode),
            Some(Country),
            Some(Email),
            Some(Phone),
            None,
        ];
        assert_eq!(fields_of(&headers), expected.to_vec());
    }

    #[test]
    fn click2mail_headings() {
        let headers = [
            "First_name",
            "Last_name",
            "Organization",
            "Address1",
            "Address2",
            "Address3",
            "City",
            "State",
            "Zip",
            "Country",
        ];
        use Field::*;
        let expected = [
            FirstName, LastName, Company, Address1, Address2, Address3, City, State, Postcode,
            Country,
        ];
        assert_eq!(fields_of(&headers), expected.map(Some).to_vec());
    }

    #[test]
    fn common_synonyms() {
        let cases = [
            ("First Name", Field::FirstName),
            ("Forename", Field::FirstName),
            ("Surname", Field::LastName),
            ("Family name", Field::LastName),
            ("Post Code", Field::Postcode),
            ("Postal Code", Field::Postcode),
            ("ZIP Code", Field::Postcode),
            ("Town", Field::City),
            ("County", Field::State),
            ("Province", Field::State),
            ("Region", Field::State),
            ("Address Line 1", Field::Address1),
            ("Street", Field::Address1),
            ("E-mail", Field::Email),
            ("Mobile", Field::Phone),
            ("Telephone", Field::Phone),
            ("Customer ID", Field::RefId),
            ("postal", Field::Postcode),
            ("phone1", Field::Phone),
            ("  POST-CODE ", Field::Postcode),
        ];
        for (heading, field) in cases {
            assert_eq!(fields_of(&[heading]), vec![Some(field)], "{heading:?}");
        }
    }

    #[test]
    fn first_match_wins_later_stays_custom() {
        let mapping = ColumnMapping::automatic(&["Town", "City", "Notes"]);
        assert_eq!(mapping.field(0), Some(Field::City));
        assert_eq!(mapping.field(1), None);
        assert_eq!(mapping.field(2), None);
        assert_eq!(mapping.position(Field::City), Some(0));
        assert_eq!(mapping.columns()[1].header, "City");
    }

    #[test]
    fn missing_required_columns() {
        let mapping = ColumnMapping::automatic(&["First Name", "Address 1", "Town"]);
        assert_eq!(
            mapping.missing_required(),
            vec![Field::FullName, Field::Postcode]
        );
        let complete = ColumnMapping::automatic(&["Company", "Address1", "City", "Zip"]);
        assert!(complete.missing_required().is_empty());
    }

    #[test]
    fn from_fields_rejects_double_use() {
        let error =
            ColumnMapping::from_fields(&["a", "b"], &[Some(Field::City), Some(Field::City)])
                .unwrap_err();
        assert!(matches!(
            error,
            MappingError::FieldMappedTwice {
                field: Field::City,
                ..
            }
        ));
    }

    #[test]
    fn headings_normalise() {
        assert_eq!(normalise_heading("Address Line 1"), "addressline1");
        assert_eq!(normalise_heading("address_line1"), "addressline1");
        assert_eq!(normalise_heading("E-Mail"), "email");
        assert_eq!(normalise_heading("Straße"), "straße");
    }
}
