//! Uploads interrupted in an earlier run, and what the app needs to run them again.
//!
//! The client library's resume state names the file, server and campaign, but not the
//! column mapping or the accepted error codes the member chose. The app keeps those in
//! `app-jobs.json` in the upload state folder while a job is unfinished, so resuming
//! after a restart validates the list the same way the first run did.

use std::path::{Path, PathBuf};

use sealpost_client::upload::saved::SavedUpload;
use serde::{Deserialize, Serialize};

use crate::service::rfc3339;
use crate::types::{AppError, AppResult, PendingUpload};

/// The job id prefix of uploads found in saved state files.
pub const SAVED_PREFIX: &str = "saved-";

/// The file, in the upload state folder, that keeps each unfinished job's choices.
const INDEX_FILE: &str = "app-jobs.json";

/// The choices of one unfinished job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRecord {
    /// The list file, as an absolute path.
    pub file: PathBuf,
    /// The campaign id.
    pub campaign: String,
    /// The mapping file written for the job.
    pub mapping_file: PathBuf,
    /// The accepted error codes.
    pub allow_errors: Vec<String>,
}

/// Returns the job id of a saved upload: the prefix and the state file's name.
pub fn saved_job_id(saved: &SavedUpload) -> String {
    let stem = saved
        .state_file
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{SAVED_PREFIX}{stem}")
}

/// Returns the state file that a saved job id names inside `state_dir`, or `None` when
/// `id` is not a saved job id. The name must be 32 lowercase hex digits, so an id from
/// the UI cannot point outside the folder.
pub fn state_file_of(id: &str, state_dir: &Path) -> Option<PathBuf> {
    let stem = id.strip_prefix(SAVED_PREFIX)?;
    let valid = stem.len() == 32
        && stem
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
    valid.then(|| state_dir.join(format!("{stem}.json")))
}

/// Returns whether `saved` is the state of the job for `file` and `campaign`.
pub fn matches(saved: &SavedUpload, file: &Path, campaign: &str) -> bool {
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned());
    saved.source == file
        && saved
            .campaign_id
            .is_some_and(|id| id.to_string() == campaign.trim())
}

/// Describes a saved upload for the UI. `starts_over` is true when the resume key did
/// not outlive the earlier run, so the sealed secrets cannot be opened again.
pub fn pending_of(saved: &SavedUpload, starts_over: bool) -> PendingUpload {
    PendingUpload {
        job_id: saved_job_id(saved),
        file_name: saved
            .source
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| saved.source.display().to_string()),
        file_path: saved.source.display().to_string(),
        campaign: saved
            .campaign_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        bytes_acknowledged: saved.bytes_acknowledged.unwrap_or(0),
        total_bytes: saved.bytes_total,
        saved_at: saved.saved_at.map(rfc3339).unwrap_or_default(),
        earlier_run: true,
        starts_over,
    }
}

/// The job records in the state folder.
#[derive(Debug)]
pub struct JobIndex {
    path: PathBuf,
}

impl JobIndex {
    /// Creates the index of `state_dir`.
    pub fn new(state_dir: &Path) -> Self {
        Self {
            path: state_dir.join(INDEX_FILE),
        }
    }

    /// Reads every record; a missing or unreadable file reads as none, because the
    /// records only refine a resume (the list is then mapped automatically).
    pub fn load(&self) -> Vec<JobRecord> {
        let text = match std::fs::read(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(error) => {
                log::warn!("reading {} failed: {error}", self.path.display());
                return Vec::new();
            }
        };
        serde_json::from_slice(&text).unwrap_or_else(|error| {
            log::warn!(
                "ignoring the invalid job index {}: {error}",
                self.path.display()
            );
            Vec::new()
        })
    }

    /// Returns the record of `file` and `campaign`.
    pub fn find(&self, file: &Path, campaign: &str) -> Option<JobRecord> {
        self.load()
            .into_iter()
            .find(|record| record.file == file && record.campaign == campaign)
    }

    /// Adds `record`, replacing one for the same file and campaign.
    pub fn put(&self, record: JobRecord) -> AppResult<()> {
        let mut records = self.load();
        records.retain(|other| !(other.file == record.file && other.campaign == record.campaign));
        records.push(record);
        self.write(&records)
    }

    /// Removes the record of `file` and `campaign`, returning it.
    pub fn remove(&self, file: &Path, campaign: &str) -> Option<JobRecord> {
        let mut records = self.load();
        let position = records
            .iter()
            .position(|record| record.file == file && record.campaign == campaign)?;
        let removed = records.remove(position);
        if let Err(error) = self.write(&records) {
            log::warn!("updating the job index failed: {}", error.message);
        }
        Some(removed)
    }

    fn write(&self, records: &[JobRecord]) -> AppResult<()> {
        let text = serde_json::to_vec_pretty(records).map_err(|error| {
            AppError::new(
                "io.error",
                format!("encoding the job index failed: {error}"),
            )
        })?;
        std::fs::write(&self.path, text)
            .map_err(|error| AppError::io("writing the job index", &error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(file: &str, campaign: &str) -> JobRecord {
        JobRecord {
            file: PathBuf::from(file),
            campaign: campaign.to_owned(),
            mapping_file: PathBuf::from(format!("{file}.mapping.json")),
            allow_errors: vec!["invalid_postcode".to_owned()],
        }
    }

    #[test]
    fn index_keeps_one_record_per_job() {
        let dir = tempfile::tempdir().unwrap();
        let index = JobIndex::new(dir.path());
        assert!(index.load().is_empty());

        index.put(record("/a.csv", "c1")).unwrap();
        index.put(record("/a.csv", "c2")).unwrap();
        let mut replaced = record("/a.csv", "c1");
        replaced.allow_errors.clear();
        index.put(replaced.clone()).unwrap();

        assert_eq!(index.load().len(), 2);
        assert_eq!(
            index.find(Path::new("/a.csv"), "c1"),
            Some(replaced.clone())
        );
        assert_eq!(index.remove(Path::new("/a.csv"), "c1"), Some(replaced));
        assert_eq!(index.find(Path::new("/a.csv"), "c1"), None);
        assert!(index.find(Path::new("/a.csv"), "c2").is_some());
    }

    #[test]
    fn invalid_index_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(INDEX_FILE), b"{not json").unwrap();
        assert!(JobIndex::new(dir.path()).load().is_empty());
    }

    #[test]
    fn saved_ids_stay_in_the_folder() {
        let dir = Path::new("/state");
        let stem = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            state_file_of(&format!("saved-{stem}"), dir),
            Some(dir.join(format!("{stem}.json")))
        );
        for id in [
            "job-1",
            "saved-../../etc/passwd",
            "saved-0123456789ABCDEF0123456789ABCDEF",
            "saved-0123456789abcdef",
            "saved-",
        ] {
            assert_eq!(state_file_of(id, dir), None, "{id}");
        }
    }
}
