import { type FormEvent, useEffect, useState } from "react";
import type { Field, ListSummary, Template } from "../backend/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { useBackend } from "../context";
import { columnLetters } from "../format";

/** The field chosen for each source column, by index (null keeps it as a merge field), and what it leaves out. */
export interface Mapping {
  fields: (string | null)[];
  missingRequired: string[];
}

interface Props {
  list: ListSummary;
  mapping: Mapping;
  /** Called once the backend has applied a changed mapping, which discards earlier validation results. */
  onMappingChange: (mapping: Mapping) => void;
  onContinue: () => void;
}

const MERGE_FIELD = "";

export function MapColumns({ list, mapping, onMappingChange, onContinue }: Props) {
  const { fields, missingRequired: missing } = mapping;
  const backend = useBackend();
  const [canonical, setCanonical] = useState<Field[]>([]);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [templateName, setTemplateName] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    void backend.canonicalFields().then(setCanonical, setError);
    void backend.listTemplates().then(setTemplates, setError);
  }, [backend]);

  const labelOf = (key: string) => canonical.find((field) => field.key === key)?.label ?? key;
  const used = new Map<string, number>();
  for (const field of fields) {
    if (field !== null) {
      used.set(field, (used.get(field) ?? 0) + 1);
    }
  }

  async function change(index: number, value: string) {
    const next = [...fields];
    next[index] = value === MERGE_FIELD ? null : value;
    setSaved(null);
    setError(null);
    try {
      const result = await backend.setMapping({ listId: list.listId, fields: next });
      onMappingChange({ fields: next, missingRequired: result.missingRequired });
    } catch (caught) {
      setError(caught);
    }
  }

  async function saveTemplate(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const name = templateName.trim();
    if (name === "") {
      setError(new Error("Enter a name for the template."));
      return;
    }
    try {
      await backend.saveTemplate({ listId: list.listId, name });
      setTemplates(await backend.listTemplates());
      setSaved(name);
      setTemplateName("");
    } catch (caught) {
      setError(caught);
    }
  }

  async function deleteTemplate(name: string) {
    try {
      await backend.deleteTemplate(name);
      setTemplates(await backend.listTemplates());
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="map-title" className="screen">
      <h1 id="map-title">Map columns</h1>
      <p className="subtitle">{list.fileName}. Columns not mapped to a field stay in the list as merge fields.</p>
      {list.template !== undefined && <p>The template “{list.template}” was applied because the headings match it.</p>}
      {missing.length > 0 && (
        <div className="callout error" role="alert">
          <strong>Missing required fields:</strong> {missing.map(labelOf).join(", ")}. Map a column to each of them before
          uploading.
        </div>
      )}
      {missing.length === 0 && <p role="status">Every required field has a column.</p>}
      <table className="mapping">
        <caption className="visually-hidden">Source columns and their fields</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Heading in the file</th>
            <th scope="col">Field</th>
          </tr>
        </thead>
        <tbody>
          {list.columns.map((column) => {
            const field = fields[column.index] ?? null;
            const duplicate = field !== null && (used.get(field) ?? 0) > 1;
            const id = `field-${column.index}`;
            return (
              <tr key={column.index}>
                <td>{columnLetters(column.index)}</td>
                <th scope="row">
                  <label htmlFor={id}>{column.heading}</label>
                </th>
                <td>
                  <select id={id} value={field ?? MERGE_FIELD} onChange={(event) => void change(column.index, event.target.value)} aria-describedby={duplicate ? `${id}-dup` : undefined}>
                    <option value={MERGE_FIELD}>Merge field (not mapped)</option>
                    {canonical.map((option) => (
                      <option key={option.key} value={option.key}>
                        {option.label}
                        {option.required ? " (required)" : ""}
                      </option>
                    ))}
                  </select>
                  {column.field !== undefined && column.field !== field && <span className="hint"> Detected: {labelOf(column.field)}</span>}
                  {duplicate && <span id={`${id}-dup`} className="warning-text"> Another column is mapped to this field too.</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <form className="controls" onSubmit={saveTemplate}>
        <label>
          Template name
          <input value={templateName} onChange={(event) => setTemplateName(event.target.value)} />
        </label>
        <button type="submit">Save as template</button>
        {saved !== null && <span role="status">Saved template “{saved}”. Lists with the same headings will use it.</span>}
      </form>
      {templates.length > 0 && (
        <ul aria-label="Saved templates" className="templates">
          {templates.map((template) => (
            <li key={template.name}>
              {template.name} ({template.headings.length} headings)
              <button type="button" onClick={() => void deleteTemplate(template.name)} aria-label={`Delete template ${template.name}`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={error} />
      <button type="button" className="primary" onClick={onContinue} disabled={missing.length > 0}>
        Continue to upload
      </button>
    </section>
  );
}
