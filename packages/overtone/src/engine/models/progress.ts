/**
 * Download progress as events: bytes so far, the total when known, a smoothed rate and the time left. The
 * tracker turns a stream of byte counts into events at most every `intervalMs` (plus the first and the last), so a
 * callback that redraws a bar is not called for every 64 KB chunk.
 */

export interface DownloadProgress {
  /** `download` while bytes arrive; `verify` while an existing partial file is re-hashed before resuming. */
  phase: "download" | "verify";
  /** Bytes of the file now on disk (a resumed download starts at the size of its part file). */
  bytes: number;
  /** File size, when the server said. */
  total: number | undefined;
  /** Bytes per second over the last few seconds (0 until measurable). */
  rate: number;
  /** Seconds left at the current rate; undefined when the total or the rate is unknown. */
  etaSeconds: number | undefined;
  /** True on the last event of a phase (bytes === total when the total is known). */
  done: boolean;
}

export type ProgressCallback = (progress: DownloadProgress) => void;

/** The rate is measured over this window, so a stall shows within seconds but one slow chunk does not. */
const RATE_WINDOW_MS = 5_000;

export interface ProgressTracker {
  /** Reports the new byte count (absolute, not a delta). */
  update(bytes: number): void;
  /** Sends the final event for this phase. */
  finish(bytes: number): void;
}

export function createProgressTracker(
  phase: DownloadProgress["phase"],
  total: number | undefined,
  onProgress: ProgressCallback | undefined,
  options: { intervalMs?: number; now?: () => number } = {},
): ProgressTracker {
  const intervalMs = options.intervalMs ?? 200;
  const now = options.now ?? (() => performance.now());
  const samples: { t: number; bytes: number }[] = [];
  let lastEmit = Number.NEGATIVE_INFINITY;

  const rateAt = (t: number, bytes: number): number => {
    const last = samples[samples.length - 1];
    // One sample per 100 ms keeps the window small however fast the chunks come.
    if (last === undefined || t - last.t >= 100) samples.push({ t, bytes });
    while (samples.length > 2 && t - (samples[1]?.t ?? t) >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0];
    if (first === undefined || t - first.t < 250) return 0;
    return ((bytes - first.bytes) * 1000) / (t - first.t);
  };

  const emit = (bytes: number, done: boolean) => {
    const t = now();
    const rate = rateAt(t, bytes);
    if (!done && t - lastEmit < intervalMs) return;
    lastEmit = t;
    const left = total === undefined ? undefined : Math.max(0, total - bytes);
    const etaSeconds = done ? 0 : left === undefined || rate <= 0 ? undefined : left / rate;
    onProgress?.({ phase, bytes, total, rate, etaSeconds, done });
  };

  return {
    update: (bytes) => emit(bytes, false),
    finish: (bytes) => emit(bytes, true),
  };
}
