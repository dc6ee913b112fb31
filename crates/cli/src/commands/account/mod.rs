//! The account commands: they talk to the service with the client library.
//!
//! Every command takes the same [`Target`] options, prints a table or `--format json`,
//! and exits with 0 on success, 1 when the service or the local set-up reports an error
//! (the message says what to do), and 2 for an invalid command line.

pub(crate) mod audit;
pub(crate) mod campaigns;
pub(crate) mod diagnostics;
pub(crate) mod history;
pub(crate) mod invitation;
pub(crate) mod members;
pub(crate) mod session;
mod table;
pub(crate) mod target;
pub(crate) mod tokens;
pub(crate) mod upload_key;

use std::future::Future;
use std::process::ExitCode;

use sealpost_client::ClientError;
use serde::Serialize;

use super::output;

/// Output format of the account commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// JSON for scripts: the service's objects, or `{"code", "message"}` on error.
    Json,
}

/// Runs `future` on a single-threaded Tokio runtime.
pub(crate) fn block_on<T>(future: impl Future<Output = T>) -> Result<T, ClientError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| ClientError::InvalidInput {
            message: format!("cannot start the async runtime: {error}"),
        })?;
    Ok(runtime.block_on(future))
}

/// Prints a command's result: `value` as JSON, or the table text from `table`.
pub(crate) fn finish<T: Serialize>(
    format: Format,
    result: Result<T, ClientError>,
    table: impl FnOnce(&T) -> String,
) -> ExitCode {
    match result {
        Ok(value) => match format {
            Format::Json => match serde_json::to_string_pretty(&value) {
                Ok(text) => output::print(&format!("{text}\n"), ExitCode::SUCCESS),
                Err(error) => report(
                    format,
                    &ClientError::UnexpectedResponse {
                        reason: error.to_string(),
                    },
                ),
            },
            Format::Table => output::print(&table(&value), ExitCode::SUCCESS),
        },
        Err(error) => report(format, &error),
    }
}

/// Prints an error on standard error (as `{"code", "message"}` with JSON) and returns 1.
pub(crate) fn report(format: Format, error: &ClientError) -> ExitCode {
    tracing::warn!(code = error.code(), "command failed: {error}");
    match format {
        Format::Json => {
            let text = serde_json::to_string(error)
                .unwrap_or_else(|_| format!("{{\"code\":\"{}\",\"message\":\"\"}}", error.code()));
            eprintln!("{text}");
        }
        Format::Table => eprintln!("error: {error}"),
    }
    ExitCode::from(1)
}
