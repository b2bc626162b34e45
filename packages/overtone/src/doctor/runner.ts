/**
 * Runs the probes and gathers their checks. Probes run concurrently (up to `concurrency` at once: a server with
 * one slot queues the rest, the embedded engine batches them), each after the probes it reads (`after`). One
 * probe's failure never stops the others: what a probe throws becomes its check — `inconclusive` with "could not
 * run: …" — and when the backend cannot be reached at all, every probe that needs it is `skipped` saying so.
 */

import type { Check, CheckResult, Probe, ProbeContext, ProbeId, Verdict } from "./probe.js";
import { backendDown, verdictOf } from "./probe.js";
import type { DoctorTarget } from "./target.js";
import { errorMessage } from "./target.js";

export interface RunOptions {
  /** `--quick`: probes that sample many generations are skipped. */
  quick: boolean;
  /** Generations per behavioural probe. */
  tries: number;
  /** Probes running at once (default 3). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called as each check is done (the terminal report prints as they come). */
  onCheck?: (check: Check) => void;
}

export interface DoctorReport {
  target: string;
  checks: Check[];
  verdict: Verdict;
}

export async function runProbes(
  probes: readonly Probe[],
  context: Omit<ProbeContext, "earlier" | "tries" | "signal">,
  options: RunOptions,
): Promise<Check[]> {
  const done = new Map<ProbeId, Check>();
  const running = new Map<ProbeId, Promise<Check>>();
  const signal = options.signal ?? new AbortController().signal;
  let slots = options.concurrency ?? 3;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    while (slots === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    slots--;
  };
  const release = () => {
    slots++;
    waiting.shift()?.();
  };

  const start = (probe: Probe): Promise<Check> => {
    const existing = running.get(probe.id);
    if (existing !== undefined) return existing;
    const promise = (async (): Promise<Check> => {
      // Everything reads what `reachable` learnt (the server's make, the model), so it always goes first.
      const before = probe.id === "reachable" ? [] : ["reachable" as const, ...(probe.after ?? [])];
      for (const id of before) {
        const before = probes.find((p) => p.id === id);
        if (before !== undefined) await start(before);
      }
      const check = await runOne(probe, context.target, options, done, async (run) => {
        await acquire();
        try {
          return await run({ ...context, tries: options.tries, signal, earlier: (id) => done.get(id) });
        } finally {
          release();
        }
      });
      done.set(probe.id, check);
      options.onCheck?.(check);
      return check;
    })();
    running.set(probe.id, promise);
    return promise;
  };

  await Promise.all(probes.map(start));
  // In the order the probes were given, not the order they finished.
  return probes.map((p) => done.get(p.id) as Check);
}

async function runOne(
  probe: Probe,
  target: DoctorTarget,
  options: RunOptions,
  done: ReadonlyMap<ProbeId, Check>,
  withSlot: (run: (context: ProbeContext) => Promise<CheckResult>) => Promise<CheckResult>,
): Promise<Check> {
  const skipped = (summary: string): Check => ({ id: probe.id, status: "skipped", summary, evidence: {} });
  if (options.quick && !probe.quick) return skipped("skipped by --quick (samples many generations)");
  const applies = probe.appliesTo?.(target) ?? true;
  if (applies !== true) return skipped(applies);
  const reachable = done.get("reachable");
  if (probe.id !== "reachable" && backendDown(reachable)) {
    return skipped(`could not run: ${reachable?.summary ?? "the backend is down"}`);
  }
  const started = performance.now();
  try {
    const result = await withSlot((context) => probe.run(context));
    return {
      id: probe.id,
      ...result,
      behavioural: probe.behavioural,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    // A backend that went down mid-way, a model unloaded, an endpoint missing: this probe says so, the rest go on.
    return {
      id: probe.id,
      behavioural: probe.behavioural,
      status: "inconclusive",
      summary: `could not run: ${errorMessage(error)}`,
      evidence: { error: errorMessage(error) },
      ms: Math.round(performance.now() - started),
    };
  }
}

export function reportOf(target: string, checks: Check[]): DoctorReport {
  return { target, checks, verdict: verdictOf(checks) };
}
