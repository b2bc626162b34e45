/** Training the toy gpt-oss model: backward pass, AdamW, checkpoints, and export to a gpt-oss GGUF. */
export * from "./checkpoint.js";
export * from "./export-gguf.js";
export * from "./held-out-loss.js";
export * from "./make-toy-gpt-oss.js";
export * from "./toy-config.js";
export * from "./toy-forward.js";
export * from "./train-toy.js";
export * from "./training-set.js";
export * from "./vocab-design.js";
export * from "./vocab-margin.js";
