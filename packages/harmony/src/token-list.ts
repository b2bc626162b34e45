/**
 * Token ids as text: whitespace-separated decimal ids, as upstream's `test_*.txt` id files and
 * `overtone harmony render --format tokens` write them.
 */
import { InputError } from "@overtone/errors";
import { NUM_TOKENS } from "./special-tokens.js";
import { isKnownToken } from "./tokenizer.js";

/** Parses ids, rejecting anything that is not a known o200k_harmony id, with its 1-based position. */
export function parseTokenList(text: string, source = "input"): number[] {
  const words = text.split(/\s+/).filter((word) => word !== "");
  return words.map((word, index) => {
    const where = `${source}: token ${index + 1}`;
    if (!/^\d+$/.test(word)) {
      throw new InputError(`${where}: ${JSON.stringify(word.slice(0, 20))} is not a token id`, {
        where,
        hint: "token input is whitespace-separated decimal ids",
      });
    }
    const id = Number(word);
    if (!isKnownToken(id)) {
      throw new InputError(
        `${where}: unknown token id ${word} (o200k_harmony has ids 0..${NUM_TOKENS - 1})`,
        {
          where,
        },
      );
    }
    return id;
  });
}

export function formatTokenList(tokens: readonly number[]): string {
  return `${tokens.join(" ")}\n`;
}
