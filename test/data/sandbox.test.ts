/**
 * The sandbox on real DuckDB: files become tables named after them, the description a prompt gets, typed
 * JSON-safe values, ordinary analytical SQL (joins, windows, CTEs), the row cap, the time limit, and the errors a
 * caller (or the correction loop) gets for bad files and bad SQL.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "@overtone/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSandbox, type Sandbox, SqlError } from "../../packages/overtone/src/data/index.js";
import { type DataDir, makeDataDir } from "./data-files.js";

let data: DataDir;
let sandbox: Sandbox;

beforeAll(async () => {
  data = await makeDataDir();
  sandbox = await openSandbox([data.sales, data.customers, data.events, data.orders], {
    rowCap: 5,
    // Generous: other work may share this machine; the time-limit test sets its own.
    timeoutMs: 10_000,
    threads: 2,
  });
});

afterAll(() => {
  sandbox?.close();
  data?.remove();
});

describe("loading and describing", () => {
  it("makes each file a table named after it, with DuckDB's types and row counts", () => {
    const summary = sandbox.tables.map((t) => [t.name, t.format, t.rowCount, t.rowCountExact]);
    expect(summary).toEqual([
      ["sales", "csv", 5, true],
      ["customers", "json", 3, true],
      ["events", "json", 2, true],
      ["orders", "parquet", 4, true],
    ]);
    expect(sandbox.tables[0]?.columns).toEqual([
      { name: "order_id", type: "BIGINT" },
      { name: "country", type: "VARCHAR" },
      { name: "amount", type: "DOUBLE" },
      { name: "ordered_on", type: "DATE" },
    ]);
    expect(sandbox.tables[3]?.columns.map((c) => c.type)).toContain("DECIMAL(38,2)");
    expect(sandbox.tables[0]?.sample).toEqual([
      [1, "France", 10.5, "2024-01-02"],
      [2, "Spain", 3, "2024-01-03"],
      [3, "France", 7.25, "2024-02-10"],
    ]);
  });

  it("describes the tables as compact text for a prompt, without the files' folders", () => {
    const text = sandbox.describe();
    expect(text).toContain("Table sales (5 rows, from sales.csv)");
    expect(text).toContain("Columns: order_id BIGINT, country VARCHAR, amount DOUBLE, ordered_on DATE");
    expect(text).toContain("order_id,country,amount,ordered_on\n1,France,10.5,2024-01-02");
    expect(text).toContain("Table orders (4 rows, from orders.parquet)");
    expect(text).not.toContain(data.dir);
  });

  it("names tables from awkward file names, quoting SQL keywords", async () => {
    const dir = join(data.dir, "names");
    mkdirSync(dir);
    copyFileSync(data.sales, join(dir, "Sales Q1 2024.csv"));
    copyFileSync(data.sales, join(dir, "order.csv"));
    copyFileSync(data.sales, join(dir, "2024.csv"));
    const named = await openSandbox([
      join(dir, "Sales Q1 2024.csv"),
      join(dir, "order.csv"),
      join(dir, "2024.csv"),
    ]);
    try {
      expect(named.tables.map((t) => t.name)).toEqual(["sales_q1_2024", '"order"', "t_2024"]);
      const result = await named.query('SELECT count(*) FROM "order" JOIN t_2024 USING (order_id)');
      expect(result.rows).toEqual([[5]]);
    } finally {
      named.close();
    }
  });

  it.each([
    ["two files with one table name", ["a/sales.csv", "b/Sales.csv"], /would both become the table sales/],
    ["an unknown extension", ["notes.txt"], /not a data file this command reads/],
    ["a missing file", ["missing.csv"], /missing\.csv: no such file/],
    ["no files", [], /no data files given/],
    ["a glob character", ["data/*.csv"], /glob character/],
  ])("refuses %s with an InputError", async (_what, names, message) => {
    const paths = names.map((n) => join(data.dir, n));
    for (const dir of ["a", "b"]) mkdirSync(join(data.dir, dir), { recursive: true });
    copyFileSync(data.sales, join(data.dir, "a/sales.csv"));
    copyFileSync(data.sales, join(data.dir, "b/Sales.csv"));
    const error = await openSandbox(paths).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
    expect((error as InputError).hint).toBeTruthy();
  });

  it("says when a file's contents do not match its extension", async () => {
    const bad = join(data.dir, "broken.parquet");
    writeFileSync(bad, "this is not parquet");
    const error = (await openSandbox([bad]).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/broken\.parquet: DuckDB cannot read it as Parquet: /);
  });
});

describe("queries", () => {
  it("returns typed, JSON-safe values", async () => {
    const result = await sandbox.query("SELECT * FROM orders ORDER BY id LIMIT 2");
    expect(result.columns).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "big", type: "BIGINT" },
      { name: "price", type: "DECIMAL(10,2)" },
      { name: "huge", type: "DECIMAL(38,2)" },
      { name: "at", type: "TIMESTAMP" },
      { name: "day", type: "DATE" },
      { name: "pair", type: "BIGINT[]" },
      { name: "info", type: 'STRUCT("a" BIGINT, "b" VARCHAR)' },
      { name: "label", type: "VARCHAR" },
    ]);
    expect(result.rows).toEqual([
      [
        0,
        "9007199254740993", // past 2^53: exact as text
        0,
        "12345678901234567890123.45",
        "2024-05-06T07:08:09",
        "2024-05-06",
        [0, 1],
        { a: 0, b: "x" },
        "item 0",
      ],
      [
        1,
        "9007199254740994",
        1.5,
        "12345678901234567890123.45",
        "2024-05-07T07:08:09",
        "2024-05-06",
        [1, 2],
        { a: 1, b: "x" },
        null,
      ],
    ]);
    expect(result.truncated).toBe(false);
  });

  it.each([
    [
      "a join with grouping",
      "SELECT c.region, count(*) AS n, sum(s.amount) AS total FROM sales s JOIN customers c USING (country) GROUP BY ALL ORDER BY 1",
      [["EU", 4, 22.5]],
    ],
    [
      "a window function",
      "SELECT order_id, rank() OVER (PARTITION BY country ORDER BY amount DESC) AS r FROM sales WHERE country = 'France' ORDER BY order_id",
      [
        [1, 1],
        [3, 2],
        [5, 3],
      ],
    ],
    [
      "a CTE and QUALIFY",
      "WITH t AS (SELECT country, amount FROM sales) SELECT country, amount FROM t QUALIFY row_number() OVER (PARTITION BY country ORDER BY amount DESC) = 1 ORDER BY amount DESC",
      [
        ["Germany", 12],
        ["France", 10.5],
        ["Spain", 3],
      ],
    ],
    ["FROM-first", "FROM sales SELECT max(ordered_on)", [["2024-03-01"]]],
    [
      "chained and recursive CTEs",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3), s AS (SELECT n * 2 AS m FROM r) SELECT sum(m) FROM s",
      [[12]],
    ],
    ["a trailing semicolon and comment", "SELECT count(*) FROM events; -- how many", [[2]]],
    ["range() and unnest()", "SELECT sum(x) FROM (SELECT unnest([1, 2, 3]) AS x), range(2)", [[12]]],
    ["a DECIMAL sum", "SELECT sum(price) FROM orders", [[9]]],
  ])("runs %s", async (_what, sql, expected) => {
    expect((await sandbox.query(sql)).rows).toEqual(expected);
  });

  it("answers DESCRIBE and SUMMARIZE on a table", async () => {
    const described = await sandbox.query("DESCRIBE sales");
    expect(described.rows.map((r) => r[0])).toEqual(["order_id", "country", "amount", "ordered_on"]);
    const summary = await sandbox.query("SUMMARIZE events");
    expect(summary.rows.length).toBe(2);
  });

  it("caps rows and says so exactly at the boundary", async () => {
    const two = await sandbox.query("SELECT * FROM range(5)", { rowCap: 2 });
    expect([two.rows, two.truncated]).toEqual([[[0], [1]], true]);
    const five = await sandbox.query("SELECT * FROM range(5)");
    expect([five.rows.length, five.truncated]).toEqual([5, false]);
    const six = await sandbox.query("SELECT * FROM range(6)");
    expect([six.rows.length, six.truncated]).toEqual([5, true]);
    // Wrapped in a LIMIT, ORDER BY without one is a Top-N, not a sort of every row.
    const sorted = await sandbox.query("SELECT * FROM range(3000000) ORDER BY 1 DESC");
    expect([sorted.rows[0], sorted.rows.length, sorted.truncated]).toEqual([[2999999], 5, true]);
    // A query the LIMIT cannot wrap (it ends in ';') is streamed, and stops reading after the cap.
    const streamed = await sandbox.query("SELECT * FROM range(1000000000000);");
    expect([streamed.rows.length, streamed.truncated]).toEqual([5, true]);
  });

  it("interrupts a query past the time limit, and the next one runs", async () => {
    const started = Date.now();
    const error = (await sandbox
      .query("SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 3", {
        timeoutMs: 500,
      })
      .catch((e: unknown) => e)) as SqlError;
    expect(error).toBeInstanceOf(SqlError);
    expect(error.reason).toBe("timeout");
    expect(error.message).toBe("the query ran longer than 0.5 s and was stopped");
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await sandbox.query("SELECT count(*) FROM sales")).rows).toEqual([[5]]);
  });

  it("runs queries one at a time when they come at once", async () => {
    const results = await Promise.all(
      ["sales", "customers", "events", "orders"].map((t) => sandbox.query(`SELECT count(*) FROM ${t}`)),
    );
    expect(results.map((r) => r.rows[0]?.[0])).toEqual([5, 3, 2, 4]);
  });

  it.each([
    [
      "an unknown column",
      "SELECT amout FROM sales",
      "failed",
      /Binder Error: Referenced column "amout" not found.*Candidate bindings: "amount"/,
    ],
    ["a syntax error", "SELEC 1", "invalid", /not valid SQL: Parser Error: syntax error at or near "SELEC"/],
    ["a type error", "SELECT country + 1 FROM sales", "failed", /Binder Error: .*\+/],
    [
      "an unknown table",
      "SELECT * FROM sale",
      "refused",
      /sale, which is not one of the tables \(sales, customers, events, orders\)/,
    ],
    ["nothing", "  -- only a comment", "refused", /holds no SQL statement/],
  ])("reports %s as a one-line SqlError with DuckDB's words", async (_what, sql, reason, message) => {
    const error = (await sandbox.query(sql).catch((e: unknown) => e)) as SqlError;
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toBeInstanceOf(InputError);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("\n");
    expect(error.sql).toBe(sql);
  });

  it("keeps DuckDB's whole error text in detail, for the correction loop", async () => {
    const error = (await sandbox.query("SELECT amout FROM sales").catch((e: unknown) => e)) as SqlError;
    expect(error.detail).toContain("LINE 1: SELECT amout FROM sales");
  });

  it("refuses queries after close", async () => {
    const closing = await openSandbox([data.events]);
    closing.close();
    await expect(closing.query("SELECT 1")).rejects.toThrow(/sandbox is closed/);
  });
});
