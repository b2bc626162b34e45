/**
 * A CSV past EXACT_COUNT_BYTES is described without reading it through: its row count is an estimate (marked as
 * such, within a few percent), and querying it reads the file where it lies (a view), not a copy.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { EXACT_COUNT_BYTES } from "../../packages/overtone/src/data/describe-tables.js";
import { openSandbox } from "../../packages/overtone/src/data/index.js";

const ROWS = 2_200_000;
let dir: string;
let path: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "overtone-big-"));
  path = join(dir, "big.csv");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  // Row lengths grow along the file (ids get longer), as in real exports.
  await connection.run(`COPY (SELECT range AS id, 'country_' || (range % 50) AS country,
    (range % 1000) / 10.0 AS amount, DATE '2024-01-01' + (range % 365)::INT AS day
    FROM range(${ROWS})) TO '${path}'`);
  connection.closeSync();
  instance.closeSync();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("estimates a big CSV's rows and still answers exactly", async () => {
  expect(statSync(path).size).toBeGreaterThan(EXACT_COUNT_BYTES);
  const sandbox = await openSandbox([path], { threads: 2 });
  try {
    const [table] = sandbox.tables;
    expect(table?.rowCountExact).toBe(false);
    expect(Math.abs((table?.rowCount ?? 0) - ROWS) / ROWS).toBeLessThan(0.05);
    expect(sandbox.describe()).toMatch(/^Table big \(about [\d,]+ rows, from big\.csv\)/);
    expect((await sandbox.query("SELECT count(*) FROM big")).rows).toEqual([[ROWS]]);
  } finally {
    sandbox.close();
  }
});
