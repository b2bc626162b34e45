/**
 * The data agent end to end on the real embedded engine (llama.cpp) with the trained toy gpt-oss and the real
 * sandbox. The toy does not know SQL yet (issue 15 item 3 retrains it), so this checks the plumbing, not the
 * answers: the query and chart tools are offered in the one developer message with the data's description,
 * effort starts at generate's, whatever the toy does (a plain answer, or a call) is handled without a crash,
 * memory keeps the question and the final answer only, and a turn cut by the token budget ends, after its
 * corrections, in one InputError line with nothing remembered.
 */
import { InputError } from "@overtone/errors";
import { type Message, renderConversationText } from "@overtone/harmony";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentMemory } from "../../packages/overtone/src/agent/index.js";
import type { Backend, GenerateRequest } from "../../packages/overtone/src/backends/contract.js";
import { createEmbedded, type EmbeddedBackend } from "../../packages/overtone/src/backends/embedded/index.js";
import { openSandbox, type Sandbox } from "../../packages/overtone/src/data/index.js";
import { DataAgent } from "../../packages/overtone/src/data-agent/index.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { type DataDir, makeDataDir } from "../data/data-files.js";
import { toyModelPath } from "../support/toy-model.js";

let data: DataDir;
let sandbox: Sandbox;
let embedded: EmbeddedBackend;
const requests: GenerateRequest[] = [];
let backend: Backend;

beforeAll(async () => {
  data = await makeDataDir();
  sandbox = await openSandbox([data.sales], { timeoutMs: 60_000 });
  embedded = createEmbedded({ model: await toyModelPath(), threads: 1, contextSize: 4096 });
  await embedded.ready();
  // The real backend, with each request noted on its way (what the model was shown).
  backend = {
    kind: embedded.kind,
    location: embedded.location,
    capabilities: embedded.capabilities,
    stream: (request) => {
      requests.push(request);
      return embedded.stream(request);
    },
    listModels: (signal) => embedded.listModels(signal),
    close: () => embedded.close(),
  };
}, 120_000);
afterAll(async () => {
  sandbox?.close();
  data?.remove();
  await embedded?.close();
  await disposeEngineLlama();
});

const shape = (messages: readonly Message[]) => messages.map((m) => `${m.author.role}:${m.channel ?? ""}`);

describe("data agent on the embedded toy model", () => {
  it("offers the tools with the data, handles what the toy does, remembers question and answer only", async () => {
    const memory = new AgentMemory();
    const agent = new DataAgent({
      backend,
      sandbox,
      memory,
      date: false,
      maxTokens: 300,
      sampling: { temperature: 0 },
    });
    requests.length = 0;
    const question = "How many orders came from France?";
    const answer = await agent.ask(question);

    const first = requests[0] as GenerateRequest;
    expect(first.tools?.map((t) => t.name)).toEqual(["query", "chart"]);
    expect(first.effort).toBe("high");
    expect(shape(first.conversation.messages)).toEqual(["system:", "developer:", "user:"]);
    const prompt = renderConversationText(first.conversation);
    expect(prompt).toContain("You are a careful data analyst.");
    expect(prompt).toContain("type query = (_: {");
    expect(prompt).toContain("Table sales (5 rows, from sales.csv)");
    expect(prompt).toContain("## Safety rules");

    expect(answer.answer).not.toBe("");
    // Whatever the toy did, it was handled: a plain answer (no SQL), or calls that ran or were corrected.
    if (answer.steps.length === 0) expect(answer).toMatchObject({ sql: null, result: null, kind: "text" });
    for (const step of answer.steps)
      expect(["query", "chart"].includes(step.tool) || step.error?.kind === "arguments").toBe(true);
    expect(memory.turns()).toEqual([{ question, answer: answer.answer }]);

    requests.length = 0;
    const next = await agent.ask("And from Spain?");
    const followUp = requests[0] as GenerateRequest;
    expect(shape(followUp.conversation.messages)).toEqual([
      "system:",
      "developer:",
      "user:",
      "assistant:final",
      "user:",
    ]);
    expect(memory.turns().map((t) => t.question)).toEqual([question, "And from Spain?"]);
    expect(memory.turns()[1]?.answer).toBe(next.answer);
  }, 60_000);

  it("a turn cut by the token budget fails after its corrections, in one line, remembering nothing", async () => {
    const memory = new AgentMemory();
    const agent = new DataAgent({
      backend,
      sandbox,
      memory,
      date: false,
      maxTokens: 1,
      maxRetries: 1,
      sampling: { temperature: 0 },
    });
    requests.length = 0;
    const error = await agent.ask("How many orders came from France?").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(
      /^still failing after 1 correction: length: the turn stopped at the token limit \(1\)/,
    );
    expect((error as InputError).hint).toMatch(/--max-tokens/);
    expect(requests.map((r) => r.effort)).toEqual(["high", "medium"]);
    expect(memory.turns()).toEqual([]);
  }, 60_000);
});
