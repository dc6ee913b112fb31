import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { MemoryBackend, MemoryOptions } from "../backend/memory";
import { expectNoAxeViolations, openSample, renderApp, SMALL_LIST } from "../test/render";

function tick(backend: MemoryBackend, steps = 1) {
  act(() => {
    for (let step = 0; step < steps; step += 1) {
      backend.tick();
    }
  });
}

async function openUpload(options: MemoryOptions = {}) {
  const rendered = renderApp({ signedInAs: "marketer", ...options });
  await openSample(rendered.user, rendered.backend, SMALL_LIST);
  tick(rendered.backend, 10);
  const nav = screen.getByRole("navigation", { name: "Main" });
  await rendered.user.click(within(nav).getByRole("button", { name: "Upload" }));
  await screen.findByText(/small-clean.csv: 40 rows, 2 with errors, 1 with warnings/);
  await screen.findByLabelText(/Upload anyway with invalid postcode/);
  return rendered;
}

async function acceptAllErrors(user: ReturnType<typeof renderApp>["user"]) {
  await user.click(screen.getByLabelText(/Upload anyway with invalid postcode/));
  await user.click(screen.getByLabelText(/Upload anyway with missing required field/));
}

describe("upload", () => {
  it("reviews the list before uploading and has no axe violations", async () => {
    await openUpload();
    expect(screen.getByText(/the service will reject the list/)).toBeInTheDocument();
    expect(screen.getByLabelText("Campaign")).toHaveValue("c-spring");
    await expectNoAxeViolations();
  });

  it("creates a campaign and selects it", async () => {
    const { user } = await openUpload();
    await user.type(screen.getByLabelText("New campaign name"), "Summer sale");
    await user.click(screen.getByRole("button", { name: "Create campaign" }));
    await waitFor(() => expect(screen.getByLabelText("Campaign")).toHaveDisplayValue("Summer sale"));
  });

  it("shows phases and acknowledged bytes until accepted, then notifies", async () => {
    const { user, backend } = await openUpload();
    await acceptAllErrors(user);
    await user.click(screen.getByRole("button", { name: "Encrypt and upload" }));
    const progress = await screen.findByTestId("upload-progress");
    expect(screen.getByRole("button", { name: "Encrypt and upload" })).toBeDisabled();

    tick(backend);
    expect(within(progress).getByText("Encrypting and sending")).toHaveAttribute("aria-current", "step");
    tick(backend);
    expect(within(progress).getByText(/480 B of 3.8 KiB acknowledged \(13%\)/)).toBeInTheDocument();
    expect(within(progress).getByText(/left$/)).toBeInTheDocument();
    await expectNoAxeViolations();

    tick(backend, 12);
    expect(await within(progress).findByText(/The service accepted the list/)).toBeInTheDocument();
    expect(backend.notifications).toEqual([{ title: "Upload accepted", body: "small-clean.csv: Upload accepted" }]);
  });

  it("pauses, resumes and cancels", async () => {
    const { user, backend } = await openUpload();
    await acceptAllErrors(user);
    await user.click(screen.getByRole("button", { name: "Encrypt and upload" }));
    const progress = await screen.findByTestId("upload-progress");
    tick(backend, 2);
    await user.click(within(progress).getByRole("button", { name: "Pause" }));
    expect(await within(progress).findByText("Paused")).toBeInTheDocument();
    tick(backend, 3);
    expect(within(progress).getByText(/480 B of 3.8 KiB acknowledged/)).toBeInTheDocument();

    await user.click(within(progress).getByRole("button", { name: "Resume" }));
    tick(backend);
    expect(within(progress).getByText(/960 B of 3.8 KiB acknowledged/)).toBeInTheDocument();

    await user.click(within(progress).getByRole("button", { name: "Cancel upload" }));
    expect(await within(progress).findByText(/The upload was cancelled/)).toBeInTheDocument();
    expect(within(progress).queryByRole("button", { name: "Pause" })).not.toBeInTheDocument();
    expect(backend.notifications[0]?.title).toBe("Upload cancelled");
  });

  it("reports a rejection with its reason", async () => {
    const { user, backend } = await openUpload();
    await user.click(screen.getByRole("button", { name: "Encrypt and upload" }));
    const progress = await screen.findByTestId("upload-progress");
    tick(backend, 20);
    expect(await within(progress).findByText(/rejected the list. 2 rows have errors: invalid_postcode, missing_required/)).toBeInTheDocument();
    expect(backend.notifications[0]?.body).toContain("2 rows have errors");
  });

  it("offers to resume an interrupted upload at start", async () => {
    const pending = [
      {
        jobId: "job-old",
        fileName: "customers-1m.csv",
        filePath: "/home/demo/lists/customers-1m.csv",
        campaign: "Spring catalogue",
        bytesAcknowledged: 48_000_000,
        totalBytes: 96_000_000,
        savedAt: "2026-11-30T10:00:00Z",
        earlierRun: false,
        startsOver: false,
      },
    ];
    const { user, backend } = renderApp({ signedInAs: "marketer", pending });
    await user.click(await screen.findByRole("button", { name: "Review and resume" }));
    const section = await screen.findByRole("region", { name: "Interrupted uploads" });
    expect(section).toHaveTextContent("45.8 MiB of 91.6 MiB sent");
    await user.click(within(section).getByRole("button", { name: "Resume" }));
    const progress = await screen.findByTestId("upload-progress");
    tick(backend);
    expect(within(progress).getByText(/57.2 MiB of 91.6 MiB acknowledged/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("region", { name: "Interrupted uploads" })).not.toBeInTheDocument());
  });

  it("lists an earlier run's upload with its campaign and discards it", async () => {
    const pending = [
      {
        jobId: "saved-0123456789abcdef0123456789abcdef",
        fileName: "customers-1m.csv",
        filePath: "/home/demo/lists/customers-1m.csv",
        campaign: "c-spring",
        bytesAcknowledged: 48_000_000,
        totalBytes: 96_000_000,
        savedAt: "2026-11-30T10:00:00Z",
        earlierRun: true,
        startsOver: false,
      },
    ];
    const { user } = renderApp({ signedInAs: "marketer", pending });
    await user.click(await screen.findByRole("button", { name: "Review and resume" }));
    const section = await screen.findByRole("region", { name: "Interrupted uploads" });
    await waitFor(() => expect(section).toHaveTextContent("customers-1m.csv to Spring catalogue"));
    expect(section).toHaveTextContent("before the app was last closed");
    expect(section).not.toHaveTextContent("from the start");
    await expectNoAxeViolations();

    await user.click(within(section).getByRole("button", { name: "Discard" }));
    await waitFor(() => expect(screen.queryByRole("region", { name: "Interrupted uploads" })).not.toBeInTheDocument());
  });

  it("warns that an upload without a keyring starts over", async () => {
    const pending = [
      {
        jobId: "saved-0123456789abcdef0123456789abcdef",
        fileName: "customers-1m.csv",
        filePath: "/home/demo/lists/customers-1m.csv",
        campaign: "c-spring",
        bytesAcknowledged: 1_000,
        totalBytes: 96_000_000,
        savedAt: "",
        earlierRun: true,
        startsOver: true,
      },
    ];
    const { user } = renderApp({ signedInAs: "marketer", pending });
    await user.click(await screen.findByRole("button", { name: "Review and resume" }));
    const section = await screen.findByRole("region", { name: "Interrupted uploads" });
    expect(section).toHaveTextContent("resuming sends the list again from the start");
    expect(section).not.toHaveTextContent("saved");
  });
});
