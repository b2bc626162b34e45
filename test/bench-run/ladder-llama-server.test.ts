/**
 * The ladder of issue 16's Must show, on this machine (full tier: llama-server is built from source on first
 * use): through the embedded engine the toy gpt-oss, the tiny one and a larger generated gpt-oss; the toy on a
 * llama-server, the same server through Overtone's gateway, and the tiny Llama-architecture model (ChatML, not
 * Harmony) on a second llama-server — side by side in one run. Each record is valid and carries the server's own
 * timings beside the client's; the non-Harmony rung goes through the chat route with no gpt-oss sampling forced
 * on it and no reasoning; `bench report` reads the run and writes its HTML; a rating pass in a real terminal
 * (tmux) rates a call of it, and the report shows the rating.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
import { tinyLlamaModelPath, tinyModelPath } from "../support/tiny-models.js";
import { closeTmuxSessions, startInTmux } from "../support/tmux-session.js";
import { toyModelPath } from "../support/toy-model.js";

const BIN = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));
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
      `  - { name: toy-embedded, backend: embedded, model: ${JSON.stringify(await toyModelPath())} }`,
      `  - { name: tiny-embedded, backend: embedded, model: ${JSON.stringify(await tinyModelPath())} }`,
      `  - { name: larger-embedded, backend: embedded, model: ${JSON.stringify(await largerModelPath())} }`,
      "",
    ].join("\n"),
  );
  await runLadder(parseLadder(readFileSync(file, "utf8"), file), { outDir: out });
  const lines = readFileSync(join(out, "calls.jsonl"), "utf8").trimEnd().split("\n");
  records = lines.map((line, i) => parseCallRecord(line, "calls.jsonl", i + 1));
}, LLAMA_SERVER_BUILD_TIMEOUT_MS + 300_000);

afterAll(async () => {
  closeTmuxSessions();
  await gateway?.close();
  await toyServer?.stop();
  await llamaServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const of = (model: string) => records.filter((r) => r.model === model);
const RUNGS = [
  "toy-llama-server",
  "toy-gateway",
  "tiny-llama",
  "toy-embedded",
  "tiny-embedded",
  "larger-embedded",
];

/** A gpt-oss several times the tiny one's size (8 layers of width 256, 8 experts): the ladder's bigger rung. */
function largerModelPath(): Promise<string> {
  return tinyModelPath({ layers: 8, embd: 256, heads: 8, kvHeads: 2, headDim: 32, experts: 8, ff: 256 });
}

describe("a ladder over llama-server and the gateway", () => {
  it("records every call of every rung, valid line by line", () => {
    for (const model of RUNGS) {
      expect(of(model)).toHaveLength(1 + 2 * 2);
      expect(of(model).every((r) => r.errors.every((e) => e.kind !== "load" && e.kind !== "backend"))).toBe(
        true,
      );
    }
    expect(of("toy-llama-server")[0]).toMatchObject({ backend_kind: "llama-server", warmup: true });
    expect(of("toy-gateway")[0]?.backend_kind).toBe("gateway");
    // llama-server loaded its model before it listened: no call of the run paid for it; an embedded rung's first
    // call carries the load it waited for, and only that call.
    const served = records.filter((r) => !r.model.endsWith("-embedded"));
    expect(served.every((r) => r.cold_load_ms === null)).toBe(true);
    for (const model of RUNGS.filter((m) => m.endsWith("-embedded"))) {
      expect(of(model)[0]?.cold_load_ms).toBeGreaterThan(0);
      expect(
        of(model)
          .slice(1)
          .every((r) => r.cold_load_ms === null),
      ).toBe(true);
    }
    expect(of("larger-embedded")[0]?.env?.model_size_bytes).toBeGreaterThan(
      Number(of("tiny-embedded")[0]?.env?.model_size_bytes) * 2,
    );
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
    expect(new Set(report.data.groups.map((g) => g.model))).toEqual(new Set(RUNGS));
  });

  it("is rated in a real terminal, and the report then has the rating", async () => {
    const pass = startInTmux([process.execPath, BIN, "bench", "rate", out, "--model", "toy-embedded"]);
    await pass.waitFor((s) => /call 1 of \d+/.test(s), "the first call to rate");
    pass.keys("4");
    await pass.waitFor((s) => /call 2 of \d+/.test(s), "the second call");
    pass.keys("q");
    await pass.waitFor((s) => s.includes("[exit 0]"), "the end of the pass");
    const ratings = readFileSync(join(out, "ratings.jsonl"), "utf8").trimEnd().split("\n");
    expect(ratings).toHaveLength(1);
    const rated = JSON.parse(ratings[0] as string) as { call_id: string; rating: number };
    expect(rated.rating).toBe(4);
    expect(of("toy-embedded").some((r) => r.call_id === rated.call_id && !r.warmup)).toBe(true);
    const report = await benchReport([out], { includeWarmup: false, seed: 1, resamples: 50 });
    const group = report.data.groups.find((g) => g.model === "toy-embedded");
    expect(group?.rating).toEqual({ mean: 4, count: 1 });
    const html = join(dir, "report.html");
    const cli = spawnSync(process.execPath, [BIN, "bench", "report", out, "--html", html], {
      encoding: "utf8",
    });
    expect(cli.status, cli.stderr).toBe(0);
    const page = readFileSync(html, "utf8");
    expect(page).toContain("<svg");
    expect(page).not.toMatch(/(src|href)="https?:/);
  }, 180_000);
});
