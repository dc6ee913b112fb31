//! Recipient public keys, identities (private keys) and key ids.
//!
//! Keys are X25519 keys for HPKE's DHKEM(X25519, HKDF-SHA256). Their text form is one line:
//! `sealpost-identity-v1:` or `sealpost-recipient-v1:` followed by 64 lowercase hex digits.
//! Parsing ignores blank lines and lines starting with `#`, so key files can carry comments.

use std::fmt;
use std::str::FromStr;

use hpke::{Deserializable, Kem as _, Serializable};
use rand_core::{OsRng, RngCore, UnwrapErr};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::format::KEM_X25519_HKDF_SHA256;

pub(crate) type Kem = hpke::kem::X25519HkdfSha256;
type KemPublicKey = <Kem as hpke::Kem>::PublicKey;
type KemPrivateKey = <Kem as hpke::Kem>::PrivateKey;

const IDENTITY_PREFIX: &str = "sealpost-identity-v1:";
const RECIPIENT_PREFIX: &str = "sealpost-recipient-v1:";
/// Domain separation label hashed in front of the public key to form its key id.
const KEY_ID_LABEL: &[u8] = b"sealpost-envelope key id v1";

/// Fingerprint of a recipient public key, recorded in every envelope header so that a
/// service holding several keys (after rotation) can pick the right identity.
///
/// It is SHA-256 over the label `sealpost-envelope key id v1`, the 2-byte HPKE KEM id and
/// the 32-byte public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; KeyId::LEN]);

impl KeyId {
    /// Length of a key id in bytes.
    pub const LEN: usize = 32;

    /// Wraps raw key id bytes, for example read from a database.
    pub fn from_bytes(bytes: [u8; Self::LEN]) -> Self {
        KeyId(bytes)
    }

    /// The raw key id bytes.
    pub fn as_bytes(&self) -> &[u8; Self::LEN] {
        &self.0
    }

    fn of_public_key(public_key: &[u8; 32]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(KEY_ID_LABEL);
        hasher.update(KEM_X25519_HKDF_SHA256.to_be_bytes());
        hasher.update(public_key);
        KeyId(hasher.finalize().into())
    }
}

/// Lowercase hex, the form shown by `sealpost envelope inspect`.
impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// An account's upload public key: envelopes are sealed to it.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    public_key: [u8; 32],
    key_id: KeyId,
}

impl Recipient {
    /// Wraps a raw 32-byte X25519 public key.
    pub fn from_bytes(public_key: [u8; 32]) -> Self {
        Recipient {
            public_key,
            key_id: KeyId::of_public_key(&public_key),
        }
    }

    /// The raw 32-byte X25519 public key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.public_key
    }

    /// The fingerprint recorded in envelopes sealed to this key.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    pub(crate) fn hpke_key(&self) -> Result<KemPublicKey> {
        KemPublicKey::from_bytes(&self.public_key).map_err(|_| Error::InvalidRecipient)
    }
}

/// The text form, `sealpost-recipient-v1:` and 64 hex digits.
impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{RECIPIENT_PREFIX}{}", hex::encode(self.public_key))
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recipient")
            .field("key_id", &self.key_id)
            .finish()
    }
}

impl FromStr for Recipient {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bytes = parse_key_text(
            text,
            RECIPIENT_PREFIX,
            "expected a line starting with \"sealpost-recipient-v1:\"",
            (
                IDENTITY_PREFIX,
                "this is a private key (\"sealpost-identity-v1:\"); give the public key, the .pub file",
            ),
        )?;
        Ok(Recipient::from_bytes(*bytes))
    }
}

/// A private key that opens envelopes sealed to its [`Recipient`].
///
/// The key bytes are zeroized on drop and never shown by `Debug`.
#[derive(Clone)]
pub struct Identity {
    secret_key: Zeroizing<[u8; 32]>,
    recipient: Recipient,
}

impl Identity {
    /// Generates a new key pair from the operating system's random number generator.
    ///
    /// Panics if the operating system's random source fails, since no key can be made safely.
    pub fn generate() -> Self {
        let mut ikm = Zeroizing::new([0u8; 32]);
        UnwrapErr(OsRng).fill_bytes(ikm.as_mut());
        Self::derive(&ikm)
    }

    /// Derives a key pair from 32 bytes of input keying material with HPKE's
    /// `DeriveKeyPair` (RFC 9180 section 7.1.3), so test vectors can fix their keys.
    pub fn derive(ikm: &[u8; 32]) -> Self {
        let (secret, public) = Kem::derive_keypair(ikm);
        let mut secret_key = Zeroizing::new([0u8; 32]);
        secret_key.copy_from_slice(&secret.to_bytes());
        let mut public_key = [0u8; 32];
        public_key.copy_from_slice(&public.to_bytes());
        Identity {
            secret_key,
            recipient: Recipient::from_bytes(public_key),
        }
    }

    /// Wraps a raw 32-byte X25519 private key.
    pub fn from_bytes(secret_key: [u8; 32]) -> Result<Self> {
        let secret_key = Zeroizing::new(secret_key);
        let secret = KemPrivateKey::from_bytes(secret_key.as_ref())
            .map_err(|_| Error::InvalidKey("not a valid X25519 private key"))?;
        let public = Kem::sk_to_pk(&secret);
        let mut public_key = [0u8; 32];
        public_key.copy_from_slice(&public.to_bytes());
        Ok(Identity {
            secret_key,
            recipient: Recipient::from_bytes(public_key),
        })
    }

    /// The public half, to hand to senders.
    pub fn recipient(&self) -> &Recipient {
        &self.recipient
    }

    /// The key id of the public half.
    pub fn key_id(&self) -> KeyId {
        self.recipient.key_id
    }

    /// Returns the text form, `sealpost-identity-v1:` and 64 hex digits, in a buffer that
    /// is zeroized on drop. Write it only to a file readable by its owner alone.
    pub fn to_secret_string(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(IDENTITY_PREFIX.len() + 64));
        text.push_str(IDENTITY_PREFIX);
        text.push_str(&Zeroizing::new(hex::encode(self.secret_key.as_ref())));
        text
    }

    pub(crate) fn hpke_key(&self) -> Result<KemPrivateKey> {
        KemPrivateKey::from_bytes(self.secret_key.as_ref())
            .map_err(|_| Error::InvalidKey("not a valid X25519 private key"))
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("key_id", &self.recipient.key_id)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

impl FromStr for Identity {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bytes = parse_key_text(
            text,
            IDENTITY_PREFIX,
            "expected a line starting with \"sealpost-identity-v1:\"",
            (
                RECIPIENT_PREFIX,
                "this is a public key (\"sealpost-recipient-v1:\"); give the private key file",
            ),
        )?;
        Identity::from_bytes(*bytes)
    }
}

/// Finds the single key line in `text` and decodes its 32 bytes. `other_kind` is the
/// prefix of the other key kind and the message to give when the line starts with it,
/// since mixing up the private key file and the `.pub` file is the usual mistake.
fn parse_key_text(
    text: &str,
    prefix: &str,
    missing_prefix: &'static str,
    other_kind: (&str, &'static str),
) -> Result<Zeroizing<[u8; 32]>> {
    // Some Windows editors start UTF-8 files with a byte order mark, which would otherwise
    // hide the first comment line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'));
    let line = lines.next().ok_or(Error::InvalidKey("no key line found"))?;
    if lines.next().is_some() {
        return Err(Error::InvalidKey("more than one key line found"));
    }
    let (other_prefix, other_message) = other_kind;
    if line.starts_with(other_prefix) {
        return Err(Error::InvalidKey(other_message));
    }
    let hex_digits = line
        .strip_prefix(prefix)
        .ok_or(Error::InvalidKey(missing_prefix))?;
    let mut bytes = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_digits, bytes.as_mut())
        .map_err(|_| Error::InvalidKey("the key must be 64 hex digits after the prefix"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_text_round_trip() {
        let identity = Identity::derive(&[7; 32]);
        let parsed: Identity = identity.to_secret_string().parse().unwrap();
        assert_eq!(parsed.recipient(), identity.recipient());
        let recipient: Recipient = identity.recipient().to_string().parse().unwrap();
        assert_eq!(&recipient, identity.recipient());
    }

    #[test]
    fn key_files_allow_comments() {
        let identity = Identity::derive(&[9; 32]);
        let text = format!("# created for a test\n\n{}\n", identity.recipient());
        let recipient: Recipient = text.parse().unwrap();
        assert_eq!(recipient.key_id(), identity.key_id());
    }

    #[test]
    fn invalid_key_texts() {
        let valid = Identity::derive(&[1; 32]).recipient().to_string();
        let cases = [
            ("", "no key line found"),
            ("# only a comment\n", "no key line found"),
            (
                "sealpost-identity-v1:00",
                "this is a private key (\"sealpost-identity-v1:\"); give the public key, the .pub file",
            ),
            (
                "ssh-ed25519 AAAA",
                "expected a line starting with \"sealpost-recipient-v1:\"",
            ),
            (
                "sealpost-recipient-v1:zz",
                "the key must be 64 hex digits after the prefix",
            ),
            (&format!("{valid}\n{valid}"), "more than one key line found"),
        ];
        for (text, reason) in cases {
            match text.parse::<Recipient>() {
                Err(Error::InvalidKey(found)) => assert_eq!(found, reason, "input {text:?}"),
                other => panic!("input {text:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn identity_file_rejected_as_recipient_names_kind() {
        let public = Identity::derive(&[4; 32]).recipient().to_string();
        match public.parse::<Identity>() {
            Err(Error::InvalidKey(reason)) => {
                assert!(reason.starts_with("this is a public key"), "{reason}");
            }
            other => panic!("public key parsed as identity gave {other:?}"),
        }
    }

    #[test]
    fn key_file_with_byte_order_mark() {
        let identity = Identity::derive(&[5; 32]);
        let text = format!(
            "\u{feff}# written by an editor that adds a BOM\n{}\n",
            identity.to_secret_string().as_str()
        );
        let parsed: Identity = text.parse().unwrap();
        assert_eq!(parsed.key_id(), identity.key_id());
    }

    #[test]
    fn identity_debug_redacts_secret() {
        let identity = Identity::derive(&[3; 32]);
        let secret_hex = hex::encode(identity.secret_key.as_ref());
        let debug = format!("{identity:?}");
        assert!(debug.contains("<redacted>"));
        assert!(!debug.contains(&secret_hex));
    }

    #[test]
    fn key_id_differs_per_key() {
        assert_ne!(
            Identity::derive(&[1; 32]).key_id(),
            Identity::derive(&[2; 32]).key_id()
        );
    }
}
