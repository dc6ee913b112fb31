import { emit } from "@tauri-apps/api/event";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { BackendError } from "../backend/backend";
import { TauriBackend } from "../backend/tauri";
import type { UploadProgress } from "../backend/types";

interface Call {
  command: string;
  args: unknown;
}

function recordCalls(result: (command: string) => unknown = () => null): Call[] {
  const calls: Call[] = [];
  mockIPC((command, args) => {
    calls.push({ command, args });
    return result(command);
  }, { shouldMockEvents: true });
  return calls;
}

afterEach(() => clearMocks());

describe("Tauri backend", () => {
  it("passes several fields as one request argument", async () => {
    const calls = recordCalls();
    const backend = new TauriBackend();
    await backend.openList({ path: "/tmp/list.csv", delimiter: ";" });
    await backend.listPage({ listId: "l1", start: 100, count: 100, onlyErrors: true });
    await backend.startUpload({ listId: "l1", campaign: "c1", allowErrors: ["duplicate"] });
    await backend.setMemberRole({ memberId: "m1", role: "support" });
    expect(calls).toEqual([
      { command: "open_list", args: { request: { path: "/tmp/list.csv", delimiter: ";" } } },
      { command: "list_page", args: { request: { listId: "l1", start: 100, count: 100, onlyErrors: true } } },
      { command: "start_upload", args: { request: { listId: "l1", campaign: "c1", allowErrors: ["duplicate"] } } },
      { command: "set_member_role", args: { request: { memberId: "m1", role: "support" } } },
    ]);
  });

  it("passes single values as plain named arguments", async () => {
    const calls = recordCalls();
    const backend = new TauriBackend();
    await backend.validateList("l1");
    await backend.pauseUpload("j1");
    await backend.getUpload("u1");
    await backend.createCampaign("Spring");
    await backend.deactivateMember("m1");
    await backend.revokeToken("t1");
    await backend.deleteTemplate("CRM");
    await backend.exportDiagnostics("/tmp/bundle.zip");
    await backend.saveSettings({ theme: "dark", logLevel: "info" });
    await backend.currentSession();
    await backend.unlockSession("correct horse");
    expect(calls).toEqual([
      { command: "validate_list", args: { listId: "l1" } },
      { command: "pause_upload", args: { jobId: "j1" } },
      { command: "get_upload", args: { uploadId: "u1" } },
      { command: "create_campaign", args: { name: "Spring" } },
      { command: "deactivate_member", args: { memberId: "m1" } },
      { command: "revoke_token", args: { tokenId: "t1" } },
      { command: "delete_template", args: { name: "CRM" } },
      { command: "export_diagnostics", args: { path: "/tmp/bundle.zip" } },
      { command: "save_settings", args: { settings: { theme: "dark", logLevel: "info" } } },
      { command: "current_session", args: {} },
      { command: "unlock_session", args: { passphrase: "correct horse" } },
    ]);
  });

  it("turns a command error into a BackendError with its code", async () => {
    mockIPC(() => {
      throw { code: "auth.locked", message: "Too many failed sign-ins.", retryAfterSeconds: 600 };
    });
    const error = await new TauriBackend()
      .signIn({ serverUrl: "https://127.0.0.1:8443", email: "a@b.example", password: "x", storage: "keyring" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: "auth.locked", retryAfterSeconds: 600 });
  });

  it("delivers event payloads to listeners", async () => {
    recordCalls();
    const received: UploadProgress[] = [];
    const unlisten = await new TauriBackend().on("upload-progress", (payload) => received.push(payload));
    const payload: UploadProgress = { jobId: "j1", phase: "sealing_and_sending", bytesAcknowledged: 10, totalBytes: 100, paused: false };
    await emit("upload-progress", payload);
    unlisten();
    await emit("upload-progress", { ...payload, bytesAcknowledged: 20 });
    expect(received).toEqual([payload]);
  });
});
