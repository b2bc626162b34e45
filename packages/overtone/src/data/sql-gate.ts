/**
 * The per-query gate (bench-and-agent.md B6 step 3): model-written SQL runs only as exactly one SELECT over the
 * sandbox's tables. Every decision is DuckDB's own parser's, never a regex over the text (keyword lists reject
 * honest queries and miss dishonest ones):
 *
 * 1. `json_serialize_sql` parses the text (bound as a parameter, so the text is data, never run) and refuses
 *    anything but SELECT statements — a `WITH … INSERT` too; it must yield exactly one statement.
 * 2. Its parse tree is checked against the allowlist (query-references.ts) before anything binds.
 * 3. `extractStatements` must count exactly one statement too, and the statement it prepares must have DuckDB's
 *    statement type SELECT. Preparing binds the query without running it. The prepared statement is what runs
 *    (run-query.ts): never the text again, because Neo's run/stream with values execute all statements but the
 *    last of a text, and plain `run` executes them all.
 */
import { type DuckDBConnection, type DuckDBPreparedStatement, StatementType } from "@duckdb/node-api";
import { refusedReference } from "./query-references.js";
import { failed, oneLine, SqlError } from "./sql-error.js";

const ONE_SELECT = "send one SELECT query, WITH … SELECT included, and nothing after it";

interface Serialized {
  error: boolean;
  error_type?: string;
  error_message?: string;
  statements?: unknown[];
}

/** `sql` prepared and checked, ready to run; a SqlError (refused, invalid or failed) when it may not run. */
export async function gate(
  connection: DuckDBConnection,
  sql: string,
  tables: ReadonlySet<string>,
): Promise<DuckDBPreparedStatement> {
  const parsed = await parse(connection, sql);
  if (parsed.error) {
    const text = parsed.error_message ?? "unknown error";
    if (parsed.error_type === "parser") {
      throw new SqlError(`the query is not valid SQL: Parser Error: ${oneLine(text)}`, {
        reason: "invalid",
        sql,
        hint: "fix the syntax (DuckDB's SQL dialect)",
        detail: `Parser Error: ${text}`,
      });
    }
    // "Only SELECT statements can be serialized to json!": some statement in the text is not a SELECT.
    throw refused(sql, "only a read-only SELECT may run, and this text holds another kind of statement", {
      detail: text,
    });
  }
  const statements = parsed.statements ?? [];
  if (statements.length !== 1) {
    throw refused(
      sql,
      statements.length === 0
        ? "the text holds no SQL statement"
        : `the text holds ${statements.length} statements; only one may run`,
    );
  }
  const refusal = refusedReference(statements[0], tables);
  if (refusal !== undefined) {
    throw new SqlError(refusal.message, { reason: "refused", sql, hint: refusal.hint });
  }
  return prepareSelect(connection, sql);
}

/** Step 1: DuckDB's parse tree of `sql`, as JSON. */
async function parse(connection: DuckDBConnection, sql: string): Promise<Serialized> {
  const reader = await connection.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR)", [sql]);
  return JSON.parse(String(reader.getRows()[0]?.[0])) as Serialized;
}

/** Step 3: one statement, prepared (bound, not run), of type SELECT. */
async function prepareSelect(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const extracted = await connection.extractStatements(sql).catch((error: unknown) => {
    throw failed(sql, error, "invalid");
  });
  if (extracted.count !== 1)
    throw refused(sql, `the text holds ${extracted.count} statements; only one may run`);
  const prepared = await extracted.prepare(0).catch((error: unknown) => {
    throw failed(sql, error, "failed");
  });
  if (prepared.statementType !== StatementType.SELECT) {
    prepared.destroySync();
    throw refused(
      sql,
      `only a read-only SELECT may run, and this is a ${StatementType[prepared.statementType]} statement`,
    );
  }
  if (prepared.parameterCount > 0) {
    prepared.destroySync();
    throw refused(sql, "the query has parameters ($1, ?), and there are no values to bind to them", {
      hint: "write the values into the query",
    });
  }
  return prepared;
}

function refused(sql: string, why: string, options: { hint?: string; detail?: string } = {}): SqlError {
  return new SqlError(`query refused: ${why}`, {
    reason: "refused",
    sql,
    hint: options.hint ?? ONE_SELECT,
    ...(options.detail === undefined ? {} : { detail: options.detail }),
  });
}
