//! `sealpost upload`: validate a list, seal it and send it to the service resumably.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sealpost_client::profile;
use sealpost_client::upload::{
    self, CancellationToken, EventSink, ListOptions, ResumeMode, UploadError, UploadEvent,
    UploadNotice, UploadOutcome, UploadRequest,
};
use sealpost_client::{FinalState, Phase, ProgressEvent};
use tokio::sync::mpsc;
use zeroize::Zeroizing;

use super::account::Format;
use super::account::target::{PASSPHRASE_ENV, Target};

/// The name of the passphrase-encrypted resume key file.
const RESUME_KEY_FILE: &str = "resume-key.json";

/// Exit statuses, as the help text lists them.
const UPLOAD_EXIT_STATUS: &str = "Exit status: 0 when the service accepted the list or is \
    still processing it, 1 when the list was not accepted (errors found locally, or the \
    service rejected or quarantined it), 2 when the upload failed (the message says \
    whether running the command again resumes it), 130 when interrupted with Ctrl-C (run \
    the same command again to resume).";

#[derive(Debug, clap::Args)]
#[command(after_help = UPLOAD_EXIT_STATUS)]
pub(crate) struct Args {
    /// The list: CSV or other delimited text, XLSX, XLSM, XLS, XLSB or ODS.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The campaign's name or id; a name that no campaign has creates a draft campaign.
    #[arg(long, value_name = "NAME")]
    campaign: String,

    /// JSON file mapping headings to fields, such as {"Post Code": "postcode"}; headings
    /// it leaves out are mapped automatically.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,

    /// Sheet to read from a workbook: its name, or its position counting from 0.
    #[arg(long, value_name = "NAME|INDEX")]
    sheet: Option<String>,

    /// Issue codes whose errors do not stop the upload, comma-separated, such as
    /// missing_required,invalid_postcode (the codes `sealpost validate` prints).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    allow_errors: Vec<String>,

    /// Continue the interrupted upload of FILE and fail when there is none. Without this
    /// option an interrupted upload of the same file, server and campaign continues too.
    #[arg(long, conflicts_with = "restart")]
    resume: bool,

    /// Discard an interrupted upload of FILE (terminating it on the service) and start
    /// over, for example after the file was changed.
    #[arg(long)]
    restart: bool,

    /// Seconds to follow the service's virus scan and validation after the last byte.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    wait: u64,

    /// Sealed bytes sent per PATCH request.
    #[arg(long, value_name = "BYTES", default_value_t = upload::DEFAULT_PATCH_SIZE,
        value_parser = parse_patch_size)]
    patch_size: usize,

    #[command(flatten)]
    target: Target,
}

fn parse_patch_size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(size) if (1024..=64 * 1024 * 1024).contains(&size) => Ok(size),
        _ => Err(format!(
            "expected a number of bytes from 1024 to 67108864 (64 MiB), got {text:?}"
        )),
    }
}

pub(crate) fn run(args: Args) -> ExitCode {
    let format = args.target.format;
    let request = match build_request(&args) {
        Ok(request) => request,
        Err(message) => {
            report_error(format, "upload.invalid_request", &message, false);
            return ExitCode::from(2);
        }
    };
    // A wrong path is the commonest mistake, so report it before signing in or asking
    // for a passphrase.
    if let Err(error) = check_file(&args.file) {
        report_error(format, error.code(), &error.to_string(), false);
        return ExitCode::from(2);
    }
    let connection = match args.target.connect() {
        Ok(connection) => connection,
        Err(error) => {
            report_error(format, error.code(), &error.to_string(), false);
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let message = format!("cannot start the async runtime: {error}");
            report_error(format, "upload.invalid_request", &message, false);
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        let cancel = CancellationToken::new();
        let interrupt = cancel.clone();
        tokio::spawn(async move {
            // The first Ctrl-C stops the upload cleanly; a second one exits at once,
            // which still leaves the upload resumable.
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupt.cancel();
            }
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        });
        let (sender, receiver) = mpsc::unbounded_channel();
        let display = tokio::spawn(show_events(receiver, format));
        let result = upload::run(&connection, &request, &EventSink::new(sender), &cancel).await;
        // The sink was a temporary of the call above and is dropped by now, so the
        // display task ends once it has shown every event.
        let _ = display.await;
        result
    });
    match result {
        Ok(outcome) => finish(format, &outcome),
        Err(error) => {
            report_error(
                format,
                error.code(),
                &error.to_string(),
                error.is_resumable(),
            );
            exit_status_of(&error)
        }
    }
}

fn build_request(args: &Args) -> Result<UploadRequest, String> {
    let mut allow_errors = Vec::new();
    for text in args
        .allow_errors
        .iter()
        .filter(|text| !text.trim().is_empty())
    {
        match upload::parse_issue_code(text) {
            Some(code) => allow_errors.push(code),
            None => return Err(UploadError::UnknownIssueCode(text.clone()).to_string()),
        }
    }
    let state_dir = upload::default_state_dir().ok_or_else(|| {
        "cannot find your data directory to keep the upload's resume state; set HOME".to_owned()
    })?;
    // Without a keyring the resume key goes to a passphrase-encrypted file when
    // SEALPOST_PASSPHRASE gives a passphrase, as session tokens do.
    let fallback = match std::env::var(PASSPHRASE_ENV) {
        Ok(passphrase) => Some((resume_key_file(&state_dir)?, Zeroizing::new(passphrase))),
        Err(_) => None,
    };
    let resume_keys = Arc::from(upload::default_store(fallback));
    let mut request = UploadRequest::new(&args.file, &args.campaign, state_dir, resume_keys);
    request.list = ListOptions {
        sheet: args.sheet.clone(),
        mapping: args.mapping.clone(),
        ..ListOptions::default()
    };
    request.allow_errors = allow_errors;
    request.resume = match (args.resume, args.restart) {
        (true, _) => ResumeMode::Require,
        (false, true) => ResumeMode::Restart,
        (false, false) => ResumeMode::Auto,
    };
    request.max_wait = Duration::from_secs(args.wait);
    request.patch_size = args.patch_size;
    Ok(request)
}

/// Checks that `file` is a file this user can open for reading.
fn check_file(file: &Path) -> Result<(), UploadError> {
    let unreadable = |source| UploadError::SourceUnreadable {
        path: file.to_owned(),
        source,
    };
    let metadata = std::fs::metadata(file).map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(unreadable(std::io::ErrorKind::IsADirectory.into()));
    }
    std::fs::File::open(file).map(drop).map_err(unreadable)
}

/// Returns the resume key file in the config directory, next to the token files, so
/// that SEALPOST_CONFIG_DIR keeps every secret of one profile together. A key file that
/// an earlier version left in the state directory moves there, so its saved uploads
/// still resume.
fn resume_key_file(state_dir: &Path) -> Result<PathBuf, String> {
    let dir = profile::config_dir().map_err(|error| error.to_string())?;
    let path = dir.join(RESUME_KEY_FILE);
    let legacy = state_dir.join(RESUME_KEY_FILE);
    if !path.exists() && legacy.exists() {
        let moved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::rename(&legacy, &path));
        if let Err(error) = moved {
            // Not fatal: a new key file is created, and only the legacy key's saved
            // uploads start over.
            tracing::warn!(%error, from = %legacy.display(), to = %path.display(), "could not move the resume key file");
        }
    }
    Ok(path)
}

fn exit_status_of(error: &UploadError) -> ExitCode {
    match error {
        UploadError::ListHasErrors { .. } => ExitCode::from(1),
        UploadError::Cancelled { .. } => ExitCode::from(130),
        _ => ExitCode::from(2),
    }
}

fn report_error(format: Format, code: &str, message: &str, resumable: bool) {
    match format {
        Format::Json => {
            let error = serde_json::json!({
                "error": { "code": code, "message": message, "resumable": resumable }
            });
            println!("{error}");
        }
        Format::Table => eprintln!("error: {message}"),
    }
}

/// Prints the outcome and returns the exit status.
fn finish(format: Format, outcome: &UploadOutcome) -> ExitCode {
    let status = match outcome.final_state {
        Some(FinalState::Rejected | FinalState::Quarantined) => ExitCode::from(1),
        Some(FinalState::Failed | FinalState::Terminated | FinalState::Expired) => {
            ExitCode::from(2)
        }
        _ => ExitCode::SUCCESS,
    };
    match format {
        Format::Json => {
            println!("{}", serde_json::json!({ "outcome": outcome }));
        }
        Format::Table => print!("{}", describe_outcome(outcome)),
    }
    status
}

fn describe_outcome(outcome: &UploadOutcome) -> String {
    let rows = outcome.local_validation.rows;
    let mut text = format!(
        "upload {}: {} sealed bytes sent{}\n  campaign: {}\n  checked here: {} rows, {} valid, {} invalid\n  service state: {}\n",
        outcome.upload_id,
        outcome.bytes_total,
        if outcome.resumed { " (resumed)" } else { "" },
        outcome.campaign_id,
        rows.total,
        rows.valid,
        rows.invalid,
        outcome.state,
    );
    if let Some(reason) = &outcome.reason {
        text.push_str(&format!("  reason: {reason}\n"));
    }
    if let Some(validation) = &outcome.service_validation {
        text.push_str(&super::service_check::describe(validation, "  "));
    }
    if outcome.final_state.is_none() {
        text.push_str(
            "  the service is still processing the upload; follow it with `sealpost uploads`\n",
        );
    }
    text
}

/// Shows events until the upload drops its sink: JSON lines on standard output with
/// `--format json`, else a progress bar on standard error when it is a terminal, and
/// notices as plain lines.
async fn show_events(mut events: mpsc::UnboundedReceiver<UploadEvent>, format: Format) {
    let mut display = Display::new(format);
    while let Some(event) = events.recv().await {
        display.show(&event);
    }
    display.bar.finish_and_clear();
}

struct Display {
    format: Format,
    bar: ProgressBar,
    phase: Option<Phase>,
}

impl Display {
    fn new(format: Format) -> Self {
        let visible = format == Format::Table && std::io::stderr().is_terminal();
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Self {
            format,
            bar: ProgressBar::with_draw_target(None, target),
            phase: None,
        }
    }

    fn show(&mut self, event: &UploadEvent) {
        if self.format == Format::Json {
            if let Ok(line) = serde_json::to_string(event) {
                println!("{line}");
            }
            return;
        }
        match event {
            UploadEvent::Progress(progress) => self.show_progress(progress),
            UploadEvent::Notice(notice) => {
                if let Some(line) = describe_notice(notice) {
                    self.bar.suspend(|| eprintln!("{line}"));
                }
            }
        }
    }

    fn show_progress(&mut self, progress: &ProgressEvent) {
        let phase = progress.phase();
        if self.phase != Some(phase) {
            self.phase = Some(phase);
            let template = match phase {
                Phase::SealingAndSending => {
                    "{spinner} {msg} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)"
                }
                _ => "{spinner} {msg}",
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                self.bar.set_style(style);
            }
            self.bar.enable_steady_tick(Duration::from_millis(200));
            self.bar.set_message(phase_label(phase));
        }
        match progress {
            ProgressEvent::SealingAndSending {
                bytes_acknowledged,
                bytes_total,
                ..
            } => {
                self.bar.set_length(*bytes_total);
                self.bar.set_position(*bytes_acknowledged);
            }
            ProgressEvent::WaitingForScan {
                reason: Some(reason),
                ..
            } => self
                .bar
                .set_message(format!("{}: {reason}", phase_label(phase))),
            ProgressEvent::Done { .. } => self.bar.finish_and_clear(),
            _ => {}
        }
    }
}

fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Validating => "checking the list",
        Phase::SealingAndSending => "sealing and sending",
        Phase::WaitingForScan => "waiting for the virus scan",
        Phase::ValidatingOnService => "the service is checking the list",
        Phase::Done => "done",
    }
}

fn describe_notice(notice: &UploadNotice) -> Option<String> {
    let line = match notice {
        UploadNotice::CampaignCreated { name, id } => {
            format!("created campaign {name:?} ({id})")
        }
        UploadNotice::UploadKeyChanged { previous, current } => format!(
            "warning: the service's upload key changed from {previous} to {current}; an admin \
             may have rotated it, but if you did not expect this, check the server address"
        ),
        UploadNotice::Resumed {
            upload_id,
            bytes_acknowledged,
            bytes_total,
        } => format!(
            "resuming upload {upload_id}: the service holds {bytes_acknowledged} of {bytes_total} bytes"
        ),
        UploadNotice::StartedOver {
            previous_upload_id,
            reason,
        } => match previous_upload_id {
            Some(id) => format!("starting over: upload {id} cannot continue because {reason}"),
            None => format!("starting over: {reason}"),
        },
        UploadNotice::ResumeKeyReplaced { path } => format!(
            "replaced the resume key file {}, which did not open with this passphrase; \
             other interrupted uploads saved under the old key need --restart too",
            path.display()
        ),
        UploadNotice::Retrying {
            attempt,
            delay,
            reason,
        } => format!(
            "retry {attempt} in {:.1} s after: {reason}",
            delay.as_secs_f64()
        ),
        _ => return None,
    };
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_size_values() {
        assert_eq!(parse_patch_size("1024"), Ok(1024));
        assert_eq!(parse_patch_size("8388608"), Ok(8 * 1024 * 1024));
        assert!(parse_patch_size("1023").is_err());
        assert!(parse_patch_size("67108865").is_err());
        assert!(parse_patch_size("lots").is_err());
    }
}
