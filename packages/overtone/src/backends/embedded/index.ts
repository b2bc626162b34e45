/** The embedded backend (gpt-oss in this process through llama.cpp): `createEmbedded({ model, threads? })`. */
export { createEmbedded, type EmbeddedBackend, type EmbeddedBackendOptions } from "./embedded-backend.js";
