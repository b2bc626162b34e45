/**
 * The trained toy gpt-oss for tests, unpacked from data/models/ into the test cache once (the same code path as
 * `--model toy`), and its ChatML twin (same weights, the wrong template of field report 000) made from it.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { ggufValue } from "@overtone/gguf";
import { copyWithEdits, loadChatmlTemplate } from "@overtone/gguf/node";
import { resolveModel } from "../../packages/overtone/src/engine/models/index.js";
import { TEST_MODEL_DIR } from "./tiny-models.js";

let toy: Promise<string> | undefined;
let chatml: Promise<string> | undefined;

export function toyModelPath(): Promise<string> {
  toy ??= resolveModel("toy", { cacheDir: join(TEST_MODEL_DIR, "toy-cache"), offline: true }).then(
    (r) => r.path,
  );
  return toy;
}

/** The toy model with a ChatML template instead of Harmony; every tensor unchanged. */
export function toyChatmlModelPath(): Promise<string> {
  chatml ??= (async () => {
    const harmony = await toyModelPath();
    const out = harmony.replace(/\.gguf$/, "-chatml.gguf");
    if ((await stat(out).catch(() => undefined))?.isFile()) return out;
    const template = await loadChatmlTemplate();
    await copyWithEdits(harmony, out, {
      setMetadata: { "tokenizer.chat_template": ggufValue.str(template) },
    });
    return out;
  })();
  return chatml;
}
