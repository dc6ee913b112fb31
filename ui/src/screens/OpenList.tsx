import { type DragEvent, useEffect, useRef, useState } from "react";
import type { ListSummary, OpenListRequest } from "../backend/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { useBackend } from "../context";
import { LIST_FILE_FILTERS } from "../fileFilters";

interface Props {
  list: ListSummary | null;
  request: OpenListRequest | null;
  onOpened: (list: ListSummary, request: OpenListRequest) => void;
  onContinue: () => void;
}

const ENCODINGS = ["UTF-8", "UTF-16LE", "UTF-16BE", "windows-1252"];
const DELIMITERS: [string, string][] = [
  [",", "Comma (,)"],
  [";", "Semicolon (;)"],
  ["\t", "Tab"],
  ["|", "Pipe (|)"],
];

export function OpenList({ list, request, onOpened, onContinue }: Props) {
  const backend = useBackend();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [headerRow, setHeaderRow] = useState(String(list?.headerRow ?? 1));
  const openRef = useRef<(next: OpenListRequest) => Promise<void>>(async () => {});

  async function open(next: OpenListRequest) {
    setError(null);
    setBusy(true);
    try {
      const opened = await backend.openList(next);
      if (list !== null) {
        await backend.closeList(list.listId).catch(() => undefined);
      }
      setHeaderRow(String(opened.headerRow));
      onOpened(opened, next);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  openRef.current = open;

  useEffect(() => {
    let stop: (() => void) | undefined;
    let active = true;
    void backend
      .onFileDrop((paths) => {
        const first = paths[0];
        if (first !== undefined) {
          void openRef.current({ path: first });
        }
      })
      .then((unlisten) => {
        if (active) {
          stop = unlisten;
        } else {
          unlisten();
        }
      });
    return () => {
      active = false;
      stop?.();
    };
  }, [backend]);

  async function choose() {
    const path = await backend.pickFile({
      title: "Open a mailing list",
      filters: LIST_FILE_FILTERS,
    });
    if (path !== null) {
      await open({ path });
    }
  }

  function reread(change: Partial<OpenListRequest>) {
    if (request === null) {
      return;
    }
    void open({ ...request, ...change });
  }

  // In the desktop app the webview reports dropped paths through onFileDrop;
  // this handler only keeps the browser from navigating to the dropped file.
  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
  }

  return (
    <section aria-labelledby="open-title" className="screen">
      <h1 id="open-title">Open a list</h1>
      <div
        className={dragging ? "drop-zone dragging" : "drop-zone"}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop a CSV, TSV, Excel or OpenDocument file here, or</p>
        <button type="button" className="primary" onClick={choose} disabled={busy}>
          Choose a file…
        </button>
      </div>
      {busy && <p role="status">Reading the list…</p>}
      <ErrorMessage error={error} />

      {list !== null && request !== null && (
        <div className="list-summary">
          <h2>{list.fileName}</h2>
          <p>
            Format {list.format.toUpperCase()}, {list.columns.length} columns, headings on row {list.headerRow}.
          </p>
          <div className="controls">
            {list.format === "csv" && (
              <>
                <label>
                  Encoding
                  <select value={list.encoding ?? "UTF-8"} onChange={(event) => reread({ encoding: event.target.value })}>
                    {withCurrent(ENCODINGS, list.encoding).map((encoding) => (
                      <option key={encoding} value={encoding}>{encoding}</option>
                    ))}
                  </select>
                </label>
                <label>
                  Delimiter
                  <select value={list.delimiter ?? ","} onChange={(event) => reread({ delimiter: event.target.value })}>
                    {DELIMITERS.map(([value, label]) => (
                      <option key={label} value={value}>{label}</option>
                    ))}
                  </select>
                </label>
              </>
            )}
            {list.sheets.length > 0 && (
              <label>
                Sheet
                <select value={list.sheet ?? list.sheets[0]} onChange={(event) => reread({ sheet: event.target.value, headerRow: undefined })}>
                  {list.sheets.map((sheet) => (
                    <option key={sheet} value={sheet}>{sheet}</option>
                  ))}
                </select>
              </label>
            )}
          </div>
          {!list.headerConfident && (
            <p className="warning-text" role="status">
              The heading row could not be found for certain. Check the row number below against the file.
            </p>
          )}
          <form
            className="controls"
            onSubmit={(event) => {
              event.preventDefault();
              const row = Number.parseInt(headerRow, 10);
              if (Number.isInteger(row) && row >= 1) {
                reread({ headerRow: row });
              } else {
                setError(new Error("The heading row must be a whole number from 1 upwards."));
              }
            }}
          >
            <label>
              Heading row
              <input type="number" min={1} value={headerRow} onChange={(event) => setHeaderRow(event.target.value)} />
            </label>
            <button type="submit">Use this row</button>
          </form>
          <p>Headings: {list.columns.map((column) => column.heading).join(" · ")}</p>
          <button type="button" className="primary" onClick={onContinue}>
            Preview and validate
          </button>
        </div>
      )}
    </section>
  );
}

function withCurrent(values: string[], current: string | undefined): string[] {
  return current === undefined || values.includes(current) ? values : [current, ...values];
}
