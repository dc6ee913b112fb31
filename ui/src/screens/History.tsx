import { useCallback, useEffect, useMemo, useState } from "react";
import type { Campaign, SessionInfo, UploadListRequest, UploadSummary } from "../backend/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { UploadDrawer } from "../components/UploadDrawer";
import { useBackend } from "../context";
import { formatBytes, formatTime } from "../format";

const STATES = ["received", "scanning", "validating", "accepted", "rejected", "quarantined"];

type SortKey = "createdAt" | "state" | "length" | "campaign";

interface Props {
  session: SessionInfo;
}

export function History({ session }: Props) {
  const backend = useBackend();
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [uploads, setUploads] = useState<UploadSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>(undefined);
  const [filters, setFilters] = useState<UploadListRequest>({});
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "createdAt", descending: true });
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    backend.listCampaigns().then(setCampaigns, setError);
  }, [backend]);

  const load = useCallback(
    async (cursor?: string) => {
      setError(null);
      try {
        const page = await backend.listUploads({ ...filters, ...(cursor !== undefined ? { cursor } : {}) });
        setUploads((current) => (cursor === undefined ? page.items : [...current, ...page.items]));
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

  const campaignName = useCallback((id: string | undefined) => campaigns.find((campaign) => campaign.id === id)?.name ?? "—", [campaigns]);

  const sorted = useMemo(() => {
    const value = (upload: UploadSummary): string | number => {
      switch (sort.key) {
        case "createdAt":
          return upload.createdAt;
        case "state":
          return upload.state;
        case "length":
          return upload.length;
        case "campaign":
          return campaignName(upload.campaignId);
      }
    };
    const items = [...uploads].sort((a, b) => {
      const left = value(a);
      const right = value(b);
      if (left === right) {
        return 0;
      }
      return left < right ? -1 : 1;
    });
    return sort.descending ? items.reverse() : items;
  }, [uploads, sort, campaignName]);

  function setFilter(key: keyof UploadListRequest, value: string) {
    setFilters((current) => {
      const next = { ...current };
      if (value === "") {
        delete next[key];
      } else {
        next[key] = value;
      }
      return next;
    });
  }

  function sortHeader(key: SortKey, label: string) {
    const active = sort.key === key;
    const direction = sort.descending ? "descending" : "ascending";
    const arrow = sort.descending ? " ▼" : " ▲";
    return (
      <th scope="col" aria-sort={active ? direction : "none"}>
        <button type="button" className="link" onClick={() => setSort({ key, descending: active ? !sort.descending : false })}>
          {label}
          <span aria-hidden="true">{active ? arrow : ""}</span>
        </button>
      </th>
    );
  }

  return (
    <section aria-labelledby="history-title" className="screen">
      <h1 id="history-title">History</h1>
      <section aria-labelledby="campaigns-title">
        <h2 id="campaigns-title">Campaigns</h2>
        <ul className="campaigns">
          {campaigns.map((campaign) => (
            <li key={campaign.id}>
              <button type="button" className="link" onClick={() => setFilter("campaign", campaign.id)} aria-pressed={filters.campaign === campaign.id}>
                {campaign.name}
              </button>{" "}
              <span className="hint">
                {campaign.status}, created {formatTime(campaign.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <h2>Uploads</h2>
      <div className="controls filters" role="group" aria-label="Filters">
        <label>
          Campaign
          <select value={filters.campaign ?? ""} onChange={(event) => setFilter("campaign", event.target.value)}>
            <option value="">All campaigns</option>
            {campaigns.map((campaign) => (
              <option key={campaign.id} value={campaign.id}>{campaign.name}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filters.status ?? ""} onChange={(event) => setFilter("status", event.target.value)}>
            <option value="">Any status</option>
            {STATES.map((state) => (
              <option key={state} value={state}>{state}</option>
            ))}
          </select>
        </label>
        {session.role !== "marketer" && (
          <label>
            Uploaded by
            <select value={filters.owner ?? ""} onChange={(event) => setFilter("owner", event.target.value)}>
              <option value="">Anyone</option>
              <option value={session.memberId}>Me</option>
            </select>
          </label>
        )}
        <label>
          From
          <input type="date" value={filters.from?.slice(0, 10) ?? ""} onChange={(event) => setFilter("from", event.target.value === "" ? "" : `${event.target.value}T00:00:00Z`)} />
        </label>
        <label>
          To
          <input type="date" value={filters.to?.slice(0, 10) ?? ""} onChange={(event) => setFilter("to", event.target.value === "" ? "" : `${event.target.value}T23:59:59Z`)} />
        </label>
        <button type="button" onClick={() => setFilters({})}>Clear filters</button>
      </div>
      <ErrorMessage error={error} />
      <table className="history">
        <caption className="visually-hidden">Uploads</caption>
        <thead>
          <tr>
            <th scope="col">Upload</th>
            {sortHeader("campaign", "Campaign")}
            {sortHeader("state", "State")}
            {sortHeader("length", "Size")}
            {sortHeader("createdAt", "Created")}
          </tr>
        </thead>
        <tbody>
          {sorted.map((upload) => (
            <tr key={upload.id} data-testid="history-row">
              <td>
                <button type="button" className="link" onClick={() => setSelected(upload.id)}>
                  {upload.id}
                </button>
              </td>
              <td>{campaignName(upload.campaignId)}</td>
              <td>
                <span className={`state state-${upload.state}`}>{upload.state}</span>
              </td>
              <td>{formatBytes(upload.length)}</td>
              <td>{formatTime(upload.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length === 0 && <p role="status">No uploads match these filters.</p>}
      {nextCursor !== undefined && (
        <button type="button" onClick={() => void load(nextCursor)}>Load more</button>
      )}
      {selected !== null && (
        <UploadDrawer
          uploadId={selected}
          campaignName={campaignName(uploads.find((upload) => upload.id === selected)?.campaignId)}
          onClose={() => setSelected(null)}
        />
      )}
    </section>
  );
}
