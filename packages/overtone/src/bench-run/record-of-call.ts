/**
 * One measured call (measure-call.ts) and its suite verdict (suite.ts) as a call record (bench/call-record.ts),
 * and the record of a call that never ran because its model did not load. Kept apart from the runner so the
 * mapping — which figure lands in which field, and why an answer is empty — reads in one place.
 */
import type { BackendKind, CallError, CallRecord } from "../bench/call-record.js";
import { CALL_RECORD_SCHEMA } from "../bench/call-record.js";
import type { MeasuredCall } from "./measure-call.js";
import type { BenchCase, CaseVerdict } from "./suite.js";

/** What is the same for every call of a rung. */
export interface RungContext {
  runId: string;
  expId: string;
  device: string;
  model: string;
  harmony: boolean;
  backendKind: BackendKind;
  endpoint: string | null;
  modelSizeBytes: number | null;
  /** Sampling as sent (temperature, top_p, seed, effort, max_tokens, route). */
  params: Record<string, unknown>;
  env: Record<string, unknown>;
}

/** Which call of the ladder this is. */
export interface CallSlot {
  callId: string;
  suite: string;
  benchCase: BenchCase;
  repetition: number;
  warmup: boolean;
}

export function recordOfCall(
  rung: RungContext,
  slot: CallSlot,
  call: {
    measured: MeasuredCall;
    verdict: CaseVerdict;
    startedAt: Date;
    coldLoadMs: number | null;
  },
): CallRecord {
  const { measured, verdict } = call;
  const { texts, client, server, usage } = measured;
  const failed = measured.finishReason === "error";
  const errors: CallError[] = [
    ...(failed ? [{ kind: "backend", message: measured.notice ?? "the call failed" }] : []),
    ...verdict.errors,
  ];
  // The three moments in order, whichever clock each came from (the backend's first token may start earlier).
  const latency = client.e2eMs;
  const ttfat = client.ttfatMs === null ? null : Math.min(client.ttfatMs, latency);
  const ttft = client.ttftMs === null ? null : Math.min(client.ttftMs, ttfat ?? latency);
  const reasoningTokens = usage?.reasoningTokens ?? (rung.harmony ? null : 0);
  const plainAnswer = texts.toolCalls.length === 0;
  return {
    ...base(rung, slot, call.startedAt),
    output: {
      raw: [texts.reasoning, texts.answer, ...texts.toolCalls].filter((t) => t !== "").join("\n\n"),
      final: texts.answer === "" ? null : texts.answer,
      analysis: texts.reasoning === "" ? null : texts.reasoning,
    },
    latency_ms: latency,
    timing: {
      ttft_ms: ttft,
      ttfat_ms: ttfat,
      itl:
        client.itlMs === null
          ? null
          : {
              count: client.itlMs.count,
              mean_ms: client.itlMs.mean,
              p50_ms: client.itlMs.p50,
              p90_ms: client.itlMs.p90,
              max_ms: client.itlMs.max,
            },
      tpot_ms: { client: client.tpotMs, server: tpot(server.decodeTokensPerSecond) },
      prefill_tps: { client: client.prefillTokensPerSecond, server: server.prefillTokensPerSecond },
      decode_tps: { client: client.decodeTokensPerSecond, server: server.decodeTokensPerSecond },
    },
    tokens: {
      prompt: usage?.inputTokens ?? null,
      cached_prompt: usage?.cachedInputTokens ?? null,
      analysis: reasoningTokens,
      final: usage && reasoningTokens !== null && plainAnswer ? usage.outputTokens - reasoningTokens : null,
      commentary: plainAnswer && usage ? 0 : null,
    },
    finish_reason: measured.finishReason,
    empty_answer_cause: texts.answer === "" ? emptyAnswerCause(measured) : null,
    success: verdict.success && !failed,
    parsed_ok: verdict.parsedOk,
    idea_count: verdict.ideaCount,
    risk_flags: verdict.riskFlags,
    errors,
    warmup: slot.warmup,
    cold_load_ms: call.coldLoadMs,
  };
}

/** The record of a call that could not run: its model failed to load or is missing. */
export function recordOfLoadFailure(rung: RungContext, slot: CallSlot, reason: string): CallRecord {
  return {
    ...base(rung, slot, new Date()),
    output: { raw: "", final: null, analysis: null },
    latency_ms: 0,
    timing: {
      ttft_ms: null,
      ttfat_ms: null,
      itl: null,
      tpot_ms: { client: null, server: null },
      prefill_tps: { client: null, server: null },
      decode_tps: { client: null, server: null },
    },
    tokens: { prompt: null, cached_prompt: null, analysis: null, final: null, commentary: null },
    finish_reason: "error",
    empty_answer_cause: `the model did not load: ${reason}`,
    success: false,
    parsed_ok: null,
    idea_count: null,
    risk_flags: [],
    errors: [{ kind: "load", message: reason }],
    warmup: slot.warmup,
    cold_load_ms: null,
  };
}

function base(rung: RungContext, slot: CallSlot, startedAt: Date) {
  return {
    schema: CALL_RECORD_SCHEMA,
    call_id: slot.callId,
    run_id: rung.runId,
    exp_id: rung.expId,
    ts: startedAt.toISOString(),
    model: rung.model,
    model_size_bytes: rung.modelSizeBytes,
    model_params_b: null,
    suite: slot.suite,
    case_id: slot.benchCase.id,
    repetition: slot.repetition,
    device: rung.device,
    backend_kind: rung.backendKind,
    endpoint: rung.endpoint,
    prompt_version: slot.benchCase.promptVersion,
    params: {
      ...rung.params,
      ...(slot.benchCase.maxTokens !== undefined ? { max_tokens: slot.benchCase.maxTokens } : {}),
    },
    input: slot.benchCase.input,
    env: rung.env,
    human: { rating: null, note: null },
  } satisfies Partial<CallRecord>;
}

function tpot(decodeTokensPerSecond: number | null): number | null {
  return decodeTokensPerSecond !== null && decodeTokensPerSecond > 0 ? 1000 / decodeTokensPerSecond : null;
}

/**
 * Why no answer came (report 004's "4/5 empty", blamed on the model): the backend's own notice when it gave one,
 * else what the finish says — a budget spent inside the reasoning, or a stop before any final message.
 */
function emptyAnswerCause(measured: MeasuredCall): string {
  if (measured.notice !== null) return measured.notice;
  if (measured.texts.toolCalls.length > 0) return "the model called a tool instead of answering";
  if (measured.finishReason === "length") {
    return measured.texts.reasoning === ""
      ? "the output budget (max_tokens) ran out before any answer"
      : "the output budget (max_tokens) ran out inside the reasoning";
  }
  return "the model stopped without writing an answer";
}
