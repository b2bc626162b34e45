/**
 * What the proofread CLI tests on the toy model share (proofread-cli.test.ts, proofread-diff-cli.test.ts; two
 * files so they run in parallel): the command line, the offline environment, the input, Harmony's markers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { TEST_MODEL_DIR } from "../support/tiny-models.js";

export const TOY_ENV = { OVERTONE_CACHE: join(TEST_MODEL_DIR, "toy-cache"), OVERTONE_OFFLINE: "1" };
// Medium effort: on this input the toy reasons first ("The user asks …"), then answers.
export const TOY = [
  "proofread",
  "--model",
  "toy",
  "--temperature",
  "0",
  "--threads",
  "1",
  "--effort",
  "medium",
];
export const INPUT = "What is 12 + 7?\n";
export const MARKERS = /<\|(start|channel|message|end|return|call|constrain)\|>/;

/** A temporary folder for the test file's inputs, removed after its tests. */
export function workDir(): string {
  const work = mkdtempSync(join(tmpdir(), "overtone-proofread-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  return work;
}
