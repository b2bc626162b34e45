import { InputError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { resolveTinyGptOssOptions, TINY_GPT_OSS_DEFAULTS } from "./tiny-gpt-oss-options.js";

function errorOf(options: Parameters<typeof resolveTinyGptOssOptions>[0]): InputError {
  try {
    resolveTinyGptOssOptions(options);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("resolveTinyGptOssOptions", () => {
  it("fills in the defaults, and undefined means default", () => {
    expect(resolveTinyGptOssOptions()).toEqual(TINY_GPT_OSS_DEFAULTS);
    expect(resolveTinyGptOssOptions({ layers: undefined, seed: 5 })).toEqual({
      ...TINY_GPT_OSS_DEFAULTS,
      seed: 5,
    });
  });

  it("ignores keys that are not options (a caller's extra fields)", () => {
    const r = resolveTinyGptOssOptions({ out: "x.gguf" } as never);
    expect(r).toEqual(TINY_GPT_OSS_DEFAULTS);
  });

  it.each([
    [{ layers: 0 }, "layers"],
    [{ layers: 1.5 }, "layers"],
    [{ embd: Number.NaN }, "embd"],
    [{ seed: -1 }, "seed"],
    [{ seed: 2 ** 32 }, "seed"],
    [{ experts: 2000 }, "experts"],
    [{ experts: 2, expertsUsed: 3 }, "expertsUsed"],
    [{ heads: 4, kvHeads: 3 }, "kvHeads"],
    [{ headDim: 15 }, "headDim"],
    [{ embd: 48 }, "embd"],
    [{ ff: 40 }, "ff"],
    [{ expertsType: "q4_0" as never }, "expertsType"],
    [{ template: "llama3" as never }, "template"],
    [{ denseType: "q8_0" as never }, "denseType"],
    [{ biasStd: -0.1 }, "biasStd"],
    [{ sinkStd: Number.NaN }, "sinkStd"],
    [{ normStd: Number.POSITIVE_INFINITY }, "normStd"],
    [{ gateUpScale: 0 }, "gateUpScale"],
  ])("rejects %o, naming %s", (options, where) => {
    const e = errorOf(options);
    expect(e.where).toBe(where);
    expect(e.message.startsWith(`${where}: `)).toBe(true);
    expect(e.hint).toBeTruthy();
  });

  it("allows widths that are not multiples of 32 with f16 experts", () => {
    expect(resolveTinyGptOssOptions({ expertsType: "f16", embd: 48, ff: 40 }).embd).toBe(48);
  });

  it("allows any width with f32 experts, and fractional fill options", () => {
    const r = resolveTinyGptOssOptions({
      expertsType: "f32",
      denseType: "f32",
      embd: 48,
      ff: 40,
      biasStd: 0.5,
    });
    expect([r.embd, r.ff, r.biasStd]).toEqual([48, 40, 0.5]);
  });

  it("allows a single expert (a dense MLP)", () => {
    expect(resolveTinyGptOssOptions({ experts: 1, expertsUsed: 1 }).experts).toBe(1);
  });
});
