/**
 * The conversation behind `overtone chat`: the history as real Harmony messages, the effort of the next turns,
 * and one turn at a time — the user's message, the model's messages, and for each tool call the result the
 * caller supplies, after which the turn continues by itself until the model answers.
 *
 * The history keeps every message the model produced, analysis included; Harmony's rule that earlier turns'
 * analysis is dropped is applied where the prompt is made (our renderer's `autoDropAnalysis`, or the server's
 * template for chat APIs), so each backend still sees what it needs (a tool call's reasoning in the same turn).
 *
 * A turn is kept all or nothing: it joins the history only when the model finished (a stop, or the token limit);
 * an abort, a failed generation or a tool result the caller declines leaves the history as it was, so the next
 * turn never follows a dangling tool call.
 */

import {
  conversation,
  type FinishPart,
  type Message,
  message,
  type Part,
  toolResult,
} from "@overtone/harmony";
import type { Backend, Effort } from "../../backends/index.js";

export interface ToolCallRequest {
  /** As the model addressed it: `functions.get_weather`, `browser.search`, … */
  recipient: string;
  /** The arguments text as the model wrote it (usually JSON, not guaranteed). */
  arguments: string;
}

export interface ChatTurnOptions {
  signal?: AbortSignal;
  /**
   * Called for each tool call, after its parts were yielded; returns the tool's output, or undefined to give up
   * the turn (it then ends with `finish: aborted` and is not kept).
   */
  toolResult(call: ToolCallRequest): Promise<string | undefined>;
}

export interface ChatSessionOptions {
  backend: Backend;
  /** What every conversation starts with: the system message and, if any, the developer message. */
  start: readonly Message[];
  effort?: Effort;
  maxTokens?: number;
  /** Temperature and seed for every request (gpt-oss's defaults when absent). */
  sampling?: { temperature?: number; seed?: number };
}

/** How a turn ended: `kept` when its messages joined the history. */
export interface TurnOutcome {
  kept: boolean;
  finish?: FinishPart;
  error?: Error;
}

export class ChatSession {
  readonly backend: Backend;
  /** Applies from the next request on (a turn's continuation after a tool result included). */
  effort: Effort;
  readonly maxTokens: number | undefined;
  readonly #sampling: { temperature?: number; seed?: number };
  readonly #start: readonly Message[];
  #history: Message[] = [];
  #lastFinish: FinishPart | undefined;

  constructor(options: ChatSessionOptions) {
    this.backend = options.backend;
    this.#start = [...options.start];
    this.effort = options.effort ?? "medium";
    this.maxTokens = options.maxTokens;
    this.#sampling = { ...options.sampling };
  }

  /** The turns so far (user, assistant and tool messages), without the system and developer messages. */
  get history(): readonly Message[] {
    return this.#history;
  }

  /** The finish part (usage, timings) of the last request that was not interrupted, its turn kept or not. */
  get lastFinish(): FinishPart | undefined {
    return this.#lastFinish;
  }

  /** Forgets the turns; the system and developer messages stay. */
  reset(): void {
    this.#history = [];
    this.#lastFinish = undefined;
  }

  /**
   * One turn: yields every request's parts as they stream (each request ends in `finish` or `error`; a turn
   * with tool calls makes several requests) and returns how it ended.
   */
  async *turn(text: string, options: ChatTurnOptions): AsyncGenerator<Part, TurnOutcome, undefined> {
    const pending: Message[] = [message("user", text)];
    for (;;) {
      const ended: Message[] = [];
      const calls: ToolCallRequest[] = [];
      let finish: FinishPart | undefined;
      let error: Error | undefined;
      for await (const part of this.backend.stream({
        conversation: conversation([...this.#start, ...this.#history, ...pending]),
        effort: this.effort,
        ...this.#sampling,
        ...(this.maxTokens !== undefined ? { maxTokens: this.maxTokens } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      })) {
        if (part.type.endsWith("-end") && "message" in part) ended.push(part.message);
        if (part.type === "tool-call-end") calls.push({ recipient: part.recipient, arguments: part.text });
        if (part.type === "finish") {
          finish = part;
          if (part.reason !== "aborted") this.#lastFinish = part;
        }
        if (part.type === "error") error = part.error;
        yield part;
      }
      if (error !== undefined) return { kept: false, error };
      if (finish === undefined || finish.reason === "aborted" || finish.reason === "error") {
        return { kept: false, ...(finish !== undefined ? { finish } : {}) };
      }
      pending.push(...ended);
      if (finish.reason !== "tool-calls" || calls.length === 0) {
        this.#history.push(...pending);
        return { kept: true, finish };
      }
      for (const call of calls) {
        const result = options.signal?.aborted ? undefined : await options.toolResult(call);
        if (result === undefined || options.signal?.aborted) {
          const aborted: FinishPart = { type: "finish", reason: "aborted" };
          yield aborted;
          return { kept: false, finish: aborted };
        }
        pending.push(toolResult(call.recipient, result));
      }
    }
  }
}
