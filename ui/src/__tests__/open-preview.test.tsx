import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { MemoryBackend } from "../backend/memory";
import { PAGE_SIZE } from "../components/usePages";
import { expectNoAxeViolations, MILLION_ROWS, openSample, renderApp, SMALL_LIST, WORKBOOK } from "../test/render";

function finishValidation(backend: MemoryBackend) {
  act(() => {
    for (let step = 0; step < 10; step += 1) {
      backend.tick();
    }
  });
}

async function firstRowNumber(): Promise<number> {
  const grid = screen.getByTestId("list-grid");
  let value = Number.NaN;
  await waitFor(() => {
    const row = within(grid).getAllByTestId("grid-row")[0];
    expect(row).toHaveAttribute("data-row-number");
    value = Number(row?.getAttribute("data-row-number"));
  });
  return value;
}

describe("open a list", () => {
  it("opens a file from the dialog and has no axe violations", async () => {
    const { user, backend } = renderApp({ signedInAs: "marketer" });
    await openSample(user, backend, MILLION_ROWS);
    expect(screen.getByText(/Format CSV, 9 columns, headings on row 1/)).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it("opens a dropped file", async () => {
    const { backend } = renderApp({ signedInAs: "marketer" });
    await screen.findByRole("button", { name: "Choose a file…" });
    act(() => backend.dropFiles([SMALL_LIST]));
    expect(await screen.findByRole("heading", { name: "small-clean.csv" })).toBeInTheDocument();
  });

  it("explains a missing file", async () => {
    const { user, backend } = renderApp({ signedInAs: "marketer" });
    backend.nextPickedPath = "/home/demo/Lists/gone.csv";
    await user.click(await screen.findByRole("button", { name: "Choose a file…" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The file was not found");
  });

  it("re-reads with another encoding and delimiter", async () => {
    const { user, backend } = renderApp({ signedInAs: "marketer" });
    await openSample(user, backend, MILLION_ROWS);
    await user.selectOptions(screen.getByLabelText("Encoding"), "windows-1252");
    await waitFor(() => expect(screen.getByLabelText("Encoding")).toHaveValue("windows-1252"));
    await user.click(screen.getByRole("button", { name: "Preview and validate" }));
    expect((await screen.findAllByText("MÃ¼ller")).length).toBeGreaterThan(0);

    await user.click(screen.getByRole("button", { name: "Open a list" }));
    await user.selectOptions(screen.getByLabelText("Delimiter"), ";");
    expect(await screen.findByText(/Format CSV, 1 columns/)).toBeInTheDocument();
  });

  it("offers a sheet picker and a heading row for workbooks", async () => {
    const { user, backend } = renderApp({ signedInAs: "marketer" });
    await openSample(user, backend, WORKBOOK);
    expect(screen.getByText(/could not be found for certain/)).toBeInTheDocument();
    expect(screen.getByText(/headings on row 3/)).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Sheet"), "Suppressed");
    await waitFor(() => expect(screen.getByLabelText("Sheet")).toHaveValue("Suppressed"));

    const row = screen.getByLabelText("Heading row");
    await user.clear(row);
    await user.type(row, "4");
    await user.click(screen.getByRole("button", { name: "Use this row" }));
    expect(await screen.findByText(/headings on row 4/)).toBeInTheDocument();
  });
});

describe("preview grid", () => {
  async function openPreview() {
    const rendered = renderApp({ signedInAs: "marketer" });
    await openSample(rendered.user, rendered.backend, MILLION_ROWS);
    await rendered.user.click(screen.getByRole("button", { name: "Preview and validate" }));
    await screen.findByTestId("list-grid");
    return rendered;
  }

  it("requests only the pages in view while scrolling a million rows", async () => {
    const { backend } = await openPreview();
    expect(await firstRowNumber()).toBe(2);
    expect(backend.pageRequests.map((request) => request.start)).toEqual([0]);
    expect(screen.getByTestId("list-grid")).toHaveAttribute("aria-rowcount", "1000001");

    const grid = screen.getByTestId("list-grid");
    for (const scrollTop of [2_000_000, 4_000_000, 8_000_000]) {
      backend.pageRequests.length = 0;
      grid.scrollTop = scrollTop;
      fireEvent.scroll(grid);
      const first = (await firstRowNumber()) - 2;
      const rendered = within(grid).getAllByTestId("grid-row").length;
      expect(first).toBeGreaterThan(0);
      const pages = new Set(backend.pageRequests.map((request) => request.start / PAGE_SIZE));
      expect(pages.size).toBeLessThanOrEqual(2);
      for (const page of pages) {
        expect(page * PAGE_SIZE).toBeLessThanOrEqual(first + rendered);
        expect((page + 1) * PAGE_SIZE).toBeGreaterThan(first);
      }
    }
    await waitFor(() => expect(within(grid).getAllByTestId("grid-row").at(-1)).toHaveAttribute("data-row-number", "1000001"));
  });

  it("renders cells as plain text", async () => {
    const { backend } = await openPreview();
    const grid = screen.getByTestId("list-grid");
    // Data row index 100 contains a formula. The grid scrolls a million rows by ratio, so
    // this puts row index 96 at the top of the 560 px fallback viewport.
    grid.scrollTop = Math.ceil((96 / (1_000_000 - 20 + 1)) * (8_000_000 - (560 - 32)));
    fireEvent.scroll(grid);
    await waitFor(() => expect(document.getElementById("cell-100-2")).toHaveTextContent('=HYPERLINK("http://example.invalid","x")'));
    const cell = document.getElementById("cell-100-2") as HTMLElement;
    expect(cell.querySelector("a")).toBeNull();
    expect(cell.firstChild?.nodeType).toBe(Node.TEXT_NODE);
    void backend;
  });

  it("validates in the background with progress and cancel", async () => {
    const { user, backend } = await openPreview();
    act(() => backend.tick());
    expect(screen.getByText(/Validating: 100,000 rows/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Cancel validation" }));
    expect(await screen.findByText(/Validation cancelled/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Validate again" }));
    finishValidation(backend);
    expect(await screen.findByRole("heading", { name: "Issues" })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it("scrolls to the row and cell of a clicked issue", async () => {
    const { user, backend } = await openPreview();
    finishValidation(backend);
    const panel = await screen.findByRole("complementary", { name: "Issues" });
    const group = within(panel).getByRole("button", { name: /Invalid postcode/ });
    expect(group).toHaveTextContent("10,310");
    await user.click(group);
    const issues = await within(panel).findByRole("list", { name: "Invalid postcode issues" });
    await user.click(within(issues).getAllByRole("button")[3] as HTMLElement);

    // The fourth invalid postcode is data row index 13 + 3 * 97 = 304, Excel row 306, column G.
    const cell = await screen.findByRole("gridcell", { selected: true });
    expect(cell).toHaveAttribute("id", "cell-304-6");
    await waitFor(() => expect(cell).toHaveTextContent("SW1A 1A"));
    expect(cell.closest("[data-testid=grid-row]")).toHaveAttribute("data-row-number", "306");
    expect(screen.getByTestId("list-grid")).toHaveFocus();
  });

  it("filters to rows with errors", async () => {
    const { user, backend } = await openPreview();
    expect(screen.getByLabelText("Only rows with errors")).toBeDisabled();
    finishValidation(backend);
    await user.click(screen.getByLabelText("Only rows with errors"));
    await waitFor(() => expect(backend.pageRequests.at(-1)?.onlyErrors).toBe(true));
    const grid = screen.getByTestId("list-grid");
    await waitFor(() => expect(within(grid).getAllByTestId("grid-row")[0]).toHaveAttribute("data-row-number", "9"));
    for (const row of within(grid).getAllByTestId("grid-row")) {
      expect(row).toHaveClass("row-error");
    }
  });

  it("explains a page that cannot be read", async () => {
    const { backend } = await openPreview();
    await firstRowNumber();
    const listId = backend.pageRequests[0]?.listId ?? "";
    await act(() => backend.closeList(listId));
    const grid = screen.getByTestId("list-grid");
    grid.scrollTop = 4_000_000;
    fireEvent.scroll(grid);
    expect(await screen.findByRole("alert")).toHaveTextContent("The list is no longer open. Open it again.");
  });

  it("moves the active cell with the keyboard", async () => {
    const { user } = await openPreview();
    await firstRowNumber();
    const grid = screen.getByTestId("list-grid");
    grid.focus();
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowRight}");
    expect(grid).toHaveAttribute("aria-activedescendant", "cell-2-1");
    await user.keyboard("{PageDown}");
    expect(grid.getAttribute("aria-activedescendant")).toMatch(/^cell-(1[5-9]|2\d)-1$/);
  });
});
