/**
 * SQL a model (or a prompt injection in a cell of the data) might send, each with why it is hostile and how the
 * sandbox must end it. `{DIR}` is the data directory, `{SECRET}` a file in it that is not one of the tables.
 * hostile.test.ts runs every entry and then checks that no file in the directory changed or appeared.
 *
 * `refused`: the gate says no before DuckDB binds anything. `invalid`: DuckDB's parser cannot read it, so nothing
 * runs. `failed`: DuckDB itself stops it (the lockdown).
 * `capped`: it runs, but only the row cap's rows come back. `timeout`: the time limit interrupts it.
 */
export type Outcome = "refused" | "invalid" | "failed" | "capped" | "timeout";

export interface HostileQuery {
  sql: string;
  why: string;
  outcome: Outcome;
}

export const HOSTILE_QUERIES: readonly HostileQuery[] = [
  // Reading files that are not the tables.
  { sql: "SELECT * FROM read_text('/etc/passwd')", why: "reads a system file", outcome: "refused" },
  { sql: "SELECT * FROM read_text('{SECRET}')", why: "reads a file beside the data", outcome: "refused" },
  { sql: "SELECT * FROM read_blob('{SECRET}')", why: "reads a file as bytes", outcome: "refused" },
  { sql: "SELECT * FROM read_csv('{SECRET}')", why: "reads another path as CSV", outcome: "refused" },
  {
    sql: "SELECT * FROM read_csv_auto('{SECRET}', header = false)",
    why: "the old reader name",
    outcome: "refused",
  },
  { sql: "SELECT * FROM read_json('{SECRET}')", why: "reads another path as JSON", outcome: "refused" },
  { sql: "SELECT * FROM '{SECRET}'", why: "a replacement scan: a path as a table", outcome: "refused" },
  { sql: 'SELECT * FROM "{SECRET}"', why: "the same with a quoted identifier", outcome: "refused" },
  {
    sql: "SELECT * FROM read_text(['{DIR}/sales.csv', '{SECRET}'])",
    why: "a list smuggling a second path",
    outcome: "refused",
  },
  { sql: "SELECT * FROM glob('{DIR}/*')", why: "lists the directory", outcome: "refused" },
  {
    sql: "SELECT * FROM sniff_csv('{SECRET}')",
    why: "once bypassed enable_external_access (advisory)",
    outcome: "refused",
  },
  {
    sql: "SELECT * FROM parquet_metadata('{DIR}/orders.parquet')",
    why: "file metadata functions are off limits",
    outcome: "refused",
  },
  // The network.
  { sql: "SELECT * FROM read_parquet('s3://bucket/data.parquet')", why: "an S3 object", outcome: "refused" },
  { sql: "SELECT * FROM read_csv('https://example.com/data.csv')", why: "an https URL", outcome: "refused" },
  {
    sql: "SELECT * FROM read_json('http://169.254.169.254/latest/meta-data/')",
    why: "the cloud metadata endpoint",
    outcome: "refused",
  },
  // Reads hidden inside an allowed query.
  {
    sql: "SELECT * FROM sales, read_text('{SECRET}')",
    why: "a reader joined to a table",
    outcome: "refused",
  },
  {
    sql: "SELECT (SELECT content FROM read_text('{SECRET}')) FROM sales",
    why: "a reader in a scalar subquery",
    outcome: "refused",
  },
  {
    sql: "WITH x AS (SELECT * FROM read_text('{SECRET}')) SELECT * FROM x",
    why: "a reader inside a CTE",
    outcome: "refused",
  },
  {
    sql: "WITH read_text AS (SELECT 1) SELECT * FROM read_text('{SECRET}')",
    why: "a CTE named like the reader",
    outcome: "refused",
  },
  {
    sql: "SELECT * FROM sales UNION ALL SELECT * FROM read_csv('{SECRET}')",
    why: "a reader in a UNION",
    outcome: "refused",
  },
  {
    sql: "DESCRIBE SELECT * FROM read_text('{SECRET}')",
    why: "a reader inside DESCRIBE",
    outcome: "refused",
  },
  // Writing files.
  { sql: "COPY (SELECT 1) TO '{DIR}/out.csv'", why: "writes a new file", outcome: "refused" },
  {
    sql: "COPY sales TO '{DIR}/sales.csv' (USE_TMP_FILE false)",
    why: "overwrites a data file (allowed_paths would let it)",
    outcome: "refused",
  },
  { sql: "COPY sales FROM '{SECRET}'", why: "reads a file into a table", outcome: "refused" },
  { sql: "EXPORT DATABASE '{DIR}/dump'", why: "writes a directory of files", outcome: "refused" },
  // Databases, extensions, settings.
  { sql: "ATTACH '{DIR}/new.db' AS other", why: "creates a database file", outcome: "refused" },
  { sql: "ATTACH ':memory:' AS scratch", why: "a second, writable database", outcome: "refused" },
  { sql: "DETACH memory", why: "detaches the sandbox's database", outcome: "refused" },
  { sql: "USE system", why: "switches the default schema", outcome: "refused" },
  { sql: "INSTALL httpfs", why: "downloads an extension", outcome: "refused" },
  { sql: "LOAD httpfs", why: "loads an extension", outcome: "refused" },
  { sql: "UPDATE EXTENSIONS", why: "reaches the extension repository", outcome: "refused" },
  { sql: "SET enable_external_access = true", why: "undoes the lockdown", outcome: "refused" },
  { sql: "RESET enable_external_access", why: "undoes the lockdown another way", outcome: "refused" },
  { sql: "SET lock_configuration = false", why: "unlocks the settings", outcome: "refused" },
  { sql: "PRAGMA enable_profiling", why: "a PRAGMA changing behaviour", outcome: "refused" },
  { sql: "CALL duckdb_settings()", why: "CALL runs a table function", outcome: "refused" },
  { sql: "CREATE SECRET (TYPE s3, KEY_ID 'k', SECRET 's')", why: "creates credentials", outcome: "refused" },
  // Changing data in memory (lock_configuration does not stop these; the gate must).
  { sql: "CREATE TABLE t AS SELECT 1", why: "creates a table", outcome: "refused" },
  {
    sql: "CREATE OR REPLACE VIEW sales AS SELECT 1 AS x",
    why: "replaces a table's view",
    outcome: "refused",
  },
  { sql: "CREATE MACRO m() AS 1", why: "creates a function", outcome: "refused" },
  {
    sql: "INSERT INTO sales VALUES (9, 'X', 1, DATE '2024-01-01')",
    why: "inserts into a view",
    outcome: "refused",
  },
  { sql: "UPDATE sales SET amount = 0", why: "updates", outcome: "refused" },
  { sql: "DELETE FROM sales", why: "deletes", outcome: "refused" },
  { sql: "DROP VIEW sales", why: "drops a table's view", outcome: "refused" },
  { sql: "ALTER VIEW sales RENAME TO gone", why: "renames a view", outcome: "refused" },
  { sql: "BEGIN TRANSACTION", why: "transaction control", outcome: "refused" },
  { sql: "CHECKPOINT", why: "database maintenance", outcome: "refused" },
  {
    sql: "WITH q AS (SELECT 1) INSERT INTO sales SELECT * FROM q",
    why: "an INSERT behind a WITH",
    outcome: "refused",
  },
  { sql: "EXPLAIN ANALYZE SELECT 1", why: "not a SELECT (runs and profiles)", outcome: "refused" },
  {
    sql: "PIVOT sales ON country USING sum(amount)",
    why: "expands to CREATE TYPE + SELECT",
    outcome: "refused",
  },
  // Several statements, and comments hiding them.
  { sql: "SELECT 1; DROP VIEW sales", why: "a second statement after a SELECT", outcome: "refused" },
  { sql: "SELECT 1; SELECT 2", why: "two SELECTs: only one may run", outcome: "refused" },
  {
    sql: "SELECT 1 -- harmless\n; DROP VIEW sales",
    why: "a line comment before a second statement",
    outcome: "refused",
  },
  {
    sql: "/* SELECT 1 */ DROP VIEW sales",
    why: "a block comment dressing a DROP as a SELECT",
    outcome: "refused",
  },
  {
    sql: "-- SELECT\nCOPY sales TO '{DIR}/out.csv'",
    why: "a line comment dressing a COPY",
    outcome: "refused",
  },
  {
    sql: "SELECT 1) ; DROP VIEW sales; SELECT (1",
    why: "parentheses that would balance the row cap's LIMIT wrapper into three statements",
    outcome: "invalid",
  },
  // The catalog, settings and the environment.
  { sql: "SELECT * FROM information_schema.tables", why: "the catalog, not a table", outcome: "refused" },
  {
    sql: "SELECT * FROM duckdb_settings()",
    why: "settings, including the allowed paths",
    outcome: "refused",
  },
  { sql: "SELECT sql FROM duckdb_views()", why: "the views' SQL names the files' paths", outcome: "refused" },
  { sql: "SELECT * FROM sqlite_master", why: "a catalog view", outcome: "refused" },
  {
    sql: "SELECT * FROM (WITH duckdb_views AS (SELECT 1) SELECT 1), duckdb_views",
    why: "a CTE name out of its scope",
    outcome: "refused",
  },
  {
    sql: "WITH duckdb_views AS (SELECT * FROM duckdb_views) SELECT * FROM duckdb_views",
    why: "a CTE's body naming itself: DuckDB reads the catalog view of that name",
    outcome: "refused",
  },
  {
    sql: "WITH a AS (SELECT * FROM duckdb_tables), duckdb_tables AS (SELECT 1) SELECT * FROM a",
    why: "a CTE's body naming a later CTE: DuckDB reads the catalog view of that name",
    outcome: "refused",
  },
  { sql: "SELECT getenv('HOME')", why: "the environment", outcome: "refused" },
  { sql: "SELECT current_setting('allowed_paths')", why: "a setting naming paths", outcome: "refused" },
  { sql: "SELECT * FROM query('DROP VIEW sales')", why: "runs SQL from a string", outcome: "refused" },
  { sql: "SELECT * FROM query_table('secret')", why: "a table named by a string", outcome: "refused" },
  { sql: "SHOW ALL TABLES", why: "lists every schema's tables", outcome: "refused" },
  { sql: "SELECT * FROM sales WHERE amount > $1", why: "a parameter: nothing to bind", outcome: "refused" },
  // Huge results and endless queries.
  { sql: "SELECT * FROM range(1000000000000)", why: "a trillion rows", outcome: "capped" },
  {
    sql: "SELECT a.range FROM range(100000) a, range(100000) b",
    why: "ten billion rows from a cross join",
    outcome: "capped",
  },
  {
    sql: "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 7",
    why: "a cross join that would take hours",
    outcome: "timeout",
  },
  {
    sql: "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT max(n) FROM r",
    why: "an endless recursive CTE",
    outcome: "timeout",
  },
];
