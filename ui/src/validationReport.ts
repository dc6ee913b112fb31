import type { ValidationSummary } from "./backend/types";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function counts(value: unknown): Record<string, number> | null {
  if (!isRecord(value)) {
    return null;
  }
  const result: Record<string, number> = {};
  for (const [code, count] of Object.entries(value)) {
    if (typeof count === "number") {
      result[code] = count;
    }
  }
  return result;
}

/**
 * Reads a validation summary passed through as JSON. Accepts the app's
 * summary (`rows`, `rowsWithErrors`, `countsByCode`), the service's summary
 * (`rows.total`, `rows.invalid`, `issue_counts`) and the lists crate's JSON
 * report (the same, with `summary` for the counts). Returns null for anything else.
 */
export function readValidationSummary(value: unknown): ValidationSummary | null {
  if (!isRecord(value)) {
    return null;
  }
  if (typeof value.rows === "number") {
    const byCode = counts(value.countsByCode) ?? {};
    return {
      rows: value.rows,
      rowsWithErrors: typeof value.rowsWithErrors === "number" ? value.rowsWithErrors : 0,
      rowsWithWarnings: typeof value.rowsWithWarnings === "number" ? value.rowsWithWarnings : 0,
      countsByCode: byCode,
    };
  }
  if (isRecord(value.rows) && typeof value.rows.total === "number") {
    return {
      rows: value.rows.total,
      rowsWithErrors: typeof value.rows.invalid === "number" ? value.rows.invalid : 0,
      // NOTE: these reports count warnings per issue, not per row, so this stays 0.
      rowsWithWarnings: 0,
      countsByCode: counts(value.issue_counts) ?? counts(value.summary) ?? {},
    };
  }
  return null;
}
