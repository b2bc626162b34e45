/**
 * `overtone data query` and `overtone data describe`, run as a user would (the built CLI): a readable table,
 * `--json`, `--max-rows`, `--timeout`, and one stderr line with exit code 1 for a refused or failing query.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliAsync } from "../cli/run-cli.js";
import { type DataDir, makeDataDir, snapshot } from "./data-files.js";

let data: DataDir;

beforeAll(async () => {
  data = await makeDataDir();
});

afterAll(() => data?.remove());

describe("overtone data query", () => {
  it("prints a table with a header and a row count", async () => {
    const result = await runCliAsync([
      "data",
      "query",
      data.sales,
      data.customers,
      "SELECT country, count(*) AS orders, sum(amount) AS total FROM sales JOIN customers USING (country) GROUP BY ALL ORDER BY 1",
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        "country  orders  total",
        "-------  ------  -----",
        "France   3       19.5",
        "Spain    1       3",
        "(2 rows)",
        "",
      ].join("\n"),
    );
  });

  it("writes one JSON object with --json, and cuts at --max-rows", async () => {
    const result = await runCliAsync([
      "data",
      "query",
      "--json",
      "--max-rows",
      "2",
      data.orders,
      "FROM orders SELECT id, big, day ORDER BY id",
    ]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      columns: [
        { name: "id", type: "BIGINT" },
        { name: "big", type: "BIGINT" },
        { name: "day", type: "DATE" },
      ],
      rows: [
        [0, "9007199254740993", "2024-05-06"],
        [1, "9007199254740994", "2024-05-06"],
      ],
      truncated: true,
    });
  });

  it("says in the table's footer when rows were cut", async () => {
    const result = await runCliAsync(["data", "query", "--max-rows", "1", data.events, "FROM events"]);
    expect(result.stdout).toContain("(first 1 row; the query has more: raise --max-rows, or aggregate)");
  });

  it.each([
    [
      "a write",
      "COPY sales TO '{DIR}/sales.csv' (USE_TMP_FILE false)",
      /^overtone: query refused: only a read-only SELECT may run/,
    ],
    [
      "a file read",
      "SELECT * FROM read_text('{DIR}/secret.txt')",
      /^overtone: query refused: it calls the table function read_text\(\)/,
    ],
    ["two statements", "SELECT 1; DROP VIEW sales", /^overtone: query refused: /],
    [
      "an unknown column",
      "SELECT amout FROM sales",
      /^overtone: the query failed: Binder Error: Referenced column "amout" not found/,
    ],
  ])("refuses %s: exit 1, one line on stderr, nothing on stdout", async (_what, template, line) => {
    const before = snapshot(data.dir);
    const result = await runCliAsync(["data", "query", data.sales, template.replaceAll("{DIR}", data.dir)]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(line);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(snapshot(data.dir)).toEqual(before);
  });

  it("stops a query at --timeout", async () => {
    const result = await runCliAsync([
      "data",
      "query",
      "--timeout",
      "0.3",
      data.sales,
      "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 3",
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "overtone: the query ran longer than 0.3 s and was stopped (make it cheaper: filter first, aggregate, avoid cross joins; or raise --timeout)\n",
    );
  });

  it("needs files and SQL, and says so", async () => {
    const result = await runCliAsync(["data", "query", "SELECT 1"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^overtone: give the data files and then the SQL query/);
  });
});

describe("overtone data describe", () => {
  it("prints what the model is told about each file", async () => {
    const result = await runCliAsync(["data", "describe", data.sales, data.orders]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "Table sales (5 rows, from sales.csv)\nColumns: order_id BIGINT, country VARCHAR",
    );
    expect(result.stdout).toContain("Table orders (4 rows, from orders.parquet)");
  });
});
