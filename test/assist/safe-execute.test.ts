/**
 * Safe execute refuses every dangerous or tricky command of dangerous-commands.ts with its reason, and runs none
 * of them — proved, not assumed: every binary any of them names (rm, sudo, curl, sh, touch… and the allowlisted
 * ping, ip, cat, date…) is a recording fake placed first both in PATH and in the directories safe execute looks
 * in, each fake writing to a log and creating a canary when run; after all the refusals the log is empty and no
 * canary exists. A positive control shows the fakes do record when something does run. The harmless commands
 * run for real and return their output; the timeout kills, the output cap cuts and says so, and the command's
 * environment holds nothing of the service's.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALLOWLIST, READABLE_FILES } from "../../packages/overtone/src/assist/command-allowlist.js";
import { tokenizeCommand } from "../../packages/overtone/src/assist/command-tokenizer.js";
import { SYSTEM_BIN_DIRS, safeExecute } from "../../packages/overtone/src/assist/safe-execute.js";
import { DANGEROUS, HARMLESS } from "./dangerous-commands.js";

let dir: string;
let fakes: string;
let log: string;
let canary: string;
let savedPath: string | undefined;

const FAKE_NAMES = [
  ...new Set([
    ...DANGEROUS.map(([command]) => command.trim().split(/\s+/)[0] ?? "").filter((name) =>
      /^[a-z0-9.]+$/.test(name),
    ),
    ...[
      "sh",
      "bash",
      "rm",
      "touch",
      "sudo",
      "ping",
      "ip",
      "cat",
      "uname",
      "date",
      "dig",
      "nslookup",
      "nmcli",
      "ss",
    ],
  ]),
];

function fake(name: string, body = ""): void {
  const file = join(fakes, name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> '${log}'\n: > '${canary}-${name}'\n${body}\n`);
  chmodSync(file, 0o755);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "overtone-safe-exec-"));
  fakes = join(dir, "bin");
  log = join(dir, "calls.log");
  canary = join(dir, "canary");
  mkdirSync(fakes);
  for (const name of FAKE_NAMES) fake(name);
  savedPath = process.env.PATH;
  process.env.PATH = `${fakes}:${savedPath ?? ""}`;
});
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(dir, { force: true, recursive: true });
});

const withCanary = (command: string) => command.replaceAll("CANARY", canary);

describe("safe execute refuses dangerous and tricky commands", () => {
  it(`has at least 40 of them`, () => {
    expect(DANGEROUS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(DANGEROUS)("refuses %j: %s", async (command, reason) => {
    const result = await safeExecute(withCanary(command), { binDirs: [fakes, ...SYSTEM_BIN_DIRS] });
    expect(result.executed).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.stdout + result.stderr).toBe("");
    expect(result.reason).toMatch(/^refused: /);
    expect(result.reason).toContain(reason);
  });

  it("ran nothing: no fake binary was called and no canary exists", () => {
    expect(existsSync(log) ? readFileSync(log, "utf8") : "").toBe("");
    for (const name of FAKE_NAMES) expect(existsSync(`${canary}-${name}`)).toBe(false);
    expect(existsSync(canary)).toBe(false);
  });

  it("the fakes record when something does run (the control for the test above)", async () => {
    const result = await safeExecute("uname -a", { binDirs: [fakes] });
    expect(result.executed).toBe(true);
    expect(readFileSync(log, "utf8")).toBe("uname -a\n");
    expect(existsSync(`${canary}-uname`)).toBe(true);
    rmSync(log);
    rmSync(`${canary}-uname`);
  });
});

describe("safe execute runs harmless commands", () => {
  it.each(HARMLESS)("runs %j and returns its output", async (command, output) => {
    const result = await safeExecute(command);
    expect(result.executed).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(output);
    expect(result.reason).toMatch(/^allowed: /);
    expect(result.truncated).toBeUndefined();
  });

  it("finds binaries in the system directories only, not through PATH", async () => {
    const result = await safeExecute("uname -s");
    expect(result.stdout).toBe("Linux\n");
    expect(existsSync(log)).toBe(false);
  });

  it("says an allowed command that is not installed was not run", async () => {
    const result = await safeExecute("ping -c 1 127.0.0.1", { binDirs: [join(dir, "empty")] });
    expect(result).toMatchObject({ executed: false, exitCode: null });
    expect(result.reason).toContain("ping is allowed but not installed here");
  });

  it("cuts output at the cap and says so", async () => {
    const result = await safeExecute("cat /proc/cpuinfo", { outputCapBytes: 100 });
    expect(result.executed).toBe(true);
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(100);
    expect(result.reason).toContain("output cut at 100 bytes");
  });

  it("kills a command that outlives the time limit", async () => {
    fake("uptime", "exec /usr/bin/sleep 5");
    const result = await safeExecute("uptime", { binDirs: [fakes], timeoutMs: 200 });
    expect(result).toMatchObject({ executed: true, exitCode: null, timedOut: true });
    expect(result.reason).toContain("killed after 0.2 s");
    rmSync(log, { force: true });
    rmSync(`${canary}-uptime`, { force: true });
  });

  it("runs the command in a minimal environment", async () => {
    process.env.OVERTONE_SECRET_FOR_TEST = "must-not-leak";
    fake("whoami", "exec /usr/bin/env");
    const result = await safeExecute("whoami", { binDirs: [fakes] });
    delete process.env.OVERTONE_SECRET_FOR_TEST;
    const names = result.stdout
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => line.slice(0, line.indexOf("=")));
    expect(names.filter((name) => name !== "PWD" && name !== "SHLVL" && name !== "_").sort()).toEqual([
      "LANG",
      "LC_ALL",
      "PATH",
    ]);
    expect(result.stdout).not.toContain("must-not-leak");
  });
});

describe("the tokenizer", () => {
  it.each([
    [`nslookup "example.com"  '1.1.1.1'`, ["nslookup", "example.com", "1.1.1.1"]],
    ["uname\t-a", ["uname", "-a"]],
    [`"ip" addr`, ["ip", "addr"]],
    [`ip ad"dr"`, ["ip", "addr"]],
    [`cat "it's"`, ["cat", "it's"]],
    [`ping -c 1 'a b'`, ["ping", "-c", "1", "a b"]],
  ])("splits %j into words as a shell would, quotes only grouping", (command, argv) => {
    expect(tokenizeCommand(command)).toEqual({ ok: true, argv });
  });
});

describe("docs/assist.md", () => {
  it("lists every allowlisted command and every file cat may show", () => {
    const docs = readFileSync(new URL("../../docs/assist.md", import.meta.url), "utf8");
    for (const name of Object.keys(ALLOWLIST)) expect(docs).toContain(`| \`${name}\``);
    for (const file of READABLE_FILES) expect(docs).toContain(`\`${file}\``);
  });
});
