//! `sealpost upload-key`: show, rotate and retire the account's upload key.

use std::process::ExitCode;

use sealpost_api::UploadKey;
use sealpost_client::api::upload_key;

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
    /// Show the current upload public key (the default).
    Show,
    /// Replace the key pair (admins); uploads sealed to older keys still open.
    Rotate,
    /// Retire an older key (admins): uploads sealed to it are rejected from then on.
    Retire {
        /// The key id: 64 lowercase hex digits.
        key_id: String,
    },
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.target.format;
    let target = args.target;
    let result =
        target
            .connect()
            .and_then(|connection| match args.command.unwrap_or(Command::Show) {
                Command::Show => block_on(upload_key::current(&connection))?,
                Command::Rotate => block_on(upload_key::rotate(&connection))?,
                Command::Retire { key_id } => block_on(upload_key::retire(&connection, &key_id))?,
            });
    finish(format, result, key_text)
}

fn key_text(key: &UploadKey) -> String {
    let mut text = format!(
        "key id: {}\ngeneration: {}\ncreated: {}\npublic key: {}\n",
        key.key_id,
        key.generation,
        table::time(Some(key.created_at)),
        key.public_key
    );
    if key.retired_at.is_some() {
        text.push_str(&format!("retired: {}\n", table::time(key.retired_at)));
    }
    text
}
