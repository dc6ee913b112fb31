import { useEffect, useRef, useState } from "react";
import type { Issue, ListSummary } from "../backend/types";
import { Grid, type GridHandle } from "../components/Grid";
import { ErrorMessage } from "../components/ErrorMessage";
import { IssuesPanel } from "../components/IssuesPanel";
import { formatBytes, formatNumber } from "../format";
import type { ValidationState } from "../state";

interface Props {
  list: ListSummary;
  validation: ValidationState | null;
  onValidate: () => void;
  onCancelValidation: () => void;
  onContinue: () => void;
}

export function Preview({ list, validation, onValidate, onCancelValidation, onContinue }: Props) {
  const grid = useRef<GridHandle>(null);
  const [onlyErrors, setOnlyErrors] = useState(false);
  const [pendingJump, setPendingJump] = useState<Issue | null>(null);
  const running = validation?.status === "running";
  const summary = validation?.status === "done" ? validation.summary : undefined;
  // Pages are fetched again once validation has finished, so new marks show.
  const generation = validation?.status === "done" ? 1 : 0;

  useEffect(() => {
    if (pendingJump !== null && !onlyErrors) {
      grid.current?.scrollToIndex(pendingJump.rowNumber - list.headerRow - 1, pendingJump.column ?? null);
      setPendingJump(null);
    }
  }, [pendingJump, onlyErrors, list.headerRow]);

  function jump(issue: Issue) {
    setOnlyErrors(false);
    setPendingJump(issue);
  }

  const percent =
    validation?.totalBytes !== undefined && validation.totalBytes > 0
      ? Math.min(100, Math.round((validation.bytesDone / validation.totalBytes) * 100))
      : undefined;

  return (
    <section aria-labelledby="preview-title" className="screen preview">
      <div className="screen-header">
        <h1 id="preview-title">Preview and validate</h1>
        <p className="subtitle">{list.fileName}</p>
      </div>
      <div className="toolbar">
        {running ? (
          <>
            <div className="progress-line">
              <span id="validation-label">Validating: {formatNumber(validation?.rowsDone ?? 0)} rows</span>
              <progress aria-labelledby="validation-label" max={100} value={percent} />
              {validation?.totalBytes !== undefined && (
                <span>
                  {formatBytes(validation.bytesDone)} of {formatBytes(validation.totalBytes)}
                </span>
              )}
            </div>
            <button type="button" onClick={onCancelValidation}>Cancel validation</button>
          </>
        ) : (
          <button type="button" onClick={onValidate}>
            {validation === null ? "Validate" : "Validate again"}
          </button>
        )}
        {validation?.status === "cancelled" && <span role="status">Validation cancelled. Validate again to see all issues.</span>}
        <label className="choice">
          {/* Rows are marked only by a finished validation, so the filter waits for one. */}
          <input type="checkbox" checked={onlyErrors} disabled={summary === undefined} onChange={(event) => setOnlyErrors(event.target.checked)} />
          Only rows with errors
        </label>
        <button type="button" className="primary" onClick={onContinue}>
          Next: map columns
        </button>
      </div>
      {validation?.status === "failed" && <ErrorMessage error={validation.error} />}
      <div className="preview-body">
        <Grid ref={grid} listId={list.listId} columns={list.columns} onlyErrors={onlyErrors} generation={generation} />
        {summary !== undefined && (
          <IssuesPanel
            listId={list.listId}
            summary={summary}
            onSelect={jump}
          />
        )}
      </div>
    </section>
  );
}
