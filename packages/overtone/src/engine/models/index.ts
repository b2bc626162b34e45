/**
 * Model resolution for `overtone run --model X` and `overtone models`: parse a reference, find or make or
 * download the GGUF (resumable, checksummed), list the cache, and show download progress.
 */
export * from "./cache-dir.js";
export * from "./cache-index.js";
export * from "./download.js";
export { parseContentRange, sha256FromEtag } from "./download-request.js";
export * from "./hugging-face.js";
export * from "./model-ref.js";
export * from "./progress.js";
export * from "./progress-render.js";
export * from "./resolve-model.js";
export * from "./tiny-model.js";
export * from "./toy-model.js";
