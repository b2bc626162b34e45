import { InputError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { checkMaxTokens, evaluateOptions } from "./sampling.js";

describe("evaluateOptions", () => {
  it("defaults to gpt-oss's temperature 1 and top_p 1, with no min-p and no top-k in the chain", () => {
    const options = evaluateOptions({});
    expect(options).toMatchObject({ temperature: 1, topP: 1, minP: 0 });
    // null, not undefined: node-llama-cpp then drops top-k instead of applying its default 40.
    expect(options.topK).toBeNull();
    expect(Number.isInteger(options.seed)).toBe(true);
  });

  it("keeps the caller's settings", () => {
    expect(evaluateOptions({ temperature: 0, topP: 0.5, seed: 7 })).toMatchObject({
      temperature: 0,
      topP: 0.5,
      seed: 7,
    });
  });

  it.each([
    [{ temperature: -1 }, "temperature"],
    [{ temperature: Number.NaN }, "temperature"],
    [{ topP: 0 }, "topP"],
    [{ topP: 1.5 }, "topP"],
    [{ seed: 1.5 }, "seed"],
  ])("rejects %o, naming %s", (options, where) => {
    expect(() => evaluateOptions(options)).toThrow(InputError);
    try {
      evaluateOptions(options);
    } catch (error) {
      expect((error as InputError).where).toBe(where);
    }
  });

  it("checks maxTokens", () => {
    expect(() => checkMaxTokens(undefined)).not.toThrow();
    expect(() => checkMaxTokens(1)).not.toThrow();
    expect(() => checkMaxTokens(0)).toThrow(/maxTokens/);
    expect(() => checkMaxTokens(2.5)).toThrow(InputError);
  });
});
