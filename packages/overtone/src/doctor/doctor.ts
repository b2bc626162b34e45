/**
 * `runDoctor`: every probe (or the ones asked for) against one backend, as one report. `rerunFixed` is the
 * before/after of `--fix` for a GGUF: the probes that failed or warned run again on the repaired copy, served
 * the way the caller opens it (the embedded engine on the file, or a llama-server the caller starts on it).
 */
import type { Backend } from "../backends/contract.js";
import type { Check, Probe, ProbeId } from "./probe.js";
import { channelsProbe } from "./probes/channels.js";
import { contextProbe } from "./probes/context.js";
import { effortProbe } from "./probes/effort.js";
import { generateRouteProbe } from "./probes/generate-route.js";
import { modelFamilyProbe } from "./probes/model-family.js";
import { reachableProbe } from "./probes/reachable.js";
import { samplingProbe } from "./probes/sampling.js";
import { structuredOutputProbe } from "./probes/structured-output.js";
import { templateProbe } from "./probes/template.js";
import { toolsProbe } from "./probes/tools.js";
import { type DoctorReport, type RunOptions, reportOf, runProbes } from "./runner.js";
import { type DoctorTarget, describeTarget } from "./target.js";

/** Every probe, in report order (static first, then behavioural). */
export const PROBES: readonly Probe[] = [
  reachableProbe,
  modelFamilyProbe,
  templateProbe,
  samplingProbe,
  contextProbe,
  channelsProbe,
  toolsProbe,
  effortProbe,
  structuredOutputProbe,
  generateRouteProbe,
];

export const PROBE_IDS: readonly ProbeId[] = PROBES.map((p) => p.id);

/** Generations per behavioural probe by default (and at `--quick`). */
export const DEFAULT_TRIES = 3;
export const QUICK_TRIES = 1;

export interface DoctorOptions extends Partial<RunOptions> {
  target: Omit<DoctorTarget, "facts"> & { facts?: Record<string, unknown> };
  backend: Backend;
  /** Only these probes (reachable always runs: the others read what it learns). */
  only?: readonly ProbeId[];
}

/** A report, and the target as the probes completed it (the model chosen, the GGUF llama-server loaded). */
export interface DoctorRun extends DoctorReport {
  resolved: DoctorTarget;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorRun> {
  const target: DoctorTarget = { ...options.target, facts: { ...options.target.facts } };
  const quick = options.quick ?? false;
  const only = options.only;
  const probes =
    only === undefined ? PROBES : PROBES.filter((p) => p.id === "reachable" || only.includes(p.id));
  const checks = await runProbes(
    probes,
    { target, backend: options.backend },
    {
      quick,
      tries: options.tries ?? (quick ? QUICK_TRIES : DEFAULT_TRIES),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.onCheck !== undefined ? { onCheck: options.onCheck } : {}),
    },
  );
  return { ...reportOf(describeTarget(target), checks), resolved: target };
}

/** The probes to run again after a fix: those that failed or warned (reachable runs anyway). */
export function probesToRerun(checks: readonly Check[]): ProbeId[] {
  return checks.filter((c) => c.status === "fail" || c.status === "warn").map((c) => c.id);
}

export interface FixedRun {
  target: DoctorOptions["target"];
  backend: Backend;
  close(): Promise<void>;
}

/** Runs the failed probes again on a repaired GGUF, opened by `open`, and closes what it opened. */
export async function rerunFixed(
  before: DoctorReport,
  fixedGguf: string,
  open: (gguf: string) => Promise<FixedRun>,
  options: Partial<RunOptions> = {},
): Promise<DoctorRun> {
  const run = await open(fixedGguf);
  try {
    const only = probesToRerun(before.checks);
    return await runDoctor({ ...options, target: run.target, backend: run.backend, only });
  } finally {
    await run.close();
  }
}
