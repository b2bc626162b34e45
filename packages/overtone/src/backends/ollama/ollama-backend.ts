/**
 * The Ollama backend: gpt-oss through Ollama's native API (reference/backends.md §1).
 *
 * Routes: `/api/chat` by default — Ollama renders Harmony with the model file's template and parses channels
 * and tool calls itself; `raw` sends Overtone's own rendered prompt to `/api/generate` (`raw: true`) and parses
 * the stripped text. `auto` asks `/api/show` once per model and takes the raw route only for a gpt-oss model
 * whose template is not Harmony (field report 000), saying so in the finish part's `notice`. A turn without an
 * answer gets a notice explaining why (reasoning only, cut off by the budget: field report 004).
 *
 * `stream` never throws: failures are an `error` part (a `BackendError` with status, URL, body, retryable and a
 * hint), an abort is `finish: aborted`, and stopping early (or aborting) cancels the HTTP request.
 */
import { BackendError, ConfigError } from "@overtone/errors";
import type { Part } from "@overtone/harmony";
import { DEFAULT_TIMEOUT_MS, type HttpRequestOptions, httpJson } from "../../net/http.js";
import { upstreamRequest } from "../../net/http-stream.js";
import { checkedParts } from "../checked-parts.js";
import type { Backend, GenerateRequest, HttpBackendOptions, ModelInfo } from "../contract.js";
import { chooseOllamaRoute, ollamaTemplateBroken, ollamaTemplateNotice } from "../gpt-oss-profile.js";
import { abortable } from "../openai-compatible/abortable.js";
import { chatRequestBody } from "./chat-request.js";
import { chatParts } from "./chat-stream.js";
import { rawGenerateBody } from "./generate-request.js";
import { generateParts } from "./generate-stream.js";
import { modelInfoFromShow, modelInfoFromTag } from "./models.js";
import { ndjsonLines } from "./ndjson.js";
import { errorFromResponse, statusError } from "./ollama-errors.js";
import type { OllamaShowResponse, OllamaTagsResponse } from "./wire.js";

export interface OllamaBackendOptions extends HttpBackendOptions {
  /** Model used when a request names none (e.g. `gpt-oss:20b`). */
  model?: string;
  /** Context length to ask for; at least OLLAMA_MIN_NUM_CTX (8192) is always sent. */
  numCtx?: number;
  /** Ollama's `keep_alive` (`"5m"`, seconds, 0 to unload after the request). */
  keepAlive?: string | number;
}

/** Loading a 13 GB model before the first byte can take minutes; metadata calls keep the 30 s default. */
export const OLLAMA_GENERATION_TIMEOUT_MS = 300_000;

export interface OllamaBackend extends Backend {
  /** One model's facts from `/api/show` (cached per backend): gpt-oss or not, template class, context. */
  showModel(model: string, signal?: AbortSignal): Promise<ModelInfo>;
}

export function createOllama(options: OllamaBackendOptions): OllamaBackend {
  const base = options.baseURL.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(base)) {
    throw new ConfigError(`Ollama base URL must start with http:// or https://: ${options.baseURL}`, {
      where: "createOllama({ baseURL })",
      hint: "use e.g. http://127.0.0.1:11434",
    });
  }
  const shown = new Map<string, Promise<ModelInfo>>();
  const http = (signal?: AbortSignal, timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS) => ({
    headers: { "content-type": "application/json", ...options.headers },
    timeoutMs,
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    ...(signal !== undefined ? { signal } : {}),
  });

  /**
   * One look-up per model, shared by concurrent callers, so it runs without any one caller's signal; a caller
   * that aborts stops waiting for it. A failed look-up is not remembered: the next request asks again.
   */
  const showModel = (model: string, signal?: AbortSignal): Promise<ModelInfo> => {
    let info = shown.get(model);
    if (info === undefined) {
      info = ollamaJson<OllamaShowResponse>(
        `${base}/api/show`,
        { ...http(), method: "POST", body: JSON.stringify({ model }) },
        model,
      ).then((show) => modelInfoFromShow(model, show));
      info.catch(() => shown.delete(model));
      shown.set(model, info);
    }
    return untilAborted(info, signal);
  };

  async function* stream(request: GenerateRequest): AsyncGenerator<Part, void, undefined> {
    // Ours, so that a consumer who stops reading also cancels the request (see `finally`).
    const controller = new AbortController();
    const startedAt = performance.now();
    const signal =
      request.signal === undefined ? controller.signal : AbortSignal.any([request.signal, controller.signal]);
    try {
      const model = request.model ?? options.model;
      if (model === undefined || model === "") {
        throw new ConfigError("no model named for Ollama", {
          where: "GenerateRequest.model",
          hint: 'name one in the request or in createOllama({ model: "gpt-oss:20b" })',
        });
      }
      const info =
        request.route === "chat" || request.route === "raw" ? undefined : await showModel(model, signal);
      const route = chooseOllamaRoute(request.route, info ?? {});
      const context = {
        model,
        ...(options.numCtx !== undefined ? { numCtx: options.numCtx } : {}),
        ...(typeof info?.details?.numCtx === "number" ? { modelNumCtx: info.details.numCtx } : {}),
        ...(options.keepAlive !== undefined ? { keepAlive: options.keepAlive } : {}),
      };
      const url = `${base}${route === "raw" ? "/api/generate" : "/api/chat"}`;
      const body = route === "raw" ? rawGenerateBody(request, context) : chatRequestBody(request, context);
      // node:http with kept-alive sockets straight to Ollama; fetch when one is injected or a proxy is set.
      const response = await upstreamRequest(url, {
        ...http(signal, options.timeoutMs ?? OLLAMA_GENERATION_TIMEOUT_MS),
        method: "POST",
        body: JSON.stringify(body),
      });
      if (!response.ok) throw await errorFromResponse(response, url, model);
      // `abortable`: an abort ends the read at once even when an injected fetch ignores the signal.
      const lines = ndjsonLines(abortable(response.body, signal), url);
      const streamOptions = { url, signal };
      const parts = route === "raw" ? generateParts(lines, streamOptions) : chatParts(lines, streamOptions);
      const explained = checkedParts(parts, request);
      const templateNotice =
        info?.gptOss === true && ollamaTemplateBroken(info.template)
          ? ollamaTemplateNotice(model, info.template ?? "unknown", route)
          : undefined;
      // The parts streams time themselves from the first byte; the caller waited from the request on (a model
      // load can take most of it), so that wait counts in time to first token and total.
      const waited = performance.now() - startedAt;
      for await (const part of explained) {
        if (part.type !== "finish") {
          yield part;
          continue;
        }
        const timings = { ...part.timings };
        if (timings.firstTokenMs !== undefined) timings.firstTokenMs += waited;
        if (timings.totalMs !== undefined) timings.totalMs += waited;
        const notice =
          templateNotice === undefined || part.notice === undefined
            ? (templateNotice ?? part.notice)
            : `${templateNotice}; ${part.notice}`;
        yield { ...part, timings, ...(notice !== undefined ? { notice } : {}) };
      }
    } catch (error) {
      yield request.signal?.aborted === true
        ? { type: "finish", reason: "aborted" }
        : { type: "error", error: asError(error) };
    } finally {
      controller.abort();
    }
  }

  return {
    kind: "ollama",
    location: base,
    capabilities: {
      rawPrompt: true,
      nativeHarmony: true,
      reasoningEffort: true,
      tools: true,
      logprobs: false,
      tokenCounts: true,
    },
    stream,
    showModel,
    async listModels(signal) {
      const tags = await ollamaJson<OllamaTagsResponse>(`${base}/api/tags`, http(signal));
      const models = (tags.models ?? []).map(modelInfoFromTag);
      // Only gpt-oss models are worth a `/api/show` each: their template decides whether Harmony works.
      return Promise.all(
        models.map(async (m) => {
          if (!m.gptOss) return m;
          const shownInfo = await showModel(m.id, signal);
          return { ...m, ...shownInfo, details: { ...m.details, ...shownInfo.details } };
        }),
      );
    },
    async close() {
      shown.clear();
    },
  };
}

/** `httpJson`, with a failed status said in Ollama's words (its `{"error":"…"}` body) and a hint. */
async function ollamaJson<T>(url: string, options: HttpRequestOptions, model?: string): Promise<T> {
  try {
    return await httpJson<T>(url, options);
  } catch (error) {
    if (error instanceof BackendError && error.status !== undefined && error.status >= 400) {
      throw statusError(error.status, "", error.body, url, model, error);
    }
    throw error;
  }
}

/** The promise's outcome, or the signal's reason as soon as it fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
