//! `sealpost`: the command-line client for scripting and support work.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
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
}

fn main() -> ExitCode {
    panic_guard::install();
    let cli = Cli::parse();
    panic_guard::run(|| match cli.command {
        Command::Validate(args) => commands::validate::run(args),
        Command::Preview(args) => commands::preview::run(args),
        Command::Envelope(args) => commands::envelope::run(args),
    })
}
