/**
 * Hand-built backend output for the gateway's protocol tests: the `Part`s of model messages, a finish, a whole
 * turn, and the async stream a backend would yield them as — so that every protocol's tests feed the same shapes
 * (packages/harmony/src/parts.ts) rather than each its own copy — plus the served model they run on and the
 * GatewayError a refused request throws. Kept out of packages/overtone/src, which is published; the tests there
 * import it by relative path.
 */
import {
  type FinishDetails,
  type FinishPart,
  type FinishReason,
  message,
  type Part,
  type PartKind,
  partsFromText,
  type Terminator,
  type Usage,
} from "@overtone/harmony";
import { expect } from "vitest";
import type { Backend } from "../../packages/overtone/src/backends/contract.js";
import { GatewayError, type ServedModel } from "../../packages/overtone/src/gateway/protocol.js";

/** A served model for translation tests (its backend is never called): `gpt-oss-20b`, no defaults, unless given. */
export function servedModel(fields: Partial<ServedModel> = {}): ServedModel {
  return {
    name: "gpt-oss-20b",
    backend: {} as Backend,
    reasoningField: "reasoning",
    defaults: {},
    since: new Date(0),
    ...fields,
  };
}

/** The recipient of a tool call unless a test names another one. */
export const DEFAULT_RECIPIENT = "functions.get_weather";

/**
 * One model message as parts: start, one delta per piece, end. A tool call goes to `functions.get_weather` and
 * ends with `<|call|>` unless told otherwise; any other message ends with `<|end|>` (`eos`: cut off by the
 * token budget).
 */
export function modelMessage(
  kind: PartKind,
  id: string,
  pieces: readonly string[],
  options: { recipient?: string; terminator?: Terminator } = {},
): Part[] {
  const text = pieces.join("");
  const channel = kind === "tool-call" ? "commentary" : kind;
  const terminator = options.terminator ?? (kind === "tool-call" ? "call" : "end");
  const deltas = pieces.map((delta) => ({ type: `${kind}-delta`, id, delta }) as Part);
  if (kind !== "tool-call") {
    const harmony = message("assistant", text, { channel });
    return [
      { type: `${kind}-start`, id, role: "assistant", channel } as Part,
      ...deltas,
      { type: `${kind}-end`, id, text, terminator, message: harmony } as Part,
    ];
  }
  const recipient = options.recipient ?? DEFAULT_RECIPIENT;
  const harmony = message("assistant", text, { channel, recipient });
  return [
    { type: "tool-call-start", id, role: "assistant", channel, recipient },
    ...deltas,
    { type: "tool-call-end", id, text, terminator, message: harmony, recipient, channel },
  ];
}

/** The finish part, with usage when given, and other fields (`timings`, `notice`) as given. */
export function finish(
  reason: FinishReason = "stop",
  usage?: Usage,
  more: Pick<FinishPart, "timings" | "notice"> = {},
): FinishPart {
  return { type: "finish", reason, ...(usage !== undefined ? { usage } : {}), ...more };
}

/** A turn that reasons, then answers (`m0` analysis, `m1` final ended by `<|return|>`), then finishes. */
export function answerParts(
  reasoning: string,
  answer: string,
  usage: Usage = { inputTokens: 20, outputTokens: 9, reasoningTokens: 4 },
): Part[] {
  return [
    ...modelMessage("analysis", "m0", [reasoning]),
    ...modelMessage("final", "m1", [answer], { terminator: "return" }),
    finish("stop", usage),
  ];
}

/** The parts as a backend streams them. */
export async function* partsOf(parts: Iterable<Part>): AsyncGenerator<Part> {
  yield* parts;
}

/** Model output as Harmony text, in chunks of `size` characters, through the real parser (a backend's parts). */
export function harmonyParts(text: string, details: FinishDetails, size = 4): AsyncIterable<Part> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return partsFromText(chunks, { role: "assistant", finishDetails: () => details });
}

/** Harmony's special-token strings, which no text the gateway sends may carry (rule 15). */
export const HARMONY_TOKENS = [
  "<|start|>",
  "<|channel|>",
  "<|message|>",
  "<|end|>",
  "<|call|>",
  "<|return|>",
  "<|constrain|>",
] as const;

/** Rule 15 on what a client receives: no special token, nor the `assistantfinal` a stripped header leaves. */
export function expectNoMarkup(text: string): void {
  for (const token of [...HARMONY_TOKENS, "assistantfinal"]) expect(text).not.toContain(token);
}

/** The GatewayError `action` throws (a refused request); anything else it throws, or nothing, fails the test. */
export function gatewayErrorOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError, but nothing was thrown");
}
