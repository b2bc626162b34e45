/**
 * Charts (issue 15): a Vega-Lite spec over a real query's rows, rendered by the real libraries (vega-lite, vega,
 * resvg) to SVG with the marks in it, PNG (its signature and size) and an HTML page embedding the SVG; a spec
 * that carries data of its own or does not compile is refused; and the agent's chart tool, driven by a scripted
 * replay (protocol test), keeps the spec, draws from the last query only, and corrects a spec with inline data.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentMemory } from "../../packages/overtone/src/agent/index.js";
import { writeChart } from "../../packages/overtone/src/cli/data-agent-cli.js";
import { openSandbox, type QueryResult, type Sandbox } from "../../packages/overtone/src/data/index.js";
import {
  chartFormat,
  checkChartSpec,
  DataAgent,
  type DataAnswer,
  renderChart,
} from "../../packages/overtone/src/data-agent/index.js";
import { type DataDir, makeDataDir } from "../data/data-files.js";
import { chartCall, finalAnswer, queryCall, ReplayBackend } from "./replay-backend.js";

const BAR = {
  title: "Total per country",
  mark: "bar",
  encoding: {
    x: { field: "country", type: "nominal" },
    y: { field: "total", type: "quantitative" },
  },
};

let data: DataDir;
let sandbox: Sandbox;
let totals: QueryResult;

beforeAll(async () => {
  data = await makeDataDir();
  sandbox = await openSandbox([data.sales], { timeoutMs: 60_000 });
  totals = await sandbox.query("SELECT country, sum(amount) AS total FROM sales GROUP BY country ORDER BY 1");
});
afterAll(() => {
  sandbox?.close();
  data?.remove();
});

describe("renderChart", () => {
  it("draws SVG with one bar per row", async () => {
    const svg = (await renderChart(BAR, totals, "svg")) as string;
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('class="mark-rect role-mark marks"');
    expect(svg.match(/<path aria-label="country: /g)).toHaveLength(3);
    expect(svg).toContain("Germany");
  });

  it("draws PNG and HTML", async () => {
    const png = (await renderChart(BAR, totals, "png")) as Uint8Array;
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(1000);
    const html = (await renderChart(BAR, totals, "html")) as string;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("<title>Total per country</title>");
    expect(html).toContain("mark-rect");
  });

  it("refuses data in the spec, and specs that do not compile", async () => {
    await expect(
      checkChartSpec({ ...BAR, data: { values: [{ country: "X", total: 1e9 }] } }, totals),
    ).rejects.toThrow(/must not carry "data"/);
    await expect(checkChartSpec("bar", totals)).rejects.toThrow(/JSON object/);
    await expect(checkChartSpec({ mark: "no-such-mark" }, totals)).rejects.toThrow();
  });

  it("picks the format by extension", () => {
    expect(chartFormat("a.SVG")).toBe("svg");
    expect(chartFormat("a.png")).toBe("png");
    expect(chartFormat("a.htm")).toBe("html");
    expect(() => chartFormat("a.pdf")).toThrow(/\.svg, \.png or \.html/);
  });
});

describe("the chart tool (scripted replay, real DuckDB)", () => {
  const agentOn = (outputs: string[]) => {
    const backend = new ReplayBackend(outputs);
    return { backend, agent: new DataAgent({ backend, sandbox, memory: new AgentMemory(), date: false }) };
  };
  const totalsSql = "SELECT country, sum(amount) AS total FROM sales GROUP BY country ORDER BY 1";

  it("keeps the spec and draws it from the last query's rows", async () => {
    const { backend, agent } = agentOn([
      queryCall(totalsSql),
      chartCall(BAR),
      finalAnswer("Here is the chart."),
    ]);
    const answer = await agent.ask("Plot the total per country");
    expect(backend.requests[0]?.tools?.map((t) => t.name)).toEqual(["query", "chart"]);
    expect(answer.chart).toEqual(BAR);
    expect(answer.corrections).toBe(0);
    const svg = (await renderChart(answer.chart ?? {}, answer.result as QueryResult, "svg")) as string;
    expect(svg.match(/<path aria-label="country: /g)).toHaveLength(3);
  });

  it("writes the chart file --chart-out names (the CLI's writer), or says none was drawn", async () => {
    const { agent } = agentOn([queryCall(totalsSql), chartCall(BAR), finalAnswer("Here is the chart.")]);
    const answer = await agent.ask("Plot the total per country");
    const png = join(data.dir, "totals.png");
    const html = join(data.dir, "totals.html");
    await writeChart(answer, png);
    await writeChart(answer, html);
    expect([...readFileSync(png).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(readFileSync(html, "utf8")).toContain("<svg");
    const none = join(data.dir, "none.svg");
    await writeChart({ ...answer, chart: undefined } as DataAnswer, none);
    expect(existsSync(none)).toBe(false);
  });

  it("corrects a spec with inline data, and a chart before any query", async () => {
    const { agent } = agentOn([
      chartCall(BAR), // scripted: no query yet
      queryCall(totalsSql),
      chartCall({ ...BAR, data: { values: [{ country: "France", total: 99 }] } }), // scripted: invented data
      chartCall(BAR),
      finalAnswer("Here is the chart."),
    ]);
    const answer = await agent.ask("Plot the total per country");
    expect(answer.steps.map((s) => `${s.tool}:${s.error?.kind ?? "ok"}`)).toEqual([
      "chart:chart",
      "query:ok",
      "chart:chart",
      "chart:ok",
    ]);
    expect(answer.chart).toEqual(BAR);
  });
});
