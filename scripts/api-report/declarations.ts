/**
 * The declarations `tsc` would emit for the entry points, produced in memory from the sources and loaded as a
 * second program whose checker resolves re-exports across files and packages.
 *
 * Why sources (through the root tsconfig's `paths`) and not the built dist/*.d.ts: the report can never be stale
 * (no build needed first, nothing read from a dist/ another process may be rewriting), it writes nothing, and it
 * still shows exactly what a consumer sees, because the text is the compiler's own declaration emit (inferred
 * return types written out, bodies gone), the same text `tsc -b` puts in dist/.
 */
import { dirname, join, relative } from "node:path";
import ts from "typescript";

export interface Declarations {
  readonly checker: ts.TypeChecker;
  /** The emitted declaration file of a source file, as loaded in the declaration program. */
  declarationOf(source: string): ts.SourceFile;
  /** Whether a declaration file was emitted from the workspace's sources (not a library's). */
  isWorkspaceFile(file: ts.SourceFile): boolean;
  /** The source a workspace declaration file was emitted from, relative to the root (for the report). */
  sourceOf(file: ts.SourceFile): string;
}

function failOn(diagnostics: readonly ts.Diagnostic[], what: string): void {
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return;
  const text = ts.formatDiagnostics(errors, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  });
  throw new Error(`${what}:\n${text}Fix these first.`);
}

/** Emits the declarations of `sources` (and everything they reach) with the options of `tsconfigPath`. */
export function emitDeclarations(
  root: string,
  tsconfigPath: string,
  sources: readonly string[],
): Declarations {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfigPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => failOn([d], `Cannot read ${tsconfigPath}`),
    },
  );
  if (parsed === undefined) throw new Error(`Cannot read ${tsconfigPath}`);
  // A folder that never exists on disk: emitted files live in `emitted` only.
  const virtualRoot = join(root, "__api-report-declarations__");
  const emitOptions: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    outDir: virtualRoot,
    rootDir: root,
  };
  const sourceProgram = ts.createProgram({ rootNames: sources, options: emitOptions });
  const emitted = new Map<string, string>();
  const result = sourceProgram.emit(undefined, (file, text) => {
    if (file.endsWith(".d.ts")) emitted.set(file, text);
  });
  // Only what stops declaration emit: type errors elsewhere are the type-check's to report (npm run typecheck).
  failOn(result.diagnostics, "The declarations cannot be emitted");

  const toDeclaration = (source: string) =>
    join(virtualRoot, relative(root, source)).replace(/\.([cm]?)ts$/, ".d.$1ts");
  // The same `paths` as the sources', pointing at the emitted files instead.
  const paths: ts.MapLike<string[]> = {};
  const base = parsed.options.pathsBasePath as string | undefined;
  for (const [name, targets] of Object.entries(parsed.options.paths ?? {})) {
    paths[name] = targets.map((t) => toDeclaration(join(base ?? dirname(tsconfigPath), t)));
  }
  const options: ts.CompilerOptions = {
    ...parsed.options,
    paths,
    noEmit: true,
    skipLibCheck: true,
    composite: false,
    incremental: false,
  };
  const host = ts.createCompilerHost(options);
  const inVirtual = (f: string) => f.startsWith(`${virtualRoot}/`);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (f) => emitted.has(f) || (!inVirtual(f) && fileExists.call(host, f));
  host.readFile = (f) => emitted.get(f) ?? (inVirtual(f) ? undefined : readFile.call(host, f));
  host.directoryExists = (d) =>
    [...emitted.keys()].some((f) => f.startsWith(`${d}/`)) ||
    (!inVirtual(d) && (directoryExists?.call(host, d) ?? true));
  host.getSourceFile = (f, language, onError, create) => {
    const text = emitted.get(f);
    if (text !== undefined) return ts.createSourceFile(f, text, language, true);
    return inVirtual(f) ? undefined : getSourceFile.call(host, f, language, onError, create);
  };
  const program = ts.createProgram({ rootNames: sources.map(toDeclaration), options, host });

  return {
    checker: program.getTypeChecker(),
    declarationOf(source) {
      const file = program.getSourceFile(toDeclaration(source));
      if (file === undefined) throw new Error(`No declarations were emitted for ${source}`);
      return file;
    },
    isWorkspaceFile: (file) => emitted.has(file.fileName),
    sourceOf: (file) => relative(virtualRoot, file.fileName).replace(/\.d\.([cm]?)ts$/, ".$1ts"),
  };
}
