/** Timing helpers for the bench scripts: repeat until enough time has passed, report the best of several runs. */

export interface Row {
  what: string;
  /** Throughput of the named baseline, in units per second. */
  baseline: number;
  /** Overtone's throughput, same units. */
  ours: number;
  note?: string;
}

/**
 * Seconds per call: runs `fn` in batches for ~`budgetMs`, five times, and keeps the fastest batch's average
 * (the least disturbed by the other processes of a shared 2-core machine).
 */
export function measure(fn: () => unknown, budgetMs = 300): number {
  for (let i = 0; i < 3; i++) fn(); // warm-up: JIT, caches
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < budgetMs / 5) {
      fn();
      calls++;
      elapsed = performance.now() - start;
    }
    best = Math.min(best, elapsed / 1000 / calls);
  }
  return best;
}

function human(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(1)} /s`;
}

export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}\n`);
  console.log(
    `${"what".padEnd(46)} ${"baseline".padStart(11)} ${"overtone".padStart(11)} ${"ratio".padStart(8)}  ns/unit`,
  );
  for (const row of rows) {
    const ratio = row.ours / row.baseline;
    console.log(
      `${row.what.padEnd(46)} ${human(row.baseline).padStart(11)} ${human(row.ours).padStart(11)} ${`${ratio.toFixed(1)}×`.padStart(8)}  ${(1e9 / row.ours).toFixed(0).padStart(6)}${row.note ? `  (${row.note})` : ""}`,
    );
  }
}
