/**
 * The embedded model behind the gateway under more requests than it serves at once (issue 14, item 5): beyond
 * `parallel` running and `queueLimit` waiting, a request is answered at once with HTTP 503 and `retry-after`
 * (the retryable BackendError the engine's pool gives, mapped by upstreamError), on the OpenAI and Ollama
 * routes; a client that hangs up gives its sequence back; and `parallel` reaches the engine from the config file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedded, type EmbeddedBackend } from "../../packages/overtone/src/backends/embedded/index.js";
import { disposeEngineLlama, type EngineModel } from "../../packages/overtone/src/engine/index.js";
import { parseGatewayConfig } from "../../packages/overtone/src/gateway/config.js";
import { servedModels } from "../../packages/overtone/src/gateway/served-models.js";
import { tinyModelPath } from "../support/tiny-models.js";
import { type RunningGateway, startGateway } from "./gateway-harness.js";

let path: string;
let backend: EmbeddedBackend;
let engine: EngineModel;
let gateway: RunningGateway;

beforeAll(async () => {
  path = await tinyModelPath();
  backend = createEmbedded({ model: path, threads: 1, contextSize: 2048, parallel: 1, queueLimit: 0 });
  engine = await backend.ready();
  gateway = await startGateway([{ name: "tiny", backend }]);
}, 120_000);
afterAll(async () => {
  await gateway?.close();
  await backend?.close();
  await disposeEngineLlama();
});

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 400) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const post = (route: string, body: object, signal?: AbortSignal) =>
  fetch(`${gateway.base}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

describe("a busy embedded model through the gateway", () => {
  it("answers 503 with retry-after while its one sequence is busy and none may wait, and gets the sequence back when the client hangs up", async () => {
    const hangUp = new AbortController();
    // A long generation (no budget: up to the context) holds the one sequence.
    const first = post(
      "/v1/chat/completions",
      { model: "tiny", stream: true, messages: [{ role: "user", content: "Talk on and on" }] },
      hangUp.signal,
    ).catch(() => undefined);
    await until(() => engine.load.running === 1);

    const busy = await post("/v1/chat/completions", {
      model: "tiny",
      messages: [{ role: "user", content: "Me too" }],
    });
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(await busy.json()).toEqual({
      error: {
        message: "the embedded model is busy: 1 requests running, 0 waiting",
        type: "server_error",
        param: null,
        code: "upstream_error",
      },
    });
    const ollama = await post("/api/chat", {
      model: "tiny",
      stream: true,
      messages: [{ role: "user", content: "And me" }],
    });
    expect(ollama.status).toBe(503);
    expect(ollama.headers.get("retry-after")).toBe("1");
    expect(engine.load).toEqual({ running: 1, queued: 0 });

    hangUp.abort();
    await first;
    await until(() => engine.load.running === 0);
    const after = await post("/v1/chat/completions", {
      model: "tiny",
      max_tokens: 4,
      messages: [{ role: "user", content: "Now?" }],
    });
    expect(after.status).toBe(200);
  });

  it("takes an embedded upstream's parallel from the config file to the engine", async () => {
    const config = parseGatewayConfig(
      `models:\n  - { name: tiny, backend: embedded, model: ${JSON.stringify(path)}, parallel: 3 }\n`,
      "gw.yaml",
    );
    expect(config.models[0]?.upstreams[0]?.parallel).toBe(3);
    expect(() =>
      parseGatewayConfig(
        "models:\n  - { name: x, backend: ollama, url: http://127.0.0.1:9, model: m, parallel: 2 }\n",
        "gw.yaml",
      ),
    ).toThrow(/parallel.*is set for an ollama backend/);
    expect(() =>
      parseGatewayConfig("models:\n  - { name: x, backend: embedded, model: m, parallel: 0 }\n", "gw.yaml"),
    ).toThrow(/parallel/);
    const served = await servedModels(config.models);
    try {
      const [info] = await (served.models[0]?.backend.listModels() ?? Promise.resolve([]));
      expect(info?.details).toMatchObject({ parallel: 3 });
    } finally {
      await Promise.all(served.models.map((model) => model.backend.close?.()));
    }
  });
});
