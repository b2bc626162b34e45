/**
 * The fetch check (scripts/fetch-references.ts) on small sources: every way of reaching the global `fetch` is
 * reported, while the names that only look like it (a property called fetch, `typeof fetch` in a type) are not.
 */
import { describe, expect, it } from "vitest";
import { FETCH_MODULE, fetchReferences, filesToCheck } from "../../scripts/fetch-references.js";

const found = (text: string) => fetchReferences("x.ts", text).map((r) => `${r.line}:${r.column} ${r.text}`);

describe("fetchReferences", () => {
  it("reports calls and aliases of the global fetch", () => {
    expect(found("await fetch(url);")).toEqual(["1:7 fetch"]);
    expect(found("const f = fetch;")).toEqual(["1:11 fetch"]);
    expect(found("request({ fetch });")).toEqual(["1:11 fetch"]);
    expect(found("fetch.call(null, url);")).toEqual(["1:1 fetch"]);
    expect(found("const f = options.fetch ?? globalThis.fetch;")).toEqual(["1:28 globalThis.fetch"]);
    expect(found('self["fetch"](url);\nwindow.fetch(url);')).toEqual([
      '1:1 self["fetch"]',
      "2:1 window.fetch",
    ]);
  });

  it("ignores properties, declarations and types named fetch", () => {
    const text = [
      "interface O { fetch?: typeof fetch }",
      "type F = typeof globalThis.fetch;",
      "const o = { fetch: options.fetch, other: 1 };",
      "const { fetch: f } = o;",
      "class C { fetch() {} }",
      "client.fetch(url);",
      "// fetch(url) in a comment",
      'const s = "fetch(url)";',
    ].join("\n");
    expect(found(text)).toEqual([]);
  });

  it("counts a local binding named fetch as the global (the check has no scopes)", () => {
    expect(found("function get(fetch: F) { return fetch(url); }")).toEqual(["1:33 fetch"]);
  });

  it("covers package sources, bench/ and scripts/, but not net/http.ts or tests", () => {
    const files = filesToCheck(".");
    expect(files).toContain("packages/overtone/src/engine/models/download.ts");
    expect(files).toContain("scripts/check-layers.ts");
    expect(files.some((f) => f.startsWith("bench/"))).toBe(true);
    expect(files).not.toContain(FETCH_MODULE);
    expect(files.filter((f) => f.endsWith(".test.ts") || f.startsWith("test/"))).toEqual([]);
  });
});
