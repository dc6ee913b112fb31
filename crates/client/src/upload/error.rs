//! The error type of an upload, with stable codes and messages fit to show a person.

use std::collections::BTreeMap;
use std::path::PathBuf;

use sealpost_lists::IssueCode;
use uuid::Uuid;

use crate::error::ClientError;

/// The reason an upload stopped.
///
/// Every variant keeps the upload resumable where it can be: after
/// [`UploadError::Cancelled`], [`UploadError::RetriesExhausted`] and a failed request, the
/// saved state stays, and running the same upload again continues it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// A request to the service failed in a way retrying does not fix.
    #[error(transparent)]
    Client(#[from] ClientError),

    /// The list could not be read as a list.
    #[error("cannot read the list {}: {message}", path.display())]
    ListUnreadable {
        /// The list file.
        path: PathBuf,
        /// The reader's explanation.
        message: String,
    },

    /// The column mapping file could not be read or applied.
    #[error("cannot use the mapping file {}: {message}", path.display())]
    MappingInvalid {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },

    /// The list has errors that the allow-list does not tolerate.
    #[error(
        "the list has errors, so it was not uploaded: {}; fix the rows (see `sealpost validate`) or allow these codes with --allow-errors",
        describe_counts(blocking)
    )]
    ListHasErrors {
        /// Error counts per code that blocked the upload.
        blocking: BTreeMap<IssueCode, u64>,
    },

    /// An `--allow-errors` entry is not an issue code.
    #[error(
        "unknown issue code {0:?} in the allow-list; use codes such as missing_required or invalid_postcode, as `sealpost validate` prints them"
    )]
    UnknownIssueCode(String),

    /// The request's own settings are invalid.
    #[error("invalid upload settings: {0}")]
    InvalidRequest(String),

    /// The source file could not be read.
    #[error("{}", describe_unreadable(path, source))]
    SourceUnreadable {
        /// The list file.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },

    /// The source file changed since the upload started, so the rest of it would not
    /// match the bytes already sent.
    #[error(
        "cannot resume the upload of {}: the file changed since the upload started ({reason}); run again with --restart to upload the current file as a new upload",
        path.display()
    )]
    SourceChanged {
        /// The list file.
        path: PathBuf,
        /// The change found.
        reason: String,
    },

    /// `--resume` was given but nothing is saved for this file, server and campaign.
    #[error(
        "there is no interrupted upload of {} to this server and campaign to resume; run without --resume to start one",
        path.display()
    )]
    NothingToResume {
        /// The list file.
        path: PathBuf,
    },

    /// The saved resume state cannot be read or opened.
    #[error(
        "the saved upload state {} cannot be used: {reason}; run again with --restart to start the upload over",
        path.display()
    )]
    ResumeStateInvalid {
        /// The state file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The resume state could not be written, so an interruption could not be resumed.
    #[error("cannot save the upload state in {}: {source}; check that the directory is writable", path.display())]
    ResumeStateUnwritable {
        /// The state file or its directory.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },

    /// The key that protects saved upload secrets is not available.
    #[error("cannot protect the upload's resume secrets: {0}")]
    ResumeKeyUnavailable(String),

    /// The resume key file does not open with the passphrase given: it was created under
    /// another passphrase, or it is damaged.
    #[error(
        "the resume key file {} does not open with this passphrase: it was created with another passphrase, or it is damaged; run again with the earlier passphrase to resume, or add --restart to start this upload over with a new resume key (other interrupted uploads then need --restart too)",
        path.display()
    )]
    ResumeKeyWrongPassphrase {
        /// The resume key file.
        path: PathBuf,
    },

    /// The service's upload key is malformed or inconsistent.
    #[error(
        "the service sent an unusable upload key: {0}; report this to the service's administrator"
    )]
    UploadKeyInvalid(String),

    /// Sealing failed.
    #[error("cannot seal the list: {0}")]
    Seal(#[source] sealpost_envelope::Error),

    /// The service sent a response that the tus protocol does not allow.
    #[error("the service broke the upload protocol: {0}; try again, and report it if it repeats")]
    Protocol(String),

    /// Requests kept failing until the retry budget was spent.
    #[error(
        "the upload stopped after {attempts} failed attempts in a row (last: {last}); it is saved, so run the same command again to resume"
    )]
    RetriesExhausted {
        /// Attempts made since the last progress.
        attempts: u32,
        /// The last failure, in words.
        last: String,
    },

    /// The caller cancelled the upload.
    #[error("{}", cancelled_message(*acknowledged, *total))]
    Cancelled {
        /// The upload id, when the service had created it.
        upload_id: Option<Uuid>,
        /// Bytes the service holds.
        acknowledged: u64,
        /// Ciphertext bytes in all.
        total: u64,
    },
}

impl UploadError {
    /// The stable code that callers branch on, such as `upload.cancelled`. Errors from the
    /// connection keep their own codes, such as `auth.session_expired`.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::Client(error) => error.code(),
            UploadError::ListUnreadable { .. } => "upload.list_unreadable",
            UploadError::MappingInvalid { .. } => "upload.mapping_invalid",
            UploadError::ListHasErrors { .. } => "upload.list_has_errors",
            UploadError::UnknownIssueCode(_) => "upload.unknown_issue_code",
            UploadError::InvalidRequest(_) => "upload.invalid_request",
            UploadError::SourceUnreadable { .. } => "upload.source_unreadable",
            UploadError::SourceChanged { .. } => "upload.source_changed",
            UploadError::NothingToResume { .. } => "upload.nothing_to_resume",
            UploadError::ResumeStateInvalid { .. } => "upload.resume_state_invalid",
            UploadError::ResumeStateUnwritable { .. } => "upload.resume_state_unwritable",
            UploadError::ResumeKeyUnavailable(_) => "upload.resume_key_unavailable",
            UploadError::ResumeKeyWrongPassphrase { .. } => "upload.resume_key_wrong_passphrase",
            UploadError::UploadKeyInvalid(_) => "upload.upload_key_invalid",
            UploadError::Seal(_) => "upload.seal_failed",
            UploadError::Protocol(_) => "upload.protocol",
            UploadError::RetriesExhausted { .. } => "upload.retries_exhausted",
            UploadError::Cancelled { .. } => "upload.cancelled",
        }
    }

    /// Returns whether running the same upload again continues where this one stopped.
    pub fn is_resumable(&self) -> bool {
        match self {
            UploadError::Cancelled { .. } | UploadError::RetriesExhausted { .. } => true,
            UploadError::Client(error) => error.is_transient(),
            _ => false,
        }
    }
}

impl serde::Serialize for UploadError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("UploadError", 3)?;
        state.serialize_field("code", self.code())?;
        state.serialize_field("message", &self.to_string())?;
        state.serialize_field("resumable", &self.is_resumable())?;
        state.end()
    }
}

fn cancelled_message(acknowledged: u64, total: u64) -> String {
    if total == 0 {
        "the upload was cancelled before sending began".to_owned()
    } else {
        format!(
            "the upload was cancelled with {acknowledged} of {total} bytes stored by the service; run the same command again to resume it"
        )
    }
}

/// Names the file and the fix for the usual causes; other errors keep the OS's words.
fn describe_unreadable(path: &std::path::Path, error: &std::io::Error) -> String {
    let path = path.display();
    match error.kind() {
        std::io::ErrorKind::NotFound => format!(
            "the list file {path} does not exist; check the file name, and that a relative \
             path starts from the current directory"
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "you do not have permission to read the list file {path}; ask its owner for read \
             access, or copy it to a directory of yours"
        ),
        std::io::ErrorKind::IsADirectory => format!(
            "{path} is a directory, not a list file; give the path of a CSV or spreadsheet file"
        ),
        _ => format!(
            "cannot read the list file {path} ({error}); check that it is a regular file \
             and that no other program has it locked"
        ),
    }
}

fn describe_counts(counts: &BTreeMap<IssueCode, u64>) -> String {
    counts
        .iter()
        .map(|(code, count)| format!("{count} {code}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_error_names_codes() {
        let error = UploadError::ListHasErrors {
            blocking: BTreeMap::from([(IssueCode::Duplicate, 2), (IssueCode::InvalidPostcode, 1)]),
        };
        let message = error.to_string();
        assert!(message.contains("1 invalid_postcode"), "{message}");
        assert!(message.contains("2 duplicate"), "{message}");
        assert!(message.contains("--allow-errors"), "{message}");
        assert_eq!(error.code(), "upload.list_has_errors");
        assert!(!error.is_resumable());
    }

    #[test]
    fn unreadable_source_says_what_to_do() {
        let cases = [
            (std::io::ErrorKind::NotFound, "does not exist"),
            (std::io::ErrorKind::PermissionDenied, "permission to read"),
            (std::io::ErrorKind::IsADirectory, "is a directory"),
            (std::io::ErrorKind::Other, "cannot read the list file"),
        ];
        for (kind, expected) in cases {
            let error = UploadError::SourceUnreadable {
                path: PathBuf::from("lists/spring.csv"),
                source: std::io::Error::from(kind),
            };
            let message = error.to_string();
            assert!(message.contains("lists/spring.csv"), "{message}");
            assert!(message.contains(expected), "{kind:?}: {message}");
            assert!(!message.contains("os error"), "{message}");
            assert_eq!(error.code(), "upload.source_unreadable");
        }
    }

    #[test]
    fn cancelled_is_resumable() {
        let error = UploadError::Cancelled {
            upload_id: None,
            acknowledged: 10,
            total: 20,
        };
        assert!(error.is_resumable());
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "upload.cancelled");
        assert_eq!(json["resumable"], true);
    }
}
