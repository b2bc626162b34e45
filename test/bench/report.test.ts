/**
 * `bench report` over real run files read by DuckDB: group medians and p90 equal DuckDB's own quantile_cont over
 * the same file, warm-up calls are left out unless asked (and flagged when counted), ratings.jsonl overrides the
 * records' own ratings with the last line per call winning (a null takes one back), the warnings appear where the
 * data calls for them, the comparison spans runs and devices, and the terminal text stays within 100 columns.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchReport, benchReportJson, benchReportText } from "../../packages/overtone/src/bench/index.js";
import { jsonl, ladderCalls, runsDir, sampleCall } from "./sample-calls.js";

const MODELS = [
  { name: "tiny-llama", paramsB: 0.5 },
  { name: "gpt-oss-toy", paramsB: 2 },
];
const dirs = runsDir();
let runA: string;
let runB: string;

beforeAll(() => {
  runA = dirs.run(
    "a",
    jsonl(
      ladderCalls({
        models: MODELS,
        suites: ["diagnose", "judge"],
        devices: ["box"],
        repetitions: 6,
        seed: 1,
      }),
    ),
  );
  runB = dirs.run(
    "b",
    jsonl(
      ladderCalls({
        models: MODELS.slice(0, 1),
        suites: ["diagnose"],
        devices: ["laptop"],
        repetitions: 3,
        seed: 2,
        runId: "run-b",
      }),
    ),
  );
});
afterAll(() => dirs.remove());

async function duckQuantiles(file: string, where: string) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`
      SELECT quantile_cont(latency_ms, 0.5) AS median, quantile_cont(latency_ms, 0.9) AS p90,
        quantile_cont(timing.decode_tps.client, 0.5) AS decode
      FROM read_json_auto('${file}') WHERE ${where}`);
    return reader.getRowObjectsJS()[0] as { median: number; p90: number; decode: number };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("bench report", () => {
  it("computes each group's median and p90 as DuckDB's quantile_cont does, warm-ups left out", async () => {
    const report = await benchReport([runA]);
    expect(report.data.groups.map((g) => `${g.model}/${g.suite}`)).toEqual([
      "tiny-llama/diagnose",
      "tiny-llama/judge",
      "gpt-oss-toy/diagnose",
      "gpt-oss-toy/judge",
    ]);
    for (const group of report.data.groups) {
      const duck = await duckQuantiles(
        `${runA}/calls.jsonl`,
        `model = '${group.model}' AND suite = '${group.suite}' AND NOT warmup`,
      );
      expect(group.n).toBe(6);
      expect(group.warmups).toBe(0);
      expect(group.metrics.latency_ms?.median).toBeCloseTo(duck.median, 9);
      expect(group.metrics.latency_ms?.p90).toBeCloseTo(duck.p90, 9);
      expect(group.metrics.decode_tps?.median).toBeCloseTo(duck.decode, 9);
      expect(group.serverDecodeTps).toBeGreaterThan(0);
    }
    expect(report.warnings).toEqual([]);
  });

  it("counts warm-up calls only when asked, and then says so", async () => {
    const report = await benchReport([runA], { includeWarmup: true });
    expect(report.data.groups[0]?.n).toBe(7);
    expect(report.data.groups[0]?.warmups).toBe(1);
    expect(report.warnings.filter((w) => w.kind === "warmup-included")).toHaveLength(4);
  });

  it("warns about short groups and about comparing devices, and compares runs", async () => {
    const report = await benchReport([runA, runB]);
    const few = report.warnings.filter((w) => w.kind === "few-calls");
    expect(few.map((w) => w.group)).toEqual(["tiny-llama / diagnose / laptop"]);
    expect(report.warnings.some((w) => w.kind === "devices-differ" && /box, laptop/.test(w.message))).toBe(
      true,
    );
    expect(report.data.comparison.map((c) => `${c.run}/${c.model}/${c.device}`)).toEqual([
      "run-a/tiny-llama/box",
      "run-a/gpt-oss-toy/box",
      "run-b/tiny-llama/laptop",
    ]);
    expect(report.data.comparison[0]?.latencyRatio).toBe(1);
    // A 4× larger model at ~100/params tok/s is roughly 4× slower to decode.
    expect(report.data.comparison[1]?.decodeRatio).toBeGreaterThan(0.15);
    expect(report.data.comparison[1]?.decodeRatio).toBeLessThan(0.4);
  });

  it("flags noisy metrics and a client clock that disagrees with the server", async () => {
    const noisy = [1, 2, 3, 4, 5, 6].map((i) =>
      sampleCall({
        call_id: `n${i}`,
        repetition: i,
        latency_ms: i % 2 === 0 ? 100 : 1000,
        timing: { ...sampleCall().timing, decode_tps: { client: 50, server: 80 } },
      }),
    );
    const report = await benchReport([dirs.run("noisy", jsonl(noisy))]);
    expect(report.warnings.map((w) => w.kind).sort()).toEqual(["clocks-disagree", "noisy"]);
    expect(report.warnings.find((w) => w.kind === "noisy")?.message).toMatch(/^latency_ms:/);
  });

  it("takes ratings from ratings.jsonl over the records' own, the last line per call winning", async () => {
    const calls = [1, 2, 3, 4, 5].map((i) =>
      sampleCall({ call_id: `r${i}`, repetition: i, human: { rating: 1, note: "from the record" } }),
    );
    const at = "2026-12-07T21:00:00Z";
    const ratings = [
      { call_id: "r1", rating: 2, note: null, at },
      { call_id: "r1", rating: 5, note: "changed my mind", at },
      { call_id: "r2", rating: 4, note: null, at },
      { call_id: "r3", rating: 3, note: null, at },
      { call_id: "r3", rating: null, note: "undo", at },
    ];
    const run = dirs.run("rated", jsonl(calls), ratings.map((r) => `${JSON.stringify(r)}\n`).join(""));
    const group = (await benchReport([run])).data.groups[0];
    // r1 → 5, r2 → 4, r3 taken back, r4 and r5 keep the record's 1.
    expect(group?.rating).toEqual({ mean: (5 + 4 + 1 + 1) / 4, count: 4 });
    const unrated = (await benchReport([dirs.run("unrated", jsonl(calls))])).data.groups[0];
    expect(unrated?.rating).toEqual({ mean: 1, count: 5 });
  });

  it("prints aligned tables within 100 columns, and JSON with the same numbers", async () => {
    const report = await benchReport([runA, runB]);
    const text = benchReportText(report);
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    expect(text).toMatch(/^model\s+suite\s+device\s+n\s+ok\s+latency p50 \(95% CI\)/m);
    expect(text).toContain("Comparison over all suites");
    expect(text).toMatch(/! calls from 2 devices/);
    const json = JSON.parse(benchReportJson(report));
    expect(json.groups[0].metrics.latency_ms.median).toBe(report.data.groups[0]?.metrics.latency_ms?.median);
    expect(json.warnings).toHaveLength(report.warnings.length);
    expect(json.seed).toBe(1);
    expect(json.resamples).toBe(1000);
  });
});
