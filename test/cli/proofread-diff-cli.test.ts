/**
 * `overtone proofread --diff` on the toy model through the built CLI (issue 15): the toy does not proofread, it
 * answers, so the diff has something to show — its format is what is checked, and that the reasoning the toy
 * writes first is not in it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INPUT, MARKERS, TOY, TOY_ENV, workDir } from "./proofread-toy.js";
import { runCli } from "./run-cli.js";

const work = workDir();
const env = TOY_ENV;

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
