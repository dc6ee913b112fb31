//! Checks across the address fields of a row: required fields, country, postcode and
//! duplicates.

use std::hash::{DefaultHasher, Hasher};

use super::country::Country;
use super::postcode::{self, PostcodeCheck};
use super::{IssueCode, IssueSink, Severity, Validator, shorten, zip};
use crate::{Field, Record};

/// The trimmed text of every canonical field in one row, `""` when unmapped or absent,
/// looked up once so the checks below do not repeat the lookups.
struct RowFields<'r> {
    texts: [&'r str; Field::COUNT],
}

impl<'r> RowFields<'r> {
    fn new(validator: &Validator, record: &'r Record) -> Self {
        let mut texts = [""; Field::COUNT];
        for (text, field) in texts.iter_mut().zip(Field::ALL) {
            if let Some(cell) = validator
                .mapping
                .position(field)
                .and_then(|index| record.get(index))
            {
                *text = cell.trim();
            }
        }
        Self { texts }
    }

    fn text(&self, field: Field) -> &'r str {
        self.texts[field.index()]
    }
}

impl Validator {
    pub(super) fn check_address(&mut self, record: &Record, sink: &mut IssueSink<'_>) {
        let row = RowFields::new(self, record);
        self.check_required(&row, sink);
        let country = self.resolve_country(&row, sink);
        let postcode_key =
            country.and_then(|country| self.check_postcode(record, &row, country, sink));
        self.check_duplicate(record, &row, country, postcode_key, sink);
    }

    fn check_required(&self, row: &RowFields<'_>, sink: &mut IssueSink<'_>) {
        let has = |field| !row.text(field).is_empty();
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
    fn resolve_country(
        &mut self,
        row: &RowFields<'_>,
        sink: &mut IssueSink<'_>,
    ) -> Option<Country> {
        let text = row.text(Field::Country);
        if text.is_empty() {
            return Some(self.options.default_country);
        }
        let country = self.countries.lookup(text);
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

    /// Checks the postcode and returns its canonical form, for duplicate detection, when
    /// it is valid.
    fn check_postcode(
        &self,
        record: &Record,
        row: &RowFields<'_>,
        country: Country,
        sink: &mut IssueSink<'_>,
    ) -> Option<postcode::Canonical> {
        let column = self.mapping.position(Field::Postcode);
        let text = row.text(Field::Postcode);
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

        let state = row.text(Field::State);
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
            PostcodeCheck::Valid(canonical) => Some(canonical),
            PostcodeCheck::Unchecked => None,
            PostcodeCheck::NotCanonical(canonical) => {
                sink.push_with_severity(
                column,
                IssueCode::InvalidPostcode,
                Severity::Warning,
                format!(
                    "postcode {text:?} is valid for {country} but not written in the standard form; use {:?}",
                    canonical.as_str()
                ),
                    Some(canonical.as_str().to_owned()),
                );
                Some(canonical)
            }
            PostcodeCheck::Invalid(suggestion) => {
                let example = postcode::example_for(country).unwrap_or("");
                let hint = match suggestion {
                    Some(fixed) => format!(
                        "did you mean {:?} (zero, not the letter O)?",
                        fixed.as_str()
                    ),
                    None => format!("expected a form like {example}; correct it"),
                };
                sink.push(
                    column,
                    IssueCode::InvalidPostcode,
                    format!(
                        "postcode {:?} is not a valid {country} postcode; {hint}",
                        shorten(text, 60)
                    ),
                    suggestion.map(|fixed| fixed.as_str().to_owned()),
                );
                None
            }
        }
    }

    /// Flags the row when the same recipient appeared earlier. The key is the name
    /// fields, company and first address line (case and spacing folded), the postcode
    /// in canonical form and the country code.
    fn check_duplicate(
        &mut self,
        record: &Record,
        row: &RowFields<'_>,
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
            .any(|&field| !row.text(field).is_empty());
        if !has_identity {
            return;
        }

        let mut key = std::mem::take(&mut self.key);
        key.clear();
        for field in name_fields.into_iter().chain([Field::Address1]) {
            push_folded(&mut key, row.text(field));
            key.push(SEPARATOR);
        }
        match postcode_key {
            Some(canonical) => key.extend(
                canonical
                    .as_bytes()
                    .iter()
                    .filter(|byte| !matches!(byte, b' ' | b'-')),
            ),
            None => push_folded(&mut key, row.text(Field::Postcode)),
        }
        key.push(SEPARATOR);
        if let Some(country) = country {
            key.extend_from_slice(&country.bytes());
        }

        let mut hasher = DefaultHasher::new();
        hasher.write(&key);
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

/// Remembers the last few distinct country cells and what they named. Lists hold few
/// distinct country spellings, so most rows skip the table lookup.
#[derive(Debug, Default)]
pub(super) struct CountryCache {
    entries: Vec<(String, Option<Country>)>,
    /// Entry replaced next once the cache is full.
    next: usize,
}

impl CountryCache {
    const CAPACITY: usize = 8;

    fn lookup(&mut self, text: &str) -> Option<Country> {
        if let Some((_, country)) = self.entries.iter().find(|(seen, _)| seen == text) {
            return *country;
        }
        let country = Country::lookup(text);
        if self.entries.len() < Self::CAPACITY {
            self.entries.push((text.to_owned(), country));
        } else {
            let entry = &mut self.entries[self.next];
            entry.0.clear();
            entry.0.push_str(text);
            entry.1 = country;
            self.next = (self.next + 1) % Self::CAPACITY;
        }
        country
    }
}

/// Separates the parts of a duplicate key. It is a control character, which the cell
/// checks report, so ordinary text never contains it.
const SEPARATOR: u8 = 0x1F;

/// Appends `text` lower-cased, without leading or trailing whitespace and with each run
/// of whitespace inside as one space.
fn push_folded(key: &mut Vec<u8>, text: &str) {
    let mut started = false;
    let mut space = false;
    if text.is_ascii() {
        // Fast path for the common case: one pass over the bytes.
        for &byte in text.as_bytes() {
            if byte.is_ascii_whitespace() {
                space = started;
                continue;
            }
            if std::mem::take(&mut space) {
                key.push(b' ');
            }
            key.push(byte.to_ascii_lowercase());
            started = true;
        }
        return;
    }
    let mut buffer = [0u8; 4];
    for c in text.chars() {
        if c.is_whitespace() {
            space = started;
            continue;
        }
        if std::mem::take(&mut space) {
            key.push(b' ');
        }
        for lower in c.to_lowercase() {
            key.extend_from_slice(lower.encode_utf8(&mut buffer).as_bytes());
        }
        started = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_cases() {
        let cases = [
            ("  Ada   LOVELACE ", "ada lovelace"),
            ("12\tHigh  St", "12 high st"),
            ("", ""),
            ("   ", ""),
            (" MÜLLER  Straße ", "müller straße"),
            ("\r\nFlat 2\x0C\n 3 Park Rd\t", "flat 2 3 park rd"),
        ];
        for (text, folded) in cases {
            let mut key = Vec::new();
            push_folded(&mut key, text);
            assert_eq!(String::from_utf8(key).unwrap(), folded, "{text:?}");
        }
    }

    #[test]
    fn country_cache_replaces_entries() {
        let mut cache = CountryCache::default();
        let names = [
            "GB", "US", "FR", "DE", "IE", "NL", "BE", "ES", "IT", "PT", "GB",
        ];
        for name in names {
            assert_eq!(
                cache.lookup(name).map(|c| c.bytes()),
                Some(*name.as_bytes().first_chunk().unwrap())
            );
        }
        assert_eq!(cache.entries.len(), CountryCache::CAPACITY);
        assert_eq!(cache.lookup("Narnia"), None);
        assert_eq!(cache.lookup("Narnia"), None);
    }
}
