/**
 * The lockdown alone, without the gate: raw SQL on a locked connection, as if a query had slipped past the
 * statement checks. The views over the given files still read; every other path, URL, glob, extension and
 * setting is refused by DuckDB itself. It also pins what the lockdown does NOT stop (allowed_paths lets DuckDB
 * write the data files themselves), which is why the gate's "one SELECT" is load-bearing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createViews } from "../../packages/overtone/src/data/load-files.js";
import { lockDown } from "../../packages/overtone/src/data/lockdown.js";
import { dataFiles } from "../../packages/overtone/src/data/table-names.js";
import { type DataDir, makeDataDir, SALES_CSV } from "./data-files.js";

let data: DataDir;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  data = await makeDataDir();
  instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  connection = await instance.connect();
  const files = dataFiles([data.sales, data.orders]);
  await createViews(connection, files);
  await lockDown(
    connection,
    files.map((f) => f.absolutePath),
    { threads: 1, memoryLimit: "256MB" },
  );
});

afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
  data?.remove();
});

const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJson();
const errorOf = (sql: string) =>
  connection.run(sql).then(
    () => "no error",
    (error: Error) => error.message,
  );

describe("the lockdown (DuckDB 1.5.6)", () => {
  it("keeps the views over the given files readable", async () => {
    expect(await rows("SELECT count(*) FROM sales")).toEqual([["5"]]);
    expect(await rows("SELECT count(*) FROM orders")).toEqual([["4"]]);
  });

  it.each([
    ["another file", "SELECT * FROM read_text('{SECRET}')"],
    ["another file as CSV", "SELECT * FROM read_csv('{SECRET}')"],
    ["a replacement scan of a file not given", "SELECT * FROM '{DIR}/customers.json'"],
    ["a system file", "SELECT * FROM read_blob('/etc/passwd')"],
    ["a glob", "SELECT * FROM glob('{DIR}/*')"],
    ["sniff_csv (an old bypass)", "SELECT * FROM sniff_csv('{SECRET}')"],
    ["an https URL", "SELECT * FROM read_csv('https://example.com/x.csv')"],
    ["an S3 object", "SELECT * FROM read_parquet('s3://bucket/x.parquet')"],
    ["a new file written", "COPY (SELECT 42) TO '{DIR}/out.csv'"],
    ["a database file attached", "ATTACH '{DIR}/new.db' AS other"],
    ["an extension installed", "INSTALL httpfs"],
    ["an extension loaded", "LOAD httpfs"],
  ])("refuses %s", async (_what, template) => {
    const sql = template.replaceAll("{SECRET}", data.secret).replaceAll("{DIR}", data.dir);
    expect(await errorOf(sql)).toMatch(/Permission Error|disabled|Cannot access/);
  });

  it.each([
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "SET lock_configuration = false",
    "SET allowed_paths = ['/etc/passwd']",
    "SET threads = 64",
  ])("freezes the settings: %s", async (sql) => {
    expect(await errorOf(sql)).toMatch(/configuration has been locked/);
  });

  it("allows no directory, not even DuckDB's own .tmp (spilling is off)", async () => {
    const settings = await rows(
      "SELECT current_setting('allowed_directories')::VARCHAR, current_setting('temp_directory')",
    );
    expect(settings).toEqual([["[]", ""]]);
  });

  it("does not stop writes to the allowed files themselves: the gate's SELECT-only rule must", async () => {
    // This pins a DuckDB behaviour the design depends on knowing: if it ever changes, update lockdown.ts.
    await connection.run(`COPY (SELECT 1 AS x) TO '${data.sales}' (USE_TMP_FILE false, HEADER false)`);
    expect(readFileSync(data.sales, "utf8")).not.toBe(SALES_CSV);
    expect(readdirSync(data.dir).sort()).toEqual(
      ["customers.json", "events.ndjson", "orders.parquet", "sales.csv", "secret.txt"].sort(),
    );
    expect(join(data.dir, "sales.csv")).toBe(data.sales);
  });
});
