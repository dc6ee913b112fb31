//! `sealpost accept-invite`: join an account with the token an admin sent, and choose a
//! password.
//!
//! The token and the password are secrets, so they come from a prompt without echo or
//! from standard input, never from the command line, where other local users could read
//! them in the process list.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::PathBuf;
use std::process::ExitCode;

use sealpost_api::Member;
use sealpost_client::api::members;
use sealpost_client::{ClientError, ServerConfig};
use serde::Serialize;
use zeroize::Zeroizing;

use super::{Format, block_on, finish, report};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The service's https:// URL, as in the admin's message.
    #[arg(long, env = "SEALPOST_SERVER", value_name = "URL")]
    server: String,

    /// A PEM file of CA certificates to trust besides the system's, for a service with a
    /// private CA.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,

    /// Your name as other members of the account see it.
    #[arg(long)]
    name: String,

    /// Read the invitation token from the first line of standard input and the new
    /// password from the second, instead of prompting.
    #[arg(long)]
    secrets_stdin: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The new member as printed, with the command that signs them in.
#[derive(Debug, Serialize)]
struct Accepted {
    #[serde(flatten)]
    member: Member,
    server: String,
    /// The CA file given to `accept-invite`, which the sign-in needs too.
    #[serde(skip_serializing_if = "Option::is_none")]
    ca_file: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.format;
    match run_accept(args) {
        // The service's explanation ("unknown, used or expired; ask for a new one") is
        // the whole message here, without the generic advice to check an id.
        Err(ClientError::NotFound { detail }) if format == Format::Table => {
            tracing::warn!(code = "http.not_found", "accepting the invitation failed");
            eprintln!("error: {detail}");
            ExitCode::from(1)
        }
        Err(error) => report(format, &error),
        ok => finish(format, ok, |accepted| {
            let ca_file = accepted
                .ca_file
                .as_ref()
                .map(|path| format!(" --ca-file {}", shell_word(&path.to_string_lossy())))
                .unwrap_or_default();
            format!(
                "Welcome, {}: you are now a {} member with the email {}.\n\
                 Sign in with: sealpost login --server {}{ca_file} --email {}\n",
                accepted.member.name,
                accepted.member.role,
                accepted.member.email,
                accepted.server,
                accepted.member.email,
            )
        }),
    }
}

fn run_accept(args: Args) -> Result<Accepted, ClientError> {
    let ca_file = super::session::absolute_ca_file(args.ca_file.as_ref())?;
    let url = args.server.trim().trim_end_matches('/').to_owned();
    let server = ServerConfig::new(url).with_ca_file(ca_file);
    // Check the URL before prompting for anything.
    sealpost_client::connection::parse_base_url(&server.url)?;

    let (token, password) = if args.secrets_stdin {
        read_secrets_from_stdin()?
    } else {
        prompt_secrets()?
    };
    let member = block_on(members::accept_invitation(
        &server, &token, &args.name, &password,
    ))??;
    Ok(Accepted {
        member,
        server: server.url,
        ca_file: server.ca_file,
    })
}

type Secrets = (Zeroizing<String>, Zeroizing<String>);

fn read_secrets_from_stdin() -> Result<Secrets, ClientError> {
    let mut lines = std::io::stdin().lock().lines();
    let mut next = |what: &str| {
        let line = lines
            .next()
            .and_then(Result::ok)
            .map(|line| Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned()))
            .filter(|line| !line.is_empty());
        line.ok_or_else(|| ClientError::InvalidInput {
            message: format!(
                "--secrets-stdin expects the invitation token on the first line of standard \
                 input and the new password on the second; the {what} is missing"
            ),
        })
    };
    let token = next("invitation token")?;
    let password = next("password")?;
    Ok((token, password))
}

fn prompt_secrets() -> Result<Secrets, ClientError> {
    if !std::io::stdin().is_terminal() {
        return Err(ClientError::InvalidInput {
            message: "no terminal to prompt for the invitation token and password; pass \
                      --secrets-stdin and write them on two lines of standard input"
                .to_owned(),
        });
    }
    let token = prompt("Invitation token: ")?;
    let password = prompt("New password (at least 12 characters): ")?;
    let repeated = prompt("Repeat the password: ")?;
    if *password != *repeated {
        return Err(ClientError::InvalidInput {
            message: "the two passwords differ; run accept-invite again".to_owned(),
        });
    }
    Ok((token, password))
}

fn prompt(text: &str) -> Result<Zeroizing<String>, ClientError> {
    rpassword::prompt_password(text)
        .map(Zeroizing::new)
        .map_err(|error| ClientError::InvalidInput {
            message: format!(
                "cannot read from the terminal ({error}); use --secrets-stdin when no \
                 terminal is available"
            ),
        })
}

/// Quotes `text` for a POSIX shell when it needs quoting, so the printed command can be
/// pasted as it is. Paths cannot contain NUL, the one character `shlex` cannot quote.
fn shell_word(text: &str) -> String {
    shlex::try_quote(text).map_or_else(|_| text.to_owned(), |quoted| quoted.into_owned())
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn shell_word_quotes_when_needed() {
        let cases = [
            ("/home/ann/ca.pem", "/home/ann/ca.pem"),
            ("/home/ann/my ca.pem", "'/home/ann/my ca.pem'"),
        ];
        for (text, expected) in cases {
            assert_eq!(shell_word(text), expected, "{text}");
        }
        // A quote inside must survive a round trip through the shell's rules.
        let quoted = shell_word("/tmp/ann's.pem");
        assert_eq!(
            shlex::split(&quoted),
            Some(vec!["/tmp/ann's.pem".to_owned()])
        );
    }
}
