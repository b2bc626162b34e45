export * from "./gpt-oss-metadata.js";
export * from "./gpt-oss-tensors.js";
export * from "./gpt-oss-vocab.js";
export * from "./make-tiny-gpt-oss.js";
export * from "./seeded-random.js";
export * from "./tensor-stream.js";
export * from "./tiny-gpt-oss-options.js";
