/**
 * The GPU probe (src/engine/llama-runtime.ts) without a GPU: "no GPU here" stays quiet, but a probe that fails is
 * not read as "no GPU", and a GPU backend that was found and did not load is reported — on the runtime, in the
 * model's info, and once as the embedded backend's finish notice. A found backend is injected (the probe lists
 * `cuda`); llama.cpp itself is real, and on a machine without CUDA it starts on the CPU.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conversation, type FinishPart, message, type Part } from "@overtone/harmony";
import { afterAll, describe, expect, it } from "vitest";
import { createEmbedded } from "../../packages/overtone/src/backends/embedded/index.js";
import {
  disposeEngineLlama,
  engineLlama,
  gpuFallbackWarning,
  gpuWarning,
  probeGpu,
} from "../../packages/overtone/src/engine/llama-runtime.js";
import { resolveModel } from "../../packages/overtone/src/engine/models/index.js";

const cacheDir = mkdtempSync(join(tmpdir(), "overtone-gpu-"));
afterAll(async () => {
  await disposeEngineLlama();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("probeGpu", () => {
  it("is quiet about a machine with no GPU backend: the CPU, no warning", async () => {
    const probe = await probeGpu(async () => [false]);
    expect(probe).toEqual({ gpu: false, found: [] });
    expect(gpuFallbackWarning(probe, false)).toBeUndefined();
  });

  it("does not read a failed probe as 'no GPU': node-llama-cpp decides, and a CPU run is warned of", async () => {
    const broken = new Error("cannot read /usr/lib/x86_64-linux-gnu: EACCES");
    const probe = await probeGpu(async () => {
      throw broken;
    });
    expect(probe).toMatchObject({ gpu: "auto", found: [], failure: broken });
    expect(gpuFallbackWarning(probe, false)).toMatch(/GPU check failed \(cannot read .*EACCES\)/);
    expect(gpuFallbackWarning(probe, "vulkan")).toBeUndefined();
  });

  it("warns when a GPU backend was found but llama.cpp started on the CPU", async () => {
    const probe = await probeGpu(async () => ["cuda", "vulkan", false]);
    expect(probe).toEqual({ gpu: "auto", found: ["cuda", "vulkan"] });
    expect(gpuFallbackWarning(probe, false)).toMatch(
      /GPU backend was found \(cuda, vulkan\) but .* runs on the CPU/,
    );
    expect(gpuFallbackWarning(probe, "cuda")).toBeUndefined();
  });
});

describe("a GPU backend that is found but does not load", () => {
  it("leaves a warning on the runtime, the model info and the first finish part", async () => {
    const llama = await engineLlama({ probe: async () => ["cuda", false] });
    if (llama.gpu !== false) {
      // A machine with a working GPU: it loaded, nothing to warn about.
      expect(gpuWarning(llama)).toBeUndefined();
      return;
    }
    expect(gpuWarning(llama)).toMatch(/GPU backend was found \(cuda\)/);
    // `gpu: "auto"` reuses that runtime, so the model loaded on it carries its warning.
    const tiny = await resolveModel("tiny", { cacheDir });
    const backend = createEmbedded({ model: tiny.path, gpu: "auto", threads: 1, contextSize: 256 });
    try {
      expect((await backend.ready()).info.gpuWarning).toBe(gpuWarning(llama));
      const finishes: (FinishPart | undefined)[] = [];
      for (let i = 0; i < 2; i++) {
        const parts: Part[] = [];
        const conv = conversation([message("user", "hi")]);
        for await (const part of backend.stream({ conversation: conv, maxTokens: 2 })) parts.push(part);
        finishes.push(parts.find((p): p is FinishPart => p.type === "finish"));
      }
      expect(finishes[0]?.notice).toContain(gpuWarning(llama));
      expect(finishes[1]?.notice ?? "").not.toContain("GPU backend was found");
    } finally {
      await backend.close();
    }
  }, 120_000);
});
