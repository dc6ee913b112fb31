//! The canonical encoding and hash of an audit entry.
//!
//! The hash is SHA-256 over the domain tag `sealpost-audit-v1`, then each field in a
//! fixed order (seq, at, account_id, actor, action, target, outcome, client_address,
//! request_id, details, prev_hash). A field is one byte, 0 when absent and 1 when
//! present, then for a present field its UTF-8 length as 8 bytes big-endian and the
//! bytes. Integers are written in decimal. The length prefixes make the encoding
//! injective, so no two different entries share an input.

use sealpost_api::AuditEntry;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const DOMAIN: &[u8] = b"sealpost-audit-v1";

fn field(hasher: &mut Sha256, value: Option<&str>) {
    match value {
        None => hasher.update([0]),
        Some(text) => {
            hasher.update([1]);
            hasher.update((text.len() as u64).to_be_bytes());
            hasher.update(text.as_bytes());
        }
    }
}

/// The hex SHA-256 of the entry's canonical encoding; the entry's own `hash` is ignored.
pub fn entry_hash(entry: &AuditEntry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    field(&mut hasher, Some(&entry.seq.to_string()));
    field(&mut hasher, Some(&entry.at.unix_timestamp().to_string()));
    field(
        &mut hasher,
        entry.account_id.map(|id| id.to_string()).as_deref(),
    );
    field(&mut hasher, Some(&entry.actor));
    field(&mut hasher, Some(&entry.action));
    field(&mut hasher, entry.target.as_deref());
    field(&mut hasher, Some(&entry.outcome));
    field(&mut hasher, entry.client_address.as_deref());
    field(&mut hasher, entry.request_id.as_deref());
    field(&mut hasher, entry.details.as_deref());
    field(&mut hasher, Some(&entry.prev_hash));
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            seq: 1,
            at: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
            account_id: None,
            actor: "cli".to_owned(),
            action: "account.created".to_owned(),
            target: Some("account:x".to_owned()),
            outcome: "success".to_owned(),
            client_address: None,
            request_id: None,
            details: None,
            prev_hash: GENESIS_HASH.to_owned(),
            hash: String::new(),
        }
    }

    #[test]
    fn hash_is_stable() {
        let first = entry_hash(&entry());
        assert_eq!(first.len(), 64);
        assert_eq!(first, entry_hash(&entry()));
    }

    type Change = Box<dyn Fn(&mut AuditEntry)>;

    #[test]
    fn every_field_changes_hash() {
        let base = entry_hash(&entry());
        let changes: Vec<(&str, Change)> = vec![
            ("seq", Box::new(|e| e.seq = 2)),
            ("at", Box::new(|e| e.at += time::Duration::seconds(1))),
            (
                "account",
                Box::new(|e| e.account_id = Some(uuid::Uuid::nil())),
            ),
            ("actor", Box::new(|e| e.actor = "system".to_owned())),
            (
                "action",
                Box::new(|e| e.action = "account.deleted".to_owned()),
            ),
            ("target", Box::new(|e| e.target = None)),
            ("outcome", Box::new(|e| e.outcome = "failure".to_owned())),
            (
                "address",
                Box::new(|e| e.client_address = Some(String::new())),
            ),
            ("request", Box::new(|e| e.request_id = Some("r".to_owned()))),
            ("details", Box::new(|e| e.details = Some("{}".to_owned()))),
            ("prev", Box::new(|e| e.prev_hash = "1".repeat(64))),
        ];
        for (name, change) in changes {
            let mut changed = entry();
            change(&mut changed);
            assert_ne!(entry_hash(&changed), base, "changing {name} kept the hash");
        }
    }

    #[test]
    fn absent_and_empty_differ() {
        let mut with_empty = entry();
        with_empty.target = Some(String::new());
        let mut without = entry();
        without.target = None;
        assert_ne!(entry_hash(&with_empty), entry_hash(&without));
    }
}
