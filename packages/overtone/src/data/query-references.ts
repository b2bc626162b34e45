/**
 * The table allowlist, checked on DuckDB's own parse tree (`json_serialize_sql`), before anything binds.
 *
 * Why not `connection.getTableNames(sql)`: on DuckDB 1.5.6 it lists only names it could not bind — a query over
 * our views returns [], `FROM secret` returns ["secret"], table functions (`read_text(…)`) never appear — so it
 * cannot say what a query reads. The parse tree names every table reference (BASE_TABLE), table function
 * (TABLE_FUNCTION) and function call, wherever it sits: subqueries, CTEs, joins, set operations, DESCRIBE.
 *
 * The policy:
 * - a table reference must be one of the sandbox's tables or a CTE in scope, with no schema other than `main`:
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
    const inScope = withCtes(node, ctes);
    refusal = check(node, inScope);
    for (const child of Object.values(node)) visit(child, inScope);
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

/** The CTE names visible below `node`: those in scope plus the ones it defines (`WITH q AS (…)`). */
function withCtes(node: Node, ctes: ReadonlySet<string>): ReadonlySet<string> {
  const map = (node.cte_map as { map?: { key?: unknown }[] } | undefined)?.map;
  if (!Array.isArray(map) || map.length === 0) return ctes;
  return new Set([...ctes, ...map.map((entry) => lower(entry.key))]);
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
