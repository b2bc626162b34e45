/** `@overtone/overtone/harmony`: the whole of `@overtone/harmony`, for code that already depends on Overtone. */
export * from "@overtone/harmony";
