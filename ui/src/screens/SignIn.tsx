import { type FormEvent, useEffect, useState } from "react";
import { BackendError, toBackendError } from "../backend/backend";
import type { LockedSession, SecretStorage, SessionInfo } from "../backend/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { UnlockSession } from "./UnlockSession";
import { useBackend } from "../context";
import { errorCode } from "../errors";

function errorCodeOf(error: unknown): string | null {
  return error === null ? null : errorCode(error);
}

interface Props {
  onSignedIn: (session: SessionInfo) => void;
  /** The reason the previous session ended, shown above the form. */
  notice?: string;
}

const TOTP_PATTERN = /^\d{6}$/;

/** The shortest passphrase the session file accepts, as the Rust side checks it. */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Returns why a new passphrase cannot be used, or null when it can. */
function passphraseProblem(passphrase: string, repeated: string): string | null {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    return `The passphrase is too short. Use at least ${MIN_PASSPHRASE_LENGTH} characters.`;
  }
  if (passphrase !== repeated) {
    return "The two passphrases differ. Type the same passphrase in both fields.";
  }
  return null;
}

export function SignIn({ onSignedIn, notice }: Props) {
  const backend = useBackend();
  const [serverUrl, setServerUrl] = useState("");
  const [caFile, setCaFile] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needsTotp, setNeedsTotp] = useState(false);
  const [keyringAvailable, setKeyringAvailable] = useState(true);
  const [storage, setStorage] = useState<SecretStorage>("keyring");
  const [passphrase, setPassphrase] = useState("");
  const [repeatedPassphrase, setRepeatedPassphrase] = useState("");
  const [locked, setLocked] = useState<LockedSession | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void Promise.all([backend.getSettings(), backend.appInfo()]).then(([settings, info]) => {
      setServerUrl((current) => current || (settings.serverUrl ?? info.defaults.serverUrl ?? ""));
      setCaFile((current) => current || (settings.caFile ?? info.defaults.caFile ?? ""));
      setEmail((current) => current || (settings.email ?? ""));
      if (!info.keyring.available) {
        setKeyringAvailable(false);
        setStorage("session");
      }
      setLocked(info.lockedSession ?? null);
    });
  }, [backend]);

  async function chooseCaFile() {
    const path = await backend.pickFile({
      title: "Choose a CA certificate file",
      filters: [{ name: "PEM certificates", extensions: ["pem", "crt", "cer"] }],
    });
    if (path !== null) {
      setCaFile(path);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const url = serverUrl.trim();
    if (!url.startsWith("https://")) {
      setError(new BackendError({ code: "config.http_url_refused", message: "" }));
      return;
    }
    if (needsTotp && !TOTP_PATTERN.test(totp.trim())) {
      setError(new BackendError({ code: "auth.totp_required", message: "" }));
      return;
    }
    if (storage === "passphrase_file") {
      const problem = passphraseProblem(passphrase, repeatedPassphrase);
      if (problem !== null) {
        setError(new BackendError({ code: "input.invalid", message: problem }));
        return;
      }
    }
    setBusy(true);
    try {
      const session = await backend.signIn({
        serverUrl: url,
        ...(caFile.trim() !== "" ? { caFile: caFile.trim() } : {}),
        email: email.trim(),
        password,
        ...(needsTotp ? { totp: totp.trim() } : {}),
        storage,
        ...(storage === "passphrase_file" ? { passphrase } : {}),
      });
      const settings = await backend.getSettings();
      await backend.saveSettings({
        ...settings,
        serverUrl: url,
        email: email.trim(),
        ...(caFile.trim() !== "" ? { caFile: caFile.trim() } : {}),
      });
      setPassword("");
      setPassphrase("");
      setRepeatedPassphrase("");
      onSignedIn(session);
    } catch (caught) {
      const failure = toBackendError(caught);
      if (failure.code === "auth.invalid_credentials") {
        setPassword("");
      } else if (failure.code === "auth.totp_required") {
        setNeedsTotp(true);
      } else if (failure.code === "keyring.unavailable") {
        setKeyringAvailable(false);
        setStorage("session");
      }
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>Sign in to Sealpost</h1>
      {notice !== undefined && <p className="notice" role="status">{notice}</p>}
      {locked !== null && (
        <UnlockSession locked={locked} onSignedIn={onSignedIn} onSignInInstead={(reason) => {
            setLocked(null);
            setError(reason ?? null);
          }} />
      )}
      {locked === null && (
      <form onSubmit={submit} noValidate aria-describedby="sign-in-help">
        <p id="sign-in-help" className="hint">Use the server address your admin gave you. It must start with https://.</p>
        <label htmlFor="server-url">Server URL</label>
        <input id="server-url" type="url" value={serverUrl} onChange={(event) => setServerUrl(event.target.value)} required autoComplete="url" placeholder="https://sealpost.example.com" />

        <details>
          <summary>Advanced</summary>
          <label htmlFor="ca-file">Extra CA certificate file (optional)</label>
          <div className="row">
            <input id="ca-file" value={caFile} onChange={(event) => setCaFile(event.target.value)} />
            <button type="button" onClick={chooseCaFile}>Choose CA file…</button>
          </div>
          <p className="hint">Only needed when your company inspects TLS traffic with its own certificate authority.</p>
        </details>

        <label htmlFor="email">Email</label>
        <input id="email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} required autoComplete="username" />

        <label htmlFor="password">Password</label>
        <input id="password" type="password" value={password} onChange={(event) => setPassword(event.target.value)} required autoComplete="current-password" />

        {needsTotp && (
          <>
            <label htmlFor="totp">Authenticator code</label>
            <input id="totp" value={totp} onChange={(event) => setTotp(event.target.value)} inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus aria-describedby="totp-help" />
            <p id="totp-help" className="hint">The 6-digit code your authenticator app shows for Sealpost.</p>
          </>
        )}

        {!keyringAvailable && (
          <fieldset>
            <legend>The system keyring is not available. Keep the session:</legend>
            <label className="choice">
              <input type="radio" name="storage" checked={storage === "session"} onChange={() => setStorage("session")} />
              This session only (sign in again after closing the app)
            </label>
            <label className="choice">
              <input type="radio" name="storage" checked={storage === "passphrase_file"} onChange={() => setStorage("passphrase_file")} />
              In a passphrase-protected file
            </label>
            {storage === "passphrase_file" && (
              <>
                <label htmlFor="passphrase">Passphrase (at least {MIN_PASSPHRASE_LENGTH} characters)</label>
                <input id="passphrase" type="password" value={passphrase} onChange={(event) => setPassphrase(event.target.value)} autoComplete="new-password" aria-describedby="passphrase-help" />
                <label htmlFor="passphrase-repeat">Repeat the passphrase</label>
                <input id="passphrase-repeat" type="password" value={repeatedPassphrase} onChange={(event) => setRepeatedPassphrase(event.target.value)} autoComplete="new-password" />
                <p id="passphrase-help" className="hint">
                  The app asks for this passphrase when it starts, to open your session again. It cannot be recovered: if you forget it, sign in with your password.
                </p>
              </>
            )}
          </fieldset>
        )}

        {needsTotp && errorCodeOf(error) === "auth.invalid_credentials" ? (
          <p role="alert" className="error-message">
            The password or the authenticator code is wrong. Enter both again, using the code your app shows now.
          </p>
        ) : (
          <ErrorMessage error={error} />
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      )}
    </main>
  );
}
