/**
 * Parts streams from a model's output: token ids (`partsFromTokens`) or text chunks (`partsFromText`), sync or
 * async. Each ends with exactly one `finish` part, or with an `error` part when the output does not parse or the
 * source throws — never silently.
 *
 * Abort: when `signal` fires, the source is no longer read (its iterator's `return()` is called, which is how an
 * HTTP body gets cancelled), the message in progress is closed as cut off, and the stream ends with
 * `finish: aborted`. A consumer that stops early (`break`) also closes the source.
 */

import type { ParserEvent, ParserOptions } from "./parser-types.js";
import type { Part, Timings } from "./parts.js";
import { type FinishDetails, HarmonyPartsAdapter, type PartsAdapterOptions } from "./parts-adapter.js";
import { StreamableParser } from "./streamable-parser.js";
import { type TextParserOptions, TextStreamParser } from "./text-stream-parser.js";

export interface PartsStreamOptions extends PartsAdapterOptions {
  role?: ParserOptions["role"];
  strict?: boolean;
  signal?: AbortSignal;
  /** Called once when the stream ends (not on error): the backend's usage, timings or reason, which win. */
  finishDetails?: () => FinishDetails | undefined;
  /** Milliseconds for `timings`; default `performance.now`. */
  clock?: () => number;
  /**
   * The clock's reading `timings` count from — when the request was sent, for a backend whose stream is read
   * once the server answered — so `firstTokenMs` includes the prompt's processing; default: the first read.
   */
  startedAt?: number;
}

export interface TokenPartsOptions extends PartsStreamOptions {
  /** Prompt length: with it, `finish.usage` is filled from the tokens counted here. */
  inputTokens?: number;
}

export interface TextPartsOptions extends PartsStreamOptions {
  recoverStrippedTokens?: TextParserOptions["recoverStrippedTokens"];
}

/** The steps that differ between token and text input. */
interface Feeder<T> {
  feed(item: T): void;
  end(): void;
  usage(): FinishDetails["usage"];
}

export function partsFromTokens(
  tokens: Iterable<number> | AsyncIterable<number>,
  options: TokenPartsOptions = {},
): AsyncIterable<Part> {
  return run(tokens, options, (onEvent, adapter) => {
    const parser = new StreamableParser({ ...parserOptions(options), onEvent });
    let reasoningTokens = 0;
    return {
      feed(token) {
        // Counted before the token is parsed, so an analysis message's stop token counts as reasoning too.
        if (adapter.openKind === "analysis") reasoningTokens++;
        parser.process(token);
      },
      end: () => parser.processEos(),
      usage: () =>
        options.inputTokens === undefined
          ? undefined
          : { inputTokens: options.inputTokens, outputTokens: parser.tokens.length, reasoningTokens },
    };
  });
}

export function partsFromText(
  chunks: Iterable<string> | AsyncIterable<string>,
  options: TextPartsOptions = {},
): AsyncIterable<Part> {
  return run(chunks, options, (onEvent) => {
    const parser = new TextStreamParser({
      ...parserOptions(options),
      ...(options.recoverStrippedTokens !== undefined
        ? { recoverStrippedTokens: options.recoverStrippedTokens }
        : {}),
      onEvent,
    });
    return {
      feed: (chunk) => parser.push(chunk),
      end: () => parser.end(),
      usage: () => undefined, // our re-tokenization of text is not what the model produced
    };
  });
}

function parserOptions(options: PartsStreamOptions): ParserOptions {
  return {
    ...(options.role !== undefined ? { role: options.role } : {}),
    ...(options.strict !== undefined ? { strict: options.strict } : {}),
  };
}

async function* run<T>(
  source: Iterable<T> | AsyncIterable<T>,
  options: PartsStreamOptions,
  makeFeeder: (onEvent: (event: ParserEvent) => void, adapter: HarmonyPartsAdapter) => Feeder<T>,
): AsyncGenerator<Part, void, undefined> {
  const { signal } = options;
  const clock = options.clock ?? (() => performance.now());
  const started = options.startedAt ?? clock();
  let firstTokenMs: number | undefined;
  const queue: Part[] = [];
  const adapter = new HarmonyPartsAdapter((part) => queue.push(part), options);
  let iterator: Iterator<T> | AsyncIterator<T> | undefined;
  let sourceDone = false;
  /** A read of the source is under way (only left so when the signal interrupted it). */
  let readPending = false;
  const timings = (): Timings => ({
    ...(firstTokenMs !== undefined ? { firstTokenMs } : {}),
    totalMs: clock() - started,
  });
  const details = (): FinishDetails => {
    const given = options.finishDetails?.() ?? {};
    const usage = given.usage ?? feeder.usage();
    return {
      ...given,
      ...(usage !== undefined ? { usage } : {}),
      timings: { ...timings(), ...given.timings },
    };
  };

  let feeder: Feeder<T>;
  try {
    feeder = makeFeeder(adapter.onEvent, adapter);
    iterator = iteratorOf(source);
    for (;;) {
      if (signal?.aborted) break;
      const pending = nextOrAbort(iterator, signal);
      let next: IteratorResult<T> | typeof ABORTED;
      if (pending instanceof Promise) {
        readPending = true;
        next = await pending;
        // An interrupted read is still pending: the source may be stalled.
        readPending = next === ABORTED;
      } else {
        next = pending;
      }
      if (next === ABORTED) break;
      if (next.done) {
        sourceDone = true;
        feeder.end();
        adapter.finish(details());
        break;
      }
      firstTokenMs ??= clock() - started;
      feeder.feed(next.value);
      // Parts already parsed go out even if the consumer aborts meanwhile: holding them back would leave a
      // start without its end.
      for (let i = 0; i < queue.length; i++) yield queue[i] as Part;
      queue.length = 0;
    }
    if (!adapter.done) adapter.abort(details());
  } catch (error) {
    if (!adapter.done) {
      if (signal?.aborted) adapter.abort({ timings: timings() });
      else adapter.fail(error);
    }
  } finally {
    if (iterator !== undefined && !sourceDone) await closeSource(iterator, readPending);
  }
  for (const part of queue) yield part;
}

const ABORTED = Symbol("aborted");

/** The next item, or ABORTED as soon as the signal fires (a pending read of a stalled source is not awaited). */
function nextOrAbort<T>(
  iterator: Iterator<T> | AsyncIterator<T>,
  signal: AbortSignal | undefined,
): IteratorResult<T> | Promise<IteratorResult<T> | typeof ABORTED> {
  const next = iterator.next();
  if (!(next instanceof Promise)) return next;
  if (signal === undefined) return next;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    next.then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function iteratorOf<T>(source: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  return source[Symbol.iterator]();
}

/**
 * Tell the source we stop reading. Its own errors no longer matter. When a read is still pending (the signal
 * interrupted it) the source may be stalled, so its `return()` is not waited for.
 */
async function closeSource<T>(iterator: Iterator<T> | AsyncIterator<T>, readPending: boolean): Promise<void> {
  try {
    const result = iterator.return?.();
    if (result instanceof Promise) {
      if (readPending) result.catch(() => {});
      else await result;
    }
  } catch {
    // a source that fails while closing has nothing more to tell us
  }
}
