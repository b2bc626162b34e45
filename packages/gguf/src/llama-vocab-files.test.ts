/**
 * The vocabulary GGUFs that ship in llama.cpp's source (models/ggml-vocab-*.gguf, written by gguf-py) are real
 * files from the ecosystem: our reader must agree with libggml and node-llama-cpp on them, and a copy without
 * edits must reproduce them byte for byte. The larger ones are skipped to keep this a unit test.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/gguf-samples.js";
import { NO_LIBGGML, readWithLibggml } from "../../../test/support/libggml-gguf.js";
import { copyWithEdits } from "./copy-with-edits.js";
import { openGguf } from "./gguf-file.js";
import { plainValue } from "./gguf-values.js";

const MODELS = new URL("../../../node_modules/node-llama-cpp/llama/llama.cpp/models/", import.meta.url);
const files = (() => {
  try {
    return readdirSync(MODELS)
      .filter((f) => f.startsWith("ggml-vocab-") && f.endsWith(".gguf"))
      .filter((f) => statSync(new URL(f, MODELS)).size <= 1_200_000);
  } catch {
    return [];
  }
})();
const UNPACK = "unpack llama.cpp's source with `npx --no node-llama-cpp source download --skipBuild`";
const tmp = tempDir();
afterAll(() => tmp.remove());

// test/global-setup.ts unpacks llama.cpp's source before any test runs: no files here means that failed.
describe("llama.cpp's own vocab GGUFs", () => {
  it("there are some to test", () =>
    expect(files.length, `none in ${MODELS.pathname}: ${UNPACK}`).toBeGreaterThanOrEqual(3));

  for (const name of files) {
    it(name, async () => {
      const path = new URL(name, MODELS).pathname;
      await using ours = await openGguf(path);
      // Only where node-llama-cpp ships no libggml (NO_LIBGGML says why); elsewhere a missing one fails.
      if (NO_LIBGGML === undefined) {
        const ggml = readWithLibggml(path);
        expect(ggml?.metadata).toEqual(ours.metadata);
        expect(ggml?.dataOffset).toBe(ours.dataOffset);
      }
      const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
      expect(info.version).toBe(ours.version);
      const tokens = ours.metadata.get("tokenizer.ggml.tokens");
      expect((info.metadata as { tokenizer: { ggml: { tokens: unknown } } }).tokenizer.ggml.tokens).toEqual(
        tokens && plainValue(tokens),
      );
      const out = tmp.path(name);
      await copyWithEdits(path, out);
      expect(readFileSync(out).equals(readFileSync(path))).toBe(true);
    });
  }
});
