//! `sealpost campaigns`: list, create and show campaigns.

use std::process::ExitCode;

use sealpost_api::{Campaign, CampaignDetail, CampaignPage};
use sealpost_client::api::campaigns::{self, CampaignFilter};
use sealpost_client::api::parse_id;

use super::target::Target;
use super::{block_on, finish, table};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    target: Target,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List campaigns, newest first (the default).
    List {
        /// Only campaigns in this status: draft, ready, submitted or archived.
        #[arg(long)]
        status: Option<String>,
        /// The next_cursor printed by the previous page.
        #[arg(long)]
        cursor: Option<String>,
        /// Campaigns per page, 1 to 200.
        #[arg(long)]
        limit: Option<u16>,
    },
    /// Create a draft campaign.
    Create {
        /// The campaign name, 1 to 200 characters.
        name: String,
    },
    /// Show a campaign with its uploads.
    Show {
        /// The campaign id.
        id: String,
    },
    /// Change a campaign's status: draft and ready move to each other, submitted
    /// follows ready, and any campaign may be archived (for good).
    SetStatus {
        /// The campaign id.
        id: String,
        /// The new status: draft, ready, submitted or archived.
        status: String,
    },
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.target.format;
    let command = args.command.unwrap_or(Command::List {
        status: None,
        cursor: None,
        limit: None,
    });
    match command {
        Command::List {
            status,
            cursor,
            limit,
        } => {
            let filter = CampaignFilter {
                status,
                cursor,
                limit,
            };
            let result = args
                .target
                .connect()
                .and_then(|connection| block_on(campaigns::list(&connection, &filter))?);
            finish(format, result, page_text)
        }
        Command::Create { name } => {
            let result = args
                .target
                .connect()
                .and_then(|connection| block_on(campaigns::create(&connection, &name))?);
            finish(format, result, |campaign| {
                format!("Created campaign {} ({}).\n", campaign.id, campaign.name)
            })
        }
        Command::Show { id } => {
            let result = parse_id(&id, "campaign").and_then(|id| {
                let connection = args.target.connect()?;
                block_on(campaigns::show(&connection, id))?
            });
            finish(format, result, show_text)
        }
        Command::SetStatus { id, status } => {
            let result = parse_id(&id, "campaign").and_then(|id| {
                let connection = args.target.connect()?;
                block_on(campaigns::set_status(&connection, id, &status))?
            });
            finish(format, result, |campaign| {
                format!("Campaign {} is now {}.\n", campaign.id, campaign.status)
            })
        }
    }
}

fn rows(campaigns: &[Campaign]) -> Vec<Vec<String>> {
    campaigns
        .iter()
        .map(|campaign| {
            vec![
                campaign.id.to_string(),
                campaign.status.clone(),
                table::time(Some(campaign.created_at)),
                campaign.name.clone(),
            ]
        })
        .collect()
}

fn page_text(page: &CampaignPage) -> String {
    let mut text = table::render(&["ID", "STATUS", "CREATED", "NAME"], &rows(&page.campaigns));
    if let Some(cursor) = &page.next_cursor {
        text.push_str(&format!("More: --cursor {cursor}\n"));
    }
    text
}

fn show_text(detail: &CampaignDetail) -> String {
    let campaign = &detail.campaign;
    let mut text = format!(
        "id: {}\nname: {}\nstatus: {}\nowner: {}\ncreated: {}\n\nuploads:\n",
        campaign.id,
        campaign.name,
        campaign.status,
        campaign.owner_id,
        table::time(Some(campaign.created_at)),
    );
    text.push_str(&table::render(
        &super::history::UPLOAD_HEADER,
        &super::history::upload_rows(&detail.uploads),
    ));
    if detail.more_uploads {
        text.push_str(&format!(
            "More uploads: sealpost uploads list --campaign {}\n",
            campaign.id
        ));
    }
    text
}
