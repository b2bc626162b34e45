/**
 * `overtone models`: the models in the cache; `overtone models pull REF` puts one there — downloads it (resumable,
 * checksummed, with a progress bar on a terminal and plain lines otherwise), makes tiny, or unpacks the shipped
 * toy — so a later `run` works offline; `overtone models recommend` picks the gpt-oss that fits this machine.
 */
import type { Command } from "commander";
import {
  createProgressRenderer,
  listCachedModels,
  type ResolvedModel,
  resolveModel,
} from "../engine/models/index.js";
import { bytes, table } from "./format.js";
import { writeOut } from "./io.js";
import { registerModelsRecommend } from "./models-recommend.js";

/** How a model that was not cached got there: only fetched ones were downloaded. */
const GOT: Record<ResolvedModel["source"], string> = {
  tiny: "made (random weights, generated here)",
  toy: "unpacked (shipped with Overtone)",
  huggingface: "downloaded",
  url: "downloaded",
  local: "found",
};

const JSON_FLAG = ["--json", "one JSON object per model"] as const;

export function registerModels(program: Command): void {
  const models = program
    .command("models")
    .description(
      "list the models in the cache (~/.cache/overtone, or $OVERTONE_CACHE; `models list` does the same); pull one",
    )
    .option(...JSON_FLAG)
    .action(listModels)
    .exitOverride();

  // `models list` is what people type for a list (as `ollama list`); plain `models` stays the short form.
  models
    .command("list")
    .description("list the models in the cache (the same as plain `models`)")
    .option(...JSON_FLAG)
    // `models` knows --json too and takes it wherever it stands: read both.
    .action((_flags: unknown, list: Command) => listModels(list.optsWithGlobals()));

  models
    .command("pull")
    .description(
      "put a model in the cache: download one (gpt-oss-20b, hf:owner/repo/file.gguf, owner/repo:quant, a URL), make tiny, or unpack toy",
    )
    .argument("[model]", "the model reference", "gpt-oss-20b")
    .action(async (ref: string) => {
      const progress = createProgressRenderer({ label: ref });
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once("SIGINT", onSignal);
      try {
        const model = await resolveModel(ref, {
          onProgress: (p) => progress.update(p),
          signal: controller.signal,
          // The reference is this command's argument: a bad one is named as typed here, not as a --model.
          where: "models pull",
        });
        progress.end(); // before the summary line, so it starts on a line of its own
        await writeOut(
          `${model.ref}: ${model.cached ? "already cached" : GOT[model.source]}, ${bytes(model.sizeBytes)} at ${model.path}\n`,
        );
      } finally {
        progress.end();
        process.off("SIGINT", onSignal);
      }
    });

  registerModelsRecommend(models);
}

async function listModels(flags: { json?: boolean }): Promise<void> {
  // A damaged index still lets the files on disk be listed; what is wrong with it goes to stderr.
  const cached = await listCachedModels({
    onIndexError: (error) => process.stderr.write(`overtone: warning: ${error.message} (${error.hint})\n`),
  });
  if (flags.json) {
    await writeOut(cached.map((m) => `${JSON.stringify(m)}\n`).join(""));
    return;
  }
  if (cached.length === 0) {
    await writeOut(
      "no models cached yet: overtone models pull toy (or tiny, gpt-oss-20b, hf:owner/repo/file.gguf)\n",
    );
    return;
  }
  const rows = cached.map((m) => [
    m.ref,
    bytes(m.sizeBytes),
    m.complete ? "ready" : "partial (resumes)",
    m.path,
  ]);
  await writeOut(`${table([["model", "size", "state", "path"], ...rows])}\n`);
}
