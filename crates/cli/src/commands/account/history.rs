//! `sealpost uploads`: the upload history, one upload, and its timeline.

use std::process::ExitCode;

use sealpost_api::{UploadDetail, UploadPage, UploadSummary, UploadTimeline};
use sealpost_client::ClientError;
use sealpost_client::api::parse_id;
use sealpost_client::api::uploads::{self, UploadFilter};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::target::Target;
use super::{block_on, finish, table};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    target: Target,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Default, clap::Args)]
struct ListArgs {
    /// Only this campaign's uploads (a campaign id).
    #[arg(long)]
    campaign: Option<String>,
    /// Only uploads in this state, such as accepted, rejected or quarantined.
    #[arg(long)]
    status: Option<String>,
    /// Only this member's uploads (a member id; admin and support).
    #[arg(long)]
    owner: Option<String>,
    /// Only uploads created at or after this RFC 3339 time, such as 2026-12-01T00:00:00Z.
    #[arg(long)]
    from: Option<String>,
    /// Only uploads created before this RFC 3339 time.
    #[arg(long)]
    to: Option<String>,
    /// The next_cursor printed by the previous page.
    #[arg(long)]
    cursor: Option<String>,
    /// Uploads per page, 1 to 200.
    #[arg(long)]
    limit: Option<u16>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List uploads, newest first (the default).
    List(ListArgs),
    /// Show one upload with its outcome.
    Show {
        /// The upload id.
        id: String,
    },
    /// Show an upload's timeline: each request with its offset and request id.
    Events {
        /// The upload id.
        id: String,
    },
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.target.format;
    match args
        .command
        .unwrap_or_else(|| Command::List(ListArgs::default()))
    {
        Command::List(list) => {
            let result = filter_of(&list).and_then(|filter| {
                let connection = args.target.connect()?;
                block_on(uploads::list(&connection, &filter))?
            });
            finish(format, result, page_text)
        }
        Command::Show { id } => {
            let result = parse_id(&id, "upload").and_then(|id| {
                let connection = args.target.connect()?;
                block_on(uploads::show(&connection, id))?
            });
            finish(format, result, show_text)
        }
        Command::Events { id } => {
            let result = parse_id(&id, "upload").and_then(|id| {
                let connection = args.target.connect()?;
                block_on(uploads::events(&connection, id))?
            });
            finish(format, result, timeline_text)
        }
    }
}

fn filter_of(list: &ListArgs) -> Result<UploadFilter, ClientError> {
    Ok(UploadFilter {
        campaign: list
            .campaign
            .as_deref()
            .map(|id| parse_id(id, "campaign"))
            .transpose()?,
        status: list.status.clone(),
        owner: list
            .owner
            .as_deref()
            .map(|id| parse_id(id, "member"))
            .transpose()?,
        from: list
            .from
            .as_deref()
            .map(|t| parse_time(t, "--from"))
            .transpose()?,
        to: list
            .to
            .as_deref()
            .map(|t| parse_time(t, "--to"))
            .transpose()?,
        cursor: list.cursor.clone(),
        limit: list.limit,
    })
}

/// Parses an RFC 3339 time given on the command line.
pub(super) fn parse_time(text: &str, option: &str) -> Result<OffsetDateTime, ClientError> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| ClientError::InvalidInput {
        message: format!(
            "invalid {option} time {text:?}: expected RFC 3339, such as 2026-12-01T00:00:00Z"
        ),
    })
}

pub(super) fn upload_rows(uploads: &[UploadSummary]) -> Vec<Vec<String>> {
    uploads
        .iter()
        .map(|upload| {
            vec![
                upload.id.to_string(),
                upload.state.clone(),
                format!("{}/{}", upload.offset, upload.length),
                table::time(Some(upload.created_at)),
                upload
                    .campaign_id
                    .map_or_else(|| "-".to_owned(), |id| id.to_string()),
                upload.reason.clone().unwrap_or_else(|| "-".to_owned()),
            ]
        })
        .collect()
}

pub(super) const UPLOAD_HEADER: [&str; 6] =
    ["ID", "STATE", "BYTES", "CREATED", "CAMPAIGN", "REASON"];

fn page_text(page: &UploadPage) -> String {
    let mut text = table::render(&UPLOAD_HEADER, &upload_rows(&page.uploads));
    if let Some(cursor) = &page.next_cursor {
        text.push_str(&format!("More: --cursor {cursor}\n"));
    }
    text
}

fn show_text(upload: &UploadDetail) -> String {
    let optional = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    let mut text = format!(
        "id: {}\nstate: {}\nreason: {}\nowner: {}\ncampaign: {}\nbytes: {}/{}\n\
         created: {}\nupdated: {}\ncompleted: {}\nexpires: {}\n",
        upload.id,
        upload.state,
        optional(upload.reason.clone()),
        upload.owner_id,
        optional(upload.campaign_id.map(|id| id.to_string())),
        upload.offset,
        upload.length,
        table::time(Some(upload.created_at)),
        table::time(Some(upload.updated_at)),
        table::time(upload.completed_at),
        table::time(upload.expires_at),
    );
    if let Some(validation) = &upload.validation {
        text.push_str(&crate::commands::service_check::describe(validation, ""));
    }
    text
}

pub(super) fn timeline_text(timeline: &UploadTimeline) -> String {
    let mut text = table::render(
        &UPLOAD_HEADER,
        &upload_rows(std::slice::from_ref(&timeline.upload)),
    );
    let rows: Vec<Vec<String>> = timeline
        .events
        .iter()
        .map(|event| {
            vec![
                table::time(Some(event.at)),
                event.kind.clone(),
                event.request_id.clone().unwrap_or_else(|| "-".to_owned()),
                event.details.to_string(),
            ]
        })
        .collect();
    text.push_str("\nevents:\n");
    text.push_str(&table::render(
        &["AT", "KIND", "REQUEST ID", "DETAILS"],
        &rows,
    ));
    if let Some(validation) = &timeline.validation {
        text.push('\n');
        text.push_str(&crate::commands::service_check::describe(validation, ""));
    }
    text
}
