/**
 * The slash commands of `overtone chat`: a typed line is either a message for the model or a command
 * (`/effort`, `/reasoning`, `/reset`, `/stats`, `/help`, `/exit`). Parsing and running are apart so both are
 * testable without a terminal; running returns the lines to show and whether to leave.
 */
import type { Effort } from "../../backends/index.js";
import { EFFORTS } from "../backend-flags.js";
import type { ChatRenderer } from "./chat-renderer.js";
import type { ChatSession } from "./chat-session.js";

export type ChatCommand =
  | { name: "effort"; value?: Effort }
  | { name: "reasoning"; value?: boolean }
  | { name: "reset" }
  | { name: "stats" }
  | { name: "help" }
  | { name: "exit" }
  /** A command that cannot run as typed: the message says why and what to type. */
  | { name: "invalid"; message: string };

export type ChatLine =
  | { type: "empty" }
  | { type: "message"; text: string }
  | { type: "command"; command: ChatCommand };

export const CHAT_HELP = [
  "commands:",
  "  /effort [low|medium|high]  show or set the effort of the next turns",
  "  /reasoning [on|off]        show or hide the model's reasoning",
  "  /reset                     forget the turns (instructions and tools stay)",
  "  /stats                     history size, last request's tokens and speed",
  "  /exit                      leave (also /quit, Ctrl-D, Ctrl-C at empty prompt)",
  "  //text                     send a message that starts with /",
  "Ctrl-C while the model writes stops that turn; it is not kept.",
].join("\n");

const EXIT_NAMES = new Set(["exit", "quit", "bye"]);

export function parseChatLine(line: string): ChatLine {
  const text = line.trim();
  if (text === "") return { type: "empty" };
  if (!text.startsWith("/")) return { type: "message", text: line };
  // `//…` is the escape for a message that really starts with a slash (a path, a regex).
  if (text.startsWith("//")) return { type: "message", text: text.slice(1) };
  const [rawName = "", ...args] = text.slice(1).split(/\s+/);
  const name = rawName.toLowerCase();
  const arg = args[0]?.toLowerCase();
  const command = ((): ChatCommand => {
    if (args.length > 1) return invalid(`/${name} takes one argument at most`);
    switch (name) {
      case "effort":
        if (arg === undefined) return { name };
        return (EFFORTS as readonly string[]).includes(arg)
          ? { name, value: arg as Effort }
          : invalid(`/effort: unknown effort "${args[0]}"; use ${EFFORTS.join(", ")}`);
      case "reasoning":
        if (arg === undefined) return { name };
        if (arg === "on" || arg === "off") return { name, value: arg === "on" };
        return invalid(`/reasoning: expected on or off, found "${args[0]}"`);
      case "reset":
      case "stats":
      case "help":
        return arg === undefined ? { name } : invalid(`/${name} takes no argument`);
      default:
        if (EXIT_NAMES.has(name)) return { name: "exit" };
        return invalid(
          `unknown command /${rawName}; /help lists the commands (//${rawName} sends it as text)`,
        );
    }
  })();
  return { type: "command", command };
}

function invalid(message: string): ChatCommand {
  return { name: "invalid", message };
}

export interface CommandResult {
  /** Lines to show the user. */
  lines: string[];
  exit: boolean;
}

export function runChatCommand(
  command: ChatCommand,
  target: { session: ChatSession; renderer: ChatRenderer },
): CommandResult {
  const { session, renderer } = target;
  const show = (...lines: string[]): CommandResult => ({ lines, exit: false });
  switch (command.name) {
    case "effort":
      if (command.value === undefined) return show(`effort: ${session.effort} (/effort low|medium|high)`);
      session.effort = command.value;
      return show(`effort: ${command.value} from the next turn`);
    case "reasoning":
      if (command.value !== undefined) renderer.reasoning = command.value;
      return show(`reasoning: ${renderer.reasoning ? "shown" : "hidden"}`);
    case "reset": {
      const count = session.history.length;
      session.reset();
      return show(`conversation cleared (${count} message${count === 1 ? "" : "s"} forgotten)`);
    }
    case "stats":
      return show(statsLine(session));
    case "help":
      return show(...CHAT_HELP.split("\n"));
    case "exit":
      return { lines: [], exit: true };
    case "invalid":
      return show(command.message);
  }
}

function statsLine(session: ChatSession): string {
  const count = session.history.length;
  const history = `history: ${count} message${count === 1 ? "" : "s"}, effort ${session.effort}`;
  const finish = session.lastFinish;
  if (finish === undefined) return `${history}; no turn yet`;
  const facts: string[] = [];
  const { usage, timings } = finish;
  if (usage !== undefined) {
    facts.push(`${usage.inputTokens} prompt tokens`);
    const reasoning = usage.reasoningTokens ? ` (${usage.reasoningTokens} reasoning)` : "";
    facts.push(`${usage.outputTokens} output tokens${reasoning}`);
  }
  if (timings?.generationTokensPerSecond !== undefined) {
    facts.push(`${timings.generationTokensPerSecond.toFixed(1)} tokens/s`);
  }
  if (timings?.firstTokenMs !== undefined)
    facts.push(`first token after ${Math.round(timings.firstTokenMs)} ms`);
  return `${history}; last request: ${facts.length > 0 ? facts.join(", ") : "no usage reported"}`;
}
