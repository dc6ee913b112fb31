import { useState } from "react";
import type { Issue, ValidationSummary } from "../backend/types";
import { columnLetters, formatNumber } from "../format";
import { issueLabel } from "../issueCodes";
import { useBackend } from "../context";
import { ErrorMessage } from "./ErrorMessage";

const ISSUES_PER_LOAD = 50;

interface Props {
  listId: string;
  summary: ValidationSummary;
  onSelect: (issue: Issue) => void;
}

interface Group {
  issues: Issue[];
  total: number;
  omitted: number;
}

/** Issues grouped by code with counts; each group loads its issues when opened. */
export function IssuesPanel({ listId, summary, onSelect }: Props) {
  const backend = useBackend();
  const [open, setOpen] = useState<Record<string, Group>>({});
  const [error, setError] = useState<unknown>(null);
  const codes = Object.entries(summary.countsByCode).sort(([, a], [, b]) => b - a);

  async function load(code: string, offset: number) {
    setError(null);
    try {
      const page = await backend.validationIssues({ listId, code, offset, limit: ISSUES_PER_LOAD });
      setOpen((current) => ({
        ...current,
        [code]: { total: page.total, omitted: page.omitted, issues: [...(offset === 0 ? [] : (current[code]?.issues ?? [])), ...page.issues] },
      }));
    } catch (caught) {
      setError(caught);
    }
  }

  function toggle(code: string) {
    if (open[code] !== undefined) {
      setOpen((current) => {
        const next = { ...current };
        delete next[code];
        return next;
      });
    } else {
      void load(code, 0);
    }
  }

  return (
    <aside className="issues-panel" aria-labelledby="issues-title">
      <h2 id="issues-title">Issues</h2>
      <p>
        {formatNumber(summary.rows)} rows: {formatNumber(summary.rowsWithErrors)} with errors,{" "}
        {formatNumber(summary.rowsWithWarnings)} with warnings.
      </p>
      {codes.length === 0 && <p>No issues found.</p>}
      <ErrorMessage error={error} />
      <ul className="issue-groups">
        {codes.map(([code, count]) => {
          const group = open[code];
          const severity = group?.issues[0]?.severity;
          return (
            <li key={code}>
              <button type="button" className={`issue-group severity-${severity ?? "unknown"}`} aria-expanded={group !== undefined} onClick={() => toggle(code)}>
                <span>{issueLabel(code)}</span>
                <span className="count">{formatNumber(count)}</span>
                {severity !== undefined && <span className="visually-hidden"> {severity === "error" ? "errors" : "warnings"}</span>}
              </button>
              {group !== undefined && (
                <ul className="issue-list" aria-label={`${issueLabel(code)} issues`}>
                  {group.issues.map((issue) => (
                    <li key={`${issue.rowNumber}-${issue.column ?? "row"}`}>
                      <button type="button" className="link" onClick={() => onSelect(issue)}>
                        Row {formatNumber(issue.rowNumber)}
                        {issue.column !== undefined ? `, column ${columnLetters(issue.column)}` : ""}: {issue.message}
                        {issue.suggestion !== undefined ? ` Suggestion: ${issue.suggestion}` : ""}
                      </button>
                    </li>
                  ))}
                  {group.omitted > 0 && group.issues.length >= group.total && (
                    <li className="hint">{formatNumber(group.omitted)} more issues were counted but not kept, so they are not listed.</li>
                  )}
                  {group.issues.length < group.total && (
                    <li>
                      <button type="button" onClick={() => void load(code, group.issues.length)}>
                        Show more ({formatNumber(group.total - group.issues.length)} left)
                      </button>
                    </li>
                  )}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
