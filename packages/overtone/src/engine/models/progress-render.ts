/**
 * Shows download progress on stderr: a bar redrawn in place on a terminal, plain lines every few seconds
 * otherwise (a log file or CI output gets a readable record, not thousands of carriage returns). The formatting
 * functions are exported for `overtone models` and for tests.
 */
import type { DownloadProgress, ProgressCallback } from "./progress.js";

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/**
 * Binary units, as every other size Overtone prints (`gguf inspect`, `models`, the line after a pull): a download
 * that counted to "12.1 GB" and then said "11.27 GiB" would look like two different files.
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** One line: `label [####......]  42% 4.73 GiB / 11.3 GiB  29.8 MiB/s  ETA 3m55s` (the bar only when `barWidth`). */
export function formatProgressLine(p: DownloadProgress, label: string, barWidth = 0): string {
  const parts: string[] = [p.phase === "verify" ? `${label} (checking partial file)` : label];
  if (p.total !== undefined && p.total > 0) {
    const fraction = Math.min(1, p.bytes / p.total);
    if (barWidth > 0) {
      const filled = Math.round(fraction * barWidth);
      parts.push(`[${"#".repeat(filled)}${".".repeat(barWidth - filled)}]`);
    }
    parts.push(
      `${(fraction * 100).toFixed(0).padStart(3)}%`,
      `${formatBytes(p.bytes)} / ${formatBytes(p.total)}`,
    );
  } else {
    parts.push(formatBytes(p.bytes));
  }
  if (p.rate > 0) parts.push(`${formatBytes(p.rate)}/s`);
  if (p.done) parts.push("done");
  else if (p.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join("  ");
}

export interface ProgressRendererOptions {
  /** Default: process.stderr. */
  stream?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** What is being downloaded, shown first on each line. */
  label?: string;
  /** Force bar (true) or plain-line (false) mode; default: whether the stream is a TTY. */
  tty?: boolean;
  /** Plain mode: at most one line per this many ms (default 5000), plus the first and the last. */
  plainIntervalMs?: number;
  now?: () => number;
}

export interface ProgressRenderer {
  update: ProgressCallback;
  /** Ends the bar's line (call on success, failure or abort). */
  end(): void;
}

export function createProgressRenderer(options: ProgressRendererOptions = {}): ProgressRenderer {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const label = options.label ?? "downloading";
  const interval = options.plainIntervalMs ?? 5_000;
  const now = options.now ?? (() => Date.now());
  let lastPlain = Number.NEGATIVE_INFINITY;
  let lastPhase: DownloadProgress["phase"] | undefined;
  let open = false;

  const update = (p: DownloadProgress) => {
    if (tty) {
      const columns = stream.columns ?? 80;
      const barWidth = Math.max(0, Math.min(30, columns - 70));
      let line = formatProgressLine(p, label, barWidth);
      if (line.length > columns - 1) line = line.slice(0, columns - 1);
      stream.write(`\r\x1b[2K${line}`);
      open = !p.done;
      if (p.done) stream.write("\n");
      return;
    }
    const t = now();
    if (!p.done && p.phase === lastPhase && t - lastPlain < interval) return;
    lastPlain = t;
    lastPhase = p.phase;
    stream.write(`${formatProgressLine(p, label)}\n`);
  };

  return {
    update,
    end: () => {
      if (open) stream.write("\n");
      open = false;
    },
  };
}
