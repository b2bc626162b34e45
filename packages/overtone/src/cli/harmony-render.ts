/** `overtone harmony render`: a Conversation JSON (serde shape) → Harmony text or token ids. */

import {
  type Conversation,
  conversationFromJson,
  decodeUtf8,
  formatTokenList,
  parseJsonText,
  ROLES,
  renderConversation,
  renderConversationForCompletion,
  renderConversationForTraining,
} from "@overtone/harmony";
import type { Command } from "commander";
import { choice, readInput, writeOut } from "./io.js";

const MODES = ["completion", "conversation", "training"] as const;
const FORMATS = ["text", "tokens"] as const;

interface RenderFlags {
  format: string;
  mode: string;
  nextRole: string;
  autoDropAnalysis: boolean;
}

export function registerHarmonyRender(harmony: Command): void {
  harmony
    .command("render")
    .description("render a Conversation JSON (openai_harmony's serde shape) as Harmony text or token ids")
    .argument("[file]", "Conversation JSON file, or - for standard input", "-")
    .option("--format <format>", "text (exact, nothing added) or tokens (ids separated by spaces)", "text")
    .option("--mode <mode>", "completion (ends with <|start|>ROLE), conversation, or training", "completion")
    .option("--next-role <role>", "the role that speaks next, in completion mode", "assistant")
    .option("--no-auto-drop-analysis", "keep analysis messages that come before a final answer")
    .action(async (file: string, flags: RenderFlags) => {
      const format = choice("--format", flags.format, FORMATS);
      const mode = choice("--mode", flags.mode, MODES);
      const nextRole = choice("--next-role", flags.nextRole, ROLES);
      const input = await readInput(file, "a Conversation JSON");
      const conversation = readConversation(parseJsonText(input.text, input.source), input.source);
      const config = { autoDropAnalysis: flags.autoDropAnalysis };
      const tokens =
        mode === "completion"
          ? renderConversationForCompletion(conversation, nextRole, config)
          : mode === "training"
            ? renderConversationForTraining(conversation, config)
            : renderConversation(conversation, config);
      await writeOut(format === "tokens" ? formatTokenList(tokens) : decodeUtf8(tokens));
    });
}

/** A Conversation object, or (for convenience) a bare array of messages. */
function readConversation(json: unknown, source: string): Conversation {
  return conversationFromJson(Array.isArray(json) ? { messages: json } : json, source);
}
