/**
 * The doctor's vocabulary (types only, plus the verdict rule): a probe checks one thing about a gpt-oss set-up and
 * says `pass | warn | fail | inconclusive | skipped`, what it saw (evidence: what was sent, what came back, the
 * numbers) and, when something is wrong, the fix. Probe ids are stable: scripts and the `--json` report key on
 * them (issue 17).
 */
import type { Backend } from "../backends/contract.js";
import type { DoctorTarget } from "./target.js";

export const CHECK_STATUSES = ["pass", "warn", "fail", "inconclusive", "skipped"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export type ProbeId =
  | "reachable"
  | "model-family"
  | "template"
  | "generate-route"
  | "sampling"
  | "context"
  | "channels"
  | "effort"
  | "tools"
  | "structured-output";

/**
 * A remedy. `files` are written into `--out` by `--fix` (never in place); `command` applies them (or is the fix
 * itself, e.g. the flags a server was started without). `kind` names the fixes `--fix` knows how to write.
 */
export interface Fix {
  kind: "gguf-harmony-template" | "ollama-modelfile" | "server-flags" | "serve-config" | "advice";
  description: string;
  command?: string;
  /** Text files the fix consists of, by file name inside `--out` (written atomically). */
  files?: Record<string, string>;
}

export interface CheckResult {
  status: CheckStatus;
  /** One line for the terminal report. */
  summary: string;
  evidence: Record<string, unknown>;
  fix?: Fix;
}

export interface Check extends CheckResult {
  id: ProbeId;
  /** From a behavioural probe (see Probe.behavioural): its `inconclusive` is a problem for the verdict. */
  behavioural?: boolean;
  /** Milliseconds the probe took (absent for probes skipped without running). */
  ms?: number;
}

export interface ProbeContext {
  target: DoctorTarget;
  backend: Backend;
  /** Generations per behavioural probe (`--quick` probes take one or none). */
  tries: number;
  signal: AbortSignal;
  /** Results of probes that ran before this one (see Probe.after). */
  earlier(id: ProbeId): Check | undefined;
}

export interface Probe {
  id: ProbeId;
  /** False for probes that sample many generations: `--quick` skips them. */
  quick: boolean;
  /** Generates text (so it is meaningless on a model that was never trained: see model-sanity.ts). */
  behavioural: boolean;
  /** Probes whose results this one reads; it runs after them. */
  after?: readonly ProbeId[];
  /** Whether it applies to this target at all (else `skipped`, with `why`). */
  appliesTo?(target: DoctorTarget): true | string;
  run(context: ProbeContext): Promise<CheckResult>;
}

export type Verdict = "healthy" | "problems" | "could-not-run";

/** True when `reachable` found no backend to talk to (its evidence says `reached: false`). */
export function backendDown(check: Check | undefined): boolean {
  return check !== undefined && check.evidence.reached === false;
}

/**
 * The verdict: could not run when the backend was never reached; problems when any probe failed or warned (a
 * missing model is a problem found: the server answered), or when the model's behaviour could not be judged (a
 * model with random or broken weights is not a healthy set-up); healthy otherwise. A static probe that is
 * inconclusive (a server that does not show its template) is no problem found: the report says why.
 */
export function verdictOf(checks: readonly Check[]): Verdict {
  if (backendDown(checks.find((c) => c.id === "reachable"))) return "could-not-run";
  const problem = (c: Check) =>
    c.status === "fail" || c.status === "warn" || (c.status === "inconclusive" && c.behavioural === true);
  return checks.some(problem) ? "problems" : "healthy";
}

/** Exit status of `overtone doctor`: 0 healthy, 1 problems found, 2 the doctor could not run. */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === "healthy" ? 0 : verdict === "problems" ? 1 : 2;
}
