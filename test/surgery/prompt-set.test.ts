/**
 * `surgery measure`'s prompt sets: JSONL of user texts or Harmony conversations, rendered by Overtone's Harmony
 * renderer, and the three position rules pointing at the token they name (checked by decoding around it).
 */
import { writeFileSync } from "node:fs";
import { decode } from "@overtone/harmony";
import { afterAll, describe, expect, it } from "vitest";
import { measuredPrompt, readPromptSet } from "../../packages/overtone/src/surgery/prompt-set.js";
import { tempDir } from "../support/gguf-samples.js";

const temp = tempDir("overtone-prompts-");
afterAll(() => temp.remove());

function file(name: string, text: string): string {
  const path = temp.path(name);
  writeFileSync(path, text);
  return path;
}

describe("prompt sets", () => {
  it("reads strings and conversation objects, skips blank lines, hashes the file", async () => {
    const path = file(
      "a.jsonl",
      '"What is 2 + 2?"\n\n{"messages":[{"role":"developer","content":[{"type":"text","text":"Be brief."}]},{"role":"user","content":[{"type":"text","text":"Name a color."}]}]}\n',
    );
    const set = await readPromptSet(path);
    expect(set.conversations).toHaveLength(2);
    expect(set.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(set.conversations[0]?.messages.map((m) => m.author.role)).toEqual(["system", "user"]);
    expect(set.conversations[1]?.messages.map((m) => m.author.role)).toEqual(["developer", "user"]);
  });

  it("refuses a line that is not JSON, or not a prompt, naming the line", async () => {
    await expect(readPromptSet(file("b.jsonl", '"ok"\nnot json\n'))).rejects.toThrow(
      /b\.jsonl:2: not a JSON value/,
    );
    await expect(readPromptSet(file("c.jsonl", "42\n"))).rejects.toThrow(
      /c\.jsonl:1: a prompt is a JSON string/,
    );
    await expect(readPromptSet(file("d.jsonl", "\n"))).rejects.toThrow(/has no prompts/);
  });

  it("the position rules point at the token they name", async () => {
    const set = await readPromptSet(file("e.jsonl", '"Which city is the capital of Cuba?"\n'));
    const c = set.conversations[0];
    if (c === undefined) throw new Error("no prompt");
    const at = (rule: "assistant-start" | "last-user" | "final-start") => {
      const p = measuredPrompt(c, rule);
      return {
        ...p,
        around: decode(p.tokens.slice(p.position - 2, p.position + 2)),
        token: decode([p.tokens[p.position] as number]),
      };
    };
    const start = at("assistant-start");
    expect(start.position).toBe(start.tokens.length - 1);
    expect(start.around).toBe("<|end|><|start|>assistant");
    const user = at("last-user");
    expect(user.token).toBe("?");
    expect(user.around).toBe(" of Cuba?<|end|>");
    const final = at("final-start");
    expect(decode(final.tokens.slice(-3))).toBe("<|channel|>final<|message|>");
    expect(final.position).toBe(final.tokens.length - 1);
  });
});
