import type * as T from "./types";

/** The error every backend call rejects with; the UI switches on `code`, never on `message`. */
export class BackendError extends Error implements T.AppError {
  readonly code: string;
  readonly retryAfterSeconds?: number;

  constructor(error: T.AppError) {
    super(error.message);
    this.name = "BackendError";
    this.code = error.code;
    if (error.retryAfterSeconds !== undefined) {
      this.retryAfterSeconds = error.retryAfterSeconds;
    }
  }
}

/** Converts whatever a call rejected with into a BackendError. */
export function toBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) {
    return error;
  }
  if (typeof error === "object" && error !== null && "code" in error) {
    const value = error as Partial<T.AppError>;
    return new BackendError({
      code: String(value.code),
      message: String(value.message ?? ""),
      ...(typeof value.retryAfterSeconds === "number"
        ? { retryAfterSeconds: value.retryAfterSeconds }
        : {}),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BackendError({ code: "internal", message });
}

export type Unlisten = () => void;

/**
 * Every command and event of the desktop app contract, plus the native
 * dialogs, notifications and file drops the screens need.
 */
export interface Backend {
  appInfo(): Promise<T.AppInfo>;
  getSettings(): Promise<T.Settings>;
  saveSettings(settings: T.Settings): Promise<void>;
  signIn(request: T.SignInRequest): Promise<T.SessionInfo>;
  currentSession(): Promise<T.SessionInfo | null>;
  /** Opens the session an earlier run kept in a passphrase-protected file. */
  unlockSession(passphrase: string): Promise<T.SessionInfo>;
  signOut(): Promise<void>;
  openLogFolder(): Promise<void>;

  openList(request: T.OpenListRequest): Promise<T.ListSummary>;
  listPage(request: T.PageRequest): Promise<T.Page>;
  validateList(listId: string): Promise<void>;
  cancelValidation(listId: string): Promise<void>;
  validationIssues(request: T.IssuesRequest): Promise<T.IssuePage>;
  closeList(listId: string): Promise<void>;

  canonicalFields(): Promise<T.Field[]>;
  setMapping(request: { listId: string; fields: (string | null)[] }): Promise<T.MappingResult>;
  listTemplates(): Promise<T.Template[]>;
  saveTemplate(request: { listId: string; name: string }): Promise<void>;
  deleteTemplate(name: string): Promise<void>;

  startUpload(request: T.StartUploadRequest): Promise<string>;
  pauseUpload(jobId: string): Promise<void>;
  resumeUpload(jobId: string): Promise<void>;
  cancelUpload(jobId: string): Promise<void>;
  pendingUploads(): Promise<T.PendingUpload[]>;

  listCampaigns(): Promise<T.Campaign[]>;
  createCampaign(name: string): Promise<T.Campaign>;
  listUploads(request: T.UploadListRequest): Promise<T.UploadPage>;
  getUpload(uploadId: string): Promise<T.UploadDetail>;
  uploadEvents(uploadId: string): Promise<T.UploadEvent[]>;
  exportDiagnostics(path: string): Promise<void>;

  listMembers(): Promise<T.Member[]>;
  inviteMember(request: { email: string; role: T.Role }): Promise<T.Invitation>;
  setMemberRole(request: { memberId: string; role: T.Role }): Promise<void>;
  deactivateMember(memberId: string): Promise<void>;
  listTokens(): Promise<T.TokenInfo[]>;
  createToken(request: T.CreateTokenRequest): Promise<T.TokenCreated>;
  rotateToken(tokenId: string): Promise<T.TokenCreated>;
  revokeToken(tokenId: string): Promise<void>;
  rotateUploadKey(): Promise<T.UploadKeyInfo>;
  auditList(request: T.AuditRequest): Promise<T.AuditPage>;
  auditVerify(): Promise<T.AuditVerification>;

  /** Subscribes to one contract event; the promise resolves once the listener is registered. */
  on<E extends keyof T.EventMap>(event: E, handler: (payload: T.EventMap[E]) => void): Promise<Unlisten>;
  /** Calls `handler` with the paths of files dropped on the window. */
  onFileDrop(handler: (paths: string[]) => void): Promise<Unlisten>;

  /** Shows the native open dialog; resolves to null when the user cancels. */
  pickFile(options: { title: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null>;
  /** Shows the native save dialog; resolves to null when the user cancels. */
  pickSavePath(options: { title: string; defaultPath: string }): Promise<string | null>;
  /** Shows a desktop notification, asking for permission the first time. */
  notify(title: string, body: string): Promise<void>;
}
