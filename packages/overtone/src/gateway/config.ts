/**
 * The gateway's config file (`overtone serve --config gateway.yaml`): which public model names map to which
 * upstreams, with their defaults, and who may call. Checked as a whole before anything is served, so a typo
 * is one ConfigError naming the file and the key path, never a half-applied config:
 *
 * ```yaml
 * api_keys: [sk-local-1]            # optional; also --api-key
 * cors_origins: [http://localhost:3000]
 * models:
 *   - name: gpt-oss-20b             # what clients send and see
 *     aliases: [gpt-oss]
 *     reasoning_field: reasoning    # or reasoning_content (LangChain's ChatOpenAI reads only that one)
 *     defaults: { effort: medium, temperature: 1, top_p: 1, max_tokens: 8192 }
 *     upstreams:                    # one or more replicas; or backend/url/model right here for one
 *       - { backend: openai, url: http://10.0.0.2:8080/v1 }
 *       - { backend: ollama, url: http://10.0.0.3:11434, model: gpt-oss:20b }
 *   - { name: toy, backend: embedded, model: toy, parallel: 4 }   # 4 requests at once, batched
 * ```
 */
import { ConfigError } from "@overtone/errors";
import type { Effort } from "../backends/contract.js";
import { parseYamlText } from "../yaml/parse-yaml.js";
import type { ReasoningField, ServedModel } from "./protocol.js";

export type UpstreamKind = "embedded" | "ollama" | "openai-compatible";

export interface UpstreamConfig {
  backend: UpstreamKind;
  url?: string;
  /** The model as the upstream knows it (embedded: a path, toy, tiny, a Hugging Face reference). */
  model?: string;
  threads?: number;
  /** Embedded: requests generated for at once (LoadModelOptions.parallel); default 1. */
  parallel?: number;
  apiKey?: string;
}

export interface ModelConfig {
  name: string;
  aliases: string[];
  reasoningField: ReasoningField;
  defaults: ServedModel["defaults"];
  upstreams: UpstreamConfig[];
}

export interface GatewayConfig {
  apiKeys: string[];
  corsOrigins: string[];
  models: ModelConfig[];
}

const KINDS: Record<string, UpstreamKind> = {
  embedded: "embedded",
  ollama: "ollama",
  openai: "openai-compatible",
  "openai-compatible": "openai-compatible",
};
const EFFORTS: readonly Effort[] = ["low", "medium", "high"];

export function parseGatewayConfig(text: string, file: string): GatewayConfig {
  const root = parseYamlText(text, file);
  const at = (path: string) => new Path(file, path);
  const top = at("").object(root);
  const models = at("models")
    .list(top.models)
    .map((entry, i) => modelConfig(entry, at(`models[${i}]`)));
  if (models.length === 0) throw at("models").fail("lists no model", "add at least one entry under models:");
  const names = new Set<string>();
  for (const model of models) {
    for (const name of [model.name, ...model.aliases]) {
      if (names.has(name))
        throw at("models").fail(`serves "${name}" twice`, "give each model and alias its own name");
      names.add(name);
    }
  }
  return {
    apiKeys: top.api_keys === undefined ? [] : at("api_keys").strings(top.api_keys),
    corsOrigins: top.cors_origins === undefined ? [] : at("cors_origins").strings(top.cors_origins),
    models,
  };
}

function modelConfig(value: unknown, at: Path): ModelConfig {
  const entry = at.object(value);
  const name = at.to("name").string(entry.name);
  const single = entry.backend !== undefined;
  if (single && entry.upstreams !== undefined) {
    throw at.fail("has both backend and upstreams", "use upstreams: for several replicas, backend: for one");
  }
  const upstreams = single
    ? [upstreamConfig(entry, at)]
    : at
        .to("upstreams")
        .list(entry.upstreams)
        .map((u, i) => upstreamConfig(u, at.to(`upstreams[${i}]`)));
  if (upstreams.length === 0) throw at.to("upstreams").fail("is empty", "list at least one upstream");
  const field = entry.reasoning_field ?? "reasoning";
  if (field !== "reasoning" && field !== "reasoning_content") {
    throw at.to("reasoning_field").fail(`is ${JSON.stringify(field)}`, "use reasoning or reasoning_content");
  }
  return {
    name,
    aliases: entry.aliases === undefined ? [] : at.to("aliases").strings(entry.aliases),
    reasoningField: field,
    defaults: entry.defaults === undefined ? {} : defaultsConfig(entry.defaults, at.to("defaults")),
    upstreams,
  };
}

function upstreamConfig(value: unknown, at: Path): UpstreamConfig {
  const entry = at.object(value);
  const kind = KINDS[String(entry.backend)];
  if (kind === undefined) {
    throw at.to("backend").fail(`is ${JSON.stringify(entry.backend)}`, "use embedded, ollama or openai");
  }
  if (kind === "embedded" && entry.url !== undefined)
    throw at.to("url").fail("is set for an embedded backend", "drop url");
  if (kind !== "embedded" && entry.url === undefined)
    throw at.to("url").fail("is missing", "give the server's URL");
  if (kind !== "embedded" && entry.parallel !== undefined)
    throw at.to("parallel").fail(`is set for an ${kind} backend`, "drop parallel: the server sets its own");
  if (kind !== "openai-compatible" && entry.model === undefined) {
    throw at
      .to("model")
      .fail("is missing", kind === "embedded" ? "e.g. model: toy, or a .gguf path" : "e.g. gpt-oss:20b");
  }
  return {
    backend: kind,
    ...(entry.url !== undefined ? { url: at.to("url").string(entry.url) } : {}),
    ...(entry.model !== undefined ? { model: at.to("model").string(entry.model) } : {}),
    ...(entry.threads !== undefined ? { threads: at.to("threads").positiveInteger(entry.threads) } : {}),
    ...(entry.parallel !== undefined ? { parallel: at.to("parallel").positiveInteger(entry.parallel) } : {}),
    ...(entry.api_key !== undefined ? { apiKey: at.to("api_key").string(entry.api_key) } : {}),
  };
}

function defaultsConfig(value: unknown, at: Path): ServedModel["defaults"] {
  const entry = at.object(value);
  const effort = entry.effort;
  if (effort !== undefined && !EFFORTS.includes(effort as Effort)) {
    throw at.to("effort").fail(`is ${JSON.stringify(effort)}`, "use low, medium or high");
  }
  return {
    ...(effort !== undefined ? { effort: effort as Effort } : {}),
    ...(entry.temperature !== undefined
      ? { temperature: at.to("temperature").number(entry.temperature, 0, 2) }
      : {}),
    ...(entry.top_p !== undefined ? { topP: at.to("top_p").number(entry.top_p, 0, 1) } : {}),
    ...(entry.max_tokens !== undefined
      ? { maxTokens: at.to("max_tokens").positiveInteger(entry.max_tokens) }
      : {}),
  };
}

/** A key path in the file, and the checks that name it in their errors. */
class Path {
  constructor(
    private readonly file: string,
    private readonly path: string,
  ) {}

  to(key: string): Path {
    return new Path(this.file, this.path === "" ? key : `${this.path}.${key}`);
  }

  fail(problem: string, hint: string): ConfigError {
    const where = this.path === "" ? this.file : `${this.file}: ${this.path}`;
    return new ConfigError(`${where} ${problem}`, { where, hint });
  }

  object(value: unknown): Record<string, unknown> {
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    throw this.fail("must be a mapping (key: value lines)", "see the example in the gateway docs");
  }

  list(value: unknown): unknown[] {
    if (Array.isArray(value)) return value;
    throw this.fail("must be a list (lines starting with -)", "see the example in the gateway docs");
  }

  string(value: unknown): string {
    if (typeof value === "string" && value.trim() !== "") return value;
    throw this.fail(
      `must be a non-empty string, not ${JSON.stringify(value)}`,
      "quote it if it looks like a number",
    );
  }

  strings(value: unknown): string[] {
    return this.list(value).map((item, i) => this.to(String(i)).string(item));
  }

  number(value: unknown, min: number, max: number): number {
    if (typeof value === "number" && value >= min && value <= max) return value;
    throw this.fail(
      `must be a number from ${min} to ${max}, not ${JSON.stringify(value)}`,
      `e.g. ${max / 2}`,
    );
  }

  positiveInteger(value: unknown): number {
    if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
    throw this.fail(`must be a positive integer, not ${JSON.stringify(value)}`, "e.g. 4096");
  }
}
