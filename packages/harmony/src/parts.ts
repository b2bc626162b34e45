/**
 * Stream parts: what every Overtone stream yields (DESIGN.md, Contracts → Stream parts).
 *
 * One message of the model becomes `<kind>-start`, zero or more `<kind>-delta`, `<kind>-end`, where the kind is
 *   - `tool-call`  for an assistant message with a recipient (`to=functions.x`, `to=browser.search`, …),
 *                 whatever its channel: gpt-oss calls tools from `analysis` too, and upstream's renderer ends any
 *                 assistant message with a recipient in `<|call|>`. Except `to=all`, which upstream renders as
 *                 no recipient at all;
 *   - `analysis`   for channel `analysis` (the chain of thought);
 *   - `commentary` for channel `commentary` without a recipient (preambles the model shows the user);
 *   - `final`      for channel `final`, no channel, or a channel Harmony does not define (the start part keeps
 *                 the channel, so nothing is lost).
 * A message of another role (a model hallucinating a tool's reply, `functions.x to=assistant`) is never a tool
 * call: it maps by channel alone, and its start part says which role it had.
 *
 * A stream ends with exactly one `finish` or with one `error` part, never with neither. Ordering guarantees:
 * parts of one message are contiguous (start, deltas, end), deltas concatenate to the end's `text`, and when a
 * stream ends with `finish` every start has its end. After an `error` the message in progress (if any) has no end.
 */
import type { Terminator } from "./parser-types.js";
import type { Repair } from "./repairs.js";
import type { Message, Role } from "./types.js";

export type PartKind = "analysis" | "commentary" | "final" | "tool-call";

/**
 * `stop`: the model ended its turn (`<|return|>`, or `<|end|>`); `tool-calls`: its last message is a tool call
 * ended by `<|call|>` — also a malformed one that names no tool, which streams as its channel's message (its end
 * has terminator `call`) and gets a `notice`, unless a backend repaired it into a `tool-call`; `length`: the output ended inside a message (EOS before a stop token: a token limit);
 * `error`: a backend reported a failed generation without an exception; `aborted`: the caller's AbortSignal fired.
 */
export type FinishReason = "stop" | "length" | "tool-calls" | "error" | "aborted";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Output tokens spent in `analysis` messages. */
  reasoningTokens?: number;
  /** Input tokens served from the backend's prompt cache (KV cache) rather than evaluated. */
  cachedInputTokens?: number;
}

/** Milliseconds; each field only when it was measured or reported. */
export interface Timings {
  /** From the start of consuming the stream to the first token or chunk. */
  firstTokenMs?: number;
  /** From the start of consuming the stream to its end. */
  totalMs?: number;
  /** Prompt processing, as reported by the server. */
  promptMs?: number;
  /** Token generation, as reported by the server. */
  generationMs?: number;
  /** Loading the model that served the request, when the request waited for it (else 0 or absent). */
  loadMs?: number;
  /** From the start of consuming the stream to the first token of the answer (a `final` message). */
  firstAnswerMs?: number;
  /** Prompt tokens evaluated per second (a cached prefix excluded). */
  promptTokensPerSecond?: number;
  /** Output tokens per second after the first one (decode speed). */
  generationTokensPerSecond?: number;
}

interface StartFields {
  /** Unique within the stream; the same on every part of the message. */
  id: string;
  role: Role;
  /** The author's name (tool messages). */
  name?: string;
  channel?: string;
  contentType?: string;
}

interface EndFields {
  id: string;
  /** The message's full text (for a tool call: its arguments text). */
  text: string;
  terminator: Terminator;
  message: Message;
}

interface DeltaFields {
  id: string;
  delta: string;
}

export type Part =
  | ({ type: "analysis-start" } & StartFields)
  | ({ type: "analysis-delta" } & DeltaFields)
  | ({ type: "analysis-end" } & EndFields)
  | ({ type: "commentary-start" } & StartFields)
  | ({ type: "commentary-delta" } & DeltaFields)
  | ({ type: "commentary-end" } & EndFields)
  | ({ type: "final-start" } & StartFields)
  | ({ type: "final-delta" } & DeltaFields)
  | ({ type: "final-end" } & EndFields)
  | ({ type: "tool-call-start"; recipient: string } & StartFields)
  | ({ type: "tool-call-delta" } & DeltaFields)
  | ({ type: "tool-call-end"; recipient: string } & EndFields & Pick<StartFields, "channel" | "contentType">)
  | FinishPart
  | ErrorPart;

export interface FinishPart {
  type: "finish";
  reason: FinishReason;
  usage?: Usage;
  timings?: Timings;
  /**
   * Why a turn without an answer came out empty, or what was wrong with its tool call (one that named no tool,
   * was repaired, or called a tool not offered), in words for a person (e.g. "truncated by the token budget
   * while the model was still reasoning"); set by whoever can tell, absent otherwise.
   */
  notice?: string;
  /**
   * The repairs made to malformed output on the way (repairs.ts: stripped special tokens put back, a missing
   * `<|end|>`, junk in a header, tool arguments made JSON, …), in order; absent when there were none.
   */
  repairs?: Repair[];
}

export interface ErrorPart {
  type: "error";
  error: Error;
}

export type PartType = Part["type"];
export type StartPart = Extract<Part, { type: `${PartKind}-start` }>;
export type DeltaPart = Extract<Part, { type: `${PartKind}-delta` }>;
export type EndPart = Extract<Part, { type: `${PartKind}-end` }>;

/** The kind of a message part (`analysis-delta` → `analysis`), undefined for `finish`/`error`. */
export function partKind(part: Part): PartKind | undefined {
  if (part.type === "finish" || part.type === "error") return undefined;
  return part.type.slice(0, part.type.lastIndexOf("-")) as PartKind;
}
