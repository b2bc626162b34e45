/** Reading command input and writing command output, shared by every command. */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileSystemError, InputError } from "@overtone/errors";

/**
 * Reads FILE, or standard input for `-` or when no file is given. `what` names what is read ("a conversation"),
 * for the hint printed when standard input is a terminal: otherwise the command would sit waiting, silent.
 */
export async function readInput(
  file: string | undefined,
  what = "the input",
): Promise<{ text: string; source: string }> {
  if (file === undefined || file === "-") {
    if (process.stdin.isTTY) {
      process.stderr.write(
        `overtone: reading ${what} from the terminal; end it with Ctrl-D, or pass a file\n`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString("utf8"), source: "stdin" };
  }
  return { text: await readTextFile(file), source: file };
}

/** Reads a file the user named as UTF-8 text; a missing file, a directory… is one line naming it (and `where`). */
export async function readTextFile(path: string, where?: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw fileSystemError(error, path, "read", where === undefined ? {} : { where });
  }
}

/**
 * Fails now, with the path and the fix, when `path` cannot be written (a directory there, a missing or read-only
 * directory) — for commands that work for minutes before they write. The write itself still reports its own errors.
 */
export async function checkWritable(path: string, flag: string): Promise<void> {
  const fail = (error: unknown) => fileSystemError(error, path, "write", { where: flag });
  const code = (code: string) => Object.assign(new Error(`${code}: ${path}`), { code });
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw fail(code("EISDIR"));
  const parent = await stat(dirname(path)).catch((error: unknown) => {
    throw fail(error);
  });
  if (!parent.isDirectory()) throw fail(code("ENOTDIR"));
  await access(dirname(path), constants.W_OK).catch((error: unknown) => {
    throw fail(error);
  });
}

/** Writes to stdout and resolves once it is flushed (so a following exit cannot cut the output). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => {
      if (!error) resolve();
      // A reader that left is no error to report: stdout's 'error' listener (stopWhenReaderLeaves) ends the process.
      else if (!readerLeft(error)) reject(error);
    });
  });
}

/**
 * A reader that went away (`overtone … | head -1`) ends the command as it ends other Unix tools: quietly, exit 0.
 * Node reports it as EPIPE to the write's callback and as an 'error' event on stdout, which unhandled is a stack
 * trace and exit 1. Installed once, by main.ts, so every writer (writeOut, chat's prompt) is covered.
 */
export function stopWhenReaderLeaves(): void {
  process.stdout.on("error", (error) => {
    if (!readerLeft(error)) throw error;
    process.exit(0);
  });
}

function readerLeft(error: unknown): boolean {
  return (error as { code?: unknown }).code === "EPIPE";
}

/** Validates a choice-valued option with a message that lists the choices. */
export function choice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${flag}: unknown value ${JSON.stringify(value)}`, {
    where: flag,
    hint: `use one of: ${choices.join(", ")}`,
  });
}

/** Writes a file the user named: a temporary name beside it, then a rename — a reader never sees half of it. */
export async function writeFileAtomically(
  path: string,
  content: string | Uint8Array,
  flag: string,
): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw fileSystemError(error, path, "write", { where: flag });
  }
}
