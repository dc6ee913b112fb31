import { describeError } from "../errors";

/** Shows an error and what to do next, announced to screen readers. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (error === null || error === undefined) {
    return null;
  }
  return (
    <p role="alert" className="error-message">
      {describeError(error)}
    </p>
  );
}
