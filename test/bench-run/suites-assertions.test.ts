/**
 * A user suite's assertions, each kind passing and failing on hand-written answers, loaded from a real YAML
 * file (and a real JavaScript assertion file beside it); the JSON Schema subset; and a bad suite file as one
 * ConfigError naming the file and the key path.
 */
import { writeFileSync } from "node:fs";
import { ConfigError } from "@overtone/errors";
import { afterAll, describe, expect, it } from "vitest";
import type { CaseOutput, CaseVerdict } from "../../packages/overtone/src/bench-run/suite.js";
import { loadUserSuite } from "../../packages/overtone/src/bench-run/suites/index.js";
import {
  schemaProblems,
  unsupportedKeyword,
} from "../../packages/overtone/src/bench-run/suites/json-schema.js";
import { tempDir } from "../support/gguf-samples.js";

const temp = tempDir("overtone-suites-");
afterAll(() => temp.remove());

let files = 0;
function suiteFile(yaml: string): string {
  const path = temp.path(`suite-${++files}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/** The verdict of a one-case suite whose case has the one assertion `assertion` (YAML flow mapping). */
async function judged(assertion: string, answer: string, vars = "{}"): Promise<CaseVerdict> {
  const file = suiteFile(
    `name: t\ncases:\n  - id: c\n    prompt: hi\n    vars: ${vars}\n    assert:\n      - ${assertion}\n`,
  );
  const suite = await loadUserSuite(file);
  const output: CaseOutput = { answer, reasoning: "", toolCalls: [], finishReason: "stop" };
  return (suite.cases[0] as NonNullable<(typeof suite.cases)[0]>).check(output);
}

const failure = (v: CaseVerdict) => v.errors.map((e) => e.message).join(" | ");

describe("assertion kinds", () => {
  it("contains and not-contains: one string or a list, optionally ignoring case, vars filled in", async () => {
    expect((await judged("{ type: contains, value: Paris }", "It is Paris.")).success).toBe(true);
    const missing = await judged("{ type: contains, value: [Paris, France] }", "It is Paris.");
    expect(missing).toMatchObject({ success: false, parsedOk: null });
    expect(missing.errors).toEqual([
      { kind: "assertion", message: 'assert[0] contains ["Paris","France"]: missing: "France"' },
    ]);
    expect((await judged("{ type: contains, value: paris, ignore_case: true }", "PARIS")).success).toBe(true);
    expect((await judged('{ type: contains, value: "{{city}}" }', "Lyon", "{ city: Lyon }")).success).toBe(
      true,
    );
    expect((await judged("{ type: not-contains, value: London }", "Paris")).success).toBe(true);
    expect(failure(await judged("{ type: not-contains, value: Paris }", "Paris"))).toContain(
      'present: "Paris"',
    );
  });

  it("regex, with flags", async () => {
    expect((await judged("{ type: regex, value: '^\\d+$' }", "42")).success).toBe(true);
    expect(failure(await judged("{ type: regex, value: '^\\d+$' }", "forty-two"))).toContain("no match");
    expect((await judged("{ type: regex, value: '^yes', flags: i }", "Yes.")).success).toBe(true);
  });

  it("json-schema: the answer (or its ```json fence) parsed and checked; parsed_ok says whether it was JSON", async () => {
    const schema =
      "{ type: json-schema, value: { type: object, required: [ideas], properties: { ideas: { type: array, minItems: 2, items: { type: string } } } } }";
    expect(await judged(schema, '{"ideas": ["a", "b"]}')).toMatchObject({ success: true, parsedOk: true });
    expect(await judged(schema, '```json\n{"ideas": ["a", "b"]}\n```')).toMatchObject({
      success: true,
      parsedOk: true,
    });
    const wrong = await judged(schema, '{"ideas": ["a", 2]}');
    expect(wrong).toMatchObject({ success: false, parsedOk: true });
    expect(failure(wrong)).toContain("$.ideas[1] is number, not string");
    expect(await judged(schema, "Here are ideas: a, b")).toMatchObject({ success: false, parsedOk: false });
  });

  it("javascript: a file beside the suite, boolean or { pass, reason } (sync or async), and one that throws", async () => {
    writeFileSync(
      temp.path("long.mjs"),
      "export default (output, testCase) => output.length >= Number(testCase.vars.min);\n",
    );
    writeFileSync(
      temp.path("why.mjs"),
      "export default async (output) => ({ pass: output.includes('ok'), reason: 'got ' + output });\n",
    );
    writeFileSync(temp.path("boom.mjs"), "export default () => { throw new Error('kaput'); };\n");
    expect((await judged("{ type: javascript, value: ./long.mjs }", "abcd", "{ min: 3 }")).success).toBe(
      true,
    );
    expect(failure(await judged("{ type: javascript, value: ./long.mjs }", "ab", "{ min: 3 }"))).toBe(
      "assert[0] javascript ./long.mjs: returned false",
    );
    expect(failure(await judged("{ type: javascript, value: why.mjs }", "nope"))).toContain("got nope");
    expect((await judged("{ type: javascript, value: why.mjs }", "ok")).success).toBe(true);
    expect(failure(await judged("{ type: javascript, value: boom.mjs }", "x"))).toContain("threw: kaput");
  });
});

describe("the JSON Schema subset", () => {
  it("checks enum, const, bounds, patterns, additionalProperties and the combinators", () => {
    expect(schemaProblems("b", { enum: ["a", "b"] })).toEqual([]);
    expect(schemaProblems(7, { type: "integer", minimum: 1, maximum: 5 })).toEqual(["$ is above 5"]);
    expect(schemaProblems(1.5, { type: "integer" })).toEqual(["$ is number, not integer"]);
    expect(schemaProblems("abc", { pattern: "^a", maxLength: 2 })).toEqual(["$ is longer than 2"]);
    expect(schemaProblems({ a: 1, b: 2 }, { properties: { a: {} }, additionalProperties: false })).toEqual([
      "$.b is not allowed",
    ]);
    expect(schemaProblems(3, { anyOf: [{ type: "string" }, { type: "number" }] })).toEqual([]);
    expect(schemaProblems(3, { oneOf: [{ type: "number" }, { type: "integer" }] })).toEqual([
      "$ matches 2 of oneOf, not exactly 1",
    ]);
    expect(schemaProblems(null, { not: { type: "null" } })).toEqual(["$ matches the schema under not"]);
  });

  it("names the first keyword it does not check, however deep", () => {
    expect(
      unsupportedKeyword({ type: "object", properties: { a: { type: "string", format: "email" } } }),
    ).toBe("properties.a.format");
    expect(unsupportedKeyword({ anyOf: [{ type: "string" }, { $ref: "#/x" }] })).toBe("anyOf[1].$ref");
    expect(unsupportedKeyword({ type: "array", items: { type: "string" }, title: "x" })).toBeUndefined();
  });
});

describe("a bad suite file", () => {
  async function loadError(yaml: string): Promise<ConfigError> {
    const file = suiteFile(yaml);
    const error = await loadUserSuite(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.startsWith(file)).toBe(true);
    expect((error as ConfigError).hint).toBeTruthy();
    return error as ConfigError;
  }

  it("is one ConfigError naming the file and the key path", async () => {
    const head = "name: t\ncases:\n  - id: c\n    prompt: hi\n";
    expect((await loadError("name: t\ncases: []\n")).where).toMatch(/: cases$/);
    expect((await loadError(`${head}    assert:\n      - { type: containz, value: x }\n`)).where).toMatch(
      /: cases\[0\]\.assert\[0\]\.type$/,
    );
    expect((await loadError(`${head}    assert:\n      - { type: regex, value: '(' }\n`)).where).toMatch(
      /assert\[0\]\.value$/,
    );
    expect(
      (
        await loadError(
          `${head}    assert:\n      - { type: json-schema, value: { type: string, format: email } }\n`,
        )
      ).where,
    ).toMatch(/assert\[0\]\.value\.format$/);
    expect(
      (await loadError(`${head}    assert:\n      - { type: javascript, value: ./nowhere.mjs }\n`)).where,
    ).toMatch(/assert\[0\]\.value$/);
    expect(
      (await loadError(`${head}    assert:\n      - { type: model-graded, value: Is polite. }\n`)).message,
    ).toContain("needs a grader model");
    expect((await loadError("name: t\ncases:\n  - id: c\n    prompt: 'Hi {{who}}'\n")).where).toMatch(
      /cases\[0\]\.prompt$/,
    );
    expect((await loadError("name: t\ncases:\n  - id: c\n    promt: hi\n")).where).toMatch(
      /cases\[0\]\.promt$/,
    );
    expect(
      (await loadError("name: t\ncases:\n  - { id: c, prompt: a }\n  - { id: c, prompt: b }\n")).where,
    ).toMatch(/cases\[1\]\.id$/);
    expect(
      (
        await loadError(
          "name: t\ncases:\n  - id: c\n    messages: [{ role: user, content: a }, { role: assistant, content: b }]\n",
        )
      ).where,
    ).toMatch(/cases\[0\]\.messages$/);
    expect((await loadError("name: [unclosed\n")).message).toContain("not valid YAML");
  });
});
