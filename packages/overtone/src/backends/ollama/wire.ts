/**
 * Ollama's native REST API as JSON shapes (reference/backends.md §1; field names exactly as `api/types.go`).
 * Only what Overtone sends or reads; every response field is optional because hosted and local servers, and
 * versions, leave different ones out (the hosted `/api/show` has no `template`, a hosted `/api/generate` may
 * have no `done_reason`).
 */

export interface OllamaToolCall {
  id?: string;
  function: {
    index?: number;
    name: string;
    /** A JSON object, not a string (unlike OpenAI's wire). */
    arguments: Record<string, unknown>;
  };
}

export interface OllamaMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  thinking?: string;
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
  tool_call_id?: string;
}

export interface OllamaTool {
  type: "function";
  function: { name: string; description: string; parameters?: unknown };
}

/** `api.Options`: the Modelfile parameters a request may override. */
export interface OllamaOptions {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  repeat_penalty?: number;
  num_ctx?: number;
  num_predict?: number;
  seed?: number;
  stop?: string[];
}

export type OllamaThink = boolean | "low" | "medium" | "high" | "max";

export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  stream: boolean;
  think?: OllamaThink;
  tools?: OllamaTool[];
  /** Structured output: `"json"` or a JSON Schema for the answer. */
  format?: "json" | Record<string, unknown>;
  options?: OllamaOptions;
  keep_alive?: string | number;
}

export interface OllamaGenerateRequest {
  model: string;
  prompt: string;
  raw?: boolean;
  stream: boolean;
  options?: OllamaOptions;
  keep_alive?: string | number;
}

/** The counters on the last (`done: true`) line; durations in nanoseconds. */
export interface OllamaMetrics {
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

/** One NDJSON line of `/api/chat` or `/api/generate` (or a whole non-streamed answer). */
export interface OllamaStreamLine extends OllamaMetrics {
  model?: string;
  created_at?: string;
  message?: Partial<OllamaMessage>;
  /** `/api/generate` puts the text here, and the reasoning (when Ollama parsed Harmony) in `thinking`. */
  response?: string;
  thinking?: string;
  tool_calls?: OllamaToolCall[];
  done?: boolean;
  /** `stop`, `length`, `load`, `unload`; absent on some hosted answers. */
  done_reason?: string;
  /** A failure after the stream started (the HTTP status stays 200). */
  error?: string;
}

export interface OllamaModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
  context_length?: number;
}

export interface OllamaTagsResponse {
  models?: Array<{
    name: string;
    model?: string;
    modified_at?: string;
    size?: number;
    digest?: string;
    details?: OllamaModelDetails;
    capabilities?: string[];
  }>;
}

export interface OllamaShowResponse {
  /** The Go template of the model file; absent on hosted servers. */
  template?: string;
  parameters?: string;
  modelfile?: string;
  system?: string;
  /** Built-in renderer / output parser (newer servers), e.g. `harmony`. */
  renderer?: string;
  parser?: string;
  details?: OllamaModelDetails;
  model_info?: Record<string, unknown>;
  capabilities?: string[];
  modified_at?: string;
}
