export * from "./embedded-backend.js";
