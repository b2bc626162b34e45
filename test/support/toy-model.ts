/**
 * The trained toy gpt-oss for tests, unpacked from data/models/ into the test cache once (the same code path as
 * `--model toy`), and its twins made from it: same weights behind ChatML (the wrong template of field report 000)
 * or behind the official gpt-oss template (whose tool round trip llama.cpp double-encodes).
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { ggufValue } from "@overtone/gguf";
import { copyWithEdits, loadChatmlTemplate, loadHarmonyTemplate } from "@overtone/gguf/node";
import { resolveModel } from "../../packages/overtone/src/engine/models/index.js";
import { TEST_MODEL_DIR } from "./tiny-models.js";

let toy: Promise<string> | undefined;
let chatml: Promise<string> | undefined;
let official: Promise<string> | undefined;

export function toyModelPath(): Promise<string> {
  toy ??= resolveModel("toy", { cacheDir: join(TEST_MODEL_DIR, "toy-cache"), offline: true }).then(
    (r) => r.path,
  );
  return toy;
}

/** The toy model with a ChatML template instead of Harmony; every tensor unchanged. */
export function toyChatmlModelPath(): Promise<string> {
  chatml ??= withTemplate("chatml", loadChatmlTemplate);
  return chatml;
}

/** The toy model behind the official gpt-oss template (its tool round trip unfixed); every tensor unchanged. */
export function toyOfficialModelPath(): Promise<string> {
  official ??= withTemplate("official", loadHarmonyTemplate);
  return official;
}

async function withTemplate(suffix: string, load: () => Promise<string>): Promise<string> {
  const harmony = await toyModelPath();
  const out = harmony.replace(/\.gguf$/, `-${suffix}.gguf`);
  if ((await stat(out).catch(() => undefined))?.isFile()) return out;
  await copyWithEdits(harmony, out, {
    setMetadata: { "tokenizer.chat_template": ggufValue.str(await load()) },
  });
  return out;
}
