/**
 * The table allowlist, checked on DuckDB's own parse tree (`json_serialize_sql`), before anything binds.
 *
 * Why not `connection.getTableNames(sql)`: on DuckDB 1.5.6 it lists only names it could not bind — a query over
 * our views returns [], `FROM secret` returns ["secret"], table functions (`read_text(…)`) never appear — so it
 * cannot say what a query reads. The parse tree names every table reference (BASE_TABLE), table function
 * (TABLE_FUNCTION) and function call, wherever it sits: subqueries, CTEs, joins, set operations, DESCRIBE.
 *
 * The policy:
 * - a table reference must be one of the sandbox's tables or a CTE in scope (as DuckDB scopes them: a CTE's body
 *   sees only the CTEs before it, a recursive CTE's also itself), with no schema other than `main`:
 *   so no `information_schema.*`, `duckdb_*` views, `sqlite_master`, and no replacement scan (`FROM 'x.csv'`);
 * - a table function must be one that only computes (`range`, `generate_series`, `unnest`, `json_each`,
 *   `json_tree`): every reader (`read_*`, `glob`, `sniff_csv`), catalog function (`duckdb_settings()`,
 *   `pragma_*`) and SQL-running one (`query`, `query_table`) is refused by name, even though the lockdown would
 *   stop their file access — the model has the description, and needs none of them;
 * - `current_setting` and `getenv` are refused: they would put the machine's settings and paths into a prompt
 *   that may go to a remote model. Other scalar functions are free: under the lockdown none reaches a file.
 * - `DESCRIBE t` / `SUMMARIZE t` (a SHOW_REF around a query) are checked through their query; `SHOW TABLES` is
 *   allowed (it lists the sandbox's tables), any other SHOW without a query is refused.
 */

/** Table functions a query may call: they compute rows from their arguments and read nothing. */
const TABLE_FUNCTIONS = new Set(["range", "generate_series", "unnest", "json_each", "json_tree"]);

/** Scalar functions refused by name (see above). */
const SCALAR_FUNCTIONS_REFUSED = new Set(["current_setting", "getenv"]);

/** Schemas (and catalogs) a plain reference to one of our views may name. */
const OUR_SCHEMAS = new Set(["", "main"]);
const OUR_CATALOGS = new Set(["", "memory"]);

/** Why a query was refused: what it referenced and what to do instead. */
export interface Refusal {
  message: string;
  hint: string;
}

type Node = Record<string, unknown>;

/**
 * The first reference in `statement` (one statement of `json_serialize_sql`'s output) outside the allowlist, or
 * undefined when every reference is allowed. `tables` holds the sandbox's table names in lower case.
 */
export function refusedReference(statement: unknown, tables: ReadonlySet<string>): Refusal | undefined {
  const tableList = [...tables].join(", ");
  const onlyTables = `query only the tables ${tableList} (FROM ${[...tables][0] ?? "t"} …)`;
  let refusal: Refusal | undefined;

  const visit = (value: unknown, ctes: ReadonlySet<string>): void => {
    if (refusal !== undefined || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, ctes);
      return;
    }
    const node = value as Node;
    refusal = check(node, ctes);
    if (refusal !== undefined) return;
    // A recursive CTE's body sees its own name (and only a recursive one's does).
    let scope = node.type === "RECURSIVE_CTE_NODE" ? withName(ctes, node.cte_name) : ctes;
    // Each CTE's body sees the CTEs before it, not itself or later ones: DuckDB binds such a name to the catalog
    // (`WITH duckdb_views AS (SELECT * FROM duckdb_views) …` reads the real duckdb_views), so it is no CTE here.
    for (const entry of cteEntries(node)) {
      visit(entry.value, scope);
      scope = withName(scope, entry.key);
    }
    for (const [key, child] of Object.entries(node)) if (key !== "cte_map") visit(child, scope);
  };

  const check = (node: Node, ctes: ReadonlySet<string>): Refusal | undefined => {
    if (node.type === "BASE_TABLE") {
      const name = lower(node.table_name);
      const qualified = [node.catalog_name, node.schema_name, node.table_name]
        .filter((part) => typeof part === "string" && part !== "")
        .join(".");
      const ours = OUR_CATALOGS.has(lower(node.catalog_name)) && OUR_SCHEMAS.has(lower(node.schema_name));
      if (ours && (tables.has(name) || ctes.has(name))) return undefined;
      const file = /[./\\]/.test(name) ? fileHint(name, tables) : undefined;
      return {
        message: `query refused: it reads ${qualified}, which is not one of the tables (${tableList})`,
        hint: file ?? onlyTables,
      };
    }
    if (node.type === "TABLE_FUNCTION") {
      const call = node.function as Node | undefined;
      const name = lower(call?.function_name);
      if (TABLE_FUNCTIONS.has(name) && lower(call?.schema) === "") return undefined;
      return {
        message: `query refused: it calls the table function ${name}(), which is not allowed (files, settings and the catalog are off limits)`,
        hint: onlyTables,
      };
    }
    if (node.class === "FUNCTION" && SCALAR_FUNCTIONS_REFUSED.has(lower(node.function_name))) {
      return {
        message: `query refused: it calls ${lower(node.function_name)}(), which reads the machine's settings or environment`,
        hint: "leave it out: the query may use the tables' data only",
      };
    }
    if (node.type === "SHOW_REF" && node.query === null && lower(node.table_name) !== '"tables"') {
      return {
        message: "query refused: of the SHOW statements only SHOW TABLES may run",
        hint: `use DESCRIBE <table> or SUMMARIZE <table> on one of the tables (${tableList})`,
      };
    }
    return undefined;
  };

  visit(statement, new Set());
  return refusal;
}

/** The CTEs `node` defines (`WITH q AS (…)`), in order. */
function cteEntries(node: Node): { key?: unknown; value?: unknown }[] {
  const map = (node.cte_map as { map?: unknown } | undefined)?.map;
  return Array.isArray(map) ? (map as { key?: unknown; value?: unknown }[]) : [];
}

function withName(ctes: ReadonlySet<string>, name: unknown): ReadonlySet<string> {
  return typeof name === "string" ? new Set([...ctes, name.toLowerCase()]) : ctes;
}

/** `FROM 'sales.csv'` (a replacement scan) names a file: point at the table it already is, if any. */
function fileHint(name: string, tables: ReadonlySet<string>): string | undefined {
  const stem = name
    .split(/[/\\]/)
    .pop()
    ?.replace(/\..*$/, "")
    .replace(/[^a-z0-9_]+/g, "_");
  if (stem !== undefined && tables.has(stem)) return `the file is already the table ${stem}: FROM ${stem}`;
  return "files cannot be read from a query; only the given files, as their tables";
}

function lower(value: unknown): string {
  return typeof value === "string" ? value.toLowerCase() : "";
}
