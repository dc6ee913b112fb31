// Types of the desktop app contract between the Rust side and this UI.
// NOTE: written by hand from the contract; switch these to re-exports of
// src/bindings once the generated types are checked in.

export type Role = "admin" | "marketer" | "support";
export type Theme = "system" | "light" | "dark";
export type LogLevel = "error" | "warn" | "info" | "debug";
export type Severity = "error" | "warning";
export type ListFormat = "csv" | "xlsx" | "xls" | "xlsb" | "ods";
export type SecretStorage = "keyring" | "session" | "passphrase_file";

export interface AppError {
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

export interface AppInfo {
  version: string;
  logDir: string;
  keyring: { available: boolean; reason?: string };
  /** Sign-in defaults from SEALPOST_SERVER_URL and SEALPOST_CA_FILE. */
  defaults: { serverUrl?: string; caFile?: string };
}

export interface Settings {
  serverUrl?: string;
  caFile?: string;
  proxy?: string;
  theme: Theme;
  logLevel: LogLevel;
  email?: string;
}

export interface SignInRequest {
  serverUrl: string;
  caFile?: string;
  email: string;
  password: string;
  totp?: string;
  storage: SecretStorage;
  passphrase?: string;
}

export interface SessionInfo {
  email: string;
  memberId: string;
  role: Role;
  accountName: string;
  expiresAt?: string;
  idleTimeoutMinutes: number;
}

export interface OpenListRequest {
  path: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  headerRow?: number;
}

export interface Column {
  index: number;
  heading: string;
  field?: string;
}

export interface ListSummary {
  listId: string;
  fileName: string;
  format: ListFormat;
  encoding?: string;
  delimiter?: string;
  sheets: string[];
  sheet?: string;
  headerRow: number;
  headerConfident: boolean;
  columns: Column[];
  /** The template applied because the headings matched it. */
  template?: string;
  missingRequired: string[];
  fileBytes: number;
}

export interface PageRequest {
  listId: string;
  start: number;
  count: number;
  onlyErrors: boolean;
}

export interface CellMark {
  column: number | null;
  severity: Severity;
  code: string;
}

export interface Row {
  rowNumber: number;
  cells: string[];
  marks: CellMark[];
}

export interface Page {
  totalRows?: number;
  rows: Row[];
}

export interface IssuesRequest {
  listId: string;
  code?: string;
  offset: number;
  limit: number;
}

export interface Issue {
  rowNumber: number;
  column?: number;
  field?: string;
  code: string;
  severity: Severity;
  message: string;
  /** A corrected value, when one can be worked out. */
  suggestion?: string;
}

export interface IssuePage {
  total: number;
  /** Issues found but not kept, because the backend keeps a bounded number. */
  omitted: number;
  issues: Issue[];
}

export interface Field {
  key: string;
  label: string;
  required: boolean;
}

export interface MappingResult {
  missingRequired: string[];
}

export interface Template {
  name: string;
  headings: string[];
  /** One field key per heading, null for a custom merge field. */
  fields?: (string | null)[];
}

export interface StartUploadRequest {
  listId: string;
  campaign: string;
  allowErrors: string[];
}

export interface PendingUpload {
  jobId: string;
  fileName: string;
  campaign: string;
  bytesAcknowledged: number;
  totalBytes: number;
  savedAt: string;
}

export interface Campaign {
  id: string;
  name: string;
  ownerId: string;
  status: string;
  createdAt: string;
}

export interface UploadSummary {
  id: string;
  ownerId: string;
  campaignId?: string;
  state: string;
  length: number;
  offset: number;
  reason?: string;
  createdAt: string;
}

export interface UploadListRequest {
  campaign?: string;
  status?: string;
  owner?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

export interface UploadPage {
  items: UploadSummary[];
  nextCursor?: string;
}

export interface UploadEvent {
  at: string;
  kind: string;
  requestId?: string;
  details: unknown;
}

export interface UploadDetail {
  upload: UploadSummary;
  events: UploadEvent[];
  /** The service's validation report, passed through as JSON. */
  validation?: unknown;
}

export interface Member {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  totpEnabled: boolean;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  /** One-time token to send to the invitee. */
  token: string;
  expiresAt: string;
}

export interface TokenInfo {
  id: string;
  memberId: string;
  name: string;
  permissions: string[];
  createdAt: string;
  lastUsedAt?: string;
  expiresAt?: string;
  revokedAt?: string;
}

export interface CreateTokenRequest {
  name: string;
  scopes: string[];
  expiresInDays?: number;
}

export interface TokenCreated {
  token: string;
  info: TokenInfo;
}

export interface UploadKeyInfo {
  publicKey: string;
  keyId: string;
  generation: number;
  createdAt: string;
}

export interface AuditRequest {
  action?: string;
  member?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target?: string;
  outcome: string;
  clientAddress?: string;
  requestId?: string;
  details?: string;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor?: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBadEntry?: number;
}

export interface ValidationSummary {
  rows: number;
  rowsWithErrors: number;
  rowsWithWarnings: number;
  countsByCode: Record<string, number>;
}

export type UploadPhase =
  | "validating"
  | "sealing_and_sending"
  | "waiting_for_scan"
  | "validating_on_service"
  | "done";

export type UploadFinalState =
  | "accepted"
  | "rejected"
  | "quarantined"
  | "scan_pending"
  | "cancelled"
  | "failed";

export interface ValidationProgress {
  listId: string;
  rowsDone: number;
  bytesDone: number;
  totalBytes?: number;
}

export interface ValidationDone {
  listId: string;
  cancelled: boolean;
  summary: ValidationSummary;
  /** The reason reading stopped early, when the file could not be read to the end. */
  error?: string;
}

export interface UploadProgress {
  jobId: string;
  phase: UploadPhase;
  bytesAcknowledged: number;
  totalBytes: number;
  bytesPerSecond?: number;
  etaSeconds?: number;
  paused: boolean;
}

export interface UploadFinished {
  jobId: string;
  uploadId?: string;
  state: UploadFinalState;
  reason?: string;
  summary?: unknown;
}

export interface SessionEnded {
  reason: "idle_timeout" | "expired" | "signed_out";
}

/** Payload type of each event, by its Tauri event name. */
export interface EventMap {
  "validation-progress": ValidationProgress;
  "validation-done": ValidationDone;
  "upload-progress": UploadProgress;
  "upload-finished": UploadFinished;
  "session-ended": SessionEnded;
}
