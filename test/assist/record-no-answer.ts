/**
 * Records the fixture of assist-no-answer.test.ts: a real llama-server (the cached build; see
 * test/support/llama-server.ts) serving the toy gpt-oss, asked the assistant's brainstorm prompt with one seed
 * after another until one turn ends without an answer (after its reasoning, finish `stop`, llama.cpp#15789; or
 * with a malformed tool call, `tool-calls`) and a later one answers. Every HTTP exchange the openai-compatible backend made is captured through its injectable
 * fetch; the fixture keeps the ones before the first generation (the server probes), that empty turn and that answer.
 *
 *   npx tsx test/assist/record-no-answer.ts     # rewrites test/assist/fixtures/llama-server-no-answer.json
 */
import { rename, writeFile } from "node:fs/promises";
import { generateAnswer } from "../../packages/overtone/src/assist/assist-model.js";
import { brainstormPrompt } from "../../packages/overtone/src/assist/assist-prompts.js";
import { createBackend } from "../../packages/overtone/src/backends/index.js";
import { startLlamaServer } from "../support/llama-server.js";
import { toyModelPath } from "../support/toy-model.js";

export interface RecordedCall {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: string;
}

export const FIXTURE = new URL("./fixtures/llama-server-no-answer.json", import.meta.url);

async function record(): Promise<void> {
  const server = await startLlamaServer({ model: await toyModelPath(), ctx: 4096, anyTier: true });
  const calls: RecordedCall[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const body = await response.text();
    const url = new URL(input instanceof Request ? input.url : String(input));
    const contentType = response.headers.get("content-type") ?? "application/json";
    calls.push({
      method: init?.method ?? "GET",
      path: url.pathname,
      status: response.status,
      contentType,
      body,
    });
    return new Response(body, { status: response.status, headers: { "content-type": contentType } });
  };
  try {
    const backend = await createBackend({
      kind: "openai-compatible",
      baseURL: `${server.baseURL}/v1`,
      fetch: recordingFetch,
    });
    let empty: RecordedCall | undefined;
    let answered: RecordedCall | undefined;
    let probes: RecordedCall[] | undefined;
    for (let seed = 1; seed <= 200 && answered === undefined; seed++) {
      const prompt = brainstormPrompt("keeping a laptop cool", 5, 2);
      const generation = await generateAnswer({ backend, seed, maxTokens: 400 }, prompt);
      // The generation is the last call (`/completion`: the backend renders Harmony itself for llama-server);
      // the ones before the first generation are the backend's probes of the server (/v1/models, /props).
      probes ??= calls.slice(0, -1);
      const chat = calls.at(-1);
      if (generation.answer === "" && generation.finishReason !== "length") empty ??= chat;
      else if (empty !== undefined && generation.answer !== "") answered = chat;
    }
    if (empty === undefined || answered === undefined)
      throw new Error("no empty turn followed by an answer in 200 seeds");
    const temp = new URL(`${FIXTURE.href}.tmp`);
    await writeFile(temp, `${JSON.stringify([...(probes ?? []), empty, answered], null, 1)}\n`);
    await rename(temp, FIXTURE);
    await backend.close();
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await record();
