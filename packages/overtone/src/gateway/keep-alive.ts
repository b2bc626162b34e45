/**
 * Keep-alives for server-sent event streams (gateway.md §8 rule 21). A gpt-oss reply can go quiet for a long
 * time — a long prompt being read, or reasoning the protocol does not stream — and proxies and load balancers
 * close a connection that carries nothing for a while (nginx: 60 s). An SSE comment line (`: keep-alive`) keeps
 * it open, and every SSE client skips comments; never a `data:` line, which openai-node would try to parse as
 * JSON and die on (§6 item 14). NDJSON has no comments, so Ollama streams get nothing (Ollama sends nothing
 * either).
 */

/** The comment sent after every stretch of silence. */
export const KEEP_ALIVE_COMMENT = ": keep-alive\n\n";

/** Default interval: well under the idle timeouts of common proxies (nginx 60 s, AWS ALB 60 s). */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

/**
 * Calls `send` whenever `everyMs` pass without `sent()` (the stream's writer calls it after each frame), until
 * `stop()`. One timer per stream, re-armed only when it fires: there it checks how long the stream has been
 * silent and either sends or waits out the rest. So a frame costs a timestamp, where racing every next frame
 * against a fresh timer (a timer, two promises per frame) was a measurable share of the gateway's CPU per delta.
 */
export function keepAlive(send: () => void, everyMs: number): { sent(): void; stop(): void } {
  let last = Date.now();
  const check = () => {
    const silent = Date.now() - last;
    if (silent >= everyMs) {
      send();
      last = Date.now();
    }
    timer = setTimeout(check, everyMs - (Date.now() - last));
  };
  let timer = setTimeout(check, everyMs);
  return {
    sent: () => {
      last = Date.now();
    },
    stop: () => clearTimeout(timer),
  };
}
