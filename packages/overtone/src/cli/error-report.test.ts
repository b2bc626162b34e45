import { ConfigError, GgufFormatError, InputError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { errorReport } from "./error-report.js";

function wrapped(): ConfigError {
  const format = new GgufFormatError("tensor count 9999999 is more than the file can hold", {
    offset: 8,
    what: "tensor count",
    found: 9_999_999,
  });
  return new ConfigError("model.gguf: not a readable GGUF", {
    where: "model.gguf",
    hint: "re-download it",
    cause: format,
  });
}

describe("errorReport", () => {
  it("is one line with the hint by default, even when the error wraps others", () => {
    expect(errorReport(wrapped(), { debug: false })).toBe(
      "overtone: model.gguf: not a readable GGUF (re-download it)\n",
    );
    expect(errorReport(new TypeError("x is undefined"), { debug: false })).toBe(
      "overtone: unexpected error: x is undefined\n",
    );
  });

  it("with debug, prints the stack and a cause: line (name, code, message) and frames for each wrapped error", () => {
    const system = Object.assign(new Error("ENOENT: no such file or directory, open 'tools.json'"), {
      code: "ENOENT",
    });
    const inner = wrapped();
    (inner.cause as Error).cause = system;
    const outer = new InputError("--tools: cannot read tools.json", { where: "--tools", cause: inner });
    const lines = errorReport(outer, { debug: true }).trimEnd().split("\n");
    expect(lines[0]).toBe("overtone: --tools: cannot read tools.json");
    expect(lines[1]).toBe("InputError: --tools: cannot read tools.json");
    const causes = lines.filter((line) => line.startsWith("cause: "));
    expect(causes).toEqual([
      "cause: ConfigError [CONFIG]: model.gguf: not a readable GGUF (re-download it)",
      "cause: GgufFormatError [GGUF_FORMAT]: tensor count 9999999 is more than the file can hold",
      "cause: Error [ENOENT]: ENOENT: no such file or directory, open 'tools.json'",
    ]);
    // each cause's own frames follow its line
    const at = lines.indexOf(causes[1] as string);
    expect(lines[at + 1]).toMatch(/^\s+at /);
  });

  it("stops at a cycle and prints a cause that is not an Error", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    a.cause = b;
    const report = errorReport(a, { debug: true });
    expect(report.match(/^cause: /gm)).toHaveLength(1);
    const odd = new Error("outer", { cause: { status: 500 } });
    expect(errorReport(odd, { debug: true })).toContain("cause: { status: 500 }");
  });
});
