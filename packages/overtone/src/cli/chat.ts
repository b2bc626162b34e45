/**
 * `overtone chat`: an interactive terminal chat with gpt-oss on any backend, with `run`'s flags. The model is
 * loaded (or the server found) once — on a terminal in the background, while the first message is typed; each
 * line is a turn that streams reasoning dimmed and apart from the answer, shows tool calls and asks for their
 * results, and keeps the history by Harmony's rules.
 */
import type { Command } from "commander";
import {
  addBackendOptions,
  type BackendFlags,
  backendSetup,
  conversationStart,
  loadNow,
  openBackend,
} from "./backend-flags.js";
import { CHAT_HELP } from "./chat/chat-commands.js";
import { createChatInput } from "./chat/chat-input.js";
import { runChatLoop } from "./chat/chat-loop.js";
import { ChatRenderer, useColor } from "./chat/chat-renderer.js";
import { ChatSession } from "./chat/chat-session.js";
import { writeOut } from "./io.js";

const DETAILS = `
Type a message and press Enter; the answer streams as the model writes it.
Reasoning shows dimmed on its own lines (behind "│ " without colours), a tool
call as "→ name(arguments)". After a tool call, type the tool's result at the
"tool NAME result›" prompt and the model goes on. The history keeps every
message; earlier turns' reasoning is dropped from what the model sees, as
Harmony prescribes. An interrupted or failed turn is not kept.

${CHAT_HELP}

Colours are off when NO_COLOR is set or stdout is not a terminal. From a pipe,
each line is a message (or, after a tool call, the tool's result); answers are
written without prompts, notes (such as a turn cut at --max-tokens) go to
stderr, and the exit status is 1 if a turn failed.

Examples:
  overtone chat --model toy --max-tokens 256
  overtone chat --backend ollama --model gpt-oss:20b --tools tools.json
  echo "What is 2 + 2?" | overtone chat --backend openai --url http://127.0.0.1:8080/v1
`;

export function registerChat(program: Command): void {
  addBackendOptions(
    program
      .command("chat")
      .description("talk with gpt-oss in the terminal: streamed reasoning and answers, tool calls, history"),
  )
    .addHelpText("after", DETAILS)
    .action(async (flags: BackendFlags) => {
      const setup = await backendSetup(flags);
      const backend = await openBackend(setup);
      let loadFailure: { error: unknown } | undefined;
      try {
        const input = createChatInput({ input: process.stdin, output: process.stdout });
        // On a terminal the model loads while the first message is typed (the first answer waits for it); a
        // load that fails ends the chat with its error. From a pipe, it loads first, as before.
        const background = input.terminal ? readyOf(backend) : undefined;
        if (background !== undefined) {
          background.catch((error: unknown) => {
            loadFailure = { error };
            input.close();
          });
        } else await loadNow(backend);
        // From a pipe, stdout holds only the conversation; notes about it go to stderr.
        const renderer = new ChatRenderer({
          color: useColor(),
          reasoning: true,
          notesApart: process.stdout.isTTY !== true,
          ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
        });
        const session = new ChatSession({
          backend,
          start: conversationStart(setup),
          effort: setup.effort,
          sampling: setup.sampling,
          ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
        });
        if (input.terminal) {
          await writeOut(
            renderer.info(
              `gpt-oss on ${backend.kind} (${backend.location}), effort ${setup.effort}. ` +
                "/help for commands, Ctrl-D to leave.",
            ),
          );
          if (background !== undefined) {
            await writeOut(
              renderer.info(
                "loading the model: type your first message, it is answered once the model is in",
              ),
            );
          }
        }
        try {
          const result = await runChatLoop({
            input,
            session,
            renderer,
            write: writeOut,
            note: (line) => {
              process.stderr.write(line);
            },
          });
          if (!input.terminal && result.failedTurns > 0) process.exitCode = 1;
        } finally {
          input.close();
        }
      } finally {
        await backend.close();
      }
      if (loadFailure !== undefined) throw loadFailure.error;
    });
}

/** The embedded backend's load, started now; undefined for a server backend (nothing to load). */
function readyOf(backend: object): Promise<unknown> | undefined {
  if (!("ready" in backend) || typeof backend.ready !== "function") return undefined;
  return (backend.ready as () => Promise<unknown>)();
}
