/**
 * What a reader of a bench report should distrust, said next to the numbers: too few calls for a median to mean
 * much, intervals wide next to the value they bound, warm-up calls (model load, first-request costs) mixed into
 * the statistics, machines compared as if they were one, and a client clock that disagrees with the server's.
 * docs/bench.md ("Reading the warnings") says what to do about each.
 */
import type { GroupStats, Metric, ReportData } from "./report-data.js";

export type WarningKind = "few-calls" | "noisy" | "warmup-included" | "devices-differ" | "clocks-disagree";

export interface ReportWarning {
  kind: WarningKind;
  /** "model / suite / device" when the warning is about one group; null for the whole report. */
  group: string | null;
  message: string;
}

/** Below this many calls a group's median and p90 are flagged (llama-bench repeats 5 times by default). */
export const MIN_CALLS = 5;
/** An interval wider than this fraction of its median marks the metric noisy. */
export const NOISY_WIDTH = 0.5;
/** Client and server decode rates further apart than this fraction are flagged. */
export const CLOCK_TOLERANCE = 0.1;

const NOISE_CHECKED: Metric[] = ["latency_ms", "ttft_ms", "ttfat_ms", "decode_tps", "prefill_tps"];

export function groupLabel(group: Pick<GroupStats, "model" | "suite" | "device">): string {
  return `${group.model} / ${group.suite} / ${group.device}`;
}

export function reportWarnings(report: ReportData): ReportWarning[] {
  const warnings: ReportWarning[] = [];
  for (const group of report.groups) {
    const label = groupLabel(group);
    if (group.n < MIN_CALLS) {
      warnings.push({
        kind: "few-calls",
        group: label,
        message: `${group.n} call${group.n === 1 ? "" : "s"}: fewer than ${MIN_CALLS}, so medians and p90 say little; add repetitions`,
      });
    }
    const noisy = NOISE_CHECKED.filter((metric) => {
      const summary = group.metrics[metric];
      if (summary === null || summary.n < 2 || summary.median === 0) return false;
      return (summary.medianCi.high - summary.medianCi.low) / Math.abs(summary.median) > NOISY_WIDTH;
    });
    if (noisy.length > 0) {
      warnings.push({
        kind: "noisy",
        group: label,
        message: `${noisy.join(", ")}: the 95% interval is wider than ${NOISY_WIDTH * 100}% of the median; more repetitions, or a quieter machine`,
      });
    }
    if (group.warmups > 0) {
      warnings.push({
        kind: "warmup-included",
        group: label,
        message: `${group.warmups} warm-up call${group.warmups === 1 ? "" : "s"} counted: they carry load and first-request costs`,
      });
    }
    const client = group.metrics.decode_tps?.median;
    const server = group.serverDecodeTps;
    if (
      client !== undefined &&
      server !== null &&
      server > 0 &&
      Math.abs(client - server) / server > CLOCK_TOLERANCE
    ) {
      warnings.push({
        kind: "clocks-disagree",
        group: label,
        message: `client decode ${client.toFixed(1)} tok/s vs server ${server.toFixed(1)} tok/s (more than ${CLOCK_TOLERANCE * 100}% apart): chunks may carry several tokens, or the server counts differently`,
      });
    }
  }
  const devices = [...new Set(report.groups.map((g) => g.device))];
  if (devices.length > 1) {
    warnings.push({
      kind: "devices-differ",
      group: null,
      message: `calls from ${devices.length} devices (${devices.join(", ")}): a difference between devices is the hardware's as much as the model's`,
    });
  }
  return warnings;
}
