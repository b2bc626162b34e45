import { describe, expect, it } from "vitest";
import { compareCodePoints, rustLines, toolsSection } from "./tools-section.js";
import type { ToolNamespaceConfig } from "./types.js";

describe("rustLines (Rust str::lines)", () => {
  it("splits on \\n, drops one \\r before it and the empty line after a final \\n", () => {
    expect(rustLines("")).toEqual([]);
    expect(rustLines("\n")).toEqual([""]);
    expect(rustLines("a")).toEqual(["a"]);
    expect(rustLines("a\n")).toEqual(["a"]);
    expect(rustLines("a\n\n")).toEqual(["a", ""]);
    expect(rustLines("a\r\nb\r\n")).toEqual(["a", "b"]);
    expect(rustLines("a\n\nb")).toEqual(["a", "", "b"]);
    expect(rustLines("a\r\r\nb")).toEqual(["a\r", "b"]);
    expect(rustLines("a\rb\r")).toEqual(["a\rb\r"]);
  });
});

describe("compareCodePoints (Rust String order)", () => {
  it("orders astral characters after every BMP character", () => {
    expect(["\u{1F600}", "\uFF5E", "b", "a", "ab"].sort(compareCodePoints)).toEqual([
      "a",
      "ab",
      "b",
      "\uFF5E",
      "\u{1F600}",
    ]);
  });
});

const ns = (name: string, tools: ToolNamespaceConfig["tools"], description?: string): ToolNamespaceConfig =>
  description === undefined ? { name, tools } : { name, tools, description };

describe("toolsSection", () => {
  it("writes a namespace without tools as plain prose, keeping blank lines", () => {
    expect(toolsSection({ python: ns("python", [], "Para one.\n\nPara two.\n") })).toBe(
      "# Tools\n\n## python\n\nPara one.\n\nPara two.",
    );
    expect(toolsSection({ bare: ns("bare", []) })).toBe("# Tools\n\n## bare\n");
  });

  it("comments a namespace description when it has tools, blank lines as '// '", () => {
    const section = toolsSection({
      fns: ns("fns", [{ name: "go", description: "" }], "First.\n\nThird."),
    });
    expect(section).toBe(
      "# Tools\n\n## fns\n\n// First.\n// \n// Third.\nnamespace fns {\n\ntype go = () => any;\n\n} // namespace fns",
    );
  });

  it("renders tools with their comment lines, parameters or () => any, a blank line between tools", () => {
    const section = toolsSection({
      functions: ns("functions", [
        { name: "a", description: "Line 1\nLine 2" },
        { name: "b", description: "B", parameters: { type: "object", properties: {} } },
        { name: "c", description: "C", parameters: null },
        { name: "d", description: "D", parameters: { type: "string" } },
      ]),
    });
    expect(section).toBe(
      [
        "# Tools",
        "",
        "## functions",
        "",
        "namespace functions {",
        "",
        "// Line 1",
        "// Line 2",
        "type a = () => any;",
        "",
        "// B",
        "type b = (_: {",
        "}) => any;",
        "",
        "// C",
        "type c = () => any;",
        "",
        "// D",
        "type d = (_: string) => any;",
        "",
        "} // namespace functions",
      ].join("\n"),
    );
  });

  it("orders namespaces by key (not by name), in code-point order, joined by blank lines", () => {
    const section = toolsSection({
      z: ns("alpha", []),
      "\u{1F600}": ns("emoji", []),
      "\uFF5E": ns("tilde", []),
      a: ns("zeta", []),
    });
    expect(section).toBe("# Tools\n\n## zeta\n\n\n## alpha\n\n\n## tilde\n\n\n## emoji\n");
  });
});
