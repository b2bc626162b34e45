/**
 * The HTML report opened as a person would open it, offline: headless Chromium (Debian's package) renders it with
 * no console error, the page requests nothing but itself (a dead proxy would also fail any network request), its
 * text names no http(s) resource in a src or href and carries no script, its four charts are inline SVG with
 * marks, and the full-page screenshot is a picture (decoded PNG: many colours, not a blank page).
 * The control page, which loads a remote image and logs an error, must be caught by the same checks.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchReport, benchReportHtml } from "../../packages/overtone/src/bench/index.js";
import { writeFileAtomically } from "../../packages/overtone/src/cli/io.js";
import { visitPage } from "./chromium-page.js";
import { colourStats, decodePng } from "./png-pixels.js";
import { jsonl, ladderCalls, runsDir } from "./sample-calls.js";

const dirs = runsDir();
let page: string;

beforeAll(async () => {
  const models = [
    { name: "tiny-llama", paramsB: 0.5 },
    { name: "toy-gpt-oss", paramsB: 1.5 },
    { name: "gpt-oss-medium <b>", paramsB: 4 },
  ];
  const calls = [
    ...ladderCalls({
      models,
      suites: ["diagnose", "brainstorm", "judge"],
      devices: ["box"],
      repetitions: 5,
      seed: 4,
    }),
  ];
  for (const [i, call] of calls.entries()) call.human.rating = (i % 5) + 1;
  const run = dirs.run("run", jsonl(calls));
  page = join(dirs.root, "report.html");
  await writeFileAtomically(page, await benchReportHtml(await benchReport([run])), "the test page");
});
afterAll(() => dirs.remove());

function remoteReferences(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//gi)].map((m) => m[0]);
}

describe("the HTML report in headless Chromium", () => {
  it("is one self-contained file: no script, no remote src/href, text escaped, charts inline", () => {
    const html = readFileSync(page, "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script/i);
    expect(remoteReferences(html)).toEqual([]);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain("gpt-oss-medium &#60;b&#62;");
    expect(html.match(/<svg\b/g)).toHaveLength(4);
  });

  it("renders with no console error, no request but the page, and a non-blank screenshot", async () => {
    const visit = await visitPage(page, [
      "document.querySelectorAll('figure svg').length",
      "document.querySelectorAll('svg path, svg line, svg rect').length",
      "document.querySelectorAll('table tr').length",
      "document.body.scrollHeight",
    ]);
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.requests.filter((url) => !url.startsWith("file://"))).toEqual([]);
    const [charts, marks, rows, height] = visit.probes as number[];
    expect(charts).toBe(4);
    expect(marks).toBeGreaterThan(40);
    expect(rows).toBeGreaterThan(9);
    expect(height).toBeGreaterThan(1500);
    const pixels = decodePng(visit.screenshot);
    expect(pixels.height).toBeGreaterThan(1500);
    const { colours, nonBackground } = colourStats(pixels);
    expect(colours).toBeGreaterThan(50);
    expect(nonBackground).toBeGreaterThan(0.03);
  }, 90_000);

  it("the same checks catch a page that calls the network and logs an error (the control)", async () => {
    const control = join(dirs.root, "control.html");
    const html =
      '<!doctype html><html><body><img src="http://example.invalid/x.png"><p>hi</p>' +
      '<script>console.error("broken")</script></body></html>';
    writeFileSync(control, html);
    expect(remoteReferences(html)).toHaveLength(1);
    const visit = await visitPage(control);
    expect(visit.requests).toContain("http://example.invalid/x.png");
    expect(visit.consoleErrors.join("\n")).toContain("broken");
    expect(colourStats(decodePng(visit.screenshot)).colours).toBeGreaterThan(1);
  }, 90_000);
});
