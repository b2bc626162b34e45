/**
 * A user suite's assertions (promptfoo's model, reference/bench-and-agent.md A1), compiled from the suite file
 * once, when it loads: a bad regex, an unsupported schema keyword, a JavaScript file that is missing or exports
 * no function, a model-graded check without a grader — each is a load error at its key path, never a surprise
 * halfway through a ladder. At run time an assertion only says pass or fail, and why.
 *
 *   contains / not-contains   value: a string or a list of strings (all must appear / none may); ignore_case
 *   regex                     value: a pattern; flags (e.g. "i", "m")
 *   json-schema               value: a schema (json-schema.ts's subset); the answer, bare or in a ```json fence
 *   javascript                value: a file relative to the suite, exporting by default
 *                             `(output, testCase) => boolean | { pass, reason }` (may be async)
 *   model-graded              value: a rubric; graded by the grader given to loadUserSuite
 */
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CaseOutput } from "../suite.js";
import { type JsonSchema, schemaProblems, unsupportedKeyword } from "./json-schema.js";
import { type GraderOptions, gradeWithModel } from "./model-graded.js";
import type { SuiteFilePath } from "./suite-file-path.js";
import { excerpt } from "./suite-kit.js";

export const ASSERTION_KINDS = [
  "contains",
  "not-contains",
  "regex",
  "json-schema",
  "javascript",
  "model-graded",
] as const;
export type AssertionKind = (typeof ASSERTION_KINDS)[number];

/** What a `javascript` assertion's function gets as its second argument. */
export interface AssertionTestCase {
  id: string;
  vars: Record<string, unknown>;
  input: Record<string, unknown>;
  reasoning: string;
  toolCalls: readonly string[];
  finishReason: string;
}

export interface AssertionResult {
  pass: boolean;
  /** Why it failed (or, for a model grade, why it passed). */
  reason?: string;
  /** For json-schema: whether the answer was JSON at all. */
  parsedJson?: boolean;
}

export interface Assertion {
  kind: AssertionKind;
  /** `assert[1] contains "Paris"`: how failure messages name it. */
  label: string;
  run(output: CaseOutput, testCase: AssertionTestCase): Promise<AssertionResult>;
}

export interface CompileContext {
  suiteFile: string;
  grader?: GraderOptions;
  /** `{{name}}` filled from the case's vars. */
  fill: (text: string, at: SuiteFilePath) => string;
}

const KEYS = ["type", "value", "ignore_case", "flags"];

export async function compileAssertion(
  entry: unknown,
  at: SuiteFilePath,
  context: CompileContext,
): Promise<Assertion> {
  const fields = at.object(entry, KEYS);
  const kind = at.to("type").oneOf(fields.type, ASSERTION_KINDS);
  const value = at.to("value");
  const label = (shown: string) => `${at.path.replace(/^.*\./, "")} ${kind} ${shown}`;
  switch (kind) {
    case "contains":
    case "not-contains": {
      const raw = Array.isArray(fields.value) ? fields.value : [fields.value];
      const needles = raw.map((item, i) => context.fill(value.to(i).string(item), value));
      const ignoreCase = fields.ignore_case === true;
      const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
      const want = kind === "contains";
      return {
        kind,
        label: label(JSON.stringify(needles.length === 1 ? needles[0] : needles)),
        run: async ({ answer }) => {
          const wrong = needles.filter((needle) => fold(answer).includes(fold(needle)) !== want);
          return wrong.length === 0
            ? { pass: true }
            : {
                pass: false,
                reason: `${want ? "missing" : "present"}: ${wrong.map((w) => JSON.stringify(w)).join(", ")}`,
              };
        },
      };
    }
    case "regex": {
      const pattern = context.fill(value.string(fields.value), value);
      const flags = fields.flags === undefined ? "" : at.to("flags").string(fields.flags);
      let regex: RegExp;
      try {
        regex = new RegExp(pattern, flags);
      } catch (error) {
        throw value.fail(
          `is not a valid regular expression: ${(error as Error).message}`,
          "check the pattern; in YAML, quote it with single quotes",
        );
      }
      return {
        kind,
        label: label(String(regex)),
        run: async ({ answer }) =>
          regex.test(answer) ? { pass: true } : { pass: false, reason: `no match in ${excerpt(answer)}` },
      };
    }
    case "json-schema":
      return jsonSchemaAssertion(fields.value, value, label);
    case "javascript":
      return javascriptAssertion(fields.value, value, context, label);
    case "model-graded": {
      const rubric = context.fill(value.string(fields.value), value);
      const grader = context.grader;
      if (grader === undefined) {
        throw at.fail(
          "needs a grader model",
          "a model-graded check needs the caller to give a grader backend: loadUserSuite(file, { grader: { backend } })",
        );
      }
      return {
        kind,
        label: label(excerpt(rubric, 40)),
        run: async ({ answer }) => gradeWithModel(grader, rubric, answer),
      };
    }
  }
}

function jsonSchemaAssertion(
  schema: unknown,
  at: SuiteFilePath,
  label: (shown: string) => string,
): Assertion {
  if (
    typeof schema !== "boolean" &&
    (typeof schema !== "object" || schema === null || Array.isArray(schema))
  ) {
    throw at.fail("must be a JSON Schema (a mapping)", "e.g. value: { type: object, required: [name] }");
  }
  const unsupported = unsupportedKeyword(schema);
  if (unsupported !== undefined) {
    throw at
      .to(unsupported)
      .fail(
        "is a JSON Schema keyword this check does not support",
        "see the subset listed in docs/bench.md (Suites)",
      );
  }
  return {
    kind: "json-schema",
    label: label("schema"),
    run: async ({ answer }) => {
      const json = parseJsonAnswer(answer);
      if (!json.ok)
        return { pass: false, parsedJson: false, reason: `the answer is not JSON: ${excerpt(answer)}` };
      const problems = schemaProblems(json.value, schema as JsonSchema);
      return problems.length === 0
        ? { pass: true, parsedJson: true }
        : { pass: false, parsedJson: true, reason: problems.slice(0, 3).join("; ") };
    },
  };
}

/** The answer as JSON: the whole of it, or the inside of its one ```json fence. */
export function parseJsonAnswer(answer: string): { ok: true; value: unknown } | { ok: false } {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(answer);
  try {
    return { ok: true, value: JSON.parse(fenced?.[1] ?? answer) };
  } catch {
    return { ok: false };
  }
}

type AssertionFunction = (output: string, testCase: AssertionTestCase) => unknown;

async function javascriptAssertion(
  value: unknown,
  at: SuiteFilePath,
  context: CompileContext,
  label: (shown: string) => string,
): Promise<Assertion> {
  const relative = at.string(value);
  const path = resolve(dirname(context.suiteFile), relative);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw at.fail(
      `could not be imported from ${path}: ${(error as Error).message}`,
      "give a .js or .mjs file's path relative to the suite file",
    );
  }
  const check = module.default;
  if (typeof check !== "function") {
    throw at.fail(
      `(${path}) has no default export function`,
      "export default function (output, testCase) { return true; }",
    );
  }
  return {
    kind: "javascript",
    label: label(relative),
    run: async (output, testCase) => {
      try {
        return javascriptResult(await (check as AssertionFunction)(output.answer, testCase));
      } catch (error) {
        return { pass: false, reason: `threw: ${(error as Error).message}` };
      }
    },
  };
}

function javascriptResult(result: unknown): AssertionResult {
  if (typeof result === "boolean") return result ? { pass: true } : { pass: false, reason: "returned false" };
  if (
    typeof result === "object" &&
    result !== null &&
    typeof (result as { pass?: unknown }).pass === "boolean"
  ) {
    const { pass, reason } = result as { pass: boolean; reason?: unknown };
    return {
      pass,
      ...(reason !== undefined ? { reason: String(reason) } : pass ? {} : { reason: "returned pass: false" }),
    };
  }
  return {
    pass: false,
    reason: `returned ${JSON.stringify(result) ?? typeof result}, not a boolean or { pass, reason }`,
  };
}
