//! `sealpost audit`: read the audit log and check its hash chain.

use std::process::ExitCode;

use sealpost_api::AuditPage;
use sealpost_client::api::audit::{self, AuditFilter, ChainReport};

use super::history::parse_time;
use super::target::Target;
use super::{block_on, finish, table};

/// Pages of 200 entries that `audit verify` reads at most.
const VERIFY_MAX_PAGES: usize = 500;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    target: Target,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List audit entries, newest first (the default).
    List {
        /// Only this action, such as session.created.
        #[arg(long)]
        action: Option<String>,
        /// Only this actor, such as member:ID.
        #[arg(long)]
        actor: Option<String>,
        /// Only entries at or after this RFC 3339 time.
        #[arg(long)]
        since: Option<String>,
        /// Only entries older than this sequence number (the next_before of a page).
        #[arg(long)]
        before: Option<i64>,
        /// Entries per page, 1 to 200.
        #[arg(long)]
        limit: Option<u16>,
    },
    /// Check the hash chain of every entry visible to your account, on this computer.
    Verify,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.target.format;
    let target = args.target;
    let command = args.command.unwrap_or(Command::List {
        action: None,
        actor: None,
        since: None,
        before: None,
        limit: None,
    });
    match command {
        Command::List {
            action,
            actor,
            since,
            before,
            limit,
        } => {
            let result = since
                .as_deref()
                .map(|text| parse_time(text, "--since"))
                .transpose()
                .and_then(|since| {
                    let filter = AuditFilter {
                        action,
                        actor,
                        since,
                        before,
                        limit,
                    };
                    let connection = target.connect()?;
                    block_on(audit::list(&connection, &filter))?
                });
            finish(format, result, page_text)
        }
        Command::Verify => {
            let result = target.connect().and_then(|connection| {
                let (entries, complete) =
                    block_on(audit::fetch_all(&connection, VERIFY_MAX_PAGES))??;
                Ok(audit::verify(&entries, complete))
            });
            let status_of = |report: &ChainReport| report.failures.is_empty();
            let failed = result.as_ref().is_ok_and(|report| !status_of(report));
            let status = finish(format, result, report_text);
            if failed { ExitCode::from(1) } else { status }
        }
    }
}

fn page_text(page: &AuditPage) -> String {
    let rows: Vec<Vec<String>> = page
        .entries
        .iter()
        .map(|entry| {
            vec![
                entry.seq.to_string(),
                table::time(Some(entry.at)),
                entry.action.clone(),
                entry.outcome.clone(),
                entry.actor.clone(),
                entry.target.clone().unwrap_or_else(|| "-".to_owned()),
            ]
        })
        .collect();
    let mut text = table::render(
        &["SEQ", "AT", "ACTION", "OUTCOME", "ACTOR", "TARGET"],
        &rows,
    );
    if let Some(before) = page.next_before {
        text.push_str(&format!("More: --before {before}\n"));
    }
    text
}

fn report_text(report: &ChainReport) -> String {
    let mut text = format!(
        "Checked on this computer, because the service has no verification endpoint.\n\
         entries: {} (hashes recomputed)\nlinks checked: {}\n\
         gaps (entries of other accounts in between, not checkable here): {}\n",
        report.entries_checked, report.links_checked, report.gaps
    );
    if !report.complete {
        text.push_str("NOTE: stopped at the page limit; older entries were not checked.\n");
    }
    if report.failures.is_empty() {
        text.push_str("result: intact\n");
    } else {
        text.push_str(&format!(
            "result: {} entries FAILED\n",
            report.failures.len()
        ));
        for failure in &report.failures {
            text.push_str(&format!("  seq {}: {}\n", failure.seq, failure.reason));
        }
    }
    text
}
