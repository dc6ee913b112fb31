import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_TOTP } from "../backend/memory";
import { expectNoAxeViolations, renderApp } from "../test/render";

async function fillAndSubmit(user: ReturnType<typeof renderApp>["user"], fields: { url?: string; email: string; password: string }) {
  const url = await screen.findByLabelText("Server URL");
  // The remembered URL arrives asynchronously; wait so it cannot land after the clear below.
  await waitFor(() => expect(url).toHaveValue("https://127.0.0.1:8443"));
  if (fields.url !== undefined) {
    await user.clear(url);
    await user.type(url, fields.url);
  }
  await user.clear(screen.getByLabelText("Email"));
  await user.type(screen.getByLabelText("Email"), fields.email);
  await user.type(screen.getByLabelText("Password"), fields.password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("sign in", () => {
  it("remembers the server URL and has no axe violations", async () => {
    renderApp();
    const url = await screen.findByLabelText("Server URL");
    await waitFor(() => expect(url).toHaveValue("https://127.0.0.1:8443"));
    await expectNoAxeViolations();
  });

  it("signs a marketer in and shows the main navigation", async () => {
    const { user } = renderApp();
    await fillAndSubmit(user, { email: "marketer@acme.example", password: DEMO_PASSWORD });
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("button", { name: "Open a list" })).toBeInTheDocument();
    expect(screen.getByText(/marketer@acme.example/)).toBeInTheDocument();
  });

  it("explains wrong credentials", async () => {
    const { user } = renderApp();
    await fillAndSubmit(user, { email: "marketer@acme.example", password: "wrong" });
    expect(await screen.findByRole("alert")).toHaveTextContent("The email or password is wrong");
  });

  it("shows the lockout wait", async () => {
    const { user } = renderApp();
    await fillAndSubmit(user, { email: "locked@acme.example", password: "anything" });
    expect(await screen.findByRole("alert")).toHaveTextContent("Try again in 15 minutes");
  });

  it("refuses a plain http URL before sending anything", async () => {
    const { user } = renderApp();
    await fillAndSubmit(user, { url: "http://127.0.0.1:8443", email: "marketer@acme.example", password: DEMO_PASSWORD });
    expect(await screen.findByRole("alert")).toHaveTextContent("must start with https://");
  });

  it.each([
    ["https://private-ca.localhost", "choose its CA file"],
    ["https://expired.localhost", "certificate has expired"],
    ["https://wrong-name.localhost", "different name"],
    ["https://unreachable.localhost", "Could not reach the server"],
    ["https://slow.localhost", "did not answer in time"],
  ])("names the cause for %s", async (url, text) => {
    const { user } = renderApp();
    await fillAndSubmit(user, { url, email: "marketer@acme.example", password: DEMO_PASSWORD });
    expect(await screen.findByRole("alert")).toHaveTextContent(text);
  });

  it("accepts the private CA once a CA file is given", async () => {
    const { user, backend } = renderApp();
    backend.nextPickedPath = "/home/demo/corp-ca.pem";
    await user.click(await screen.findByText("Advanced"));
    await user.click(screen.getByRole("button", { name: "Choose CA file…" }));
    expect(screen.getByLabelText("Extra CA certificate file (optional)")).toHaveValue("/home/demo/corp-ca.pem");
    await fillAndSubmit(user, { url: "https://private-ca.localhost", email: "marketer@acme.example", password: DEMO_PASSWORD });
    expect(await screen.findByRole("navigation", { name: "Main" })).toBeInTheDocument();
  });

  it("asks for the TOTP code and then signs in", async () => {
    const { user } = renderApp();
    await fillAndSubmit(user, { email: "admin@acme.example", password: DEMO_PASSWORD });
    expect(await screen.findByRole("alert")).toHaveTextContent("6-digit code");
    const code = screen.getByLabelText("Authenticator code");
    await user.type(code, "000000");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The password or the authenticator code is wrong");

    await user.clear(code);
    await user.type(code, DEMO_TOTP);
    await user.type(screen.getByLabelText("Password"), DEMO_PASSWORD);
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("button", { name: "Team" })).toBeInTheDocument();
  });

  it("offers session-only or a passphrase file without a keyring", async () => {
    const { user } = renderApp({ keyringAvailable: false });
    const sessionOnly = await screen.findByLabelText(/This session only/);
    expect(sessionOnly).toBeChecked();
    await user.click(screen.getByLabelText(/passphrase-protected file/));
    await user.type(screen.getByLabelText(/^Passphrase/), "short");
    await fillAndSubmit(user, { email: "marketer@acme.example", password: DEMO_PASSWORD });
    expect(await screen.findByRole("alert")).toHaveTextContent("at least 8 characters");
    await expectNoAxeViolations();

    await user.type(screen.getByLabelText(/^Passphrase/), "-and-longer");
    await user.type(screen.getByLabelText("Repeat the passphrase"), "short-and-longer");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("navigation", { name: "Main" })).toBeInTheDocument();
  });

  it("asks for the passphrase twice and names a mismatch", async () => {
    const { user, backend } = renderApp({ keyringAvailable: false });
    await user.click(await screen.findByLabelText(/passphrase-protected file/));
    await user.type(screen.getByLabelText(/^Passphrase/), "correct horse");
    await user.type(screen.getByLabelText("Repeat the passphrase"), "correct hose");
    await fillAndSubmit(user, { email: "marketer@acme.example", password: DEMO_PASSWORD });
    expect(await screen.findByRole("alert")).toHaveTextContent("The two passphrases differ");
    expect(await backend.currentSession()).toBeNull();
  });

  it("opens a saved session with its passphrase", async () => {
    const { user } = renderApp({ keyringAvailable: false, lockedSession: { role: "marketer", passphrase: "correct horse" } });
    expect(await screen.findByRole("heading", { name: "Open your saved session" })).toBeInTheDocument();
    expect(screen.getByText(/as marketer@acme.example on https:\/\/127.0.0.1:8443/)).toBeInTheDocument();
    await expectNoAxeViolations();

    await user.type(screen.getByLabelText("Passphrase"), "wrong horse");
    await user.click(screen.getByRole("button", { name: "Open session" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The passphrase does not open the saved session file");
    expect(screen.getByLabelText("Passphrase")).toHaveValue("");
    await expectNoAxeViolations();

    await user.type(screen.getByLabelText("Passphrase"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Open session" }));
    expect(await screen.findByRole("navigation", { name: "Main" })).toBeInTheDocument();
  });

  it("falls back to the password when the saved session ended", async () => {
    const { user } = renderApp({ keyringAvailable: false, lockedSession: { role: "marketer", passphrase: "correct horse", expired: true } });
    await user.type(await screen.findByLabelText("Passphrase"), "correct horse");
    await user.click(screen.getByRole("button", { name: "Open session" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Your session has ended. Sign in again.");
    expect(screen.getByLabelText("Password")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Open your saved session" })).not.toBeInTheDocument();
  });

  it("lets a member sign in with the password instead", async () => {
    const { user } = renderApp({ keyringAvailable: false, lockedSession: { role: "marketer", passphrase: "correct horse" } });
    await user.click(await screen.findByRole("button", { name: "Sign in with my password instead" }));
    await fillAndSubmit(user, { email: "marketer@acme.example", password: DEMO_PASSWORD });
    expect(await screen.findByRole("navigation", { name: "Main" })).toBeInTheDocument();
  });

  it("signs out from the top bar", async () => {
    const { user, backend } = renderApp({ signedInAs: "marketer" });
    await user.click(await screen.findByRole("button", { name: "Sign out" }));
    expect(await screen.findByText("You signed out.")).toBeInTheDocument();
    expect(await backend.currentSession()).toBeNull();
  });

  it("returns to sign in when a command finds the session ended", async () => {
    const { user, backend } = renderApp({ signedInAs: "marketer" });
    const nav = await screen.findByRole("navigation", { name: "Main" });
    backend.expireSession();
    await user.click(within(nav).getByRole("button", { name: "History" }));
    expect(await screen.findByText("Your session has ended. Sign in again to continue.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
  });

  it("returns to sign in when the session ends", async () => {
    const { backend } = renderApp({ signedInAs: "marketer" });
    await screen.findByRole("navigation", { name: "Main" });
    backend.emit("session-ended", { reason: "idle_timeout" });
    expect(await screen.findByText(/signed out after a period without activity/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
  });
});
