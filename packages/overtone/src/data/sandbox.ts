/**
 * The SQL sandbox: the one way model-written SQL reaches the user's files (`overtone data query|ask|chat`).
 *
 * `openSandbox(files)` makes a private in-memory DuckDB instance per sandbox (blast-radius containment, B6 step 4),
 * runs the trusted load phase (views over the files, load-files.ts) and the description (describe-tables.ts), then
 * locks it down (lockdown.ts). After that every query goes through the gate (sql-gate.ts) and runs capped and
 * timed (run-query.ts), one at a time: the time limit interrupts the connection, so two queries must never
 * share it at once.
 */
import { availableParallelism } from "node:os";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { InputError } from "@overtone/errors";
import { describeTables, describeText, type TableDescription } from "./describe-tables.js";
import { createViews, firstLine } from "./load-files.js";
import { lockDown } from "./lockdown.js";
import { type QueryResult, runCapped, withTimeLimit } from "./run-query.js";
import { dataFiles } from "./table-names.js";

export interface SandboxOptions {
  /** Rows a query returns at most (default 1000); `truncated` says when there were more. */
  rowCap?: number;
  /** Wall-clock limit per query in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** DuckDB's memory limit (default "2GB"); a query needing more fails (spilling to disk is off). */
  memoryLimit?: string;
  /** DuckDB's threads (default: this machine's cores, at most 4). */
  threads?: number;
}

/** Per-query overrides of the sandbox's limits. */
export interface QueryOptions {
  rowCap?: number;
  timeoutMs?: number;
}

export interface Sandbox {
  /** One description per file, in the order given. */
  readonly tables: readonly TableDescription[];
  /** The tables as compact text for a prompt (columns, types, row counts, sample rows). */
  describe(): string;
  /**
   * Runs one SELECT; a SqlError (reason refused, invalid, failed or timeout) when it gives no result. `options`
   * override the sandbox's row cap and time limit for this query.
   */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /** Frees DuckDB's instance; queries after this fail. */
  close(): void;
}

export const DEFAULT_ROW_CAP = 1000;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Opens `files` (CSV, Parquet, JSON; each one a table named after the file) in a locked-down DuckDB. */
export async function openSandbox(files: readonly string[], options: SandboxOptions = {}): Promise<Sandbox> {
  const rowCap = positiveInteger(options.rowCap ?? DEFAULT_ROW_CAP, "rowCap");
  const timeoutMs = positiveInteger(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "timeoutMs");
  const threads = positiveInteger(options.threads ?? Math.min(4, availableParallelism()), "threads");
  const memoryLimit = options.memoryLimit ?? "2GB";
  const data = dataFiles(files);
  // Extensions stay as built in (CSV, Parquet and JSON are): nothing is downloaded or loaded, even while loading.
  // One thread while loading and describing: a sample of three rows read by several threads starts a scan of the
  // file in each (a 1 GB CSV's sample took 14 ms on two threads, 4 on one); the lockdown then sets `threads`.
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    threads: "1",
  });
  try {
    const connection = await instance.connect();
    const sizes = await createViews(connection, data);
    const tables = await describeTables(connection, data, sizes);
    await lockDown(
      connection,
      data.map((f) => f.absolutePath),
      { threads, memoryLimit },
    ).catch((error: unknown) => {
      throw new InputError(`cannot apply the sandbox's limits: ${firstLine(error)}`, {
        where: "memoryLimit",
        hint: 'give the memory limit in DuckDB\'s form, e.g. "2GB" or "512MB"',
        cause: error,
      });
    });
    return new DataSandbox(
      instance,
      connection,
      tables,
      new Set(data.map((f) => f.table)),
      rowCap,
      timeoutMs,
    );
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

class DataSandbox implements Sandbox {
  /** The last query's completion: each query starts after it (one query at a time on the connection). */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly tables: readonly TableDescription[],
    private readonly tableNames: ReadonlySet<string>,
    private readonly rowCap: number,
    private readonly timeoutMs: number,
  ) {}

  describe(): string {
    return describeText(this.tables);
  }

  query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const rowCap = positiveInteger(options.rowCap ?? this.rowCap, "rowCap");
    const timeoutMs = positiveInteger(options.timeoutMs ?? this.timeoutMs, "timeoutMs");
    const run = async () => {
      if (this.closed) {
        throw new InputError("the data sandbox is closed", {
          where: "sql",
          hint: "open a new sandbox (openSandbox) to run more queries",
        });
      }
      return withTimeLimit(this.connection, sql, timeoutMs, (clock) =>
        runCapped(this.connection, sql, this.tableNames, rowCap, clock),
      );
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(`${name} must be a positive whole number, not ${value}`, {
      where: name,
      hint: `give ${name} as a whole number of at least 1`,
    });
  }
  return value;
}
