//! Checks across the address fields of a row: required fields, country, postcode and
//! duplicates.

use std::hash::{DefaultHasher, Hasher};

use super::country::Country;
use super::postcode::{self, PostcodeCheck};
use super::{IssueCode, IssueSink, Severity, Validator, shorten, zip};
use crate::{Field, Record};

impl Validator {
    /// Returns the trimmed text of `field` in `record`, or `""` when unmapped or absent.
    fn text<'r>(&self, record: &'r Record, field: Field) -> &'r str {
        self.mapping
            .position(field)
            .and_then(|index| record.get(index))
            .map_or("", str::trim)
    }

    pub(super) fn check_address(&mut self, record: &Record, sink: &mut IssueSink<'_>) {
        self.check_required(record, sink);
        let country = self.resolve_country(record, sink);
        let postcode_key = country.and_then(|country| self.check_postcode(record, country, sink));
        self.check_duplicate(record, country, postcode_key, sink);
    }

    fn check_required(&self, record: &Record, sink: &mut IssueSink<'_>) {
        let has = |field| !self.text(record, field).is_empty();
        let has_name = has(Field::FullName)
            || (has(Field::FirstName) && has(Field::LastName))
            || has(Field::Company);
        if !has_name {
            let column = [
                Field::FullName,
                Field::LastName,
                Field::FirstName,
                Field::Company,
            ]
            .into_iter()
            .find_map(|field| self.mapping.position(field));
            sink.push(
                column,
                IssueCode::MissingRequired,
                "the recipient has no name; fill in a full name, a first and last name, or a company"
                    .to_owned(),
                None,
            );
        }
        for (field, what) in [
            (Field::Address1, "first address line"),
            (Field::City, "city"),
        ] {
            if !has(field) {
                sink.push(
                    self.mapping.position(field),
                    IssueCode::MissingRequired,
                    format!("the {what} is empty; fill it in"),
                    None,
                );
            }
        }
    }

    /// Returns the row's country: the country cell if it names one, the default country
    /// if it is empty, and `None` (after raising `unknown_country`) otherwise.
    fn resolve_country(&mut self, record: &Record, sink: &mut IssueSink<'_>) -> Option<Country> {
        let text = self.text(record, Field::Country);
        if text.is_empty() {
            return Some(self.options.default_country);
        }
        if self.last_country.0 != text {
            self.last_country.0.clear();
            self.last_country.0.push_str(text);
            self.last_country.1 = Country::lookup(text);
        }
        let country = self.last_country.1;
        if country.is_none() {
            sink.push(
                self.mapping.position(Field::Country),
                IssueCode::UnknownCountry,
                format!(
                    "country {:?} is not a known country name or ISO 3166 code; use a code such as GB or US",
                    shorten(text, 60)
                ),
                None,
            );
        }
        country
    }

    /// Checks the postcode and returns its compact canonical form for duplicate
    /// detection, when it has one.
    fn check_postcode(
        &self,
        record: &Record,
        country: Country,
        sink: &mut IssueSink<'_>,
    ) -> Option<postcode::Canonical> {
        let column = self.mapping.position(Field::Postcode);
        let text = self.text(record, Field::Postcode);
        if text.is_empty() {
            if country.uses_postcodes() {
                sink.push(
                    column,
                    IssueCode::MissingRequired,
                    format!(
                        "the postcode is empty, but addresses in {country} need one; fill it in"
                    ),
                    None,
                );
            }
            return None;
        }

        let state = self.text(record, Field::State);
        if let Some(padded) = zip::restore_leading_zeros(country, state, text) {
            let stored = match column.and_then(|index| record.kind(index)) {
                Some(crate::CellKind::Number) => "was stored as a number and ",
                _ => "",
            };
            sink.push(
                column,
                IssueCode::LeadingZeroLost,
                format!(
                    "ZIP code {text:?} {stored}lost its leading zero (ZIP codes in {} start with 0); use {padded:?} and format the column as text",
                    if state.is_empty() { country.code() } else { state }
                ),
                Some(padded),
            );
            return None;
        }

        match postcode::check_postcode(country, text) {
            PostcodeCheck::Valid | PostcodeCheck::Unchecked => {}
            PostcodeCheck::NotCanonical(canonical) => sink.push_with_severity(
                column,
                IssueCode::InvalidPostcode,
                Severity::Warning,
                format!(
                    "postcode {text:?} is valid for {country} but not written in the standard form; use {:?}",
                    canonical.as_str()
                ),
                Some(canonical.as_str().to_owned()),
            ),
            PostcodeCheck::Invalid(suggestion) => {
                let example = postcode::example_for(country).unwrap_or("");
                let hint = match suggestion {
                    Some(fixed) => format!("did you mean {:?} (zero, not the letter O)?", fixed.as_str()),
                    None => format!("expected a form like {example}; correct it"),
                };
                sink.push(
                    column,
                    IssueCode::InvalidPostcode,
                    format!("postcode {:?} is not a valid {country} postcode; {hint}", shorten(text, 60)),
                    suggestion.map(|fixed| fixed.as_str().to_owned()),
                );
            }
        }
        postcode::compact_canonical(country, text)
    }

    /// Flags the row when the same recipient appeared earlier. The key is the name
    /// fields, company and first address line (case and spacing folded), the postcode
    /// in canonical form and the country code.
    fn check_duplicate(
        &mut self,
        record: &Record,
        country: Option<Country>,
        postcode_key: Option<postcode::Canonical>,
        sink: &mut IssueSink<'_>,
    ) {
        let name_fields = [
            Field::FirstName,
            Field::LastName,
            Field::FullName,
            Field::Company,
        ];
        let has_identity = name_fields
            .iter()
            .chain(&[Field::Address1])
            .any(|&field| !self.text(record, field).is_empty());
        if !has_identity {
            return;
        }

        let mut key = std::mem::take(&mut self.key);
        key.clear();
        for field in name_fields.into_iter().chain([Field::Address1]) {
            push_folded(&mut key, self.text(record, field));
            key.push('\u{1F}');
        }
        match postcode_key {
            Some(canonical) => key.extend(
                canonical
                    .as_str()
                    .chars()
                    .filter(|c| *c != ' ' && *c != '-'),
            ),
            None => push_folded(&mut key, self.text(record, Field::Postcode)),
        }
        key.push('\u{1F}');
        key.push_str(country.map_or("", Country::code));

        let mut hasher = DefaultHasher::new();
        hasher.write(key.as_bytes());
        let first = self.duplicates.insert(hasher.finish(), record.row());
        self.key = key;

        if let Some(first) = first {
            sink.push(
                None,
                IssueCode::Duplicate,
                format!("same recipient as row {first}; remove this row unless they should get two pieces"),
                None,
            );
        }
    }
}

/// Appends `text` lower-cased, with each run of whitespace as one space.
fn push_folded(key: &mut String, text: &str) {
    for (position, word) in text.split_whitespace().enumerate() {
        if position > 0 {
            key.push(' ');
        }
        for c in word.chars() {
            if c.is_ascii() {
                key.push(c.to_ascii_lowercase());
            } else {
                key.extend(c.to_lowercase());
            }
        }
    }
}
