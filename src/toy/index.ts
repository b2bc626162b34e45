/**
 * The toy gpt-oss: a reference forward pass (checked against llama.cpp), the synthetic Harmony corpus, the
 * trainer that makes a model which speaks Harmony, and the behaviour scoring of held-out cases.
 */
export * as corpus from "./corpus/index.js";
export * as evaluation from "./eval/index.js";
export * as reference from "./reference/index.js";
export * as train from "./train/index.js";
