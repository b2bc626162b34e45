/**
 * `npm run toy:package [-- --from FILE]`: trains the toy gpt-oss exactly as `overtone gguf train-toy --seed 1`
 * does (the default recipe, 5–17 minutes on 2 cores), or takes FILE made by that very command with this code, and
 * ships it: data/models/toy-gpt-oss.gguf.gz (gzip -9; the 200k unused
 * vocabulary rows are all alike, so 118 MB become a few MB) and data/models/toy-gpt-oss.json, the manifest
 * `--model toy` checks the unpacked file against. The manifest also keeps the config and the first steps'
 * losses: test/toy/toy-artifact.test.ts trains those steps again, so a change to the corpus or the trainer that
 * would make a different model fails until the model is packaged again.
 */
import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { TOY_MANIFEST } from "../packages/overtone/src/engine/models/toy-model.js";
import { makeToyGptOss, resolveToyConfig, trainToy } from "../packages/toy/src/train/index.js";

const CHECKED_STEPS = 5;
const SEED = 1;
const dataDir = fileURLToPath(new URL("../packages/overtone/data/models/", import.meta.url));
const out = join(tmpdir(), `toy-gpt-oss-${process.pid}.gguf`);

const from =
  process.argv.indexOf("--from") >= 0 ? process.argv[process.argv.indexOf("--from") + 1] : undefined;

/** The trained GGUF, the first losses (from a short identical run when the file was trained elsewhere), stats. */
async function trained() {
  if (from !== undefined) {
    const first = await trainToy({ seed: SEED, stopAfterStep: CHECKED_STEPS });
    const config = resolveToyConfig({ seed: SEED });
    return {
      gguf: await readFile(from),
      config,
      firstLosses: first.losses,
      finalLoss: undefined,
      seconds: undefined,
    };
  }
  const result = await makeToyGptOss({
    seed: SEED,
    out,
    template: "harmony",
    checkpointPath: join(tmpdir(), "toy-gpt-oss-package.checkpoint"),
    onProgress: (p) => {
      if (p.phase === "train" && p.step % 50 === 0)
        process.stderr.write(
          `step ${p.step}/${p.steps} loss ${p.smoothedLoss.toFixed(3)} ETA ${p.etaSeconds.toFixed(0)} s\n`,
        );
    },
  });
  if (result.path === undefined) throw new Error("training stopped early; run again to resume");
  const gguf = await readFile(result.path);
  await rm(result.path);
  const firstLosses = result.trained.losses.slice(0, CHECKED_STEPS);
  return {
    gguf,
    config: result.trained.config,
    firstLosses,
    finalLoss: result.finalLoss,
    seconds: result.elapsedSeconds,
  };
}

const { gguf, config, firstLosses, finalLoss, seconds } = await trained();
const file = "toy-gpt-oss.gguf.gz";
await writeFile(join(dataDir, file), gzipSync(gguf, { level: 9 }));
const manifest = {
  file,
  sha256: createHash("sha256").update(gguf).digest("hex"),
  bytes: gguf.length,
  seed: SEED,
  command: `overtone gguf train-toy --seed ${SEED} --out toy-gpt-oss.gguf`,
  config,
  firstLosses,
  ...(finalLoss !== undefined ? { finalLoss } : {}),
  ...(seconds !== undefined ? { trainingSeconds: Math.round(seconds) } : {}),
  trainedWith: `node ${process.version}`,
};
await writeFile(join(dataDir, TOY_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`packaged ${file}: ${gguf.length} bytes, sha256 ${manifest.sha256}`);
