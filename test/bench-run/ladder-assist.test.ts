/**
 * The bench suites targeting `overtone assist serve` (issue 16 item 5): a ladder rung `backend: assist` posts
 * each brainstorm, judge and diagnose case's input to the service's route (the real service over HTTP, on the
 * embedded toy) and grades the reply with the suite's own check; a suite the service has no route for is
 * recorded as a failed call that says so; a service that is not there fails the rung's load, not the run.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAssist } from "../../packages/overtone/src/assist/assist-service.js";
import { type Backend, createEmbedded } from "../../packages/overtone/src/backends/index.js";
import type { CallRecord } from "../../packages/overtone/src/bench/call-record.js";
import { parseCallRecord } from "../../packages/overtone/src/bench/call-record-check.js";
import { parseLadder } from "../../packages/overtone/src/bench-run/ladder-file.js";
import { runLadder } from "../../packages/overtone/src/bench-run/run-ladder.js";
import { disposeEngineLlama } from "../../packages/overtone/src/engine/index.js";
import { toyModelPath } from "../support/toy-model.js";

const dir = mkdtempSync(join(tmpdir(), "overtone-ladder-assist-"));
let backend: Backend;
let server: Server;
let records: CallRecord[];

beforeAll(async () => {
  backend = createEmbedded({ model: await toyModelPath(), contextSize: 4096, threads: 1 });
  const assist = createAssist({ backend, modelName: "toy", generation: { seed: 7, maxTokens: 400 } });
  server = createServer(assist.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ladder = parseLadder(
    [
      "exp_id: assist-ladder",
      "repetitions: 1",
      "warmup: 0",
      "suites: [brainstorm, judge, proofread]",
      "models:",
      `  - { name: assist-toy, backend: assist, url: ${base} }`,
      "  - { name: assist-gone, backend: assist, url: http://127.0.0.1:9 }",
    ].join("\n"),
    "assist-ladder.yaml",
  );
  const out = join(dir, "run");
  await runLadder(ladder, { outDir: out });
  records = readFileSync(join(out, "calls.jsonl"), "utf8")
    .trimEnd()
    .split("\n")
    .map((line, i) => parseCallRecord(line, "calls.jsonl", i + 1));
}, 600_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await backend?.close();
  await disposeEngineLlama();
  rmSync(dir, { recursive: true, force: true });
});

const of = (model: string, suite: string) => records.filter((r) => r.model === model && r.suite === suite);

describe("a ladder rung on the assist service", () => {
  it("grades the service's brainstorms: it returns exactly n ideas, so every one passes", () => {
    const brainstorms = of("assist-toy", "brainstorm");
    expect(brainstorms.length).toBeGreaterThanOrEqual(4);
    for (const r of brainstorms) {
      expect(r.backend_kind).toBe("assist");
      expect(r.idea_count).toBe((r.input as { n: number }).n);
      expect(r.success).toBe(true);
      expect(r.timing.ttft_ms).toBeGreaterThan(0);
    }
  });

  it("reads the service's ranking back as a ranked list of the judged ideas", () => {
    const judged = of("assist-toy", "judge");
    expect(judged.length).toBeGreaterThan(0);
    for (const r of judged) {
      const ideas = (r.input as { ideas: string[] }).ideas;
      for (const idea of ideas) expect(r.output.final).toContain(idea);
      expect(r.parsed_ok).toBe(true);
    }
  });

  it("records a suite the service has no route for as a failed call that says so", () => {
    const proofread = of("assist-toy", "proofread");
    expect(proofread.length).toBeGreaterThan(0);
    for (const r of proofread) {
      expect(r.success).toBe(false);
      expect(r.errors.map((e) => e.message).join(" ")).toMatch(/no route for suite proofread/);
    }
  });

  it("a service that is not there fails its rung's load, and the run goes on", () => {
    const gone = records.filter((r) => r.model === "assist-gone");
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.every((r) => r.errors.some((e) => e.kind === "load"))).toBe(true);
  });
});
