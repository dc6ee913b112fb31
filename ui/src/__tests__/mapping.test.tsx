import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, MILLION_ROWS, openSample, renderApp } from "../test/render";

async function openMapping() {
  const rendered = renderApp({ signedInAs: "marketer" });
  await openSample(rendered.user, rendered.backend, MILLION_ROWS);
  await rendered.user.click(screen.getByRole("button", { name: "Preview and validate" }));
  await rendered.user.click(await screen.findByRole("button", { name: "Next: map columns" }));
  await screen.findByRole("heading", { name: "Map columns" });
  return rendered;
}

describe("map columns", () => {
  it("shows each column with its detected field", async () => {
    await openMapping();
    expect(await screen.findByLabelText("Postcode")).toHaveValue("postcode");
    expect(screen.getByLabelText("Town")).toHaveValue("city");
    expect(await screen.findByText("Every required field has a column.")).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it("calls out missing required fields and blocks continuing", async () => {
    const { user } = await openMapping();
    await waitFor(() => expect(screen.getByRole("button", { name: "Continue to upload" })).toBeEnabled());
    await user.selectOptions(await screen.findByLabelText("Postcode"), "");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Missing required fields: Postcode");
    expect(screen.getByRole("button", { name: "Continue to upload" })).toBeDisabled();
    expect(screen.getByText(/Detected: Postcode/)).toBeInTheDocument();
    await expectNoAxeViolations();

    await user.selectOptions(screen.getByLabelText("Postcode"), "postcode");
    await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
    expect(screen.getByRole("button", { name: "Continue to upload" })).toBeEnabled();
  });

  it("warns when two columns share a field", async () => {
    const { user } = await openMapping();
    await user.selectOptions(await screen.findByLabelText("Address 2"), "address1");
    expect(screen.getAllByText(/Another column is mapped to this field too/)).toHaveLength(2);
  });

  it("saves a template that applies to the next list with the same headings", async () => {
    const { user, backend } = await openMapping();
    await user.selectOptions(await screen.findByLabelText("Customer ref"), "");
    await user.type(screen.getByLabelText("Template name"), "Acme CRM export");
    await user.click(screen.getByRole("button", { name: "Save as template" }));
    expect(await screen.findByText(/Saved template “Acme CRM export”/)).toBeInTheDocument();
    const templates = screen.getByRole("list", { name: "Saved templates" });
    expect(within(templates).getByText(/Acme CRM export/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Open a list" }));
    await openSample(user, backend, MILLION_ROWS);
    await user.click(screen.getByRole("button", { name: "Map columns" }));
    expect(await screen.findByLabelText("Customer ref")).toHaveValue("");

    await user.click(screen.getByRole("button", { name: "Delete template Acme CRM export" }));
    await waitFor(() => expect(screen.queryByRole("list", { name: "Saved templates" })).not.toBeInTheDocument());
  });

  it("validates again after a mapping change", async () => {
    const { user, backend } = await openMapping();
    // The validation started on opening is still running when the mapping changes.
    await user.selectOptions(await screen.findByLabelText("Address 2"), "");
    await user.click(screen.getByRole("button", { name: "Continue to upload" }));
    expect(await screen.findByText(/Validating the list: 0 rows checked/)).toBeInTheDocument();
    act(() => {
      for (let step = 0; step < 10; step += 1) {
        backend.tick();
      }
    });
    expect(await screen.findByText(/customers-1m.csv: 1,000,000 rows, 17,533 with errors/)).toBeInTheDocument();
  });
});
