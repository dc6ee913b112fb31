//! `sealpost diagnostics`: write a zip for support, without secrets or list contents.

use std::path::PathBuf;
use std::process::ExitCode;

use sealpost_client::diagnostics::{BundleSummary, write_bundle};
use sealpost_client::{ClientError, profile};

use super::target::Target;
use super::{block_on, finish};
use crate::logging;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    target: Target,

    /// Output path of the zip.
    #[arg(
        long,
        short,
        value_name = "FILE",
        default_value = "sealpost-diagnostics.zip"
    )]
    output: PathBuf,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.target.format;
    let output = args.output.clone();
    let result = collect(&args);
    finish(format, result, |summary| {
        let mut text = format!(
            "Wrote {} with: {}.\n",
            output.display(),
            summary.files.join(", ")
        );
        for problem in &summary.problems {
            text.push_str(&format!("Not included: {problem}\n"));
        }
        text
    })
}

fn collect(args: &Args) -> Result<BundleSummary, ClientError> {
    let dir = profile::config_dir()?;
    let profile = profile::load(&dir, args.target.server.as_deref())?;
    // A bundle is most needed when signing in fails, so it is written without a
    // connection too; the reason goes into the bundle.
    let connection = args.target.connect();
    let log_text = logging::read_log().unwrap_or_default();
    let mut summary = block_on(write_bundle(
        &args.output,
        profile.as_ref(),
        connection.as_ref().ok(),
        &log_text,
    ))??;
    if let Err(error) = connection {
        summary.problems.push(format!("service data: {error}"));
    }
    Ok(summary)
}
