/**
 * Real malformed gpt-oss output from public issues (test/fixtures/harmony-repairs/, README there), each through
 * the path such output takes in Overtone, checked against the recovery its fixture expects:
 *
 *   - `completion-text` (a raw completion, as a server logged or returned it): partsFromText, lenient;
 *   - `tokens` (generated ids): partsFromTokens, lenient;
 *   - `chat-content` (a chat API's `content` from a server that did not parse Harmony): the WirePartsBuilder
 *     every chat-route backend uses, closed with the server's finish reason;
 *   - then, when the request offered tools, the tool repairs and checks every backend's stream ends with;
 *   - `tool-arguments` (a function call's arguments): repairArguments; `tool-name` (a chat API's tool-call
 *     name): the WirePartsBuilder.
 *
 * Text goes in whole and in chunks of 1, 2, 5 and 13 characters: the result must not depend on where a chunk
 * cuts a special token or a stripped `assistantfinal`. Raw completions and token ids without tools are also
 * checked through parseLenient, which must agree with the stream.
 */
import { readdirSync, readFileSync } from "node:fs";
import {
  collectParts,
  messageToJson,
  type Part,
  parseLenient,
  partsFromText,
  partsFromTokens,
  REPAIR_KINDS,
  type Role,
  type ToolDescription,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { WirePartsBuilder } from "../../packages/overtone/src/backends/openai-compatible/wire-parts.js";
import { repairArguments } from "../../packages/overtone/src/backends/tool-arguments.js";
import { withToolCallCheck } from "../../packages/overtone/src/backends/tool-call-check.js";
import { withToolRepairs } from "../../packages/overtone/src/backends/tool-repairs.js";

interface Fixture {
  source: { repository: string; number: number; url: string; where: string };
  form: "completion-text" | "tokens" | "chat-content" | "tool-arguments" | "tool-name";
  role?: Role;
  tools?: string[];
  tool?: string;
  arguments?: string;
  finish?: "stop" | "length" | "tool-calls";
  note?: string;
  raw: string | number[];
  expected: {
    messages?: unknown[];
    repairs: string[];
    finish?: string;
    arguments?: string;
    recipient?: string;
  };
}

const DIR = new URL("../fixtures/harmony-repairs/", import.meta.url);
const FIXTURES = readdirSync(DIR)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => ({ name, fixture: JSON.parse(readFileSync(new URL(name, DIR), "utf8")) as Fixture }));
const CHUNKS = [Number.POSITIVE_INFINITY, 1, 2, 5, 13];

function chunked(text: string, size: number): string[] {
  if (!Number.isFinite(size)) return [text];
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}

async function* fromArray(parts: Part[]): AsyncGenerator<Part> {
  yield* parts;
}

/** The fixture's output through its path, in chunks of `size` (text only). */
function partsOf(fixture: Fixture, size: number): AsyncIterable<Part> {
  const role = fixture.role !== undefined ? { role: fixture.role } : {};
  if (fixture.form === "tokens") return partsFromTokens(fixture.raw as number[], { ...role, strict: false });
  const text = fixture.raw as string;
  if (fixture.form === "completion-text") {
    return partsFromText(chunked(text, size), { ...role, strict: false, recoverStrippedTokens: true });
  }
  const parts: Part[] = [];
  const builder = new WirePartsBuilder((part) => parts.push(part));
  if (fixture.form === "tool-name") builder.toolCall(0, text, fixture.arguments);
  else for (const piece of chunked(text, size)) builder.content(piece);
  builder.finish({ reason: fixture.finish ?? (fixture.form === "tool-name" ? "tool-calls" : "stop") });
  return fromArray(parts);
}

async function recovered(fixture: Fixture, size: number) {
  const tools: ToolDescription[] = (fixture.tools ?? []).map((name) => ({ name, description: name }));
  let parts = partsOf(fixture, size);
  if (fixture.tools !== undefined) parts = withToolCallCheck(withToolRepairs(parts, tools), tools);
  const collected = await collectParts(parts);
  return {
    messages: collected.messages.map(messageToJson),
    repairs: (collected.finish?.repairs ?? []).map((made) => made.kind),
    finish: collected.finish?.reason,
    recipients: collected.toolCalls.map((call) => call.recipient),
  };
}

describe("repairs of real malformed output (test/fixtures/harmony-repairs)", () => {
  it("has at least 30 fixtures, each with its source and only known repair kinds", () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(30);
    for (const { name, fixture } of FIXTURES) {
      expect(fixture.source.url, name).toBe(
        `https://github.com/${fixture.source.repository}/${fixture.source.url.includes("/pull/") ? "pull" : "issues"}/${fixture.source.number}`,
      );
      expect(fixture.source.where, name).not.toBe("");
      for (const kind of fixture.expected.repairs) expect(REPAIR_KINDS, name).toContain(kind);
    }
  });

  for (const { name, fixture } of FIXTURES) {
    it(`${name} (${fixture.source.url})`, async () => {
      if (fixture.form === "tool-arguments") {
        const fixed = repairArguments(fixture.raw as string, fixture.tool ?? "");
        expect(fixed.text).toBe(fixture.expected.arguments);
        expect(fixed.repair === undefined ? [] : [fixed.repair.kind]).toEqual(fixture.expected.repairs);
        return;
      }
      const sizes =
        typeof fixture.raw === "string" && fixture.form !== "tool-name" ? CHUNKS : [CHUNKS[0] as number];
      for (const size of sizes) {
        const got = await recovered(fixture, size);
        const where = `${name}, chunks of ${size}`;
        if (fixture.form === "tool-name") {
          expect(got.recipients, where).toEqual([fixture.expected.recipient]);
        } else {
          expect(got.messages, where).toEqual(fixture.expected.messages);
          expect(got.finish, where).toBe(fixture.expected.finish);
        }
        expect(got.repairs, where).toEqual(fixture.expected.repairs);
      }
      if ((fixture.form === "completion-text" || fixture.form === "tokens") && fixture.tools === undefined) {
        const role = fixture.role !== undefined ? { role: fixture.role } : {};
        const once = parseLenient(fixture.raw, { ...role, recoverStrippedTokens: true });
        expect(once.messages.map(messageToJson)).toEqual(fixture.expected.messages);
        expect(once.repairs.map((made) => made.kind)).toEqual(fixture.expected.repairs);
      }
    });
  }
});
