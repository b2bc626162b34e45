import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { KEEP_ALIVE_COMMENT, withKeepAlive } from "./keep-alive.js";

/** Frames with a pause (ms) before each; records whether it was closed. */
function paced(script: [number, string][]) {
  const state = { closed: false, asked: 0 };
  async function* frames() {
    try {
      for (const [pause, frame] of script) {
        state.asked += 1;
        await sleep(pause);
        yield frame;
      }
    } finally {
      state.closed = true;
    }
  }
  return { frames: frames(), state };
}

async function collect(frames: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

describe("withKeepAlive (rule 21)", () => {
  it("sends a comment in every silence longer than the interval, never a data line, frames in order", async () => {
    const { frames } = paced([
      [0, "data: 1\n\n"],
      [130, "data: 2\n\n"],
      [0, "data: 3\n\n"],
      [10, "data: [DONE]\n\n"],
    ]);
    const out = await collect(withKeepAlive(frames, 50));
    const data = out.filter((frame) => frame !== KEEP_ALIVE_COMMENT);
    expect(data).toEqual(["data: 1\n\n", "data: 2\n\n", "data: 3\n\n", "data: [DONE]\n\n"]);
    // 130 ms of silence at 50 ms: two comments, both between frame 1 and frame 2.
    expect(out.slice(1, 3)).toEqual([KEEP_ALIVE_COMMENT, KEEP_ALIVE_COMMENT]);
    expect(out[3]).toBe("data: 2\n\n");
    expect(KEEP_ALIVE_COMMENT).toMatch(/^: [^\n]*\n\n$/);
  });

  it("sends nothing extra when frames come faster than the interval", async () => {
    const { frames } = paced([
      [5, "a"],
      [5, "b"],
      [5, "c"],
    ]);
    expect(await collect(withKeepAlive(frames, 200))).toEqual(["a", "b", "c"]);
  });

  it("asks for each frame once, and closes the frames when the reader stops, even mid-wait", async () => {
    const { frames, state } = paced([
      [0, "a"],
      [80, "b"],
      [0, "c"],
    ]);
    const out: string[] = [];
    for await (const frame of withKeepAlive(frames, 20)) {
      out.push(frame);
      if (frame === KEEP_ALIVE_COMMENT) break; // while "b" is still pending
    }
    expect(out).toEqual(["a", KEEP_ALIVE_COMMENT]);
    expect(state.asked).toBe(2);
    // The pending "b" settles, then the queued return() closes the source.
    await sleep(120);
    expect(state.closed).toBe(true);
    expect(state.asked).toBe(2);
  });

  it("passes a failure of the frames on", async () => {
    async function* failing() {
      yield "a";
      await sleep(30);
      throw new Error("broken");
    }
    const out: string[] = [];
    await expect(
      (async () => {
        for await (const frame of withKeepAlive(failing(), 10)) out.push(frame);
      })(),
    ).rejects.toThrow("broken");
    expect(out[0]).toBe("a");
    expect(out.slice(1).every((frame) => frame === KEEP_ALIVE_COMMENT)).toBe(true);
  });
});
