//! GCRA rate limits per client address and per credential, with the `governor` crate.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::LimitConfig;

/// A refused request: how long to wait and the policy that refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// Whole seconds until a retry can succeed, at least 1.
    pub retry_after_seconds: u64,
    /// The policy name for the `RateLimit` headers: `address` or `credential`.
    pub policy: &'static str,
    /// The sustained quota, in requests per minute.
    pub per_minute: u32,
}

/// Both limiters.
#[derive(Debug)]
pub struct RateLimits {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_credential: DefaultKeyedRateLimiter<String>,
    address_per_minute: u32,
    credential_per_minute: u32,
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    // Validation guarantees both are non-zero; `MIN` is only a fallback.
    let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(per_minute).allow_burst(burst)
}

impl RateLimits {
    /// Limiters with the configured quotas.
    pub fn new(config: &LimitConfig) -> Self {
        Self {
            by_address: DefaultKeyedRateLimiter::keyed(quota(
                config.per_address_per_minute,
                config.per_address_burst,
            )),
            by_credential: DefaultKeyedRateLimiter::keyed(quota(
                config.per_credential_per_minute,
                config.per_credential_burst,
            )),
            address_per_minute: config.per_address_per_minute,
            credential_per_minute: config.per_credential_per_minute,
        }
    }

    /// Counts a request from `address`.
    pub fn check_address(&self, address: IpAddr) -> Result<(), Limited> {
        self.by_address
            .check_key(&address)
            .map_err(|not_until| Limited {
                retry_after_seconds: whole_seconds(
                    not_until.wait_time_from(DefaultClock::default().now()),
                ),
                policy: "address",
                per_minute: self.address_per_minute,
            })
    }

    /// Counts a request with the credential identified by `credential_id`.
    pub fn check_credential(&self, credential_id: &str) -> Result<(), Limited> {
        self.by_credential
            .check_key(&credential_id.to_owned())
            .map_err(|not_until| Limited {
                retry_after_seconds: whole_seconds(
                    not_until.wait_time_from(DefaultClock::default().now()),
                ),
                policy: "credential",
                per_minute: self.credential_per_minute,
            })
    }

    /// Forgets keys whose state is back at full capacity, bounding memory.
    pub fn forget_idle_keys(&self) {
        self.by_address.retain_recent();
        self.by_credential.retain_recent();
    }
}

fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refused_with_wait() {
        let limits = RateLimits::new(&LimitConfig {
            per_address_per_minute: 6,
            per_address_burst: 2,
            ..LimitConfig::default()
        });
        let address = IpAddr::from([127, 0, 0, 1]);
        assert!(limits.check_address(address).is_ok());
        assert!(limits.check_address(address).is_ok());
        let refused = limits.check_address(address).unwrap_err();
        assert_eq!(refused.policy, "address");
        assert!(
            (1..=10).contains(&refused.retry_after_seconds),
            "{refused:?}"
        );
        assert!(limits.check_address(IpAddr::from([127, 0, 0, 2])).is_ok());
    }

    #[test]
    fn whole_seconds_rounds_up() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(2)), 2);
        assert_eq!(whole_seconds(Duration::from_millis(2001)), 3);
    }
}
