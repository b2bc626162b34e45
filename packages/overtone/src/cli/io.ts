/** Reading command input and writing command output, shared by every command. */
import { readFile } from "node:fs/promises";
import { InputError } from "@overtone/errors";

/** Reads FILE, or standard input for `-` or when no file is given. */
export async function readInput(file: string | undefined): Promise<{ text: string; source: string }> {
  if (file === undefined || file === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString("utf8"), source: "stdin" };
  }
  try {
    return { text: await readFile(file, "utf8"), source: file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(error);
    throw new InputError(`${file}: ${what}`, {
      where: file,
      hint: "pass a readable file, or - for standard input",
      cause: error,
    });
  }
}

/** Writes to stdout and resolves once it is flushed (so a following exit cannot cut the output). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** Validates a choice-valued option with a message that lists the choices. */
export function choice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${flag}: unknown value ${JSON.stringify(value)}`, {
    where: flag,
    hint: `use one of: ${choices.join(", ")}`,
  });
}
