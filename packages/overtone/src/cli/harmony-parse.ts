/** `overtone harmony parse`: completion token ids or text → messages (serde JSON) or a stream of parts. */

import { HarmonyParseError, InputError } from "@overtone/errors";
import {
  messageToJson,
  type ParsedMessage,
  parseCompletionTokens,
  parseTokenList,
  partsFromText,
  partsFromTokens,
  partToJson,
  ROLES,
  type Role,
  START,
  TextStreamParser,
} from "@overtone/harmony";
import type { Command } from "commander";
import { choice, readInput, writeOut } from "./io.js";

const SOURCES = ["tokens", "text"] as const;

interface ParseFlags {
  from: string;
  role?: string;
  lenient?: boolean;
  stream?: boolean;
}

export function registerHarmonyParse(harmony: Command): void {
  harmony
    .command("parse")
    .description(
      "parse a completion (token ids or text) into messages, as JSON in openai_harmony's serde shape",
    )
    .argument("[file]", "input file, or - for standard input", "-")
    .option(
      "--from <source>",
      "tokens (whitespace-separated ids) or text (special tokens written as text)",
      "tokens",
    )
    .option(
      "--role <role>",
      "role of the first message when the prompt ended in <|start|>ROLE, or none (default: none if the input starts with <|start|>, else assistant)",
    )
    .option(
      "--lenient",
      "recover malformed output (missing <|message|>, missing <|start|>, stripped special tokens)",
    )
    .option("--stream", "write one JSON stream part per line instead of a message array")
    .action(async (file: string, flags: ParseFlags) => {
      const from = choice("--from", flags.from, SOURCES);
      const input = await readInput(file, from === "tokens" ? "token ids" : "Harmony text");
      if (from === "text") input.text = trimAfterLastStop(input.text);
      const tokens = from === "tokens" ? tokenList(input.text, input.source) : undefined;
      const startsWithStart = tokens ? tokens[0] === START : input.text.trimStart().startsWith("<|start|>");
      const role = resolveRole(flags.role, startsWithStart);
      const options = { ...(role ? { role } : {}), strict: !flags.lenient };
      if (flags.stream) {
        const parts = tokens
          ? partsFromTokens(tokens, options)
          : partsFromText([input.text], { ...options, recoverStrippedTokens: Boolean(flags.lenient) });
        let failed = false;
        for await (const part of parts) {
          await writeOut(`${JSON.stringify(partToJson(part))}\n`);
          if (part.type === "error") failed = true;
        }
        if (failed) process.exitCode = 1;
        return;
      }
      let parsed: ParsedMessage[];
      try {
        parsed = tokens
          ? parseCompletionTokens(tokens, options)
          : new TextStreamParser({ ...options, recoverStrippedTokens: Boolean(flags.lenient) })
              .push(input.text)
              .end().parsedMessages;
      } catch (error) {
        throw inFlagWords(error);
      }
      await writeOut(
        `${JSON.stringify(
          parsed.map((p) => messageToJson(p.message)),
          null,
          2,
        )}\n`,
      );
    });
}

/**
 * Files end with a newline; after a final stop token it would parse as a stray message. Whitespace is dropped only
 * there: at end of stream inside a message it is content.
 */
function trimAfterLastStop(text: string): string {
  const trimmed = text.trimEnd();
  return /<\|(?:end|return|call)\|>$/.test(trimmed) ? trimmed : text;
}

function resolveRole(flag: string | undefined, startsWithStart: boolean): Role | undefined {
  if (flag === undefined) return startsWithStart ? undefined : "assistant";
  if (flag === "none") return undefined;
  return choice("--role", flag, ROLES);
}

/** Token ids; text given without `--from text` (the default is tokens) gets a hint to add it. */
function tokenList(text: string, source: string): number[] {
  try {
    return parseTokenList(text, source);
  } catch (error) {
    if (!(error instanceof InputError) || !/is not a token id$/.test(error.message)) throw error;
    throw new InputError(error.message, {
      where: error.where,
      hint: "to parse Harmony text like <|start|>assistant…, add --from text; token input is ids separated by spaces",
      cause: error,
    });
  }
}

/**
 * The library's hints name its options (`strict: false`, `role: 'assistant'`, `recoverStrippedTokens: true`); a
 * CLI user has flags (--lenient turns on both recoveries). Same error, hint in flag words.
 */
function inFlagWords(error: unknown): unknown {
  if (!(error instanceof HarmonyParseError) || error.hint === undefined) return error;
  const hint = error.hint
    .replace(/strict: false|recoverStrippedTokens: true/g, "--lenient")
    .replace(/role: 'assistant'/g, "--role assistant");
  if (hint === error.hint) return error;
  return new HarmonyParseError(error.message, {
    offset: error.offset,
    state: error.state,
    hint,
    cause: error,
  });
}
