/**
 * One generated turn as the behavioural probes see it: what was asked (for the evidence), the texts of each
 * channel, the tool calls, how it finished, and what Overtone had to repair on the way — a repair is itself
 * evidence (`stripped-special-tokens`, `markup-in-content`: the server did not parse Harmony, the client did).
 * Servers are driven through their chat API (`route: "chat"`), the route every ordinary client takes: the doctor
 * checks what they get, not what Overtone's raw route would rescue.
 */
import { BackendError } from "@overtone/errors";
import {
  type CollectedToolCall,
  type Conversation,
  collectParts,
  type Message,
  type ToolDescription,
} from "@overtone/harmony";
import type { Effort, ResponseFormat } from "../backends/contract.js";
import type { ProbeContext } from "./probe.js";
import { errorMessage } from "./target.js";

export interface Turn {
  analysis: string;
  final: string;
  commentary: string;
  toolCalls: CollectedToolCall[];
  /** The messages of the turn (to continue the conversation after a tool call). */
  messages: Message[];
  finish?: string;
  repairs: string[];
  notice?: string;
  error?: string;
  outputTokens?: number;
}

export interface TurnRequest {
  conversation: Conversation;
  effort?: Effort;
  tools?: readonly ToolDescription[];
  responseFormat?: ResponseFormat;
  /** Default PROBE_MAX_TOKENS; `null`: no budget, the context is the only limit. */
  maxTokens?: number | null;
  seed?: number;
}

/** Output budget of a probe turn: far above what a short question needs, so a cut is a finding. */
export const PROBE_MAX_TOKENS = 1024;

export async function generateTurn(context: ProbeContext, request: TurnRequest): Promise<Turn> {
  const { target, backend, signal } = context;
  const collected = await collectParts(
    backend.stream({
      conversation: request.conversation,
      ...(target.model !== undefined && target.kind !== "embedded" ? { model: target.model } : {}),
      ...(request.effort !== undefined ? { effort: request.effort } : {}),
      ...(request.tools !== undefined ? { tools: request.tools } : {}),
      ...(request.responseFormat !== undefined ? { responseFormat: request.responseFormat } : {}),
      ...(request.maxTokens !== null ? { maxTokens: request.maxTokens ?? PROBE_MAX_TOKENS } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      route: target.kind === "embedded" ? "auto" : "chat",
      signal,
    }),
    { throwOnError: false },
  );
  const finish = collected.finish;
  // Nothing came back but an error (the server went away, the model is not there): the probe could not run.
  const nothing = collected.analysis === "" && collected.final === "" && collected.toolCalls.length === 0;
  if (collected.error !== undefined && nothing && !answeredWithStatus(collected.error)) throw collected.error;
  return {
    analysis: collected.analysis,
    final: collected.final,
    commentary: collected.commentary,
    toolCalls: collected.toolCalls,
    messages: collected.messages,
    ...(finish !== undefined ? { finish: finish.reason } : {}),
    repairs: (finish?.repairs ?? []).map((r) => r.kind),
    ...(finish?.notice !== undefined && finish.notice !== "" ? { notice: finish.notice } : {}),
    ...(collected.error !== undefined ? { error: errorMessage(collected.error) } : {}),
    ...(finish?.usage?.outputTokens !== undefined ? { outputTokens: finish.usage.outputTokens } : {}),
  };
}

/** A turn cut to what the evidence needs (long texts shortened). */
export function turnEvidence(turn: Turn): Record<string, unknown> {
  const cut = (text: string) => (text.length > 240 ? `${text.slice(0, 240)}…` : text);
  return {
    analysis: cut(turn.analysis),
    final: cut(turn.final),
    ...(turn.commentary !== "" ? { commentary: cut(turn.commentary) } : {}),
    ...(turn.toolCalls.length > 0
      ? { toolCalls: turn.toolCalls.map((c) => ({ recipient: c.recipient, arguments: cut(c.arguments) })) }
      : {}),
    finish: turn.finish,
    ...(turn.repairs.length > 0 ? { repairs: turn.repairs } : {}),
    ...(turn.notice !== undefined ? { notice: turn.notice } : {}),
    ...(turn.error !== undefined ? { error: turn.error } : {}),
  };
}

/** The median of some numbers (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** True for an HTTP error status the server answered with (a 500 on a bad tool call is evidence, not absence). */
export function answeredWithStatus(error: unknown): boolean {
  return error instanceof BackendError && error.status !== undefined && error.status >= 500;
}
