/**
 * `overtone data chat FILES…`: questions over data files, one per line, with `chat`'s terminal habits: the
 * reasoning streams dimmed (behind "│ " without colours), each query call shows as `→ query({...})`, Ctrl-C stops
 * the question being answered, Ctrl-D or /exit leaves. The agent remembers earlier questions and their answers
 * (never the failures or the reasoning), so follow-ups work; /reset forgets them. From a pipe, each line is a
 * question, answers go to stdout without prompts, and the exit status is 1 if a question failed.
 */
import { isOvertoneError } from "@overtone/errors";
import type { Part } from "@overtone/harmony";
import type { Command } from "commander";
import { loadNow } from "./backend-flags.js";
import { createChatInput } from "./chat/chat-input.js";
import { PROMPT } from "./chat/chat-loop.js";
import { ChatRenderer, useColor } from "./chat/chat-renderer.js";
import {
  addDataAgentOptions,
  answerJson,
  answerText,
  type DataAgentFlags,
  openDataAgent,
} from "./data-agent-cli.js";
import { writeOut } from "./io.js";

export const DATA_CHAT_HELP = [
  "commands:",
  "  /sql [on|off]        show or hide the SQL that ran",
  "  /reasoning [on|off]  show or hide the model's reasoning (terminal)",
  "  /reset               forget earlier questions and answers",
  "  /help                this list",
  "  /exit                leave (also /quit, Ctrl-D)",
  "  //text               ask a question that starts with /",
  "Ctrl-C while the model works stops that question.",
].join("\n");

export function registerDataChat(data: Command): void {
  const command = data
    .command("chat")
    .description("ask questions about data files in a conversation (streams reasoning, remembers answers)")
    .argument("<files...>", "CSV, Parquet or JSON files")
    .addHelpText("after", `\n${DATA_CHAT_HELP}\n`);
  addDataAgentOptions(command).action(async (files: string[], flags: DataAgentFlags) => {
    const opened = await openDataAgent(files, flags, command);
    const input = createChatInput({ input: process.stdin, output: process.stdout });
    const renderer = new ChatRenderer({
      color: useColor(),
      reasoning: input.terminal,
      announceHidden: false,
      notesApart: true,
    });
    const state = { showSql: flags.showSql === true, reasoning: input.terminal };
    let failed = 0;
    try {
      await loadNow(opened.backend);
      if (input.terminal) {
        const names = opened.sandbox.tables.map((t) => t.name).join(", ");
        await writeOut(
          renderer.info(
            `tables: ${names}. gpt-oss on ${opened.backend.kind}. /help for commands, Ctrl-D to leave.`,
          ),
        );
      }
      for (;;) {
        const read = await input.read(PROMPT);
        if (read.type === "end") break;
        if (read.type === "interrupt") break;
        const line = read.text.trim();
        if (line === "") continue;
        if (line.startsWith("/") && !line.startsWith("//")) {
          const outcome = runCommand(line, state, () => opened.agent.memory.clear());
          if (outcome === "exit") break;
          renderer.reasoning = state.reasoning;
          await writeOut(
            outcome
              .split("\n")
              .map((l) => renderer.info(l))
              .join(""),
          );
          continue;
        }
        const question = line.startsWith("//") ? line.slice(1) : line;
        const controller = new AbortController();
        const idle = input.busy(() => controller.abort());
        // On a terminal the turn streams (reasoning dimmed, calls, the answer); from a pipe only answers are written.
        let pending = Promise.resolve();
        const onPart = (part: Part) => {
          const text = renderer.render(part);
          renderer.takeNotes();
          if (text !== "") pending = pending.then(() => writeOut(text));
        };
        try {
          const answer = await opened.agent.ask(question, {
            signal: controller.signal,
            ...(input.terminal && !flags.json ? { onPart } : {}),
          });
          await pending;
          await writeOut(renderer.endLine());
          if (flags.json) await writeOut(answerJson(answer));
          else await writeOut(answerText(answer, state.showSql, !input.terminal));
        } catch (error) {
          if (!isOvertoneError(error) && !controller.signal.aborted) throw error;
          failed++;
          await pending;
          await writeOut(renderer.endLine());
          process.stderr.write(
            `overtone: ${controller.signal.aborted ? "stopped" : (error as Error).message}\n`,
          );
        } finally {
          idle();
        }
      }
    } finally {
      input.close();
      await opened.close();
    }
    if (!input.terminal && failed > 0) process.exitCode = 1;
  });
}

/** Runs a slash command: the lines to show, or "exit". */
function runCommand(
  line: string,
  state: { showSql: boolean; reasoning: boolean },
  reset: () => void,
): string | "exit" {
  const [name = "", arg, extra] = line.slice(1).toLowerCase().split(/\s+/);
  const onOff = (current: boolean) => (arg === "on" ? true : arg === "off" ? false : current);
  if (extra !== undefined || (arg !== undefined && !["on", "off"].includes(arg))) {
    return `/${name}: expected on or off, found "${line.slice(name.length + 2)}"`;
  }
  switch (name) {
    case "exit":
    case "quit":
      return "exit";
    case "reset":
      reset();
      return "earlier questions forgotten";
    case "sql":
      state.showSql = onOff(state.showSql);
      return `SQL: ${state.showSql ? "shown" : "hidden"}`;
    case "reasoning":
      state.reasoning = onOff(state.reasoning);
      return `reasoning: ${state.reasoning ? "shown" : "hidden"}`;
    case "help":
      return DATA_CHAT_HELP;
    default:
      return `unknown command /${name}; /help lists them`;
  }
}
