import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import type { Backend } from "./backend/backend";
import { MemoryBackend } from "./backend/memory";
import { insideTauri, TauriBackend } from "./backend/tauri";
import { App } from "./App";
import { BackendContext } from "./context";
import "./styles.css";

// Outside the desktop app (the browser preview) the in-memory backend supplies demo data.
const backend: Backend = insideTauri() ? new TauriBackend() : new MemoryBackend({ tickMs: 400 });

const root = document.getElementById("root");
if (root === null) {
  throw new Error("index.html has no #root element");
}
createRoot(root).render(
  <StrictMode>
    <BackendContext.Provider value={backend}>
      <App />
    </BackendContext.Provider>
  </StrictMode>,
);
