//! When to try again after a failed request: exponential backoff with jitter, the
//! service's `Retry-After`, and a budget of attempts.

use std::time::Duration;

use rand_core::{OsRng, RngCore, UnwrapErr};

/// How retries are spaced and how many are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay before the first retry; each further retry doubles it.
    pub initial_delay: Duration,
    /// The largest delay backoff alone produces. A longer `Retry-After` from the service
    /// is still honoured, up to `max_retry_after`.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a longer one fails the upload, so a caller
    /// never waits hours without knowing.
    pub max_retry_after: Duration,
    /// Retries allowed in a row without progress. Any acknowledged byte resets the count.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            initial_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(600),
            max_attempts: 12,
        }
    }
}

/// The retry count of one upload.
#[derive(Debug)]
pub(crate) struct Backoff {
    policy: RetryPolicy,
    attempts: u32,
}

impl Backoff {
    pub(crate) fn new(policy: RetryPolicy) -> Self {
        Self {
            policy,
            attempts: 0,
        }
    }

    /// Starts the count again, after the service acknowledged new bytes.
    pub(crate) fn reset(&mut self) {
        self.attempts = 0;
    }

    /// Returns the number of the next retry, counting from 1.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Returns the delay before the next retry, or `None` when the budget is spent or the
    /// service asked for a longer wait than the policy allows.
    ///
    /// Backoff uses "full jitter": a uniformly random delay between half and all of the
    /// exponential step, so many clients that failed together do not retry together.
    pub(crate) fn next_delay(&mut self, retry_after: Option<Duration>) -> Option<Duration> {
        if self.attempts >= self.policy.max_attempts {
            return None;
        }
        self.attempts += 1;
        if let Some(wait) = retry_after {
            if wait > self.policy.max_retry_after {
                return None;
            }
            // A little jitter on top, so clients given the same delay do not return at once.
            return Some(wait + jitter(self.policy.initial_delay));
        }
        let exponent = (self.attempts - 1).min(20);
        let step = self
            .policy
            .initial_delay
            .saturating_mul(1 << exponent)
            .min(self.policy.max_delay);
        Some(step / 2 + jitter(step / 2))
    }
}

/// Returns a uniformly random duration in `[0, max]`.
fn jitter(max: Duration) -> Duration {
    let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    let random = UnwrapErr(OsRng).next_u64();
    Duration::from_nanos(random % (nanos + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(5),
            max_attempts: 6,
        }
    }

    #[test]
    fn backoff_grows_and_caps() {
        let mut backoff = Backoff::new(policy());
        let expected_steps = [100u64, 200, 400, 800, 1000, 1000];
        for step in expected_steps {
            let delay = backoff.next_delay(None).unwrap();
            let step = Duration::from_millis(step);
            assert!(delay >= step / 2, "{delay:?} below half of {step:?}");
            assert!(delay <= step, "{delay:?} above {step:?}");
        }
        assert_eq!(backoff.next_delay(None), None);
    }

    #[test]
    fn backoff_reset_restores_budget() {
        let mut backoff = Backoff::new(policy());
        for _ in 0..6 {
            backoff.next_delay(None).unwrap();
        }
        backoff.reset();
        assert!(backoff.next_delay(None).is_some());
        assert_eq!(backoff.attempts(), 1);
    }

    #[test]
    fn retry_after_is_honoured() {
        let mut backoff = Backoff::new(policy());
        let delay = backoff.next_delay(Some(Duration::from_secs(2))).unwrap();
        assert!(delay >= Duration::from_secs(2));
        assert!(delay <= Duration::from_millis(2100));
    }

    #[test]
    fn retry_after_too_long_fails() {
        let mut backoff = Backoff::new(policy());
        assert_eq!(backoff.next_delay(Some(Duration::from_secs(60))), None);
    }
}
