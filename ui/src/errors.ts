import { toBackendError } from "./backend/backend";

/** Formats a wait in seconds as "15 minutes" or "40 seconds". */
export function formatWait(seconds: number): string {
  if (seconds >= 120) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minutes`;
  }
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}

/**
 * Turns a backend error into a sentence saying what went wrong and what to do
 * next, chosen by the error code. Unknown codes show the backend's message.
 */
export function describeError(error: unknown): string {
  const failure = toBackendError(error);
  switch (failure.code) {
    case "auth.invalid_credentials":
      return "The email or password is wrong. Check both and try again.";
    case "auth.totp_required":
      return "Enter the 6-digit code from your authenticator app.";
    case "auth.locked": {
      const wait = failure.retryAfterSeconds;
      return wait === undefined
        ? "Too many failed sign-ins locked this account for a while. Try again later or ask an admin."
        : `Too many failed sign-ins locked this account. Try again in ${formatWait(wait)}.`;
    }
    case "auth.session_expired":
    case "auth.not_signed_in":
    case "auth.token_rejected":
      return "Your session has ended. Sign in again.";
    case "secrets.wrong_passphrase":
      return "The passphrase does not open the saved session file. Enter the passphrase you chose when you signed in, or sign in with your password instead.";
    case "secrets.keyring_failed":
      return `The system keyring refused to store the session: ${failure.message} Choose this session only or a passphrase-protected file.`;
    case "tls.unknown_issuer":
      return "The server's certificate was issued by an authority this computer does not trust. If your company inspects TLS traffic, choose its CA file under Advanced.";
    case "tls.expired":
      return "The server's certificate has expired. Ask the server's administrator to renew it.";
    case "tls.name_mismatch":
      return "The server's certificate is for a different name than the server URL. Check the URL for typos.";
    case "tls.not_yet_valid":
      return "The server's certificate is not valid yet. Check this computer's date and time.";
    case "tls.revoked":
      return "The server's certificate has been revoked. Do not continue, and tell the server's administrator.";
    case "tls.bad_certificate":
    case "tls.handshake":
    case "tls.setup":
      return `The secure connection to the server failed: ${failure.message} Check the server URL and the CA file under Advanced.`;
    case "config.ca_file":
      return `The CA file could not be used: ${failure.message} Choose a PEM file with the certificate authority.`;
    case "config.invalid_url":
      return "The server URL is not valid. Enter it as https://host or https://host:port.";
    case "net.unreachable":
      return "Could not reach the server. Check the server URL, your network connection and any proxy in Settings.";
    case "net.timeout":
      return "The server did not answer in time. Check your connection and try again.";
    case "net.failed":
      return `The connection to the server failed: ${failure.message} Try again.`;
    case "server.unavailable":
      return "The server is unavailable for now. Try again in a few minutes.";
    case "server.problem":
      return "The server failed to handle the request. Try again; if it keeps failing, export diagnostics from Support and send them to your admin.";
    case "http.rate_limited": {
      const wait = failure.retryAfterSeconds;
      return wait === undefined
        ? "The server is receiving too many requests. Wait a moment and try again."
        : `The server is receiving too many requests. Try again in ${formatWait(wait)}.`;
    }
    case "permission.denied":
      return "Your role does not allow this. Ask an admin of your account.";
    case "keyring.unavailable":
      return "The system keyring is not available to keep your session. Choose how to keep it below.";
    case "config.http_url_refused":
      return "The server URL must start with https://. Sealpost never sends lists or passwords without TLS.";
    case "list.not_found":
      return `The file was not found. It may have been moved or deleted. (${failure.message})`;
    case "list.unreadable":
      return `The file could not be read: ${failure.message}`;
    case "list.closed":
      return "The list is no longer open. Open it again.";
    case "upload.list_has_errors":
      return `The list still has rows with errors: ${failure.message} Fix them or accept those errors in the review.`;
    case "upload.not_found":
      return `No upload was found. Check the id and try again. (${failure.message})`;
    case "io.error":
      return `A file operation failed: ${failure.message}`;
    default:
      return failure.message === "" ? `The operation failed (${failure.code}).` : failure.message;
  }
}

export function errorCode(error: unknown): string {
  return toBackendError(error).code;
}
