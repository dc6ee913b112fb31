//! Consecutive sign-in failures per email, for the lockout. Rows exist for any email
//! that was tried, known or not, so a lock reveals nothing about which emails exist.

use sqlx::Row;

use crate::config::LockoutConfig;
use crate::db::Db;

/// Unix seconds until which sign-in for `email` is locked, if it is locked at `at`.
pub async fn locked_until(db: &Db, email: &str, at: i64) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("SELECT locked_until FROM sign_in_failures WHERE email = $1")
        .bind(email)
        .fetch_optional(db.pool())
        .await?;
    let until = row
        .map(|row| row.try_get::<i64, _>("locked_until"))
        .transpose()?;
    Ok(until.filter(|until| *until > at))
}

/// The outcome of recording a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOutcome {
    /// Consecutive failures so far, counting this one.
    pub failures: i64,
    /// Unix seconds until which the email is now locked, when this failure locked it.
    pub locked_until: Option<i64>,
}

/// Lock length for the `lock_count`-th lock (0-based): the base doubled each time, capped.
pub fn lock_seconds(config: &LockoutConfig, lock_count: i64) -> i64 {
    let doublings = u32::try_from(lock_count.clamp(0, 30)).unwrap_or(30);
    let seconds = config.base_lock_seconds.saturating_mul(1_u64 << doublings);
    i64::try_from(seconds.min(config.max_lock_seconds)).unwrap_or(i64::MAX)
}

/// Records a failed sign-in and locks the email after `max_failures` in a row. Each
/// step is one atomic statement, so concurrent failures are all counted without a
/// read-then-write transaction (which SQLite would abort under concurrent writers).
pub async fn record_failure(
    db: &Db,
    config: &LockoutConfig,
    email: &str,
    at: i64,
) -> Result<FailureOutcome, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO sign_in_failures (email, failures, lock_count, locked_until, last_failure_at) \
         VALUES ($1, 1, 0, 0, $2) \
         ON CONFLICT (email) DO UPDATE SET failures = sign_in_failures.failures + 1, last_failure_at = $2 \
         RETURNING failures, lock_count",
    )
    .bind(email)
    .bind(at)
    .fetch_one(db.pool())
    .await?;
    let failures: i64 = row.try_get("failures")?;
    let lock_count: i64 = row.try_get("lock_count")?;
    if failures < i64::from(config.max_failures) {
        return Ok(FailureOutcome {
            failures,
            locked_until: None,
        });
    }
    let until = at + lock_seconds(config, lock_count);
    // Only the request that still finds the count at the limit sets the lock, so two
    // concurrent failures cannot lock twice.
    let locked = sqlx::query(
        "UPDATE sign_in_failures SET failures = 0, lock_count = lock_count + 1, locked_until = $1 \
         WHERE email = $2 AND failures >= $3",
    )
    .bind(until)
    .bind(email)
    .bind(i64::from(config.max_failures))
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1;
    Ok(FailureOutcome {
        failures,
        locked_until: locked.then_some(until),
    })
}

/// Clears the failure count after a successful sign-in; the lock count stays, so the
/// next lock after further failures is longer.
pub async fn record_success(db: &Db, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sign_in_failures SET failures = 0 WHERE email = $1")
        .bind(email)
        .execute(db.pool())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_grows_and_caps() {
        let config = LockoutConfig {
            max_failures: 5,
            base_lock_seconds: 60,
            max_lock_seconds: 600,
        };
        let lengths: Vec<i64> = (0..6).map(|n| lock_seconds(&config, n)).collect();
        assert_eq!(lengths, [60, 120, 240, 480, 600, 600]);
        assert_eq!(lock_seconds(&config, 1000), 600);
    }
}
