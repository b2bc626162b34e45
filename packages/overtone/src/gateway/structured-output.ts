/**
 * Structured output through the gateway (issue 14 item 4): each protocol's request field — Chat's
 * `response_format`, Responses' `text.format`, Ollama's `format` — becomes the backend contract's
 * `responseFormat`, which backends pass on in their own terms where the server can constrain the answer alone
 * (Ollama's `format`, OpenAI-compatible `response_format`); the embedded engine enforces it with llama.cpp's
 * grammar on the final channel only (engine/final-grammar.ts). A server's raw completion cannot without
 * constraining the reasoning too (there the schema reaches the model as the developer message's "# Response
 * Formats" section only), and servers do not always enforce it (ollama#14440), so the gateway checks every
 * structured answer once it is complete: any JSON for `json_object`, the schema for `json_schema`
 * (json-schema-check.ts).
 *
 * A failed check does not change the reply: OpenAI's and Ollama's wire formats have no field for it and we
 * invent none; the answer goes out as the model wrote it (the client parses it as it would OpenAI's). The
 * failure is counted (`gateway:structured_output_invalid_total`) and written on the access log line. Only
 * answers that ended normally (`finish: stop`) are checked: a cut-off answer (`length`) already says so in
 * its finish reason, and a tool call is no answer.
 */
import type { Part } from "@overtone/harmony";
import type { ResponseFormat } from "../backends/contract.js";
import { schemaProblem } from "./json-schema-check.js";

/** The shape Chat's `response_format` and Responses' `text.format` are parsed into (both alike). */
export type RequestedFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema?: Record<string, unknown>; strict?: boolean };

/** An OpenAI format (Chat's `response_format`, Responses' `text.format`) in the contract's terms; text → none. */
export function responseFormatOf(format: RequestedFormat | undefined): ResponseFormat | undefined {
  if (format === undefined || format.type === "text") return undefined;
  // A json_schema without a schema (Chat allows leaving it out) asks for JSON and nothing more.
  if (format.type === "json_object" || format.schema === undefined) return { type: "json_object" };
  const { name, schema, strict } = format;
  return { type: "json_schema", name, schema, ...(strict !== undefined ? { strict } : {}) };
}

/** Ollama's `format` in the contract's terms: `"json"` is any JSON object, anything else is the schema itself. */
export function ollamaResponseFormat(format: "json" | Record<string, unknown>): ResponseFormat {
  return format === "json" ? { type: "json_object" } : { type: "json_schema", schema: format };
}

/** What is wrong with a complete answer under `format`, or undefined when it is what was asked for. */
export function answerProblem(text: string, format: ResponseFormat): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `the answer is not JSON (${(error as Error).message})`;
  }
  if (format.type === "json_object") {
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? undefined
      : "the answer is JSON but not an object";
  }
  const problem = schemaProblem(value, format.schema);
  return problem === undefined ? undefined : `the answer does not match the schema: ${problem}`;
}

/**
 * The parts unchanged; when the generation finishes with `stop`, its answer (the final channel's text) is
 * checked against `format` first and `invalid` is told what is wrong, before the finish part goes on.
 */
export async function* checkedAnswer(
  parts: AsyncIterable<Part>,
  format: ResponseFormat,
  invalid: (problem: string) => void,
): AsyncGenerator<Part> {
  let answer = "";
  for await (const part of parts) {
    if (part.type === "final-delta") answer += part.delta;
    if (part.type === "finish" && part.reason === "stop") {
      const problem = answerProblem(answer, format);
      if (problem !== undefined) invalid(problem);
    }
    yield part;
  }
}
