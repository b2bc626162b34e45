/**
 * What Ollama says about its models (`/api/tags`, `/api/show`: 007, 100, 105) and the `auto` route it decides:
 * chat for a model whose template is Harmony or unknown, raw with a notice for a gpt-oss model with a ChatML
 * template (field report 000).
 */

import { collectParts } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { ollama, portugueseGreeting, recorded, replay } from "./ollama-replay.js";

const SHOW = "007-ollama-api-show-gptoss.txt";
const SHOW_CHATML = "100-ollama-derived-api-show-chatml-template.txt";

describe("Ollama models", () => {
  it("lists /api/tags and asks /api/show about gpt-oss models (105, 007)", async () => {
    const server = await replay(
      recorded("105-ollama-derived-api-tags-gptoss.txt", 0, { method: "GET", path: "/api/tags" }),
      recorded(SHOW, 0, {
        expect: (body) => (JSON.stringify(body) === '{"model":"gpt-oss:120b"}' ? undefined : "wrong model"),
      }),
    );
    const models = await ollama(server).listModels();
    expect(models).toEqual([
      {
        id: "gpt-oss:120b",
        gptOss: true,
        // The hosted /api/show shows no template: unknown, not "missing".
        contextLength: 131072,
        details: {
          family: "gptoss",
          architecture: "gptoss",
          parameterSize: "116829156672",
          quantization: "MXFP4",
          capabilities: ["completion", "tools", "thinking"],
        },
      },
    ]);
  });

  it("classifies a ChatML template on a gpt-oss model (100)", async () => {
    const server = await replay(recorded(SHOW_CHATML, 0, { path: "/api/show" }));
    const info = await ollama(server).showModel("gpt-oss:20b");
    expect(info).toMatchObject({ id: "gpt-oss:20b", gptOss: true, template: "chatml" });
  });

  it("auto: a model with an unknown (or Harmony) template is served by /api/chat, without a notice", async () => {
    const server = await replay(
      recorded(SHOW, 0),
      recorded("001-ollama-api-chat-stream-thinking.txt", 0, { path: "/api/chat" }),
      recorded("001-ollama-api-chat-stream-thinking.txt", 0, { path: "/api/chat" }),
    );
    const backend = ollama(server);
    for (let i = 0; i < 2; i++) {
      const result = await collectParts(backend.stream({ conversation: portugueseGreeting() }));
      expect(result.final).toBe("Olá!");
      expect(result.finish?.notice).toBeUndefined();
    }
    // /api/show once per model, then cached.
    expect(server.requests.map((r) => r.path)).toEqual(["/api/show", "/api/chat", "/api/chat"]);
  });

  it("auto: a gpt-oss model with a ChatML template takes the raw route and says why (100, 103; field report 000)", async () => {
    const server = await replay(
      recorded(SHOW_CHATML, 0, { path: "/api/show" }),
      recorded("103-ollama-derived-api-generate-raw-stream-stripped.txt", 0, {
        path: "/api/generate",
        expect: (body) => ((body as { raw?: boolean }).raw === true ? undefined : "raw: true expected"),
      }),
    );
    const result = await collectParts(ollama(server).stream({ conversation: portugueseGreeting() }));
    expect(result.final).toBe("Fluffy, quick, playful.");
    expect(result.messages.map((m) => m.channel)).toEqual(["analysis", "final"]);
    expect(result.finish?.notice).toMatch(
      /template is chatml, not Harmony; Overtone rendered the Harmony prompt itself/,
    );
  });
});
