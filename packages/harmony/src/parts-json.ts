/**
 * Parts as JSON, one object per part (the CLI's `--json` / `--stream` lines and the gateway's wire form).
 * Messages inside end parts use the serde shape; errors become their name, code, message and structured fields.
 */
import { messageToJson } from "./json.js";
import type { Part } from "./parts.js";
import type { JsonValue } from "./types.js";

export function errorToJson(error: Error): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (key === "cause" || value === undefined) continue;
    if (["string", "number", "boolean"].includes(typeof value) || value === null)
      out[key] = value as JsonValue;
  }
  return out;
}

export function partToJson(part: Part): { [key: string]: JsonValue } {
  if (part.type === "error") return { type: "error", error: errorToJson(part.error) };
  if ("message" in part)
    return { ...part, message: messageToJson(part.message) } as { [key: string]: JsonValue };
  return { ...part } as { [key: string]: JsonValue };
}
