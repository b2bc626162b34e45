/**
 * `createOpenAICompatible`: the Backend for servers that speak OpenAI's Chat Completions — vLLM, llama.cpp's
 * llama-server, LM Studio (and Ollama's `/v1`). The server renders and parses Harmony (chat route); on
 * llama-server Overtone can also render the prompt itself and send token ids to `/completion` (raw route).
 * `flavor: "auto"` asks `/v1/models` once which make it is; what differs per make is in the gpt-oss profile.
 */
import { BackendError, ConfigError } from "@overtone/errors";
import type { Part } from "@overtone/harmony";
import { bodyHeadline, httpJson, toBackendError } from "../../net/http.js";
import { type UpstreamResponse, upstreamRequest } from "../../net/http-stream.js";
import { checkedParts } from "../checked-parts.js";
import type {
  Backend,
  BackendCapabilities,
  GenerateRequest,
  HttpBackendOptions,
  ModelInfo,
} from "../contract.js";
import { chooseRoute, type GptOssFlavor } from "../gpt-oss-profile.js";
import { chatJsonParts, chatStreamParts, type PartsContext } from "./chat-parts.js";
import { chatCompletionBody } from "./chat-request.js";
import { flavorFromModels, hasHarmonyVocabulary, modelsFromAnswer } from "./models.js";
import { completionBody, rawCompletionParts } from "./raw-completion.js";
import { responsesBody, responsesJsonParts, responsesStreamParts } from "./responses.js";
import { statusError } from "./server-errors.js";

export type OpenAICompatibleFlavor = "vllm" | "llama-server" | "lmstudio" | "auto";

export interface OpenAICompatibleOptions extends HttpBackendOptions {
  /** Which server it is; `auto` (default) asks `/v1/models`. */
  flavor?: OpenAICompatibleFlavor;
  /** Model used when a request names none (servers with one model ignore it). */
  model?: string;
  /** `false` asks for whole answers (`stream: false`); parts are the same. Default true. */
  streaming?: boolean;
  /**
   * The API of the chat route: `chat` (Chat Completions, default) or `responses` (`/v1/responses`: vLLM's
   * recommended API for gpt-oss, and the only one where LM Studio honours the reasoning effort).
   */
  api?: "chat" | "responses";
}

/** `http://host:8000`, `http://host:8000/`, `http://host:8000/v1` → `http://host:8000`. */
export function serverRoot(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch (error) {
    throw new ConfigError(`not a URL: "${baseURL}"`, {
      where: "baseURL",
      hint: "pass the server's address, e.g. http://127.0.0.1:8080",
      cause: error,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`baseURL must be http or https, got ${url.protocol}`, { where: "baseURL" });
  }
  return url.href.replace(/\/+$/, "").replace(/\/v1$/, "");
}

async function jsonAnswer(response: UpstreamResponse, url: string): Promise<Record<string, unknown>> {
  const text = await response.text().catch((error: unknown) => {
    throw toBackendError(error, url, "reading the response");
  });
  let failure: unknown;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch (error) {
    failure = error; // reported below, as its cause
  }
  throw new BackendError(`${url} answered ${bodyHeadline(text) ?? "an empty body"}, not a JSON object`, {
    url,
    status: response.status,
    body: text.slice(0, 2_000),
    retryable: false,
    cause: failure,
  });
}

export function createOpenAICompatible(options: OpenAICompatibleOptions): Backend {
  const root = serverRoot(options.baseURL);
  const headers = { ...options.headers };
  const http = {
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  const streaming = options.streaming ?? true;
  let flavor: GptOssFlavor | undefined =
    options.flavor === "auto" || options.flavor === undefined ? undefined : options.flavor;
  let models: Promise<ModelInfo[]> | undefined;

  async function listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const answer = await httpJson(`${root}/v1/models`, { headers, ...http, ...(signal ? { signal } : {}) });
    flavor ??= flavorFromModels(answer);
    let props: Record<string, unknown> | undefined;
    if (flavor === "llama-server") {
      // `/props` only adds the template's class and the context in use: a server without it (an older build, a
      // proxy) still lists its models. A caller's abort is not such a failure and goes on as an abort.
      props = await httpJson<Record<string, unknown>>(`${root}/props`, {
        headers,
        ...http,
        ...(signal ? { signal } : {}),
      }).catch((error: unknown) => {
        if (signal?.aborted) throw error;
        return undefined;
      });
    }
    return modelsFromAnswer(answer, props);
  }

  /** Models, asked once per backend (a failed ask is retried next time). */
  function knownModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    if (models === undefined) {
      models = listModels(signal);
      models.catch(() => (models = undefined));
    }
    return models;
  }

  async function* generate(request: GenerateRequest): AsyncGenerator<Part, void, undefined> {
    const signal = request.signal;
    const model = request.model ?? options.model;
    if (flavor === undefined) await knownModels(signal);
    const resolved = flavor ?? "openai";
    // `auto` on llama-server needs to know the model's vocabulary (the raw route sends token ids).
    const probeVocabulary = resolved === "llama-server" && (request.route ?? "auto") === "auto";
    const route = chooseRoute(request.route, {
      rawAvailable: resolved === "llama-server",
      harmonyVocabulary: probeVocabulary && hasHarmonyVocabulary(await knownModels(signal), model),
    });
    if (route === "raw" && resolved !== "llama-server") {
      throw new ConfigError(`the raw route needs llama-server; ${root} is ${resolved}`, {
        where: "route",
        hint: "use route 'chat' or 'auto' with this server",
      });
    }
    const responsesApi = route === "chat" && options.api === "responses";
    const url =
      route === "raw"
        ? `${root}/completion`
        : responsesApi
          ? `${root}/v1/responses`
          : `${root}/v1/chat/completions`;
    const rendered = route === "raw" ? completionBody(request) : undefined;
    const wire = { flavor: resolved, model, stream: streaming };
    const body =
      rendered?.body ?? (responsesApi ? responsesBody(request, wire) : chatCompletionBody(request, wire));
    // The clock starts as the request goes out (reference/bench-and-agent.md A6): rendering and probes before
    // it are ours, not the server's time to first token.
    const startedAt = performance.now();
    // node:http with kept-alive sockets straight to the server; fetch when one is injected or a proxy is set.
    const response = await upstreamRequest(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream, application/json",
        ...headers,
      },
      body: JSON.stringify(body),
      ...http,
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw await statusError(response, url);
    const context: PartsContext = { url, startedAt, ...(signal ? { signal } : {}) };
    if (rendered !== undefined) {
      yield* rawCompletionParts(response, context, rendered.prompt.length);
    } else if (responsesApi) {
      if (streaming) yield* responsesStreamParts(response, context);
      else yield* responsesJsonParts(await jsonAnswer(response, url), context);
    } else if (streaming) {
      yield* chatStreamParts(response, context);
    } else {
      yield* chatJsonParts(await jsonAnswer(response, url), context);
    }
  }

  function stream(request: GenerateRequest): AsyncGenerator<Part, void, undefined> {
    // A call that names no tool (raw route) or one not offered is repaired or explained (tool-call-check.ts);
    // failures before the stream began (model probe, connection, HTTP status) end it as a part.
    return checkedParts(
      generate(request),
      request,
      (error): Part =>
        request.signal?.aborted
          ? { type: "finish", reason: "aborted" }
          : { type: "error", error: error instanceof Error ? error : new Error(String(error)) },
    );
  }

  const capabilities = (): BackendCapabilities => ({
    rawPrompt: flavor === "llama-server",
    nativeHarmony: true,
    // LM Studio ignores reasoning_effort on Chat Completions (lmstudio-bug-tracker#988), not on /v1/responses.
    reasoningEffort: flavor !== "lmstudio" || options.api === "responses",
    tools: true,
    logprobs: false,
    tokenCounts: true,
  });

  return {
    kind: "openai-compatible",
    location: root,
    get capabilities() {
      return capabilities();
    },
    stream,
    listModels: (signal) => listModels(signal),
    close: async () => {},
  };
}
