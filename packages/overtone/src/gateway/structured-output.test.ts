import type { Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { answerProblem, checkedAnswer, ollamaResponseFormat, responseFormatOf } from "./structured-output.js";

const SCHEMA = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };

async function* fromArray(parts: Part[]): AsyncGenerator<Part> {
  yield* parts;
}

function answer(text: string[], reason: "stop" | "length" = "stop"): Part[] {
  return [
    { type: "analysis-start", id: "m0" },
    { type: "analysis-delta", id: "m0", delta: "not JSON at all" },
    { type: "analysis-end", id: "m0", text: "not JSON at all" },
    { type: "final-start", id: "m1" },
    ...text.map((delta) => ({ type: "final-delta" as const, id: "m1", delta })),
    { type: "final-end", id: "m1", text: text.join("") },
    { type: "finish", reason },
  ] as Part[];
}

async function problems(parts: Part[], format = ollamaResponseFormat(SCHEMA)) {
  const found: string[] = [];
  const out: Part[] = [];
  for await (const part of checkedAnswer(fromArray(parts), format, (p) => found.push(p))) out.push(part);
  expect(out).toEqual(parts);
  return found;
}

describe("responseFormatOf / ollamaResponseFormat", () => {
  it("maps each protocol's format onto the contract's", () => {
    expect(responseFormatOf(undefined)).toBeUndefined();
    expect(responseFormatOf({ type: "text" })).toBeUndefined();
    expect(responseFormatOf({ type: "json_object" })).toEqual({ type: "json_object" });
    expect(responseFormatOf({ type: "json_schema", name: "n", schema: SCHEMA, strict: true })).toEqual({
      type: "json_schema",
      name: "n",
      schema: SCHEMA,
      strict: true,
    });
    expect(responseFormatOf({ type: "json_schema", name: "n" })).toEqual({ type: "json_object" });
    expect(ollamaResponseFormat("json")).toEqual({ type: "json_object" });
    expect(ollamaResponseFormat(SCHEMA)).toEqual({ type: "json_schema", schema: SCHEMA });
  });
});

describe("answerProblem", () => {
  it("json_object: any JSON object; json_schema: what the schema allows", () => {
    expect(answerProblem('{"a":1}', { type: "json_object" })).toBeUndefined();
    expect(answerProblem("[1]", { type: "json_object" })).toBe("the answer is JSON but not an object");
    expect(answerProblem("Sure! {", { type: "json_object" })).toMatch(/^the answer is not JSON \(/);
    expect(answerProblem('{"n":1}', ollamaResponseFormat(SCHEMA))).toBeUndefined();
    expect(answerProblem('{"n":"1"}', ollamaResponseFormat(SCHEMA))).toBe(
      "the answer does not match the schema: $.n: expected integer, got string",
    );
  });
});

describe("checkedAnswer", () => {
  it("checks the final channel's whole text only (the analysis is free), parts unchanged", async () => {
    expect(await problems(answer(['{"n"', ":4}"]))).toEqual([]);
    expect(await problems(answer(["```json\n", '{"n":4}\n```']))).toEqual([
      expect.stringMatching(/^the answer is not JSON/),
    ]);
  });

  it("leaves a cut-off answer to its finish reason", async () => {
    expect(await problems(answer(['{"n"'], "length"))).toEqual([]);
  });
});
