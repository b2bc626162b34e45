/**
 * The registry's memory math against the architecture (gpt-oss-20b: 24 layers, 8 KV heads × 64, alternating
 * 128-token sliding window / full attention) and the fit decisions at given free memory, with the numbers
 * injected: no machine is measured here.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTEXT_SIZE } from "../load-model.js";
import { fitOf, type MachineMemory, recommendModels } from "./model-fit.js";
import { DEFAULT_MODEL_REF, MODEL_ALIASES } from "./model-ref.js";
import {
  kvBytesPerTokenPerLayer,
  kvCacheBytes,
  MODEL_REGISTRY,
  memoryNeeded,
  PLAN_CONTEXT,
  registryEntry,
  UBATCH,
} from "./registry.js";

const GB = 1e9;
const entry = (name: string) => {
  const found = registryEntry(name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
};
const ram = (free: number, vram?: number): MachineMemory => ({
  ramFree: free,
  ramTotal: Math.max(free, 64 * GB),
  ...(vram !== undefined ? { vramFree: vram, vramTotal: vram } : {}),
  source: "test",
});

describe("KV cache", () => {
  it("gpt-oss-20b: 2,048 bytes per token per layer (K and V, 8 heads × 64, F16)", () => {
    expect(kvBytesPerTokenPerLayer(entry("gpt-oss-20b").shape)).toBe(2 * 8 * 64 * 2);
  });

  it("full layers hold every token, sliding-window layers window + one batch", () => {
    const shape = entry("gpt-oss-20b").shape;
    expect(kvCacheBytes(shape, 16_384)).toBe(2048 * (12 * 16_384 + 12 * (128 + UBATCH)));
    // Below window + batch every layer holds the whole context.
    expect(kvCacheBytes(shape, 300)).toBe(2048 * 24 * 300);
    // 120b: 36 layers, 18 of each kind.
    expect(kvCacheBytes(entry("gpt-oss-120b").shape, 8192)).toBe(2048 * (18 * 8192 + 18 * 640));
  });

  it("gpt-oss-20b at 16,384 tokens needs weights + ~0.42 GB of cache + the compute margin", () => {
    const need = memoryNeeded(entry("gpt-oss-20b"), 16_384);
    expect(need.kvCache / GB).toBeCloseTo(0.416, 2);
    expect(need.total).toBe(need.weights + need.kvCache + need.compute);
    expect(need.total / GB).toBeGreaterThan(13.1);
    expect(need.total / GB).toBeLessThan(13.3);
    // The full 131,072-token context adds ~3.2 GB of cache.
    expect(memoryNeeded(entry("gpt-oss-20b"), 131_072).kvCache / GB).toBeCloseTo(3.24, 1);
  });
});

describe("fits", () => {
  it("recommends gpt-oss-20b on 16 GB free, with the Q4_K_M below it", () => {
    const r = recommendModels(ram(16 * GB), 16_384);
    expect(r.choice?.entry.name).toBe("gpt-oss-20b");
    expect(r.choice?.fits).toBe("ram");
    // F16 (13.8 GB) fits too but is never picked: a larger file for the same experts.
    expect(r.next?.entry.name).toBe("gpt-oss-20b-q4_k_m");
    // 120b never gets picked (split GGUF), however much memory there is.
    expect(recommendModels(ram(200 * GB), 16_384).choice?.entry.name).toBe("gpt-oss-20b");
  });

  it("12.9 GB free: the MXFP4 20b does not fit, the Q4_K_M does", () => {
    const fit = fitOf(entry("gpt-oss-20b"), ram(12.9 * GB), 16_384);
    expect(fit.fits).toBe("no");
    expect(fit.next?.entry.name).toBe("gpt-oss-20b-q4_k_m");
    expect(recommendModels(ram(12.9 * GB), 16_384).choice?.entry.name).toBe("gpt-oss-20b-q4_k_m");
  });

  it("4 GB free: no gpt-oss fits, nothing is chosen (toy and tiny are not work models)", () => {
    const r = recommendModels(ram(4 * GB), 16_384);
    expect(r.choice).toBeUndefined();
    expect(r.candidates.find((c) => c.entry.name === "toy")?.fits).toBe("ram");
    expect(fitOf(entry("gpt-oss-20b"), ram(4 * GB), 16_384).next).toBeUndefined();
  });

  it("a GPU: in VRAM when it fits there, split with RAM when only both together hold it", () => {
    expect(fitOf(entry("gpt-oss-20b"), ram(8 * GB, 16 * GB), 8192).fits).toBe("gpu");
    expect(fitOf(entry("gpt-oss-20b"), ram(8 * GB, 8 * GB), 8192).fits).toBe("gpu+ram");
    expect(fitOf(entry("gpt-oss-20b"), ram(2 * GB, 8 * GB), 8192).fits).toBe("no");
  });

  it("a model the registry does not list: its next model down is the first that needs less and fits", () => {
    const local = { sizeBytes: 20 * GB, shape: entry("gpt-oss-20b").shape };
    const fit = fitOf(local, ram(16 * GB), 16_384);
    expect(fit.fits).toBe("no");
    expect(fit.next?.entry.name).toBe("gpt-oss-20b");
    expect(fit.model.need.total).toBe(memoryNeeded(local, 16_384).total);
  });

  it("plans for the context the engine makes by default", () => {
    expect(PLAN_CONTEXT).toBe(DEFAULT_CONTEXT_SIZE);
  });

  it("every entry names its source; every real one is a --model alias; 20b is the CLI's default", () => {
    for (const e of MODEL_REGISTRY) {
      expect(e.source).not.toBe("");
      expect(registryEntry(e.ref)).toBe(e);
      if (e.real) expect(MODEL_ALIASES[e.name]).toBe(e.ref);
    }
    expect(entry("gpt-oss-20b").ref).toBe(DEFAULT_MODEL_REF);
  });
});
