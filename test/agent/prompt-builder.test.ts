/**
 * The agent's prompt builder (issue 15, Must show): however many sections an app has, the model gets ONE system
 * message and ONE developer message, rendered by Overtone token for token as upstream's renderer (openai-harmony,
 * the WASM build of openai/harmony) renders the same conversation; memory holds questions and answers only.
 */
import { renderConversationForCompletion } from "@overtone/harmony";
import { beforeAll, describe, expect, it } from "vitest";
import { conversationToJson } from "../../packages/harmony/src/json.js";
import {
  AgentMemory,
  type AgentPrompt,
  agentConversation,
  legacyMessages,
} from "../../packages/overtone/src/agent/index.js";
import { type HarmonyOracle, loadHarmonyOracle } from "../oracle/harmony-oracle.js";

let oracle: HarmonyOracle;
beforeAll(async () => {
  oracle = await loadHarmonyOracle();
});

const SECTIONS = [
  { title: "Task context", text: "Table `sales`: order_id INTEGER, country VARCHAR, amount DOUBLE." },
  { title: "Safety rules", text: "Only read. One SELECT statement. Never invent numbers." },
  { title: "Output format", text: "Answer in one sentence with the number." },
  { title: "Examples", text: "Q: How many orders? → SELECT count(*) FROM sales" },
];
const TOOLS = [
  {
    name: "query",
    description: "Run one read-only SQL query",
    parameters: { type: "object", properties: { sql: { type: "string" } }, required: ["sql"] },
  },
];

const prompt = (extra: Partial<AgentPrompt> = {}): AgentPrompt => ({
  identity: "You are a careful data analyst.",
  sections: SECTIONS,
  tools: TOOLS,
  effort: "high",
  date: "2026-12-07",
  question: "How many orders came from France?",
  ...extra,
});

describe("agentConversation", () => {
  it("composes four sections into one system and one developer message", () => {
    const roles = agentConversation(prompt()).messages.map((m) => m.author.role);
    expect(roles).toEqual(["system", "developer", "user"]);
    const developer = agentConversation(prompt()).messages[1]?.content[0];
    expect(developer).toMatchObject({ type: "developer_content" });
    const instructions = (developer as { instructions: string }).instructions;
    for (const section of SECTIONS) expect(instructions).toContain(`## ${section.title}\n\n${section.text}`);
  });

  it("renders token for token as upstream's renderer does", () => {
    const memory = new AgentMemory();
    memory.remember("How many orders are there?", "There are 1,204 orders.");
    for (const variant of [
      prompt(),
      prompt({ memory: memory.turns(), effort: "low" }),
      prompt({ tools: [] }),
    ]) {
      const conversation = agentConversation(variant);
      const ours = renderConversationForCompletion(conversation, "assistant");
      expect(ours).toEqual(
        oracle.renderConversationForCompletion(conversationToJson(conversation), "assistant", null),
      );
    }
  });

  it("puts the identity, effort and date in the system message", () => {
    const text = oracle.decodeUtf8(renderConversationForCompletion(agentConversation(prompt()), "assistant"));
    expect(text).toContain("<|start|>system<|message|>You are a careful data analyst.\n");
    expect(text).toContain("Current date: 2026-12-07");
    expect(text).toContain("Reasoning: high");
    expect(text).toContain("# Tools\n\n## functions\n\nnamespace functions {");
  });

  it("keeps memory as questions and final answers, after the developer message", () => {
    const memory = [{ question: "How many orders are there?", answer: "1,204." }];
    const messages = agentConversation(prompt({ memory })).messages;
    expect(messages.map((m) => [m.author.role, m.channel])).toEqual([
      ["system", undefined],
      ["developer", undefined],
      ["user", undefined],
      ["assistant", "final"],
      ["user", undefined],
    ]);
  });
});

describe("legacyMessages (models without Harmony)", () => {
  it("gives one system message with every section, then memory and the question", () => {
    const memory = [{ question: "How many orders are there?", answer: "1,204." }];
    const messages = legacyMessages(prompt({ memory }));
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[0]?.content).toMatch(/^You are a careful data analyst\.\n\n## Task context\n\n/);
    expect(messages[0]?.content).toContain("## Output format");
  });
});
