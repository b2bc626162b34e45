/**
 * A real ladder on this machine through the embedded engine (bench-run/run-ladder.ts): the trained toy gpt-oss
 * and the tiny one (random weights), 2 repetitions, 1 warm-up, the built-in smoke suite, and a rung whose model
 * file does not exist. Every line passes the bench validator and `bench report` reads the folder; the missing
 * model is recorded (one failed record per case, `kind: "load"`) and skipped; a second run over the same folder
 * is refused without --resume and adds nothing with it. (A non-Harmony model cannot run here: the embedded
 * engine loads gpt-oss only, so the tiny Llama rung is in ladder-llama-server.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallRecord } from "../../packages/overtone/src/bench/call-record.js";
import { parseCallRecord } from "../../packages/overtone/src/bench/call-record-check.js";
import { benchReport } from "../../packages/overtone/src/bench/index.js";
import { parseLadder } from "../../packages/overtone/src/bench-run/ladder-file.js";
import { type LadderProgress, runLadder } from "../../packages/overtone/src/bench-run/run-ladder.js";
import { tinyModelPath } from "../support/tiny-models.js";
import { toyModelPath } from "../support/toy-model.js";

const dir = mkdtempSync(join(tmpdir(), "overtone-ladder-"));
const out = join(dir, "run");
let records: CallRecord[];
let events: LadderProgress[];

beforeAll(async () => {
  const ladderFile = join(dir, "ladder.yaml");
  writeFileSync(
    ladderFile,
    [
      "exp_id: ladder-test",
      "device: test-box",
      "repetitions: 2",
      "warmup: 1",
      "max_tokens: 48",
      "suites: [smoke]",
      "models:",
      `  - { name: toy, backend: embedded, model: ${await toyModelPath()}, params: { seed: 7 } }`,
      `  - { name: toy-short, backend: embedded, model: ${await toyModelPath()}, params: { max_tokens: 6 } }`,
      `  - { name: missing, backend: embedded, model: ${join(dir, "no-such-model.gguf")} }`,
      `  - { name: tiny, backend: embedded, model: ${await tinyModelPath()}, params: { temperature: 0.5 } }`,
      "",
    ].join("\n"),
  );
  const ladder = parseLadder(readFileSync(ladderFile, "utf8"), ladderFile);
  events = [];
  await runLadder(ladder, { outDir: out, onProgress: (p) => events.push(p) });
  const lines = readFileSync(join(out, "calls.jsonl"), "utf8").trimEnd().split("\n");
  records = lines.map((line, i) => parseCallRecord(line, "calls.jsonl", i + 1));
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runLadder on the embedded engine", () => {
  it("records every call of the loaded models, warm-up first, each line valid", () => {
    for (const model of ["toy", "tiny"]) {
      const mine = records.filter((r) => r.model === model);
      expect(mine).toHaveLength(1 + 2 * 2); // one warm-up, two cases × two repetitions
      expect(mine[0]).toMatchObject({ warmup: true, call_id: `ladder-test@test-box/${model}/warmup/1` });
      expect(mine[0]?.cold_load_ms).toBeGreaterThan(0);
      expect(mine.slice(1).every((r) => !r.warmup && r.cold_load_ms === null)).toBe(true);
      expect(mine.slice(1).map((r) => `${r.case_id}/${r.repetition}`)).toEqual([
        "hello/1",
        "sum/1",
        "hello/2",
        "sum/2",
      ]);
      expect(mine.every((r) => r.backend_kind === "embedded" && r.model_size_bytes !== null)).toBe(true);
      expect(mine.every((r) => r.tokens.prompt !== null && r.latency_ms > 0)).toBe(true);
    }
    expect(new Set(records.map((r) => r.call_id)).size).toBe(records.length);
    expect(records[0]?.env).toMatchObject({ host: expect.any(String), cores: expect.any(Number) });
    expect(String(records[0]?.env?.engine)).toMatch(/^node-llama-cpp \d/);
    expect(records[0]?.env).toMatchObject({ threads: expect.any(Number), context_size: expect.any(Number) });
  });

  it("gives gpt-oss its sampling unless the ladder sets it", () => {
    const toy = records.find((r) => r.model === "toy");
    const tiny = records.find((r) => r.model === "tiny");
    expect(toy?.params).toMatchObject({ temperature: 1, top_p: 1, seed: 7, max_tokens: 48 });
    expect(tiny?.params).toMatchObject({ temperature: 0.5, top_p: 1 });
  });

  it("says why an answer is empty, in the backend's words: a budget of 6 tokens ends inside the reasoning", () => {
    const short = records.filter((r) => r.model === "toy-short");
    expect(short).toHaveLength(5);
    for (const r of short) {
      expect(r).toMatchObject({ success: false, finish_reason: "length", output: { final: null } });
      expect(r.empty_answer_cause).toMatch(
        /token budget \(maxTokens 6\) while the model was still reasoning/,
      );
      expect(r.params?.max_tokens).toBe(6);
    }
    // An answer that came has no cause: the tiny model's noise arrives as its answer.
    const answered = records.filter((r) => r.output.final !== null);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((r) => r.empty_answer_cause === null)).toBe(true);
  });

  it("records a missing model once per case and goes on to the next rung", () => {
    const missing = records.filter((r) => r.model === "missing");
    expect(missing.map((r) => r.case_id)).toEqual(["hello", "sum"]);
    for (const r of missing) {
      expect(r.success).toBe(false);
      expect(r.errors[0]?.kind).toBe("load");
      expect(r.errors[0]?.message).toContain("no-such-model.gguf");
    }
    expect(events.filter((e) => e.event === "model-failed").map((e) => e.model)).toEqual(["missing"]);
    const last = events.at(-1);
    expect(last?.done).toBe(last?.total);
  });

  it("is read by bench report", async () => {
    const report = await benchReport([out], { includeWarmup: false, seed: 1, resamples: 50 });
    const models = new Set(report.data.groups.map((g) => g.model));
    expect(models).toEqual(new Set(["toy", "toy-short", "tiny", "missing"]));
  });

  it("refuses to append a second run without --resume, and adds nothing with it", async () => {
    const ladderFile = join(dir, "ladder.yaml");
    const ladder = parseLadder(readFileSync(ladderFile, "utf8"), ladderFile);
    await expect(runLadder(ladder, { outDir: out })).rejects.toThrow(/already holds 17 calls/);
    // The missing model's pending calls are tried again (and recorded again, under their own ids).
    const noMissing = { ...ladder, models: ladder.models.filter((m) => m.name !== "missing") };
    const again = await runLadder(noMissing, { outDir: out, resume: true });
    expect(again).toMatchObject({ calls: 0, resumed: 12 });
  }, 120_000);
});

describe("runLadder with concurrency 2", () => {
  it("keeps two requests in flight on the embedded engine (batched), each call recorded once", async () => {
    const file = join(dir, "parallel.yaml");
    writeFileSync(
      file,
      [
        "exp_id: parallel",
        "repetitions: 2",
        "warmup: 0",
        "concurrency: 2",
        "max_tokens: 24",
        "suites: [smoke]",
        "models:",
        `  - { name: toy, backend: embedded, model: ${await toyModelPath()} }`,
        "",
      ].join("\n"),
    );
    const runDir = join(dir, "parallel");
    await runLadder(parseLadder(readFileSync(file, "utf8"), file), { outDir: runDir });
    const lines = readFileSync(join(runDir, "calls.jsonl"), "utf8").trimEnd().split("\n");
    const calls = lines.map((line, i) => parseCallRecord(line, "calls.jsonl", i + 1));
    expect(calls.map((r) => `${r.case_id}/${r.repetition}`).sort()).toEqual([
      "hello/1",
      "hello/2",
      "sum/1",
      "sum/2",
    ]);
    // The first two started together: the second began before the first had finished.
    const spans = calls.map((r) => ({ start: Date.parse(r.ts), end: Date.parse(r.ts) + r.latency_ms }));
    spans.sort((a, b) => a.start - b.start);
    // (By 10 ms: ts has whole milliseconds, so back-to-back calls can seem to overlap by less than one.)
    expect(spans[1]?.start).toBeLessThan((spans[0]?.end as number) - 10);
  }, 300_000);
});

describe("runLadder with a call timeout", () => {
  it("cuts a call that runs past call_timeout_s and records it as timed out", async () => {
    const file = join(dir, "timeout.yaml");
    writeFileSync(
      file,
      [
        "exp_id: timeout",
        "repetitions: 1",
        "warmup: 0",
        "call_timeout_s: 0.005", // 5 ms: less than the toy's prompt evaluation takes here
        "max_tokens: 2000",
        "suites: [smoke]",
        "models:",
        `  - { name: toy, backend: embedded, model: ${await toyModelPath()} }`,
        "",
      ].join("\n"),
    );
    const runDir = join(dir, "timeout");
    const summary = await runLadder(parseLadder(readFileSync(file, "utf8"), file), { outDir: runDir });
    expect(summary).toMatchObject({ calls: 2, failures: 2 });
    const lines = readFileSync(join(runDir, "calls.jsonl"), "utf8").trimEnd().split("\n");
    for (const [i, line] of lines.entries()) {
      const record = parseCallRecord(line, "calls.jsonl", i + 1);
      expect(record).toMatchObject({ success: false, finish_reason: "aborted" });
      expect(record.errors[0]).toEqual({
        kind: "timeout",
        message: "the call ran past call_timeout_s (0.005 s) and was cut",
      });
    }
  }, 300_000);
});
