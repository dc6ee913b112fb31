import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderApp } from "../test/render";

const FORMATS = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods"];

describe("open dialog", () => {
  it("filters list formats in both cases, then all files", async () => {
    const { user, backend } = renderApp({ signedInAs: "marketer" });
    backend.nextPickedPath = null;
    await user.click(await screen.findByRole("button", { name: "Choose a file…" }));

    expect(backend.pickFileRequests).toHaveLength(1);
    const [lists, all, ...rest] = backend.pickFileRequests[0]?.filters ?? [];
    expect(rest).toEqual([]);
    expect(lists?.name).toBe("Mailing lists");
    for (const format of FORMATS) {
      expect(lists?.extensions).toContain(format);
      expect(lists?.extensions).toContain(format.toUpperCase());
    }
    expect(lists?.extensions).toHaveLength(FORMATS.length * 2);
    expect(all).toEqual({ name: "All files", extensions: ["*"] });
  });
});
