import { useState } from "react";

interface Props {
  label: string;
  value: string;
  onDone: () => void;
}

/** Shows a secret read-only with Copy and Done buttons. Done hides it for good. */
export function CopyField({ label, value, onDone }: Props) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <>
      <div className="row">
        <input aria-label={label} readOnly value={value} size={Math.min(value.length, 60)} onFocus={(event) => event.target.select()} />
        <button type="button" onClick={() => void copy()}>Copy</button>
        <button type="button" onClick={onDone}>Done</button>
      </div>
      {state === "copied" && <p role="status">Copied to the clipboard.</p>}
      {state === "failed" && <p role="alert" className="error-message">Copying failed. Select the text and copy it with Ctrl+C.</p>}
    </>
  );
}
