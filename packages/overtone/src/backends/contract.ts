/**
 * The one contract every backend implements (types only). A caller hands a Harmony conversation and gets back
 * one `Part` stream — analysis, commentary, final and tool calls kept apart, then exactly one `finish` or
 * `error` — whether the model runs in-process (embedded llama.cpp) or behind Ollama, vLLM, llama-server or
 * LM Studio. Each backend maps the conversation to its wire format and the wire back to parts; the gpt-oss
 * specifics of that mapping (sampling, effort, where reasoning comes back, repairs) live in one profile module.
 */
import type { Conversation, Part, ToolDescription } from "@overtone/harmony";

export type Effort = "low" | "medium" | "high";

/** How a chat-capable server is driven: its chat API, or a raw prompt rendered by Overtone. */
export type Route = "auto" | "chat" | "raw";

/**
 * A structured answer: any JSON object (`json_object`), or JSON that a JSON Schema accepts (`json_schema`).
 * It constrains the FINAL channel only; the analysis stays free text — gpt-oss reasons worse or not at all
 * when its reasoning is grammar-constrained (ollama#11691).
 */
export type ResponseFormat =
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; schema: Record<string, unknown>; strict?: boolean };

export interface GenerateRequest {
  /** The whole conversation in Harmony's data model: system, developer (instructions, tools), history, user. */
  conversation: Conversation;
  /** Model name or path as the backend knows it; the backend's default when absent. */
  model?: string;
  /** Overrides the system message's reasoning effort. */
  effort?: Effort;
  /** Function tools to offer, in addition to any in the developer message. */
  tools?: readonly ToolDescription[];
  /** Output token budget (reasoning included). */
  maxTokens?: number;
  /** gpt-oss defaults (temperature 1, top_p 1) apply when absent. */
  temperature?: number;
  topP?: number;
  seed?: number;
  /**
   * Structured output for the answer (final channel only, never the analysis). Backends whose server can limit
   * the answer alone pass it on in their own terms (Ollama's `format`, OpenAI-compatible `response_format`);
   * the raw routes and the embedded engine cannot yet without constraining the reasoning too, so they ignore it
   * and the caller validates the answer (the gateway does).
   */
  responseFormat?: ResponseFormat;
  /** `auto` (default) lets the gpt-oss profile choose; `force` variants are `chat` and `raw`. */
  route?: Route;
  /** Aborting ends the stream with `finish: aborted` and cancels the underlying request. */
  signal?: AbortSignal;
  /**
   * Requests that carry the same key are turns of one conversation: a router among replicas sends them to the one
   * holding its prompt cache (the gateway takes it from `prompt_cache_key` or Open WebUI's chat id).
   */
  sessionKey?: string;
}

export interface BackendCapabilities {
  /** Accepts a raw prompt (Overtone renders Harmony itself). */
  rawPrompt: boolean;
  /** Renders and parses Harmony itself (a gpt-oss-aware chat API). */
  nativeHarmony: boolean;
  reasoningEffort: boolean;
  tools: boolean;
  logprobs: boolean;
  /** Reports exact prompt/output token counts. */
  tokenCounts: boolean;
}

export interface ModelInfo {
  id: string;
  /** True when the backend reports a gpt-oss model (family, architecture or name). */
  gptOss?: boolean;
  /** Class of the model's chat template, when the backend shows it. */
  template?: "harmony" | "chatml" | "other" | "missing";
  contextLength?: number;
  /** Anything else the backend reported, for `doctor`. */
  details?: Record<string, unknown>;
}

export interface Backend {
  /** `embedded`, `ollama`, `openai-compatible` (vLLM, llama-server, LM Studio). */
  readonly kind: string;
  /** Where it is (a base URL, or a model path for the embedded engine), for messages. */
  readonly location: string;
  readonly capabilities: BackendCapabilities;
  /** Generates the assistant's next turn. Never throws: failures arrive as an `error` part. */
  stream(request: GenerateRequest): AsyncIterable<Part>;
  /** Models the backend can serve. */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Releases what the backend holds (a loaded model, keep-alive sockets). */
  close(): Promise<void>;
}

/** Options every HTTP backend factory takes (`createOllama({ baseURL, fetch, headers })`). */
export interface HttpBackendOptions {
  baseURL: string;
  /** Injected for tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  /** Per-request timeout for connecting and the first byte (ms). */
  timeoutMs?: number;
}
