/**
 * The numbers of `overtone bench report`: DuckDB groups the calls per model × suite × device (and, for the
 * comparison, per run × model × device over all suites) and hands each group's metric values over as lists;
 * quantiles and bootstrap intervals are computed here (statistics.ts), the warnings in report-warnings.ts.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { CALL_RECORD_SCHEMA } from "./call-record.js";
import {
  type BootstrapOptions,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  type QuantileSummary,
  quantile,
  summarize,
} from "./statistics.js";

/** The metrics summarized per group, by their column in the `calls` table. */
export const METRICS = {
  latency_ms: "latency (ms)",
  ttft_ms: "time to first token (ms)",
  ttfat_ms: "time to first answer token (ms)",
  decode_tps: "decode (tok/s)",
  prefill_tps: "prefill (tok/s)",
} as const;
export type Metric = keyof typeof METRICS;

/** Five numbers of a latency distribution, for the box chart: min, quartiles, max. */
export interface Spread {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export interface GroupStats {
  model: string;
  suite: string;
  device: string;
  runs: string[];
  backends: string[];
  modelParamsB: number | null;
  modelSizeBytes: number | null;
  /** Calls counted (warm-ups only with includeWarmup). */
  n: number;
  successes: number;
  successRate: number;
  warmups: number;
  emptyAnswers: number;
  metrics: Record<Metric, QuantileSummary | null>;
  /** Medians of the server-reported rates, beside the client ones (null when the server reports none). */
  serverDecodeTps: number | null;
  serverPrefillTps: number | null;
  latencySpread: Spread | null;
  rating: { mean: number | null; count: number };
}

export interface ComparisonRow {
  run: string;
  model: string;
  device: string;
  n: number;
  successRate: number;
  latency: QuantileSummary | null;
  decodeTps: QuantileSummary | null;
  /** Median latency / the baseline row's (the first row); null without latencies. */
  latencyRatio: number | null;
  decodeRatio: number | null;
}

export interface ReportOptions extends BootstrapOptions {
  /** Count warm-up calls in the statistics (they are left out by default, as llama-bench does). */
  includeWarmup?: boolean;
}

export interface ReportData {
  schema: typeof CALL_RECORD_SCHEMA;
  files: string[];
  seed: number;
  resamples: number;
  includeWarmup: boolean;
  calls: number;
  groups: GroupStats[];
  comparison: ComparisonRow[];
}

const numbers = (value: unknown): number[] => (Array.isArray(value) ? (value as number[]) : []);
const orNull = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

/** Per model × suite × device statistics and the run × model × device comparison. */
export async function reportData(
  connection: DuckDBConnection,
  files: readonly string[],
  options: ReportOptions = {},
): Promise<ReportData> {
  const bootstrap = { seed: options.seed ?? DEFAULT_SEED, resamples: options.resamples ?? DEFAULT_RESAMPLES };
  const where = options.includeWarmup ? "" : "WHERE NOT warmup";
  const lists = Object.keys(METRICS)
    .map((m) => `list(${m} ORDER BY ${m}) FILTER (WHERE ${m} IS NOT NULL) AS ${m}`)
    .join(",\n");
  const groupRows = (
    await connection.runAndReadAll(`
      SELECT model, suite, device, count(*)::INTEGER AS n,
        (count(*) FILTER (WHERE success))::INTEGER AS successes,
        (count(*) FILTER (WHERE warmup))::INTEGER AS warmups,
        (count(*) FILTER (WHERE empty_answer_cause IS NOT NULL))::INTEGER AS empty_answers,
        list(DISTINCT run_id ORDER BY run_id) AS runs, list(DISTINCT backend_kind ORDER BY backend_kind) AS backends,
        max(model_params_b) AS params_b, max(model_size_bytes) AS size_bytes,
        median(decode_tps_server) AS server_decode, median(prefill_tps_server) AS server_prefill,
        avg(rating) AS rating_mean, count(rating)::INTEGER AS rating_count,
        ${lists}
      FROM calls ${where}
      GROUP BY model, suite, device
      ORDER BY coalesce(max(model_params_b), max(model_size_bytes) / 1e9, 0), model, suite, device`)
  ).getRowObjectsJS();
  const groups = groupRows.map((row): GroupStats => {
    const key = `${row.model}\u0000${row.suite}\u0000${row.device}`;
    const metrics = Object.fromEntries(
      Object.keys(METRICS).map((m) => [m, summarize(numbers(row[m]), `${key}\u0000${m}`, bootstrap)]),
    ) as Record<Metric, QuantileSummary | null>;
    const n = Number(row.n);
    return {
      model: String(row.model),
      suite: String(row.suite),
      device: String(row.device),
      runs: (row.runs as string[]) ?? [],
      backends: (row.backends as string[]) ?? [],
      modelParamsB: orNull(row.params_b),
      modelSizeBytes: orNull(row.size_bytes),
      n,
      successes: Number(row.successes),
      successRate: n === 0 ? 0 : Number(row.successes) / n,
      warmups: Number(row.warmups),
      emptyAnswers: Number(row.empty_answers),
      metrics,
      serverDecodeTps: orNull(row.server_decode),
      serverPrefillTps: orNull(row.server_prefill),
      latencySpread: spread(numbers(row.latency_ms)),
      rating: { mean: orNull(row.rating_mean), count: Number(row.rating_count) },
    };
  });
  const comparisonRows = (
    await connection.runAndReadAll(`
      SELECT run_id, model, device, count(*)::INTEGER AS n, (count(*) FILTER (WHERE success))::INTEGER AS successes,
        list(latency_ms) FILTER (WHERE latency_ms IS NOT NULL) AS latency,
        list(decode_tps) FILTER (WHERE decode_tps IS NOT NULL) AS decode
      FROM calls ${where}
      GROUP BY run_id, model, device
      ORDER BY min(ts), min(list_position([${files.map(sqlString).join(", ")}], file)), coalesce(max(model_params_b), max(model_size_bytes) / 1e9, 0), model, device`)
  ).getRowObjectsJS();
  const comparison = comparisonRows.map((row): ComparisonRow => {
    const key = `${row.run_id}\u0000${row.model}\u0000${row.device}`;
    const n = Number(row.n);
    return {
      run: String(row.run_id),
      model: String(row.model),
      device: String(row.device),
      n,
      successRate: n === 0 ? 0 : Number(row.successes) / n,
      latency: summarize(numbers(row.latency), `${key}\u0000latency`, bootstrap),
      decodeTps: summarize(numbers(row.decode), `${key}\u0000decode`, bootstrap),
      latencyRatio: null,
      decodeRatio: null,
    };
  });
  const base = comparison[0];
  for (const row of comparison) {
    row.latencyRatio = ratio(row.latency?.median, base?.latency?.median);
    row.decodeRatio = ratio(row.decodeTps?.median, base?.decodeTps?.median);
  }
  const calls = groups.reduce((sum, g) => sum + g.n, 0);
  return {
    schema: CALL_RECORD_SCHEMA,
    files: [...files],
    ...bootstrap,
    includeWarmup: options.includeWarmup === true,
    calls,
    groups,
    comparison,
  };
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function ratio(value: number | undefined, base: number | undefined): number | null {
  return value === undefined || base === undefined || base === 0 ? null : value / base;
}

function spread(sorted: readonly number[]): Spread | null {
  if (sorted.length === 0) return null;
  return {
    min: sorted[0] as number,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted.at(-1) as number,
  };
}
