import { createContext, useContext, useEffect, useRef } from "react";
import type { Backend } from "./backend/backend";
import type { EventMap } from "./backend/types";

export const BackendContext = createContext<Backend | null>(null);

export function useBackend(): Backend {
  const backend = useContext(BackendContext);
  if (backend === null) {
    throw new Error("useBackend needs a BackendContext provider above it");
  }
  return backend;
}

/** Subscribes to a backend event for the component's lifetime; the latest handler always runs. */
export function useBackendEvent<E extends keyof EventMap>(event: E, handler: (payload: EventMap[E]) => void): void {
  const backend = useBackend();
  const latest = useRef(handler);
  latest.current = handler;

  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let active = true;
    void backend.on(event, (payload) => latest.current(payload)).then((stop) => {
      if (active) {
        unlisten = stop;
      } else {
        stop();
      }
    });
    return () => {
      active = false;
      unlisten?.();
    };
  }, [backend, event]);
}
