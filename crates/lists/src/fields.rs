//! The canonical address fields that list columns map to.

use std::fmt;
use std::str::FromStr;

/// A canonical mailing-list field.
///
/// Columns that map to none of these stay custom merge fields.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Courtesy title such as Mr, Ms or Dr.
    Title,
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// The whole name in one cell, used when first and last names are not split.
    FullName,
    /// Organisation name.
    Company,
    /// The recipient's position in the organisation.
    JobTitle,
    /// First address line (house number and street).
    Address1,
    /// Second address line.
    Address2,
    /// Third address line.
    Address3,
    /// Post town or city.
    City,
    /// State, county, province or region.
    State,
    /// Postcode or ZIP code.
    Postcode,
    /// Country, as a name or an ISO 3166 code.
    Country,
    /// Email address.
    Email,
    /// Telephone number.
    Phone,
    /// The sender's own identifier for the recipient.
    RefId,
}

impl Field {
    /// Number of fields; also the length of [`Field::ALL`].
    pub const COUNT: usize = 16;

    /// Every field, in declaration order.
    pub const ALL: [Field; Field::COUNT] = [
        Field::Title,
        Field::FirstName,
        Field::LastName,
        Field::FullName,
        Field::Company,
        Field::JobTitle,
        Field::Address1,
        Field::Address2,
        Field::Address3,
        Field::City,
        Field::State,
        Field::Postcode,
        Field::Country,
        Field::Email,
        Field::Phone,
        Field::RefId,
    ];

    /// Returns the snake_case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::FullName => "full_name",
            Field::Company => "company",
            Field::JobTitle => "job_title",
            Field::Address1 => "address1",
            Field::Address2 => "address2",
            Field::Address3 => "address3",
            Field::City => "city",
            Field::State => "state",
            Field::Postcode => "postcode",
            Field::Country => "country",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::RefId => "ref_id",
        }
    }

    /// Returns the position of this field in [`Field::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Returns true for the fields printed on the envelope as part of the address block.
    pub fn is_printed(self) -> bool {
        matches!(
            self,
            Field::Title
                | Field::FirstName
                | Field::LastName
                | Field::FullName
                | Field::Company
                | Field::JobTitle
                | Field::Address1
                | Field::Address2
                | Field::Address3
                | Field::City
                | Field::State
                | Field::Postcode
                | Field::Country
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error returned when a string names no [`Field`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown field {name:?}; expected one of: {}", field_names())]
pub struct UnknownField {
    /// The string that was parsed.
    pub name: String,
}

fn field_names() -> String {
    let names: Vec<&str> = Field::ALL.iter().map(|field| field.as_str()).collect();
    names.join(", ")
}

impl FromStr for Field {
    type Err = UnknownField;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Field::ALL
            .into_iter()
            .find(|field| field.as_str() == name)
            .ok_or_else(|| UnknownField {
                name: name.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_round_trip() {
        for (position, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(field.index(), position);
            assert_eq!(field.as_str().parse::<Field>(), Ok(field));
            let json = serde_json::to_string(&field).unwrap();
            assert_eq!(json, format!("\"{}\"", field.as_str()));
        }
    }

    #[test]
    fn unknown_field_lists_choices() {
        let error = "zip".parse::<Field>().unwrap_err();
        let message = error.to_string();
        assert!(message.contains("\"zip\""), "{message}");
        assert!(message.contains("postcode"), "{message}");
    }
}
