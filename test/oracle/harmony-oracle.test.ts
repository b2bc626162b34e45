/**
 * Smoke test of the upstream oracle itself: it must reproduce upstream's own vectors before anything is
 * compared against it.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { systemContent } from "../../packages/harmony/src/builders.js";
import { browserTool, pythonTool } from "../../packages/harmony/src/builtin-tools.js";
import { conversationToJson } from "../../packages/harmony/src/json.js";
import {
  checkTiktokenHash,
  type HarmonyOracle,
  type JsonObject,
  loadHarmonyOracle,
} from "./harmony-oracle.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/harmony/${name}`, import.meta.url), "utf8")
    .replace(/\r\n/g, "\n")
    .trimEnd();
const idsFixture = (name: string) => fixture(name).split(/\s+/).map(Number);

let oracle: HarmonyOracle;
beforeAll(async () => {
  oracle = await loadHarmonyOracle();
});

describe("harmony oracle (openai-harmony 0.4.0 WASM)", () => {
  it("is loaded once and shared", async () => {
    expect(await loadHarmonyOracle()).toBe(oracle);
  });

  it("rejects a tiktoken file with the wrong hash, naming the file", () => {
    expect(() => checkTiktokenHash(new Uint8Array([1, 2, 3]), "/x/o200k_base.tiktoken")).toThrow(
      /\/x\/o200k_base\.tiktoken has sha256 [0-9a-f]{64}, but openai-harmony needs/,
    );
  });

  it("renders test_simple_convo.txt token for token", () => {
    const conv = conversationToJson({
      messages: [
        { author: { role: "system" }, content: [{ type: "system_content", ...systemContent() }] },
        { author: { role: "user" }, content: [{ type: "text", text: "What is 2 + 2?" }] },
      ],
    });
    const expected = oracle.encodeWithSpecialTokens(fixture("test_simple_convo.txt"));
    expect(expected.slice(0, 3)).toEqual([200006, 17360, 200008]);
    expect(oracle.renderConversationForCompletion(conv, "assistant", null)).toEqual(expected);
    expect(oracle.decodeUtf8(expected)).toBe(fixture("test_simple_convo.txt"));
  });

  it("renders for training with <|return|> only after a final assistant message", () => {
    const conv = (channel: string): JsonObject => ({
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", channel, content: "yo" },
      ],
    });
    const final = oracle.renderConversationForTraining(conv("final"), null);
    expect(final.at(-1)).toBe(200002);
    expect(final.slice(0, -1)).toEqual(oracle.renderConversation(conv("final"), null).slice(0, -1));
    expect(oracle.renderConversationForTraining(conv("analysis"), null).at(-1)).toBe(200007);
  });

  it("has the same built-in browser and python namespaces as Overtone (including property order)", () => {
    const browser = oracle.getToolNamespaceConfig("browser");
    expect(browser).toEqual(browserTool());
    expect(JSON.stringify(browser)).toBe(JSON.stringify(browserTool()));
    expect(oracle.getToolNamespaceConfig("python")).toEqual(pythonTool());
  });

  it("parses test_simple_reasoning_response.txt", () => {
    expect(
      oracle.parseMessagesFromCompletionTokens(idsFixture("test_simple_reasoning_response.txt"), "assistant"),
    ).toEqual([
      {
        role: "assistant",
        channel: "analysis",
        content: 'User asks: "What is 2 + 2?" Simple arithmetic. Provide answer.',
      },
      { role: "assistant", channel: "final", content: "2 + 2 = 4." },
    ]);
  });

  it("streams without a role like upstream's role-less parser (test_tool_response_parsing.txt)", () => {
    const tokens = oracle.encodeWithSpecialTokens(fixture("test_tool_response_parsing.txt"));
    const parser = oracle.createStreamableParser(null);
    expect(parser.state).toBe("ExpectStart");
    expect(parser.currentRole).toBeUndefined();
    expect(() => oracle.createStreamableParser(null).process(1428)).toThrow(/Unexpected token 1428/);
    for (const token of tokens) parser.process(token);
    expect(parser.state).toBe("Content");
    expect(parser.currentRole).toBe("tool");
    expect(parser.currentRecipient).toBe("assistant");
    expect(parser.currentChannel).toBe("commentary");
    expect(parser.messages).toEqual([]);
    parser.processEos();
    expect(parser.messages).toEqual([
      {
        role: "tool",
        name: "browser.search",
        recipient: "assistant",
        channel: "commentary",
        content: '{"result": "https://openai.com/"}',
      },
    ]);
    expect(parser.tokens).toEqual(tokens);
  });

  it("reports upstream's errors as OracleError with upstream's message", () => {
    expect(() => oracle.parseMessagesFromCompletionTokens([200006, 173781], null)).toThrow(
      "Unexpected EOS while waiting for message header to complete",
    );
    expect(() => oracle.render({ role: "tool", content: "x" })).toThrow("Tools should have a name!");
  });
});
