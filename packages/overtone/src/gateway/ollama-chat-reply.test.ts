import type { Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { harmonyParts, partsOf } from "../../../../test/gateway/parts-fixtures.js";
import { ollamaChatBody, ollamaChatLines, ollamaChatLoadReply } from "./ollama-chat-reply.js";
import type { ReplyMeta } from "./protocol.js";

const META: ReplyMeta = { id: "chat-1", created: 1767612459, model: "gpt-oss:20b" };
const NOW = "2026-01-05T11:27:39.912Z";
const OPTS = { now: () => new Date(NOW) };
const FINISH = {
  usage: { inputTokens: 84, outputTokens: 36 },
  timings: { totalMs: 471.4538, loadMs: 61, promptMs: 24, generationMs: 380.5, firstTokenMs: 90 },
};
const METRICS = {
  total_duration: 471453800,
  load_duration: 61000000,
  prompt_eval_count: 84,
  prompt_eval_duration: 24000000,
  eval_count: 36,
  eval_duration: 380500000,
};

async function lines(parts: AsyncIterable<Part>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of ollamaChatLines(parts, META, OPTS)) out.push(line);
  return out;
}

/** What ollama-js does with a stream (gateway.md §4.6): a line with an `error` key throws; it must reach `done`. */
function ollamaJsRead(text: string[]): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (const line of text.join("").split("\n")) {
    if (line === "") continue;
    const object = JSON.parse(line) as Record<string, unknown>;
    if ("error" in object) throw new Error(String(object.error));
    objects.push(object);
    if (object.done) return objects;
  }
  throw new Error("Did not receive done or success response in stream.");
}

const THINK_ANSWER =
  '<|channel|>analysis<|message|>We must output a greeting in Portuguese: "Oi" or "Olá".<|end|>' +
  "<|start|>assistant<|channel|>final<|message|>Olá!<|return|>";
const TOOL_CALL =
  '<|channel|>analysis<|message|>We need to call weather function with location "Florence, Italy".<|end|>' +
  '<|start|>assistant<|channel|>commentary to=functions.weather <|constrain|>json<|message|>{"location":"Florence, Italy"}<|call|>';

describe("ollamaChatLines", () => {
  it("streams thinking, then the answer, then the final line with nanosecond counters (wire/001; rules 38, 39)", async () => {
    const out = await lines(harmonyParts(THINK_ANSWER, FINISH));
    for (const line of out) expect(line).toMatch(/^\{[^\n]*\}\n$/);
    const objects = out.map((line) => JSON.parse(line));
    const thinking = objects.filter((o) => o.message.thinking !== undefined);
    expect(thinking[0]).toEqual({
      model: "gpt-oss:20b",
      created_at: NOW,
      message: { role: "assistant", content: "", thinking: expect.stringMatching(/^We/) },
      done: false,
    });
    expect(thinking.map((o) => o.message.thinking).join("")).toBe(
      'We must output a greeting in Portuguese: "Oi" or "Olá".',
    );
    const answer = objects.filter((o) => o.message.thinking === undefined && !o.done);
    expect(answer.map((o) => o.message.content).join("")).toBe("Olá!");
    for (const o of answer) expect(Object.keys(o.message)).toEqual(["role", "content"]);
    expect(objects.at(-1)).toEqual({
      model: "gpt-oss:20b",
      created_at: NOW,
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: "stop",
      ...METRICS,
    });
    for (const o of objects.slice(0, -1)) {
      for (const key of Object.keys(METRICS)) expect(o).not.toHaveProperty(key);
      expect(o).not.toHaveProperty("error");
    }
    expect(ollamaJsRead(out)).toHaveLength(objects.length);
  });

  it("sends a tool call whole on one line with an id, an index and object arguments, then done: stop (wire/003; rule 40)", async () => {
    const objects = (await lines(harmonyParts(TOOL_CALL, FINISH))).map((line) => JSON.parse(line));
    const calls = objects.filter((o) => o.message.tool_calls !== undefined);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({
      model: "gpt-oss:20b",
      created_at: NOW,
      message: {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            id: expect.stringMatching(/^call_[0-9a-f]{8}$/),
            function: { index: 0, name: "weather", arguments: { location: "Florence, Italy" } },
          },
        ],
      },
      done: false,
    });
    expect(objects.at(-1)).toMatchObject({ done: true, done_reason: "stop" });
    expect(objects.indexOf(calls[0])).toBe(objects.length - 2);
    // LangChain ChatOllama JSON.stringify's the arguments: it must get the model's JSON back, not a string in a string.
    expect(JSON.stringify(calls[0].message.tool_calls[0].function.arguments)).toBe(
      '{"location":"Florence, Italy"}',
    );
  });

  it("puts a commentary preamble in content, not thinking (rule 16)", async () => {
    const objects = (
      await lines(
        harmonyParts(
          "<|channel|>commentary<|message|>Checking the weather.<|end|><|start|>assistant" +
            '<|channel|>commentary to=functions.weather <|constrain|>json<|message|>{"location":"Rome"}<|call|>',
          FINISH,
        ),
      )
    ).map((line) => JSON.parse(line));
    const content = objects.filter((o) => !o.done && o.message.content !== "").map((o) => o.message.content);
    expect(content.join("")).toBe("Checking the weather.");
    expect(objects.some((o) => o.message?.thinking !== undefined)).toBe(false);
    expect(objects.at(-2).message.tool_calls[0].function.name).toBe("weather");
  });

  it("ends with one error line after a mid-stream failure, and nothing else (rule 42; wire/011)", async () => {
    const parts: Part[] = [];
    for await (const part of harmonyParts(THINK_ANSWER, FINISH)) if (part.type !== "finish") parts.push(part);
    parts.splice(6, parts.length, {
      type: "error",
      error: new Error("an error was encountered while running the model"),
    });
    const out = await lines(partsOf(parts));
    expect(out.at(-1)).toBe('{"error":"an error was encountered while running the model"}\n');
    expect(out.filter((line) => line.includes('"error"'))).toHaveLength(1);
    expect(() => ollamaJsRead(out)).toThrow("an error was encountered while running the model");
  });

  it("fails the reply like Ollama when the call's arguments are not a JSON object (wire/010)", async () => {
    const out = await lines(
      harmonyParts(
        "<|channel|>commentary to=functions.shell <|constrain|>json<|message|>ls -R\n<|call|>",
        FINISH,
      ),
    );
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? "")).toEqual({
      error: expect.stringMatching(/^error parsing tool call: raw='ls -R\n', err=/),
    });
  });

  it("says `length` when the budget ran out inside reasoning, keeping the reasoning (§6 item 5)", async () => {
    const objects = (
      await lines(harmonyParts("<|channel|>analysis<|message|>Let me think about this for a long", FINISH))
    ).map((l) => JSON.parse(l));
    expect(objects.at(-1)).toMatchObject({ done: true, done_reason: "length" });
    expect(
      objects
        .slice(0, -1)
        .map((o) => o.message.thinking)
        .join(""),
    ).toBe("Let me think about this for a long");
  });
});

describe("ollamaChatBody", () => {
  it("answers stream:false with one object (wire/002)", async () => {
    expect(await ollamaChatBody(harmonyParts(THINK_ANSWER, FINISH), META, OPTS)).toEqual({
      model: "gpt-oss:20b",
      created_at: NOW,
      message: {
        role: "assistant",
        content: "Olá!",
        thinking: 'We must output a greeting in Portuguese: "Oi" or "Olá".',
      },
      done: true,
      done_reason: "stop",
      ...METRICS,
    });
  });

  it("carries the tool call and the thinking together (wire/004)", async () => {
    const body = await ollamaChatBody(harmonyParts(TOOL_CALL, FINISH), META, OPTS);
    expect(body.message).toEqual({
      role: "assistant",
      content: "",
      thinking: 'We need to call weather function with location "Florence, Italy".',
      tool_calls: [
        {
          id: expect.stringMatching(/^call_/),
          function: { index: 0, name: "weather", arguments: { location: "Florence, Italy" } },
        },
      ],
    });
    expect(body.done_reason).toBe("stop");
  });

  it("leaves thinking out when there was none, and throws a 502 for a backend failure", async () => {
    const plain = await ollamaChatBody(
      harmonyParts("<|channel|>final<|message|>Hi<|return|>", FINISH),
      META,
      OPTS,
    );
    expect(plain.message).toEqual({ role: "assistant", content: "Hi" });
    const failing = partsOf([{ type: "error", error: new Error("connection reset") }]);
    await expect(ollamaChatBody(failing, META, OPTS)).rejects.toMatchObject({
      status: 502,
      code: "upstream_error",
      message: "connection reset",
    });
  });
});

describe("ollamaChatLoadReply", () => {
  it("answers a request without messages as Ollama does", () => {
    expect(ollamaChatLoadReply("gpt-oss:20b", "load", OPTS)).toEqual({
      model: "gpt-oss:20b",
      created_at: NOW,
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: "load",
    });
  });
});
