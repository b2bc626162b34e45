/** `@overtone/overtone/gguf`: `@overtone/gguf` and its Node file API (`@overtone/gguf/node`) under one name. */
export * from "@overtone/gguf";
export * from "@overtone/gguf/node";
