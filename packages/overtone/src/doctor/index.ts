/**
 * The doctor (issue 17): probes that diagnose a gpt-oss set-up — reachable, model-family, template, sampling,
 * context, channels, tools, effort, structured-output, generate-route — with the evidence and the fix, and
 * `--fix` writing the fixes. Only the CLI (`overtone doctor`) imports it.
 */
export { type AppliedFix, applyFixes } from "./apply-fixes.js";
export {
  DEFAULT_TRIES,
  type DoctorOptions,
  type DoctorRun,
  type FixedRun,
  PROBE_IDS,
  PROBES,
  QUICK_TRIES,
  rerunFixed,
  runDoctor,
} from "./doctor.js";
export { harmonyGgufName } from "./fixes.js";
export {
  CHECK_STATUSES,
  type Check,
  type CheckResult,
  type CheckStatus,
  exitCodeOf,
  type Fix,
  type Probe,
  type ProbeId,
  type Verdict,
} from "./probe.js";
export { beforeAfterText, checkLine, fixesText, reportJson, verdictLine } from "./report.js";
export type { DoctorReport } from "./runner.js";
export type { DoctorTarget } from "./target.js";
