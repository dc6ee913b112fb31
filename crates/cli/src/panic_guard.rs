//! Keeps panic text and backtraces away from users.
//!
//! The list reader catches panics of the spreadsheet parser (calamine 0.38 panics on some
//! malformed XLSB and XLS files) and turns them into a read error. By then the default
//! panic hook has already printed the panic message, its source location and, with
//! `RUST_BACKTRACE` set, a backtrace to standard error. The hook installed here prints
//! nothing, so a caught panic leaves only the reader's plain error, and [`run`] turns a
//! panic that nothing caught into one plain line.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

/// Exit status after an internal error. It is the same as for a list that cannot be read,
/// because in both cases no report was produced.
const INTERNAL_ERROR_STATUS: u8 = 2;

/// Replaces the default panic hook with one that prints nothing.
///
/// The panic message is not printed even for a bug, because it may quote cell contents.
pub(crate) fn install() {
    panic::set_hook(Box::new(|_| {}));
}

/// Runs a command and, if it panics, prints one plain line on standard error and returns
/// exit status 2.
pub(crate) fn run(command: impl FnOnce() -> ExitCode) -> ExitCode {
    // Unwind safety: after a panic the command's state is dropped, never read again.
    panic::catch_unwind(AssertUnwindSafe(command)).unwrap_or_else(|_| {
        eprintln!(
            "error: sealpost stopped on an internal error, so no result was produced; \
             please report it with the command you ran (but not the list)"
        );
        ExitCode::from(INTERNAL_ERROR_STATUS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // These tests keep the default hook, so that other tests in this process still print
    // their failures.

    #[test]
    fn run_passes_status_through() {
        let status = run(|| ExitCode::from(1));
        assert_eq!(format!("{status:?}"), format!("{:?}", ExitCode::from(1)));
    }

    #[test]
    fn run_turns_panic_into_status_two() {
        let status = run(|| panic!("parser bug"));
        assert_eq!(format!("{status:?}"), format!("{:?}", ExitCode::from(2)));
    }
}
