/**
 * Call records for the bench tests and bench/bench-report.bench.ts: one complete record (every field of schema 1
 * filled, as the ladder runner writes them) and seeded ladders of them with known shapes: per model a latency
 * and decode speed that scale with size, jittered, so group medians are predictable and intervals non-trivial.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CALLS_FILE, type CallRecord } from "../../packages/overtone/src/bench/index.js";
import { uniforms } from "../../packages/overtone/src/bench/statistics.js";

export function sampleCall(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    schema: 1,
    call_id: "c1",
    run_id: "run-a",
    exp_id: "ladder-test",
    ts: "2026-12-07T20:00:00.000Z",
    model: "llama3.2:1b",
    model_size_bytes: 1.3e9,
    model_params_b: 1.2,
    suite: "diagnose",
    case_id: "wifi",
    repetition: 1,
    device: "laptop",
    backend_kind: "llama-server",
    endpoint: "http://127.0.0.1:8080/v1/chat/completions",
    prompt_version: "diagnose@v1",
    params: { temperature: 0.2, top_p: 1, max_tokens: 512 },
    input: { issue_text: "WiFi not working" },
    output: { raw: "1. Check the adapter", final: "1. Check the adapter", analysis: null },
    latency_ms: 1000,
    timing: {
      ttft_ms: 100,
      ttfat_ms: 100,
      itl: { count: 40, mean_ms: 20, p50_ms: 19, p90_ms: 25, max_ms: 40 },
      tpot_ms: { client: 20, server: 19.5 },
      prefill_tps: { client: 800, server: 820 },
      decode_tps: { client: 50, server: 51 },
    },
    tokens: { prompt: 80, cached_prompt: 0, analysis: null, final: 41, commentary: null },
    finish_reason: "stop",
    empty_answer_cause: null,
    success: true,
    parsed_ok: true,
    idea_count: null,
    risk_flags: [],
    errors: [],
    warmup: false,
    cold_load_ms: null,
    env: { host: "test", os: "linux" },
    human: { rating: null, note: null },
    ...overrides,
  };
}

export interface LadderShape {
  models: { name: string; paramsB: number }[];
  suites: string[];
  devices: string[];
  repetitions: number;
  seed: number;
  runId?: string;
}

/** A ladder's calls: decode ≈ 100 / params tok/s, latency ≈ 40 tokens at that speed, ±20% jitter, 1 warm-up. */
export function* ladderCalls(shape: LadderShape): Generator<CallRecord> {
  const random = uniforms(shape.seed);
  let id = 0;
  for (const device of shape.devices) {
    for (const model of shape.models) {
      for (const suite of shape.suites) {
        for (let rep = 0; rep <= shape.repetitions; rep++) {
          const decode = (100 / model.paramsB) * (0.8 + 0.4 * random());
          const ttft = 50 * model.paramsB * (0.8 + 0.4 * random());
          const latency = ttft + (40 / decode) * 1000;
          yield sampleCall({
            call_id: `c${++id}`,
            run_id: shape.runId ?? "run-a",
            model: model.name,
            model_params_b: model.paramsB,
            model_size_bytes: model.paramsB * 1e9,
            suite,
            device,
            case_id: `${suite}-1`,
            repetition: Math.max(1, rep),
            latency_ms: latency,
            warmup: rep === 0,
            cold_load_ms: rep === 0 ? 900 : null,
            success: random() > 0.1,
            timing: {
              ttft_ms: ttft,
              ttfat_ms: ttft * 2,
              itl: null,
              tpot_ms: { client: 1000 / decode, server: null },
              prefill_tps: { client: 2000 / model.paramsB, server: null },
              decode_tps: { client: decode, server: decode * 1.01 },
            },
          });
        }
      }
    }
  }
}

export function jsonl(records: Iterable<CallRecord>): string {
  let text = "";
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}

/** A temporary folder holding run directories; `run(name, text)` writes RUN/calls.jsonl and returns RUN. */
export function runsDir(): {
  root: string;
  run(name: string, calls: string, ratings?: string): string;
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), "overtone-bench-"));
  return {
    root,
    run(name, calls, ratings) {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, CALLS_FILE), calls);
      if (ratings !== undefined) writeFileSync(join(dir, "ratings.jsonl"), ratings);
      return dir;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
