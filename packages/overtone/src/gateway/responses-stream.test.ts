import type { Part } from "@overtone/harmony";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { expectNoMarkup, finish, modelMessage, partsOf } from "../../../../test/gateway/parts-fixtures.js";
import { GatewayError } from "./protocol.js";
import type { ResponsesItem } from "./responses-input.js";
import { parseResponsesRequest } from "./responses-request.js";
import { responseFrames } from "./responses-stream.js";

// biome-ignore lint/suspicious/noExplicitAny: frames are JSON read back; deep access keeps the assertions readable
type Json = Record<string, any>;

const meta = { id: "resp_test", created: 1755000000, model: "gpt-oss-20b" };
const parsed = parseResponsesRequest({ model: "gpt-oss-20b", input: "What is the weather in Oslo?" });

const usage = { inputTokens: 75, outputTokens: 38, reasoningTokens: 27, cachedInputTokens: 64 };
async function frames(parts: Part[], onDone: (items: ResponsesItem[]) => void = () => {}): Promise<string[]> {
  const out: string[] = [];
  for await (const frame of responseFrames(partsOf(parts), meta, parsed, onDone)) out.push(frame);
  return out;
}

/** Each frame as `event:` + `data:` + blank line (rule 28), the event name equal to the payload's type. */
function events(raw: string[]): Json[] {
  return raw.map((frame) => {
    const match = /^event: ([a-z_.]+)\ndata: (.+)\n\n$/.exec(frame);
    expect(match, frame).not.toBeNull();
    const data = JSON.parse(match?.[2] ?? "") as Json;
    expect(data.type).toBe(match?.[1]);
    return data;
  });
}

const TERMINAL = ["response.completed", "response.incomplete", "response.failed"];

/**
 * What openai-node's `responses.stream()` accumulator enforces (gateway.md §2.4), and rules 27–33 and 15, checked
 * on every stream these tests make. Returns the `output_item.done` items.
 */
function checkSequence(list: Json[]): Json[] {
  expect(list[0]?.type).toBe("response.created"); // rule 27
  expect(list[1]?.type).toBe("response.in_progress");
  expect(list.map((event) => event.sequence_number)).toEqual(list.map((_, i) => i));
  const terminals = list.filter((event) => TERMINAL.includes(event.type)); // rule 28
  expect(terminals).toHaveLength(1);
  expect(list.at(-1)).toBe(terminals[0]);
  const added: Json[] = [];
  const done: Json[] = [];
  const contents: number[] = [];
  const texts = new Map<string, string>();
  const ids = new Set<string>();
  const callIds = new Set<string>();
  for (const event of list) {
    expect(event.type).not.toMatch(/reasoning_part|reasoning_summary/); // rule 30
    expectNoMarkup(JSON.stringify(event)); // rule 15
    if (event.output_index !== undefined && event.type !== "response.output_item.added") {
      expect(added[event.output_index], event.type).toBeDefined();
      if (event.item_id !== undefined) expect(event.item_id).toBe(added[event.output_index]?.id); // rule 31
    }
    const key = `${event.output_index}:${event.content_index ?? 0}`;
    switch (event.type) {
      case "response.output_item.added":
        expect(event.output_index).toBe(added.length); // rule 29
        expect(event.item.id).toMatch(/^(rs|msg|fc)_\w+$/);
        expect(ids.has(event.item.id)).toBe(false);
        ids.add(event.item.id);
        if (event.item.type === "function_call") {
          expect(event.item.call_id).toMatch(/^call_\w+$/);
          expect(callIds.has(event.item.call_id)).toBe(false);
          callIds.add(event.item.call_id);
        }
        added.push(event.item);
        contents.push(0);
        break;
      case "response.content_part.added":
        expect(event.content_index).toBe(contents[event.output_index]); // rule 29: restarts at 0 per item
        contents[event.output_index] = (contents[event.output_index] ?? 0) + 1;
        texts.set(key, "");
        break;
      case "response.reasoning_text.delta":
      case "response.output_text.delta":
      case "response.function_call_arguments.delta":
        texts.set(key, (texts.get(key) ?? "") + event.delta);
        break;
      case "response.reasoning_text.done":
      case "response.output_text.done":
        expect(event.text).toBe(texts.get(key));
        break;
      case "response.function_call_arguments.done": // rule 32
        expect(event.arguments).toBe(texts.get(key) ?? "");
        expect(event.name).toBe(added[event.output_index]?.name);
        break;
      case "response.output_item.done": {
        const first = added[event.output_index] as Json;
        expect([event.item.type, event.item.id, event.item.call_id]).toEqual([
          first.type,
          first.id,
          first.call_id,
        ]);
        if (event.item.type === "function_call") expect(event.item.arguments).toBe(texts.get(key) ?? "");
        done.push(event.item);
        break;
      }
    }
  }
  expect(done).toHaveLength(added.length);
  expect(terminals[0]?.response.output).toEqual(done); // rule 33
  return done;
}

/** The stream through openai-node's own `responses.stream()` helper, as a client would read it (rule 33). */
async function viaOpenAINode(raw: string[]): Promise<Json> {
  const client = new OpenAI({
    apiKey: "test",
    baseURL: "http://gateway.test/v1",
    maxRetries: 0,
    fetch: async () =>
      new Response(raw.join(""), { headers: { "content-type": "text/event-stream; charset=utf-8" } }),
  });
  return (await client.responses.stream({ model: "gpt-oss-20b", input: "hi" }).finalResponse()) as Json;
}

describe("responseFrames", () => {
  it("streams reasoning then a message in exactly the §2.3 sequence (rules 27–30, 33)", async () => {
    const list = events(
      await frames([
        ...modelMessage("analysis", "a", ["Need ", "HELLO."]),
        ...modelMessage("final", "f", ["HEL", "LO"], { terminator: "return" }),
        finish("stop", usage),
      ]),
    );
    expect(list.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.reasoning_text.delta",
      "response.reasoning_text.delta",
      "response.reasoning_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const [rs, message] = checkSequence(list);
    expect(list[0]).toMatchObject({
      response: { id: "resp_test", status: "in_progress", output: [], usage: null },
    });
    expect(list[3]).toEqual({
      type: "response.content_part.added",
      item_id: rs?.id,
      output_index: 0,
      content_index: 0,
      part: { type: "reasoning_text", text: "" },
      sequence_number: 3,
    });
    expect(list[11]).toEqual({
      type: "response.output_text.delta",
      item_id: message?.id,
      output_index: 1,
      content_index: 0, // vLLM sends 1 here (wire/021), which openai-node rejects
      delta: "HEL",
      logprobs: [],
      sequence_number: 11,
    });
    expect(rs).toEqual({
      type: "reasoning",
      id: rs?.id,
      summary: [],
      content: [{ type: "reasoning_text", text: "Need HELLO." }],
      status: "completed",
    });
    expect(message).toEqual({
      type: "message",
      id: message?.id,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: "HELLO", annotations: [] }],
    });
    expect(list.at(-1)?.response).toMatchObject({
      status: "completed",
      usage: {
        input_tokens: 75,
        input_tokens_details: { cached_tokens: 64 },
        output_tokens: 38,
        output_tokens_details: { reasoning_tokens: 27 },
        total_tokens: 113,
      },
    });
  });

  it("streams a function call with arguments deltas, and done events carrying name and arguments (rules 31, 32)", async () => {
    const raw = await frames([
      ...modelMessage("analysis", "a", ["Need weather."]),
      ...modelMessage("tool-call", "c", ['{"city":', '"Oslo"}']),
      finish("tool-calls", usage),
    ]);
    const list = events(raw);
    const [, call] = checkSequence(list);
    expect(list.map((e) => e.type).slice(7)).toEqual([
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(list[8]?.item).toEqual({
      type: "function_call",
      id: call?.id,
      call_id: call?.call_id,
      name: "get_weather",
      arguments: "",
      status: "in_progress",
    });
    expect(list[11]).toEqual({
      type: "response.function_call_arguments.done",
      item_id: call?.id,
      output_index: 1,
      name: "get_weather",
      arguments: '{"city":"Oslo"}',
      sequence_number: 11,
    });
    expect(call).toMatchObject({ arguments: '{"city":"Oslo"}', status: "completed" });
    // The SDK adds its own `parsed_arguments`; everything we sent comes through as sent.
    expect((await viaOpenAINode(raw)).output).toMatchObject(list.at(-1)?.response.output);
  });

  it("ends with response.incomplete, reason max_output_tokens, when the budget ran out inside the reasoning (rule 34)", async () => {
    const list = events(
      await frames([
        ...modelMessage("analysis", "a", ["Let me think"], { terminator: "eos" }),
        finish("length", usage),
      ]),
    );
    const [rs] = checkSequence(list);
    expect(list.at(-1)?.type).toBe("response.incomplete");
    expect(list.at(-1)?.response).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      error: null,
    });
    expect(rs?.status).toBe("incomplete");
  });

  it("ends with response.failed carrying a server_error when an error part comes mid-stream, and stores nothing", async () => {
    let stored: ResponsesItem[] | undefined;
    const parts: Part[] = [
      ...modelMessage("analysis", "a", ["Thinking"]),
      { type: "final-start", id: "f", role: "assistant", channel: "final" },
      { type: "final-delta", id: "f", delta: "Par" },
      { type: "error", error: new Error("upstream connection reset") },
    ];
    const list = events(await frames(parts, (items) => (stored = items)));
    checkSequence(list);
    const last = list.at(-1);
    expect(last?.type).toBe("response.failed");
    expect(last?.response.status).toBe("failed");
    expect(last?.response.error).toEqual({ code: "server_error", message: "upstream connection reset" });
    // The message cut by the error is closed as incomplete, so every added item is done (as rule 33 wants).
    expect(last?.response.output.map((item: Json) => [item.type, item.status])).toEqual([
      ["reasoning", "completed"],
      ["message", "incomplete"],
    ]);
    expect(last?.response.output[1].content[0].text).toBe("Par");
    expect(stored).toBeUndefined();
  });

  it("keeps a GatewayError's message and fails a stream that ends without a finish part", async () => {
    const gateway = events(await frames([{ type: "error", error: new GatewayError(429, "busy") }]));
    expect(gateway.at(-1)?.response.error).toEqual({ code: "server_error", message: "busy" });
    const cut = events(await frames(modelMessage("final", "f", ["Hi"])));
    expect(cut.at(-1)?.type).toBe("response.failed");
    expect(cut.at(-1)?.response.error.message).toMatch(/ended without finishing/);
  });

  it("maps a finish with reason error to response.failed, with the finish notice as the message", async () => {
    const list = events(await frames([{ type: "finish", reason: "error", notice: "bad Harmony" }]));
    checkSequence(list);
    expect(list.map((e) => e.type)).toEqual(["response.created", "response.in_progress", "response.failed"]);
    expect(list.at(-1)?.response.error).toEqual({ code: "server_error", message: "bad Harmony" });
  });

  it("numbers output items 0, 1, 2 with content_index 0 each, a preamble being a commentary-phase message", async () => {
    const list = events(
      await frames([
        ...modelMessage("analysis", "a", ["Plan."]),
        ...modelMessage("commentary", "p", ["Checking the weather."]),
        ...modelMessage("tool-call", "c", ['{"city":"Oslo"}']),
        finish("tool-calls", usage),
      ]),
    );
    const done = checkSequence(list);
    expect(done.map((item) => item.type)).toEqual(["reasoning", "message", "function_call"]);
    expect(done[1]).toMatchObject({ phase: "commentary", content: [{ text: "Checking the weather." }] });
    const partEvents = list.filter((e) => e.type === "response.content_part.added");
    expect(partEvents.map((e) => [e.output_index, e.content_index])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it("never leaks Harmony special tokens, also when one is split across deltas (rule 15)", async () => {
    const list = events(
      await frames([
        ...modelMessage("final", "f", ["4<|end|><|st", "art|>assistant <|ret", "urn|> is <b>"], {
          terminator: "return",
        }),
        finish("stop", usage),
      ]),
    );
    const [message] = checkSequence(list);
    expect(message?.content[0].text).toBe("4assistant  is <b>");
    const deltas = list.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta);
    expect(deltas.join("")).toBe("4assistant  is <b>");
  });

  it("hands the items to onDone before it yields the terminal frame (a client may continue at once)", async () => {
    let storedBeforeTerminal = false;
    let stored: ResponsesItem[] = [];
    for await (const frame of responseFrames(
      partsOf([...modelMessage("final", "f", ["Hi"], { terminator: "return" }), finish("stop", usage)]),
      meta,
      parsed,
      (items) => (stored = items),
    )) {
      if (frame.startsWith("event: response.completed")) storedBeforeTerminal = stored.length > 0;
    }
    expect(storedBeforeTerminal).toBe(true);
    expect(stored).toEqual([
      { type: "message", role: "user", text: "What is the weather in Oslo?" },
      { type: "message", role: "assistant", text: "Hi" },
    ]);
  });

  it("sends no [DONE] and passes through openai-node's stream helper without error", async () => {
    const raw = await frames([
      ...modelMessage("analysis", "a", ["x"]),
      ...modelMessage("final", "f", ["Hello"], { terminator: "return" }),
      finish("stop", usage),
    ]);
    expect(raw.join("")).not.toContain("[DONE]");
    const response = await viaOpenAINode(raw);
    expect(response.output_text).toBe("Hello");
    expect(response.status).toBe("completed");
  });
});
