/**
 * The reference gpt-oss forward pass: a clear float64 restatement of llama.cpp's graph, reading weights from a
 * GGUF through Overtone's codecs. Use it to check llama.cpp's logits, a trainer's exported models, or a
 * weight edit:
 *
 *   const model = await loadReferenceModel("tiny.gguf");
 *   const logits = referenceForward(model, tokens); // T × vocab, row t = position t
 */
export * from "./attention.js";
export * from "./hyperparameters.js";
export * from "./kernels.js";
export * from "./mixture-of-experts.js";
export * from "./reference-forward.js";
export * from "./reference-weights.js";
export * from "./rope-yarn.js";
