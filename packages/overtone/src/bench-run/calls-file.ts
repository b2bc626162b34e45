/**
 * The run's calls.jsonl, written a record at a time as calls finish: one `write` of a whole line, so a crash or a
 * kill of the run loses at most the call in flight (its line is either all there or absent; a torn last line from
 * a dying disk is cut off on resume). The line is in the kernel once `write` returns; `fsync`, which only a
 * machine's crash needs, runs in the background while the next call is made (one at a time, and once more at
 * close): waiting for it cost ~1 ms a call here, the harness's whole overhead (bench:bench). Resuming reads the ids already written, checked by the bench
 * validator, so a call is never run — or counted — twice.
 */
import {
  closeSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from "node:fs";
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
  /** Flushes the last lines to the disk and closes the file. */
  close(): Promise<void>;
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
  const sync = backgroundSync(fd);
  return {
    path,
    done,
    earlier,
    append(record) {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      done.add(record.call_id);
      sync.request();
    },
    async close() {
      await sync.idle();
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}

/** fsync in the background, one at a time; lines written while one runs are flushed by the next. */
function backgroundSync(fd: number) {
  let running: Promise<void> | undefined;
  let again = false;
  const start = (): Promise<void> =>
    new Promise<void>((resolve) => fsync(fd, () => resolve())).then(() => {
      if (!again) {
        running = undefined;
        return;
      }
      again = false;
      running = start();
      return running;
    });
  return {
    request(): void {
      if (running === undefined) running = start();
      else again = true;
    },
    idle: async (): Promise<void> => {
      while (running !== undefined) await running;
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
