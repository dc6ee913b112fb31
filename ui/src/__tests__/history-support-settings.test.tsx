import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, renderApp } from "../test/render";

async function go(user: ReturnType<typeof renderApp>["user"], name: string) {
  const nav = await screen.findByRole("navigation", { name: "Main" });
  await user.click(within(nav).getByRole("button", { name }));
}

function historyIds(): string[] {
  return screen.getAllByTestId("history-row").map((row) => within(row).getAllByRole("cell")[0]?.textContent ?? "");
}

describe("history", () => {
  it("lists the account's uploads for admins and has no axe violations", async () => {
    const { user } = renderApp({ signedInAs: "admin" });
    await go(user, "History");
    await waitFor(() => expect(screen.getAllByTestId("history-row")).toHaveLength(5));
    expect(historyIds()[0]).toBe("u-0005");
    await expectNoAxeViolations();
  });

  it("shows marketers only their own uploads", async () => {
    const { user } = renderApp({ signedInAs: "marketer" });
    await go(user, "History");
    await waitFor(() => expect(historyIds()).toEqual(["u-0004", "u-0002", "u-0001"]));
    expect(screen.queryByLabelText("Uploaded by")).not.toBeInTheDocument();
  });

  it("filters by status and campaign", async () => {
    const { user } = renderApp({ signedInAs: "admin" });
    await go(user, "History");
    await waitFor(() => expect(screen.getAllByTestId("history-row")).toHaveLength(5));
    await user.selectOptions(screen.getByLabelText("Status"), "accepted");
    await waitFor(() => expect(historyIds()).toEqual(["u-0003", "u-0001"]));
    await user.selectOptions(screen.getByLabelText("Campaign"), "c-winback");
    await waitFor(() => expect(historyIds()).toEqual(["u-0003"]));
    await user.selectOptions(screen.getByLabelText("Status"), "quarantined");
    expect(await screen.findByText("No uploads match these filters.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(screen.getAllByTestId("history-row")).toHaveLength(5));
  });

  it("sorts by size", async () => {
    const { user } = renderApp({ signedInAs: "admin" });
    await go(user, "History");
    await waitFor(() => expect(screen.getAllByTestId("history-row")).toHaveLength(5));
    await user.click(screen.getByRole("button", { name: "Size" }));
    expect(historyIds()).toEqual(["u-0004", "u-0002", "u-0005", "u-0003", "u-0001"]);
    expect(screen.getByRole("columnheader", { name: /Size/ })).toHaveAttribute("aria-sort", "ascending");
    await user.click(screen.getByRole("button", { name: /Size/ }));
    expect(historyIds()[0]).toBe("u-0001");
  });

  it("opens a detail drawer with the validation summary and timeline", async () => {
    const { user } = renderApp({ signedInAs: "admin" });
    await go(user, "History");
    await user.click(await screen.findByRole("button", { name: "u-0002" }));
    const drawer = await screen.findByRole("dialog", { name: "Upload u-0002" });
    expect(await within(drawer).findByText(/412 with errors/)).toBeInTheDocument();
    expect(within(drawer).getByText(/Invalid postcode: 412/)).toBeInTheDocument();
    expect(within(drawer).getByText(/request req-u-0002-5/)).toBeInTheDocument();
    expect(within(drawer).getByRole("button", { name: "Close" })).toHaveFocus();
    await expectNoAxeViolations();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "u-0002" })).toHaveFocus();
  });
});

describe("support", () => {
  it("finds an upload by id and shows its timeline", async () => {
    const { user } = renderApp({ signedInAs: "support" });
    await screen.findByRole("heading", { name: "Support", level: 1 });
    await user.type(screen.getByLabelText("Upload id"), "u-0004");
    await user.click(screen.getByRole("button", { name: "Find" }));
    const drawer = await screen.findByRole("dialog", { name: "Upload u-0004" });
    expect(await within(drawer).findByText(/Eicar-Test-Signature/, { selector: "dd" })).toBeInTheDocument();
    expect(within(drawer).getByText(/request req-u-0004-3/)).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it("explains an unknown upload id", async () => {
    const { user } = renderApp({ signedInAs: "support" });
    await user.type(await screen.findByLabelText("Upload id"), "u-9999");
    await user.click(screen.getByRole("button", { name: "Find" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("No upload was found");
  });

  it("finds uploads by member and by campaign", async () => {
    const { user } = renderApp({ signedInAs: "support" });
    await user.selectOptions(await screen.findByLabelText("Find by"), "member");
    await user.type(screen.getByLabelText("Member id"), "m-admin");
    await user.click(screen.getByRole("button", { name: "Find" }));
    const found = await screen.findByRole("table", { name: "Uploads found" });
    expect(within(found).getAllByRole("row")).toHaveLength(3);

    await user.selectOptions(screen.getByLabelText("Find by"), "campaign");
    await user.selectOptions(screen.getByLabelText("Campaign"), "c-spring");
    await user.click(screen.getByRole("button", { name: "Find" }));
    await waitFor(() => expect(within(screen.getByRole("table", { name: "Uploads found" })).getByRole("button", { name: "u-0002" })).toBeInTheDocument());
  });

  it("exports a diagnostics bundle", async () => {
    const { user } = renderApp({ signedInAs: "support" });
    await user.click(await screen.findByRole("button", { name: "Export diagnostics bundle…" }));
    expect(await screen.findByText("Saved the diagnostics bundle to /home/demo/sealpost-diagnostics.json.")).toBeInTheDocument();
  });
});

describe("settings", () => {
  it("saves the theme and applies it, with no axe violations", async () => {
    const { user } = renderApp({ signedInAs: "marketer" });
    await go(user, "Settings");
    await user.click(await screen.findByLabelText("Dark"));
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
    expect(document.documentElement.dataset.theme).toBe("dark");
    await expectNoAxeViolations();

    await user.click(screen.getByLabelText("Follow the system"));
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
  });

  it("rejects a plain http server URL", async () => {
    const { user } = renderApp({ signedInAs: "marketer" });
    await go(user, "Settings");
    const url = await screen.findByLabelText("Server URL");
    await user.clear(url);
    await user.type(url, "http://127.0.0.1:8443");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("must start with https://");
  });

  it("saves the proxy, CA file and log level", async () => {
    const { user, backend } = renderApp({ signedInAs: "marketer" });
    await go(user, "Settings");
    backend.nextPickedPath = "/home/demo/corp-ca.pem";
    await user.click(await screen.findByRole("button", { name: "Choose CA file…" }));
    await user.type(screen.getByLabelText("HTTPS proxy"), "http://127.0.0.1:3128");
    await user.selectOptions(screen.getByLabelText("Log level"), "debug");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByText("Settings saved.");
    expect(await backend.getSettings()).toMatchObject({ caFile: "/home/demo/corp-ca.pem", proxy: "http://127.0.0.1:3128", logLevel: "debug" });
    expect(screen.getByText(/Logs are in/)).toBeInTheDocument();
  });
});
