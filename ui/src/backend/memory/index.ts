import { type Backend, BackendError, type Unlisten } from "../backend";
import type * as T from "../types";
import {
  DETECTED_FIELDS,
  errorRowIndexes,
  issueCounts,
  type OpenedList,
  readSample,
  rowsWithSeverity,
  SAMPLE_FILES,
  sampleIssues,
  sampleRow,
} from "./lists";
import { DEMO_USERS, demoAudit, demoCampaigns, demoMembers, demoTokens, demoUploads, type DemoUpload } from "./service";

export { DEMO_PASSWORD, DEMO_TOTP } from "./service";
export { SAMPLE_FILES } from "./lists";

export interface MemoryOptions {
  /** Milliseconds between simulated progress steps; 0 means steps run only on `tick()`. */
  tickMs?: number;
  keyringAvailable?: boolean;
  /** Starts signed in as this demo user. */
  signedInAs?: T.Role;
  pending?: T.PendingUpload[];
  /** A session an earlier run kept in a passphrase-protected file; `expired` when the service ended it since. */
  lockedSession?: { role: T.Role; passphrase: string; expired?: boolean };
  /** Stands in for the native open dialog; without it pickFile returns `nextPickedPath`. */
  choosePath?: (title: string) => string | null;
}

const CANONICAL_FIELDS: T.Field[] = [
  { key: "title", label: "Title", required: false },
  { key: "first_name", label: "First name", required: false },
  { key: "last_name", label: "Last name", required: false },
  { key: "full_name", label: "Full name", required: false },
  { key: "company", label: "Company", required: false },
  { key: "job_title", label: "Job title", required: false },
  { key: "address1", label: "Address line 1", required: true },
  { key: "address2", label: "Address line 2", required: false },
  { key: "address3", label: "Address line 3", required: false },
  { key: "city", label: "City", required: true },
  { key: "state", label: "State or county", required: false },
  { key: "postcode", label: "Postcode", required: true },
  { key: "country", label: "Country", required: false },
  { key: "email", label: "Email", required: false },
  { key: "phone", label: "Phone", required: false },
  { key: "ref_id", label: "Reference", required: false },
];

const BYTES_PER_ROW = 96;
const LOCKOUT_AFTER = 5;

interface Job {
  jobId: string;
  list: OpenedList;
  campaign: string;
  allowErrors: string[];
  phase: T.UploadPhase;
  acknowledged: number;
  total: number;
  paused: boolean;
}

interface Validation {
  listId: string;
  step: number;
}

type Handler = (payload: never) => void;

/**
 * A Backend that keeps everything in memory, with demo users, sample lists
 * and simulated progress. Component tests and the browser preview use it.
 */
export class MemoryBackend implements Backend {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly dropHandlers = new Set<(paths: string[]) => void>();
  private readonly lists = new Map<string, OpenedList>();
  private readonly mappings = new Map<string, (string | null)[]>();
  private readonly jobs = new Map<string, Job>();
  private readonly validations = new Map<string, Validation>();
  private templates: T.Template[] = [];
  private settings: T.Settings = { theme: "system", logLevel: "info", serverUrl: "https://127.0.0.1:8443" };
  private session: T.SessionInfo | null = null;
  private failures = 0;
  private tamperedEntry: number | undefined;
  private nextId = 1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private members = demoMembers();
  private campaigns = demoCampaigns();
  private uploads: DemoUpload[] = demoUploads();
  private tokens = demoTokens();
  private audit = demoAudit();
  private pending: T.PendingUpload[];
  private locked: MemoryOptions["lockedSession"];
  readonly notifications: { title: string; body: string }[] = [];
  /** Every list_page request, so tests can check what the grid asked for. */
  readonly pageRequests: T.PageRequest[] = [];
  /** Every pickFile request, so tests can check the dialog's title and filters. */
  readonly pickFileRequests: { title: string; filters: { name: string; extensions: string[] }[] }[] = [];
  /** The path the next pickFile or pickSavePath call returns, or null for a cancelled dialog. */
  nextPickedPath: string | null = SAMPLE_FILES[0]?.path ?? null;

  constructor(private readonly options: MemoryOptions = {}) {
    this.pending = options.pending ?? [];
    this.locked = options.lockedSession;
    if (options.signedInAs !== undefined) {
      const user = DEMO_USERS.find((candidate) => candidate.role === options.signedInAs);
      if (user !== undefined) {
        this.session = this.sessionFor(user.email, user.role, user.memberId);
      }
    }
  }

  // Session and settings

  async appInfo(): Promise<T.AppInfo> {
    const available = this.options.keyringAvailable ?? true;
    return {
      version: "0.1.0-preview",
      logDir: "/home/demo/.local/share/sealpost/logs",
      keyring: available ? { available } : { available, reason: "No Secret Service provider is running." },
      defaults: { serverUrl: "https://127.0.0.1:8443" },
      ...(this.locked !== undefined
        ? { lockedSession: { serverUrl: "https://127.0.0.1:8443", email: this.lockedUser()?.email ?? "" } }
        : {}),
    };
  }

  private lockedUser() {
    const locked = this.locked;
    return locked === undefined ? undefined : DEMO_USERS.find((candidate) => candidate.role === locked.role);
  }

  async unlockSession(passphrase: string): Promise<T.SessionInfo> {
    await pause();
    const user = this.lockedUser();
    if (this.locked === undefined || user === undefined) {
      throw fail("session.none", "No saved session is kept in a passphrase-protected file for this server.");
    }
    if (passphrase !== this.locked.passphrase) {
      throw fail("secrets.wrong_passphrase", "wrong passphrase for the session file");
    }
    if (this.locked.expired === true) {
      this.locked = undefined;
      throw fail("auth.session_expired", "The saved session has ended on the service, so its file was deleted.");
    }
    this.session = this.sessionFor(user.email, user.role, user.memberId);
    return this.session;
  }

  async getSettings(): Promise<T.Settings> {
    return { ...this.settings };
  }

  async saveSettings(settings: T.Settings): Promise<void> {
    if (settings.serverUrl !== undefined && settings.serverUrl !== "" && !settings.serverUrl.startsWith("https://")) {
      throw fail("config.http_url_refused", `The server URL ${settings.serverUrl} does not use https.`);
    }
    this.settings = { ...settings };
  }

  async signIn(request: T.SignInRequest): Promise<T.SessionInfo> {
    await pause();
    checkServer(request.serverUrl, request.caFile);

    if (request.storage === "keyring" && this.options.keyringAvailable === false) {
      throw fail("keyring.unavailable", "The system keyring is not available: no Secret Service provider is running.");
    }
    if (request.storage === "passphrase_file" && [...(request.passphrase ?? "")].length < 8) {
      throw fail("input.invalid", "the passphrase is too short: use at least 8 characters");
    }
    if (request.email === "locked@acme.example" || this.failures >= LOCKOUT_AFTER) {
      throw new BackendError({ code: "auth.locked", message: "Too many failed sign-ins.", retryAfterSeconds: 900 });
    }

    const user = DEMO_USERS.find((candidate) => candidate.email === request.email.trim().toLowerCase());
    if (user === undefined || user.password !== request.password) {
      this.failures += 1;
      throw fail("auth.invalid_credentials", "The email or password is wrong.");
    }
    if (user.totp !== undefined) {
      if (request.totp === undefined || request.totp === "") {
        throw fail("auth.totp_required", "This account needs a code from your authenticator app.");
      }
      if (request.totp !== user.totp) {
        this.failures += 1;
        // The service rejects a wrong code the same way as a wrong password.
        throw fail("auth.invalid_credentials", "The email, password or code is wrong.");
      }
    }

    this.failures = 0;
    this.settings = { ...this.settings, serverUrl: request.serverUrl, email: user.email, ...(request.caFile ? { caFile: request.caFile } : {}) };
    this.session = this.sessionFor(user.email, user.role, user.memberId);
    this.locked = request.storage === "passphrase_file" ? { role: user.role, passphrase: request.passphrase ?? "" } : undefined;
    return this.session;
  }

  async currentSession(): Promise<T.SessionInfo | null> {
    return this.session;
  }

  async signOut(): Promise<void> {
    this.session = null;
    this.locked = undefined;
    this.emit("session-ended", { reason: "signed_out" });
  }

  async openLogFolder(): Promise<void> {}

  // Lists

  async openList(request: T.OpenListRequest): Promise<T.ListSummary> {
    await pause();
    const file = SAMPLE_FILES.find((candidate) => candidate.path === request.path);
    if (file === undefined) {
      throw fail("list.not_found", `The file ${request.path} was not found.`);
    }
    if (request.sheet !== undefined && !file.sheets.includes(request.sheet)) {
      throw fail("list.unreadable", `The workbook has no sheet named ${request.sheet}.`);
    }
    const listId = `list-${this.nextId++}`;
    const list = readSample(file, listId, request);
    const template = this.templates.find((candidate) => sameHeadings(candidate.headings, list.summary.columns));
    if (template !== undefined) {
      list.summary.columns = list.summary.columns.map((column, index) => {
        const field = template.fields[index];
        return field === null || field === undefined ? { index: column.index, heading: column.heading } : { ...column, field };
      });
    }
    if (template !== undefined) {
      list.summary.template = template.name;
    }
    this.lists.set(listId, list);
    const fields = list.summary.columns.map((column) => column.field ?? null);
    this.mappings.set(listId, fields);
    list.summary.missingRequired = missingRequired(fields);
    return structuredClone(list.summary);
  }

  async listPage(request: T.PageRequest): Promise<T.Page> {
    this.pageRequests.push({ ...request });
    const list = this.list(request.listId);
    const rows: T.Row[] = [];
    if (request.onlyErrors) {
      const indexes = errorRowIndexes(list);
      for (const index of indexes.slice(request.start, request.start + request.count)) {
        rows.push(sampleRow(list, index));
      }
      return { totalRows: indexes.length, rows };
    }
    const end = Math.min(request.start + request.count, list.rows);
    for (let index = request.start; index < end; index += 1) {
      rows.push(sampleRow(list, index));
    }
    return { totalRows: list.rows, rows };
  }

  async validateList(listId: string): Promise<void> {
    this.list(listId);
    this.validations.set(listId, { listId, step: 0 });
    this.schedule();
  }

  async cancelValidation(listId: string): Promise<void> {
    const list = this.list(listId);
    if (this.validations.delete(listId)) {
      this.emit("validation-done", { listId, cancelled: true, summary: { rows: 0, rowsWithErrors: 0, rowsWithWarnings: 0, countsByCode: {} } });
    }
    void list;
  }

  async validationIssues(request: T.IssuesRequest): Promise<T.IssuePage> {
    return sampleIssues(this.list(request.listId), request.code, request.offset, request.limit);
  }

  async closeList(listId: string): Promise<void> {
    this.lists.delete(listId);
    this.validations.delete(listId);
  }

  // Mapping

  async canonicalFields(): Promise<T.Field[]> {
    return CANONICAL_FIELDS.map((field) => ({ ...field }));
  }

  async setMapping(request: { listId: string; fields: (string | null)[] }): Promise<T.MappingResult> {
    const list = this.list(request.listId);
    if (request.fields.length !== list.summary.columns.length) {
      throw fail("input.invalid", `The mapping has ${request.fields.length} entries but the list has ${list.summary.columns.length} columns.`);
    }
    // As in the app, a new mapping cancels a running validation and drops its results. The
    // app's worker thread reports the cancel later, so the report is sent after this call returns.
    if (this.validations.delete(request.listId)) {
      const summary = { rows: 0, rowsWithErrors: 0, rowsWithWarnings: 0, countsByCode: {} };
      setTimeout(() => this.emit("validation-done", { listId: request.listId, cancelled: true, summary }), 0);
    }
    this.mappings.set(request.listId, [...request.fields]);
    return { missingRequired: missingRequired(request.fields) };
  }

  async listTemplates(): Promise<T.Template[]> {
    return this.templates.map((template) => ({ ...template, headings: [...template.headings], fields: [...template.fields] }));
  }

  async saveTemplate(request: { listId: string; name: string }): Promise<void> {
    const list = this.list(request.listId);
    const name = request.name.trim();
    if (name === "") {
      throw fail("template.invalid", "The template name is empty.");
    }
    this.templates = this.templates.filter((template) => template.name !== name);
    this.templates.push({
      name,
      headings: list.summary.columns.map((column) => column.heading),
      fields: [...(this.mappings.get(request.listId) ?? [])],
    });
  }

  async deleteTemplate(name: string): Promise<void> {
    this.templates = this.templates.filter((template) => template.name !== name);
  }

  // Upload

  async startUpload(request: T.StartUploadRequest): Promise<string> {
    this.requireSession();
    if (this.session?.role === "support") {
      throw fail("permission.denied", "Support members cannot upload lists.");
    }
    const list = this.list(request.listId);
    const jobId = `job-${this.nextId++}`;
    const total = list.rows * BYTES_PER_ROW;
    this.jobs.set(jobId, {
      jobId,
      list,
      campaign: request.campaign,
      allowErrors: request.allowErrors,
      phase: "validating",
      acknowledged: 0,
      total,
      paused: false,
    });
    this.schedule();
    return jobId;
  }

  async pauseUpload(jobId: string): Promise<void> {
    const job = this.job(jobId);
    job.paused = true;
    this.emitProgress(job);
  }

  async resumeUpload(jobId: string): Promise<void> {
    const pending = this.pending.find((candidate) => candidate.jobId === jobId);
    if (pending !== undefined) {
      this.pending = this.pending.filter((candidate) => candidate.jobId !== jobId);
      const file = SAMPLE_FILES[0];
      if (file === undefined) {
        throw fail("upload.not_found", `No upload job has the id ${jobId}.`);
      }
      const list = readSample(file, `list-${this.nextId++}`, {});
      this.jobs.set(jobId, {
        jobId,
        list,
        campaign: pending.campaign,
        allowErrors: Object.keys(issueCounts(list)),
        phase: "sealing_and_sending",
        acknowledged: pending.bytesAcknowledged,
        total: pending.totalBytes,
        paused: false,
      });
      this.schedule();
      return;
    }
    const job = this.job(jobId);
    job.paused = false;
    this.emitProgress(job);
    this.schedule();
  }

  async cancelUpload(jobId: string): Promise<void> {
    const pending = this.pending.find((candidate) => candidate.jobId === jobId);
    if (pending !== undefined) {
      this.pending = this.pending.filter((candidate) => candidate.jobId !== jobId);
      return;
    }
    this.job(jobId);
    this.jobs.delete(jobId);
    this.emit("upload-finished", { jobId, state: "cancelled", reason: "You cancelled the upload." });
  }

  async pendingUploads(): Promise<T.PendingUpload[]> {
    return this.pending.map((upload) => ({ ...upload }));
  }

  // History and support

  async listCampaigns(): Promise<T.Campaign[]> {
    this.requireSession();
    return this.campaigns.map((campaign) => ({ ...campaign }));
  }

  async createCampaign(name: string): Promise<T.Campaign> {
    this.requireSession();
    const trimmed = name.trim();
    if (trimmed === "" || trimmed.length > 200) {
      throw fail("validation.invalid", "A campaign name needs 1 to 200 characters.");
    }
    const campaign: T.Campaign = {
      id: `c-${this.nextId++}`,
      name: trimmed,
      ownerId: this.session?.memberId ?? "",
      status: "draft",
      createdAt: new Date().toISOString(),
    };
    this.campaigns.unshift(campaign);
    return { ...campaign };
  }

  async listUploads(request: T.UploadListRequest): Promise<T.UploadPage> {
    const session = this.requireSession();
    const items = this.uploads
      .map((upload) => upload.summary)
      .filter((upload) => session.role !== "marketer" || upload.ownerId === session.memberId)
      .filter((upload) => request.campaign === undefined || upload.campaignId === request.campaign)
      .filter((upload) => request.status === undefined || upload.state === request.status)
      .filter((upload) => request.owner === undefined || upload.ownerId === request.owner)
      .filter((upload) => request.from === undefined || upload.createdAt >= request.from)
      .filter((upload) => request.to === undefined || upload.createdAt <= request.to);
    return { items: items.map((item) => ({ ...item })) };
  }

  async getUpload(uploadId: string): Promise<T.UploadDetail> {
    const upload = this.findUpload(uploadId);
    return {
      upload: { ...upload.summary },
      events: upload.events.map((event) => ({ ...event })),
      ...(upload.validation !== undefined ? { validation: { ...upload.validation } } : {}),
    };
  }

  async uploadEvents(uploadId: string): Promise<T.UploadEvent[]> {
    return this.findUpload(uploadId).events.map((event) => ({ ...event }));
  }

  async exportDiagnostics(path: string): Promise<void> {
    this.requireSession();
    if (path.trim() === "") {
      throw fail("io.error", "No file was chosen for the diagnostics bundle.");
    }
  }

  // Team

  async listMembers(): Promise<T.Member[]> {
    this.requireAdmin();
    return this.members.map((member) => ({ ...member }));
  }

  async inviteMember(request: { email: string; role: T.Role }): Promise<T.Invitation> {
    this.requireAdmin();
    const email = request.email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      throw fail("validation.invalid", `${request.email} is not a valid email address.`);
    }
    if (this.members.some((member) => member.email === email)) {
      throw fail("member.exists", `${email} is already a member.`);
    }
    this.members.push({ id: `m-${this.nextId++}`, email, name: "", role: request.role, active: true, totpEnabled: false, createdAt: new Date().toISOString() });
    this.record("member.invite", email);
    const id = `inv-${this.nextId++}`;
    return { id, email, role: request.role, token: secretFor(id), expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() };
  }

  async setMemberRole(request: { memberId: string; role: T.Role }): Promise<void> {
    this.requireAdmin();
    const member = this.member(request.memberId);
    member.role = request.role;
    this.record("member.role_change", member.id);
  }

  async deactivateMember(memberId: string): Promise<void> {
    const session = this.requireAdmin();
    if (memberId === session.memberId) {
      throw fail("member.self", "You cannot deactivate your own membership.");
    }
    this.member(memberId).active = false;
    this.record("member.deactivate", memberId);
  }

  async listTokens(): Promise<T.TokenInfo[]> {
    this.requireAdmin();
    return this.tokens.map((token) => ({ ...token, permissions: [...token.permissions] }));
  }

  async createToken(request: T.CreateTokenRequest): Promise<T.TokenCreated> {
    const session = this.requireAdmin();
    if (request.name.trim() === "" || request.scopes.length === 0) {
      throw fail("validation.invalid", "A token needs a name and at least one scope.");
    }
    const now = Date.now();
    const info: T.TokenInfo = {
      id: `t-${this.nextId++}`,
      memberId: session.memberId,
      name: request.name.trim(),
      permissions: [...request.scopes],
      createdAt: new Date(now).toISOString(),
      ...(request.expiresInDays !== undefined ? { expiresAt: new Date(now + request.expiresInDays * 86_400_000).toISOString() } : {}),
    };
    this.tokens.unshift(info);
    this.record("token.create", info.id);
    return { token: secretFor(info.id), info: { ...info } };
  }

  async rotateToken(tokenId: string): Promise<T.TokenCreated> {
    this.requireAdmin();
    const token = this.token(tokenId);
    this.record("token.rotate", tokenId);
    return { token: secretFor(`${tokenId}-${this.nextId++}`), info: { ...token } };
  }

  async revokeToken(tokenId: string): Promise<void> {
    this.requireAdmin();
    this.token(tokenId).revokedAt = new Date().toISOString();
    this.record("token.revoke", tokenId);
  }

  async rotateUploadKey(): Promise<T.UploadKeyInfo> {
    this.requireAdmin();
    this.record("upload_key.rotate", "acme");
    const generation = this.nextId++;
    return { publicKey: "hpke-x25519:7f3c…", keyId: `key-${generation}`, generation, createdAt: new Date().toISOString() };
  }

  async auditList(request: T.AuditRequest): Promise<T.AuditPage> {
    this.requireAdmin();
    const items = this.audit
      .filter((entry) => request.action === undefined || entry.action.startsWith(request.action))
      .filter((entry) => request.member === undefined || entry.actor.includes(request.member))
      .filter((entry) => request.from === undefined || entry.at >= request.from)
      .filter((entry) => request.to === undefined || entry.at <= request.to)
      .slice()
      .reverse();
    return { items };
  }

  async auditVerify(): Promise<T.AuditVerification> {
    this.requireAdmin();
    if (this.tamperedEntry !== undefined) {
      return { ok: false, entries: this.audit.length, firstBadEntry: this.tamperedEntry };
    }
    return { ok: true, entries: this.audit.length };
  }

  /** Marks an audit entry as changed after it was written, so verification fails there. */
  tamperAudit(seq: number): void {
    this.tamperedEntry = seq;
  }

  // Events, dialogs and notifications

  async on<E extends keyof T.EventMap>(event: E, handler: (payload: T.EventMap[E]) => void): Promise<Unlisten> {
    const set = this.handlers.get(event) ?? new Set<Handler>();
    set.add(handler as Handler);
    this.handlers.set(event, set);
    return () => set.delete(handler as Handler);
  }

  async onFileDrop(handler: (paths: string[]) => void): Promise<Unlisten> {
    this.dropHandlers.add(handler);
    return () => this.dropHandlers.delete(handler);
  }

  /** Ends the session on the simulated service without telling the UI, as an idle timeout there would. */
  expireSession(): void {
    this.session = null;
  }

  /** Simulates files dropped on the window. */
  dropFiles(paths: string[]): void {
    for (const handler of this.dropHandlers) {
      handler(paths);
    }
  }

  async pickFile(options: { title: string; filters: { name: string; extensions: string[] }[] }): Promise<string | null> {
    this.pickFileRequests.push(options);
    return this.options.choosePath !== undefined ? this.options.choosePath(options.title) : this.nextPickedPath;
  }

  async pickSavePath(options: { title: string; defaultPath: string }): Promise<string | null> {
    return this.nextPickedPath === null ? null : `/home/demo/${options.defaultPath}`;
  }

  async notify(title: string, body: string): Promise<void> {
    this.notifications.push({ title, body });
  }

  /** Emits an event as the Rust side would. */
  emit<E extends keyof T.EventMap>(event: E, payload: T.EventMap[E]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      (handler as (value: T.EventMap[E]) => void)(payload);
    }
  }

  /** Advances every running validation and upload by one step. */
  tick(): void {
    for (const validation of [...this.validations.values()]) {
      this.stepValidation(validation);
    }
    for (const job of [...this.jobs.values()]) {
      this.stepJob(job);
    }
    if (this.validations.size === 0 && [...this.jobs.values()].every((job) => job.paused) && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  // Internals

  private schedule(): void {
    const tickMs = this.options.tickMs ?? 0;
    if (tickMs > 0 && this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), tickMs);
    }
  }

  private stepValidation(validation: Validation): void {
    const list = this.lists.get(validation.listId);
    if (list === undefined) {
      this.validations.delete(validation.listId);
      return;
    }
    const steps = 10;
    validation.step += 1;
    const rowsDone = Math.min(list.rows, Math.round((list.rows * validation.step) / steps));
    this.emit("validation-progress", {
      listId: list.summary.listId,
      rowsDone,
      bytesDone: rowsDone * BYTES_PER_ROW,
      totalBytes: list.rows * BYTES_PER_ROW,
    });
    if (validation.step >= steps) {
      this.validations.delete(validation.listId);
      this.emit("validation-done", {
        listId: list.summary.listId,
        cancelled: false,
        summary: this.summaryOf(list),
      });
    }
  }

  private stepJob(job: Job): void {
    if (job.paused) {
      return;
    }
    switch (job.phase) {
      case "validating":
        job.phase = "sealing_and_sending";
        break;
      case "sealing_and_sending":
        job.acknowledged = Math.min(job.total, job.acknowledged + Math.max(1, Math.ceil(job.total / 8)));
        if (job.acknowledged >= job.total) {
          job.phase = "waiting_for_scan";
        }
        break;
      case "waiting_for_scan":
        job.phase = "validating_on_service";
        break;
      case "validating_on_service":
        job.phase = "done";
        break;
      case "done":
        this.finishJob(job);
        return;
    }
    this.emitProgress(job);
  }

  private emitProgress(job: Job): void {
    const sending = job.phase === "sealing_and_sending" && !job.paused;
    const rate = job.total / 8 / 0.5;
    this.emit("upload-progress", {
      jobId: job.jobId,
      phase: job.phase,
      bytesAcknowledged: job.acknowledged,
      totalBytes: job.total,
      ...(sending ? { bytesPerSecond: rate, etaSeconds: Math.ceil((job.total - job.acknowledged) / rate) } : {}),
      paused: job.paused,
    });
  }

  private finishJob(job: Job): void {
    this.jobs.delete(job.jobId);
    const summary = this.summaryOf(job.list);
    const blocked = Object.keys(summary.countsByCode).filter(
      (code) => errorCodes(job.list).has(code) && !job.allowErrors.includes(code),
    );
    const uploadId = `u-${String(this.nextId++).padStart(4, "0")}`;
    let state: T.UploadFinalState = "accepted";
    let reason: string | undefined;
    if (job.list.file.path.includes("eicar")) {
      state = "quarantined";
      reason = "The scanner found Eicar-Test-Signature.";
    } else if (blocked.length > 0) {
      state = "rejected";
      reason = `${summary.rowsWithErrors} rows have errors: ${blocked.join(", ")}.`;
    }
    const createdAt = new Date().toISOString();
    this.uploads.unshift({
      summary: {
        id: uploadId,
        ownerId: this.session?.memberId ?? "",
        campaignId: job.campaign,
        state,
        length: job.total,
        offset: job.total,
        ...(reason !== undefined ? { reason } : {}),
        createdAt,
      },
      events: [{ at: createdAt, kind: state, requestId: `req-${uploadId}`, details: {} }],
      validation: summary,
    });
    this.emit("upload-finished", { jobId: job.jobId, uploadId, state, ...(reason !== undefined ? { reason } : {}), summary });
  }

  private summaryOf(list: OpenedList): T.ValidationSummary {
    return {
      rows: list.rows,
      rowsWithErrors: rowsWithSeverity(list, "error"),
      rowsWithWarnings: rowsWithSeverity(list, "warning"),
      countsByCode: issueCounts(list),
    };
  }

  private sessionFor(email: string, role: T.Role, memberId: string): T.SessionInfo {
    return { email, role, memberId, accountName: "Acme Mail", expiresAt: new Date(Date.now() + 12 * 3_600_000).toISOString(), idleTimeoutMinutes: 30 };
  }

  private requireSession(): T.SessionInfo {
    if (this.session === null) {
      throw fail("auth.session_expired", "Your session has ended. Sign in again.");
    }
    return this.session;
  }

  private requireAdmin(): T.SessionInfo {
    const session = this.requireSession();
    if (session.role !== "admin") {
      throw fail("permission.denied", "Only admins can manage the team.");
    }
    return session;
  }

  private record(action: string, target: string): void {
    const last = this.audit[this.audit.length - 1];
    this.audit.push({
      seq: (last?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      actor: this.session?.email ?? "system",
      action,
      target,
      outcome: "success",
      clientAddress: "127.0.0.1",
      requestId: `req-audit-${this.nextId++}`,
    });
  }

  private list(listId: string): OpenedList {
    const list = this.lists.get(listId);
    if (list === undefined) {
      throw fail("list.closed", "The list is no longer open. Open it again.");
    }
    return list;
  }

  private job(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (job === undefined) {
      throw fail("upload.not_found", `No upload job has the id ${jobId}.`);
    }
    return job;
  }

  private findUpload(uploadId: string): DemoUpload {
    this.requireSession();
    const upload = this.uploads.find((candidate) => candidate.summary.id === uploadId.trim());
    if (upload === undefined) {
      throw fail("upload.not_found", `No upload has the id ${uploadId}.`);
    }
    return upload;
  }

  private member(memberId: string): T.Member {
    const member = this.members.find((candidate) => candidate.id === memberId);
    if (member === undefined) {
      throw fail("member.not_found", `No member has the id ${memberId}.`);
    }
    return member;
  }

  private token(tokenId: string): T.TokenInfo {
    const token = this.tokens.find((candidate) => candidate.id === tokenId);
    if (token === undefined) {
      throw fail("token.not_found", `No token has the id ${tokenId}.`);
    }
    return token;
  }
}

function missingRequired(fields: (string | null)[]): string[] {
  const chosen = new Set(fields.filter((field): field is string => field !== null));
  return CANONICAL_FIELDS.filter((field) => field.required && !chosen.has(field.key)).map((field) => field.key);
}

function fail(code: string, message: string): BackendError {
  return new BackendError({ code, message });
}

/** Yields once, so callers see a pending state as they would over IPC. */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function errorCodes(list: OpenedList): Set<string> {
  return new Set(list.rules.filter((rule) => rule.severity === "error").map((rule) => rule.code));
}

function sameHeadings(headings: string[], columns: T.Column[]): boolean {
  return headings.length === columns.length && headings.every((heading, index) => columns[index]?.heading === heading);
}

/** Derives a fake token secret from `seed`, because the in-memory backend never talks to a service. */
function secretFor(seed: string): string {
  let hash = 2166136261;
  for (const char of seed) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  }
  return `spt_demo_${hash.toString(16).padStart(8, "0")}${"x".repeat(24)}`;
}

/**
 * Maps the demo server URLs to the errors a real service would cause, so the
 * preview can show each sign-in message.
 */
function checkServer(serverUrl: string, caFile: string | undefined): void {
  if (!serverUrl.startsWith("https://")) {
    throw fail("config.http_url_refused", `The server URL ${serverUrl} does not use https.`);
  }
  const host = serverUrl.slice("https://".length).split(/[/:]/)[0] ?? "";
  if (host.startsWith("unreachable")) {
    throw fail("net.unreachable", `Could not connect to ${host}.`);
  }
  if (host.startsWith("slow")) {
    throw fail("net.timeout", `The connection to ${host} timed out after 30 seconds.`);
  }
  if (host.startsWith("expired")) {
    throw fail("tls.expired", `The certificate of ${host} has expired.`);
  }
  if (host.startsWith("wrong-name")) {
    throw fail("tls.name_mismatch", `The certificate is not valid for ${host}.`);
  }
  if (host.startsWith("private-ca") && (caFile === undefined || caFile === "")) {
    throw fail("tls.unknown_issuer", `The certificate of ${host} was issued by an unknown authority.`);
  }
}

export { DETECTED_FIELDS };
