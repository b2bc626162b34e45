/**
 * Overtone's backends (`overtone/backends`): the contract, the gpt-oss profile, and one factory per backend.
 * Shared file: each backend adds its own export line.
 */
export type * from "./contract.js";
export * from "./create-backend.js";
export * from "./embedded/index.js";
export * from "./gpt-oss-profile.js";
export * from "./ollama/index.js";
export * from "./openai-compatible/index.js";
