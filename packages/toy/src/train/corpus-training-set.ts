/**
 * The training set of a default run: `trainExamples` conversations of the synthetic Harmony corpus
 * (src/toy/corpus) for the run's seed, and the vocabulary the corpus uses — the train examples' tokens plus the
 * held-out prompts' and Harmony's special tokens, which is what `corpusVocabulary` returns for the same seed,
 * computed without generating the train examples twice.
 */
import { corpusVocabulary, generateCorpus } from "../corpus/index.js";
import type { ToyConfig } from "./toy-config.js";
import { buildTrainingSet, type TrainingSet } from "./training-set.js";

export function corpusTrainingSet(config: ToyConfig, shared: boolean): TrainingSet {
  const examples = generateCorpus({ seed: config.seed, count: config.recipe.trainExamples, split: "train" });
  const used = new Set<number>(corpusVocabulary({ seed: config.seed, trainCount: 0 }));
  for (const e of examples) for (const id of e.tokens) used.add(id);
  const vocabulary = Uint32Array.from(used).sort();
  const { maxSequenceLength, decisionWeight } = config.recipe;
  return buildTrainingSet(examples, vocabulary, maxSequenceLength, shared, decisionWeight);
}
