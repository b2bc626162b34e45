/**
 * The doctor's two outputs: the terminal report (one line per probe — colour only on a terminal — the fix under
 * each problem, the evidence with `--verbose`) and the `--json` document `{ target, checks: [{ id, status,
 * summary, evidence, fix }], verdict }` that scripts read.
 */
import type { AppliedFix } from "./apply-fixes.js";
import type { Check, CheckStatus, Verdict } from "./probe.js";
import type { DoctorReport } from "./runner.js";

const LABEL: Record<CheckStatus, string> = {
  pass: "PASS",
  warn: "WARN",
  fail: "FAIL",
  inconclusive: "????",
  skipped: "SKIP",
};
const COLOUR: Record<CheckStatus, string> = {
  pass: "\x1b[32m",
  warn: "\x1b[33m",
  fail: "\x1b[31m",
  inconclusive: "\x1b[35m",
  skipped: "\x1b[90m",
};
const RESET = "\x1b[0m";

const VERDICT_TEXT: Record<Verdict, string> = {
  healthy: "healthy",
  problems: "problems found",
  "could-not-run": "could not run",
};

export interface TextOptions {
  colour: boolean;
  verbose: boolean;
}

export function checkLine(check: Check, options: TextOptions): string {
  const label = LABEL[check.status];
  const status = options.colour ? `${COLOUR[check.status]}${label}${RESET}` : label;
  const lines = [`  ${status}  ${check.id.padEnd(17)} ${check.summary}`];
  if (check.fix !== undefined && check.status !== "pass") {
    lines.push(`        fix: ${check.fix.description}`);
    if (check.fix.command !== undefined) lines.push(`        run: ${check.fix.command}`);
  }
  if (options.verbose && Object.keys(check.evidence).length > 0) {
    const json = JSON.stringify(check.evidence, null, 2).split("\n");
    lines.push(...json.map((line) => `        ${line}`));
  }
  return `${lines.join("\n")}\n`;
}

export function verdictLine(report: DoctorReport, options: TextOptions): string {
  const counts = (["fail", "warn", "inconclusive", "skipped"] as const)
    .map((s) => [s, report.checks.filter((c) => c.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const text = `verdict: ${VERDICT_TEXT[report.verdict]}${counts.length > 0 ? ` (${counts.join(", ")})` : ""}`;
  const colour =
    report.verdict === "healthy"
      ? COLOUR.pass
      : report.verdict === "problems"
        ? COLOUR.fail
        : COLOUR.inconclusive;
  return `${options.colour ? `${colour}${text}${RESET}` : text}\n`;
}

export function fixesText(applied: readonly AppliedFix[]): string {
  if (applied.length === 0) return "no fix to write\n";
  const lines = ["fixes written:"];
  for (const fix of applied) {
    lines.push(`  ${fix.kind} (for ${fix.for.join(", ")}): ${fix.description}`);
    for (const file of fix.files) lines.push(`    wrote ${file}`);
    if (fix.command !== undefined) lines.push(`    run: ${fix.command}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `before → after` for each probe re-run on the fixed file. */
export function beforeAfterText(before: readonly Check[], after: readonly Check[]): string {
  const lines = ["after the fix (re-run on the fixed file):"];
  for (const check of after) {
    const old = before.find((c) => c.id === check.id);
    lines.push(`  ${check.id.padEnd(17)} ${old?.status ?? "?"} → ${check.status}  ${check.summary}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The `--json` document. */
export function reportJson(report: DoctorReport, extra: Record<string, unknown> = {}): string {
  const checks = report.checks.map((c) => ({
    id: c.id,
    status: c.status,
    summary: c.summary,
    evidence: c.evidence,
    fix: c.fix ?? null,
    ...(c.ms !== undefined ? { ms: c.ms } : {}),
  }));
  return `${JSON.stringify({ target: report.target, checks, verdict: report.verdict, ...extra }, null, 2)}\n`;
}
