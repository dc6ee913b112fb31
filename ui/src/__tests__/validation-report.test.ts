import { describe, expect, it } from "vitest";
import { readValidationSummary } from "../validationReport";

describe("readValidationSummary", () => {
  it("reads the app's summary", () => {
    const summary = { rows: 40, rowsWithErrors: 2, rowsWithWarnings: 1, countsByCode: { invalid_postcode: 1, duplicate: 1 } };
    expect(readValidationSummary(summary)).toEqual(summary);
  });

  it("reads the service's summary", () => {
    const value = {
      rows: { total: 500, valid: 488, invalid: 12 },
      issue_counts: { invalid_postcode: 9, missing_required: 3 },
      first_issues: [],
      issues_omitted: 0,
    };
    expect(readValidationSummary(value)).toEqual({
      rows: 500,
      rowsWithErrors: 12,
      rowsWithWarnings: 0,
      countsByCode: { invalid_postcode: 9, missing_required: 3 },
    });
  });

  it("reads the lists report counts", () => {
    const value = { rows: { total: 10, valid: 10, invalid: 0 }, summary: { duplicate: 2 } };
    expect(readValidationSummary(value)?.countsByCode).toEqual({ duplicate: 2 });
  });

  it("rejects other shapes", () => {
    expect(readValidationSummary(null)).toBeNull();
    expect(readValidationSummary({ rows: "many" })).toBeNull();
    expect(readValidationSummary([1, 2])).toBeNull();
  });
});
