// The app's Rust side generates the bridge types into src/bindings. This module re-exports
// them and adds the map from event names to payload types.
import type { SessionEnded, UploadFinished, UploadProgress, ValidationDone, ValidationProgress } from "../bindings";

export type * from "../bindings";

/** Payload type of each event, by its Tauri event name. */
export interface EventMap {
  "validation-progress": ValidationProgress;
  "validation-done": ValidationDone;
  "upload-progress": UploadProgress;
  "upload-finished": UploadFinished;
  "session-ended": SessionEnded;
}
