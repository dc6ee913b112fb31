import { useCallback, useEffect, useRef, useState } from "react";
import type { Row } from "../backend/types";
import { useBackend } from "../context";

export const PAGE_SIZE = 100;
/** Pages kept in memory; older ones are dropped and fetched again when scrolled back to. */
const MAX_CACHED_PAGES = 60;

/**
 * Fetches and caches pages of rows. `request(start, count)` loads the pages
 * that cover those rows and nothing else.
 */
export function usePages(listId: string, onlyErrors: boolean, generation: number) {
  const backend = useBackend();
  const pages = useRef(new Map<number, Row[]>());
  const inFlight = useRef(new Set<number>());
  const [totalRows, setTotalRows] = useState<number | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [, setVersion] = useState(0);
  const key = `${listId}/${onlyErrors}/${generation}`;
  const currentKey = useRef(key);

  useEffect(() => {
    currentKey.current = key;
    pages.current = new Map();
    inFlight.current = new Set();
    setTotalRows(undefined);
    setError(null);
    setVersion((version) => version + 1);
  }, [key]);

  const request = useCallback(
    (start: number, count: number) => {
      const firstPage = Math.floor(start / PAGE_SIZE);
      const lastPage = Math.floor((start + Math.max(count, 1) - 1) / PAGE_SIZE);
      for (let page = firstPage; page <= lastPage; page += 1) {
        if (pages.current.has(page) || inFlight.current.has(page)) {
          continue;
        }
        inFlight.current.add(page);
        const requestedFor = key;
        void backend
          .listPage({ listId, start: page * PAGE_SIZE, count: PAGE_SIZE, onlyErrors })
          .then((result) => {
            if (currentKey.current !== requestedFor) {
              return;
            }
            inFlight.current.delete(page);
            pages.current.set(page, result.rows);
            while (pages.current.size > MAX_CACHED_PAGES) {
              const oldest = pages.current.keys().next().value;
              if (oldest === undefined) {
                break;
              }
              pages.current.delete(oldest);
            }
            if (result.totalRows !== undefined) {
              setTotalRows(result.totalRows);
            } else if (result.rows.length < PAGE_SIZE) {
              setTotalRows(page * PAGE_SIZE + result.rows.length);
            } else {
              // NOTE: without a row count the grid grows one page past the deepest page seen.
              setTotalRows((current) => Math.max(current ?? 0, (page + 2) * PAGE_SIZE));
            }
            setVersion((version) => version + 1);
          })
          .catch((caught: unknown) => {
            // The page is fetched again when it next comes into view.
            inFlight.current.delete(page);
            if (currentKey.current === requestedFor) {
              setError(caught);
            }
          });
      }
    },
    [backend, listId, onlyErrors, key],
  );

  const rowAt = useCallback((index: number): Row | undefined => {
    const page = pages.current.get(Math.floor(index / PAGE_SIZE));
    return page?.[index % PAGE_SIZE];
  }, []);

  // Before the first page arrives the grid shows one page of placeholders.
  return { rowAt, totalRows: totalRows ?? (pages.current.size === 0 ? PAGE_SIZE : undefined), request, error };
}
