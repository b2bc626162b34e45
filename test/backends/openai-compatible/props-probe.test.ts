/**
 * llama-server's `/props`, asked while listing models: a server without it still lists its models, but a caller's
 * abort while it is asked is an abort — not a listing without props, and not one remembered for later requests.
 * A local node:http server plays llama-server: `/v1/models` answers at once, `/props` as each test needs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { conversation, message, type Part } from "@overtone/harmony";
import { afterEach, describe, expect, it } from "vitest";
import { createOpenAICompatible } from "../../../packages/overtone/src/backends/openai-compatible/backend.js";
import { isAbortError } from "../../../packages/overtone/src/net/http.js";

const MODELS = { object: "list", data: [{ id: "gpt-oss-20b", object: "model", owned_by: "llamacpp" }] };
const PROPS = { chat_template: "<|start|>{{ x }}", default_generation_settings: { n_ctx: 4096 } };

type PropsAnswer = "missing" | "hang" | "ok";

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A llama-server stand-in; `props(n)` says how the n-th `/props` request (from 0) is answered. */
async function llamaServer(props: (n: number) => PropsAnswer) {
  const seen = { props: 0, requested: new Set<string>() };
  let propsAsked!: () => void;
  const asked = new Promise<void>((resolve) => (propsAsked = resolve));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    seen.requested.add(req.url ?? "");
    if (req.url === "/v1/models") return json(200, MODELS);
    if (req.url === "/props") {
      const answer = props(seen.props++);
      propsAsked();
      if (answer === "ok") return json(200, PROPS);
      if (answer === "missing") return json(404, { error: { code: 404, message: "File Not Found" } });
      return; // hang: never answers
    }
    json(500, { error: { message: "not part of this test" } });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, asked };
}

describe("/props while listing models", () => {
  it("falls back to the /v1/models facts on a server without /props", async () => {
    const { url } = await llamaServer(() => "missing");
    const models = await createOpenAICompatible({ baseURL: url }).listModels();
    expect(models).toEqual([expect.objectContaining({ id: "gpt-oss-20b" })]);
    expect(models[0]?.template).toBeUndefined();
  });

  it("uses /props when it answers", async () => {
    const { url } = await llamaServer(() => "ok");
    const [model] = await createOpenAICompatible({ baseURL: url }).listModels();
    expect(model).toMatchObject({ id: "gpt-oss-20b", contextLength: 4096, template: "other" });
  });

  it("rejects with the caller's abort when it comes while /props is asked", async () => {
    const { url, asked } = await llamaServer(() => "hang");
    const controller = new AbortController();
    const listing = createOpenAICompatible({ baseURL: url }).listModels(controller.signal);
    await asked;
    controller.abort();
    const error = await listing.then(
      () => "resolved",
      (e: unknown) => e,
    );
    expect(isAbortError(error)).toBe(true);
  });

  it("ends a stream aborted during /props with finish: aborted, and asks /props again next time", async () => {
    const { url, seen, asked } = await llamaServer((n) => (n === 0 ? "hang" : "ok"));
    const backend = createOpenAICompatible({ baseURL: url, streaming: false });
    const request = { conversation: conversation([message("user", "hi")]) };
    const controller = new AbortController();
    const first: Part[] = [];
    const reading = (async () => {
      for await (const part of backend.stream({ ...request, signal: controller.signal })) first.push(part);
    })();
    await asked;
    controller.abort();
    await reading;
    expect(first).toEqual([{ type: "finish", reason: "aborted" }]);
    // The aborted listing was not kept as the server's models: the next request asks /props afresh.
    for await (const _part of backend.stream(request)) {
      // drained: the chat answer (a 500 here) does not matter
    }
    expect(seen.props).toBe(2);
  });
});
