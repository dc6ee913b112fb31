import { describe, expect, it } from "vitest";
import { BackendError } from "../backend/backend";
import { describeError, formatWait } from "../errors";

describe("describeError", () => {
  it.each([
    ["auth.invalid_credentials", "email or password is wrong"],
    ["auth.session_expired", "Sign in again"],
    ["auth.token_rejected", "Sign in again"],
    ["tls.unknown_issuer", "choose its CA file"],
    ["tls.not_yet_valid", "date and time"],
    ["tls.revoked", "revoked"],
    ["config.http_url_refused", "https://"],
    ["config.invalid_url", "https://host:port"],
    ["net.unreachable", "Could not reach the server"],
    ["server.unavailable", "Try again in a few minutes"],
    ["secrets.wrong_passphrase", "passphrase"],
    ["keyring.unavailable", "Choose how to keep it"],
    ["permission.denied", "Ask an admin"],
  ])("explains %s", (code, text) => {
    expect(describeError(new BackendError({ code, message: "detail" }))).toContain(text);
  });

  it("shows the wait of a lockout and a rate limit", () => {
    expect(describeError(new BackendError({ code: "auth.locked", message: "", retryAfterSeconds: 900 }))).toContain("15 minutes");
    expect(describeError(new BackendError({ code: "http.rate_limited", message: "", retryAfterSeconds: 30 }))).toContain("30 seconds");
  });

  it("falls back to the backend's message", () => {
    expect(describeError(new BackendError({ code: "mapping.invalid", message: "Two columns map to postcode." }))).toBe("Two columns map to postcode.");
    expect(describeError({ code: "other", message: "" })).toBe("The operation failed (other).");
    expect(describeError(new Error("plain"))).toBe("plain");
  });

  it("formats waits", () => {
    expect(formatWait(1)).toBe("1 second");
    expect(formatWait(119)).toBe("119 seconds");
    expect(formatWait(121)).toBe("3 minutes");
  });
});
