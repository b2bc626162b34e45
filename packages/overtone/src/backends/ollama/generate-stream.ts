/**
 * `/api/generate` NDJSON → stream parts, for the raw route: Overtone sent its own Harmony prompt with
 * `raw: true`, so Ollama runs no template and no parser, and the `response` text is the model's output with
 * its special tokens stripped (`analysisWe need…assistantfinalHello`, backends.md §1.1). That text goes to the
 * Harmony text parser with stripped-token recovery (`partsFromText`).
 *
 * If Ollama did parse the output anyway — lines carry `thinking` next to `response` (a non-raw generate, the
 * shape of field report 004) — the fields are put back into Harmony text (`<|channel|>analysis<|message|>…`,
 * then the final channel), which the same parser reads; nothing of either field is lost.
 */
import { type Part, partsFromText, type Timings, type Usage } from "@overtone/harmony";
import { TOOL_CALL_CONTENT_TYPE, toolRecipient } from "../gpt-oss-profile.js";
import { ollamaLines, serverTimings, usageOf } from "./stream-lines.js";
import type { OllamaStreamLine } from "./wire.js";

export interface GeneratePartsOptions {
  url: string;
  signal?: AbortSignal;
  clock?: () => number;
}

export function generateParts(
  lines: AsyncIterable<unknown>,
  options: GeneratePartsOptions,
): AsyncIterable<Part> {
  let last: OllamaStreamLine | undefined;
  /** Text mode, decided by the first non-empty field: stripped raw output, or fields Ollama parsed. */
  let mode: "raw" | "parsed" | undefined;
  /** While re-building Harmony from parsed fields: the open message's kind, or whether one was closed. */
  let open: "analysis" | "final" | undefined;
  let closedOne = false;

  function header(kind: "analysis" | "final" | "tool", channel: string): string {
    const prefix = open !== undefined ? "<|end|><|start|>assistant" : closedOne ? "<|start|>assistant" : "";
    open = kind === "tool" ? undefined : kind;
    closedOne ||= kind === "tool";
    return `${prefix}${channel}<|message|>`;
  }

  async function* text(): AsyncGenerator<string, void, undefined> {
    for await (const line of ollamaLines(lines, options.url)) {
      last = line;
      if (typeof line.thinking === "string" && line.thinking !== "") {
        mode ??= "parsed";
        // In raw mode a `thinking` field cannot occur (Ollama ran no parser); were it to, its text is kept.
        if (mode === "parsed" && open !== "analysis") yield header("analysis", "<|channel|>analysis");
        yield line.thinking;
      }
      if (typeof line.response === "string" && line.response !== "") {
        mode ??= "raw";
        if (mode === "parsed" && open !== "final") yield header("final", "<|channel|>final");
        yield line.response;
      }
      for (const call of line.tool_calls ?? []) {
        mode = "parsed";
        const recipient = toolRecipient(call.function.name);
        yield header("tool", `<|channel|>commentary to=${recipient} ${TOOL_CALL_CONTENT_TYPE}`);
        yield `${JSON.stringify(call.function.arguments ?? {})}<|call|>`;
      }
    }
    // Parsed fields end the way the model ended them; stripped raw text gets its stop token from the recovery
    // (`<|call|>` after a recipient, else `<|return|>`). A `length` end stays open: the message was cut off.
    if (open !== undefined && last?.done_reason !== "length")
      yield open === "final" ? "<|return|>" : "<|end|>";
  }

  return partsFromText(text(), {
    role: "assistant",
    strict: false,
    recoverStrippedTokens: true,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    finishDetails: () => {
      const usage: Usage | undefined = usageOf(last);
      const timings: Timings = serverTimings(last);
      return {
        // The parser reads stop and tool-calls from the output's stop tokens; only Ollama knows of a limit.
        ...(last?.done_reason === "length" ? { reason: "length" as const } : {}),
        ...(usage !== undefined ? { usage } : {}),
        timings,
      };
    },
  });
}
