/**
 * The HTML report's charts, drawn at report time: vega-lite specs compiled and rendered by vega to SVG text
 * (no canvas, no browser), so the page carries finished drawings and needs no script or network to show them.
 * The ladder's questions, one chart each: how speed falls with model size, how latency spreads per group
 * (min, quartiles, max from the report, not the raw calls: 100,000 points would make a heavy page), and
 * success and ratings per suite. vega loads on first use: a terminal-only report does not pay for it.
 */
import type { GroupStats, ReportData } from "./report-data.js";
import { groupLabel } from "./report-warnings.js";

export interface Chart {
  title: string;
  svg: string;
}

type Spec = Record<string, unknown>;
const WIDTH = 560;

export async function reportCharts(report: ReportData): Promise<Chart[]> {
  const specs: [string, Spec | null][] = [
    ["Decode speed against model size", speedBySize(report.groups)],
    ["Latency per call (min, quartiles, max)", latencySpread(report.groups)],
    [
      "Success rate per suite",
      perSuite(report.groups, "success", "success rate", (g) => g.successRate, [0, 1]),
    ],
    [
      "Mean human rating per suite",
      perSuite(report.groups, "rating", "mean rating (1–5)", (g) => g.rating.mean, [0, 5]),
    ],
  ];
  const charts: Chart[] = [];
  for (const [title, spec] of specs) if (spec !== null) charts.push({ title, svg: await renderSvg(spec) });
  return charts;
}

async function renderSvg(spec: Spec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  // biome-ignore lint/suspicious/noExplicitAny: our own specs, checked by compiling them.
  const view = new vega.View(vega.parse(vegaLite.compile(spec as any).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Model size on x: parameters when every group has them, else file size, else the model names in ladder order. */
function speedBySize(groups: readonly GroupStats[]): Spec | null {
  const points = groups.filter((g) => g.metrics.decode_tps !== null);
  if (points.length === 0) return null;
  const byParams = points.every((g) => g.modelParamsB !== null);
  const byBytes = !byParams && points.every((g) => g.modelSizeBytes !== null);
  const size = (g: GroupStats) =>
    byParams ? g.modelParamsB : byBytes ? (g.modelSizeBytes as number) / 1e9 : g.model;
  const x =
    byParams || byBytes
      ? {
          field: "size",
          type: "quantitative",
          title: byParams ? "parameters (billions)" : "model file (GB)",
          scale: { type: "log" },
        }
      : { field: "size", type: "ordinal", title: "model", sort: null };
  return {
    width: WIDTH,
    height: 260,
    data: {
      values: points.map((g) => ({
        size: size(g),
        decode: g.metrics.decode_tps?.median,
        low: g.metrics.decode_tps?.medianCi.low,
        high: g.metrics.decode_tps?.medianCi.high,
        model: g.model,
        suite: g.suite,
      })),
    },
    encoding: { x, color: { field: "model", type: "nominal", sort: null, legend: { labelLimit: 320 } } },
    layer: [
      { mark: "rule", encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" } } },
      {
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          y: {
            field: "decode",
            type: "quantitative",
            title: "decode tok/s (median, 95% CI; log scale)",
            scale: { type: "log" },
          },
          shape: { field: "suite", type: "nominal" },
        },
      },
    ],
  };
}

function latencySpread(groups: readonly GroupStats[]): Spec | null {
  const rows = groups.flatMap((g) =>
    g.latencySpread === null ? [] : [{ group: groupLabel(g), model: g.model, ...g.latencySpread }],
  );
  if (rows.length === 0) return null;
  const y = { field: "group", type: "nominal", title: null, sort: null, axis: { labelLimit: 320 } };
  return {
    width: WIDTH,
    height: { step: 22 },
    data: { values: rows },
    encoding: { y },
    layer: [
      {
        mark: "rule",
        encoding: {
          x: { field: "min", type: "quantitative", title: "latency (ms, log scale)", scale: { type: "log" } },
          x2: { field: "max" },
        },
      },
      {
        mark: { type: "bar", size: 14 },
        encoding: {
          x: { field: "q1", type: "quantitative" },
          x2: { field: "q3" },
          color: { field: "model", type: "nominal", sort: null, legend: null },
        },
      },
      {
        mark: { type: "tick", color: "black", size: 14 },
        encoding: { x: { field: "median", type: "quantitative" } },
      },
    ],
  };
}

function perSuite(
  groups: readonly GroupStats[],
  field: string,
  title: string,
  value: (g: GroupStats) => number | null,
  domain: [number, number],
): Spec | null {
  const rows = groups.flatMap((g) => {
    const v = value(g);
    return v === null ? [] : [{ suite: g.suite, series: `${g.model} (${g.device})`, [field]: v }];
  });
  if (rows.length === 0) return null;
  return {
    width: WIDTH,
    height: 220,
    data: { values: rows },
    mark: "bar",
    encoding: {
      x: { field: "suite", type: "nominal", title: "suite", axis: { labelAngle: 0 } },
      xOffset: { field: "series", type: "nominal", sort: null },
      y: { field, type: "quantitative", title, scale: { domain } },
      color: {
        field: "series",
        type: "nominal",
        sort: null,
        title: "model (device)",
        legend: { labelLimit: 320 },
      },
    },
  };
}
