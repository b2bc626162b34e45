/**
 * The numbers a generation reports in its `finish` part: when the prompt started being processed, when the
 * first token came back and when the last one did, how much of the prompt the KV cache already held, and when
 * the first token of the answer (a `final` message) streamed. From them: prefill and decode speed.
 *
 * Prefill speed counts only the prompt tokens actually evaluated (a cached prefix costs nothing), over the time
 * from the start of evaluation to the first sampled token. Decode speed counts the tokens after the first, over
 * the time from the first to the last: each of those is one decode step.
 */
import { HarmonyParseError } from "@overtone/errors";
import type { FinishPart, Part, Timings, Usage } from "@overtone/harmony";
import type { TokenLimitOutcome } from "./token-limit.js";

export class GenerationStats {
  private readonly clock: () => number;
  private started: number;
  private prefillStart: number | undefined;
  private firstTokenAt: number | undefined;
  private lastTokenAt: number | undefined;
  private firstAnswerAt: number | undefined;
  private evaluatedPrompt = 0;
  private cachedPrompt = 0;
  private outputTokens = 0;

  constructor(
    /** The model's load time, reported on every request it serves. */
    private readonly loadMs: number | undefined,
    clock: () => number = () => performance.now(),
  ) {
    this.clock = clock;
    this.started = clock();
  }

  /** The consumer starts reading: the origin of `firstTokenMs`, `firstAnswerMs` and `totalMs`. */
  begin(): void {
    this.started = this.clock();
  }

  /** Prompt evaluation starts now; `cached` of its tokens were already in the KV cache. */
  prefill(promptTokens: number, cached: number): void {
    this.prefillStart = this.clock();
    this.cachedPrompt = cached;
    this.evaluatedPrompt = promptTokens - cached;
  }

  token(): void {
    const now = this.clock();
    this.firstTokenAt ??= now;
    this.lastTokenAt = now;
    this.outputTokens++;
  }

  answer(): void {
    this.firstAnswerAt ??= this.clock();
  }

  timings(): Timings {
    const t: Timings = { totalMs: this.clock() - this.started };
    if (this.firstTokenAt !== undefined) t.firstTokenMs = this.firstTokenAt - this.started;
    if (this.loadMs !== undefined) t.loadMs = this.loadMs;
    if (this.firstAnswerAt !== undefined) t.firstAnswerMs = this.firstAnswerAt - this.started;
    if (this.prefillStart !== undefined && this.firstTokenAt !== undefined) {
      const promptMs = this.firstTokenAt - this.prefillStart;
      t.promptMs = promptMs;
      if (promptMs > 0 && this.evaluatedPrompt > 0) {
        t.promptTokensPerSecond = (this.evaluatedPrompt / promptMs) * 1000;
      }
    }
    if (this.firstTokenAt !== undefined && this.lastTokenAt !== undefined) {
      const generationMs = this.lastTokenAt - this.firstTokenAt;
      t.generationMs = generationMs;
      if (generationMs > 0 && this.outputTokens > 1) {
        t.generationTokensPerSecond = ((this.outputTokens - 1) / generationMs) * 1000;
      }
    }
    return t;
  }

  /** Prompt tokens served from the KV cache (0 when the prompt was evaluated in full). */
  get cachedInputTokens(): number {
    return this.cachedPrompt;
  }
}

/**
 * Pass `parts` through, noting when the answer starts, and complete the `finish` part with the engine's
 * timings and the cached share of the prompt.
 *
 * One error becomes a finish: generation that stopped (budget, end-of-generation token) while the model was
 * still writing a message header. Harmony's parser reports EOS inside a header as a parse error, but nothing was
 * malformed — the output was cut short, which is `finish: length`, as it is when the cut falls inside content.
 */
export async function* withGenerationStats(
  parts: AsyncIterable<Part>,
  stats: GenerationStats,
  outcome: TokenLimitOutcome,
  inputTokens: number,
): AsyncGenerator<Part, void, undefined> {
  stats.begin();
  let reasoningTokens = 0;
  let analysisFrom = 0;
  for await (const part of parts) {
    if (part.type === "final-delta") stats.answer();
    else if (part.type === "analysis-start") analysisFrom = outcome.count;
    else if (part.type === "analysis-end") reasoningTokens += outcome.count - analysisFrom;
    if (part.type === "finish") yield completeFinish(part, stats);
    else if (part.type === "error" && cutInHeader(part.error, outcome)) {
      const usage = { inputTokens, outputTokens: outcome.count, reasoningTokens };
      yield completeFinish({ type: "finish", reason: "length", usage }, stats);
    } else yield part;
  }
}

function cutInHeader(error: Error, outcome: TokenLimitOutcome): boolean {
  const stopped = outcome.cause !== undefined && outcome.cause !== "aborted";
  return (
    stopped &&
    error instanceof HarmonyParseError &&
    error.state === "Header" &&
    error.offset === outcome.count
  );
}

function completeFinish(part: FinishPart, stats: GenerationStats): FinishPart {
  const out: FinishPart = { ...part, timings: { ...part.timings, ...stats.timings() } };
  if (part.usage !== undefined) {
    const usage: Usage = { ...part.usage, cachedInputTokens: stats.cachedInputTokens };
    out.usage = usage;
  }
  return out;
}
