import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, renderApp } from "../test/render";

async function nav() {
  return screen.findByRole("navigation", { name: "Main" });
}

describe("role-based navigation", () => {
  it("shows Team and Support to admins", async () => {
    renderApp({ signedInAs: "admin" });
    const main = await nav();
    expect(within(main).getByRole("button", { name: "Team" })).toBeInTheDocument();
    expect(within(main).getByRole("button", { name: "Support" })).toBeInTheDocument();
  });

  it("hides Team and Support from marketers", async () => {
    renderApp({ signedInAs: "marketer" });
    const main = await nav();
    expect(within(main).queryByRole("button", { name: "Team" })).not.toBeInTheDocument();
    expect(within(main).queryByRole("button", { name: "Support" })).not.toBeInTheDocument();
    expect(within(main).getByRole("button", { name: "Upload" })).toBeInTheDocument();
  });

  it("gives support Support and History but no upload or Team", async () => {
    renderApp({ signedInAs: "support" });
    const main = await nav();
    expect(within(main).queryByRole("button", { name: "Team" })).not.toBeInTheDocument();
    expect(within(main).queryByRole("button", { name: "Upload" })).not.toBeInTheDocument();
    expect(within(main).queryByRole("button", { name: "Open a list" })).not.toBeInTheDocument();
    expect(within(main).getByRole("button", { name: "History" })).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Support", level: 1 })).toBeInTheDocument();
  });
});

describe("team", () => {
  async function openTeam() {
    const rendered = renderApp({ signedInAs: "admin" });
    await rendered.user.click(within(await nav()).getByRole("button", { name: "Team" }));
    await screen.findByRole("cell", { name: "Morgan Marketer" });
    return rendered;
  }

  it("has no axe violations", async () => {
    await openTeam();
    await screen.findByRole("rowheader", { name: "Nightly export" });
    await expectNoAxeViolations();
  });

  it("invites a member and shows the invitation token once", async () => {
    const { user } = await openTeam();
    await user.type(screen.getByLabelText("Email to invite"), "new@acme.example");
    await user.selectOptions(screen.getByLabelText("Role"), "support");
    await user.click(screen.getByRole("button", { name: "Invite" }));
    expect(await screen.findByText("Invited new@acme.example as support.")).toBeInTheDocument();
    expect(await screen.findByRole("rowheader", { name: "new@acme.example" })).toBeInTheDocument();
    const invitation = screen.getByRole("region", { name: "New invitation" });
    await user.click(within(invitation).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("region", { name: "New invitation" })).not.toBeInTheDocument();
  });

  it("explains an invalid invitation email", async () => {
    const { user } = await openTeam();
    await user.type(screen.getByLabelText("Email to invite"), "not-an-email");
    await user.click(screen.getByRole("button", { name: "Invite" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("not-an-email is not a valid email address");
  });

  it("changes a role and deactivates a member", async () => {
    const { user } = await openTeam();
    await user.selectOptions(screen.getByLabelText("Role of marketer@acme.example"), "support");
    expect(await screen.findByText("marketer@acme.example is now support.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Deactivate marketer@acme.example" }));
    expect(await screen.findByText("Deactivated marketer@acme.example.")).toBeInTheDocument();
    const row = screen.getByRole("rowheader", { name: "marketer@acme.example" }).closest("tr") as HTMLElement;
    expect(within(row).getByText("Deactivated")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Deactivate admin@acme.example" })).not.toBeInTheDocument();
  });

  it("creates a token, shows it once and copies it", async () => {
    const { user } = await openTeam();
    await user.type(screen.getByLabelText("Token name"), "Import job");
    await user.click(screen.getByLabelText("campaigns:read"));
    await user.click(screen.getByRole("button", { name: "Create token" }));
    const shown = await screen.findByRole("region", { name: "New token" });
    const value = within(shown).getByLabelText("New token value") as HTMLInputElement;
    expect(value.value).toMatch(/^spt_demo_/);
    await user.click(within(shown).getByRole("button", { name: "Copy" }));
    expect(await navigator.clipboard.readText()).toBe(value.value);
    expect(await within(shown).findByText("Copied to the clipboard.")).toBeInTheDocument();
    const row = screen.getByRole("rowheader", { name: "Import job" }).closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("uploads:create, campaigns:read");
    expect(row).toHaveTextContent("Never");

    await user.click(within(shown).getByRole("button", { name: "Done" }));
    expect(screen.queryByLabelText("New token value")).not.toBeInTheDocument();
  });

  it("rotates and revokes a token", async () => {
    const { user } = await openTeam();
    await user.click(await screen.findByRole("button", { name: "Rotate Nightly export" }));
    expect(await screen.findByRole("region", { name: "New token" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Revoke Nightly export" }));
    const row = screen.getByRole("rowheader", { name: "Nightly export" }).closest("tr") as HTMLElement;
    await waitFor(() => expect(row).toHaveTextContent("Revoked"));
    expect(within(row).queryByRole("button", { name: /Revoke/ })).not.toBeInTheDocument();
  });

  it("reports a broken audit chain", async () => {
    const { user, backend } = await openTeam();
    backend.tamperAudit(4);
    await user.click(screen.getByRole("button", { name: "Verify chain" }));
    expect(await screen.findByText(/The chain is broken at entry 4/)).toBeInTheDocument();
  });

  it("rotates the upload key", async () => {
    const { user } = await openTeam();
    await user.click(screen.getByRole("button", { name: "Rotate upload key" }));
    expect(await screen.findByText(/New key key-\d+ \(generation \d+\)/)).toBeInTheDocument();
  });

  it("filters the audit log and verifies the chain", async () => {
    const { user } = await openTeam();
    const audit = screen.getByRole("table", { name: "Audit entries" });
    await within(audit).findByText("session.create");
    await user.type(screen.getByLabelText("Action"), "upload.");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() => expect(within(audit).queryByText("session.create")).not.toBeInTheDocument());
    expect(within(audit).getByText("upload.accepted")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Verify chain" }));
    expect(await screen.findByText(/The chain of \d+ entries is intact/)).toBeInTheDocument();
  });
});
