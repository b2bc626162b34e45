/**
 * `overtone bench rate RUN_DIR [--all] [--suite S] [--model M]`: report 004's human rating pass in the terminal.
 * One call at a time (warm-ups left out), keys 1–5 rate, n a note, s skip, u undo, r the reasoning, q quit. The
 * rules live in bench/rating-pass.ts; this module reads keys, draws screens and appends the lines the pass gives
 * to ratings.jsonl, each flushed to disk (fsync) before the next screen, so quitting or a crash loses nothing.
 */
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { emitKeypressEvents } from "node:readline";
import { fileSystemError, InputError } from "@overtone/errors";
import type { Command } from "commander";
import { type CallRecord, RATINGS_FILE } from "../bench/call-record.js";
import { parseCallRecord } from "../bench/call-record-check.js";
import { checkRunFiles, resolveRunFiles } from "../bench/load-calls.js";
import {
  type PassKey,
  passStep,
  passSummary,
  type RatingPassState,
  startRatingPass,
} from "../bench/rating-pass.js";
import { parseRatings, type RatingLine, ratingLineText } from "../bench/ratings.js";
import { ratingScreen } from "./bench-rate-screen.js";
import { errorReport } from "./error-report.js";

interface RateFlags {
  all?: boolean;
  suite?: string;
  model?: string;
}

/** Exit code of a pass refused for want of a terminal: a usage problem, not a failure of the run's files. */
const NO_TERMINAL_EXIT = 2;

export function registerBenchRate(bench: Command): void {
  bench
    .command("rate")
    .description(
      "rate a run's calls by hand in the terminal (1–5, a note, skip, undo), appended to its ratings.jsonl",
    )
    .argument("<run>", "a run directory (holding calls.jsonl) or a calls JSONL file")
    .option("--all", "go through every call, showing its current rating, not only the unrated ones")
    .option("--suite <name>", "only calls of this suite")
    .option("--model <label>", "only calls of this model (the label the ladder gave it)")
    .action(async (run: string, flags: RateFlags) => {
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        const error = new InputError(
          "bench rate needs a person at a terminal: its input or output is not one",
          {
            where: "overtone bench rate",
            hint: "run it in an interactive terminal, without pipes or redirection; `bench report` reads ratings without one",
          },
        );
        process.stderr.write(errorReport(error, { debug: process.argv.includes("--debug") }));
        process.exitCode = NO_TERMINAL_EXIT;
        return;
      }
      const { calls, ratingsFile, ratings } = await loadRun(run);
      const state = startRatingPass(calls, ratings, flags);
      if (state.mode === "done") {
        process.stdout.write(`nothing to rate: ${nothingReason(calls, flags)}\n`);
        return;
      }
      const end = await ratePass(state, ratingsFile);
      const { rated, skipped, left } = passSummary(end);
      process.stdout.write(`rated ${rated}, skipped ${skipped}, left ${left} · ratings in ${ratingsFile}\n`);
    });
}

async function loadRun(run: string) {
  const [file] = resolveRunFiles([run]);
  if (file === undefined) throw new InputError("no run named", { where: "overtone bench rate" });
  // Every line is checked first: a broken record is one error naming its line, not a screen that breaks later.
  await checkRunFiles([file]);
  const calls: CallRecord[] = [];
  const lines = (await readFile(file.calls, "utf8")).split("\n");
  lines.forEach((text, i) => {
    if (text.trim() !== "") calls.push(parseCallRecord(text, file.calls, i + 1));
  });
  const ratingsFile = join(dirname(file.calls), RATINGS_FILE);
  const ratings =
    file.ratings === null ? new Map() : parseRatings(await readFile(file.ratings, "utf8"), file.ratings);
  return { calls, ratingsFile, ratings };
}

function nothingReason(calls: readonly CallRecord[], flags: RateFlags): string {
  const filtered = flags.suite !== undefined || flags.model !== undefined;
  if (calls.every((c) => c.warmup)) return "the run has no calls besides warm-ups";
  if (flags.all) return "no call matches --suite/--model";
  return filtered
    ? "every call matching --suite/--model is rated (--all goes through them again)"
    : "every call is rated (--all goes through them again)";
}

/** Terminal control: the pass draws on the alternate screen, so the shell's screen comes back as it was. */
const ENTER_SCREEN = "\x1b[?1049h";
const LEAVE_SCREEN = "\x1b[?1049l";
const CLEAR = "\x1b[H\x1b[2J";

/** Runs the pass until it is done or quit; every line is appended and synced before the next key is taken. */
function ratePass(start: RatingPassState, ratingsFile: string): Promise<RatingPassState> {
  let fd: number;
  try {
    fd = openSync(ratingsFile, "a");
  } catch (error) {
    throw fileSystemError(error, ratingsFile, "write", { where: "overtone bench rate" });
  }
  const { stdin, stdout } = process;
  let state = start;
  const draw = () => {
    const size = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
    stdout.write(CLEAR + ratingScreen(state, size).join("\n"));
  };
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      stdin.off("keypress", onKey);
      stdout.off("resize", draw);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write(LEAVE_SCREEN);
      closeSync(fd);
      if (error === undefined) resolve(state);
      else reject(error);
    };
    const onKey = (text: string | undefined, key: KeyInfo | undefined) => {
      // An error here would otherwise end the process with the terminal still raw and on the alternate screen.
      try {
        const step = passStep(state, passKey(text, key), new Date().toISOString());
        append(step.append);
        state = step.state;
        if (state.mode === "done") finish();
        else draw();
      } catch (error) {
        finish(error);
      }
    };
    const append = (lines: readonly RatingLine[]) => {
      try {
        for (const line of lines) {
          writeSync(fd, ratingLineText(line));
          fsyncSync(fd);
        }
      } catch (error) {
        // The rating did not reach the disk: stop rather than show it as given.
        throw fileSystemError(error, ratingsFile, "write", { where: "overtone bench rate" });
      }
    };
    emitKeypressEvents(stdin);
    stdin.setRawMode(true);
    stdin.on("keypress", onKey);
    stdout.on("resize", draw);
    stdin.resume();
    stdout.write(ENTER_SCREEN);
    draw();
  });
}

interface KeyInfo {
  name?: string;
  ctrl?: boolean;
  sequence?: string;
}

/** readline's keypress to the pass's keys: named keys by name, Ctrl-C and Ctrl-D end the pass, text as typed. */
function passKey(text: string | undefined, key: KeyInfo | undefined): PassKey {
  if (key?.ctrl && (key.name === "c" || key.name === "d")) return "interrupt";
  if (key?.name === "return" || key?.name === "enter") return "enter";
  if (key?.name === "backspace") return "backspace";
  if (key?.name === "escape") return "escape";
  return text ?? "";
}
