/**
 * Runs a ladder (issue 16 item 1): models one at a time — loaded before their rung, cold load timed apart, closed
 * after — warm-up calls first (recorded, marked `warmup: true`), then every case × repetition, each call one
 * record appended to calls.jsonl as it finishes. Repetitions are the outer loop, so slow drift (heat, a
 * neighbour's job) spreads over every case instead of landing on the last one. A model that does not load is
 * recorded (one failed record per case, `errors: [{kind: "load"}]`) and skipped; nothing a model does ends the
 * run. Resuming skips the calls whose ids the file already holds; a resumed rung is loaded and warmed up again.
 */
import type { Backend } from "../backends/contract.js";
import type { CallRecord } from "../bench/call-record.js";
import { openCallsFile } from "./calls-file.js";
import { oneCall } from "./ladder-call.js";
import type { Ladder, LadderModel } from "./ladder-file.js";
import { type CallSlot, type RungContext, recordOfLoadFailure } from "./record-of-call.js";
import { machineEnv, rungEnv } from "./run-env.js";
import { createRungBackend, type OpenRung, openRung, releaseRung, rungSampling } from "./rung-backend.js";
import type { BenchSuite } from "./suite.js";
import { lookUpSuites } from "./suite-lookup.js";
import type { GraderOptions } from "./suites/index.js";

export interface LadderProgress {
  event: "model-start" | "call" | "model-done" | "model-failed";
  model: string;
  /** 1-based position of the model in the ladder. */
  modelIndex: number;
  modelCount: number;
  /** Calls made (or recorded as not made) in this session, of `total` planned for it. */
  done: number;
  total: number;
  /** Calls of this session that did not succeed. */
  failures: number;
  record?: CallRecord;
  /** Why the model did not load (model-failed). */
  reason?: string;
}

export interface RunLadderOptions {
  outDir: string;
  resume?: boolean;
  onProgress?: (progress: LadderProgress) => void;
  /** The suites to run instead of looking up the ladder's (tests). */
  suites?: BenchSuite[];
}

export interface LadderSummary {
  callsFile: string;
  /** Records written in this session, warm-ups included. */
  calls: number;
  failures: number;
  /** Calls skipped because an earlier session recorded them (--resume). */
  resumed: number;
  /** Models that did not load, with the reason. */
  loadFailures: { model: string; reason: string }[];
}

interface Rung {
  model: LadderModel;
  pending: CallSlot[];
  warmups: CallSlot[];
}

export async function runLadder(ladder: Ladder, options: RunLadderOptions): Promise<LadderSummary> {
  // The grader loads on its first grading and stays for the run: user suites' checks may call it on any rung.
  const grader = ladder.grader && (await createRungBackend(ladder.grader, 1));
  try {
    const suites =
      options.suites ?? (await lookUpSuites(ladder.suites, ladder.file, grader && graderOf(ladder, grader)));
    return await runSuites(ladder, suites, options);
  } finally {
    await grader?.close().catch(() => undefined);
  }
}

function graderOf(ladder: Ladder, backend: Backend): GraderOptions {
  const { model, params } = ladder.grader as LadderModel;
  return {
    backend,
    ...(model !== undefined && ladder.grader?.backend !== "embedded" ? { model } : {}),
    ...(params.maxTokens !== undefined ? { maxTokens: params.maxTokens } : {}),
    ...(params.effort !== undefined ? { effort: params.effort } : {}),
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
  };
}

async function runSuites(
  ladder: Ladder,
  suites: readonly BenchSuite[],
  options: RunLadderOptions,
): Promise<LadderSummary> {
  const file = openCallsFile(options.outDir, options.resume === true);
  const runId = `${ladder.expId}@${ladder.device}`;
  const rungs = ladder.models.map((model) => plan(ladder, runId, model, suites, file.done, file.earlier));
  const total = rungs.reduce(
    (sum, r) => sum + (r.pending.length === 0 ? 0 : r.warmups.length + r.pending.length),
    0,
  );
  const summary: LadderSummary = {
    callsFile: file.path,
    calls: 0,
    failures: 0,
    resumed: 0,
    loadFailures: [],
  };
  const machine = await machineEnv();
  let done = 0;
  try {
    for (const [i, rung] of rungs.entries()) {
      const allSlots = ladder.repetitions * suites.reduce((n, s) => n + s.cases.length, 0);
      summary.resumed += allSlots - rung.pending.length;
      if (rung.pending.length === 0) continue;
      const progress = (event: LadderProgress["event"], extra: Partial<LadderProgress> = {}) =>
        options.onProgress?.({
          event,
          model: rung.model.name,
          modelIndex: i + 1,
          modelCount: rungs.length,
          done,
          total,
          failures: summary.failures,
          ...extra,
        });
      const write = (record: CallRecord) => {
        file.append(record);
        summary.calls += 1;
        if (!record.success) summary.failures += 1;
        done += 1;
        progress("call", { record });
      };
      progress("model-start");
      let open: OpenRung;
      try {
        open = await openRung(rung.model, ladder.concurrency);
      } catch (error) {
        const reason = (error as Error).message;
        const context = rungContext(ladder, runId, rung.model, null, rungEnv(machine, rung.model, null));
        for (const slot of firstPendingPerCase(rung.pending))
          write(recordOfLoadFailure(context, slot, reason));
        done += rung.warmups.length + rung.pending.length - firstPendingPerCase(rung.pending).length;
        summary.loadFailures.push({ model: rung.model.name, reason });
        progress("model-failed", { reason });
        continue;
      }
      try {
        const context = rungContext(ladder, runId, rung.model, open, rungEnv(machine, rung.model, open));
        let first = true;
        const call = async (slot: CallSlot) => {
          const afterLoad = first ? { loadMs: open.loadMs } : null;
          first = false; // only the first call after the load carries it
          write(await oneCall(open.backend, context, slot, ladder, rung.model, afterLoad));
        };
        for (const slot of rung.warmups) await call(slot);
        await inParallel(rung.pending, ladder.concurrency, call);
      } finally {
        await releaseRung(open, rung.model);
      }
      progress("model-done");
    }
  } finally {
    await file.close();
  }
  return summary;
}

/** The rung's calls not yet in the file, and its warm-ups (numbered on from an earlier session's). */
function plan(
  ladder: Ladder,
  runId: string,
  model: LadderModel,
  suites: readonly BenchSuite[],
  done: ReadonlySet<string>,
  earlier: readonly CallRecord[],
): Rung {
  const prefix = `${runId}/${model.name}`;
  const pending: CallSlot[] = [];
  for (let repetition = 1; repetition <= ladder.repetitions; repetition++) {
    for (const suite of suites) {
      for (const benchCase of suite.cases) {
        const callId = `${prefix}/${suite.name}/${benchCase.id}/${repetition}`;
        if (!done.has(callId))
          pending.push({ callId, suite: suite.name, benchCase, repetition, warmup: false });
      }
    }
  }
  const cases = suites.flatMap((suite) => suite.cases.map((benchCase) => ({ suite: suite.name, benchCase })));
  const before = earlier.filter((r) => r.warmup && r.model === model.name).length;
  const warmups = Array.from({ length: cases.length === 0 ? 0 : ladder.warmup }, (_, k) => {
    const { suite, benchCase } = cases[k % cases.length] as (typeof cases)[number];
    const n = before + k + 1;
    return { callId: `${prefix}/warmup/${n}`, suite, benchCase, repetition: n, warmup: true };
  });
  return { model, pending, warmups };
}

function firstPendingPerCase(pending: readonly CallSlot[]): CallSlot[] {
  const seen = new Set<string>();
  return pending.filter((slot) => {
    const key = `${slot.suite}/${slot.benchCase.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function rungContext(
  ladder: Ladder,
  runId: string,
  model: LadderModel,
  open: OpenRung | null,
  env: Record<string, unknown>,
): RungContext {
  const sampling = rungSampling(model, ladder.maxTokens);
  return {
    runId,
    expId: ladder.expId,
    device: ladder.device,
    model: model.name,
    harmony: model.harmony,
    backendKind: open?.recordKind ?? recordKindGuess(model),
    endpoint: open?.endpoint ?? model.url ?? null,
    modelSizeBytes: open?.modelSizeBytes ?? null,
    params: {
      temperature: sampling.temperature ?? null,
      top_p: sampling.topP ?? null,
      seed: sampling.seed ?? null,
      effort: sampling.effort ?? null,
      max_tokens: sampling.maxTokens ?? null,
      route: sampling.route ?? null,
    },
    env,
  };
}

function recordKindGuess(model: LadderModel): RungContext["backendKind"] {
  return model.backend === "lmstudio" ? "lm-studio" : model.backend;
}

/** Runs `work` over `items` with at most `limit` in flight, in order of start. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
