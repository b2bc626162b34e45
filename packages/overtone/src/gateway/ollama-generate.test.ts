import { renderConversationForCompletionText } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import {
  gatewayErrorOf,
  harmonyParts,
  partsOf,
  servedModel,
} from "../../../../test/gateway/parts-fixtures.js";
import {
  ollamaGenerateBody,
  ollamaGenerateLines,
  ollamaGenerateLoadReply,
  ollamaGenerateToGenerateRequest,
  parseOllamaGenerateRequest,
} from "./ollama-generate.js";
import type { ReplyMeta } from "./protocol.js";

const MODEL = servedModel({ name: "gpt-oss:20b", defaults: { effort: "medium" } });
const META: ReplyMeta = { id: "gen-1", created: 1755458694, model: "gpt-oss:20b" };
const NOW = "2025-08-17T19:24:54.631Z";
const OPTS = { now: () => new Date(NOW) };
const FINISH = {
  usage: { inputTokens: 81, outputTokens: 79 },
  timings: { totalMs: 414.821304, loadMs: 0, promptMs: 20, generationMs: 390 },
};

const RABBIT =
  '<|channel|>analysis<|message|>Need three words: "fluffy", "quick", "playful".<|end|>' +
  "<|start|>assistant<|channel|>final<|message|>Fluffy, quick, playful.<|return|>";

const badRequestOf = (body: unknown) => gatewayErrorOf(() => parseOllamaGenerateRequest(body));

describe("parseOllamaGenerateRequest", () => {
  it("reads prompt, system, think and options; streams by default (rule 37)", () => {
    const parsed = parseOllamaGenerateRequest({
      model: "gpt-oss:20b",
      prompt: "Describe a rabbit in 3 words",
      system: "Answer in lowercase.",
      think: "low",
      options: { num_predict: 64 },
      thinking: false, // wire/006 sends this unknown field: ignored (rule 20)
    });
    expect(parsed).toMatchObject({
      stream: true,
      prompt: "Describe a rabbit in 3 words",
      system: "Answer in lowercase.",
      effort: "low",
      maxTokens: 64,
    });
    expect(parsed.loadOnly).toBeUndefined();
    expect(parseOllamaGenerateRequest({ model: "m", prompt: "x", stream: false }).stream).toBe(false);
  });

  it("takes an empty prompt as Ollama's load request, or unload with keep_alive 0", () => {
    expect(parseOllamaGenerateRequest({ model: "m" }).loadOnly).toBe("load");
    expect(parseOllamaGenerateRequest({ model: "m", prompt: "", keep_alive: "0" }).loadOnly).toBe("unload");
    expect(ollamaGenerateLoadReply("gpt-oss:20b", "load", OPTS)).toEqual({
      model: "gpt-oss:20b",
      created_at: NOW,
      response: "",
      done: true,
      done_reason: "load",
    });
  });

  it("refuses what it cannot honour, saying why", () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ raw: true, system: "s" }, "raw", /^raw mode does not support template, system, or context$/],
      [
        { raw: true, template: "{{ .Prompt }}" },
        "raw",
        /^raw mode does not support template, system, or context$/,
      ],
      [{ raw: true, context: [1, 2] }, "raw", /^raw mode does not support template, system, or context$/],
      [{ raw: true }, "raw", /raw is not supported by this gateway/],
      [{ template: "{{ .Prompt }}" }, "template", /renders the Harmony prompt itself/],
      [{ context: [1, 2, 3] }, "context", /not supported/],
      [{ suffix: "return x" }, "suffix", /^"gpt-oss:20b" does not support insert$/],
      [{ images: ["aGk="] }, "images", /text only/],
      [{ prompt: 42 }, "prompt", /string/],
      [{ think: "ultra" }, "think", /^invalid think value: "ultra"/],
    ];
    for (const [fields, param, message] of cases) {
      const error = badRequestOf({ model: "gpt-oss:20b", prompt: "x", ...fields });
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
      expect(error.message).toMatch(message);
    }
    // Empty values are no values, as in Ollama.
    expect(() =>
      parseOllamaGenerateRequest({
        model: "m",
        prompt: "x",
        raw: false,
        context: [],
        suffix: "",
        images: [],
      }),
    ).not.toThrow();
  });
});

describe("ollamaGenerateToGenerateRequest", () => {
  it("makes the prompt the user message and `system` the developer instructions", () => {
    const request = ollamaGenerateToGenerateRequest(
      parseOllamaGenerateRequest({ model: "m", prompt: "Hi <|end|>", system: "Be brief." }),
      MODEL,
    );
    expect(request.effort).toBe("medium");
    const text = renderConversationForCompletionText(request.conversation, "assistant");
    expect(text).toContain("<|start|>developer<|message|># Instructions\n\nBe brief.<|end|>");
    expect(text).toMatch(/<\|start\|>user<\|message\|>Hi <\|end\|><\|end\|><\|start\|>assistant$/);
    const bare = ollamaGenerateToGenerateRequest(
      parseOllamaGenerateRequest({ model: "m", prompt: "Hi" }),
      MODEL,
    );
    expect(bare.conversation.messages.map((m) => m.author.role)).toEqual(["system", "user"]);
  });
});

describe("ollamaGenerateLines", () => {
  it("streams `thinking` and `response` at top level, then the final line (wire/005; rules 38, 39)", async () => {
    const out: string[] = [];
    for await (const line of ollamaGenerateLines(harmonyParts(RABBIT, FINISH, 5), META, OPTS)) out.push(line);
    for (const line of out) expect(line).toMatch(/^\{[^\n]*\}\n$/);
    const objects = out.map((line) => JSON.parse(line));
    const thinking = objects.filter((o) => o.thinking !== undefined);
    expect(Object.keys(thinking[0])).toEqual(["model", "created_at", "response", "thinking", "done"]);
    expect(thinking.every((o) => o.response === "" && o.done === false)).toBe(true);
    expect(thinking.map((o) => o.thinking).join("")).toBe('Need three words: "fluffy", "quick", "playful".');
    const answer = objects.filter((o) => o.thinking === undefined && !o.done);
    expect(answer.map((o) => o.response).join("")).toBe("Fluffy, quick, playful.");
    expect(objects.at(-1)).toEqual({
      model: "gpt-oss:20b",
      created_at: NOW,
      response: "",
      done: true,
      done_reason: "stop",
      total_duration: 414821304,
      load_duration: 0,
      prompt_eval_count: 81,
      prompt_eval_duration: 20000000,
      eval_count: 79,
      eval_duration: 390000000,
    });
    for (const o of objects.slice(0, -1)) expect(o).not.toHaveProperty("eval_count");
  });

  it("puts a tool call at top level, and a failure on one error line (wire/011)", async () => {
    const call =
      '<|channel|>commentary to=functions.lookup <|constrain|>json<|message|>{"q":"rabbit"}<|call|>';
    const objects: Record<string, unknown>[] = [];
    for await (const line of ollamaGenerateLines(harmonyParts(call, FINISH, 5), META, OPTS))
      objects.push(JSON.parse(line));
    expect(objects[0]).toMatchObject({
      response: "",
      tool_calls: [{ function: { index: 0, name: "lookup", arguments: { q: "rabbit" } } }],
    });
    const failing = partsOf([
      { type: "error", error: new Error("an error was encountered while running the model") },
    ]);
    const out: string[] = [];
    for await (const line of ollamaGenerateLines(failing, META, OPTS)) out.push(line);
    expect(out).toEqual(['{"error":"an error was encountered while running the model"}\n']);
  });
});

describe("ollamaGenerateBody", () => {
  it("answers stream:false with one object (wire/006)", async () => {
    const body = await ollamaGenerateBody(harmonyParts(RABBIT, FINISH, 5), META, OPTS);
    expect(body).toMatchObject({
      model: "gpt-oss:20b",
      created_at: NOW,
      response: "Fluffy, quick, playful.",
      thinking: 'Need three words: "fluffy", "quick", "playful".',
      done: true,
      done_reason: "stop",
      eval_count: 79,
    });
    expect(body).not.toHaveProperty("tool_calls");
    expect(body).not.toHaveProperty("message");
  });
});
