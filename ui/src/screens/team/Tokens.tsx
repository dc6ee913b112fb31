import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { TokenCreated, TokenInfo } from "../../backend/types";
import { CopyField } from "../../components/CopyField";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useBackend } from "../../context";
import { formatTime } from "../../format";

const SCOPES = [
  "uploads:create",
  "uploads:read_own",
  "uploads:read_all",
  "campaigns:create",
  "campaigns:read",
  "diagnostics:export",
  "members:read",
  "audit:read",
];

function expiryText(token: TokenInfo): string {
  if (token.revokedAt !== undefined) {
    return `Revoked ${formatTime(token.revokedAt)}`;
  }
  if (token.expiresAt !== undefined) {
    return formatTime(token.expiresAt);
  }
  return "Never";
}

export function Tokens() {
  const backend = useBackend();
  const [tokens, setTokens] = useState<TokenInfo[]>([]);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["uploads:create"]);
  const [days, setDays] = useState("90");
  const [secret, setSecret] = useState<TokenCreated | null>(null);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(() => backend.listTokens().then(setTokens, setError), [backend]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function show(action: () => Promise<TokenCreated>) {
    setError(null);
    try {
      setSecret(await action());
      await refresh();
    } catch (caught) {
      setError(caught);
    }
  }

  function create(event: FormEvent) {
    event.preventDefault();
    const expires = Number.parseInt(days, 10);
    if (name.trim() === "" || scopes.length === 0) {
      setError(new Error("Give the token a name and at least one scope."));
      return;
    }
    void show(() => backend.createToken({ name: name.trim(), scopes, ...(Number.isInteger(expires) && expires > 0 ? { expiresInDays: expires } : {}) }));
    setName("");
  }

  async function revoke(token: TokenInfo) {
    setError(null);
    try {
      await backend.revokeToken(token.id);
      await refresh();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      {secret !== null && (
        <div className="callout" role="region" aria-label="New token">
          <p>
            <strong>Copy the token for “{secret.info.name}” now.</strong> It is shown only once.
          </p>
          <CopyField label="New token value" value={secret.token} onDone={() => setSecret(null)} />
        </div>
      )}
      <table>
        <caption className="visually-hidden">API tokens</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id}>
              <th scope="row">{token.name}</th>
              <td>{token.permissions.join(", ")}</td>
              <td>{formatTime(token.createdAt)}</td>
              <td>{token.lastUsedAt !== undefined ? formatTime(token.lastUsedAt) : "Never"}</td>
              <td>{expiryText(token)}</td>
              <td>
                {token.revokedAt === undefined && (
                  <>
                    <button type="button" aria-label={`Rotate ${token.name}`} onClick={() => void show(() => backend.rotateToken(token.id))}>
                      Rotate
                    </button>{" "}
                    <button type="button" className="danger" aria-label={`Revoke ${token.name}`} onClick={() => void revoke(token)}>
                      Revoke
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={create} className="token-form">
        <label>
          Token name
          <input value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="choice">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(event) => setScopes((current) => (event.target.checked ? [...current, scope] : current.filter((item) => item !== scope)))}
              />
              {scope}
            </label>
          ))}
        </fieldset>
        <label>
          Expires after (days)
          <input type="number" min={1} value={days} onChange={(event) => setDays(event.target.value)} />
        </label>
        <button type="submit">Create token</button>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
