/**
 * Once per test run: make sure the llama.cpp source that node-llama-cpp ships is unpacked (its git bundle,
 * offline, a few seconds), so tests that compare against llama.cpp's own files (the official gpt-oss template,
 * its vocab GGUFs) run instead of skipping on a fresh clone.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const source = fileURLToPath(
    new URL("../node_modules/node-llama-cpp/llama/llama.cpp/models/templates", import.meta.url),
  );
  if (existsSync(source)) return;
  execFileSync("npx", ["--no", "node-llama-cpp", "source", "download", "--skipBuild"], {
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 300_000,
  });
  if (!existsSync(source)) throw new Error(`unpacking llama.cpp's source did not create ${source}`);
}
