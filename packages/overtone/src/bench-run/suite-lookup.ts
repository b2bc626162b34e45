/**
 * Finds the suites a ladder names: built-in ones by name (./suites/, and `smoke`, the runner's own), a user's
 * suite file by path — with the ladder's grader for its `model-graded` assertions. A name that is not a suite is
 * an error naming the ladder's key and listing the names there are.
 */
import { ConfigError } from "@overtone/errors";
import type { SuiteRef } from "./ladder-file.js";
import { smokeSuite } from "./smoke-suite.js";
import type { BenchSuite } from "./suite.js";
import { builtInSuites, type GraderOptions, loadUserSuite } from "./suites/index.js";

/** The ladder's suites in its order; throws a ConfigError naming the ladder key of one that cannot be found. */
export async function lookUpSuites(
  refs: readonly SuiteRef[],
  ladderFile: string,
  grader?: GraderOptions,
): Promise<BenchSuite[]> {
  const builtIn = new Map<string, BenchSuite>([["smoke", smokeSuite()], ...Object.entries(builtInSuites())]);
  return Promise.all(
    refs.map(async (ref, i) => {
      if ("file" in ref) return userSuite(ref.file, grader);
      const suite = builtIn.get(ref.name);
      if (suite !== undefined) return suite;
      const where = `${ladderFile}: suites[${i}]`;
      throw new ConfigError(`${where} names no built-in suite: "${ref.name}"`, {
        where,
        hint: `use one of: ${[...builtIn.keys()].join(", ")}, or {file: my-suite.yaml}`,
      });
    }),
  );
}

/** A user suite; its "needs a grader" error gets the ladder's fix as its hint (the library's names a call). */
async function userSuite(file: string, grader: GraderOptions | undefined): Promise<BenchSuite> {
  try {
    return await loadUserSuite(file, grader === undefined ? {} : { grader });
  } catch (error) {
    if (grader !== undefined || !(error instanceof ConfigError) || !/grader/.test(error.message)) throw error;
    throw new ConfigError(error.message, {
      where: error.where,
      hint: 'add a grader to the ladder file: grader: { backend: ollama, model: "gpt-oss:20b" } (any model entry\'s keys)',
      cause: error,
    });
  }
}
