/**
 * The bench report on a terminal: three aligned tables (time, speed, comparison) and the warnings, kept within
 * 100 columns: label columns (model, suite, device, run) are clipped with "…" before any number is, since a
 * clipped label can be looked up in --json or the HTML report, a clipped number cannot.
 */

import type { ReportData } from "./report-data.js";
import type { ReportWarning } from "./report-warnings.js";
import type { QuantileSummary } from "./statistics.js";

export const TEXT_WIDTH = 100;
const GAP = "  ";
const MIN_LABEL = 6;

/** A number in at most ~6 characters: 0.42, 8.96, 54.7, 1120, 12.3k. */
export function compact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const size = Math.abs(value);
  if (size >= 9999.5) return `${(value / 1000).toFixed(size >= 99_950 ? 0 : 1)}k`;
  if (size >= 99.95) return value.toFixed(0);
  if (size >= 9.995) return value.toFixed(1);
  return value.toFixed(2);
}

function withInterval(summary: QuantileSummary | null): string {
  if (summary === null) return "–";
  return `${compact(summary.median)} (${compact(summary.medianCi.low)}–${compact(summary.medianCi.high)})`;
}

const percent = (rate: number) => `${Math.round(rate * 100)}%`;
const times = (ratio: number | null) => (ratio === null ? "–" : `×${ratio.toFixed(2)}`);

export function reportText(report: ReportData, warnings: readonly ReportWarning[]): string {
  const out: string[] = [];
  const counted = report.includeWarmup ? "warm-up calls counted" : "warm-up calls left out";
  out.push(
    ...wrap(
      `${report.calls} calls from ${report.files.length} file${report.files.length === 1 ? "" : "s"}; ${counted}; ` +
        `medians with 95% bootstrap intervals (${report.resamples} resamples, seed ${report.seed})`,
    ),
  );
  out.push("", "Time per call (ms)");
  out.push(
    table(
      ["model", "suite", "device", "n", "ok", "latency p50 (95% CI)", "p90", "TTFT", "TTFAT", "rating"],
      report.groups.map((g) => [
        g.model,
        g.suite,
        g.device,
        String(g.n),
        percent(g.successRate),
        withInterval(g.metrics.latency_ms),
        compact(g.metrics.latency_ms?.p90),
        compact(g.metrics.ttft_ms?.median),
        compact(g.metrics.ttfat_ms?.median),
        g.rating.mean === null ? "–" : `${g.rating.mean.toFixed(1)} (${g.rating.count})`,
      ]),
      3,
    ),
  );
  out.push("", "Speed (tok/s; srv = the server's own figure)");
  out.push(
    table(
      ["model", "suite", "device", "decode p50 (95% CI)", "srv", "prefill p50 (95% CI)", "srv", "empty"],
      report.groups.map((g) => [
        g.model,
        g.suite,
        g.device,
        withInterval(g.metrics.decode_tps),
        compact(g.serverDecodeTps),
        withInterval(g.metrics.prefill_tps),
        compact(g.serverPrefillTps),
        String(g.emptyAnswers),
      ]),
      3,
    ),
  );
  if (report.comparison.length > 1) {
    out.push("", "Comparison over all suites (ratios against the first row)");
    out.push(
      table(
        [
          "run",
          "model",
          "device",
          "n",
          "ok",
          "latency p50 (95% CI)",
          "ratio",
          "decode p50 (95% CI)",
          "ratio",
        ],
        report.comparison.map((c) => [
          c.run,
          c.model,
          c.device,
          String(c.n),
          percent(c.successRate),
          withInterval(c.latency),
          times(c.latencyRatio),
          withInterval(c.decodeTps),
          times(c.decodeRatio),
        ]),
        3,
      ),
    );
  }
  if (warnings.length > 0) {
    out.push("", "Warnings");
    for (const w of warnings) out.push(...wrap(`! ${w.group === null ? "" : `${w.group}: `}${w.message}`));
  }
  return `${out.join("\n")}\n`;
}

/**
 * Aligned columns: the first `labels` columns are text (left-aligned, clippable), the rest numbers (right-aligned).
 * While the table is wider than TEXT_WIDTH, the widest label column loses a character.
 */
export function table(header: string[], rows: string[][], labels: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1);
  while (total() > TEXT_WIDTH) {
    let widest = -1;
    for (let i = 0; i < labels; i++)
      if (widest < 0 || (widths[i] as number) > (widths[widest] as number)) widest = i;
    if (widest < 0 || (widths[widest] as number) <= MIN_LABEL) break;
    widths[widest] = (widths[widest] as number) - 1;
  }
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] as number;
        const text = cell.length > width ? `${cell.slice(0, width - 1)}…` : cell;
        return i < labels ? text.padEnd(width) : text.padStart(width);
      })
      .join(GAP)
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function wrap(text: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > TEXT_WIDTH) {
      lines.push(current);
      current = `  ${word}`;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  if (current !== "") lines.push(current);
  return lines;
}
