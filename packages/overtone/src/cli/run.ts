/**
 * `overtone run [PROMPT|-]`: one turn with gpt-oss on any backend. Prints the final answer on stdout (a tool
 * call, if the model makes one, as a line on stderr); with `--reasoning`, the reasoning before it, rendered as
 * `chat` does (dimmed on a terminal, behind a `│ ` gutter otherwise). `--json` prints every stream part as one
 * JSON line, ending in `finish`, and nothing else.
 *
 * A request that ends other than by a plain stop gets a note on stderr in the CLI's words (finish-notes.ts):
 * `stopped at the token limit (--max-tokens 40): the answer is cut short; raise --max-tokens`. The exit status
 * stays 0 for a cut answer: the limit is the user's own choice and what came out is what it allowed; a script
 * that must tell a cut from a whole answer reads `reason` from `--json`. A failed generation exits 1, and so
 * does a tool call that names no tool when the backend could not repair it (finish `tool-calls` with no call,
 * its note saying why: backends/tool-call-check.ts), with or without `--json`: nothing can act on that turn.
 */

import { InputError } from "@overtone/errors";
import { conversation, message, partToJson } from "@overtone/harmony";
import type { Command } from "commander";
import {
  addBackendOptions,
  type BackendFlags,
  backendSetup,
  conversationStart,
  openBackend,
} from "./backend-flags.js";
import { ChatRenderer, useColor } from "./chat/chat-renderer.js";
import { readInput, writeOut } from "./io.js";

interface RunFlags extends BackendFlags {
  json?: boolean;
  reasoning?: boolean;
}

export function registerRun(program: Command): void {
  addBackendOptions(
    program
      .command("run")
      .description("ask gpt-oss once and print the answer (embedded llama.cpp by default, or a server)")
      .argument("[prompt]", "the question, or - to read it from standard input"),
  )
    .option("--json", "print every stream part as one JSON line, ending in finish")
    .option(
      "--reasoning",
      "show the model's reasoning before the answer (dimmed, or behind │ without colours)",
    )
    .action(async (prompt: string | undefined, flags: RunFlags) => {
      const setup = await backendSetup(flags);
      const question =
        prompt === undefined || prompt === "-" ? (await readInput("-", "the prompt")).text : prompt;
      if (question.trim() === "")
        throw new InputError("no prompt given", { where: "PROMPT", hint: 'overtone run "…"' });
      const backend = await openBackend(setup);
      const conv = conversation([...conversationStart(setup), message("user", question)]);
      const renderer = new ChatRenderer({
        color: useColor(),
        reasoning: flags.reasoning === true,
        announceHidden: false,
        session: false,
        notesApart: true,
        malformedCalls: false,
        ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
      });
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once("SIGINT", onSignal);
      let failed = false;
      let calls = 0;
      try {
        for await (const part of backend.stream({
          conversation: conv,
          effort: setup.effort,
          ...setup.sampling,
          ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
          signal: controller.signal,
        })) {
          if (part.type === "error") failed = true;
          // `tool-calls` with no call part: the model made a call that named no tool and the backend could not
          // repair it (its notice says why). Nothing can act on that turn, so it fails like a failed generation.
          if (part.type === "tool-call-end") calls++;
          if (part.type === "finish" && part.reason === "tool-calls" && calls === 0) failed = true;
          if (flags.json) {
            await writeOut(`${JSON.stringify(partToJson(part))}\n`);
            continue;
          }
          if (part.type === "error") {
            await writeOut(renderer.endLine());
            throw part.error;
          }
          if (part.type.startsWith("tool-call-")) {
            if (part.type === "tool-call-end")
              process.stderr.write(`tool call: ${part.recipient} ${part.text}\n`);
            continue;
          }
          // A message ended by <|call|>: a call that named no tool and could not be repaired (the note says why).
          const ended =
            part.type === "analysis-end" || part.type === "commentary-end" || part.type === "final-end";
          if (ended && part.terminator === "call") process.stderr.write(`tool call: ? ${part.text}\n`);
          await writeOut(renderer.render(part));
          for (const note of renderer.takeNotes()) process.stderr.write(`${note}\n`);
        }
        if (!flags.json) await writeOut(renderer.endLine());
      } finally {
        process.off("SIGINT", onSignal);
        await backend.close();
      }
      if (failed) process.exitCode = 1;
    });
}
