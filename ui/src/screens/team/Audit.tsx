import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { AuditEntry, AuditRequest, AuditVerification, UploadKeyInfo } from "../../backend/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { useBackend } from "../../context";
import { formatTime } from "../../format";

export function UploadKey() {
  const backend = useBackend();
  const [key, setKey] = useState<UploadKeyInfo | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function rotate() {
    setError(null);
    try {
      setKey(await backend.rotateUploadKey());
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="key-title">
      <h2 id="key-title">Upload key</h2>
      <p>Clients encrypt lists to the account's upload key. Rotate it when you suspect it leaked; uploads already sent stay readable by the service.</p>
      <button type="button" onClick={() => void rotate()}>Rotate upload key</button>
      {key !== null && (
        <p role="status">
          New key {key.keyId} (generation {key.generation}) created {formatTime(key.createdAt)}.
        </p>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

export function Audit() {
  const backend = useBackend();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState<AuditRequest>({});
  const [filters, setFilters] = useState<AuditRequest>({});
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (cursor?: string) => {
      setError(null);
      try {
        const page = await backend.auditList({ ...filters, ...(cursor !== undefined ? { cursor } : {}) });
        setEntries((current) => (cursor === undefined ? page.items : [...current, ...page.items]));
        setNextCursor(page.nextCursor);
      } catch (caught) {
        setError(caught);
      }
    },
    [backend, filters],
  );

  useEffect(() => {
    void load();
  }, [load]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const next: AuditRequest = {};
    const action = draft.action?.trim() ?? "";
    const member = draft.member?.trim() ?? "";
    if (action !== "") next.action = action;
    if (member !== "") next.member = member;
    if (draft.from) next.from = `${draft.from}T00:00:00Z`;
    if (draft.to) next.to = `${draft.to}T23:59:59Z`;
    setFilters(next);
  }

  async function verify() {
    setError(null);
    try {
      setVerification(await backend.auditVerify());
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <form className="controls filters" onSubmit={apply} aria-label="Audit filters">
        <label>
          Action
          <input value={draft.action ?? ""} onChange={(event) => setDraft({ ...draft, action: event.target.value })} placeholder="upload." />
        </label>
        <label>
          Member
          <input value={draft.member ?? ""} onChange={(event) => setDraft({ ...draft, member: event.target.value })} />
        </label>
        <label>
          From
          <input type="date" value={draft.from ?? ""} onChange={(event) => setDraft({ ...draft, from: event.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={draft.to ?? ""} onChange={(event) => setDraft({ ...draft, to: event.target.value })} />
        </label>
        <button type="submit">Apply filters</button>
        <button type="button" onClick={() => void verify()}>Verify chain</button>
      </form>
      {verification !== null && (
        <p role="status" className={verification.ok ? "ok-text" : "error-message"}>
          {verification.ok
            ? `The chain of ${verification.entries} entries is intact.`
            : `The chain is broken at entry ${verification.firstBadEntry ?? "unknown"}: an entry was changed or removed after it was written. Export diagnostics and tell your security team.`}
        </p>
      )}
      <ErrorMessage error={error} />
      <table>
        <caption className="visually-hidden">Audit entries</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Outcome</th>
            <th scope="col">Request</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.seq}>
              <td>{entry.seq}</td>
              <td>{formatTime(entry.at)}</td>
              <td>{entry.actor}</td>
              <td>{entry.action}</td>
              <td>{entry.target ?? "—"}</td>
              <td>{entry.outcome}</td>
              <td>{entry.requestId ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && <p>No entries match these filters.</p>}
      {nextCursor !== undefined && <button type="button" onClick={() => void load(nextCursor)}>Load more</button>}
    </section>
  );
}
