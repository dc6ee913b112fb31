//! `sealpost tokens`: list, create, rotate and revoke API tokens.

use std::process::ExitCode;

use sealpost_api::{ApiTokenCreated, ApiTokenInfo, ApiTokenList, Permission};
use sealpost_client::api::parse_id;
use sealpost_client::api::tokens;
use serde::Serialize;

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
    /// List your API tokens (the default).
    List {
        /// List every token in the account (needs tokens:manage).
        #[arg(long)]
        all: bool,
    },
    /// Create an API token; prints it once.
    Create {
        /// A label to recognise the token by, such as "nightly export".
        #[arg(long)]
        name: String,
        /// A permission the token carries, such as uploads:read_own; repeat for more.
        #[arg(long = "scope", value_name = "PERMISSION", required = true, value_parser = parse_permission)]
        scopes: Vec<Permission>,
        /// Days until the token expires, 1 to 3650 [default: no fixed expiry].
        #[arg(long, value_name = "DAYS")]
        expires_in_days: Option<u32>,
    },
    /// Replace a token; prints the new one once. The old one works for the grace period.
    Rotate {
        /// The token id.
        id: String,
        /// Seconds the old token keeps working, at most 604800 [default: the service's].
        #[arg(long, value_name = "SECONDS")]
        grace_period: Option<u32>,
    },
    /// Revoke a token at once.
    Revoke {
        /// The token id.
        id: String,
    },
}

fn parse_permission(text: &str) -> Result<Permission, String> {
    text.parse::<Permission>().map_err(|_| {
        let known: Vec<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        format!(
            "unknown permission {text:?}; expected one of {}",
            known.join(", ")
        )
    })
}

/// A new token as printed: the token text is shown because this is the only chance.
#[derive(Debug, Serialize)]
struct NewToken {
    token: String,
    info: ApiTokenInfo,
}

impl From<ApiTokenCreated> for NewToken {
    fn from(created: ApiTokenCreated) -> Self {
        NewToken {
            token: created.token,
            info: created.info,
        }
    }
}

fn new_token_text(created: &NewToken) -> String {
    format!(
        "Created token {} ({}). Copy it now; it is not shown again:\n{}\n",
        created.info.id, created.info.name, created.token
    )
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.target.format;
    let target = args.target;
    match args.command.unwrap_or(Command::List { all: false }) {
        Command::List { all } => {
            let result = target
                .connect()
                .and_then(|connection| block_on(tokens::list(&connection, all))?);
            finish(format, result, list_text)
        }
        Command::Create {
            name,
            scopes,
            expires_in_days,
        } => {
            let result = target.connect().and_then(|connection| {
                block_on(tokens::create(&connection, &name, scopes, expires_in_days))?
                    .map(NewToken::from)
            });
            finish(format, result, new_token_text)
        }
        Command::Rotate { id, grace_period } => {
            let result = parse_id(&id, "token").and_then(|id| {
                let connection = target.connect()?;
                block_on(tokens::rotate(&connection, id, grace_period))?.map(NewToken::from)
            });
            finish(format, result, new_token_text)
        }
        Command::Revoke { id } => {
            let result = parse_id(&id, "token").and_then(|id| {
                let connection = target.connect()?;
                block_on(tokens::revoke(&connection, id))??;
                Ok(serde_json::json!({ "revoked": id }))
            });
            finish(format, result, |_| format!("Revoked token {id}.\n"))
        }
    }
}

fn list_text(list: &ApiTokenList) -> String {
    let rows: Vec<Vec<String>> = list
        .tokens
        .iter()
        .map(|token| {
            let scopes: Vec<&str> = token.permissions.iter().map(|p| p.as_str()).collect();
            let status = if token.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            };
            vec![
                token.id.to_string(),
                status.to_owned(),
                table::time(token.expires_at),
                table::time(token.last_used_at),
                scopes.join(","),
                token.name.clone(),
            ]
        })
        .collect();
    table::render(
        &["ID", "STATUS", "EXPIRES", "LAST USED", "SCOPES", "NAME"],
        &rows,
    )
}
