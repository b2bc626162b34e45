/**
 * Flag values every command reads the same way, in a module of their own so that a command importing one does not
 * load the backends with it (backend-flags.ts pulls in every backend; `overtone models` needs none).
 */
import { InputError } from "@overtone/errors";

/** A flag's value as a whole number above 0 (an InputError naming the flag otherwise). */
export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InputError(`${flag}: expected a positive whole number, found ${JSON.stringify(value)}`, {
      where: flag,
    });
  }
  return n;
}
