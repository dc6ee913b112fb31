import {
  forwardRef,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import type { CellMark, Column, Row } from "../backend/types";
import { columnLetters } from "../format";
import { ErrorMessage } from "./ErrorMessage";
import { usePages } from "./usePages";

export const ROW_HEIGHT = 28;
const HEADER_HEIGHT = 32;
/** Browsers cap element heights (about 17.9 million px in Firefox), so taller lists scroll by ratio. */
const MAX_SCROLL_HEIGHT = 8_000_000;
/** Height used when layout reports none, as in jsdom. */
const FALLBACK_VIEWPORT = 560;

export interface GridHandle {
  /** Scrolls to a data row (0-based index in the current view) and makes one of its cells active. */
  scrollToIndex(index: number, column: number | null): void;
}

interface Props {
  listId: string;
  columns: Column[];
  onlyErrors: boolean;
  /** Bumped to drop cached pages, for example after validation marks new problems. */
  generation: number;
}

interface Active {
  index: number;
  column: number;
}

/**
 * A virtualized, read-only grid over a list held by the backend. Only the
 * rows in view are rendered, and only their pages are requested.
 */
export const Grid = forwardRef<GridHandle, Props>(function Grid({ listId, columns, onlyErrors, generation }, ref) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const [active, setActive] = useState<Active>({ index: 0, column: 0 });
  const { rowAt, totalRows, request, error } = usePages(listId, onlyErrors, generation);

  const total = totalRows ?? 0;
  const contentHeight = total * ROW_HEIGHT;
  const scaled = contentHeight > MAX_SCROLL_HEIGHT;
  const spacerHeight = scaled ? MAX_SCROLL_HEIGHT : contentHeight;
  const bodyViewport = Math.max(viewport - HEADER_HEIGHT, ROW_HEIGHT);
  const visibleCount = Math.ceil(bodyViewport / ROW_HEIGHT) + 1;

  // Which row sits at the top of the view, and where the rendered block starts inside the spacer.
  const maxScroll = Math.max(spacerHeight - bodyViewport, 1);
  const firstExact = scaled ? (Math.min(scrollTop, maxScroll) / maxScroll) * Math.max(total - visibleCount + 1, 0) : scrollTop / ROW_HEIGHT;
  const first = Math.max(0, Math.floor(firstExact));
  const blockTop = scaled ? Math.min(scrollTop, maxScroll) : first * ROW_HEIGHT;
  const last = Math.min(total, first + visibleCount);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null) {
      return;
    }
    const measure = () => setViewport(element.clientHeight > 0 ? element.clientHeight : FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === "undefined") {
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    request(first, Math.max(last - first, visibleCount));
  }, [request, first, last, visibleCount]);

  useEffect(() => {
    setActive({ index: 0, column: 0 });
    setScrollTop(0);
    if (scroller.current !== null) {
      scroller.current.scrollTop = 0;
    }
  }, [listId, onlyErrors]);

  const scrollTopFor = useCallback(
    (index: number) => {
      if (!scaled) {
        return index * ROW_HEIGHT;
      }
      const span = Math.max(total - visibleCount + 1, 1);
      return Math.round((Math.min(index, span) / span) * maxScroll);
    },
    [scaled, total, visibleCount, maxScroll],
  );

  const reveal = useCallback(
    (index: number) => {
      const element = scroller.current;
      const fullyVisible = Math.max(visibleCount - 2, 1);
      let target: number | null = null;
      if (index < first) {
        target = scrollTopFor(index);
      } else if (index >= first + fullyVisible) {
        target = scrollTopFor(Math.max(index - fullyVisible + 1, 0));
      }
      if (target !== null) {
        if (element !== null) {
          element.scrollTop = target;
        }
        setScrollTop(target);
      }
    },
    [first, visibleCount, scrollTopFor],
  );

  useImperativeHandle(
    ref,
    () => ({
      scrollToIndex(index: number, column: number | null) {
        const target = scrollTopFor(Math.max(index - 2, 0));
        if (scroller.current !== null) {
          scroller.current.scrollTop = target;
          scroller.current.focus();
        }
        setScrollTop(target);
        setActive({ index, column: column ?? 0 });
      },
    }),
    [scrollTopFor],
  );

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const lastColumn = columns.length - 1;
    const pageRows = Math.max(visibleCount - 2, 1);
    let { index, column } = active;
    switch (event.key) {
      case "ArrowDown":
        index += 1;
        break;
      case "ArrowUp":
        index -= 1;
        break;
      case "ArrowRight":
        column += 1;
        break;
      case "ArrowLeft":
        column -= 1;
        break;
      case "PageDown":
        index += pageRows;
        break;
      case "PageUp":
        index -= pageRows;
        break;
      case "Home":
        if (event.ctrlKey) {
          index = 0;
        }
        column = 0;
        break;
      case "End":
        if (event.ctrlKey) {
          index = total - 1;
        }
        column = lastColumn;
        break;
      default:
        return;
    }
    event.preventDefault();
    index = Math.max(0, Math.min(index, total - 1));
    column = Math.max(0, Math.min(column, lastColumn));
    setActive({ index, column });
    reveal(index);
    // Brings the cell into view sideways; jsdom has no scrollIntoView.
    document.getElementById(`cell-${index}-${column}`)?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }

  const rows: (Row | undefined)[] = [];
  for (let index = first; index < last; index += 1) {
    rows.push(rowAt(index));
  }
  const activeId = `cell-${active.index}-${active.column}`;
  // Fixed widths keep every row's cells under the same headings, because each row lays out alone.
  const template = `5.5rem repeat(${Math.max(columns.length, 1)}, 11rem)`;

  return (
    <div className="grid-wrap">
      <ErrorMessage error={error} />
      <div
        ref={scroller}
        className="grid-scroller"
        role="grid"
        aria-label="List rows"
        aria-rowcount={total + 1}
        aria-colcount={columns.length + 1}
        aria-readonly="true"
        aria-activedescendant={active.index >= first && active.index < last ? activeId : undefined}
        tabIndex={0}
        data-testid="list-grid"
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="grid-head">
          <div role="row" aria-rowindex={1} className="grid-row" style={{ gridTemplateColumns: template, height: HEADER_HEIGHT }}>
            <div role="columnheader" className="grid-rownum">Row</div>
            {columns.map((column) => (
              <div role="columnheader" key={column.index} className="grid-cell" title={column.heading}>
                <span className="column-letter">{columnLetters(column.index)}</span> {column.heading}
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup" className="grid-body" style={{ height: spacerHeight }}>
          <div className="grid-block" style={{ transform: `translateY(${blockTop}px)` }}>
            {rows.map((row, offset) => (
              <GridRow
                key={first + offset}
                index={first + offset}
                row={row}
                columnCount={columns.length}
                template={template}
                active={active}
                onSelect={(column) => setActive({ index: first + offset, column })}
              />
            ))}
          </div>
        </div>
        {total === 0 && totalRows !== undefined && (
          <p className="grid-empty" role="status">{onlyErrors ? "No row has an error." : "The list has no data rows."}</p>
        )}
      </div>
    </div>
  );
});

function worstSeverity(marks: CellMark[]): "error" | "warning" | undefined {
  if (marks.some((mark) => mark.severity === "error")) {
    return "error";
  }
  return marks.length > 0 ? "warning" : undefined;
}

interface RowProps {
  index: number;
  row: Row | undefined;
  columnCount: number;
  template: string;
  active: Active;
  onSelect: (column: number) => void;
}

function GridRow({ index, row, columnCount, template, active, onSelect }: RowProps) {
  const rowSeverity = worstSeverity(row?.marks ?? []);
  const rowMarks = row?.marks.filter((mark) => mark.column === null) ?? [];
  const cells = [];
  for (let column = 0; column < columnCount; column += 1) {
    const marks = row?.marks.filter((mark) => mark.column === column) ?? [];
    const severity = worstSeverity(marks);
    const isActive = active.index === index && active.column === column;
    cells.push(
      <div
        role="gridcell"
        key={column}
        id={`cell-${index}-${column}`}
        aria-selected={isActive}
        className={`grid-cell${severity !== undefined ? ` mark-${severity}` : ""}${isActive ? " active" : ""}`}
        title={marks.length > 0 ? marks.map((mark) => `${mark.severity}: ${mark.code}`).join(", ") : undefined}
        onClick={() => onSelect(column)}
      >
        {row === undefined ? "" : (row.cells[column] ?? "")}
        {marks.length > 0 && <span className="visually-hidden">{` (${marks.map((mark) => `${mark.severity} ${mark.code}`).join(", ")})`}</span>}
      </div>,
    );
  }
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`grid-row${rowSeverity !== undefined ? ` row-${rowSeverity}` : ""}`}
      style={{ gridTemplateColumns: template, height: ROW_HEIGHT }}
      data-testid="grid-row"
      data-row-number={row?.rowNumber}
    >
      <div role="rowheader" className="grid-rownum" title={rowMarks.map((mark) => `${mark.severity}: ${mark.code}`).join(", ") || undefined}>
        {row === undefined ? "…" : String(row.rowNumber)}
        {rowMarks.length > 0 && <span className="visually-hidden">{` (${rowMarks.map((mark) => `${mark.severity} ${mark.code}`).join(", ")})`}</span>}
      </div>
      {cells}
    </div>
  );
}
