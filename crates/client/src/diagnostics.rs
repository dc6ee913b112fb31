//! Diagnostic bundles: a zip for support with no secrets and no list contents.
//!
//! The bundle contains the client version and platform, the server profile (which never
//! contains secrets), the recent log lines with tokens redacted, and who the credential
//! belongs to. It adds the timelines of the most recent rejected and quarantined uploads,
//! without their validation summaries, because those can quote cells of the list.

use std::io::Write as _;
use std::path::Path;

use sealpost_api::UploadTimeline;
use serde_json::json;
use zip::write::SimpleFileOptions;

use crate::api::uploads::{self, UploadFilter};
use crate::connection::Connection;
use crate::error::ClientError;
use crate::profile::Profile;
use crate::{auth, profile};

/// Log lines kept in a bundle, counted from the end of the log.
pub const LOG_LINES: usize = 500;
/// Failed uploads per state (`rejected`, `quarantined`) whose timelines are included.
pub const FAILED_UPLOADS_PER_STATE: u16 = 5;

/// Contents of a written bundle, for the caller to report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BundleSummary {
    /// Files written into the zip.
    pub files: Vec<String>,
    /// Problems met while collecting (the bundle is still written).
    pub problems: Vec<String>,
}

/// Replaces every Sealpost token (`sps_`, `spt_`, `spi_` and the rest of the word) and
/// every `Bearer` credential in `text` with `<redacted>`.
pub fn redact(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = ["sps_", "spt_", "spi_", "Bearer ", "bearer "]
            .iter()
            .filter_map(|marker| rest.find(marker).map(|at| (at, *marker)))
            .min_by_key(|(at, _)| *at);
        let Some((at, marker)) = next else {
            output.push_str(rest);
            return output;
        };
        output.push_str(&rest[..at]);
        output.push_str(marker);
        output.push_str("<redacted>");
        let after = &rest[at + marker.len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
}

/// Collects the bundle and writes it to `output` as a zip. `connection` is `None` when
/// no credential is available; the bundle then has only the local parts.
pub async fn write_bundle(
    output: &Path,
    profile: Option<&Profile>,
    connection: Option<&Connection>,
    log_text: &str,
) -> Result<BundleSummary, ClientError> {
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    let mut problems = Vec::new();

    let client = json!({
        "client_version": env!("CARGO_PKG_VERSION"),
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "created_at": time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        "credential": connection.map(|c| match c.credential() {
            crate::Credential::None => "none",
            crate::Credential::Session(_) => "session",
            crate::Credential::ApiToken(_) => "api_token",
        }),
    });
    entries.push(("client.json".to_owned(), pretty(&client)));

    if let Some(profile) = profile {
        let text = toml::to_string_pretty(profile).unwrap_or_default();
        entries.push(("config.toml".to_owned(), redact(&text).into_bytes()));
    }

    let lines: Vec<&str> = log_text.lines().collect();
    let start = lines.len().saturating_sub(LOG_LINES);
    let log = redact(&lines[start..].join("\n"));
    entries.push(("log.txt".to_owned(), log.into_bytes()));

    if let Some(connection) = connection {
        match auth::whoami(connection).await {
            Ok(me) => entries.push(("whoami.json".to_owned(), pretty(&me))),
            Err(error) => problems.push(format!("whoami: {error}")),
        }
        for state in ["rejected", "quarantined"] {
            match failed_timelines(connection, state).await {
                Ok(timelines) => {
                    for timeline in timelines {
                        let name = format!("failed-uploads/{}.json", timeline.upload.id);
                        entries.push((name, pretty(&timeline)));
                    }
                }
                Err(error) => problems.push(format!("{state} uploads: {error}")),
            }
        }
    }
    if !problems.is_empty() {
        let text = redact(&problems.join("\n"));
        entries.push(("problems.txt".to_owned(), text.into_bytes()));
    }

    write_zip(output, &entries)?;
    Ok(BundleSummary {
        files: entries.into_iter().map(|(name, _)| name).collect(),
        problems,
    })
}

async fn failed_timelines(
    connection: &Connection,
    state: &str,
) -> Result<Vec<UploadTimeline>, ClientError> {
    let filter = UploadFilter {
        status: Some(state.to_owned()),
        limit: Some(FAILED_UPLOADS_PER_STATE),
        ..UploadFilter::default()
    };
    let page = uploads::list(connection, &filter).await?;
    let mut timelines = Vec::new();
    for upload in page.uploads {
        let mut timeline = uploads::events(connection, upload.id).await?;
        // The validation summary can quote cells of the list.
        timeline.validation = None;
        timelines.push(timeline);
    }
    Ok(timelines)
}

fn pretty<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap_or_default()
}

fn write_zip(output: &Path, entries: &[(String, Vec<u8>)]) -> Result<(), ClientError> {
    let io_error = |source: std::io::Error| ClientError::Io {
        action: "write",
        path: output.to_owned(),
        source,
    };
    let zip_error = |error: zip::result::ZipError| io_error(std::io::Error::other(error));
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            zip.start_file(name.as_str(), options).map_err(zip_error)?;
            zip.write_all(content).map_err(io_error)?;
        }
        zip.finish().map_err(zip_error)?;
    }
    profile::write_private(output, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_tokens() {
        let text = "sent Bearer sps_abc-DEF_123 and spt_zzz, invite spi_q.x end";
        let redacted = redact(text);
        assert!(!redacted.contains("abc-DEF"), "{redacted}");
        assert!(!redacted.contains("zzz"), "{redacted}");
        assert!(!redacted.contains("spi_q"), "{redacted}");
        assert!(redacted.ends_with(" end"), "{redacted}");
        assert!(redacted.contains("Bearer <redacted>"), "{redacted}");
    }

    #[test]
    fn redact_keeps_plain_text() {
        assert_eq!(redact("nothing secret here"), "nothing secret here");
    }

    #[tokio::test]
    async fn offline_bundle_has_local_parts() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("bundle.zip");
        let log = "line one\nsigned in with sps_secret\n";
        let summary = write_bundle(&output, None, None, log).await.unwrap();
        assert_eq!(summary.files, vec!["client.json", "log.txt"]);
        let file = std::fs::File::open(&output).unwrap();
        let mut archive = zip::ZipArchive::new(file).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("log.txt").unwrap(), &mut text).unwrap();
        assert!(text.contains("line one"), "{text}");
        assert!(!text.contains("sps_secret"), "{text}");
    }
}
