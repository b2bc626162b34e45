/**
 * What the engine needs to know about a GGUF before llama.cpp sees it, read with Overtone's own bounded GGUF
 * reader (tens of milliseconds, no native code): that the file exists and is a GGUF, that it is gpt-oss (the
 * engine renders Harmony ids for it; any other vocabulary would get garbage), how many bytes of weights a token
 * reads (for the thread rule), and what its chat template is (for `doctor`; the engine does not use it).
 * A file that fails here is a ConfigError naming it, never a native crash or stack.
 */
import { stat } from "node:fs/promises";
import { ConfigError, GgufFormatError } from "@overtone/errors";
import { type ChatTemplateKind, chatTemplateOf, classifyChatTemplate, plainValue } from "@overtone/gguf";
import { openGguf } from "@overtone/gguf/node";
import type { ModelShape } from "./models/registry.js";
import { activeWeightBytes } from "./threads.js";

export interface ModelFacts {
  /** `general.name`, when set. */
  name: string | undefined;
  /** Bytes of weights one decoded token reads (threads.ts). */
  activeBytes: number | undefined;
  template: ChatTemplateKind;
}

const PATH_HINT = "pass the path of a gpt-oss .gguf file (e.g. gpt-oss-20b-mxfp4.gguf)";

export async function readModelFacts(path: string): Promise<ModelFacts> {
  await checkModelFile(path);
  let file: Awaited<ReturnType<typeof openGguf>>;
  try {
    file = await openGguf(path);
  } catch (error) {
    const what =
      error instanceof GgufFormatError ? `not a readable GGUF: ${error.message}` : (error as Error).message;
    throw new ConfigError(`${path}: ${what}`, {
      where: path,
      hint: "check that the file is a complete GGUF (an interrupted download is not); `overtone gguf inspect` shows what it holds",
      cause: error,
    });
  }
  try {
    const value = (key: string): unknown => {
      const v = file.metadata.get(key);
      return v === undefined ? undefined : plainValue(v);
    };
    const architecture = value("general.architecture");
    if (architecture !== "gpt-oss") {
      throw new ConfigError(
        `${path}: not a gpt-oss model (general.architecture is ${JSON.stringify(architecture ?? null)})`,
        {
          where: path,
          hint: "the embedded engine runs gpt-oss GGUFs (e.g. gpt-oss-20b); use another backend for other models",
        },
      );
    }
    const count = value("gpt-oss.expert_count");
    const used = value("gpt-oss.expert_used_count");
    const name = value("general.name");
    return {
      name: typeof name === "string" ? name : undefined,
      activeBytes: activeWeightBytes(file.tensors, {
        ...(typeof count === "number" ? { count } : {}),
        ...(typeof used === "number" ? { used } : {}),
      }),
      template: classifyChatTemplate(chatTemplateOf(file.metadata)),
    };
  } finally {
    await file.close();
  }
}

async function checkModelFile(path: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    const missing = info.code === "ENOENT" || info.code === "ENOTDIR";
    throw new ConfigError(
      missing ? `${path}: no such model file` : `${path}: cannot read the model: ${info.message}`,
      { where: path, hint: PATH_HINT, cause: info },
    );
  }
  if (!info.isFile()) {
    throw new ConfigError(`${path}: not a file`, {
      where: path,
      hint: "pass the path of the .gguf file itself, not its folder",
    });
  }
}

/**
 * The attention shape of a gpt-oss GGUF, for the memory it needs at a context (models/registry.ts), with its
 * size; undefined for anything that is not a readable gpt-oss GGUF (loading it reports why). The vocabulary is
 * gpt-oss's (o200k_harmony, 201,088 tokens): every gpt-oss has it, and reading the token list would cost time.
 */
export async function readModelShape(
  path: string,
): Promise<{ shape: ModelShape; sizeBytes: number } | undefined> {
  try {
    const info = await stat(path);
    const file = await openGguf(path);
    try {
      const value = (key: string): unknown => {
        const v = file.metadata.get(key);
        return v === undefined ? undefined : plainValue(v);
      };
      const num = (key: string): number | undefined => {
        const n = value(`gpt-oss.${key}`);
        return typeof n === "number" ? n : undefined;
      };
      if (value("general.architecture") !== "gpt-oss") return undefined;
      const layers = num("block_count");
      const kvHeads = num("attention.head_count_kv");
      const headDim = num("attention.key_length");
      if (layers === undefined || kvHeads === undefined || headDim === undefined) return undefined;
      return {
        shape: {
          layers,
          kvHeads,
          headDim,
          slidingWindow: num("attention.sliding_window") ?? 128,
          vocab: 201_088,
        },
        sizeBytes: info.size,
      };
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}
