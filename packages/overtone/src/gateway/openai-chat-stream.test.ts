import type { Part, Usage } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { expectNoMarkup, finish, modelMessage, partsOf } from "../../../../test/gateway/parts-fixtures.js";
import { chatCompletionFrames } from "./openai-chat-stream.js";
import { GatewayError } from "./protocol.js";

// biome-ignore lint/suspicious/noExplicitAny: chunks and bodies are JSON read back; deep access keeps the assertions readable
type Json = Record<string, any>;

const meta = { id: "chatcmpl-7f3a", created: 1755000000, model: "gpt-oss-20b" };
const envelope = { id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model };

const usage: Usage = { inputTokens: 84, outputTokens: 31, reasoningTokens: 12 };
async function frames(
  parts: AsyncIterable<Part> | Part[],
  opts: { reasoningField?: "reasoning" | "reasoning_content"; includeUsage?: boolean } = {},
): Promise<string[]> {
  const out: string[] = [];
  const source = Array.isArray(parts) ? partsOf(parts) : parts;
  const options = {
    reasoningField: opts.reasoningField ?? "reasoning",
    includeUsage: opts.includeUsage ?? false,
  };
  for await (const frame of chatCompletionFrames(source, meta, options)) out.push(frame);
  return out;
}

/** The payloads, checking the framing on the way: `data: <one line>\n\n`, `[DONE]` last and only there (rule 2). */
function payloads(raw: string[]): Json[] {
  expect(raw.at(-1)).toBe("data: [DONE]\n\n");
  return raw.slice(0, -1).map((frame) => {
    const match = /^data: ([^\n]+)\n\n$/.exec(frame);
    expect(match, frame).not.toBeNull();
    expect(match?.[1]).not.toBe("[DONE]");
    const chunk = JSON.parse(match?.[1] ?? "") as Json;
    // Byte for byte what JSON.stringify writes, the envelope's fields first (the frames are assembled from pieces).
    expect(match?.[1]).toBe(JSON.stringify(chunk));
    if (!("error" in chunk))
      expect(Object.keys(chunk).slice(0, 4)).toEqual(["id", "object", "created", "model"]);
    return chunk;
  });
}

/** Rules 3, 4, 5 and 11 on a stream that finished. */
function checkChunks(chunks: Json[], includeUsage: boolean): void {
  for (const chunk of chunks) {
    expect(chunk).toMatchObject(envelope);
    expect(chunk).not.toHaveProperty("system_fingerprint");
    for (const choice of chunk.choices) expect(choice.index).toBe(0);
  }
  expect(chunks[0]?.choices[0].delta).toEqual({ role: "assistant", content: "" });
  const finishing = chunks.findIndex((c) => c.choices[0]?.finish_reason != null);
  expect(chunks.filter((c) => c.choices[0]?.finish_reason != null)).toHaveLength(1);
  expect(["stop", "length", "tool_calls"]).toContain(chunks[finishing]?.choices[0].finish_reason);
  expect(chunks.slice(finishing + 1).every((c) => c.choices.length === 0)).toBe(true);
  const empty = chunks.filter((c) => c.choices.length === 0);
  expect(empty).toHaveLength(includeUsage ? 1 : 0);
  if (includeUsage) expect(chunks.at(-1)).toEqual({ ...envelope, choices: [], usage: expect.any(Object) });
}

/** The text a client collects from one delta field. */
const joined = (chunks: Json[], field: string) =>
  chunks.map((c) => c.choices[0]?.delta[field] ?? "").join("");

describe("chatCompletionFrames", () => {
  it("streams the §1.3 tool-call example exactly, with the usage chunk (rules 2-11)", async () => {
    const raw = await frames(
      [
        ...modelMessage("analysis", "m0", ["Need weather"]),
        ...modelMessage("tool-call", "m1", ['{"city":"Oslo"}']),
        finish("tool-calls", usage),
      ],
      { includeUsage: true },
    );
    const chunks = payloads(raw);
    checkChunks(chunks, true);
    const id = chunks[2]?.choices[0].delta.tool_calls[0].id;
    expect(id).toMatch(/^call_[0-9a-f]{24}$/);
    const choice = (delta: Json, finish_reason: string | null = null) => ({
      ...envelope,
      choices: [{ index: 0, delta, finish_reason }],
    });
    expect(chunks).toEqual([
      choice({ role: "assistant", content: "" }),
      choice({ reasoning: "Need weather" }),
      choice({
        tool_calls: [{ index: 0, id, type: "function", function: { name: "get_weather", arguments: "" } }],
      }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Oslo"}' } }] }),
      choice({}, "tool_calls"),
      {
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: 84,
          completion_tokens: 31,
          total_tokens: 115,
          completion_tokens_details: { reasoning_tokens: 12 },
        },
      },
    ]);
  });

  it("sends no usage chunk unless asked (rule 11), and content only for preambles and answers (rules 10, 14, 16)", async () => {
    const chunks = payloads(
      await frames([
        ...modelMessage("analysis", "m0", ["Think ", "more."]),
        ...modelMessage("commentary", "m1", ["Checking."]),
        ...modelMessage("final", "m2", ["It is ", "sunny."]),
        finish("stop", usage),
      ]),
    );
    checkChunks(chunks, false);
    expect(joined(chunks, "reasoning")).toBe("Think more.");
    expect(joined(chunks, "content")).toBe("Checking.\n\nIt is sunny.");
    expect(chunks.some((c) => c.choices[0]?.delta.reasoning_content !== undefined)).toBe(false);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe("stop");
  });

  it("uses reasoning_content instead when configured, never both (rule 14)", async () => {
    const chunks = payloads(
      await frames(
        [
          ...modelMessage("analysis", "m0", ["Hm."]),
          ...modelMessage("final", "m1", ["Yes."]),
          finish("stop", usage),
        ],
        {
          reasoningField: "reasoning_content",
        },
      ),
    );
    expect(joined(chunks, "reasoning_content")).toBe("Hm.");
    expect(chunks.some((c) => c.choices[0]?.delta.reasoning !== undefined)).toBe(false);
  });

  it("numbers tool calls, each with a function object on every delta (rules 7, 8)", async () => {
    const chunks = payloads(
      await frames([
        ...modelMessage("tool-call", "m0", ['{"city":', '"Oslo"}']),
        ...modelMessage("tool-call", "m1", ["{}"]),
        finish("tool-calls", usage),
      ]),
    );
    checkChunks(chunks, false);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    for (const call of calls) expect(call.function).toEqual(expect.any(Object));
    const opening = calls.filter((call: Json) => call.id !== undefined);
    expect(opening.map((call: Json) => call.index)).toEqual([0, 1]);
    expect(opening[0].id).not.toBe(opening[1].id);
    for (const call of calls.filter((c: Json) => c.id === undefined))
      expect(Object.keys(call).sort()).toEqual(["function", "index"]);
    const args = (index: number) =>
      calls
        .filter((c: Json) => c.index === index)
        .map((c: Json) => c.function.arguments)
        .join("");
    expect(JSON.parse(args(0))).toEqual({ city: "Oslo" });
    expect(args(1)).toBe("{}");
  });

  it("finishes with length when the budget ran out in the reasoning (rule 6)", async () => {
    const chunks = payloads(
      await frames([...modelMessage("analysis", "m0", ["Still"]).slice(0, 2), finish("length", usage)]),
    );
    checkChunks(chunks, false);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe("length");
  });

  it("never sends markup, also split across deltas (rule 15)", async () => {
    const raw = await frames([
      ...modelMessage("final", "m0", [
        "Hi<|end|><|start|>assist",
        "ant<|channel|>final<|mess",
        "age|>there<|ret",
        "urn|>",
      ]),
      finish("stop", usage),
    ]);
    expectNoMarkup(raw.join(""));
    expect(joined(payloads(raw), "content")).toBe("Hithere");
  });

  it("ends a failed stream with the error frame and [DONE] (rule 23)", async () => {
    const raw = await frames([
      ...modelMessage("final", "m0", ["partial"]).slice(0, 2),
      { type: "error", error: new Error("connection reset") },
    ]);
    const chunks = payloads(raw);
    expect(chunks.at(-1)).toEqual({
      error: { message: "connection reset", type: "server_error", param: null, code: "upstream_error" },
    });
    expect(chunks.filter((c) => c.choices?.[0]?.finish_reason != null)).toHaveLength(0);
  });

  it("sends only the error frame when the generation fails before anything else", async () => {
    const busy = new GatewayError(503, "backend overloaded", { code: "backend_unavailable" });
    const raw = await frames([{ type: "error", error: busy }]);
    expect(raw).toEqual([
      'data: {"error":{"message":"backend overloaded","type":"server_error","param":null,"code":"backend_unavailable"}}\n\n',
      "data: [DONE]\n\n",
    ]);
  });

  it("ends with an error frame for a failed or aborted finish, a stream without finish, or one that throws", async () => {
    const lastError = async (parts: AsyncIterable<Part> | Part[]) =>
      payloads(await frames(parts)).at(-1)?.error;
    expect(await lastError([finish("error", usage)])).toMatchObject({ code: "upstream_error" });
    expect(await lastError([finish("aborted", usage)])).toMatchObject({ type: "server_error" });
    expect((await lastError(modelMessage("final", "m0", ["x"]))).message).toContain("without a finish");
    const throwing = async function* (): AsyncGenerator<Part> {
      yield* modelMessage("final", "m0", ["x"]).slice(0, 2);
      throw new Error("parser blew up");
    };
    expect(await lastError(throwing())).toMatchObject({ message: "parser blew up" });
  });
});
