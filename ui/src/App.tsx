import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ListSummary, OpenListRequest, PendingUpload, Role, SessionInfo, Settings as SettingsValue } from "./backend/types";
import { BackendError } from "./backend/backend";
import { watchSession } from "./backend/watchSession";
import { BackendContext, useBackend, useBackendEvent } from "./context";
import { History } from "./screens/History";
import { MapColumns, type Mapping } from "./screens/MapColumns";
import { OpenList } from "./screens/OpenList";
import { Preview } from "./screens/Preview";
import { Settings } from "./screens/Settings";
import { SignIn } from "./screens/SignIn";
import { Support } from "./screens/Support";
import { Team } from "./screens/Team";
import { Upload } from "./screens/Upload";
import type { UploadJob, ValidationState } from "./state";

export type ScreenId = "open" | "preview" | "map" | "upload" | "history" | "team" | "support" | "settings";

const SCREENS: { id: ScreenId; label: string; roles: Role[] }[] = [
  { id: "open", label: "Open a list", roles: ["admin", "marketer"] },
  { id: "preview", label: "Preview", roles: ["admin", "marketer"] },
  { id: "map", label: "Map columns", roles: ["admin", "marketer"] },
  { id: "upload", label: "Upload", roles: ["admin", "marketer"] },
  { id: "history", label: "History", roles: ["admin", "marketer", "support"] },
  { id: "team", label: "Team", roles: ["admin"] },
  { id: "support", label: "Support", roles: ["admin", "support"] },
  { id: "settings", label: "Settings", roles: ["admin", "marketer", "support"] },
];

const ENDED: Record<string, string> = {
  idle_timeout: "You were signed out after a period without activity. Sign in again to continue.",
  expired: "Your session reached its time limit. Sign in again to continue.",
  signed_out: "You signed out.",
};

const FINAL_TITLES: Record<string, string> = {
  accepted: "Upload accepted",
  rejected: "Upload rejected",
  quarantined: "Upload quarantined",
  scan_pending: "Upload waiting for the scanner",
  cancelled: "Upload cancelled",
  failed: "Upload failed",
};

function applyTheme(theme: SettingsValue["theme"]) {
  if (theme === "system") {
    delete document.documentElement.dataset.theme;
  } else {
    document.documentElement.dataset.theme = theme;
  }
}

export function App() {
  const backend = useBackend();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [screen, setScreen] = useState<ScreenId>("open");
  const [list, setList] = useState<ListSummary | null>(null);
  const [openRequest, setOpenRequest] = useState<OpenListRequest | null>(null);
  const [mapping, setMapping] = useState<Mapping>({ fields: [], missingRequired: [] });
  // A mapping change makes the backend cancel a running validation, and its final report can
  // arrive after the next validation has started. This counts the superseded runs whose
  // reports are still due, so they do not end the run that replaced them.
  const supersededRuns = useRef(0);
  const [validation, setValidation] = useState<ValidationState | null>(null);
  const [jobs, setJobs] = useState<UploadJob[]>([]);
  const [pending, setPending] = useState<PendingUpload[]>([]);

  useEffect(() => {
    backend.currentSession().then(setSession, () => setSession(null));
    backend.getSettings().then((settings) => applyTheme(settings.theme), () => undefined);
  }, [backend]);

  // Screens get a backend that returns to sign-in when a command reports the session ended.
  const screensBackend = useMemo(
    () =>
      watchSession(backend, () => {
        setSession(null);
        setNotice("Your session has ended. Sign in again to continue.");
      }),
    [backend],
  );

  const refreshPending = useCallback(() => {
    backend.pendingUploads().then(setPending, () => setPending([]));
  }, [backend]);

  useEffect(() => {
    if (session) {
      refreshPending();
      setScreen(session.role === "support" ? "support" : "open");
    }
  }, [session, refreshPending]);

  useBackendEvent("session-ended", (payload) => {
    setSession(null);
    setNotice(ENDED[payload.reason] ?? "Your session ended. Sign in again.");
  });

  useBackendEvent("validation-progress", (payload) => {
    setValidation((current) =>
      current?.listId === payload.listId && current.status === "running"
        ? { ...current, rowsDone: payload.rowsDone, bytesDone: payload.bytesDone, ...(payload.totalBytes !== undefined ? { totalBytes: payload.totalBytes } : {}) }
        : current,
    );
  });

  useBackendEvent("validation-done", (payload) => {
    if (supersededRuns.current > 0) {
      supersededRuns.current -= 1;
      return;
    }
    setValidation((current) =>
      current?.listId === payload.listId
        ? payload.error !== undefined
          ? { ...current, status: "failed", error: new BackendError({ code: "list.unreadable", message: payload.error }) }
          : { ...current, status: payload.cancelled ? "cancelled" : "done", ...(payload.cancelled ? {} : { summary: payload.summary }) }
        : current,
    );
  });

  useBackendEvent("upload-progress", (payload) => {
    setJobs((current) => current.map((job) => (job.jobId === payload.jobId ? { ...job, progress: payload } : job)));
  });

  useBackendEvent("upload-finished", (payload) => {
    const job = jobs.find((candidate) => candidate.jobId === payload.jobId);
    const name = job?.fileName ?? "The list";
    const body = `${name}: ${payload.reason ?? FINAL_TITLES[payload.state] ?? payload.state}`;
    void backend.notify(FINAL_TITLES[payload.state] ?? "Upload finished", body).catch(() => undefined);
    setJobs((current) => current.map((candidate) => (candidate.jobId === payload.jobId ? { ...candidate, finished: payload } : candidate)));
    // A failed upload can stay resumable, and then it is listed with the interrupted ones.
    refreshPending();
  });

  const startValidation = useCallback(
    (listId: string) => {
      setValidation({ listId, status: "running", rowsDone: 0, bytesDone: 0 });
      backend.validateList(listId).catch((error: unknown) => setValidation({ listId, status: "failed", rowsDone: 0, bytesDone: 0, error }));
    },
    [backend],
  );

  function opened(next: ListSummary, request: OpenListRequest) {
    setList(next);
    setOpenRequest(request);
    setMapping({ fields: next.columns.map((column) => column.field ?? null), missingRequired: next.missingRequired });
    supersededRuns.current = 0;
    startValidation(next.listId);
  }

  function mappingChanged(next: Mapping) {
    if (list === null) {
      return;
    }
    setMapping(next);
    if (validation?.listId === list.listId && validation.status === "running") {
      supersededRuns.current += 1;
    }
    startValidation(list.listId);
  }

  async function signOut() {
    try {
      await backend.signOut();
    } finally {
      setSession(null);
      setNotice(ENDED.signed_out);
    }
  }

  if (session === undefined) {
    return <p role="status" className="loading">Starting Sealpost…</p>;
  }
  if (session === null) {
    return (
      <SignIn
        {...(notice !== undefined ? { notice } : {})}
        onSignedIn={(next) => {
          setNotice(undefined);
          setSession(next);
        }}
      />
    );
  }

  const allowed = SCREENS.filter((item) => item.roles.includes(session.role));
  const current = allowed.some((item) => item.id === screen) ? screen : (allowed[0]?.id ?? "settings");
  const needsList = (id: ScreenId) => (id === "preview" || id === "map") && list === null;

  return (
    <BackendContext.Provider value={screensBackend}>
      <div className="shell">
        <header className="topbar">
          <span className="brand">Sealpost</span>
          <span className="who">
            {session.email} · {session.role} · {session.accountName}
          </span>
          <button type="button" onClick={() => void signOut()}>Sign out</button>
        </header>
        <nav aria-label="Main" className="sidebar">
          <ul>
            {allowed.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  aria-current={current === item.id ? "page" : undefined}
                  disabled={needsList(item.id)}
                  onClick={() => setScreen(item.id)}
                >
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main className="content">
          {pending.length > 0 && current !== "upload" && (
            <div className="callout" role="status">
              {pending.length === 1 ? "An upload was interrupted." : `${pending.length} uploads were interrupted.`}{" "}
              <button type="button" onClick={() => setScreen("upload")}>Review and resume</button>
            </div>
          )}
          {current === "open" && <OpenList list={list} request={openRequest} onOpened={opened} onContinue={() => setScreen("preview")} />}
          {current === "preview" && list !== null && (
            <Preview
              list={list}
              validation={validation?.listId === list.listId ? validation : null}
              onValidate={() => startValidation(list.listId)}
              onCancelValidation={() => void backend.cancelValidation(list.listId)}
              onContinue={() => setScreen("map")}
            />
          )}
          {current === "map" && list !== null && <MapColumns list={list} mapping={mapping} onMappingChange={mappingChanged} onContinue={() => setScreen("upload")} />}
          {current === "upload" && (
            <Upload
              list={list}
              validation={validation}
              jobs={jobs}
              pending={pending}
              onStarted={(job) => setJobs((existing) => [job, ...existing.filter((item) => item.jobId !== job.jobId)])}
              onPendingChanged={refreshPending}
              onGoToPreview={() => setScreen("preview")}
            />
          )}
          {current === "history" && <History session={session} />}
          {current === "team" && session.role === "admin" && <Team session={session} />}
          {current === "support" && <Support />}
          {current === "settings" && <Settings onSaved={(settings) => applyTheme(settings.theme)} />}
        </main>
      </div>
    </BackendContext.Provider>
  );
}
