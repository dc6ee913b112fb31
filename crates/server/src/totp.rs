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
    build(secret_base32, email).is_some_and(|totp| totp.check_current(code.trim()).unwrap_or(false))
}

/// Computes the current code for `secret`, for tests and scripted sign-ins.
pub fn current_code(secret_base32: &str, email: &str) -> Option<String> {
    build(secret_base32, email)?.generate_current().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_code_checks() {
        let secret = generate_secret();
        let code = current_code(&secret, "a@example.com").unwrap();
        assert!(check(&secret, "a@example.com", &code));
        assert!(!check(&secret, "a@example.com", "000000x"));
        assert!(!check("not base32 !!", "a@example.com", &code));
        assert!(
            otpauth_url(&secret, "a@example.com")
                .unwrap()
                .starts_with("otpauth://totp/")
        );
    }
}
