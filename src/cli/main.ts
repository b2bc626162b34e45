/** The `overtone` command line: wires commands together and turns errors into one line and an exit code. */
import { Command, CommanderError } from "commander";
import { OvertoneError } from "../errors/index.js";
import { registerChat } from "./chat.js";
import { registerGgufInspect } from "./gguf-inspect.js";
import { registerGgufMakeTiny } from "./gguf-make-tiny.js";
import { registerGgufTemplate } from "./gguf-template.js";
import { registerHarmonyParse } from "./harmony-parse.js";
import { registerHarmonyRender } from "./harmony-render.js";
import { registerModels } from "./models.js";
import { registerRun } from "./run.js";

const program = new Command("overtone")
  .description("Make OpenAI's gpt-oss models (Harmony format) work right on your own machine.")
  .option("--debug", "print the stack trace of errors")
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

const harmony = program
  .command("harmony")
  .description("render and parse the Harmony format exactly")
  .exitOverride();
registerHarmonyRender(harmony);
registerHarmonyParse(harmony);

const gguf = program.command("gguf").description("inspect, repair and make GGUF model files").exitOverride();
registerGgufInspect(gguf);
registerGgufTemplate(gguf);
registerGgufMakeTiny(gguf);

registerRun(program);
registerChat(program);
registerModels(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (usage errors, --help, --version).
    return error.exitCode;
  }
  const debug = process.argv.includes("--debug");
  if (error instanceof OvertoneError) {
    const hint = error.hint ? ` (${error.hint})` : "";
    process.stderr.write(`overtone: ${error.message}${hint}\n`);
  } else {
    process.stderr.write(
      `overtone: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return error instanceof OvertoneError ? 1 : 70;
}
