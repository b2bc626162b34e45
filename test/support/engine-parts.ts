/**
 * What the embedded-engine tests (test/engine/) share: a one-question conversation at low effort, a parts
 * stream read whole, and its finish part.
 */
import {
  conversation,
  type FinishPart,
  message,
  type Part,
  systemContent,
  systemMessage,
} from "@overtone/harmony";

export const chat = (text: string) =>
  conversation([systemMessage(systemContent({ reasoning_effort: "Low" })), message("user", text)]);

export async function partsOf(stream: AsyncIterable<Part>): Promise<Part[]> {
  const out: Part[] = [];
  for await (const part of stream) out.push(part);
  return out;
}

/** The finish part that ends `parts` (an Error naming what came instead). */
export function finishOf(parts: readonly Part[]): FinishPart {
  const last = parts.at(-1);
  if (last?.type !== "finish") throw new Error(`expected a finish part last, got ${JSON.stringify(last)}`);
  return last;
}
