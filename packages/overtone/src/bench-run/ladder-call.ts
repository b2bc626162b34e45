/**
 * One ladder call: the case's request built with the rung's sampling, measured (measure-call.ts), judged by the
 * case's check and turned into its record. A backend that throws, or a check that does, is recorded as a failed
 * call like any other: nothing one call does may end the run.
 */
import type { Backend, GenerateRequest } from "../backends/contract.js";
import type { CallRecord } from "../bench/call-record.js";
import { assistCaseBackend } from "./assist-rung.js";
import type { Ladder, LadderModel } from "./ladder-file.js";
import { type MeasuredCall, measureCall } from "./measure-call.js";
import { type CallSlot, type RungContext, recordOfCall } from "./record-of-call.js";
import { rungSampling } from "./rung-backend.js";
import type { CaseVerdict } from "./suite.js";

export async function oneCall(
  backend: Backend,
  context: RungContext,
  slot: CallSlot,
  ladder: Ladder,
  model: LadderModel,
  /** Set on the first call after the model was opened: the load time measured here, null for a server's. */
  afterLoad: { loadMs: number | null } | null,
): Promise<CallRecord> {
  const { benchCase } = slot;
  const sampling = rungSampling(model, ladder.maxTokens);
  const timeout = AbortSignal.timeout(ladder.callTimeoutMs);
  const request: GenerateRequest = {
    conversation: benchCase.conversation,
    signal: timeout,
    ...sampling,
    ...(benchCase.maxTokens !== undefined ? { maxTokens: benchCase.maxTokens } : {}),
    ...(benchCase.effort !== undefined && model.harmony && model.params.effort === undefined
      ? { effort: benchCase.effort }
      : {}),
  };
  const startedAt = new Date();
  // An assist rung answers a case through the suite's route with the case's own input (assist-rung.ts).
  const target =
    model.backend === "assist" ? assistCaseBackend(backend.location, slot.suite, benchCase) : backend;
  const measured = await measureCall(target, request).catch(failedCall);
  const output = {
    answer: measured.texts.answer,
    reasoning: measured.texts.reasoning,
    toolCalls: measured.texts.toolCalls,
    finishReason: measured.finishReason,
  };
  const verdict: CaseVerdict = await benchCase.check(output).catch((error: unknown) => ({
    success: false,
    parsedOk: null,
    ideaCount: null,
    riskFlags: [],
    errors: [{ kind: "check", message: `the case's check failed: ${(error as Error).message}` }],
  }));
  // A server that loads on the first request (Ollama) reports how long it took; that is this call's cold load.
  const serverLoad =
    measured.server.loadMs !== null && measured.server.loadMs > 0 ? measured.server.loadMs : null;
  const coldLoadMs = afterLoad === null ? null : (afterLoad.loadMs ?? serverLoad);
  const record = recordOfCall(context, slot, { measured, verdict, startedAt, coldLoadMs });
  if (!timeout.aborted) return record;
  const message = `the call ran past call_timeout_s (${ladder.callTimeoutMs / 1000} s) and was cut`;
  return { ...record, success: false, errors: [{ kind: "timeout", message }, ...record.errors] };
}

/** A backend that threw instead of ending its stream with an error part: recorded like any failed call. */
function failedCall(error: unknown): MeasuredCall {
  return {
    texts: { reasoning: "", answer: "", toolCalls: [] },
    finishReason: "error",
    notice: (error as Error).message ?? String(error),
    usage: null,
    client: {
      ttftMs: null,
      firstTextMs: null,
      ttfatMs: null,
      e2eMs: 0,
      itlMs: null,
      tpotMs: null,
      decodeTokensPerSecond: null,
      prefillTokensPerSecond: null,
    },
    server: {
      promptMs: null,
      generationMs: null,
      loadMs: null,
      prefillTokensPerSecond: null,
      decodeTokensPerSecond: null,
    },
  };
}
