/**
 * The assistant's HTTP API end to end on the real embedded engine with the trained toy gpt-oss (issue 16 item 5):
 * status; diagnose for report 004's three problems and free text; brainstorm with exactly n ideas for n ∈ {3, 5}
 * and creativity ∈ {1, 2}; judge ranking the brainstorm's ideas; no reasoning in any answer (the observer sees
 * each generation's reasoning, and none of it is in the reply); errors as JSON with a status, a message and the
 * field; safe execute's refusals over HTTP. The toy's words are nonsense — shapes are what is checked.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Generation } from "../../packages/overtone/src/assist/assist-model.js";
import { createAssist } from "../../packages/overtone/src/assist/assist-service.js";
import { type Backend, createEmbedded } from "../../packages/overtone/src/backends/index.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { toyModelPath } from "../support/toy-model.js";
import { DANGEROUS } from "./dangerous-commands.js";

let backend: Backend;
let server: Server;
let base: string;
const generations: Generation[] = [];

beforeAll(async () => {
  // One thread: the same samples on every machine.
  const embedded = createEmbedded({ model: await toyModelPath(), contextSize: 4096, threads: 1 });
  await embedded.ready();
  backend = embedded;
  const assist = createAssist({
    backend,
    modelName: "toy",
    generation: { seed: 7, maxTokens: 400 },
    observe: (_task, generation) => generations.push(generation),
  });
  server = createServer(assist.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await backend?.close();
  await disposeEngineLlama();
});

interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown>;
  headers: Headers;
}

async function call(
  path: string,
  body?: unknown,
  method = body === undefined ? "GET" : "POST",
): Promise<Reply> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    headers: { "content-type": "application/json" },
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text), headers: response.headers };
}

/** Every string in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null) return [];
  return Object.values(value).flatMap(strings);
}

/** The sentences and lines of a reasoning text long enough to be telling. */
function fragments(reasoning: string): string[] {
  return reasoning
    .split(/\n+|(?<=[.!?])\s+/)
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment.length >= 16);
}

/** Calls a model route and checks that no reasoning of the generations it caused is in the reply. */
async function ask(path: string, body: unknown): Promise<Reply> {
  const before = generations.length;
  const reply = await call(path, body);
  const said = strings(reply.json);
  for (const generation of generations.slice(before)) {
    for (const fragment of fragments(generation.reasoning)) {
      expect(said.filter((text) => text.includes(fragment))).toEqual([]);
    }
  }
  expect(reply.text).not.toMatch(/"reasoning"|"analysis"/);
  return reply;
}

describe("assist over HTTP with the embedded toy model", () => {
  it("reports its status", async () => {
    const { status, json } = await call("/api/status");
    expect(status).toBe(200);
    expect(json).toMatchObject({ model: "toy", backend: "embedded", ready: true });
    expect(json.uptime).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ["WiFi not working", "wifi"],
    ["DNS failing", "dns"],
    ["USB tethering unstable", "usb-tethering"],
    ["my laptop gets very slow in the afternoon", "general"],
  ])("diagnoses %j as %s, with steps", async (problem, category) => {
    const { status, json } = await ask("/api/diagnose", { problem });
    expect(status).toBe(200);
    expect(json).toMatchObject({ problem, category });
    expect(Array.isArray(json.steps)).toBe(true);
    expect((json.steps as string[]).length).toBeGreaterThan(0);
    for (const step of json.steps as unknown[]) expect(typeof step === "string" && step !== "").toBe(true);
    expect(typeof json.answer).toBe("string");
    expect(typeof json.parsedOk).toBe("boolean");
    expect(Array.isArray(json.commands)).toBe(true);
    expect(Array.isArray(json.risky)).toBe(true);
  });

  for (const n of [3, 5]) {
    for (const creativity of [1, 2]) {
      it(`brainstorms exactly ${n} ideas at creativity ${creativity}, and judges them`, async () => {
        const topic = "ways to keep a laptop cool";
        const ideas = await ask("/api/ideas/brainstorm", { topic, n, creativity });
        expect(ideas.status).toBe(200);
        expect(ideas.json).toMatchObject({ topic, n, creativity });
        const list = ideas.json.ideas as string[];
        expect(list).toHaveLength(n);
        expect(new Set(list.map((idea) => idea.toLowerCase())).size).toBe(n);
        const judged = await ask("/api/ideas/judge", { ideas: list });
        expect(judged.status).toBe(200);
        const ranking = judged.json.ranking as { rank: number; index: number; idea: string }[];
        expect(ranking.map((r) => r.rank)).toEqual(list.map((_, i) => i + 1));
        expect(ranking.map((r) => r.index).sort()).toEqual(list.map((_, i) => i));
        for (const r of ranking) expect(r.idea).toBe(list[r.index]);
        expect(typeof judged.json.reasons).toBe("string");
      });
    }
  }

  it.each([
    ["/api/ideas/brainstorm", { topic: "x", n: 0 }, "n"],
    ["/api/ideas/brainstorm", { topic: "x", n: 11 }, "n"],
    ["/api/ideas/brainstorm", { topic: "x", n: "3" }, "n"],
    ["/api/ideas/brainstorm", { topic: "x", creativity: 3 }, "creativity"],
    ["/api/ideas/brainstorm", { n: 3 }, "topic"],
    ["/api/ideas/judge", { ideas: [] }, "ideas"],
    ["/api/ideas/judge", { ideas: ["a", 5] }, "ideas[1]"],
    ["/api/ideas/judge", { ideas: ["a"], criteria: 1 }, "criteria"],
    ["/api/diagnose", { problem: "" }, "problem"],
    ["/api/diagnose", { problem: "x", category: "printer" }, "category"],
    ["/api/diagnose", "{not json", "body"],
    ["/api/diagnose", "", "body"],
    ["/api/diagnose", [1], "body"],
    ["/api/execute", { cmd: "uname" }, "command"],
  ])("answers 400 naming the field for %s %j", async (path, body, field) => {
    const { status, json } = await call(path, body, "POST");
    expect(status).toBe(400);
    const error = json.error as { status: number; message: string; field: string };
    expect(error.status).toBe(400);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field === "body" ? "body" : field.replace(/\[\d+\]$/, ""));
  });

  it("answers 404, 405 and 413 as JSON", async () => {
    const missing = await call("/api/nothing");
    expect(missing.status).toBe(404);
    expect((missing.json.error as { message: string }).message).toContain("/api/diagnose");
    const wrong = await call("/api/diagnose");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    const big = await call("/api/execute", { command: "x".repeat(100_000) });
    expect(big.status).toBe(413);
  });

  it("refuses every dangerous command over HTTP, and runs a harmless one", async () => {
    for (const [command, reason] of DANGEROUS) {
      const { status, json } = await call("/api/execute", {
        command: command.replaceAll("CANARY", "/tmp/never"),
      });
      expect(status).toBe(200);
      expect(json).toMatchObject({ executed: false, exitCode: null, stdout: "", stderr: "" });
      expect(json.reason).toContain(reason);
    }
    const { json } = await call("/api/execute", { command: "uname -s" });
    expect(json).toMatchObject({ executed: true, exitCode: 0, stdout: "Linux\n", stderr: "" });
  });

  it("the observer saw reasoning for at least one generation (so the no-reasoning checks bit)", () => {
    expect(generations.filter((g) => fragments(g.reasoning).length > 0).length).toBeGreaterThan(0);
  });
});
