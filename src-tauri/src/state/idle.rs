//! The time of the member's last activity, for the idle sign-out.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The instant of the last command the member caused.
#[derive(Debug)]
pub struct IdleClock {
    last_activity: Mutex<Instant>,
}

impl Default for IdleClock {
    fn default() -> Self {
        Self {
            last_activity: Mutex::new(Instant::now()),
        }
    }
}

impl IdleClock {
    /// Records activity now.
    pub fn touch(&self) {
        *self.last_activity.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    /// Returns the time since the last activity.
    pub fn idle_for(&self) -> Duration {
        self.last_activity
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .elapsed()
    }
}
