/**
 * One entry point's public surface: every exported name (re-exports followed to the declaration they name, across
 * files and packages) with its kind and declared text, plus the workspace types that text refers to but the entry
 * does not export. Those are listed too because a consumer meets them in signatures: changing one changes the
 * API as surely as changing an exported type (api-extractor calls them "forgotten exports").
 */
import ts from "typescript";
import type { Declarations } from "./declarations.js";

export interface Block {
  /** The exported name (or, for an unexported type, its declared name). */
  readonly name: string;
  /** function, class, interface, type, enum, namespace, const, let or var; merged declarations joined by " + ". */
  readonly kind: string;
  /** For an unexported type: the source file it is declared in, relative to the root. */
  readonly from?: string;
  /** The declaration(s) as emitted in the .d.ts, comments and export/declare modifiers removed. */
  readonly text: string;
}

export interface Surface {
  readonly exports: Block[];
  readonly unexported: Block[];
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
const DROPPED = new Set([
  ts.SyntaxKind.ExportKeyword,
  ts.SyntaxKind.DeclareKeyword,
  ts.SyntaxKind.DefaultKeyword,
]);

function kindOf(node: ts.Node): string {
  if (ts.isVariableDeclaration(node)) {
    const flags = node.parent.flags;
    return flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
  }
  if (ts.isFunctionDeclaration(node)) return "function";
  if (ts.isClassDeclaration(node)) return "class";
  if (ts.isInterfaceDeclaration(node)) return "interface";
  if (ts.isTypeAliasDeclaration(node)) return "type";
  if (ts.isEnumDeclaration(node)) return "enum";
  if (ts.isModuleDeclaration(node) || ts.isSourceFile(node)) return "namespace";
  return ts.SyntaxKind[node.kind];
}

function print(node: ts.Node): string {
  const file = node.getSourceFile();
  if (ts.isVariableDeclaration(node)) {
    return `${kindOf(node)} ${printer.printNode(ts.EmitHint.Unspecified, node, file)};`;
  }
  const bare = ts.canHaveModifiers(node)
    ? ts.factory.replaceModifiers(
        node,
        (ts.getModifiers(node) ?? []).filter((m) => !DROPPED.has(m.kind)),
      )
    : node;
  return printer.printNode(ts.EmitHint.Unspecified, bare, file);
}

function declarationsOf(symbol: ts.Symbol): ts.Declaration[] {
  return [...(symbol.declarations ?? [])].sort(
    (a, b) =>
      a.getSourceFile().fileName.localeCompare(b.getSourceFile().fileName, "en") ||
      a.getStart() - b.getStart(),
  );
}

const byName = (a: Block, b: Block) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : (a.from ?? "") < (b.from ?? "") ? -1 : 1;

/**
 * The surface of the module in `file`. `entryReports` maps the declaration file of every entry point to its
 * report, so `export * as x from "<another entry>"` points there instead of repeating that entry's surface.
 */
export function surfaceOf(
  decls: Declarations,
  file: ts.SourceFile,
  entryReports: Map<string, { specifier: string; report: string }>,
): Surface {
  const { checker } = decls;
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (moduleSymbol === undefined) return { exports: [], unexported: [] };
  const exported = checker
    .getExportsOfModule(moduleSymbol)
    .map((s) => ({ name: s.getName(), target: resolve(s) }));
  const exportedTargets = new Set(exported.map((e) => e.target));
  const pending: ts.Symbol[] = [];
  const seen = new Set<ts.Symbol>();

  /** Queues the workspace symbols `node`'s types and heritage clauses name that the entry does not export. */
  const collect = (node: ts.Node): void => {
    let name: ts.Node | undefined;
    if (ts.isTypeReferenceNode(node)) name = node.typeName;
    else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
    else if (ts.isTypeQueryNode(node)) name = node.exprName;
    else if (ts.isImportTypeNode(node)) name = node.qualifier;
    const found = name === undefined ? undefined : checker.getSymbolAtLocation(name);
    let symbol = found === undefined ? undefined : resolve(found);
    // `Enum.Member` names the enum; `ns.Type` names the type.
    if (symbol !== undefined && symbol.flags & ts.SymbolFlags.EnumMember && name !== undefined) {
      const left = ts.isQualifiedName(name)
        ? name.left
        : ts.isPropertyAccessExpression(name)
          ? name.expression
          : name;
      const enumSymbol = checker.getSymbolAtLocation(left);
      symbol = enumSymbol === undefined ? undefined : resolve(enumSymbol);
    }
    if (
      symbol !== undefined &&
      !(symbol.flags & ts.SymbolFlags.TypeParameter) &&
      !exportedTargets.has(symbol) &&
      !seen.has(symbol) &&
      declarationsOf(symbol).some((d) => decls.isWorkspaceFile(d.getSourceFile()) && !ts.isSourceFile(d))
    ) {
      seen.add(symbol);
      pending.push(symbol);
    }
    ts.forEachChild(node, collect);
  };

  const block = (name: string, symbol: ts.Symbol, from?: string): Block => {
    const declarations = declarationsOf(symbol);
    const kind = [...new Set(declarations.map(kindOf))].join(" + ");
    const moduleFile = declarations.find(ts.isSourceFile);
    if (moduleFile !== undefined) {
      const entry = entryReports.get(moduleFile.fileName);
      if (entry !== undefined) {
        return { name, kind, text: `export * as ${name} from "${entry.specifier}"; // see ${entry.report}` };
      }
      // A namespace of an internal module: its members, nested.
      const inner = surfaceOf(decls, moduleFile, entryReports);
      const body = inner.exports.map((b) => `    // ${b.name}: ${b.kind}\n${indent(b.text)}`).join("\n\n");
      return { name, kind, text: `namespace ${name} {\n${body}\n}` };
    }
    for (const d of declarations) collect(d);
    const text = declarations.map(print).join("\n");
    return from === undefined ? { name, kind, text } : { name, kind, from, text };
  };

  const exports = exported.map((e) => block(e.name, e.target)).sort(byName);
  const unexported: Block[] = [];
  for (let symbol = pending.shift(); symbol !== undefined; symbol = pending.shift()) {
    const file = declarationsOf(symbol)[0]?.getSourceFile();
    unexported.push(block(symbol.getName(), symbol, file === undefined ? undefined : decls.sourceOf(file)));
  }
  return { exports, unexported: unexported.sort(byName) };
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
