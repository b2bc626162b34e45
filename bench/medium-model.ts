/**
 * The ≥ 400 MB gpt-oss GGUF the benches share (8 layers of width 512, 8 experts, the real vocabulary, a ChatML
 * template so a template change has something to fix): made once, kept in the temp folder.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTinyGptOss } from "@overtone/makers";

export const BENCH_DIR = join(tmpdir(), "overtone-bench-gguf");

export async function mediumModelPath(): Promise<string> {
  const path = join(BENCH_DIR, "medium-gpt-oss-mxfp4.gguf");
  if (existsSync(path) && statSync(path).size >= 400e6) return path;
  mkdirSync(BENCH_DIR, { recursive: true });
  console.log("making the ~460 MB gpt-oss GGUF the benches share (once; kept in the temp folder) …");
  const shape = {
    layers: 8,
    embd: 512,
    heads: 8,
    kvHeads: 2,
    headDim: 64,
    experts: 8,
    expertsUsed: 2,
    ff: 512,
  };
  await makeTinyGptOss({ out: path, template: "chatml", ...shape });
  return path;
}
