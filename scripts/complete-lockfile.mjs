#!/usr/bin/env node
/**
 * Adds the lock entries npm leaves out: platform-specific optional dependencies for other platforms (biome's,
 * rollup's and node-llama-cpp's binaries for macOS, Windows, …). Without them `npm ci` refuses the lock
 * ("Missing: @biomejs/cli-darwin-arm64@ from lock file"; npm/cli#8320, #4828). The registry our machines reach
 * serves only this platform's binaries, so npm cannot record the others itself. The entries name the exact
 * version and are marked optional; development installs omit optional dependencies (`.npmrc`), so they are
 * never fetched. Run it after any `npm install` that changes package-lock.json:
 * `node scripts/complete-lockfile.mjs`.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const packages = lock.packages;

const missing = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path}/node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (!(nested in packages) && !(top in packages)) missing.push({ name, version, dev: entry.dev === true });
  }
}

for (const { name, version, dev } of missing) {
  packages[`node_modules/${name}`] = dev
    ? { version, dev: true, optional: true }
    : { version, optional: true };
  console.log(`added ${name}@${version}`);
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
const tmp = new URL("../package-lock.json.tmp", import.meta.url);
writeFileSync(tmp, `${JSON.stringify(lock, null, 2)}\n`);
renameSync(tmp, lockPath);
console.log(`${missing.length} entries added`);
