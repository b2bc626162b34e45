/**
 * The one layering rule that is not an import: only packages/overtone/src/net/http.ts may use the global
 * `fetch` (every request then gets its timeouts, abort and error mapping). dependency-cruiser sees imports, not
 * calls, and biome's noRestrictedGlobals both flags `typeof fetch` in types and misses `globalThis.fetch`, so
 * this reads the syntax tree itself. It has no scope analysis: a local binding named `fetch` counts as the
 * global (rename it), which errs on the safe side. Tests are exempt (they talk to servers they start).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

export const FETCH_RULE = "fetch-only-in-net";
export const FETCH_MODULE = "packages/overtone/src/net/http.ts";

/** Where the global may be reached from without naming it. */
const GLOBAL_OBJECTS = new Set(["globalThis", "window", "self", "global"]);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const EXEMPT = /(^|\/)(node_modules|dist)\/|\.test\.ts$|\.d\.ts$/;
const MAY_NAME_FETCH = /fetch|\\[ux0-7]/;

export interface FetchReference {
  file: string;
  line: number;
  column: number;
  text: string;
}

/** The files the rule covers, relative to `root`: package sources and bins, bench/, scripts/. */
export function filesToCheck(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(join(root, dir), { recursive: true }) as string[];
    } catch {
      return; // a tree without bench/ or scripts/
    }
    for (const entry of entries) {
      const file = `${dir}/${entry.split("\\").join("/")}`;
      if (SOURCE.test(file) && !EXEMPT.test(file)) files.push(file);
    }
  };
  for (const pkg of readdirSync(join(root, "packages"))) {
    walk(`packages/${pkg}/src`);
    walk(`packages/${pkg}/bin`);
  }
  walk("bench");
  walk("scripts");
  return files.filter((f) => f !== FETCH_MODULE).sort();
}

/** An identifier that names a property or declares a binding is not a use of the global. */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p)) return p.expression === id;
  if (
    (ts.isPropertyAssignment(p) ||
      ts.isPropertySignature(p) ||
      ts.isPropertyDeclaration(p) ||
      ts.isMethodDeclaration(p) ||
      ts.isMethodSignature(p) ||
      ts.isGetAccessor(p) ||
      ts.isSetAccessor(p) ||
      ts.isEnumMember(p) ||
      ts.isVariableDeclaration(p) ||
      ts.isParameter(p) ||
      ts.isFunctionDeclaration(p) ||
      ts.isBindingElement(p) ||
      ts.isImportSpecifier(p) ||
      ts.isExportSpecifier(p)) &&
    p.name === id
  ) {
    return false;
  }
  if (ts.isBindingElement(p) && p.propertyName === id) return false;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false; // a label, not a value
  return true;
}

/** Uses of the global `fetch` in one file's text: `fetch(…)`, `f = fetch`, `globalThis.fetch`, `self["fetch"]`. */
export function fetchReferences(file: string, text: string): FetchReference[] {
  // Parsing is nearly all of the check's time, and most files never spell the name: only those that write
  // `fetch`, or an escape that could spell it (`f\u0065tch`, `"\x66etch"`), are parsed.
  if (!MAY_NAME_FETCH.test(text)) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: FetchReference[] = [];
  const report = (node: ts.Node) => {
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push({ file, line: line + 1, column: character + 1, text: node.getText(source) });
  };
  const onGlobal = (e: ts.Expression) => ts.isIdentifier(e) && GLOBAL_OBJECTS.has(e.text);
  const visit = (node: ts.Node): void => {
    // `typeof fetch` in a type names the function's type; it calls nothing.
    if (ts.isTypeNode(node)) return;
    if (ts.isIdentifier(node) && node.text === "fetch" && isReference(node)) {
      report(node);
    } else if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === "fetch" &&
      onGlobal(node.expression)
    ) {
      report(node);
      return;
    } else if (
      ts.isElementAccessExpression(node) &&
      onGlobal(node.expression) &&
      ts.isStringLiteralLike(node.argumentExpression) &&
      node.argumentExpression.text === "fetch"
    ) {
      report(node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every use of the global `fetch` outside net/http.ts under `root`. */
export function findFetchReferences(root: string): FetchReference[] {
  return filesToCheck(root).flatMap((file) => fetchReferences(file, readFileSync(join(root, file), "utf8")));
}
