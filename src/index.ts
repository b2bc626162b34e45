export * from "./errors/index.js";
export * as harmony from "./harmony/index.js";
