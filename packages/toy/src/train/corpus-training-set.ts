/**
 * The training set of a default run: `trainExamples` conversations of the synthetic Harmony corpus
 * (src/toy/corpus) for the run's seed, and the vocabulary the corpus uses — the train examples' tokens plus the
 * held-out prompts' and Harmony's special tokens, which is what `corpusVocabulary` returns for the same seed,
 * computed without generating the train examples twice.
 */
import { type CorpusMix, corpusVocabulary, generateCorpus } from "../corpus/index.js";
import type { ToyConfig } from "./toy-config.js";
import { buildTrainingSet, type TrainingSet } from "./training-set.js";

/** The corpus mix a recipe asks for (absent fields: none, as the shipped model). */
export function corpusMix(config: ToyConfig): CorpusMix {
  return { dataEvery: config.recipe.dataEvery ?? 0, restyledShare: config.recipe.restyledShare ?? 0 };
}

export function corpusTrainingSet(config: ToyConfig, shared: boolean): TrainingSet {
  const mix = corpusMix(config);
  const examples = generateCorpus({
    seed: config.seed,
    count: config.recipe.trainExamples,
    split: "train",
    mix,
  });
  const used = new Set<number>(corpusVocabulary({ seed: config.seed, trainCount: 0, mix }));
  for (const e of examples) for (const id of e.tokens) used.add(id);
  const vocabulary = Uint32Array.from(used).sort();
  const { maxSequenceLength, decisionWeight } = config.recipe;
  return buildTrainingSet(examples, vocabulary, maxSequenceLength, shared, decisionWeight);
}
