/**
 * `overtone proofread --diff` on the toy model through the built CLI (issue 15): the toy does not proofread, it
 * answers, so the diff has something to show — its format is what is checked, and that the reasoning the toy
 * writes first is not in it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_MODEL_DIR } from "../support/tiny-models.js";
import { runCli } from "./run-cli.js";

const work = mkdtempSync(join(tmpdir(), "overtone-proofread-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { OVERTONE_CACHE: join(TEST_MODEL_DIR, "toy-cache"), OVERTONE_OFFLINE: "1" };
// Medium effort: on this input the toy reasons first ("The user asks …"), then answers.
const TOY = ["proofread", "--model", "toy", "--temperature", "0", "--threads", "1", "--effort", "medium"];
const INPUT = "What is 12 + 7?\n";
const MARKERS = /<\|(start|channel|message|end|return|call|constrain)\|>/;

describe("proofread --diff on the toy model", () => {
  it("--diff prints the unified-style diff of the input and the corrected text", () => {
    const file = join(work, "text.txt");
    writeFileSync(file, INPUT);
    const result = runCli([...TOY, "--diff", file], undefined, env);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^--- original\n\+\+\+ corrected\n@@ -1,1 \+1,\d+ @@\n-What is 12 \+ 7\?\n\+/,
    );
    expect(result.stdout).toMatch(/\n~.*(\[-|\{\+)/);
    expect(result.stdout).not.toMatch(/The user asks/);
    expect(result.stdout).not.toMatch(MARKERS);
  });
});
