/**
 * OpenAI's `stop` sequences, applied by the gateway: no backend contract carries them, and a gpt-oss server
 * would apply them to the raw Harmony text (headers, reasoning) rather than to the answer. Here they cut the
 * answer text the user sees — `final` and `commentary` messages — at the first stop string, which is left out,
 * as OpenAI does. The reasoning and tool-call arguments are never cut.
 *
 * On a match the message is ended with the text before the stop string, `onStop` is called (the server aborts
 * the upstream generation), and the stream ends with `finish: stop`. The upstream parts after the match are
 * drained, not passed on, so that the finish carries the upstream's usage (its tokens up to the abort). A stop
 * string can arrive split across deltas: the longest end of the text that could still begin one is held back
 * until the next delta decides, or flushed when the message ends.
 */
import type { FinishPart, Message, Part, StartPart } from "@overtone/harmony";

type CutKind = "final" | "commentary";

/** `parts` with the answer text cut at the first of `stops` (empty strings are ignored). */
export async function* withStopSequences(
  parts: AsyncIterable<Part>,
  stops: readonly string[],
  onStop: () => void,
): AsyncGenerator<Part, void, undefined> {
  const strings = stops.filter((stop) => stop !== "");
  if (strings.length === 0) {
    yield* parts;
    return;
  }
  let start: StartPart | undefined;
  /** The current message's text passed on so far, and the text held back after it. */
  let sent = "";
  let held = "";
  let stopped = false;
  let upstreamFinish: FinishPart | undefined;

  for await (const part of parts) {
    if (stopped) {
      if (part.type === "finish") upstreamFinish = part;
      continue;
    }
    if (part.type === "final-start" || part.type === "commentary-start") {
      start = part;
      sent = "";
      held = "";
    } else if ((part.type === "final-delta" || part.type === "commentary-delta") && start !== undefined) {
      const text = held + part.delta;
      const at = firstStop(text, strings);
      if (at >= 0) {
        stopped = true;
        onStop();
        const before = text.slice(0, at);
        if (before !== "") yield { type: part.type, id: part.id, delta: before };
        yield cutEnd(start, sent + before);
        continue;
      }
      const keep = text.length - heldLength(text, strings);
      held = text.slice(keep);
      sent += text.slice(0, keep);
      if (keep > 0) yield { type: part.type, id: part.id, delta: text.slice(0, keep) };
      continue;
    } else if ((part.type === "final-end" || part.type === "commentary-end") && start !== undefined) {
      // A held prefix that the message's end proves was no stop string after all.
      if (held !== "")
        yield {
          type: part.type === "final-end" ? "final-delta" : "commentary-delta",
          id: part.id,
          delta: held,
        };
      start = undefined;
      held = "";
    }
    yield part;
  }
  if (stopped) {
    yield {
      type: "finish",
      reason: "stop",
      ...(upstreamFinish?.usage !== undefined ? { usage: upstreamFinish.usage } : {}),
      ...(upstreamFinish?.timings !== undefined ? { timings: upstreamFinish.timings } : {}),
    };
  }
}

/** The index of the earliest stop string in `text`, or -1. */
function firstStop(text: string, stops: readonly string[]): number {
  let first = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/** The length of the longest end of `text` that is the beginning of a stop string (and not all of it). */
function heldLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
      if (text.endsWith(stop.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

/** The end part of a message cut at a stop string: its text is what was sent of it. */
function cutEnd(start: StartPart, text: string): Part {
  const kind = start.type.slice(0, -"-start".length) as CutKind;
  const message: Message = {
    author: start.name !== undefined ? { role: start.role, name: start.name } : { role: start.role },
    content: [{ type: "text", text }],
    ...(start.channel !== undefined ? { channel: start.channel } : {}),
    ...(start.contentType !== undefined ? { content_type: start.contentType } : {}),
  };
  // `return`: the turn ends here, as if the model had stopped on its own.
  return { type: `${kind}-end`, id: start.id, text, terminator: "return", message };
}
