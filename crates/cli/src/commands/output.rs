//! Writing a command's result to standard output.

use std::io::{self, Write as _};
use std::process::ExitCode;

/// Writes the whole output to standard output and returns `status`.
///
/// A reader that closes the pipe early, such as `sealpost preview FILE | head`, has taken
/// all it wants, so a broken pipe still returns `status`. Any other write error is reported
/// on standard error with exit status 2, because the output is incomplete.
pub(crate) fn print(output: &str, status: ExitCode) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => status,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => status,
        Err(error) => {
            eprintln!("error: cannot write to standard output: {error}");
            ExitCode::from(2)
        }
    }
}
