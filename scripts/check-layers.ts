/**
 * `npm run lint:layers`: the layering rules of docs/architecture.md, checked. dependency-cruiser checks the
 * imports against .dependency-cruiser.cjs (layers, cycles, package.json, native code, node:* in browser code);
 * fetch-references.ts checks that only net/http.ts uses the global `fetch`. Runs on the current directory,
 * which must hold the config, tsconfig.json and packages/ (the repository root, or a copy of it in a test).
 *
 * dependency-cruiser's API is called instead of its `depcruise` CLI: the CLI refuses to start on Node 20
 * (v18 supports 22+), which this repository still supports; the API has no such check and works here.
 * Exit code: 0 when clean, 1 when a rule is broken (each violation printed with its rule name), 2 on a crash.
 */
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { FETCH_MODULE, FETCH_RULE, findFetchReferences } from "./fetch-references.js";

const CONFIG = "./.dependency-cruiser.cjs";

async function importViolations(): Promise<{ text: string; count: number }> {
  const options = await extractDepcruiseOptions(CONFIG);
  // "err-long": each violation with its rule's comment, which says how to fix it.
  options.outputType = "err-long";
  const tsConfig = extractTSConfig(options.tsConfig?.fileName ?? "tsconfig.json");
  const result = await cruise(["packages"], options, {}, { tsConfig });
  const output = typeof result.output === "string" ? result.output : JSON.stringify(result.output);
  return { text: output, count: result.exitCode };
}

function fetchViolations(): { text: string; count: number } {
  const found = findFetchReferences(".");
  const lines = found.map(
    (r) =>
      `  error ${FETCH_RULE}: ${r.file}:${r.line}:${r.column} \`${r.text}\`\n` +
      `    only ${FETCH_MODULE} uses the global fetch: call the network through it (a local binding named fetch counts too: rename it)`,
  );
  return { text: lines.length > 0 ? `\n${lines.join("\n")}\n` : "", count: found.length };
}

async function main(): Promise<number> {
  const [imports, fetches] = [await importViolations(), fetchViolations()];
  process.stdout.write(imports.text);
  process.stdout.write(fetches.text);
  const total = imports.count + fetches.count;
  if (total > 0) {
    process.stdout.write(
      `\nlint:layers: ${total} violation(s); the rules are in ${CONFIG} and scripts/fetch-references.ts\n`,
    );
    return 1;
  }
  process.stdout.write("lint:layers: no layering violations (dependency-cruiser + fetch check)\n");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("lint:layers crashed:", error);
    process.exitCode = 2;
  },
);
