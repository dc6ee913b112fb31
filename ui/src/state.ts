import type { ValidationSummary } from "./backend/types";

/** Local validation of the open list, as the Preview screen shows it. */
export interface ValidationState {
  listId: string;
  status: "running" | "done" | "cancelled" | "failed";
  rowsDone: number;
  bytesDone: number;
  totalBytes?: number;
  summary?: ValidationSummary;
  error?: unknown;
}

/** An upload this window started or resumed, with its latest events. */
export interface UploadJob {
  jobId: string;
  /** The open list it sends; absent for an interrupted upload resumed at start. */
  listId?: string;
  fileName: string;
  campaignName: string;
  progress?: import("./backend/types").UploadProgress;
  finished?: import("./backend/types").UploadFinished;
}
