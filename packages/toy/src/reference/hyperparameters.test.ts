import { InputError } from "@overtone/errors";
import { type GgufMetadata, type GgufValue, ggufValue } from "@overtone/gguf";
import { describe, expect, it } from "vitest";
import { readGptOssHyperparameters } from "./hyperparameters.js";

const u32 = ggufValue.u32;
const f32 = (v: number) => ggufValue.f32(Math.fround(v));

/** gpt-oss-20b's keys as the converter writes them (reference/gpt-oss-forward.md §1.1). */
function gptOss20b(): Map<string, GgufValue> {
  return new Map<string, GgufValue>([
    ["general.architecture", ggufValue.str("gpt-oss")],
    ["gpt-oss.block_count", u32(24)],
    ["gpt-oss.context_length", u32(131072)],
    ["gpt-oss.embedding_length", u32(2880)],
    ["gpt-oss.attention.head_count", u32(64)],
    ["gpt-oss.attention.head_count_kv", u32(8)],
    ["gpt-oss.rope.freq_base", f32(150000)],
    ["gpt-oss.attention.layer_norm_rms_epsilon", f32(1e-5)],
    ["gpt-oss.expert_count", u32(32)],
    ["gpt-oss.expert_used_count", u32(4)],
    ["gpt-oss.attention.key_length", u32(64)],
    ["gpt-oss.attention.value_length", u32(64)],
    ["gpt-oss.attention.sliding_window", u32(128)],
    ["gpt-oss.expert_feed_forward_length", u32(2880)],
    ["gpt-oss.rope.scaling.type", ggufValue.str("yarn")],
    ["gpt-oss.rope.scaling.factor", f32(32)],
    ["gpt-oss.rope.scaling.original_context_length", u32(4096)],
  ]);
}

function without(key: string): GgufMetadata {
  const m = gptOss20b();
  m.delete(key);
  return m;
}

function errorOf(metadata: GgufMetadata): InputError {
  try {
    readGptOssHyperparameters(metadata, "m.gguf");
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("readGptOssHyperparameters", () => {
  it("reads gpt-oss-20b's shape, with n_rot from key_length and layers 0, 2, 4, … sliding", () => {
    const hp = readGptOssHyperparameters(gptOss20b());
    expect(hp).toMatchObject({
      embd: 2880,
      layers: 24,
      heads: 64,
      kvHeads: 8,
      headDim: 64,
      experts: 32,
      expertsUsed: 4,
      ff: 2880,
      slidingWindow: 128,
      rmsEpsilon: Math.fround(1e-5),
    });
    expect(hp.swaLayers.slice(0, 4)).toEqual([true, false, true, false]);
    expect(hp.rope).toEqual({
      freqBase: 150000,
      freqBaseSwa: 150000,
      scalingType: "yarn",
      freqScale: 1 / 32,
      freqScaleSwa: 1 / 32,
      originalContext: 4096,
      attnFactor: 1,
      betaFast: 32,
      betaSlow: 1,
    });
  });

  it.each([
    "gpt-oss.block_count",
    "gpt-oss.embedding_length",
    "gpt-oss.context_length",
    "gpt-oss.expert_feed_forward_length",
    "gpt-oss.attention.sliding_window",
    "gpt-oss.attention.layer_norm_rms_epsilon",
  ])("names the missing required key %s", (key) => {
    const e = errorOf(without(key));
    expect(e.where).toBe(`m.gguf: ${key}`);
    expect(e.message).toContain(key);
    expect(e.hint).toBeTruthy();
  });

  it("uses llama.cpp's defaults for optional keys", () => {
    const m = gptOss20b();
    for (const k of [
      "attention.head_count_kv",
      "rope.freq_base",
      "rope.scaling.type",
      "rope.scaling.factor",
    ]) {
      m.delete(`gpt-oss.${k}`);
    }
    m.delete("gpt-oss.rope.scaling.original_context_length");
    const hp = readGptOssHyperparameters(m);
    expect(hp.kvHeads).toBe(64);
    expect(hp.rope).toMatchObject({
      freqBase: 10000,
      scalingType: "linear",
      freqScale: 1,
      originalContext: 131072,
    });
  });

  it("reads a sliding-window pattern as a period or as per-layer flags", () => {
    const period = gptOss20b();
    period.set("gpt-oss.block_count", u32(4));
    period.set("gpt-oss.attention.sliding_window_pattern", u32(3));
    expect(readGptOssHyperparameters(period).swaLayers).toEqual([true, true, false, true]);
    const flags = gptOss20b();
    flags.set("gpt-oss.block_count", u32(3));
    flags.set("gpt-oss.attention.sliding_window_pattern", ggufValue.array("bool", [false, true, false]));
    expect(readGptOssHyperparameters(flags).swaLayers).toEqual([false, true, false]);
  });

  it("accepts per-layer arrays only when every layer agrees", () => {
    const m = gptOss20b();
    m.set("gpt-oss.attention.head_count", { type: "arr", itemType: "u32", value: new Array(24).fill(64) });
    expect(readGptOssHyperparameters(m).heads).toBe(64);
    m.set("gpt-oss.attention.head_count", { type: "arr", itemType: "u32", value: [64, 32] });
    expect(errorOf(m).where).toBe("m.gguf: gpt-oss.attention.head_count");
  });

  it("refuses another architecture and an unknown rope scaling", () => {
    const llama = gptOss20b();
    llama.set("general.architecture", ggufValue.str("llama"));
    expect(errorOf(llama).message).toMatch(/"llama", not "gpt-oss"/);
    const rope = gptOss20b();
    rope.set("gpt-oss.rope.scaling.type", ggufValue.str("longrope"));
    expect(errorOf(rope).where).toBe("m.gguf: gpt-oss.rope.scaling.type");
  });
});
