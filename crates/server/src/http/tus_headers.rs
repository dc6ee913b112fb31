//! Parsing of the tus `Upload-Metadata` and `Upload-Checksum` headers, and the HTTP date
//! of `Upload-Expires`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

/// Longest accepted `fingerprint` value, in bytes.
pub const MAX_FINGERPRINT_BYTES: usize = 128;
/// Longest accepted `filename` value, in bytes.
pub const MAX_FILENAME_BYTES: usize = 255;
/// Longest accepted `Upload-Metadata` header, in bytes.
pub const MAX_METADATA_HEADER_BYTES: usize = 1024;

/// A malformed or unsupported tus header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// `Upload-Metadata` is longer than [`MAX_METADATA_HEADER_BYTES`].
    #[error("`Upload-Metadata` must be at most {MAX_METADATA_HEADER_BYTES} bytes")]
    MetadataTooLong,
    /// A metadata pair is not `KEY BASE64`, or a key repeats.
    #[error("`Upload-Metadata` must be comma-separated `key base64value` pairs with distinct keys")]
    MetadataSyntax,
    /// A metadata key is not one of `campaign`, `fingerprint` and `filename`.
    #[error("`Upload-Metadata` key `{0}` is unknown; use campaign, fingerprint or filename")]
    UnknownKey(String),
    /// A metadata value is invalid for its key.
    #[error("`Upload-Metadata` value of `{0}` is invalid: {1}")]
    Value(&'static str, &'static str),
    /// `Upload-Checksum` is not `ALGORITHM BASE64`.
    #[error("`Upload-Checksum` must be `sha256 BASE64` or `sha1 BASE64`")]
    ChecksumSyntax,
    /// The checksum algorithm is neither sha256 nor sha1.
    #[error("checksum algorithm `{0}` is not supported; use sha256 (or sha1)")]
    ChecksumAlgorithm(String),
}

/// The accepted metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadMetadata {
    /// The campaign the upload belongs to.
    pub campaign: Option<Uuid>,
    /// The client's fingerprint of the file, to recognise a resumed upload.
    pub fingerprint: Option<String>,
    /// The file name the client shows; stored nowhere but checked for length.
    pub filename: Option<String>,
}

fn text_value(value: &[u8], key: &'static str, max: usize) -> Result<String, HeaderProblem> {
    if value.len() > max {
        return Err(HeaderProblem::Value(key, "too long"));
    }
    let text = std::str::from_utf8(value).map_err(|_| HeaderProblem::Value(key, "not UTF-8"))?;
    if text.chars().any(char::is_control) {
        return Err(HeaderProblem::Value(key, "contains control characters"));
    }
    Ok(text.to_owned())
}

/// Parses `Upload-Metadata`; an absent header is empty metadata.
pub fn parse_metadata(header: Option<&str>) -> Result<UploadMetadata, HeaderProblem> {
    let mut metadata = UploadMetadata::default();
    let Some(header) = header.filter(|text| !text.trim().is_empty()) else {
        return Ok(metadata);
    };
    if header.len() > MAX_METADATA_HEADER_BYTES {
        return Err(HeaderProblem::MetadataTooLong);
    }
    let mut seen = Vec::new();
    for pair in header.split(',') {
        let mut parts = pair.trim().split(' ');
        let key = parts.next().unwrap_or_default();
        let encoded = parts.next().unwrap_or_default();
        if key.is_empty() || parts.next().is_some() || seen.contains(&key) {
            return Err(HeaderProblem::MetadataSyntax);
        }
        seen.push(key);
        let value = STANDARD
            .decode(encoded)
            .map_err(|_| HeaderProblem::MetadataSyntax)?;
        match key {
            "campaign" => {
                let text = text_value(&value, "campaign", 36)?;
                let id = Uuid::parse_str(&text)
                    .map_err(|_| HeaderProblem::Value("campaign", "not a campaign id"))?;
                metadata.campaign = Some(id);
            }
            "fingerprint" => {
                metadata.fingerprint =
                    Some(text_value(&value, "fingerprint", MAX_FINGERPRINT_BYTES)?);
            }
            "filename" => {
                metadata.filename = Some(text_value(&value, "filename", MAX_FILENAME_BYTES)?);
            }
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(HeaderProblem::UnknownKey(shown));
            }
        }
    }
    Ok(metadata)
}

/// A checksum the client sent for one request's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checksum {
    /// SHA-256, the one the service recommends.
    Sha256([u8; 32]),
    /// SHA-1, accepted because some tus clients offer nothing else.
    Sha1([u8; 20]),
}

/// Parses `Upload-Checksum: ALGORITHM BASE64`.
pub fn parse_checksum(header: &str) -> Result<Checksum, HeaderProblem> {
    let (algorithm, encoded) = header
        .trim()
        .split_once(' ')
        .ok_or(HeaderProblem::ChecksumSyntax)?;
    let digest = STANDARD
        .decode(encoded.trim())
        .map_err(|_| HeaderProblem::ChecksumSyntax)?;
    match algorithm {
        "sha256" => digest
            .try_into()
            .map(Checksum::Sha256)
            .map_err(|_| HeaderProblem::ChecksumSyntax),
        "sha1" => digest
            .try_into()
            .map(Checksum::Sha1)
            .map_err(|_| HeaderProblem::ChecksumSyntax),
        other => Err(HeaderProblem::ChecksumAlgorithm(
            other.chars().take(20).collect(),
        )),
    }
}

/// Formats Unix seconds as an HTTP date (RFC 9110), such as
/// `Wed, 25 Jun 2014 16:00:00 GMT`.
pub fn http_date(seconds: i64) -> Result<String, time::error::Format> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    crate::db::to_time(seconds).format(&format)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        STANDARD.encode(text)
    }

    #[test]
    fn metadata_accepts_known_keys() {
        let campaign = Uuid::new_v4();
        let header = format!(
            "campaign {},fingerprint {}, filename {}",
            b64(&campaign.to_string()),
            b64("abc-123"),
            b64("list.csv")
        );
        let parsed = parse_metadata(Some(&header)).unwrap();
        assert_eq!(parsed.campaign, Some(campaign));
        assert_eq!(parsed.fingerprint.as_deref(), Some("abc-123"));
        assert_eq!(parsed.filename.as_deref(), Some("list.csv"));
        assert_eq!(parse_metadata(None).unwrap(), UploadMetadata::default());
    }

    #[test]
    fn metadata_rejects_bad_input() {
        let long = b64(&"x".repeat(MAX_FINGERPRINT_BYTES + 1));
        let cases = [
            (format!("colour {}", b64("red")), "unknown"),
            ("fingerprint !!!".to_owned(), "syntax"),
            (format!("fingerprint {long}"), "value"),
            (format!("campaign {}", b64("not-a-uuid")), "value"),
            (format!("filename {}", b64("a\nb")), "value"),
            (format!("filename {0},filename {0}", b64("a")), "syntax"),
            ("x".repeat(MAX_METADATA_HEADER_BYTES + 1), "long"),
        ];
        for (header, expected) in cases {
            let problem = parse_metadata(Some(&header)).unwrap_err();
            let kind = match problem {
                HeaderProblem::UnknownKey(_) => "unknown",
                HeaderProblem::MetadataSyntax => "syntax",
                HeaderProblem::Value(..) => "value",
                HeaderProblem::MetadataTooLong => "long",
                _ => "other",
            };
            assert_eq!(kind, expected, "{header}");
        }
    }

    #[test]
    fn checksums_parse_by_algorithm() {
        let sha256 = STANDARD.encode([7_u8; 32]);
        let sha1 = STANDARD.encode([9_u8; 20]);
        assert_eq!(
            parse_checksum(&format!("sha256 {sha256}")),
            Ok(Checksum::Sha256([7; 32]))
        );
        assert_eq!(
            parse_checksum(&format!("sha1 {sha1}")),
            Ok(Checksum::Sha1([9; 20]))
        );
        assert_eq!(
            parse_checksum(&format!("md5 {sha1}")),
            Err(HeaderProblem::ChecksumAlgorithm("md5".to_owned()))
        );
        for bad in ["sha256", "sha256 !!", &format!("sha256 {sha1}"), ""] {
            assert_eq!(
                parse_checksum(bad),
                Err(HeaderProblem::ChecksumSyntax),
                "{bad}"
            );
        }
    }

    #[test]
    fn http_date_is_imf_fixdate() {
        assert_eq!(
            http_date(1_403_712_000).unwrap(),
            "Wed, 25 Jun 2014 16:00:00 GMT"
        );
    }
}
