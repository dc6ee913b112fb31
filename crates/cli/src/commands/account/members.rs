//! `sealpost members`: list, invite, change roles, deactivate and reactivate.

use std::process::ExitCode;

use sealpost_api::{InvitationCreated, Member, MemberList, Role};
use sealpost_client::ClientError;
use sealpost_client::api::members;
use sealpost_client::api::parse_id;
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
    /// List the account's members (the default).
    List,
    /// Invite a person; prints a one-time invitation token to send them.
    Invite {
        /// The invitee's email address.
        email: String,
        /// The role the invitee gets: admin, marketer or support.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Change a member's role.
    SetRole {
        /// The member id.
        id: String,
        /// The new role: admin, marketer or support.
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Deactivate a member: they cannot sign in, and their sessions and tokens stop.
    Deactivate {
        /// The member id.
        id: String,
    },
    /// Reactivate a deactivated member; their old sessions and tokens stay revoked.
    Reactivate {
        /// The member id.
        id: String,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse::<Role>().map_err(|error| error.to_string())
}

/// An invitation as printed: the token is shown because the admin must pass it on.
#[derive(Debug, Serialize)]
struct Invitation {
    id: String,
    email: String,
    role: Role,
    token: String,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: time::OffsetDateTime,
}

impl From<InvitationCreated> for Invitation {
    fn from(created: InvitationCreated) -> Self {
        Invitation {
            id: created.id.to_string(),
            email: created.email,
            role: created.role,
            token: created.token,
            expires_at: created.expires_at,
        }
    }
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.target.format;
    let target = args.target;
    match args.command.unwrap_or(Command::List) {
        Command::List => {
            let result = target
                .connect()
                .and_then(|connection| block_on(members::list(&connection))?);
            finish(format, result, list_text)
        }
        Command::Invite { email, role } => {
            let result = target.connect().and_then(|connection| {
                block_on(members::invite(&connection, &email, role))?.map(Invitation::from)
            });
            finish(format, result, |invitation| {
                format!(
                    "Invited {} as {}. Send them this one-time invitation token (it is shown \
                     only now and expires at {}):\n{}\n",
                    invitation.email,
                    invitation.role,
                    table::time(Some(invitation.expires_at)),
                    invitation.token
                )
            })
        }
        Command::SetRole { id, role } => {
            let result = with_member(&target, &id, |connection, id| {
                block_on(members::set_role(connection, id, role))?
            });
            finish(format, result, |member| {
                format!("{} is now {}.\n", member.email, member.role)
            })
        }
        Command::Deactivate { id } => {
            let result = with_member(&target, &id, |connection, id| {
                block_on(members::deactivate(connection, id))?
            });
            finish(format, result, |member| {
                format!("Deactivated {}.\n", member.email)
            })
        }
        Command::Reactivate { id } => {
            let result = with_member(&target, &id, |connection, id| {
                block_on(members::reactivate(connection, id))?
            });
            finish(format, result, |member| {
                format!("Reactivated {}.\n", member.email)
            })
        }
    }
}

fn with_member(
    target: &Target,
    id: &str,
    call: impl FnOnce(&sealpost_client::Connection, uuid::Uuid) -> Result<Member, ClientError>,
) -> Result<Member, ClientError> {
    let id = parse_id(id, "member")?;
    let connection = target.connect()?;
    call(&connection, id)
}

fn list_text(list: &MemberList) -> String {
    let rows: Vec<Vec<String>> = list
        .members
        .iter()
        .map(|member| {
            vec![
                member.id.to_string(),
                member.role.to_string(),
                if member.active {
                    "active"
                } else {
                    "deactivated"
                }
                .to_owned(),
                if member.totp_enabled { "yes" } else { "no" }.to_owned(),
                member.email.clone(),
                member.name.clone(),
            ]
        })
        .collect();
    table::render(&["ID", "ROLE", "STATUS", "2FA", "EMAIL", "NAME"], &rows)
}
