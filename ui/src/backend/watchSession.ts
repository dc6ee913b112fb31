import { type Backend, toBackendError } from "./backend";

const SESSION_CODES = new Set(["auth.session_expired", "auth.not_signed_in", "auth.token_rejected"]);

/**
 * Wraps a backend so that any command failing because the session ended calls
 * `onSessionEnded` before the error reaches the caller.
 */
export function watchSession(backend: Backend, onSessionEnded: () => void): Backend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") {
        return value;
      }
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) {
          return result;
        }
        return result.catch((error: unknown) => {
          if (SESSION_CODES.has(toBackendError(error).code)) {
            onSessionEnded();
          }
          throw error;
        });
      };
    },
  });
}
