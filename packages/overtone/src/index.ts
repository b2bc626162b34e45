export * from "@overtone/errors";
export * as harmony from "@overtone/harmony";
