/**
 * The embedded llama.cpp engine: the only layer that imports node-llama-cpp. Load a gpt-oss GGUF once
 * (`loadModel`), then generate the assistant's turns as Parts from conversations rendered by Overtone's own
 * Harmony renderer. Model resolution and downloads live in `models/` (their own entry point).
 */
export * from "./engine-model.js";
export * from "./generation-stats.js";
export * from "./llama-runtime.js";
export * from "./load-model.js";
export * from "./model-facts.js";
export * from "./prompt.js";
export * from "./sampling.js";
export * from "./threads.js";
export * from "./token-limit.js";
