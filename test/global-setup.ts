/**
 * Once per test run (per tier): say which Node runs the tests, and make sure the llama.cpp source that
 * node-llama-cpp ships is unpacked (its git bundle, offline, a few seconds), so tests that compare against
 * llama.cpp's own files (the official gpt-oss template, its vocab GGUFs) have them on a fresh clone.
 *
 * CI runs the fast tier a second time on another Node major and sets OVERTONE_EXPECT_NODE_MAJOR: if the PATH
 * set-up went wrong and the tests would run on the first Node again, this fails instead of passing unnoticed.
 * The test files' processes are forked from this one (same `process.execPath`), so they run on this Node too.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  console.info(`tests run on Node ${process.version} (${process.execPath})`);
  const expected = process.env.OVERTONE_EXPECT_NODE_MAJOR;
  const major = process.versions.node.split(".")[0];
  if (expected !== undefined && expected !== major) {
    throw new Error(`OVERTONE_EXPECT_NODE_MAJOR is ${expected} but the tests run on Node ${process.version}`);
  }
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
