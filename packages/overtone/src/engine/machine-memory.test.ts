/**
 * The free memory the registry's fit check uses: the override variables (tests, planning for another machine)
 * and the measured numbers without a GPU question (`gpu: false`, so no native code loads here).
 */
import { freemem, totalmem } from "node:os";
import { describe, expect, it } from "vitest";
import { machineMemory } from "./machine-memory.js";
import { fitOf } from "./models/model-fit.js";
import { registryEntry } from "./models/registry.js";

describe("machineMemory", () => {
  it("OVERTONE_FREE_MEMORY_BYTES and OVERTONE_FREE_VRAM_BYTES set the numbers and say so", async () => {
    const memory = await machineMemory({
      env: { OVERTONE_FREE_MEMORY_BYTES: "8000000000", OVERTONE_FREE_VRAM_BYTES: "16000000000" },
    });
    expect(memory).toMatchObject({
      ramFree: 8e9,
      vramFree: 16e9,
      source: "OVERTONE_FREE_MEMORY_BYTES, OVERTONE_FREE_VRAM_BYTES",
    });
    // 16 GB of VRAM holds gpt-oss-20b at the default context: it would run on the GPU.
    const entry = registryEntry("gpt-oss-20b");
    expect(entry && fitOf(entry, memory, 16_384).fits).toBe("gpu");
  });

  it("a value that is not a whole number of bytes is a ConfigError naming the variable", async () => {
    await expect(machineMemory({ env: { OVERTONE_FREE_MEMORY_BYTES: "16GB" } })).rejects.toThrow(
      /OVERTONE_FREE_MEMORY_BYTES="16GB" is not a whole number of bytes/,
    );
  });

  it("measured: the OS's available and total RAM", async () => {
    const memory = await machineMemory({ env: {}, gpu: false });
    expect(memory.source).toBe("measured");
    expect(memory.ramTotal).toBe(totalmem());
    expect(Math.abs(memory.ramFree - freemem())).toBeLessThan(memory.ramTotal / 4);
    expect(memory.vramFree).toBeUndefined();
  });
});
