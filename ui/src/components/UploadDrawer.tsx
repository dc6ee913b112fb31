import { useEffect, useRef, useState } from "react";
import type { UploadDetail } from "../backend/types";
import { useBackend } from "../context";
import { formatBytes, formatNumber, formatTime } from "../format";
import { issueLabel } from "../issueCodes";
import { readValidationSummary } from "../validationReport";
import { ErrorMessage } from "./ErrorMessage";

interface Props {
  uploadId: string;
  campaignName?: string;
  onClose: () => void;
}

/**
 * Shows one upload's metadata, validation summary and event timeline in a
 * non-modal side panel that Escape or Close dismisses.
 */
export function UploadDrawer({ uploadId, campaignName, onClose }: Props) {
  const backend = useBackend();
  const [detail, setDetail] = useState<UploadDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    setDetail(null);
    backend.getUpload(uploadId).then(setDetail, setError);
  }, [backend, uploadId]);

  // Focus moves into the drawer and returns to whatever opened it.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    close.current?.focus();
    return () => opener?.focus();
  }, []);

  return (
    <div
      className="drawer"
      role="dialog"
      aria-labelledby="drawer-title"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          onClose();
        }
      }}
    >
      <div className="drawer-header">
        <h2 id="drawer-title">Upload {uploadId}</h2>
        <button ref={close} type="button" onClick={onClose}>Close</button>
      </div>
      <ErrorMessage error={error} />
      {detail === null && error === null && <p role="status">Loading…</p>}
      {detail !== null && (
        <UploadFacts detail={detail} {...(campaignName !== undefined ? { campaignName } : {})} />
      )}
    </div>
  );
}

function UploadFacts({ detail, campaignName }: { detail: UploadDetail; campaignName?: string }) {
  const validation = readValidationSummary(detail.validation);
  return (
    <>
      <dl className="facts">
        <dt>State</dt>
        <dd>{detail.upload.state}</dd>
        {detail.upload.reason !== undefined && (
          <>
            <dt>Reason</dt>
            <dd>{detail.upload.reason}</dd>
          </>
        )}
        <dt>Campaign</dt>
        <dd>{campaignName ?? detail.upload.campaignId ?? "None"}</dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(detail.upload.offset)} of {formatBytes(detail.upload.length)} received
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(detail.upload.createdAt)}</dd>
      </dl>
      <h3>Validation</h3>
      {validation !== null ? (
        <>
          <p>
            {formatNumber(validation.rows)} rows, {formatNumber(validation.rowsWithErrors)} with errors,{" "}
            {formatNumber(validation.rowsWithWarnings)} with warnings.
          </p>
          <ul>
            {Object.entries(validation.countsByCode).map(([code, count]) => (
              <li key={code}>
                {issueLabel(code)}: {formatNumber(count)}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>The service has not validated this upload yet.</p>
      )}
      <h3>Timeline</h3>
      <ol className="timeline">
        {detail.events.map((event, index) => (
          <li key={`${event.at}-${index}`}>
            <time dateTime={event.at}>{formatTime(event.at)}</time> {event.kind}
            {event.requestId !== undefined && <span className="request-id"> (request {event.requestId})</span>}
            {describeDetails(event.details)}
          </li>
        ))}
      </ol>
    </>
  );
}

function describeDetails(details: unknown): string {
  if (typeof details !== "object" || details === null) {
    return "";
  }
  const entries = Object.entries(details as Record<string, unknown>);
  return entries.length === 0 ? "" : `: ${entries.map(([key, value]) => `${key} ${String(value)}`).join(", ")}`;
}
