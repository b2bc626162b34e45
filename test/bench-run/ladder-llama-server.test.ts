/**
 * A ladder over real servers (full tier: llama-server is built from source on first use): the toy gpt-oss on a
 * llama-server, the same server through Overtone's gateway, and the tiny Llama-architecture model (ChatML, not
 * Harmony) on a second llama-server, side by side in one run. Each record is valid and carries the server's own
 * timings beside the client's; the non-Harmony rung goes through the chat route with no gpt-oss sampling forced
 * on it and no reasoning; `bench report` reads the run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAICompatible } from "../../packages/overtone/src/backends/index.js";
import type { CallRecord } from "../../packages/overtone/src/bench/call-record.js";
import { parseCallRecord } from "../../packages/overtone/src/bench/call-record-check.js";
import { benchReport } from "../../packages/overtone/src/bench/index.js";
import { parseLadder } from "../../packages/overtone/src/bench-run/ladder-file.js";
import { runLadder } from "../../packages/overtone/src/bench-run/run-ladder.js";
import { type RunningGateway, startGateway } from "../gateway/gateway-harness.js";
import {
  LLAMA_SERVER_BUILD_TIMEOUT_MS,
  type LlamaServerHandle,
  startLlamaServer,
} from "../support/llama-server.js";
import { tinyLlamaModelPath } from "../support/tiny-models.js";
import { toyModelPath } from "../support/toy-model.js";

const dir = mkdtempSync(join(tmpdir(), "overtone-ladder-server-"));
const out = join(dir, "run");
let toyServer: LlamaServerHandle;
let llamaServer: LlamaServerHandle;
let gateway: RunningGateway;
let records: CallRecord[];

beforeAll(async () => {
  toyServer = await startLlamaServer({ model: await toyModelPath(), threads: 1 });
  llamaServer = await startLlamaServer({ model: await tinyLlamaModelPath(), threads: 1 });
  gateway = await startGateway([
    { name: "toy", backend: createOpenAICompatible({ baseURL: toyServer.baseURL }) },
  ]);
  const file = join(dir, "ladder.yaml");
  writeFileSync(
    file,
    [
      "exp_id: server-ladder",
      "device: test-box",
      "repetitions: 2",
      "warmup: 1",
      "max_tokens: 48",
      "suites: [smoke]",
      "models:",
      `  - { name: toy-llama-server, backend: llama-server, url: ${toyServer.baseURL} }`,
      `  - { name: toy-gateway, backend: gateway, url: ${gateway.base}/v1, model: toy }`,
      `  - { name: tiny-llama, backend: llama-server, url: ${llamaServer.baseURL}, harmony: false }`,
      "",
    ].join("\n"),
  );
  await runLadder(parseLadder(readFileSync(file, "utf8"), file), { outDir: out });
  const lines = readFileSync(join(out, "calls.jsonl"), "utf8").trimEnd().split("\n");
  records = lines.map((line, i) => parseCallRecord(line, "calls.jsonl", i + 1));
}, LLAMA_SERVER_BUILD_TIMEOUT_MS + 300_000);

afterAll(async () => {
  await gateway?.close();
  await toyServer?.stop();
  await llamaServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const of = (model: string) => records.filter((r) => r.model === model);

describe("a ladder over llama-server and the gateway", () => {
  it("records every call of every rung, valid line by line", () => {
    for (const model of ["toy-llama-server", "toy-gateway", "tiny-llama"]) {
      expect(of(model)).toHaveLength(1 + 2 * 2);
      expect(of(model).every((r) => r.errors.every((e) => e.kind !== "load" && e.kind !== "backend"))).toBe(
        true,
      );
    }
    expect(of("toy-llama-server")[0]).toMatchObject({ backend_kind: "llama-server", warmup: true });
    expect(of("toy-gateway")[0]?.backend_kind).toBe("gateway");
    // llama-server loaded its model before it listened: no call of the run paid for it.
    expect(records.every((r) => r.cold_load_ms === null)).toBe(true);
  });

  it("keeps llama-server's own timings beside the client's", () => {
    for (const r of of("toy-llama-server").filter((r) => !r.warmup)) {
      expect(r.timing.decode_tps.server).toBeGreaterThan(0);
      expect(r.timing.decode_tps.client).toBeGreaterThan(0);
      expect(r.tokens.prompt).toBeGreaterThan(0);
    }
  });

  it("gpt-oss rungs reason first and get gpt-oss sampling; the Llama rung is sent as chat, as given", () => {
    const toy = of("toy-llama-server").filter((r) => r.output.analysis !== null);
    expect(toy.length).toBeGreaterThan(0);
    expect(toy[0]?.params).toMatchObject({ temperature: 1, top_p: 1 });
    for (const r of of("tiny-llama")) {
      expect(r.params).toMatchObject({ temperature: null, top_p: null, route: "chat" });
      expect(r.output.analysis).toBeNull();
      expect(r.tokens.analysis).toBe(0);
    }
  });

  it("is read by bench report", async () => {
    const report = await benchReport([out], { includeWarmup: false, seed: 1, resamples: 50 });
    expect(new Set(report.data.groups.map((g) => g.model))).toEqual(
      new Set(["toy-llama-server", "toy-gateway", "tiny-llama"]),
    );
  });
});
