/** An error in one line for a check's summary: the message, and the hint of a typed Overtone error. */
import { isOvertoneError } from "@overtone/errors";

export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const hint = isOvertoneError(error) ? (error as { hint?: string }).hint : undefined;
  const first = error.message.split("\n")[0] ?? error.message;
  return hint === undefined ? first : `${first} (${hint})`;
}
