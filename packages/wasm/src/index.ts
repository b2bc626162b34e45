/**
 * WebAssembly built at run time: a small encoder (encoder.ts) and the JS API's types (api.ts). A leaf like
 * errors/: it imports nothing, so the pure libraries (gguf/) and the trainer (toy/) can both build kernels.
 */
export { type WasmMemory, wasm } from "./api.js";
export { encodeModule, F32, FunctionBuilder, I32 } from "./encoder.js";
