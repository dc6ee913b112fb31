//! The audit log and a client-side check of its hash chain.
//!
//! The service offers no verification endpoint, so [`verify`] recomputes each entry's
//! hash from its fields and checks the `prev_hash` links between entries it can see. The
//! chain spans every account on the service, while `GET /v1/audit` returns only the
//! caller's account: a link is checked only where two consecutive sequence numbers are
//! both visible, and the report counts the gaps.

use reqwest::Method;
use sealpost_api::{AuditEntry, AuditPage};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{query, rfc3339};
use crate::connection::Connection;
use crate::error::ClientError;

/// Filters and paging of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this action, such as `session.created`.
    pub action: Option<String>,
    /// Only this actor, such as `member:ID`.
    pub actor: Option<String>,
    /// Only entries at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only entries older than this sequence number (`next_before` of the previous page).
    pub before: Option<i64>,
    /// Entries per page, 1 to 200.
    pub limit: Option<u16>,
}

/// Lists one page of the audit log, newest first.
pub async fn list(connection: &Connection, filter: &AuditFilter) -> Result<AuditPage, ClientError> {
    let pairs = query(&[
        ("action", filter.action.clone()),
        ("actor", filter.actor.clone()),
        ("since", rfc3339(filter.since)),
        ("before", filter.before.map(|seq| seq.to_string())),
        ("limit", filter.limit.map(|limit| limit.to_string())),
    ]);
    let builder = connection.request(Method::GET, "/v1/audit").query(&pairs);
    connection.send_json(builder).await
}

/// Fetches every visible entry, following `next_before` up to `max_pages` pages of 200.
pub async fn fetch_all(
    connection: &Connection,
    max_pages: usize,
) -> Result<(Vec<AuditEntry>, bool), ClientError> {
    let mut entries = Vec::new();
    let mut filter = AuditFilter {
        limit: Some(200),
        ..AuditFilter::default()
    };
    for _ in 0..max_pages {
        let page = list(connection, &filter).await?;
        entries.extend(page.entries);
        match page.next_before {
            Some(before) => filter.before = Some(before),
            None => return Ok((entries, true)),
        }
    }
    Ok((entries, false))
}

/// The outcome of a client-side chain check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Entries whose hash was recomputed.
    pub entries_checked: usize,
    /// Links between consecutive visible entries that were checked.
    pub links_checked: usize,
    /// Places where entries of other accounts sit between two visible entries, so the
    /// link there cannot be checked from this account.
    pub gaps: usize,
    /// Whether every visible entry was fetched (false when the page limit stopped it).
    pub complete: bool,
    /// Entries that fail a check, with the reason.
    pub failures: Vec<ChainFailure>,
}

/// One entry that fails the chain check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainFailure {
    /// The entry's sequence number.
    pub seq: i64,
    /// The mismatch found.
    pub reason: String,
}

/// Checks the hashes and links of `entries`, in any order.
pub fn verify(entries: &[AuditEntry], complete: bool) -> ChainReport {
    let mut sorted: Vec<&AuditEntry> = entries.iter().collect();
    sorted.sort_by_key(|entry| entry.seq);
    let mut report = ChainReport {
        entries_checked: sorted.len(),
        links_checked: 0,
        gaps: 0,
        complete,
        failures: Vec::new(),
    };
    for entry in &sorted {
        let computed = entry_hash(entry);
        if computed != entry.hash {
            report.failures.push(ChainFailure {
                seq: entry.seq,
                reason: format!(
                    "the stored hash {} does not match the hash of the entry's fields {computed}",
                    entry.hash
                ),
            });
        }
    }
    if let Some(first) = sorted.first()
        && first.seq == 1
    {
        report.links_checked += 1;
        if first.prev_hash != GENESIS_HASH {
            report.failures.push(ChainFailure {
                seq: 1,
                reason: "the first entry does not start from the all-zero hash".to_owned(),
            });
        }
    }
    for pair in sorted.windows(2) {
        let (older, newer) = (pair[0], pair[1]);
        if newer.seq != older.seq + 1 {
            report.gaps += 1;
            continue;
        }
        report.links_checked += 1;
        if newer.prev_hash != older.hash {
            report.failures.push(ChainFailure {
                seq: newer.seq,
                reason: format!("prev_hash does not match the hash of entry {}", older.seq),
            });
        }
    }
    report
}

/// The `prev_hash` of the first entry of the chain.
const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The domain tag that starts every hashed encoding.
const DOMAIN: &[u8] = b"sealpost-audit-v1";

/// Computes the hex SHA-256 of an entry's canonical encoding, the one the service hashes.
/// The encoding is the domain tag, then each field in a fixed order. A field is one
/// presence byte (0 absent, 1 present), then for a present field its UTF-8 length as 8
/// bytes big-endian and the bytes. Integers and the time (Unix seconds) are in decimal.
fn entry_hash(entry: &AuditEntry) -> String {
    let seq = entry.seq.to_string();
    let at = entry.at.unix_timestamp().to_string();
    let account = entry.account_id.map(|id| id.to_string());
    let fields: [Option<&str>; 11] = [
        Some(&seq),
        Some(&at),
        account.as_deref(),
        Some(&entry.actor),
        Some(&entry.action),
        entry.target.as_deref(),
        Some(&entry.outcome),
        entry.client_address.as_deref(),
        entry.request_id.as_deref(),
        entry.details.as_deref(),
        Some(&entry.prev_hash),
    ];
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    for field in fields {
        match field {
            None => hasher.update([0]),
            Some(text) => {
                hasher.update([1]);
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
        }
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(count: i64) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        let mut prev_hash = GENESIS_HASH.to_owned();
        for seq in 1..=count {
            let mut entry = AuditEntry {
                seq,
                at: OffsetDateTime::from_unix_timestamp(1_700_000_000 + seq).unwrap(),
                account_id: None,
                actor: "cli".to_owned(),
                action: "account.created".to_owned(),
                target: Some(format!("account:{seq}")),
                outcome: "success".to_owned(),
                client_address: None,
                request_id: None,
                details: None,
                prev_hash: prev_hash.clone(),
                hash: String::new(),
            };
            entry.hash = entry_hash(&entry);
            prev_hash = entry.hash.clone();
            entries.push(entry);
        }
        entries
    }

    #[test]
    fn intact_chain_passes() {
        let report = verify(&chain(5), true);
        assert!(report.failures.is_empty(), "{report:?}");
        assert_eq!(report.entries_checked, 5);
        assert_eq!(report.links_checked, 5);
        assert_eq!(report.gaps, 0);
    }

    #[test]
    fn edited_field_fails() {
        let mut entries = chain(3);
        entries[1].outcome = "failure".to_owned();
        let report = verify(&entries, true);
        assert_eq!(report.failures.len(), 1, "{report:?}");
        assert_eq!(report.failures[0].seq, 2);
    }

    #[test]
    fn broken_link_fails() {
        let mut entries = chain(3);
        entries[2].prev_hash = "1".repeat(64);
        entries[2].hash = entry_hash(&entries[2]);
        let report = verify(&entries, true);
        assert_eq!(report.failures.len(), 1, "{report:?}");
        assert_eq!(report.failures[0].seq, 3);
        assert!(report.failures[0].reason.contains("prev_hash"));
    }

    #[test]
    fn missing_entries_count_as_gaps() {
        let mut entries = chain(5);
        entries.remove(2);
        let report = verify(&entries, true);
        assert!(report.failures.is_empty(), "{report:?}");
        assert_eq!(report.gaps, 1);
        assert_eq!(report.links_checked, 3);
    }
}
