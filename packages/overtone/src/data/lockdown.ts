/**
 * The lockdown (bench-and-agent.md B6 step 2): after the trusted load phase, the settings that keep model-written
 * SQL away from everything but the user's files, in order, the last one freezing them all.
 *
 * Verified on DuckDB 1.5.6 (test/data/lockdown.test.ts):
 * - `allowed_paths` (exact files) keeps the views readable while `enable_external_access=false` refuses every
 *   other path, URL (http, s3) and glob with "Permission Error … disabled by configuration".
 * - `allowed_paths` also allows WRITING those files (`COPY … TO 'sales.csv' (USE_TMP_FILE false)` overwrote the
 *   file in a probe): the statement gate (SELECT only, sql-gate.ts) is what stops writes, not this.
 * - An in-memory database's temp directory (`.tmp` in the working directory) is silently added to the allowed
 *   directories; `temp_directory=''` turns spilling off so no path outside the files is ever reachable (a query
 *   that outgrows `memory_limit` fails with an out-of-memory error instead of writing to disk).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteLiteral } from "./table-names.js";

/** Resource limits of one sandbox. */
export interface Limits {
  /** DuckDB's worker threads. */
  threads: number;
  /** DuckDB's memory limit, in DuckDB's syntax ("2GB", "512MB"). */
  memoryLimit: string;
}

/** The statements, in order; `lock_configuration` must be last (after it even our own SETs fail). */
export function lockdownStatements(allowedFiles: readonly string[], limits: Limits): string[] {
  return [
    "SET temp_directory = ''",
    `SET allowed_paths = [${allowedFiles.map(quoteLiteral).join(", ")}]`,
    "SET allowed_directories = []",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    `SET threads = ${Math.max(1, Math.floor(limits.threads))}`,
    `SET memory_limit = ${quoteLiteral(limits.memoryLimit)}`,
    "SET enable_external_access = false",
    "SET lock_configuration = true",
  ];
}

/** Runs the lockdown on `connection` (each statement is our own fixed text: one statement per call). */
export async function lockDown(
  connection: DuckDBConnection,
  allowedFiles: readonly string[],
  limits: Limits,
): Promise<void> {
  for (const statement of lockdownStatements(allowedFiles, limits)) await connection.run(statement);
}
