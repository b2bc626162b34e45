/**
 * Generating every entry's report, writing them (atomically, stale ones removed) and checking the committed ones
 * against the sources. The CLI (scripts/api-report.ts) and the tests (test/api/) both call these.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describeChanges } from "./compare.js";
import { emitDeclarations } from "./declarations.js";
import { workspaceEntries } from "./entries.js";
import { formatReport } from "./report-format.js";
import { surfaceOf } from "./surface.js";

/** Every report the sources under `root` give, keyed by its path relative to `root`. */
export function generateReports(root: string): Map<string, string> {
  const entries = workspaceEntries(root);
  const decls = emitDeclarations(
    root,
    join(root, "tsconfig.json"),
    entries.map((e) => e.source),
  );
  const entryReports = new Map(
    entries.map((e) => [
      decls.declarationOf(e.source).fileName,
      { specifier: e.specifier, report: e.report },
    ]),
  );
  const reports = new Map<string, string>();
  for (const entry of entries) {
    reports.set(
      entry.report,
      formatReport(entry, surfaceOf(decls, decls.declarationOf(entry.source), entryReports)),
    );
  }
  return reports;
}

/** The report files present under each package's api/ folder, relative to `root`. */
function committedReports(root: string): string[] {
  const found: string[] = [];
  const workspaces = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces ??
    []) as string[];
  for (const workspace of workspaces) {
    const dir = join(root, workspace, "api");
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir))
      if (file.endsWith(".api.md")) found.push(join(workspace, "api", file));
  }
  return found;
}

/** Writes the reports (temp file + rename each) and deletes those of entries that no longer exist. */
export function writeReports(
  root: string,
  reports: Map<string, string>,
): { written: string[]; removed: string[] } {
  const written: string[] = [];
  for (const [path, text] of reports) {
    const target = join(root, path);
    if (existsSync(target) && readFileSync(target, "utf8") === text) continue;
    mkdirSync(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, target);
    written.push(path);
  }
  const removed = committedReports(root).filter((path) => !reports.has(path));
  for (const path of removed) rmSync(join(root, path));
  return { written, removed };
}

/** The differences between the committed reports and the sources, as one message; empty when they agree. */
export function checkReports(root: string, reports: Map<string, string>): string {
  const problems: string[] = [];
  for (const [path, fresh] of reports) {
    const target = join(root, path);
    if (!existsSync(target)) {
      problems.push(`${path}: missing (a new entry point?)`);
      continue;
    }
    const changes = describeChanges(readFileSync(target, "utf8"), fresh);
    if (changes.length > 0) problems.push(`${path}:`, ...changes.map((c) => `  ${c}`));
  }
  for (const path of committedReports(root)) {
    if (!reports.has(path)) problems.push(`${path}: its entry point is gone from package.json "exports"`);
  }
  if (problems.length === 0) return "";
  return [
    "The public API differs from its committed report:",
    ...problems,
    "If this change is intended, run `npm run api:report` and commit the updated reports;",
    "if not, change the sources back (or stop exporting what should stay internal).",
  ].join("\n");
}
