/**
 * Loads run files into DuckDB for the report: every line is first checked (call-record-check.ts), so a broken
 * line is reported by file, line and field rather than as a cast error deep in a query; then DuckDB's read_json
 * reads the files with an explicit schema (no sampling guesswork: a column that is null in the first 20,000
 * lines is still a DOUBLE) into a `calls` table, and the ratings files into a `ratings` table.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { fileSystemError, InputError } from "@overtone/errors";
import { CALLS_FILE, RATINGS_FILE } from "./call-record.js";
import { CallRecordError, parseCallRecord } from "./call-record-check.js";
import { parseRatings } from "./ratings.js";

/** One calls file and the ratings file beside it, when there is one. */
export interface RunFile {
  calls: string;
  ratings: string | null;
}

/** A run directory means its calls.jsonl; a file is taken as it is. Ratings are looked for beside the calls. */
export function resolveRunFiles(paths: readonly string[]): RunFile[] {
  if (paths.length === 0) {
    throw new InputError("name at least one run directory or calls JSONL file", {
      where: "overtone bench report",
      hint: "e.g. overtone bench report runs/2026-12-07 (the directory `bench run --out` wrote)",
    });
  }
  return paths.map((path) => {
    const absolute = resolve(path);
    const isDirectory = existsSync(absolute) && statSync(absolute).isDirectory();
    const calls = isDirectory ? join(absolute, CALLS_FILE) : absolute;
    if (!existsSync(calls)) {
      throw new InputError(`${isDirectory ? `${path} has no ${CALLS_FILE}` : `${path} does not exist`}`, {
        where: path,
        hint: `give a run directory (holding ${CALLS_FILE}) or a JSONL file of call records`,
      });
    }
    const ratings = join(dirname(calls), RATINGS_FILE);
    return { calls, ratings: existsSync(ratings) ? ratings : null };
  });
}

/** Read in pieces: a run file may be larger than the longest string V8 allows (~512 MB), and memory stays flat. */
const CHUNK_BYTES = 1 << 20;

/** Checks every line of every file; throws the first CallRecordError / RatingLineError found. */
export async function checkRunFiles(files: readonly RunFile[]): Promise<{ calls: number }> {
  let calls = 0;
  for (const file of files) {
    const seen = new Map<string, number>();
    const check = (text: string, line: number) => {
      if (text.trim() === "") return;
      const { call_id } = parseCallRecord(text, file.calls, line);
      const first = seen.get(call_id);
      // Ratings name calls by call_id: two calls under one id would share a rating.
      if (first !== undefined) {
        const message = `field "call_id" is ${JSON.stringify(call_id)}, already used on line ${first}`;
        throw new CallRecordError(message, { file: file.calls, line, field: "call_id" });
      }
      seen.set(call_id, line);
      calls++;
    };
    let rest = "";
    let line = 0;
    // Each chunk is an await: the report's DuckDB work, started beside this check, goes on in between.
    const stream = createReadStream(file.calls, { encoding: "utf8", highWaterMark: CHUNK_BYTES });
    try {
      for await (const chunk of stream) {
        const text = rest + (chunk as string);
        let start = 0;
        for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
          check(text.slice(start, end), ++line);
          start = end + 1;
        }
        rest = text.slice(start);
      }
    } catch (error) {
      if (error instanceof CallRecordError) throw error;
      throw fileSystemError(error, file.calls, "read");
    } finally {
      stream.destroy();
    }
    check(rest, ++line);
  }
  return { calls };
}

/** The report's columns of a call record, for read_json: nested objects as STRUCTs, free-form ones left out. */
const PAIR = "STRUCT(client DOUBLE, server DOUBLE)";
export const CALL_COLUMNS: Record<string, string> = {
  call_id: "VARCHAR",
  run_id: "VARCHAR",
  // ISO 8601 text: ordering runs by their first call needs no time zone handling.
  ts: "VARCHAR",
  model: "VARCHAR",
  model_size_bytes: "DOUBLE",
  model_params_b: "DOUBLE",
  suite: "VARCHAR",
  case_id: "VARCHAR",
  device: "VARCHAR",
  backend_kind: "VARCHAR",
  latency_ms: "DOUBLE",
  timing: `STRUCT(ttft_ms DOUBLE, ttfat_ms DOUBLE, tpot_ms ${PAIR}, prefill_tps ${PAIR}, decode_tps ${PAIR})`,
  finish_reason: "VARCHAR",
  empty_answer_cause: "VARCHAR",
  success: "BOOLEAN",
  warmup: "BOOLEAN",
  human: "STRUCT(rating INTEGER, note VARCHAR)",
};

/** An in-memory DuckDB holding `calls` (one row per record, ratings applied as `rating`). Close it after use. */
export async function loadRunFiles(
  files: readonly RunFile[],
): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const close = () => {
    connection.closeSync();
    instance.closeSync();
  };
  try {
    await connection.run("CREATE TABLE ratings (file VARCHAR, call_id VARCHAR, rating INTEGER)");
    const appender = await connection.createAppender("ratings");
    for (const file of files) {
      if (file.ratings === null) continue;
      for (const rating of parseRatings(await readFile(file.ratings, "utf8"), file.ratings).values()) {
        appender.appendVarchar(file.calls);
        appender.appendVarchar(rating.call_id);
        if (rating.rating === null) appender.appendNull();
        else appender.appendInteger(rating.rating);
        appender.endRow();
      }
    }
    appender.closeSync();
    const columns = Object.entries(CALL_COLUMNS)
      .map(([name, type]) => `${name}: '${type}'`)
      .join(", ");
    const list = files.map((f) => sqlString(f.calls)).join(", ");
    // A rating line for a call wins over the record's own human.rating, a null one included (a taken-back rating).
    await connection.run(`
      CREATE TABLE calls AS
      SELECT c.* EXCLUDE (human, timing, filename), c.filename AS file,
        c.timing.ttft_ms AS ttft_ms, c.timing.ttfat_ms AS ttfat_ms,
        c.timing.decode_tps.client AS decode_tps, c.timing.decode_tps.server AS decode_tps_server,
        c.timing.prefill_tps.client AS prefill_tps, c.timing.prefill_tps.server AS prefill_tps_server,
        CASE WHEN r.call_id IS NULL THEN c.human.rating ELSE r.rating END AS rating
      FROM read_json([${list}], format = 'newline_delimited', filename = true, columns = {${columns}}) c
      LEFT JOIN ratings r ON r.file = c.filename AND r.call_id = c.call_id`);
    return { connection, close };
  } catch (error) {
    close();
    throw error;
  }
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
