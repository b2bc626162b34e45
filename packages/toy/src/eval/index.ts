/** Scoring the toy model's behaviour on held-out cases of its corpus (the runner lives with the engine's users). */
export * from "./score-case.js";
export * from "./summarize.js";
