/**
 * `overtone proofread FILE|-`: the text corrected by gpt-oss, streamed to stdout as the model writes it — the
 * final channel only (agent/proofread.ts), so the output never carries the model's reasoning. `--show-reasoning`
 * puts the reasoning on stderr (dimmed on a terminal, behind `│ ` otherwise), `--diff` prints what changed
 * instead of the text (text-diff.ts). Effort defaults to the agent's for proofreading (low); `--system` adds
 * instructions (house style) after the built-in ones. Long text is proofread in chunks at paragraph breaks
 * (`--chunk-tokens`), in order, each streamed as it comes.
 *
 * The embedded model starts loading while the input is read (a pipe may take a while). A chunk that ends
 * without corrected text (cut at --max-tokens while reasoning, a failed generation) is written as it was, so no
 * text is lost, with a note on stderr, and the command exits 1: the output is not all proofread.
 */
import { InputError } from "@overtone/errors";
import type { Command } from "commander";
import { DEFAULT_CHUNK_TOKENS, PROOFREAD_TASK, proofread } from "../agent/proofread.js";
import { taskEfforts } from "../agent/task-effort.js";
import { addBackendOptions, type BackendFlags, backendSetup, loadNow, openBackend } from "./backend-flags.js";
import { clean } from "./chat/chat-renderer.js";
import { finishNotes, StreamWitness } from "./chat/finish-notes.js";
import { positiveInt } from "./flag-values.js";
import { readInput, writeOut } from "./io.js";
import { textDiff } from "./text-diff.js";

interface ProofreadFlags extends BackendFlags {
  showReasoning?: boolean;
  diff?: boolean;
  chunkTokens?: string;
}

/** Reasoning on stderr: dimmed on a colour terminal, otherwise each line behind a `│ ` gutter. */
class ReasoningWriter {
  private atLineStart = true;
  private open = false;
  private readonly dim = process.stderr.isTTY === true && !process.env.NO_COLOR;

  write(text: string): void {
    let out = "";
    for (const char of clean(text)) {
      if (this.atLineStart && !this.dim) out += "│ ";
      out += char;
      this.atLineStart = char === "\n";
    }
    if (out === "") return;
    process.stderr.write(this.dim ? `\x1b[2m${out}\x1b[22m` : out);
    this.open = true;
  }

  /** Ends the reasoning's last line, so what follows on stderr starts on its own. */
  end(): void {
    if (this.open && !this.atLineStart) process.stderr.write("\n");
    this.atLineStart = true;
    this.open = false;
  }
}

/** The text, or the one-line error for an input with nothing in it. */
function checkText(text: string, source: string): string {
  if (text.trim() !== "") return text;
  throw new InputError(`nothing to proofread: ${source} is empty`, {
    where: "FILE",
    hint: "overtone proofread notes.md, or pipe the text: pbpaste | overtone proofread",
  });
}

export function registerProofread(program: Command): void {
  const command = addBackendOptions(
    program
      .command("proofread")
      .description("proofread a text with gpt-oss: the corrected text streams to stdout, reasoning hidden")
      .argument("[file]", "the text to proofread, or - (the default) for standard input"),
  );
  // The effort of the agent's proofreading task (low), not run's medium.
  // Commander stored run's default when the option was added: the help and the value both change here.
  const low = taskEfforts()[PROOFREAD_TASK];
  command.options.find((option) => option.long === "--effort")?.default(low);
  command.setOptionValueWithSource("effort", low, "default");
  command
    .option("--show-reasoning", "show the model's reasoning on stderr (dimmed, or behind │ without colours)")
    .option("--diff", "print what changed (unified-style lines, [-old-]{+new+} words) instead of the text")
    .option(
      "--chunk-tokens <n>",
      "longest piece sent at once; longer text is split at paragraphs",
      String(DEFAULT_CHUNK_TOKENS),
    )
    .action(async (file: string | undefined, flags: ProofreadFlags) => {
      const setup = await backendSetup(flags);
      const effort = setup.effort;
      const chunkTokens = positiveInt("--chunk-tokens", flags.chunkTokens ?? String(DEFAULT_CHUNK_TOKENS));
      if (setup.tools.length > 0) {
        throw new InputError("proofread offers the model no tools", {
          where: "--tools",
          hint: "drop --tools",
        });
      }
      // A file is read at once, and so is typing at a terminal (the loading line would cut into it); a pipe,
      // which may take a while, is read while the model loads.
      const source = file === undefined || file === "-" ? "standard input" : file;
      const readFirst = source !== "standard input" || process.stdin.isTTY === true;
      const read = async () => checkText((await readInput(file, "the text to proofread")).text, source);
      const early = readFirst ? await read() : undefined;
      const opening = openBackend(setup).then(async (backend) => {
        await loadNow(backend);
        return backend;
      });
      opening.catch(() => undefined); // awaited below; an empty input must not leave it unhandled
      let text: string;
      try {
        text = early ?? (await read());
      } catch (error) {
        await opening.then(
          (b) => b.close(),
          () => undefined,
        );
        throw error;
      }
      const backend = await opening;
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once("SIGINT", onSignal);
      const reasoning = new ReasoningWriter();
      const seen = new StreamWitness();
      let corrected = "";
      let chunkText = "";
      let original = "";
      let where = "";
      let incomplete = false;
      const emit = async (piece: string) => {
        corrected += piece;
        if (!flags.diff) await writeOut(piece);
      };
      try {
        for await (const event of proofread(backend, text, {
          effort,
          chunkTokens,
          ...(setup.system !== undefined
            ? { sections: [{ title: "Additional instructions", text: setup.system }] }
            : {}),
          ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
          ...setup.sampling,
          signal: controller.signal,
        })) {
          if (event.type === "chunk") {
            seen.reset();
            chunkText = "";
            original = event.original;
            where = event.count > 1 ? `part ${event.index + 1} of ${event.count}: ` : "";
          } else if (event.type === "reasoning") {
            seen.sawReasoning = true;
            if (flags.showReasoning) reasoning.write(event.text);
          } else if (event.type === "corrected") {
            // The answer's deltas arrive as `corrected`, not as parts: the witness must hear of them, or a cut
            // answer's note would say the model was still reasoning.
            seen.sawAnswer = true;
            chunkText += event.text;
            await emit(event.text);
          } else {
            const part = event.part;
            seen.see(part);
            if (part.type === "analysis-end") reasoning.end();
            if (part.type === "error") throw part.error;
            if (part.type !== "finish") continue;
            reasoning.end();
            const notes =
              part.reason === "stop"
                ? []
                : finishNotes(
                    part,
                    seen,
                    setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {},
                  );
            if (chunkText.trim() === "") {
              // No corrected text for this piece: keep it as written rather than lose it.
              incomplete = true;
              notes.push("no corrected text came back: this part is written as it was");
              await emit(original);
            } else if (part.reason !== "stop") incomplete = true;
            for (const note of notes) process.stderr.write(`overtone: ${where}${note}\n`);
          }
        }
        if (flags.diff) {
          const diff = textDiff(text, corrected);
          if (diff === "") process.stderr.write("overtone: no changes\n");
          else await writeOut(diff);
        }
      } finally {
        reasoning.end();
        process.off("SIGINT", onSignal);
        await backend.close();
      }
      if (incomplete) process.exitCode = 1;
    });
}
