/**
 * Overtone as a library, in a few lines: a conversation in, the answer's parts out, through any backend.
 * Runs offline on the toy gpt-oss shipped with Overtone: `npx tsx examples/library.ts`. For a real model, use
 * `{ kind: "embedded", model: "gpt-oss-20b" }` (downloaded once), `{ kind: "ollama", model: "gpt-oss:20b" }` or
 * `{ kind: "openai-compatible", baseURL: "http://127.0.0.1:8000/v1", model: "openai/gpt-oss-20b" }`.
 */
import { collectParts, conversation, createBackend, isOvertoneError, message } from "@overtone/overtone";

const backend = await createBackend({ kind: "embedded", model: "toy" });
try {
  const request = { conversation: conversation([message("user", "What is 12 + 7?")]), temperature: 0 };
  const { analysis, final, finish } = await collectParts(backend.stream(request));
  console.log(`reasoning: ${analysis}\nanswer: ${final}\nfinish: ${finish?.reason}`);
} catch (error) {
  // Every Overtone error has a code to switch on and a hint that says what to do.
  if (isOvertoneError(error)) console.error(`${error.code}: ${error.message} (${error.hint ?? "no hint"})`);
  else throw error;
} finally {
  await backend.close();
}
