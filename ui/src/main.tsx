import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import type { Backend } from "./backend/backend";
import { insideTauri, TauriBackend } from "./backend/tauri";
import { App } from "./App";
import { BackendContext } from "./context";
import "./styles.css";

/**
 * Picks the Tauri backend inside the desktop app. In a plain browser (the dev
 * preview) the in-memory backend with demo data is loaded instead, as a
 * separate chunk the desktop app never fetches.
 */
async function createBackend(): Promise<Backend> {
  if (insideTauri()) {
    return new TauriBackend();
  }
  const { MemoryBackend, SAMPLE_FILES } = await import("./backend/memory");
  document.title = "Sealpost (preview with demo data)";
  const samples = SAMPLE_FILES.map((file) => file.path);
  return new MemoryBackend({
    tickMs: 400,
    choosePath: (title) => window.prompt(`${title}. Sample files:\n${samples.join("\n")}`, samples[0]),
  });
}

const root = document.getElementById("root");
if (root === null) {
  throw new Error("index.html has no #root element");
}
const backend = await createBackend();
createRoot(root).render(
  <StrictMode>
    <BackendContext.Provider value={backend}>
      <App />
    </BackendContext.Provider>
  </StrictMode>,
);
