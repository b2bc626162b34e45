/**
 * What the doctor examines: a backend kind, where it is, which model, and (when known) the GGUF file behind it.
 * The server probes need the backend's own endpoints, not only Overtone's Backend contract (which hides the
 * template and the server's defaults on purpose), so the target also carries a small JSON client for them.
 * `reachable` fills in what it learns (the server's make, the model when none was named, the GGUF path
 * llama-server reports), so later probes read one place.
 */
import { BackendError, isOvertoneError } from "@overtone/errors";
import type { BackendKind } from "../backends/create-backend.js";
import type { GptOssFlavor } from "../backends/gpt-oss-profile.js";
import { httpJson } from "../net/http.js";

export interface DoctorTarget {
  kind: BackendKind;
  /** Server root without `/v1` (servers only). */
  root?: string;
  /** The make of an OpenAI-compatible server, from `/v1/models` (set by `reachable`). */
  flavor?: GptOssFlavor;
  /** The model as the backend names it (a server's model name; the embedded engine's file). */
  model?: string;
  /** The GGUF file the model was loaded from, when the doctor can read it (`--gguf`, embedded, llama-server). */
  gguf?: string;
  /** Facts `reachable` learnt, for the other probes (llama-server `/props`, Ollama `/api/show`). */
  facts: Record<string, unknown>;
}

/** Time one request to the server's own endpoints may take: they answer from memory. */
const ENDPOINT_TIMEOUT_MS = 15_000;

/** `GET` (or `POST` with a JSON body) one of the server's own endpoints and read its JSON answer. */
export async function serverJson<T = Record<string, unknown>>(
  target: DoctorTarget,
  path: string,
  options: { body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  if (target.root === undefined) {
    throw new BackendError(`the ${target.kind} backend has no server to ask for ${path}`, {
      url: path,
      retryable: false,
      hint: "only server backends (--backend ollama|openai with --url) have endpoints to read",
    });
  }
  return httpJson<T>(`${target.root}${path}`, {
    timeoutMs: ENDPOINT_TIMEOUT_MS,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.body !== undefined
      ? {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(options.body),
        }
      : {}),
  });
}

/** A target's name for the report: `llama-server at http://…`, `embedded toy.gguf`, `ollama at … (gpt-oss:20b)`. */
export function describeTarget(target: DoctorTarget): string {
  const make = target.kind === "openai-compatible" ? (target.flavor ?? "openai-compatible") : target.kind;
  const where = target.root !== undefined ? ` at ${target.root}` : "";
  const model = target.model !== undefined ? ` (${target.model})` : "";
  return `${make}${where}${model}`;
}

/** An error in one line for a check's summary: the message, and the hint of a typed Overtone error. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const hint = isOvertoneError(error) ? error.hint : undefined;
  const first = error.message.split("\n")[0] ?? error.message;
  return hint === undefined ? first : `${first} (${hint})`;
}
