/**
 * Server-sent events from a response body, as the servers here write them: `data:` lines (several per event
 * are joined with "\n"), an optional `event:` name, events separated by a blank line, `:` comment lines
 * ignored. Works on byte chunks of any size (a UTF-8 sequence or a line may be split across chunks) and with
 * `\n`, `\r\n` or `\r` line ends, per the WHATWG spec. `data: [DONE]` is just an event; callers decide.
 *
 * Some servers write a bare JSON object instead of an SSE line when they fail mid-stream (llama-server's
 * `error` after headers were sent); a line that starts with `{` is therefore passed on as a data event.
 */
import { abortableReader } from "./abortable.js";

export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * The events of a body a chunk at a time, the body read as `abortable` reads it (an abort ends the loop at once).
 * The stream readers loop over each batch themselves: a generator per event, and another for the abort, cost a
 * part two layers of promises, and a chunk of many events one await per event (bench:gateway).
 */
export async function* sseEventBatches(
  body: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
): AsyncGenerator<SseEvent[], void, undefined> {
  const decoder = new TextDecoder();
  const parser = new SseLineParser();
  const reader = abortableReader(body, signal);
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) break;
      const events = parser.push(decoder.decode(result.value, { stream: true }));
      if (events.length > 0) yield events;
    }
  } finally {
    reader.close();
  }
  const last = [...parser.push(decoder.decode()), ...parser.end()];
  if (last.length > 0) yield last;
}

export class SseLineParser {
  private buffer = "";
  private data: string[] = [];
  private event: string | undefined;
  /** The previous chunk ended in `\r`: a `\n` starting the next one belongs to that line end. */
  private skipLf = false;

  /** The events that the text completes. */
  push(text: string): SseEvent[] {
    if (this.skipLf && text.startsWith("\n")) text = text.slice(1);
    this.skipLf = false;
    const events: SseEvent[] = [];
    const buffer = this.buffer + text;
    // Line ends found by indexOf, each kind searched again only once passed (a regex per line, and the rest of
    // the buffer copied per line, cost more than the line's own parsing).
    let start = 0;
    let lf = buffer.indexOf("\n");
    let cr = buffer.indexOf("\r");
    for (;;) {
      if (lf >= 0 && lf < start) lf = buffer.indexOf("\n", start);
      if (cr >= 0 && cr < start) cr = buffer.indexOf("\r", start);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) break;
      const crlf = end === cr && lf === end + 1;
      // A lone `\r` at the very end may be the first half of `\r\n`.
      if (end === cr && end === buffer.length - 1) this.skipLf = true;
      const event = this.line(buffer.slice(start, end));
      start = end + (crlf ? 2 : 1);
      if (event !== undefined) events.push(event);
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    return events;
  }

  /** The last events, when the body ends. */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.buffer !== "") {
      const event = this.line(this.buffer);
      this.buffer = "";
      if (event !== undefined) events.push(event);
    }
    const last = this.dispatch();
    if (last !== undefined) events.push(last);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    if (line.startsWith("{") && this.data.length === 0) return { data: line };
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    if (this.data.length === 0) {
      this.event = undefined;
      return undefined;
    }
    const event: SseEvent = { data: this.data.join("\n") };
    if (this.event !== undefined) event.event = this.event;
    this.data = [];
    this.event = undefined;
    return event;
  }
}
