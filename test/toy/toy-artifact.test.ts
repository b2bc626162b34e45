/**
 * The shipped toy model is the one the code makes: its manifest's config is today's default for its seed, and
 * training the first steps again gives bit-identical losses. A change to the corpus, the tokenizer, the
 * initialisation or the trainer that would train a different model fails here until `npm run toy:package`
 * trains and ships it again (the full run is ~20 minutes, too long for every CI run; these steps take seconds).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TOY_DATA_DIR, TOY_MANIFEST } from "../../packages/overtone/src/engine/models/toy-model.js";
import { resolveToyConfig, trainToy } from "../../packages/toy/src/train/index.js";

interface Manifest {
  seed: number;
  config: unknown;
  firstLosses: number[];
}

describe("the shipped toy model", () => {
  it("is reproducible from its seed with today's code", async () => {
    const manifest = JSON.parse(await readFile(join(TOY_DATA_DIR, TOY_MANIFEST), "utf8")) as Manifest;
    const retrain = "run `npm run toy:package` to train and ship the toy model again";
    expect(manifest.config, `the default config changed: ${retrain}`).toEqual(
      resolveToyConfig({ seed: manifest.seed }),
    );
    expect(manifest.firstLosses.length).toBeGreaterThan(0);
    const trained = await trainToy({ seed: manifest.seed, stopAfterStep: manifest.firstLosses.length });
    expect(trained.losses, `training no longer reproduces the shipped model: ${retrain}`).toEqual(
      manifest.firstLosses,
    );
  }, 300_000);
});
