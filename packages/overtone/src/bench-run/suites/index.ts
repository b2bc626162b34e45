/**
 * The ladder's suites (issue 16 item 3): the built-in ones, each graded on the assistant's own prompts and
 * parsers where the assistant has the same task, and a user's own in YAML with assertions. The runner
 * (run-ladder.ts) takes a suite by name from `builtInSuites()` or from a file through `loadUserSuite`.
 */
import type { BenchSuite } from "../suite.js";
import { brainstormSuite } from "./brainstorm-suite.js";
import { diagnoseSuite } from "./diagnose-suite.js";
import { judgeSuite } from "./judge-suite.js";
import { proofreadSuite } from "./proofread-suite.js";
import { safeCommandSuite } from "./safe-command-suite.js";

export type { AssertionTestCase } from "./assertions.js";
export { judgeTopChoice } from "./judge-suite.js";
export type { Grade, GraderOptions } from "./model-graded.js";
export { type LoadUserSuiteOptions, loadUserSuite } from "./user-suite.js";

/** Every built-in suite by name, built fresh (each call gives new case objects). */
export function builtInSuites(): Record<string, BenchSuite> {
  const suites = [diagnoseSuite(), brainstormSuite(), judgeSuite(), safeCommandSuite(), proofreadSuite()];
  return Object.fromEntries(suites.map((suite) => [suite.name, suite]));
}
