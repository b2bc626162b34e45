/**
 * The public API of every workspace entry point is recorded in packages/<pkg>/api/*.api.md, and this test fails
 * when the sources' surface differs from it, so a change to a public name or signature is made on purpose
 * (`npm run api:report`, then commit the reports). The check over the repository takes 10–15 s (one
 * declaration emit of every package).
 *
 * The rest proves the check catches what it exists to catch, on a two-package workspace in a temp dir: a
 * parameter added to a function re-exported across files and packages, a field changed in a type the API uses
 * without exporting it, an export added and one removed; each is named in the message, which says how to accept it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkReports, generateReports, writeReports } from "../../scripts/api-report/reports.js";

const repository = fileURLToPath(new URL("../..", import.meta.url));
let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function manifest(name: string): string {
  return JSON.stringify({
    name,
    type: "module",
    exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
  });
}

const GREET = `
interface Style { loud: boolean }
/** Says hello. */
export function greet(name: string, style?: Style): string {
  return style?.loud ? name.toUpperCase() : name;
}
export const VERSION = 1;
`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "api-report-"));
  write(
    "package.json",
    JSON.stringify({ private: true, type: "module", workspaces: ["packages/a", "packages/b"] }),
  );
  write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        types: [],
        noEmit: true,
        paths: { "@fx/a": ["./packages/a/src/index.ts"], "@fx/b": ["./packages/b/src/index.ts"] },
      },
      include: ["packages/*/src"],
    }),
  );
  write("packages/a/package.json", manifest("@fx/a"));
  write("packages/a/src/index.ts", 'export { greet, VERSION } from "./greet.js";\n');
  write("packages/a/src/greet.ts", GREET);
  write("packages/b/package.json", manifest("@fx/b"));
  write("packages/b/src/index.ts", 'export { greet as hello } from "@fx/a";\nexport * as a from "@fx/a";\n');
  writeReports(root, generateReports(root));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("API reports of the repository", () => {
  it("match the public surface of every workspace entry point", () => {
    const reports = generateReports(repository);
    expect(reports.size).toBeGreaterThan(0);
    const message = checkReports(repository, reports);
    // The message names each changed export and says how to accept the change.
    if (message !== "") expect.fail(message);
  });
});

describe("API report check, on a fixture workspace", () => {
  it("passes on the reports it just wrote, which list each export with its signature", () => {
    expect(checkReports(root, generateReports(root))).toBe("");
    const a = readFileSync(join(root, "packages/a/api/index.api.md"), "utf8");
    expect(a).toContain("// greet: function\nfunction greet(name: string, style?: Style): string;");
    expect(a).toContain("// Style: interface, from packages/a/src/greet.ts");
    const b = readFileSync(join(root, "packages/b/api/index.api.md"), "utf8");
    expect(b).toContain("// hello: function\nfunction greet(name: string, style?: Style): string;");
    // A whole entry re-exported as a namespace points to that entry's report instead of repeating it.
    expect(b).toContain('// a: namespace\nexport * as a from "@fx/a"; // see packages/a/api/index.api.md');
  });

  it("fails naming the function when a re-exported function's parameters change", () => {
    write("packages/a/src/greet.ts", GREET.replace("name: string,", "name: string, times: number,"));
    const message = checkReports(root, generateReports(root));
    expect(message).toContain("packages/a/api/index.api.md:\n  changed greet: function");
    expect(message).toContain("- function greet(name: string, style?: Style): string;");
    expect(message).toContain("+ function greet(name: string, times: number, style?: Style): string;");
    expect(message).toContain("packages/b/api/index.api.md:\n  changed hello: function");
    expect(message).toContain("run `npm run api:report`");
  });

  it("fails when an unexported type the API uses changes", () => {
    write("packages/a/src/greet.ts", GREET.replace("loud: boolean", "loud: number"));
    const message = checkReports(root, generateReports(root));
    expect(message).toContain("changed Style: interface, from packages/a/src/greet.ts (an unexported type");
    expect(message).toContain("+     loud: number;");
  });

  it("fails when an export is added or removed, and passes again once the reports are regenerated", () => {
    write(
      "packages/a/src/greet.ts",
      `${GREET.replace("export const VERSION = 1;", "")}export type Name = string;\n`,
    );
    write("packages/a/src/index.ts", 'export { greet, type Name } from "./greet.js";\n');
    const reports = generateReports(root);
    const message = checkReports(root, reports);
    expect(message).toContain("added Name: type");
    expect(message).toContain("removed VERSION: const");
    writeReports(root, reports);
    expect(checkReports(root, generateReports(root))).toBe("");
  });
});
