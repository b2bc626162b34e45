/**
 * The bench call record (issue 16 item 2): one JSON line per model call, written by the ladder runner and read by
 * `overtone bench report` and `bench rate`. Report 004's fields (exp_id, endpoint, prompt_version, params, input,
 * raw output, latency_ms, parsed_ok, idea_count, risk_flags, errors, env, human rating/note) plus the labels a
 * comparison groups by and the timings the good tools measure (shared reference, bench-and-agent.md part A):
 * client-measured and server-reported side by side, because a server's own `timings` exclude HTTP and template
 * cost and a client figure alone cannot show where time went. Units are in the names (`_ms`, `_tps`); docs/bench.md
 * lists every field. `schema` is bumped on any change a reader must know about.
 */

/** The schema this code writes and reads. */
export const CALL_RECORD_SCHEMA = 1;

/** A run directory holds its calls here, one record per line, appended as calls finish. */
export const CALLS_FILE = "calls.jsonl";

/** Human ratings beside the calls, append-only: the last line for a call wins (see ratings.ts). */
export const RATINGS_FILE = "ratings.jsonl";

/** What served the call: the kind decides which server timings can exist. */
export const BACKEND_KINDS = [
  "embedded",
  "llama-server",
  "ollama",
  "vllm",
  "lm-studio",
  "openai-compatible",
  "gateway",
  "assist",
] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** Why generation ended, as the stream's `finish` part says (DESIGN.md stream parts). */
export const FINISH_REASONS = ["stop", "length", "tool-calls", "error", "aborted"] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** A figure measured by the harness and, when the backend reports one, by the server (null otherwise). */
export interface MeasuredPair {
  client: number | null;
  server: number | null;
}

/** Gaps between streamed chunks after the first, ms (vLLM's ITL); null when fewer than two chunks arrived. */
export interface InterTokenLatency {
  /** Gaps measured; null when the writer kept only the percentiles. */
  count: number | null;
  mean_ms: number | null;
  p50_ms: number;
  p90_ms: number;
  max_ms: number;
}

export interface CallTiming {
  /** Request start to the first streamed token of any channel (reasoning included), ms. */
  ttft_ms: number | null;
  /** Request start to the first token of the final answer, after any reasoning (GuideLLM's TTFOT), ms. */
  ttfat_ms: number | null;
  itl: InterTokenLatency | null;
  /** Time per output token after the first: (latency − TTFT) / (output tokens − 1), ms. */
  tpot_ms: MeasuredPair;
  /** Prompt tokens / prefill time, tokens per second. */
  prefill_tps: MeasuredPair;
  /** (Output tokens − 1) / (latency − TTFT) on the client; the server's own decode rate beside it. */
  decode_tps: MeasuredPair;
}

/** Token counts by Harmony channel; null where the backend cannot tell (a non-Harmony model has no analysis). */
export interface ChannelTokens {
  prompt: number | null;
  /** Prompt tokens the server took from its cache (llama-server `cache_n`, Ollama `prompt_eval_cached_count`). */
  cached_prompt: number | null;
  analysis: number | null;
  final: number | null;
  /** Commentary and tool-call tokens together. */
  commentary: number | null;
}

export interface CallOutput {
  /** Everything the model produced, as received: the text report 004 kept for later analysis. */
  raw: string;
  /** The final-channel answer (for a non-Harmony model, the whole reply); null when none came. */
  final: string | null;
  /** The reasoning (analysis channel), null when there was none. */
  analysis: string | null;
}

export interface CallError {
  /** A stable word to group by: `backend`, `timeout`, `parse`, `empty-answer`, `assertion`, … */
  kind: string;
  message: string;
}

export interface HumanRating {
  /** 1 (useless) to 5 (excellent); null when not rated yet. ratings.jsonl overrides it. */
  rating: number | null;
  note: string | null;
}

/** One call, as one JSON line. */
export interface CallRecord {
  schema: typeof CALL_RECORD_SCHEMA;
  /** Unique within the run; ratings refer to calls by it. */
  call_id: string;
  run_id: string;
  exp_id: string | null;
  /** When the request started, ISO 8601. */
  ts: string;
  model: string;
  model_size_bytes: number | null;
  model_params_b: number | null;
  suite: string;
  case_id: string;
  /** 1-based repetition of this case on this model. */
  repetition: number;
  /** The machine label from the ladder file (report 004 compared three laptops). */
  device: string;
  backend_kind: BackendKind;
  /** URL or route the call went to (`http://127.0.0.1:8080/v1/chat/completions`, `embedded`). */
  endpoint: string | null;
  prompt_version: string | null;
  /** Sampling and suite parameters as sent (temperature, top_p, n, creativity, max_tokens, reasoning…). */
  params: Record<string, unknown> | null;
  /** The case's input (issue_text, messages…). */
  input: Record<string, unknown> | null;
  output: CallOutput;
  /** Request start to the end of the stream, ms (vLLM's E2EL). */
  latency_ms: number;
  timing: CallTiming;
  tokens: ChannelTokens;
  finish_reason: FinishReason | null;
  /** Why the answer is empty when it is (`length` inside the reasoning, a stop before any final…), else null. */
  empty_answer_cause: string | null;
  /** The suite's verdict: every check of the case passed. Success rates count this. */
  success: boolean;
  parsed_ok: boolean | null;
  idea_count: number | null;
  risk_flags: string[];
  errors: CallError[];
  /** A warm-up call: untimed by intent, left out of statistics unless asked. */
  warmup: boolean;
  /** Model load time before this call when it loaded the model, ms; null otherwise. */
  cold_load_ms: number | null;
  /** Host, OS, CPU, GPU, engine and Overtone versions… (llama-bench's environment fields). */
  env: Record<string, unknown> | null;
  human: HumanRating;
}
