import { describe, expect, it } from "vitest";
import {
  createProgressRenderer,
  type DownloadProgress,
} from "../../../packages/overtone/src/engine/models/index.js";
import { createProgressTracker } from "../../../packages/overtone/src/engine/models/progress.js";
import {
  formatBytes,
  formatDuration,
  formatProgressLine,
} from "../../../packages/overtone/src/engine/models/progress-render.js";

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("createProgressTracker", () => {
  it("throttles events, measures the rate over recent samples and ends with one done event", () => {
    const c = clock();
    const events: DownloadProgress[] = [];
    const tracker = createProgressTracker("download", 10_000_000, (p) => events.push(p), {
      intervalMs: 200,
      now: c.now,
    });
    for (let i = 1; i <= 100; i++) {
      c.advance(50);
      tracker.update(i * 50_000); // 1 MB/s (0.95 MiB/s)
    }
    tracker.finish(5_000_000);
    expect(events.length).toBeGreaterThan(20);
    expect(events.length).toBeLessThan(30);
    const mid = events.at(-2);
    expect(mid?.rate).toBeCloseTo(1_000_000, -3);
    expect(mid?.etaSeconds).toBeCloseTo(5, 0);
    expect(events.at(-1)).toMatchObject({ bytes: 5_000_000, done: true, etaSeconds: 0 });
  });
});

describe("progress rendering", () => {
  const p: DownloadProgress = {
    phase: "download",
    bytes: 5_080_000_000,
    total: 12_100_000_000,
    rate: 31_200_000,
    etaSeconds: 235,
    done: false,
  };

  it("formats sizes, durations and a line", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(12_100_000_000)).toBe("11.3 GiB");
    expect(formatBytes(5_080_000_000)).toBe("4.73 GiB");
    expect(formatBytes(64_600_000)).toBe("61.6 MiB");
    expect(formatDuration(235)).toBe("3m55s");
    expect(formatDuration(7260)).toBe("2h01m");
    expect(formatProgressLine(p, "gpt-oss-20b", 10)).toBe(
      "gpt-oss-20b  [####......]   42%  4.73 GiB / 11.3 GiB  29.8 MiB/s  ETA 3m55s",
    );
  });

  it("redraws in place on a TTY and ends the line when done", () => {
    let out = "";
    const r = createProgressRenderer({
      stream: { write: (s: string) => (out += s), isTTY: true, columns: 100 },
    });
    r.update(p);
    r.update({ ...p, bytes: p.total ?? 0, done: true });
    expect(out.split("\r\x1b[2K")).toHaveLength(3);
    expect(out.endsWith("done\n")).toBe(true);
  });

  it("prints plain lines at most every interval otherwise, plus the last", () => {
    const c = clock();
    const lines: string[] = [];
    const r = createProgressRenderer({ stream: { write: (s: string) => lines.push(s) }, now: c.now });
    for (let i = 0; i < 20; i++) {
      r.update(p);
      c.advance(1000);
    }
    r.update({ ...p, done: true });
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
  });
});
