/**
 * Data files for the sandbox tests, made fresh in a temporary directory: a CSV, a JSON array, an NDJSON file and
 * a Parquet file (written by DuckDB itself, on a separate, unlocked instance), plus `secret.txt`, a file the
 * sandbox must never read. `snapshot` fingerprints the directory so a test can prove a query wrote nothing.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

export interface DataDir {
  dir: string;
  sales: string;
  customers: string;
  events: string;
  orders: string;
  secret: string;
  remove(): void;
}

export const SALES_CSV = `order_id,country,amount,ordered_on
1,France,10.50,2024-01-02
2,Spain,3.00,2024-01-03
3,France,7.25,2024-02-10
4,Germany,12.00,2024-02-11
5,France,1.75,2024-03-01
`;

export const SECRET_TEXT = "the secret the sandbox must never show\n";

export async function makeDataDir(): Promise<DataDir> {
  const dir = mkdtempSync(join(tmpdir(), "overtone-data-"));
  const path = (name: string) => join(dir, name);
  writeFileSync(path("sales.csv"), SALES_CSV);
  writeFileSync(
    path("customers.json"),
    JSON.stringify([
      { country: "France", region: "EU", vip: true },
      { country: "Spain", region: "EU", vip: false },
      { country: "Japan", region: "APAC", vip: null },
    ]),
  );
  writeFileSync(path("events.ndjson"), '{"kind":"click","n":1}\n{"kind":"view","n":2}\n');
  writeFileSync(path("secret.txt"), SECRET_TEXT);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(`COPY (
    SELECT range AS id,
           9007199254740993::BIGINT + range AS big,
           (range * 1.5)::DECIMAL(10,2) AS price,
           12345678901234567890123.45::DECIMAL(38,2) AS huge,
           TIMESTAMP '2024-05-06 07:08:09' + INTERVAL (range) DAY AS at,
           DATE '2024-05-06' AS day,
           [range, range + 1] AS pair,
           {'a': range, 'b': 'x'} AS info,
           CASE WHEN range = 1 THEN NULL ELSE 'item ' || range END AS label
    FROM range(4)) TO '${path("orders.parquet")}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return {
    dir,
    sales: path("sales.csv"),
    customers: path("customers.json"),
    events: path("events.ndjson"),
    orders: path("orders.parquet"),
    secret: path("secret.txt"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every file under `dir` (recursively) with its size and content hash: equal snapshots mean nothing was written. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      const name = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        out[`${name}/`] = "dir";
        walk(full, `${name}/`);
      } else {
        const hash = createHash("sha256").update(readFileSync(full)).digest("hex");
        out[name] = `${statSync(full).size} ${hash}`;
      }
    }
  };
  walk(dir, "");
  return out;
}
