import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { KEEP_ALIVE_COMMENT, keepAlive } from "./keep-alive.js";

/**
 * A stream written by `script` (a pause in ms, then a frame), with keep-alives at `everyMs` in between, as the
 * gateway's writer drives them; resolves to what went out, in order.
 */
async function written(script: [number, string][], everyMs: number): Promise<string[]> {
  const out: string[] = [];
  const alive = keepAlive(() => out.push(KEEP_ALIVE_COMMENT), everyMs);
  try {
    for (const [pause, frame] of script) {
      await sleep(pause);
      out.push(frame);
      alive.sent();
    }
  } finally {
    alive.stop();
  }
  return out;
}

describe("keepAlive (rule 21)", () => {
  it("sends a comment in every silence longer than the interval, never a data line, frames in order", async () => {
    const out = await written(
      [
        [0, "data: 1\n\n"],
        [130, "data: 2\n\n"],
        [0, "data: 3\n\n"],
        [10, "data: [DONE]\n\n"],
      ],
      50,
    );
    const data = out.filter((frame) => frame !== KEEP_ALIVE_COMMENT);
    expect(data).toEqual(["data: 1\n\n", "data: 2\n\n", "data: 3\n\n", "data: [DONE]\n\n"]);
    // 130 ms of silence at 50 ms: two comments, both between frame 1 and frame 2.
    expect(out.slice(1, 3)).toEqual([KEEP_ALIVE_COMMENT, KEEP_ALIVE_COMMENT]);
    expect(out[3]).toBe("data: 2\n\n");
    expect(KEEP_ALIVE_COMMENT).toMatch(/^: [^\n]*\n\n$/);
  });

  it("sends nothing extra when frames come faster than the interval, however long the stream", async () => {
    const script = Array.from({ length: 30 }, (_, i): [number, string] => [10, String(i)]);
    // 300 ms of frames 10 ms apart at a 40 ms interval: the timer fires often, and never finds a silence.
    const out = await written(script, 40);
    expect(out).toEqual(script.map(([, frame]) => frame));
  });

  it("counts a silence from the last frame: a comment comes one interval after it, not sooner", async () => {
    const out: string[] = [];
    const alive = keepAlive(() => out.push(KEEP_ALIVE_COMMENT), 300);
    await sleep(150);
    alive.sent(); // the timer, armed at 0, fires at 300 and must wait until 450
    await sleep(200);
    expect(out).toEqual([]);
    await sleep(200);
    expect(out).toEqual([KEEP_ALIVE_COMMENT]);
    alive.stop();
  });

  it("sends nothing once stopped", async () => {
    const out: string[] = [];
    keepAlive(() => out.push(KEEP_ALIVE_COMMENT), 20).stop();
    await sleep(60);
    expect(out).toEqual([]);
  });
});
