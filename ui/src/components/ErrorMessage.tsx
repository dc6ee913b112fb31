import { describeError } from "../errors";

/** An error, announced to screen readers, saying what to do next. */
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
