import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open, save } from "@tauri-apps/plugin-dialog";
import {
  isPermissionGranted,
  requestPermission,
  sendNotification,
} from "@tauri-apps/plugin-notification";
import { type Backend, toBackendError, type Unlisten } from "./backend";
import type * as T from "./types";

/** Invokes a command and turns its rejection into a BackendError. */
async function call<R>(command: string, args?: Record<string, unknown>): Promise<R> {
  try {
    return await invoke<R>(command, args);
  } catch (error) {
    throw toBackendError(error);
  }
}

/**
 * The Backend of the desktop app: Tauri commands and events. Commands with
 * several fields take one `request` argument, the others a plain named one.
 */
export class TauriBackend implements Backend {
  appInfo = () => call<T.AppInfo>("app_info");
  getSettings = () => call<T.Settings>("get_settings");
  saveSettings = (settings: T.Settings) => call<void>("save_settings", { settings });
  signIn = (request: T.SignInRequest) => call<T.SessionInfo>("sign_in", { request });
  currentSession = () => call<T.SessionInfo | null>("current_session");
  unlockSession = (passphrase: string) => call<T.SessionInfo>("unlock_session", { passphrase });
  signOut = () => call<void>("sign_out");
  openLogFolder = () => call<void>("open_log_folder");

  openList = (request: T.OpenListRequest) => call<T.ListSummary>("open_list", { request });
  listPage = (request: T.PageRequest) => call<T.Page>("list_page", { request });
  validateList = (listId: string) => call<void>("validate_list", { listId });
  cancelValidation = (listId: string) => call<void>("cancel_validation", { listId });
  validationIssues = (request: T.IssuesRequest) =>
    call<T.IssuePage>("validation_issues", { request });
  closeList = (listId: string) => call<void>("close_list", { listId });

  canonicalFields = () => call<T.Field[]>("canonical_fields");
  setMapping = (request: { listId: string; fields: (string | null)[] }) =>
    call<T.MappingResult>("set_mapping", { request });
  listTemplates = () => call<T.Template[]>("list_templates");
  saveTemplate = (request: { listId: string; name: string }) =>
    call<void>("save_template", { request });
  deleteTemplate = (name: string) => call<void>("delete_template", { name });

  startUpload = (request: T.StartUploadRequest) => call<string>("start_upload", { request });
  pauseUpload = (jobId: string) => call<void>("pause_upload", { jobId });
  resumeUpload = (jobId: string) => call<void>("resume_upload", { jobId });
  cancelUpload = (jobId: string) => call<void>("cancel_upload", { jobId });
  pendingUploads = () => call<T.PendingUpload[]>("pending_uploads");

  listCampaigns = () => call<T.Campaign[]>("list_campaigns");
  createCampaign = (name: string) => call<T.Campaign>("create_campaign", { name });
  listUploads = (request: T.UploadListRequest) => call<T.UploadPage>("list_uploads", { request });
  getUpload = (uploadId: string) => call<T.UploadDetail>("get_upload", { uploadId });
  uploadEvents = (uploadId: string) => call<T.UploadEvent[]>("upload_events", { uploadId });
  exportDiagnostics = (path: string) => call<void>("export_diagnostics", { path });

  listMembers = () => call<T.Member[]>("list_members");
  inviteMember = (request: { email: string; role: T.Role }) =>
    call<T.Invitation>("invite_member", { request });
  setMemberRole = (request: { memberId: string; role: T.Role }) =>
    call<void>("set_member_role", { request });
  deactivateMember = (memberId: string) => call<void>("deactivate_member", { memberId });
  listTokens = () => call<T.TokenInfo[]>("list_tokens");
  createToken = (request: T.CreateTokenRequest) => call<T.TokenCreated>("create_token", { request });
  rotateToken = (tokenId: string) => call<T.TokenCreated>("rotate_token", { tokenId });
  revokeToken = (tokenId: string) => call<void>("revoke_token", { tokenId });
  rotateUploadKey = () => call<T.UploadKeyInfo>("rotate_upload_key");
  auditList = (request: T.AuditRequest) => call<T.AuditPage>("audit_list", { request });
  auditVerify = () => call<T.AuditVerification>("audit_verify");

  on<E extends keyof T.EventMap>(
    event: E,
    handler: (payload: T.EventMap[E]) => void,
  ): Promise<Unlisten> {
    return listen<T.EventMap[E]>(event, (message) => handler(message.payload));
  }

  onFileDrop(handler: (paths: string[]) => void): Promise<Unlisten> {
    return getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === "drop") {
        handler(event.payload.paths);
      }
    });
  }

  async pickFile(options: {
    title: string;
    filters: { name: string; extensions: string[] }[];
  }): Promise<string | null> {
    const path = await open({ title: options.title, filters: options.filters, multiple: false, directory: false });
    return typeof path === "string" ? path : null;
  }

  pickSavePath(options: { title: string; defaultPath: string }): Promise<string | null> {
    return save({ title: options.title, defaultPath: options.defaultPath });
  }

  async notify(title: string, body: string): Promise<void> {
    let granted = await isPermissionGranted();
    if (!granted) {
      granted = (await requestPermission()) === "granted";
    }
    if (granted) {
      sendNotification({ title, body });
    }
  }
}

/** Returns true when the page runs inside the Tauri webview rather than a plain browser. */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
