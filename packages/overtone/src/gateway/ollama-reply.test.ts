import type { Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { finish, modelMessage, partsOf } from "../../../../test/gateway/parts-fixtures.js";
import {
  collectReply,
  createdAt,
  type OllamaReplyEvent,
  ollamaErrorBody,
  ollamaReplyEvents,
} from "./ollama-reply.js";
import { GatewayError, upstreamError } from "./protocol.js";

const NOW = new Date("2026-01-05T11:27:39.912Z");
const OPTS = { now: () => NOW };
async function events(parts: Part[]): Promise<OllamaReplyEvent[]> {
  const out: OllamaReplyEvent[] = [];
  for await (const event of ollamaReplyEvents(partsOf(parts), OPTS)) out.push(event);
  return out;
}

describe("ollamaReplyEvents", () => {
  it("separates consecutive messages of one field with a newline and skips empty deltas", async () => {
    const out = await events([
      ...modelMessage("analysis", "m0", ["First ", "thought."]),
      ...modelMessage("commentary", "m1", ["", "Looking it up."]),
      ...modelMessage("analysis", "m2", ["Second."]),
      ...modelMessage("final", "m3", ["Done."]),
      finish(),
    ]);
    expect(out.slice(0, -1)).toEqual([
      { type: "thinking", text: "First " },
      { type: "thinking", text: "thought." },
      { type: "content", text: "Looking it up." },
      { type: "thinking", text: "\nSecond." },
      { type: "content", text: "\nDone." },
    ]);
  });

  it("drops Harmony markup from text, also split across deltas, and from tool-call arguments (rule 15)", async () => {
    const out = await events([
      ...modelMessage("analysis", "m0", [
        "Think <|end|><|sta",
        "rt|>assistant<|channel|>final<|mess",
        "age|>more",
      ]),
      ...modelMessage("final", "m1", ["Hi<|ret", "urn|>"]),
      ...modelMessage("tool-call", "m2", ['{"city":"Oslo<|call|>"}']),
      finish(),
    ]);
    expect(out.slice(0, -1)).toEqual([
      { type: "thinking", text: "Think " },
      { type: "thinking", text: "more" },
      { type: "content", text: "Hi" },
      {
        type: "tool-call",
        call: expect.objectContaining({ function: expect.objectContaining({ arguments: { city: "Oslo" } }) }),
      },
    ]);
  });

  it("numbers tool calls from 0, keeps non-function namespaces and takes empty arguments as {}", async () => {
    const out = await events([
      ...modelMessage("tool-call", "c0", [""], { recipient: "functions.get_time" }),
      ...modelMessage("tool-call", "c1", ['{"query":"gpt-oss"}'], { recipient: "browser.search" }),
      finish("tool-calls"),
    ]);
    expect(out.slice(0, 2)).toEqual([
      {
        type: "tool-call",
        call: {
          id: expect.stringMatching(/^call_[0-9a-f]{8}$/),
          function: { index: 0, name: "get_time", arguments: {} },
        },
      },
      {
        type: "tool-call",
        call: {
          id: expect.any(String),
          function: { index: 1, name: "browser.search", arguments: { query: "gpt-oss" } },
        },
      },
    ]);
    expect(out.at(-1)).toMatchObject({ type: "done", doneReason: "stop" });
  });

  it("fails on arguments that parse but are not an object (wire/009's array-wrapped call)", async () => {
    const out = await events([
      ...modelMessage("tool-call", "c0", ['[{"input":"x"}]'], { recipient: "functions.apply_patch" }),
      finish("tool-calls"),
    ]);
    expect(out).toHaveLength(1);
    const error = (out[0] as Extract<OllamaReplyEvent, { type: "error" }>).error;
    expect(error.message).toBe(
      `error parsing tool call: raw='[{"input":"x"}]', err=arguments are not a JSON object`,
    );
    expect(error.status).toBe(502);
  });

  it("turns the finish part's usage and timings into integer nanoseconds (rule 38)", async () => {
    const out = await events([
      ...modelMessage("final", "m0", ["Hi"]),
      finish(
        "stop",
        { inputTokens: 71, outputTokens: 49 },
        { timings: { totalMs: 1838.0000004, loadMs: 61, promptMs: 24, generationMs: 1402 } },
      ),
    ]);
    expect(out.at(-1)).toEqual({
      type: "done",
      doneReason: "stop",
      metrics: {
        total_duration: 1838000000,
        load_duration: 61000000,
        prompt_eval_count: 71,
        prompt_eval_duration: 24000000,
        eval_count: 49,
        eval_duration: 1402000000,
      },
    });
  });

  it("derives unreported durations from the first-token time, and reports 0 for what nothing tells", async () => {
    const derived = await events([
      finish("stop", undefined, { timings: { totalMs: 1000, firstTokenMs: 300, loadMs: 100 } }),
    ]);
    expect(derived[0]).toMatchObject({
      metrics: {
        total_duration: 1e9,
        load_duration: 1e8,
        prompt_eval_duration: 2e8,
        eval_duration: 7e8,
        eval_count: 0,
      },
    });
    const bare = await events([finish("length")]);
    expect(bare[0]).toEqual({
      type: "done",
      doneReason: "length",
      metrics: {
        total_duration: 0,
        load_duration: 0,
        prompt_eval_count: 0,
        prompt_eval_duration: 0,
        eval_count: 0,
        eval_duration: 0,
      },
    });
  });

  it("reports an aborted or failed finish, and a stream without any end, as errors", async () => {
    const aborted = await events([...modelMessage("analysis", "m0", ["Hm"]), finish("aborted")]);
    expect(aborted).toHaveLength(2);
    expect(aborted[1]).toMatchObject({ type: "error", error: { status: 499, code: "aborted" } });
    const [failed] = await events([finish("error", undefined, { notice: "the server lost the model" })]);
    expect(failed).toMatchObject({
      type: "error",
      error: { status: 502, message: "the server lost the model" },
    });
    const cut = await events(modelMessage("final", "m0", ["Hal"]));
    expect(cut.at(-1)).toMatchObject({ type: "error", error: { status: 502, code: "upstream_error" } });
  });

  it("keeps a GatewayError from an error part as it is", async () => {
    const own = new GatewayError(429, "slow down", { retryAfterSeconds: 2 });
    const [event] = await events([{ type: "error", error: own }]);
    expect(event).toEqual({ type: "error", error: own });
    expect(upstreamError(own)).toBe(own);
  });
});

describe("collectReply", () => {
  it("joins the texts and tool calls, and throws the error of a failed reply", async () => {
    async function* ok(): AsyncGenerator<OllamaReplyEvent> {
      yield { type: "thinking", text: "a" };
      yield { type: "thinking", text: "b" };
      yield { type: "content", text: "c" };
      yield { type: "done", doneReason: "length", metrics: {} as never };
    }
    expect(await collectReply(ok())).toMatchObject({
      thinking: "ab",
      content: "c",
      toolCalls: [],
      doneReason: "length",
    });
    async function* failing(): AsyncGenerator<OllamaReplyEvent> {
      yield { type: "content", text: "c" };
      yield { type: "error", error: new GatewayError(502, "gone") };
    }
    await expect(collectReply(failing())).rejects.toThrow("gone");
  });
});

describe("Ollama error body and dates", () => {
  it("writes errors as {error: string} (rule 42) and dates as RFC 3339 with milliseconds", () => {
    expect(ollamaErrorBody(new GatewayError(404, "model 'x' not found"))).toEqual({
      error: "model 'x' not found",
    });
    expect(createdAt(OPTS)).toBe("2026-01-05T11:27:39.912Z");
    expect(createdAt({})).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
