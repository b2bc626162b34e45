/**
 * A loaded gpt-oss model and the context sequences its requests run on (sequence-pool.ts: as many at once as
 * the context has sequences, batched into one decode by node-llama-cpp; the rest wait in a bounded queue):
 * prompt ids from Overtone's renderer go into llama.cpp's low-level sequence API, generated ids come back one by
 * one, stop at `<|return|>`/`<|call|>` or the budget, and become Parts through Overtone's Harmony parser. No chat
 * wrapper and no llama.cpp tokenization is involved, so the model sees exactly the reference rendering.
 *
 * Between requests a sequence keeps its KV cache, and the next prompt run on it reuses the longest common prefix
 * (a multi-turn conversation re-evaluates only its new turns), as llama-server does with `cache_prompt`.
 */

import { InputError } from "@overtone/errors";
import type { ChatTemplateKind } from "@overtone/gguf";
import { type Conversation, type Part, partsFromTokens } from "@overtone/harmony";
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { DecodeStep } from "./decode-step.js";
import { FinalChannelGate, type FinalFormat, grammarFor } from "./final-grammar.js";
import { GenerationStats, withGenerationStats } from "./generation-stats.js";
import { PrefillPacer } from "./prefill-pacer.js";
import { type PromptOptions, promptTokens } from "./prompt.js";
import { checkMaxTokens, evaluateOptions, type SamplingOptions } from "./sampling.js";
import { SequencePool } from "./sequence-pool.js";
import type { ThreadSource } from "./thread-probe.js";
import { limitTokens, type TokenLimitOptions, type TokenLimitOutcome } from "./token-limit.js";

export interface EngineModelInfo {
  path: string;
  /** `general.name` from the GGUF, when set. */
  name: string | undefined;
  threads: number;
  /**
   * Where `threads` came from: the caller, threads.ts's rule, a probe at this load, or a probe remembered from an
   * earlier load of the same model shape on this machine (then the load skipped it).
   */
  threadSource: ThreadSource;
  /** Why a measured thread count could not be remembered, when it could not. */
  threadWarning?: string;
  /** The context of each sequence llama.cpp made (it may round the request up). */
  contextSize: number;
  /** Requests the model generates for at once, each on its own context sequence (LoadModelOptions.parallel). */
  parallel: number;
  trainContextSize: number;
  /** Class of the GGUF's chat template (the engine does not use it: Overtone renders Harmony itself). */
  template: ChatTemplateKind;
  /** The GPU backend in use, or false for CPU only. */
  gpu: string | false;
  /** Why the model runs on the CPU although a GPU backend was found (it failed to load), when it does. */
  gpuWarning?: string;
  /** Bytes of weights one decoded token reads (threads.ts), when known. */
  activeBytes: number | undefined;
  /** Loading the file and making the context (ms). */
  loadMs: number;
}

export interface TokenGenerateOptions extends SamplingOptions {
  /** Output budget (the stop token included); default: until the context is full. */
  maxTokens?: number;
  /** Tokens that end the turn (passed on to the parser); default `<|return|>` and `<|call|>`. */
  stopTokens?: ReadonlySet<number>;
  signal?: AbortSignal;
  /** JSON enforced on the final channel with llama.cpp's grammar (final-grammar.ts); the analysis stays free. */
  finalFormat?: FinalFormat;
}

export interface EngineGenerateOptions extends TokenGenerateOptions, PromptOptions {
  conversation: Conversation;
}

/** How an EngineModel schedules its requests (LoadModelOptions documents each). */
export interface EngineModelOptions {
  abortWithinMs?: number;
  queueLimit?: number;
}

/** A cached prefix is reused when it is at least 1/REUSE_MIN_SHARE of the prompt (see run()). */
const REUSE_MIN_SHARE = 8;
/** Requests that may wait for a busy model by default (LoadModelOptions.queueLimit). */
export const DEFAULT_QUEUE_LIMIT = 64;

export class EngineModel {
  private readonly pool: SequencePool<LlamaContextSequence>;
  private readonly pacer: PrefillPacer;
  private readonly step: DecodeStep | undefined;
  private disposed = false;
  private loadReported = false;

  constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly info: EngineModelInfo,
    options: EngineModelOptions = {},
  ) {
    const sequences: LlamaContextSequence[] = [];
    while (context.sequencesLeft > 0) sequences.push(context.getSequence());
    this.pool = new SequencePool(sequences, options.queueLimit ?? DEFAULT_QUEUE_LIMIT, info.path);
    this.pacer = new PrefillPacer(options.abortWithinMs);
    this.step = sequences.length > 1 ? new DecodeStep() : undefined;
  }

  /** Requests generating now (at most `info.parallel`) and waiting for a sequence (at most `queueLimit`). */
  get load(): { running: number; queued: number } {
    return { running: this.pool.running, queued: this.pool.queued };
  }

  /** node-llama-cpp's model, for tools that need its API directly (benchmarks, raw comparisons). */
  get nativeModel(): LlamaModel {
    return this.model;
  }

  /** The assistant's next turn for a conversation, as Parts ending in one `finish` (or `error`). */
  generate(options: EngineGenerateOptions): AsyncIterable<Part> {
    let prompt: number[];
    try {
      prompt = promptTokens(options.conversation, options);
    } catch (error) {
      return failed(error);
    }
    return this.generateFromTokens(prompt, options);
  }

  /** Parts for a prompt that is already token ids (from `promptTokens` or the Harmony renderer). */
  generateFromTokens(prompt: readonly number[], options: TokenGenerateOptions = {}): AsyncIterable<Part> {
    const stats = new GenerationStats(this.loadMsToReport());
    const outcome: TokenLimitOutcome = { count: 0 };
    let tokens: AsyncIterable<number>;
    try {
      tokens = this.tokens(prompt, options, stats, outcome);
    } catch (error) {
      return failed(error);
    }
    const parts = partsFromTokens(tokens, {
      role: "assistant",
      // gpt-oss's known slips (a skipped `<|start|>`, a stray stop token) are recovered, as on every route.
      strict: false,
      inputTokens: prompt.length,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      // A budget that ran out right after a message's `<|end|>` leaves no message open, which the parser alone
      // would call `stop`; the turn was still cut short.
      finishDetails: () => (outcome.cause === "length" ? { reason: "length" } : undefined),
    });
    return withGenerationStats(parts, stats, outcome, prompt.length);
  }

  /**
   * The raw generated ids (the stop token included). Checks its arguments at once; the work starts when the
   * first id is read, after any request before it.
   */
  tokens(
    prompt: readonly number[],
    options: TokenGenerateOptions = {},
    stats: GenerationStats = new GenerationStats(this.loadMsToReport()),
    outcome: TokenLimitOutcome = { count: 0 },
  ): AsyncGenerator<number, void, undefined> {
    if (this.disposed) throw new InputError("the model was disposed", { where: this.info.path });
    checkMaxTokens(options.maxTokens);
    const sampling = evaluateOptions(options);
    const room = this.info.contextSize - prompt.length;
    if (prompt.length === 0 || room < 1) {
      throw new InputError(
        `the prompt is ${prompt.length} tokens; the context holds ${this.info.contextSize} with room to answer`,
        {
          where: "conversation",
          hint: "shorten the conversation, or load the model with a larger contextSize",
        },
      );
    }
    const maxTokens = Math.min(options.maxTokens ?? room, room);
    const limit: TokenLimitOptions = {
      maxTokens,
      isEndToken: (token) => this.model.isEogToken(token as Token),
      onToken: () => stats.token(),
      ...(options.stopTokens !== undefined ? { stopTokens: options.stopTokens } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    };
    return this.run(prompt, sampling, limit, stats, outcome, options.finalFormat);
  }

  private async *run(
    prompt: readonly number[],
    sampling: ReturnType<typeof evaluateOptions>,
    limit: TokenLimitOptions,
    stats: GenerationStats,
    outcome: TokenLimitOutcome,
    finalFormat: FinalFormat | undefined,
  ): AsyncGenerator<number, void, undefined> {
    if (this.disposed) throw new InputError("the model was disposed", { where: this.info.path });
    const grammar = finalFormat && (await grammarFor(this.model.llama, finalFormat));
    const lease = await this.pool.acquire(prompt, limit.signal);
    // Aborted while waiting: the parser reports the abort. Otherwise the sequence goes back however this
    // generator ends: finished, failed, aborted, or closed early by a consumer that stopped reading.
    if (lease === undefined) return;
    try {
      if (limit.signal?.aborted) return;
      const sequence = lease.sequence;
      // Keep the previous request's KV cache for the prefix this prompt shares with it (a conversation's next
      // turn), unless that prefix is a small part of the prompt: a prefill after a partial erase ran ~7 % slower
      // than on a cleared sequence (bench:engine, 1,223-token prompt after a 98-token one sharing 8), more than
      // a short prefix saves.
      const { firstDifferentIndex } = sequence.compareContextTokens(prompt as Token[]);
      if (firstDifferentIndex * REUSE_MIN_SHARE < prompt.length) await sequence.clearHistory();
      else await sequence.adaptStateToTokens(prompt as Token[], false);
      // At least the last prompt token must be evaluated: its logits give the first output token.
      if (sequence.nextTokenIndex >= prompt.length) {
        await sequence.eraseContextTokenRanges([{ start: prompt.length - 1, end: sequence.nextTokenIndex }]);
      }
      const cached = sequence.nextTokenIndex;
      stats.prefill(prompt.length, cached);
      let rest = prompt.slice(cached) as Token[];
      // A long prompt goes in call by call, so an abort during a prefill of many seconds takes effect at the
      // next call rather than at the end (prefill-pacer.ts); the last call also samples the first token.
      for (let n = this.pacer.callTokens(); rest.length > n; n = this.pacer.callTokens()) {
        if (limit.signal?.aborted) return;
        const started = performance.now();
        await sequence.evaluateWithoutGeneratingNewTokens(rest.slice(0, n));
        this.pacer.measured(n, performance.now() - started);
        rest = rest.slice(n);
      }
      const gate = grammar && new FinalChannelGate(this.model, grammar);
      const evaluation = sequence.evaluate(rest, {
        ...sampling,
        yieldEogToken: true,
        ...(gate !== undefined ? { grammarEvaluationState: gate.state, tokenBias: gate.bias } : {}),
      });
      // With several sequences, every stream's next token goes into one decode step (decode-step.ts).
      const stepped = this.step === undefined ? evaluation : this.step.stepped(evaluation);
      yield* limitTokens(gate === undefined ? stepped : gate.watch(stepped), limit, outcome);
    } finally {
      lease.release();
    }
  }

  /**
   * The load time for a request's timings: the first request after the load reports it (it is the one that
   * waited, as Ollama's `load_duration` means), later ones 0 — the model was already there.
   */
  private loadMsToReport(): number {
    if (this.loadReported) return 0;
    this.loadReported = true;
    return this.info.loadMs;
  }

  /** Free the context and the weights. A generation running or waiting ends with an `error` part. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.pool.close(
      new InputError("the model was disposed before this request ran", { where: this.info.path }),
    );
    await this.context.dispose();
    await this.model.dispose();
  }
}

/** A stream that is only an `error` part: bad input still arrives as a stream, never as a throw. */
async function* failed(error: unknown): AsyncGenerator<Part, void, undefined> {
  yield { type: "error", error: error instanceof Error ? error : new Error(String(error)) };
}
