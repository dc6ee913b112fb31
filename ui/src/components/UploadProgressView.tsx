import type { UploadPhase } from "../backend/types";
import { formatBytes, formatDuration } from "../format";
import type { UploadJob } from "../state";

const PHASES: [UploadPhase, string][] = [
  ["validating", "Checking the list"],
  ["sealing_and_sending", "Encrypting and sending"],
  ["waiting_for_scan", "Waiting for the malware scan"],
  ["validating_on_service", "Validating on the service"],
  ["done", "Done"],
];

const FINAL_TEXT: Record<string, string> = {
  accepted: "The service accepted the list.",
  rejected: "The service rejected the list.",
  quarantined: "The service quarantined the file.",
  scan_pending: "The file was received and waits for the malware scanner. History shows when it is done.",
  cancelled: "The upload was cancelled.",
  failed: "The upload failed.",
};

interface Props {
  job: UploadJob;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
}

/** Phases, bytes the service acknowledged, rate, ETA and the controls of one upload. */
export function UploadProgressView({ job, onPause, onResume, onCancel }: Props) {
  const progress = job.progress;
  const finished = job.finished;
  const phaseIndex = PHASES.findIndex(([phase]) => phase === (progress?.phase ?? "validating"));
  const percent = progress !== undefined && progress.totalBytes > 0 ? Math.round((progress.bytesAcknowledged / progress.totalBytes) * 100) : 0;

  return (
    <div className="upload-progress" data-testid="upload-progress">
      <h2>
        {job.fileName} to {job.campaignName}
      </h2>
      <ol className="phases" aria-label="Upload phases">
        {PHASES.map(([phase, label], index) => {
          const current = index === phaseIndex && finished === undefined;
          let className = "";
          if (index < phaseIndex || finished?.state === "accepted") {
            className = "done";
          } else if (current) {
            className = "current";
          }
          return (
            <li key={phase} className={className} aria-current={current ? "step" : undefined}>
              {label}
            </li>
          );
        })}
      </ol>
      {progress !== undefined && (
        <div className="progress-line">
          <span id={`bytes-${job.jobId}`}>
            {formatBytes(progress.bytesAcknowledged)} of {formatBytes(progress.totalBytes)} acknowledged ({percent}%)
          </span>
          <progress aria-labelledby={`bytes-${job.jobId}`} max={progress.totalBytes} value={progress.bytesAcknowledged} />
          {progress.bytesPerSecond !== undefined && !progress.paused && <span>{formatBytes(progress.bytesPerSecond)}/s</span>}
          {progress.etaSeconds !== undefined && !progress.paused && <span>about {formatDuration(progress.etaSeconds)} left</span>}
          {progress.paused && <span role="status">Paused</span>}
        </div>
      )}
      {finished === undefined ? (
        <div className="controls">
          {progress?.paused === true ? (
            <button type="button" onClick={onResume}>Resume</button>
          ) : (
            <button type="button" onClick={onPause}>Pause</button>
          )}
          <button type="button" className="danger" onClick={onCancel}>Cancel upload</button>
        </div>
      ) : (
        <p role="status" className={`final final-${finished.state}`}>
          {FINAL_TEXT[finished.state] ?? finished.state}
          {finished.reason !== undefined ? ` ${finished.reason}` : ""}
          {finished.uploadId !== undefined ? ` Upload id: ${finished.uploadId}.` : ""}
        </p>
      )}
    </div>
  );
}
