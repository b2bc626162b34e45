/**
 * Finds the suites a ladder names: built-in ones by name, a user's suite file by path. The built-in suites
 * (diagnose, brainstorm, judge, …) live in ./suites/, written beside this runner; they are imported by a computed
 * name so the runner builds and runs (with `smoke`, its own) before that folder exists, and a missing one is an
 * error naming the ladder's key rather than a module-resolution trace.
 */
import { ConfigError } from "@overtone/errors";
import type { SuiteRef } from "./ladder-file.js";
import { smokeSuite } from "./smoke-suite.js";
import type { BenchSuite } from "./suite.js";

interface SuitesModule {
  /** By name (a list is taken too: its suites carry their names). */
  builtInSuites(): Record<string, BenchSuite> | BenchSuite[];
  loadUserSuite(file: string): Promise<BenchSuite>;
}

const SUITES_MODULE = "./suites/index.js";

async function suitesModule(): Promise<SuitesModule | null> {
  try {
    return (await import(SUITES_MODULE)) as SuitesModule;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return null;
    throw error;
  }
}

/** The ladder's suites in its order; throws a ConfigError naming the ladder key of one that cannot be found. */
export async function lookUpSuites(refs: readonly SuiteRef[], ladderFile: string): Promise<BenchSuite[]> {
  const module = await suitesModule();
  const builtIn = new Map<string, BenchSuite>([["smoke", smokeSuite()]]);
  for (const suite of Object.values(module?.builtInSuites() ?? {})) builtIn.set(suite.name, suite);
  return Promise.all(
    refs.map(async (ref, i) => {
      const where = `${ladderFile}: suites[${i}]`;
      if ("name" in ref) {
        const suite = builtIn.get(ref.name);
        if (suite !== undefined) return suite;
        throw new ConfigError(`${where} names no built-in suite: "${ref.name}"`, {
          where,
          hint: `use one of: ${[...builtIn.keys()].join(", ")}, or {file: my-suite.yaml}`,
        });
      }
      if (module === null) {
        throw new ConfigError(`${where}: user suite files cannot be read by this build`, {
          where,
          hint: "the suites module (bench-run/suites/) is missing; use built-in suites",
        });
      }
      return module.loadUserSuite(ref.file);
    }),
  );
}
