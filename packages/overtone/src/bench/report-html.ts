/**
 * The bench report as one self-contained HTML file: inline CSS, the charts as inline SVG drawn at report time
 * (report-charts.ts), the tables and warnings as HTML. No script, no stylesheet or font link, no image URL: a
 * person can mail the file or open it on a plane and see all of it. Every text from the records is escaped.
 */
import type { Chart } from "./report-charts.js";
import type { GroupStats, ReportData } from "./report-data.js";
import { compact } from "./report-text.js";
import type { ReportWarning } from "./report-warnings.js";
import type { QuantileSummary } from "./statistics.js";

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 90rem; padding: 0 1rem; color: #1d232a; background: #fff; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d5dbe1; }
p.meta { color: #56616c; margin-top: 0; }
div.wide { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e6eaee; text-align: right; white-space: nowrap; }
th { background: #f3f5f7; font-weight: 600; } td.label, th.label { text-align: left; }
td .ci { color: #6b7680; font-size: .85em; }
ul.warnings { padding-left: 1.2rem; } ul.warnings li { margin: .2rem 0; }
ul.warnings li strong { color: #9a3b00; }
figure { margin: 1rem 0 2rem; } figcaption { font-weight: 600; margin-bottom: .4rem; }
`;

export function reportHtml(
  report: ReportData,
  warnings: readonly ReportWarning[],
  charts: readonly Chart[],
): string {
  const files = report.files.map(escape).join(", ");
  const counted = report.includeWarmup ? "warm-up calls counted" : "warm-up calls left out";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Overtone bench report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Overtone bench report</h1>
<p class="meta">${report.calls} calls from ${files}; ${counted}; medians with 95% bootstrap intervals
(${report.resamples} resamples, seed ${report.seed}).</p>
${warningList(warnings)}
<h2>Per model, suite and device</h2>
${groupTable(report.groups)}
${comparisonTable(report)}
<h2>Charts</h2>
${charts.map((c) => `<figure><figcaption>${escapeHtml(c.title)}</figcaption>\n${c.svg}\n</figure>`).join("\n")}
</body>
</html>
`;
}

function warningList(warnings: readonly ReportWarning[]): string {
  if (warnings.length === 0) return "<h2>Warnings</h2>\n<p>None.</p>";
  const items = warnings.map(
    (w) =>
      `<li><strong>${escapeHtml(w.kind)}</strong> ${w.group === null ? "" : `${escapeHtml(w.group)}: `}${escapeHtml(w.message)}</li>`,
  );
  return `<h2>Warnings</h2>\n<ul class="warnings">\n${items.join("\n")}\n</ul>`;
}

function cellWithCi(summary: QuantileSummary | null): string {
  if (summary === null) return "<td>–</td>";
  const ci = `${compact(summary.medianCi.low)}–${compact(summary.medianCi.high)}`;
  return `<td>${compact(summary.median)} <span class="ci">(${ci})</span></td>`;
}

function groupTable(groups: readonly GroupStats[]): string {
  const head = [
    ...["model", "suite", "device"].map((h) => `<th class="label">${h}</th>`),
    ...[
      "n",
      "success",
      "latency ms p50 (95% CI)",
      "p90",
      "TTFT ms p50",
      "TTFAT ms p50",
      "decode tok/s p50 (95% CI)",
      "server decode",
      "prefill tok/s p50 (95% CI)",
      "server prefill",
      "empty answers",
      "rating",
    ].map((h) => `<th>${h}</th>`),
  ];
  const rows = groups.map((g) =>
    [
      ...[g.model, g.suite, g.device].map((t) => `<td class="label">${escapeHtml(t)}</td>`),
      `<td>${g.n}</td>`,
      `<td>${Math.round(g.successRate * 100)}%</td>`,
      cellWithCi(g.metrics.latency_ms),
      `<td>${compact(g.metrics.latency_ms?.p90)}</td>`,
      `<td>${compact(g.metrics.ttft_ms?.median)}</td>`,
      `<td>${compact(g.metrics.ttfat_ms?.median)}</td>`,
      cellWithCi(g.metrics.decode_tps),
      `<td>${compact(g.serverDecodeTps)}</td>`,
      cellWithCi(g.metrics.prefill_tps),
      `<td>${compact(g.serverPrefillTps)}</td>`,
      `<td>${g.emptyAnswers}</td>`,
      `<td>${g.rating.mean === null ? "–" : `${g.rating.mean.toFixed(1)} (${g.rating.count})`}</td>`,
    ].join(""),
  );
  return `<div class="wide"><table>\n<tr>${head.join("")}</tr>\n${rows.map((r) => `<tr>${r}</tr>`).join("\n")}\n</table></div>`;
}

function comparisonTable(report: ReportData): string {
  if (report.comparison.length < 2) return "";
  const ratio = (r: number | null) => (r === null ? "–" : `×${r.toFixed(2)}`);
  const rows = report.comparison.map((c) =>
    [
      ...[c.run, c.model, c.device].map((t) => `<td class="label">${escapeHtml(t)}</td>`),
      `<td>${c.n}</td>`,
      `<td>${Math.round(c.successRate * 100)}%</td>`,
      cellWithCi(c.latency),
      `<td>${ratio(c.latencyRatio)}</td>`,
      cellWithCi(c.decodeTps),
      `<td>${ratio(c.decodeRatio)}</td>`,
    ].join(""),
  );
  const head =
    '<th class="label">run</th><th class="label">model</th><th class="label">device</th><th>n</th><th>success</th>' +
    "<th>latency ms p50 (95% CI)</th><th>ratio</th><th>decode tok/s p50 (95% CI)</th><th>ratio</th>";
  return `<h2>Comparison across runs, models and devices (ratios against the first row)</h2>
<table>\n<tr>${head}</tr>\n${rows.map((r) => `<tr>${r}</tr>`).join("\n")}\n</table>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
