/**
 * The run's calls.jsonl, written a record at a time as calls finish: one `write` of a whole line, then `fsync`,
 * so a crash or a kill loses at most the call in flight (its line is either all there or absent; a torn last line
 * from a dying disk is cut off on resume). Resuming reads the ids already written, checked by the bench
 * validator, so a call is never run — or counted — twice.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "@overtone/errors";
import { CALLS_FILE, type CallRecord } from "../bench/call-record.js";
import { parseCallRecord } from "../bench/call-record-check.js";

export interface CallsFile {
  readonly path: string;
  /** Ids of the calls already in the file (from an earlier, interrupted run when resuming). */
  readonly done: ReadonlySet<string>;
  /** Records already in the file, for counting warm-ups of earlier sessions. */
  readonly earlier: readonly CallRecord[];
  append(record: CallRecord): void;
  close(): void;
}

/**
 * Opens `<outDir>/calls.jsonl` for appending. Without `resume` an existing non-empty file is refused: appending a
 * second run to it would repeat call ids, and silently overwriting an hour of measurements is worse.
 */
export function openCallsFile(outDir: string, resume: boolean): CallsFile {
  const path = join(outDir, CALLS_FILE);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new InputError(`cannot create the run folder ${outDir}: ${(error as Error).message}`, {
      where: outDir,
      hint: "choose a writable folder with --out",
      cause: error,
    });
  }
  const earlier = existingRecords(path);
  if (earlier.length > 0 && !resume) {
    throw new InputError(`${path} already holds ${earlier.length} calls`, {
      where: path,
      hint: "add --resume to continue that run, or choose another folder with --out",
    });
  }
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (error) {
    throw new InputError(`cannot write ${path}: ${(error as Error).message}`, {
      where: path,
      hint: "choose a writable folder with --out",
      cause: error,
    });
  }
  const done = new Set(earlier.map((record) => record.call_id));
  return {
    path,
    done,
    earlier,
    append(record) {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
      done.add(record.call_id);
    },
    close() {
      closeSync(fd);
    },
  };
}

/** The records in the file, after cutting off a torn last line (the call that was in flight). */
function existingRecords(path: string): CallRecord[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new InputError(`cannot read ${path}: ${(error as Error).message}`, { where: path, cause: error });
  }
  const complete = text.lastIndexOf("\n") + 1;
  if (complete < text.length) {
    truncateSync(path, Buffer.byteLength(text.slice(0, complete)));
    text = text.slice(0, complete);
  }
  return text
    .split("\n")
    .slice(0, -1)
    .map((line, i) => parseCallRecord(line, path, i + 1));
}
