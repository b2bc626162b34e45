/**
 * The sandbox against hostile SQL (hostile-queries.ts): every entry ends as listed — refused by the gate, stopped
 * by DuckDB, capped or timed out — and after each one no file in the data directory changed or appeared, no
 * result contains the secret file's text, and the tables still answer ordinary analytical SQL.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSandbox, type Sandbox, SqlError } from "../../packages/overtone/src/data/index.js";
import { type DataDir, makeDataDir, snapshot } from "./data-files.js";
import { HOSTILE_QUERIES } from "./hostile-queries.js";

const ROW_CAP = 5;

let data: DataDir;
let sandbox: Sandbox;
let before: Record<string, string>;

beforeAll(async () => {
  data = await makeDataDir();
  sandbox = await openSandbox([data.sales, data.customers, data.events, data.orders], {
    rowCap: ROW_CAP,
    timeoutMs: 10_000,
    threads: 2,
  });
  before = snapshot(data.dir);
});

afterAll(() => {
  sandbox?.close();
  data?.remove();
});

describe("hostile queries", () => {
  it("has at least 40 of them, each with a reason", () => {
    expect(HOSTILE_QUERIES.length).toBeGreaterThanOrEqual(40);
    for (const q of HOSTILE_QUERIES) expect(q.why.length).toBeGreaterThan(0);
    expect(new Set(HOSTILE_QUERIES.map((q) => q.sql)).size).toBe(HOSTILE_QUERIES.length);
  });

  it.each(HOSTILE_QUERIES)("$why: $sql", async ({ sql: template, outcome }) => {
    const sql = template.replaceAll("{SECRET}", data.secret).replaceAll("{DIR}", data.dir);
    // Only the endless ones meet the limit: short for them, generous for the rest (the machine may be busy).
    const limits = outcome === "timeout" ? { timeoutMs: 400 } : {};
    const settled = await sandbox.query(sql, limits).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    if (outcome === "capped") {
      expect(settled.error).toBeUndefined();
      expect(settled.result?.rows).toHaveLength(ROW_CAP);
      expect(settled.result?.truncated).toBe(true);
    } else {
      expect(settled.error).toBeInstanceOf(SqlError);
      const error = settled.error as SqlError;
      expect(error.reason, error.message).toBe(outcome);
      expect(error.code).toBe("INPUT");
      expect(error.message).not.toContain("\n");
      expect(error.hint).toBeTruthy();
    }
    expect(JSON.stringify(settled.result ?? "")).not.toContain("secret the sandbox");
    expect(snapshot(data.dir)).toEqual(before);
    // An in-memory DuckDB would spill to .tmp in the working directory: spilling is off.
    expect(existsSync(join(process.cwd(), ".tmp"))).toBe(false);
  });

  it("leaves the tables intact and answering", async () => {
    const result = await sandbox.query("SELECT count(*) AS n, sum(amount) AS total FROM sales");
    expect(result.rows).toEqual([[5, 34.5]]);
    const views = await sandbox.query("SELECT count(*) FROM customers JOIN sales USING (country)");
    expect(views.rows).toEqual([[4]]);
  });
});
