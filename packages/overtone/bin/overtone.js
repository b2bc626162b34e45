#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import("../dist/cli/main.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli")) {
    console.error("overtone: the CLI is not built yet. Run `npm run build` (npm ci does it for you).");
    process.exit(1);
  }
  throw error;
});
