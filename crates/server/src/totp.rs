//! Time-based one-time passwords (RFC 6238) with the `totp-rs` crate: SHA-1, six
//! digits, 30-second steps and one step of clock skew either way, the parameters
//! common authenticator apps expect.

use totp_rs::{Algorithm, Secret, TOTP};

const ISSUER: &str = "Sealpost";

fn build(secret_base32: &str, email: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(ISSUER.to_owned()),
        email.to_owned(),
    )
    .ok()
}

/// Generates a new random secret in base32.
pub fn generate_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

/// Builds the `otpauth://` URI for enrolling `secret` in an authenticator app.
pub fn otpauth_url(secret_base32: &str, email: &str) -> Option<String> {
    build(secret_base32, email).map(|totp| totp.get_url())
}

/// Checks whether `code` is valid for `secret` now.
pub fn check(secret_base32: &str, email: &str, code: &str) -> bool {
    matching_step(secret_base32, email, code).is_some()
}

/// Finds the 30-second time step (Unix seconds / 30) whose code is `code`, looking at
/// the current step and one step either side. The caller stores the step and rejects
/// any later code from the same or an earlier step, so a code works only once.
pub fn matching_step(secret_base32: &str, email: &str, code: &str) -> Option<i64> {
    let totp = build(secret_base32, email)?;
    let code = code.trim();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let current = now / STEP_SECONDS;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| totp.generate(step * STEP_SECONDS) == code)
        .and_then(|step| i64::try_from(step).ok())
}

const STEP_SECONDS: u64 = 30;

/// Computes the current code for `secret`, for tests and scripted sign-ins.
pub fn current_code(secret_base32: &str, email: &str) -> Option<String> {
    build(secret_base32, email)?.generate_current().ok()
}

/// Computes the code for `secret` at `unix_seconds`, for tests and scripted sign-ins.
pub fn code_at(secret_base32: &str, email: &str, unix_seconds: u64) -> Option<String> {
    Some(build(secret_base32, email)?.generate(unix_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_code_checks() {
        let secret = generate_secret();
        let code = current_code(&secret, "a@example.com").unwrap();
        assert!(check(&secret, "a@example.com", &code));
        let step = matching_step(&secret, "a@example.com", &code).unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!((step - i64::try_from(now / 30).unwrap()).abs() <= 1);
        assert!(!check(&secret, "a@example.com", "000000x"));
        assert!(!check("not base32 !!", "a@example.com", &code));
        assert!(
            otpauth_url(&secret, "a@example.com")
                .unwrap()
                .starts_with("otpauth://totp/")
        );
    }
}
