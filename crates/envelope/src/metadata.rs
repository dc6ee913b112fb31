//! The metadata block that travels encrypted inside the header.

use std::collections::BTreeMap;
use std::io::{self, Read};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::format::{MAX_METADATA_LEN, TAG_LEN};

/// Largest metadata JSON that fits in the encrypted block next to its tag.
pub(crate) const MAX_METADATA_JSON_LEN: usize = MAX_METADATA_LEN - TAG_LEN;

/// Facts about the sealed list, encrypted in the header so only the recipient reads them.
///
/// It is encoded as a JSON object. Absent fields are omitted, and unknown fields are
/// rejected when opening. When `plaintext_size` or `sha256` is set, the sealer checks the
/// size and the opener checks both before it releases the last chunk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Original file name, without any directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Plaintext size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plaintext_size: Option<u64>,
    /// SHA-256 of the plaintext, lowercase hex in the JSON.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "hex_digest")]
    pub sha256: Option<[u8; 32]>,
    /// Media type of the plaintext, for example `text/csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Column mapping chosen by the user: source column name to canonical field name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub column_mapping: BTreeMap<String, String>,
}

impl Metadata {
    pub(crate) fn to_json(&self) -> Result<Vec<u8>> {
        // Serialising plain strings and integers into memory cannot fail.
        let json =
            serde_json::to_vec(self).map_err(|error| Error::InvalidMetadata(error.to_string()))?;
        if json.len() > MAX_METADATA_JSON_LEN {
            return Err(Error::MetadataTooLarge(json.len()));
        }
        Ok(json)
    }

    pub(crate) fn from_json(json: &[u8]) -> Result<Self> {
        serde_json::from_slice(json).map_err(|error| Error::InvalidMetadata(error.to_string()))
    }
}

/// Reads `source` to its end and returns its SHA-256 and length, to fill in [`Metadata`]
/// before sealing a file.
pub fn digest_plaintext(mut source: impl Read) -> io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match source.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => {
                hasher.update(&buffer[..read]);
                total += read as u64;
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok((hasher.finalize().into(), total))
}

mod hex_digest {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(super) fn serialize<S: Serializer>(
        digest: &Option<[u8; 32]>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match digest {
            Some(bytes) => serializer.serialize_str(&hex::encode(bytes)),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<[u8; 32]>, D::Error> {
        let text = String::deserialize(deserializer)?;
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&text, &mut bytes)
            .map_err(|_| D::Error::custom("sha256 must be 64 hex digits"))?;
        Ok(Some(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        let metadata = Metadata {
            file_name: Some("spring.csv".into()),
            plaintext_size: Some(12),
            sha256: Some([0xab; 32]),
            content_type: Some("text/csv".into()),
            column_mapping: [("Post Code".to_string(), "postal_code".to_string())].into(),
        };
        let json = metadata.to_json().unwrap();
        assert_eq!(Metadata::from_json(&json).unwrap(), metadata);
    }

    #[test]
    fn empty_metadata_is_empty_object() {
        assert_eq!(Metadata::default().to_json().unwrap(), b"{}");
    }

    #[test]
    fn rejects_unknown_fields_and_bad_digest() {
        for json in [&br#"{"colour":"red"}"#[..], br#"{"sha256":"abc"}"#, b"[1]"] {
            assert!(
                matches!(Metadata::from_json(json), Err(Error::InvalidMetadata(_))),
                "{json:?}"
            );
        }
    }

    #[test]
    fn rejects_oversized_metadata() {
        let metadata = Metadata {
            file_name: Some("x".repeat(MAX_METADATA_JSON_LEN)),
            ..Metadata::default()
        };
        assert!(matches!(
            metadata.to_json(),
            Err(Error::MetadataTooLarge(_))
        ));
    }

    #[test]
    fn digest_plaintext_matches_sha256() {
        let (digest, len) = digest_plaintext(&b"abc"[..]).unwrap();
        assert_eq!(len, 3);
        assert_eq!(
            hex::encode(digest),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
