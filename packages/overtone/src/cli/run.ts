/**
 * `overtone run [PROMPT|-]`: one turn with gpt-oss on any backend. Prints the final answer (a tool call, if the
 * model makes one, as a line on stderr); `--json` prints every stream part as one JSON line, ending in `finish`.
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
import { readInput, writeOut } from "./io.js";

interface RunFlags extends BackendFlags {
  json?: boolean;
}

export function registerRun(program: Command): void {
  addBackendOptions(
    program
      .command("run")
      .description("ask gpt-oss once and print the answer (embedded llama.cpp by default, or a server)")
      .argument("[prompt]", "the question, or - to read it from standard input"),
  )
    .option("--json", "print every stream part as one JSON line, ending in finish")
    .action(async (prompt: string | undefined, flags: RunFlags) => {
      const setup = await backendSetup(flags);
      const question = prompt === undefined || prompt === "-" ? (await readInput("-")).text : prompt;
      if (question.trim() === "")
        throw new InputError("no prompt given", { where: "PROMPT", hint: 'overtone run "…"' });
      const backend = await openBackend(setup);
      const conv = conversation([...conversationStart(setup), message("user", question)]);
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once("SIGINT", onSignal);
      let failed = false;
      try {
        for await (const part of backend.stream({
          conversation: conv,
          effort: setup.effort,
          ...setup.sampling,
          ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
          signal: controller.signal,
        })) {
          if (flags.json) await writeOut(`${JSON.stringify(partToJson(part))}\n`);
          else if (part.type === "final-delta") await writeOut(part.delta);
          else if (part.type === "tool-call-end")
            process.stderr.write(`tool call: ${part.recipient} ${part.text}\n`);
          else if (part.type === "finish" && part.notice) process.stderr.write(`note: ${part.notice}\n`);
          if (part.type === "error") {
            failed = true;
            if (!flags.json) throw part.error;
          }
        }
        if (!flags.json) await writeOut("\n");
      } finally {
        process.off("SIGINT", onSignal);
        await backend.close();
      }
      if (failed) process.exitCode = 1;
    });
}
