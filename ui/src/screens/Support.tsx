import { type FormEvent, useEffect, useState } from "react";
import type { Campaign, UploadSummary } from "../backend/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { UploadDrawer } from "../components/UploadDrawer";
import { useBackend } from "../context";
import { formatBytes, formatTime } from "../format";

type SearchBy = "upload" | "member" | "campaign";

export function Support() {
  const backend = useBackend();
  const [by, setBy] = useState<SearchBy>("upload");
  const [query, setQuery] = useState("");
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [results, setResults] = useState<UploadSummary[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    backend.listCampaigns().then(setCampaigns, setError);
  }, [backend]);

  async function search(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setResults(null);
    const value = query.trim();
    if (value === "") {
      setError(new Error(by === "campaign" ? "Choose a campaign." : "Enter an upload id or a member id to search for."));
      return;
    }
    try {
      if (by === "upload") {
        const detail = await backend.getUpload(value);
        setResults([detail.upload]);
        setSelected(detail.upload.id);
      } else {
        const page = await backend.listUploads(by === "member" ? { owner: value } : { campaign: value });
        setResults(page.items);
      }
    } catch (caught) {
      setError(caught);
    }
  }

  async function exportDiagnostics() {
    setError(null);
    setExported(null);
    try {
      const path = await backend.pickSavePath({ title: "Save the diagnostics bundle", defaultPath: "sealpost-diagnostics.json" });
      if (path === null) {
        return;
      }
      await backend.exportDiagnostics(path);
      setExported(path);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="support-title" className="screen">
      <h1 id="support-title">Support</h1>
      <form className="controls" onSubmit={search} aria-label="Find uploads">
        <label>
          Find by
          <select
            value={by}
            onChange={(event) => {
              setBy(event.target.value as SearchBy);
              setQuery("");
            }}
          >
            <option value="upload">Upload id</option>
            <option value="member">Member id</option>
            <option value="campaign">Campaign</option>
          </select>
        </label>
        {by === "campaign" ? (
          <label>
            Campaign
            <select value={query} onChange={(event) => setQuery(event.target.value)}>
              <option value="">Choose a campaign</option>
              {campaigns.map((campaign) => (
                <option key={campaign.id} value={campaign.id}>{campaign.name}</option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            {by === "upload" ? "Upload id" : "Member id"}
            <input value={query} onChange={(event) => setQuery(event.target.value)} />
          </label>
        )}
        <button type="submit" className="primary">Find</button>
      </form>
      <ErrorMessage error={error} />
      {results !== null && results.length === 0 && <p role="status">No uploads found.</p>}
      {results !== null && results.length > 0 && (
        <table>
          <caption className="visually-hidden">Uploads found</caption>
          <thead>
            <tr>
              <th scope="col">Upload</th>
              <th scope="col">State</th>
              <th scope="col">Size</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {results.map((upload) => (
              <tr key={upload.id}>
                <td>
                  <button type="button" className="link" onClick={() => setSelected(upload.id)}>{upload.id}</button>
                </td>
                <td>{upload.state}</td>
                <td>{formatBytes(upload.length)}</td>
                <td>{formatTime(upload.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section aria-labelledby="diagnostics-title">
        <h2 id="diagnostics-title">Diagnostics</h2>
        <p>
          The bundle is a JSON file with the app version, platform, settings, keyring status and the end of the log files. The
          logs never contain list contents, passwords or tokens.
        </p>
        <button type="button" onClick={() => void exportDiagnostics()}>Export diagnostics bundle…</button>
        {exported !== null && <p role="status">Saved the diagnostics bundle to {exported}.</p>}
      </section>
      {selected !== null && <UploadDrawer uploadId={selected} onClose={() => setSelected(null)} />}
    </section>
  );
}
