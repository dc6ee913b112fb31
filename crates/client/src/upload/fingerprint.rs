//! Recognising the source file again when an upload resumes.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bytes at the start of the file that the fingerprint hashes.
pub(crate) const HEAD_BYTES: u64 = 1024 * 1024;

/// The size, modification time and SHA-256 of the first MiB of a file.
///
/// Hashing only the first MiB keeps a resume check fast on large files. A change past the
/// first MiB that keeps the size and modification time is not detected here, but the
/// opener on the service still detects it through the whole-file SHA-256 sealed in the
/// envelope's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFingerprint {
    /// Size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch, or 0 where the file system
    /// records none.
    pub modified_ns: u128,
    /// SHA-256 of the first [`HEAD_BYTES`] bytes, lowercase hex.
    pub head_sha256: String,
}

impl SourceFingerprint {
    /// Reads the fingerprint of the file at `path`.
    pub fn of_file(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        let metadata = file.metadata()?;
        let modified_ns = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |since| since.as_nanos());
        let mut hasher = Sha256::new();
        let mut head = file.take(HEAD_BYTES);
        io::copy(&mut head, &mut hasher)?;
        Ok(Self {
            size: metadata.len(),
            modified_ns,
            head_sha256: hex::encode(hasher.finalize()),
        })
    }

    /// Returns the first difference from `earlier` in words, or `None` when they match.
    pub fn difference_from(&self, earlier: &Self) -> Option<String> {
        if self.size != earlier.size {
            return Some(format!(
                "its size is now {} bytes, it was {} bytes",
                self.size, earlier.size
            ));
        }
        if self.head_sha256 != earlier.head_sha256 {
            return Some("its first bytes differ".to_owned());
        }
        if self.modified_ns != earlier.modified_ns {
            return Some("its modification time differs".to_owned());
        }
        None
    }

    /// The value sent as the tus `fingerprint` metadata: a hash of the fields, so the
    /// service can match a resumed upload without seeing the file's details.
    pub fn tus_value(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.size.to_be_bytes());
        hasher.update(self.modified_ns.to_be_bytes());
        hasher.update(self.head_sha256.as_bytes());
        format!("sealpost-v1:{}", hex::encode(hasher.finalize()))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn fingerprint_detects_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(&path, b"name,postcode\nA,SW1A 1AA\n").unwrap();
        let first = SourceFingerprint::of_file(&path).unwrap();
        assert_eq!(first.size, 25);
        assert_eq!(
            SourceFingerprint::of_file(&path)
                .unwrap()
                .difference_from(&first),
            None
        );

        std::fs::write(&path, b"name,postcode\nB,SW1A 1AA\n").unwrap();
        let changed = SourceFingerprint::of_file(&path).unwrap();
        assert_eq!(
            changed.difference_from(&first).as_deref(),
            Some("its first bytes differ")
        );

        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"C,SW1A 1AA\n").unwrap();
        let longer = SourceFingerprint::of_file(&path).unwrap();
        assert!(longer.difference_from(&first).unwrap().contains("size"));
    }

    #[test]
    fn tus_value_fits_service_limit() {
        let fingerprint = SourceFingerprint {
            size: 1,
            modified_ns: 2,
            head_sha256: "00".repeat(32),
        };
        // The service accepts at most 128 bytes.
        assert!(fingerprint.tus_value().len() <= 128);
    }
}
