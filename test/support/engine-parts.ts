/**
 * What the embedded-engine tests (test/engine/) share: a one-question conversation at low effort, and a parts
 * stream read whole.
 */
import { conversation, message, type Part, systemContent, systemMessage } from "@overtone/harmony";

export const chat = (text: string) =>
  conversation([systemMessage(systemContent({ reasoning_effort: "Low" })), message("user", text)]);

export async function partsOf(stream: AsyncIterable<Part>): Promise<Part[]> {
  const out: Part[] = [];
  for await (const part of stream) out.push(part);
  return out;
}
