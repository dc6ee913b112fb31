//! `sealpost`: the command-line client for scripting and support work.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod logging;
mod panic_guard;

#[derive(Debug, Parser)]
#[command(
    name = "sealpost",
    version,
    about = "Validate, seal and upload mailing lists"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Exit statuses of `sealpost validate`, as docs/validation.md lists them.
const VALIDATE_EXIT_STATUS: &str = "Exit status: 0 when no row has an error (warnings \
    allowed), 1 when at least one row has an error, 2 when the list cannot be read or the \
    command line is invalid (the reason is on standard error).";

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a mailing list row by row and report every problem found.
    #[command(after_help = VALIDATE_EXIT_STATUS)]
    Validate(commands::validate::Args),
    /// Print decoded, mapped rows of a mailing list.
    Preview(commands::preview::Args),
    /// Make keys for, seal, open and inspect encrypted upload envelopes.
    Envelope(commands::envelope::Args),
    /// Check a list, seal it and upload it to a campaign, resumably.
    Upload(commands::upload::Args),
    /// Sign in to a Sealpost service and store the session token.
    Login(commands::account::session::LoginArgs),
    /// Accept an invitation from an admin: choose a password and join the account.
    AcceptInvite(commands::account::invitation::Args),
    /// Sign out: end the session on the service and delete the stored token.
    Logout(commands::account::session::LogoutArgs),
    /// Show who the current credential belongs to and what it may do.
    Whoami(commands::account::session::WhoamiArgs),
    /// List, create and show campaigns, and change their status.
    Campaigns(commands::account::campaigns::Args),
    /// List uploads and show an upload or its timeline.
    Uploads(commands::account::history::Args),
    /// List, invite, change the role of, deactivate and reactivate members (admins).
    Members(commands::account::members::Args),
    /// List, create, rotate and revoke API tokens.
    Tokens(commands::account::tokens::Args),
    /// Read the audit log and check its hash chain (admins).
    Audit(commands::account::audit::Args),
    /// Show the account's upload key; rotate and retire keys (admins).
    UploadKey(commands::account::upload_key::Args),
    /// Write a zip for support: versions, settings and logs without secrets, and the
    /// timelines of recent failed uploads.
    Diagnostics(commands::account::diagnostics::Args),
}

fn main() -> ExitCode {
    panic_guard::install();
    let cli = Cli::parse();
    logging::install();
    panic_guard::run(|| match cli.command {
        Command::Validate(args) => commands::validate::run(args),
        Command::Preview(args) => commands::preview::run(args),
        Command::Envelope(args) => commands::envelope::run(args),
        Command::Upload(args) => commands::upload::run(args),
        Command::Login(args) => commands::account::session::login(args),
        Command::AcceptInvite(args) => commands::account::invitation::run(args),
        Command::Logout(args) => commands::account::session::logout(args),
        Command::Whoami(args) => commands::account::session::whoami(args),
        Command::Campaigns(args) => commands::account::campaigns::run(args),
        Command::Uploads(args) => commands::account::history::run(args),
        Command::Members(args) => commands::account::members::run(args),
        Command::Tokens(args) => commands::account::tokens::run(args),
        Command::Audit(args) => commands::account::audit::run(args),
        Command::UploadKey(args) => commands::account::upload_key::run(args),
        Command::Diagnostics(args) => commands::account::diagnostics::run(args),
    })
}
