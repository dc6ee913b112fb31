import { type FormEvent, useState } from "react";
import { toBackendError } from "../backend/backend";
import type { LockedSession, SessionInfo } from "../backend/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { useBackend } from "../context";

interface Props {
  locked: LockedSession;
  onSignedIn: (session: SessionInfo) => void;
  /** Shows the password form instead, with the error that made the file useless, if any. */
  onSignInInstead: (reason?: unknown) => void;
}

/** Opens a session kept in a passphrase-protected file by an earlier run. */
export function UnlockSession({ locked, onSignedIn, onSignInInstead }: Props) {
  const backend = useBackend();
  const [passphrase, setPassphrase] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const session = await backend.unlockSession(passphrase);
      setPassphrase("");
      onSignedIn(session);
    } catch (caught) {
      const failure = toBackendError(caught);
      setPassphrase("");
      if (failure.code === "auth.session_expired" || failure.code === "session.none") {
        // The file is gone or useless, so only the password form can help.
        onSignInInstead(failure);
        return;
      }
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="unlock-title" aria-describedby="unlock-help">
      <h2 id="unlock-title">Open your saved session</h2>
      <p id="unlock-help" className="hint">
        Your session{locked.email !== undefined ? ` as ${locked.email}` : ""} on {locked.serverUrl} is kept in a
        passphrase-protected file, because this computer has no system keyring. Enter the passphrase you chose when you signed in.
      </p>
      <label htmlFor="unlock-passphrase">Passphrase</label>
      <input
        id="unlock-passphrase"
        type="password"
        value={passphrase}
        onChange={(event) => setPassphrase(event.target.value)}
        autoComplete="current-password"
        autoFocus
      />
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy || passphrase === ""}>
          {busy ? "Opening…" : "Open session"}
        </button>
        <button type="button" onClick={() => onSignInInstead()}>
          Sign in with my password instead
        </button>
      </div>
    </form>
  );
}
