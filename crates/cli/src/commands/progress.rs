//! A progress bar on standard error for lists that take more than a moment.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sealpost_lists::{ListReader, ProgressUnit};

/// How long reading may run before the bar appears, so quick runs print nothing extra.
const SHOW_AFTER: Duration = Duration::from_millis(800);

/// Rows between checks of the clock and updates of the bar.
const ROWS_PER_UPDATE: u64 = 4096;

/// Progress bar on standard error. It appears once reading has run for [`SHOW_AFTER`],
/// and never when standard error is not a terminal.
#[derive(Debug)]
pub(crate) struct ListProgress {
    bar: ProgressBar,
    started: Instant,
    shown: bool,
    enabled: bool,
    rows: u64,
}

impl ListProgress {
    pub(crate) fn new() -> Self {
        Self {
            bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
            started: Instant::now(),
            shown: false,
            enabled: std::io::stderr().is_terminal(),
            rows: 0,
        }
    }

    /// Counts one row and, every few thousand rows, updates the bar from the reader.
    pub(crate) fn tick(&mut self, reader: &ListReader) {
        self.rows += 1;
        if !self.enabled || !self.rows.is_multiple_of(ROWS_PER_UPDATE) {
            return;
        }
        let progress = reader.progress();
        if !self.shown {
            if self.started.elapsed() < SHOW_AFTER {
                return;
            }
            let template = match progress.unit {
                ProgressUnit::Bytes => {
                    "{spinner} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)"
                }
                ProgressUnit::Rows => "{spinner} {wide_bar} {pos}/{len} rows ({eta} left)",
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                self.bar.set_style(style);
            }
        }
        self.bar.set_length(progress.total);
        self.bar.set_position(progress.done);
        if !self.shown {
            // Attach the terminal only now, so the first frame already shows progress.
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
    }

    /// Removes the bar, if it was shown.
    pub(crate) fn finish(&self) {
        if self.shown {
            self.bar.finish_and_clear();
        }
    }
}
