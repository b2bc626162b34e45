/** Overtone's Harmony library: pure TypeScript, imports nothing else of Overtone's but its error classes. */
export * from "./builders.js";
export * from "./builtin-tools.js";
export * from "./json.js";
export * from "./parser-types.js";
export * from "./special-tokens.js";
export * from "./tokenizer.js";
export * from "./types.js";
