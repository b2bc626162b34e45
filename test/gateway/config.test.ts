/**
 * The gateway's config file (packages/overtone/src/gateway/config.ts) and its hot reload (config-reload.ts):
 * every mistake is one ConfigError naming the file and the key path; a reload swaps the served models for the
 * next request, keeps the backends of unchanged models, and leaves the old set serving when the new file is bad.
 * Server upstreams are not contacted to be made, so the URLs here need nothing listening.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@overtone/errors";
import { afterAll, describe, expect, it } from "vitest";
import { parseGatewayConfig } from "../../packages/overtone/src/gateway/config.js";
import { readGatewayConfig, watchGatewayConfig } from "../../packages/overtone/src/gateway/config-reload.js";
import { createGateway } from "../../packages/overtone/src/gateway/gateway.js";
import type { ReplicaSet } from "../../packages/overtone/src/gateway/replica-set.js";
import { servedModels } from "../../packages/overtone/src/gateway/served-models.js";

const dir = mkdtempSync(join(tmpdir(), "overtone-gateway-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TWO_MODELS = `
api_keys: [k1]
models:
  - name: gpt-oss-20b
    aliases: [gpt-oss]
    reasoning_field: reasoning_content
    defaults: { effort: high, temperature: 0.7, max_tokens: 4096 }
    upstreams:
      - { backend: openai, url: "http://127.0.0.1:9/v1" }
      - { backend: ollama, url: "http://127.0.0.1:9", model: "gpt-oss:20b" }
  - { name: small, backend: ollama, url: "http://127.0.0.1:9", model: "gpt-oss:20b" }
`;

function refusal(text: string): string {
  try {
    parseGatewayConfig(text, "gw.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
}

describe("the gateway config file", () => {
  it("reads models, aliases, defaults, replicas and keys", () => {
    const config = parseGatewayConfig(TWO_MODELS, "gw.yaml");
    expect(config.apiKeys).toEqual(["k1"]);
    expect(config.models.map((m) => [m.name, m.aliases, m.upstreams.length])).toEqual([
      ["gpt-oss-20b", ["gpt-oss"], 2],
      ["small", [], 1],
    ]);
    expect(config.models[0]?.defaults).toEqual({ effort: "high", temperature: 0.7, maxTokens: 4096 });
    expect(config.models[0]?.reasoningField).toBe("reasoning_content");
    expect(config.models[0]?.upstreams[0]?.backend).toBe("openai-compatible");
  });

  it("names the file and the key path of each mistake", () => {
    expect(refusal("models: [")).toMatch(/^gw\.yaml: not valid YAML/);
    expect(refusal("models: []")).toBe("gw.yaml: models lists no model");
    expect(refusal("models:\n  - { name: a, backend: lmstudio, url: x }")).toMatch(
      /^gw\.yaml: models\[0\]\.backend is "lmstudio"/,
    );
    expect(refusal("models:\n  - { name: a, backend: ollama, url: x }")).toBe(
      "gw.yaml: models[0].model is missing",
    );
    expect(
      refusal("models:\n  - { name: a, backend: embedded, model: toy, defaults: { effort: max } }"),
    ).toMatch(/models\[0\]\.defaults\.effort is "max"/);
    expect(
      refusal(
        "models:\n  - { name: a, backend: embedded, model: toy }\n  - { name: a, backend: embedded, model: toy }",
      ),
    ).toBe('gw.yaml: models serves "a" twice');
  });
});

describe("reloading the config", () => {
  it("swaps the models for the next request, reuses unchanged backends and keeps serving when a file is bad", async () => {
    const file = join(dir, "gw.yaml");
    writeFileSync(file, TWO_MODELS);
    const first = await servedModels((await readGatewayConfig(file)).models);
    expect((first.models[0]?.backend as ReplicaSet | undefined)?.state()).toHaveLength(2);
    const gateway = createGateway({ models: first.models });
    expect(gateway.models.find("gpt-oss")?.name).toBe("gpt-oss-20b");
    const events: unknown[] = [];
    const watch = watchGatewayConfig(file, gateway, (event) => events.push(event), { debounceMs: 10_000 });
    try {
      writeFileSync(file, TWO_MODELS.replace("name: small", "name: tiny-one"));
      expect(await watch.reload()).toEqual({ ok: true, models: ["gpt-oss-20b", "tiny-one"] });
      expect(gateway.models.find("small")).toBeUndefined();
      // Same upstreams, same backend: a loaded model or a replica's cache survives the reload.
      expect(gateway.models.find("gpt-oss-20b")?.backend).toBe(first.models[0]?.backend);
      expect(gateway.models.find("tiny-one")?.backend).toBe(first.models[1]?.backend);

      writeFileSync(file, "models: [");
      const refused = await watch.reload();
      expect(refused.ok).toBe(false);
      expect(gateway.models.find("tiny-one")).toBeDefined();
      expect(events).toHaveLength(2);
    } finally {
      watch.close();
      for (const model of gateway.models.all()) await model.backend.close();
    }
  });
});
