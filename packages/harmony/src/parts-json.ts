/**
 * Parts as JSON, one object per part (the CLI's `--json` / `--stream` lines and the gateway's wire form).
 * Messages inside end parts use the serde shape; errors become their name, code, message and structured fields.
 */
import { messageToJson } from "./json.js";
import type { Part } from "./parts.js";
import type { JsonValue } from "./types.js";

/** How many wrapped errors `cause` follows: a chain longer than this is a loop or a bug, not information. */
const MAX_CAUSE_DEPTH = 8;

/**
 * An error as JSON: its name, message and plain fields (code, hint, offset, status…), and the error it wraps as
 * `cause`, recursively, so `--json` output keeps what `--debug` shows.
 */
export function errorToJson(error: Error): { [key: string]: JsonValue } {
  return errorWithCauses(error, 0);
}

function errorWithCauses(error: Error, depth: number): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (key === "cause" || value === undefined) continue;
    if (["string", "number", "boolean"].includes(typeof value) || value === null)
      out[key] = value as JsonValue;
  }
  const cause: unknown = error.cause;
  if (cause instanceof Error && depth < MAX_CAUSE_DEPTH) out.cause = errorWithCauses(cause, depth + 1);
  else if (typeof cause === "string" || typeof cause === "number") out.cause = cause;
  return out;
}

export function partToJson(part: Part): { [key: string]: JsonValue } {
  if (part.type === "error") return { type: "error", error: errorToJson(part.error) };
  if ("message" in part)
    return { ...part, message: messageToJson(part.message) } as { [key: string]: JsonValue };
  return { ...part } as { [key: string]: JsonValue };
}
