/**
 * The measured thread count is remembered per machine and model shape (engine/thread-memory.ts): a second load of
 * the same model skips the probe, `reprobeThreads` measures again, and a damaged memory file is neither trusted nor
 * rewritten. Real llama.cpp, the tiny gpt-oss, a temporary cache root per test.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EngineModel, loadModel } from "../../packages/overtone/src/engine/index.js";
import { disposeEngineLlama, engineLlama } from "../../packages/overtone/src/engine/llama-runtime.js";
import { THREAD_MEMORY_FILE } from "../../packages/overtone/src/engine/thread-memory.js";
import { tinyModelPath } from "../support/tiny-models.js";

let modelPath: string;
let cacheDir: string;

beforeAll(async () => {
  modelPath = await tinyModelPath();
  // The probe runs only with more than one math core to choose from: on a single-core host there is nothing to
  // remember, and this file says so instead of passing on nothing.
  const llama = await engineLlama({ gpu: false });
  if (llama.cpuMathCores < 2) throw new Error("thread-memory tests need a CPU with at least 2 math cores");
}, 120_000);
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "overtone-threads-"));
});
afterAll(async () => {
  await disposeEngineLlama();
});

async function infoOf(options: { reprobeThreads?: boolean } = {}): Promise<EngineModel["info"]> {
  const model = await loadModel(modelPath, { cacheDir, gpu: false, ...options });
  await model.dispose();
  return model.info;
}

describe("the remembered thread count", () => {
  it("is measured once, then remembered for the same model on this machine", async () => {
    const first = await infoOf();
    expect(first.threadSource).toBe("measured");
    const file = JSON.parse(await readFile(join(cacheDir, THREAD_MEMORY_FILE), "utf8"));
    const entries = Object.values(file.entries) as {
      threads: number;
      decodeSpeeds: Record<string, number>;
    }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.threads).toBe(first.threads);
    expect(Object.keys(entries[0]?.decodeSpeeds ?? {}).sort()).toEqual(["1", "2"]);

    const second = await infoOf();
    expect(second.threadSource).toBe("remembered");
    expect(second.threads).toBe(first.threads);
    await rm(cacheDir, { recursive: true, force: true });
  }, 120_000);

  it("is measured again when asked, and the new answer is kept", async () => {
    await infoOf();
    const before = await readFile(join(cacheDir, THREAD_MEMORY_FILE), "utf8");
    const again = await infoOf({ reprobeThreads: true });
    expect(again.threadSource).toBe("measured");
    const after = await readFile(join(cacheDir, THREAD_MEMORY_FILE), "utf8");
    expect(after).not.toBe(before); // a new measurement time at least
    expect((await infoOf()).threads).toBe(again.threads);
    await rm(cacheDir, { recursive: true, force: true });
  }, 120_000);

  it("does not trust or rewrite a damaged memory file", async () => {
    const damaged = "{ not json";
    await writeFile(join(cacheDir, THREAD_MEMORY_FILE), damaged);
    const info = await infoOf();
    expect(info.threadSource).toBe("measured");
    expect(info.threadWarning).toMatch(/thread-probe\.json is not valid JSON/);
    expect(await readFile(join(cacheDir, THREAD_MEMORY_FILE), "utf8")).toBe(damaged);
    await rm(cacheDir, { recursive: true, force: true });
  }, 120_000);

  it("is not used when the caller gives a count", async () => {
    const model = await loadModel(modelPath, { cacheDir, gpu: false, threads: 1 });
    await model.dispose();
    expect(model.info.threadSource).toBe("given");
    await expect(readFile(join(cacheDir, THREAD_MEMORY_FILE))).rejects.toMatchObject({ code: "ENOENT" });
    await rm(cacheDir, { recursive: true, force: true });
  });
});
