import { type FormEvent, useEffect, useState } from "react";
import type { Campaign, ListSummary, PendingUpload, Severity } from "../backend/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { UploadProgressView } from "../components/UploadProgressView";
import { useBackend } from "../context";
import { formatBytes, formatNumber, formatTime } from "../format";
import { issueLabel } from "../issueCodes";
import type { UploadJob, ValidationState } from "../state";

interface Props {
  list: ListSummary | null;
  validation: ValidationState | null;
  jobs: UploadJob[];
  pending: PendingUpload[];
  onStarted: (job: UploadJob) => void;
  onPendingChanged: () => void;
  onGoToPreview: () => void;
}

export function Upload({ list, validation, jobs, pending, onStarted, onPendingChanged, onGoToPreview }: Props) {
  const backend = useBackend();
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [campaignId, setCampaignId] = useState("");
  const [newName, setNewName] = useState("");
  const [severities, setSeverities] = useState<Record<string, Severity>>({});
  const [allowed, setAllowed] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const summary = validation?.status === "done" && validation.listId === list?.listId ? validation.summary : undefined;

  useEffect(() => {
    backend.listCampaigns().then((items) => {
      setCampaigns(items);
      setCampaignId((current) => current || (items[0]?.id ?? ""));
    }, setError);
  }, [backend]);

  // The summary has counts only, so each code's severity comes from its first issue.
  useEffect(() => {
    if (summary === undefined || list === null) {
      return;
    }
    let current = true;
    void Promise.all(
      Object.keys(summary.countsByCode).map(async (code) => {
        const page = await backend.validationIssues({ listId: list.listId, code, offset: 0, limit: 1 });
        return [code, page.issues[0]?.severity ?? "warning"] as const;
      }),
    ).then((entries) => current && setSeverities(Object.fromEntries(entries)), setError);
    return () => {
      current = false;
    };
  }, [backend, list, summary]);

  const errorCodes = Object.entries(severities)
    .filter(([, severity]) => severity === "error")
    .map(([code]) => code);
  const blocking = errorCodes.filter((code) => !allowed.includes(code));
  const sending = list !== null && jobs.some((job) => job.listId === list.listId && job.finished === undefined);

  async function createCampaign(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const campaign = await backend.createCampaign(newName);
      setCampaigns((current) => [campaign, ...current]);
      setCampaignId(campaign.id);
      setNewName("");
    } catch (caught) {
      setError(caught);
    }
  }

  async function start() {
    if (list === null) {
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const jobId = await backend.startUpload({ listId: list.listId, campaign: campaignId, allowErrors: allowed });
      const campaignName = campaigns.find((campaign) => campaign.id === campaignId)?.name ?? campaignId;
      onStarted({ jobId, listId: list.listId, fileName: list.fileName, campaignName });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function control(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    }
  }

  function campaignName(id: string): string {
    return campaigns.find((campaign) => campaign.id === id)?.name ?? id;
  }

  async function resumePending(upload: PendingUpload) {
    await control(async () => {
      await backend.resumeUpload(upload.jobId);
      onStarted({ jobId: upload.jobId, fileName: upload.fileName, campaignName: campaignName(upload.campaign) });
      onPendingChanged();
    });
  }

  return (
    <section aria-labelledby="upload-title" className="screen">
      <h1 id="upload-title">Upload</h1>

      {pending.length > 0 && (
        <section aria-labelledby="pending-title" className="callout">
          <h2 id="pending-title">Interrupted uploads</h2>
          <p className="hint">Resuming sends only what the service does not have yet. Discarding deletes what it received.</p>
          <ul>
            {pending.map((upload) => (
              <li key={upload.jobId}>
                <span title={upload.filePath}>{upload.fileName}</span> to {campaignName(upload.campaign)}:{" "}
                {formatBytes(upload.bytesAcknowledged)} of {formatBytes(upload.totalBytes)} sent
                {upload.savedAt !== "" ? `, saved ${formatTime(upload.savedAt)}` : ""}
                {upload.earlierRun ? " before the app was last closed" : ""}.{" "}
                {upload.startsOver && (
                  <span className="warning-text">
                    This computer has no system keyring, so resuming sends the list again from the start.{" "}
                  </span>
                )}
                <button type="button" onClick={() => void resumePending(upload)}>Resume</button>{" "}
                <button type="button" onClick={() => void control(async () => { await backend.cancelUpload(upload.jobId); onPendingChanged(); })}>
                  Discard
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {list === null ? (
        <p>Open a list first, then come back here to upload it.</p>
      ) : (
        <>
          <section aria-labelledby="campaign-title">
            <h2 id="campaign-title">Choose a campaign</h2>
            <div className="controls">
              <label>
                Campaign
                <select value={campaignId} onChange={(event) => setCampaignId(event.target.value)}>
                  {campaigns.length === 0 && <option value="">No campaigns yet</option>}
                  {campaigns.map((campaign) => (
                    <option key={campaign.id} value={campaign.id}>{campaign.name}</option>
                  ))}
                </select>
              </label>
            </div>
            <form className="controls" onSubmit={createCampaign}>
              <label>
                New campaign name
                <input value={newName} onChange={(event) => setNewName(event.target.value)} maxLength={200} />
              </label>
              <button type="submit">Create campaign</button>
            </form>
          </section>

          <section aria-labelledby="review-title">
            <h2 id="review-title">Review</h2>
            {summary === undefined && validation?.status === "running" && validation.listId === list.listId && (
              <p role="status">Validating the list: {formatNumber(validation.rowsDone)} rows checked. The review appears when it finishes.</p>
            )}
            {summary === undefined && !(validation?.status === "running" && validation.listId === list.listId) ? (
              <p>
                Validate the list before uploading it.{" "}
                <button type="button" onClick={onGoToPreview}>Go to Preview and validate</button>
              </p>
            ) : summary === undefined ? null : (
              <>
                <p>
                  {list.fileName}: {formatNumber(summary.rows)} rows, {formatNumber(summary.rowsWithErrors)} with errors,{" "}
                  {formatNumber(summary.rowsWithWarnings)} with warnings.
                </p>
                {errorCodes.length > 0 && (
                  <fieldset>
                    <legend>The service rejects lists with these errors unless you accept them:</legend>
                    {errorCodes.map((code) => (
                      <label key={code} className="choice">
                        <input
                          type="checkbox"
                          checked={allowed.includes(code)}
                          onChange={(event) =>
                            setAllowed((current) => (event.target.checked ? [...current, code] : current.filter((item) => item !== code)))
                          }
                        />
                        Upload anyway with {issueLabel(code).toLowerCase()} ({formatNumber(summary.countsByCode[code] ?? 0)})
                      </label>
                    ))}
                  </fieldset>
                )}
                {blocking.length > 0 && (
                  <p className="warning-text">Fix these rows or accept their errors, or the service will reject the list.</p>
                )}
              </>
            )}
            <button type="button" className="primary" onClick={() => void start()} disabled={busy || summary === undefined || campaignId === "" || sending}>
              Encrypt and upload
            </button>
          </section>
        </>
      )}
      <ErrorMessage error={error} />

      {jobs.map((job) => (
        <UploadProgressView
          key={job.jobId}
          job={job}
          onPause={() => void control(() => backend.pauseUpload(job.jobId))}
          onResume={() => void control(() => backend.resumeUpload(job.jobId))}
          onCancel={() => void control(() => backend.cancelUpload(job.jobId))}
        />
      ))}
    </section>
  );
}
