//! One table of the headings that map to each field, as normalised by
//! [`normalise_heading`](super::normalise_heading).
//!
//! It covers the column names that Stannp, Lob, PostGrid and Click2Mail use in their
//! upload templates and API field names, plus common spreadsheet synonyms. Because
//! headings are normalised first, `First_name`, `firstName`, `First Name` and
//! `first-name` all reach the entry `firstname`.

use crate::Field;

/// Returns the field a normalised heading names, if any.
pub(super) fn field_for_heading(normalised: &str) -> Option<Field> {
    let field = match normalised {
        "title" | "salutation" | "prefix" | "honorific" | "nametitle" => Field::Title,

        "firstname" | "forename" | "forenames" | "givenname" | "first" | "fname"
        | "christianname" => Field::FirstName,

        "lastname" | "surname" | "familyname" | "last" | "lname" => Field::LastName,

        // Lob's recipient field `name` contains the whole name.
        "name" | "fullname" | "contactname" | "recipient" | "recipientname" | "addressee"
        | "contact" => Field::FullName,

        "company" | "companyname" | "organization" | "organisation" | "organizationname"
        | "organisationname" | "business" | "businessname" => Field::Company,

        "jobtitle" | "position" | "occupation" | "jobrole" => Field::JobTitle,

        "address1" | "addressline1" | "address" | "street" | "streetaddress" | "street1"
        | "line1" | "add1" | "addr1" | "deliveryaddress" => Field::Address1,

        "address2" | "addressline2" | "street2" | "line2" | "add2" | "addr2" => Field::Address2,

        "address3" | "addressline3" | "street3" | "line3" | "add3" | "addr3" => Field::Address3,

        "city" | "town" | "addresscity" | "towncity" | "posttown" | "locality" | "suburb" => {
            Field::City
        }

        "state" | "county" | "province" | "region" | "addressstate" | "provinceorstate"
        | "stateprovince" | "statecode" | "stateorprovince" | "countystate" => Field::State,

        "postcode" | "postalcode" | "postal" | "zip" | "zipcode" | "postalorzip" | "addresszip"
        | "postcodezip" | "zippostcode" | "postzip" | "eircode" | "zippostalcode" => {
            Field::Postcode
        }

        "country" | "countrycode" | "addresscountry" | "countryname" | "nation" => Field::Country,

        "email" | "emailaddress" | "mail" => Field::Email,

        "phone" | "phone1" | "phonenumber" | "mobile" | "mobilephone" | "mobilenumber"
        | "telephone" | "telephonenumber" | "tel" | "cell" | "cellphone" => Field::Phone,

        "refid" | "ref" | "reference" | "customerid" | "customernumber" | "customerref" | "id"
        | "externalid" | "recordid" | "uniqueid" | "accountnumber" | "clientid" => Field::RefId,

        _ => return None,
    };
    Some(field)
}
