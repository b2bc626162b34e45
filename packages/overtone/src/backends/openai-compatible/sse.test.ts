import { AbortedError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { type SseEvent, sseEventBatches } from "./sse.js";

async function eventsOf(chunks: string[]): Promise<SseEvent[]> {
  const encoder = new TextEncoder();
  const body = (async function* () {
    for (const chunk of chunks) yield encoder.encode(chunk);
  })();
  return collect(body);
}

async function collect(body: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const batch of sseEventBatches(body, signal)) events.push(...batch);
  return events;
}

describe("sseEventBatches", () => {
  it("reads data events whatever the chunking, down to one character at a time", async () => {
    const text = 'data: {"a":1}\n\nevent: response.created\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    const expected = [
      { data: '{"a":1}' },
      { event: "response.created", data: '{"b":2}' },
      { data: "[DONE]" },
    ];
    expect(await eventsOf([text])).toEqual(expected);
    expect(await eventsOf([...text])).toEqual(expected);
  });

  it("accepts CRLF and CR line ends, even a CRLF split between chunks", async () => {
    expect(await eventsOf(["data: x\r", "\n\r\ndata: y\r\r"])).toEqual([{ data: "x" }, { data: "y" }]);
  });

  it("joins multi-line data, skips comments, keeps a UTF-8 character split across chunks", async () => {
    const bytes = new TextEncoder().encode("data: Ol\u00e1\n");
    const body = (async function* () {
      yield new TextEncoder().encode(": keep-alive\ndata: first\n");
      yield bytes.slice(0, 8); // "data: Ol" + the first byte of "á"
      yield bytes.slice(8);
      yield new TextEncoder().encode("\n");
    })();
    expect(await collect(body)).toEqual([{ data: "first\nOl\u00e1" }]);
  });

  it("passes on a bare JSON line (an error written without SSE framing) and a last event without blank line", async () => {
    expect(await eventsOf(['{"error":{"code":500,"message":"x"}}\n', "data: tail"])).toEqual([
      { data: '{"error":{"code":500,"message":"x"}}' },
      { data: "tail" },
    ]);
  });

  it("gives a chunk's events as one batch, and ends with AbortedError when the signal fires mid-body", async () => {
    const controller = new AbortController();
    const encoder = new TextEncoder();
    const body = (async function* () {
      yield encoder.encode("data: a\n\ndata: b\n\n");
      controller.abort();
      yield encoder.encode("data: c\n\n");
      await new Promise(() => {}); // a stalled server: only the abort ends the read
    })();
    const batches: SseEvent[][] = [];
    const reading = (async () => {
      for await (const batch of sseEventBatches(body, controller.signal)) batches.push(batch);
    })();
    await expect(reading).rejects.toBeInstanceOf(AbortedError);
    expect(batches).toEqual([[{ data: "a" }, { data: "b" }]]);
  });
});
