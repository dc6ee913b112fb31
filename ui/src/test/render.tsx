import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import type { ReactElement } from "react";
import { expect } from "vitest";
import { App } from "../App";
import { MemoryBackend, type MemoryOptions, SAMPLE_FILES } from "../backend/memory";
import { BackendContext } from "../context";

export function renderWith(backend: MemoryBackend, ui: ReactElement) {
  const user = userEvent.setup();
  const result = render(<BackendContext.Provider value={backend}>{ui}</BackendContext.Provider>);
  return { user, backend, ...result };
}

/** Renders the whole app on an in-memory backend. */
export function renderApp(options: MemoryOptions = {}) {
  return renderWith(new MemoryBackend(options), <App />);
}

export const MILLION_ROWS = SAMPLE_FILES[0]?.path ?? "";
export const WORKBOOK = SAMPLE_FILES[1]?.path ?? "";
export const SMALL_LIST = SAMPLE_FILES[2]?.path ?? "";

/**
 * Fails with the rule ids and targets when axe finds violations. Colour
 * contrast needs real layout, which jsdom does not do, so that rule is off.
 */
export async function expectNoAxeViolations(container: Element = document.body) {
  const results = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join("; ")}`,
  );
  expect(summary).toEqual([]);
}

/** Signs in through the app, opens a sample list and waits for its summary. */
export async function openSample(user: ReturnType<typeof userEvent.setup>, backend: MemoryBackend, path: string) {
  backend.nextPickedPath = path;
  await user.click(await screen.findByRole("button", { name: "Choose a file…" }));
  const name = path.split("/").pop() ?? path;
  await screen.findByRole("heading", { name });
  await waitFor(() => expect(screen.queryByText("Reading the list…")).not.toBeInTheDocument());
}
