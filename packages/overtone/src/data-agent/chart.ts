/**
 * Charts for the data agent (issue 15): the model asks for one with a Vega-Lite spec and no data; the rows of
 * the last query become its data here, so a chart can only show what SQL computed (a model that copied numbers
 * into the spec could invent them). Rendered with the real libraries, server-side: vega-lite compiles the spec,
 * vega draws SVG with no canvas, resvg turns the SVG into PNG; HTML is a page embedding the SVG.
 *
 * vega and resvg load on first use: `data ask` without a chart does not pay for them.
 */
import { extname } from "node:path";
import { InputError } from "@overtone/errors";
import type { JsonValue, QueryResult } from "../data/index.js";

export type ChartFormat = "svg" | "png" | "html";

/** A Vega-Lite spec as the model gave it (an object; its `data` is ours to fill). */
export type ChartSpec = Record<string, JsonValue>;

const FORMATS: Record<string, ChartFormat> = {
  ".svg": "svg",
  ".png": "png",
  ".html": "html",
  ".htm": "html",
};

/** The format a chart file's extension asks for (`--chart-out chart.png`). */
export function chartFormat(path: string): ChartFormat {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new InputError(`--chart-out ${path}: a chart file ends in .svg, .png or .html`, {
      where: "--chart-out",
      hint: "the extension picks the format: SVG, PNG, or an HTML page with the SVG",
    });
  }
  return format;
}

/**
 * Checks a spec the model wrote: a JSON object, no data of its own (inline values or URLs are refused: the data
 * is the query's), and compiling with vega-lite over `result`. Throws an Error whose message the model can read.
 */
export async function checkChartSpec(spec: unknown, result: QueryResult): Promise<ChartSpec> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new Error("the spec must be a JSON object (a Vega-Lite spec)");
  }
  const chart = spec as ChartSpec;
  for (const key of ["data", "datasets"]) {
    if (key in chart) {
      throw new Error(`the spec must not carry "${key}": the last query's rows are its data`);
    }
  }
  await compiled(chart, result);
  return chart;
}

/** The chart as SVG text, a PNG image, or an HTML page around the SVG. */
export async function renderChart(
  spec: ChartSpec,
  result: QueryResult,
  format: ChartFormat,
): Promise<string | Uint8Array> {
  const vega = await import("vega");
  const view = new vega.View(vega.parse(await compiled(spec, result)), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  if (format === "svg") return svg;
  if (format === "html") return htmlPage(typeof spec.title === "string" ? spec.title : "Chart", svg);
  const { Resvg } = await import("@resvg/resvg-js");
  return new Resvg(svg, { fitTo: { mode: "zoom", value: 2 } }).render().asPng();
}

/** The rows as Vega's records: one object per row, keyed by column name. */
export function chartValues(result: QueryResult): Record<string, JsonValue>[] {
  return result.rows.map((row) =>
    Object.fromEntries(result.columns.map((column, i) => [column.name, row[i] ?? null])),
  );
}

async function compiled(spec: ChartSpec, result: QueryResult) {
  const vegaLite = await import("vega-lite");
  const withData = { ...spec, data: { values: chartValues(result) } };
  try {
    // biome-ignore lint/suspicious/noExplicitAny: the model's spec is checked by compiling it, not by its type.
    return vegaLite.compile(withData as any).spec;
  } catch (error) {
    throw new Error(`vega-lite cannot compile the spec: ${(error as Error).message}`);
  }
}

function htmlPage(title: string, svg: string): string {
  const escaped = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escaped}</title></head>\n<body>\n${svg}\n</body>\n</html>\n`;
}
