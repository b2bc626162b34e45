/**
 * `overtone run [PROMPT|-]`: one turn with gpt-oss on any backend. Prints the final answer (a tool call, if the
 * model makes one, as a line on stderr); `--json` prints every stream part as one JSON line, ending in `finish`.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { BACKEND_KINDS, createBackend } from "../backends/index.js";
import { createProgressRenderer } from "../engine/models/index.js";
import { InputError } from "../errors/index.js";
import {
  conversation,
  developerMessage,
  message,
  parseJsonText,
  partToJson,
  systemContent,
  systemMessage,
  type ToolDescription,
} from "../harmony/index.js";
import { choice, readInput, writeOut } from "./io.js";
import { toolsFromJson } from "./tools-file.js";

const EFFORTS = ["low", "medium", "high"] as const;

interface RunFlags {
  backend: string;
  url?: string;
  model?: string;
  effort: string;
  system?: string;
  maxTokens?: string;
  json?: boolean;
  tools?: string;
  threads?: string;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("ask gpt-oss once and print the answer (embedded llama.cpp by default, or a server)")
    .argument("[prompt]", "the question, or - to read it from standard input")
    .option("--backend <kind>", `where the model runs: ${BACKEND_KINDS.join(", ")}`, "embedded")
    .option("--url <url>", "server URL (ollama: http://127.0.0.1:11434, openai: http://127.0.0.1:8080/v1)")
    .option(
      "--model <model>",
      "embedded: a .gguf path, tiny, or a Hugging Face reference (default gpt-oss-20b)",
    )
    .option("--effort <effort>", "reasoning effort: low, medium or high", "medium")
    .option("--system <text>", "instructions for the model (the developer message)")
    .option("--max-tokens <n>", "output token budget, reasoning included")
    .option(
      "--tools <file>",
      "JSON file of function tools: [{name, description, parameters}] (OpenAI form accepted)",
    )
    .option("--threads <n>", "embedded: CPU threads (default: chosen for this machine)")
    .option("--json", "print every stream part as one JSON line, ending in finish")
    .action(async (prompt: string | undefined, flags: RunFlags) => {
      const kind = choice("--backend", flags.backend, BACKEND_KINDS);
      const effort = choice("--effort", flags.effort, EFFORTS);
      const question = prompt === undefined || prompt === "-" ? (await readInput("-")).text : prompt;
      if (question.trim() === "")
        throw new InputError("no prompt given", { where: "PROMPT", hint: 'overtone run "…"' });
      const tools = flags.tools === undefined ? [] : await readTools(flags.tools);
      const progress = createProgressRenderer({ label: "downloading model" });
      const backend = await createBackend({
        kind,
        ...(flags.url !== undefined ? { url: flags.url } : {}),
        ...(flags.model !== undefined ? { model: flags.model } : {}),
        ...(flags.threads !== undefined ? { threads: positiveInt("--threads", flags.threads) } : {}),
        onDownloadProgress: (p) => progress.update(p),
      });
      progress.end();
      const conv = conversation([
        systemMessage(systemContent({ conversation_start_date: new Date().toISOString().slice(0, 10) })),
        ...(flags.system !== undefined || tools.length > 0
          ? [
              developerMessage({
                ...(flags.system !== undefined ? { instructions: flags.system } : {}),
                ...(tools.length > 0 ? { tools: { functions: { name: "functions", tools } } } : {}),
              }),
            ]
          : []),
        message("user", question),
      ]);
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once("SIGINT", onSignal);
      let failed = false;
      try {
        for await (const part of backend.stream({
          conversation: conv,
          effort,
          ...(flags.maxTokens !== undefined
            ? { maxTokens: positiveInt("--max-tokens", flags.maxTokens) }
            : {}),
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

async function readTools(path: string): Promise<ToolDescription[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new InputError(`--tools: cannot read ${path}`, {
      where: "--tools",
      hint: "give a JSON file of tools",
    });
  }
  return toolsFromJson(parseJsonText(text, path), path);
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InputError(`${flag}: expected a positive whole number, found ${JSON.stringify(value)}`, {
      where: flag,
    });
  }
  return n;
}
