/**
 * The read–answer loop of `overtone chat`: a line in; a command runs, a message becomes a turn whose parts are
 * rendered as they stream; a tool call asks for the tool's result at its own prompt and the turn continues.
 * Ctrl-C while the model writes (or at the tool prompt) ends that turn only; at an empty prompt, or at the end of
 * input, the loop ends.
 */
import { parseChatLine, runChatCommand } from "./chat-commands.js";
import type { ChatInput } from "./chat-input.js";
import { type ChatRenderer, toolLabel } from "./chat-renderer.js";
import type { ChatSession, TurnOutcome } from "./chat-session.js";

export const PROMPT = "› ";

export function toolPrompt(recipient: string): string {
  return `tool ${toolLabel(recipient)} result› `;
}

export interface ChatLoopOptions {
  input: ChatInput;
  session: ChatSession;
  renderer: ChatRenderer;
  /** Writes to the terminal; resolves once written, so a long answer is not buffered without bound. */
  write(text: string): Promise<void> | void;
  /** Writes one finish note that the renderer keeps apart (`notesApart`): stderr, when stdout is a pipe. */
  note?(text: string): Promise<void> | void;
}

export interface ChatLoopResult {
  turns: number;
  /** Turns that ended in an error (a backend failure), not counting interrupted ones. */
  failedTurns: number;
}

export async function runChatLoop(options: ChatLoopOptions): Promise<ChatLoopResult> {
  const { input, session, renderer, write } = options;
  const result: ChatLoopResult = { turns: 0, failedTurns: 0 };
  for (;;) {
    const read = await input.read(PROMPT);
    if (read.type !== "line") return result;
    const line = parseChatLine(read.text);
    if (line.type === "empty") continue;
    if (line.type === "command") {
      const outcome = runChatCommand(line.command, { session, renderer });
      for (const text of outcome.lines) await write(renderer.info(text));
      if (outcome.exit) return result;
      continue;
    }
    result.turns++;
    const { outcome, inputEnded } = await oneTurn(options, line.text);
    if (outcome.error !== undefined || outcome.finish?.reason === "error") result.failedTurns++;
    if (inputEnded) return result;
  }
}

async function oneTurn(
  { input, session, renderer, write, note }: ChatLoopOptions,
  text: string,
): Promise<{ outcome: TurnOutcome; inputEnded: boolean }> {
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  let idle = input.busy(interrupt);
  let inputEnded = false;
  try {
    const turn = session.turn(text, {
      signal: controller.signal,
      toolResult: async (call) => {
        idle();
        const answer = await input.read(toolPrompt(call.recipient));
        idle = input.busy(interrupt);
        if (answer.type === "end") inputEnded = true;
        return answer.type === "line" ? answer.text : undefined;
      },
    });
    try {
      for (;;) {
        const step = await turn.next();
        if (step.done) return { outcome: step.value, inputEnded };
        await write(renderer.render(step.value));
        for (const line of renderer.takeNotes()) await (note ?? write)(`${line}\n`);
      }
    } finally {
      // A failed write (a closed pipe) must still stop the generation and release the request.
      controller.abort();
      await turn.return({ kept: false });
    }
  } finally {
    idle();
  }
}
