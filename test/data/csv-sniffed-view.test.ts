/**
 * A CSV's view spells out what DuckDB's sniffer found once (load-files.ts sniffedCsvReader), so binding it does
 * not sniff the file again: the columns, types and rows must be exactly those of DuckDB's auto-detecting
 * `read_csv` — on quoted values, a header with quotes and spaces, another delimiter, no header, dates and
 * timestamps, comment-free files and gzip — and the header's text cannot break out of its quoting.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sniffedCsvReader } from "../../packages/overtone/src/data/load-files.js";
import { dataFiles } from "../../packages/overtone/src/data/table-names.js";

const FILES: Record<string, string | Buffer> = {
  "quoted.csv": 'id,name,note\n1,"Smith, Ann","said ""hi"""\n2,Bob,\n',
  "odd_header.csv": 'it\'s,"a b","x""y"\n1,2,3\n',
  "semicolon.csv": "a;b;c\n1;2,5;x\n3;4,5;y\n",
  "no_header.csv": "1,2024-01-02,2024-01-02 10:11:12\n2,2024-02-03,2024-02-03 00:00:00\n",
  "injection.csv": "a': 'VARCHAR'}); SELECT 42; --,b\n1,2\n",
  "zipped.csv.gz": gzipSync("k,v\n1,one\n2,two\n"),
};

let dir: string;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "overtone-sniff-"));
  for (const [name, content] of Object.entries(FILES)) writeFileSync(join(dir, name), content);
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
});
afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

async function described(from: string) {
  const columns = (await connection.runAndReadAll(`DESCRIBE FROM ${from}`))
    .getRowsJson()
    .map((r) => r.slice(0, 2));
  const rows = (await connection.runAndReadAll(`FROM ${from}`)).getRowsJson();
  return { columns, rows };
}

describe("sniffedCsvReader", () => {
  it.each(Object.keys(FILES))("%s reads exactly as read_csv's auto-detection", async (name) => {
    const [file] = dataFiles([join(dir, name)]);
    if (file === undefined) throw new Error("no file");
    const reader = await sniffedCsvReader(connection, file);
    expect(reader).toMatch(/^read_csv\('.*', auto_detect=false, /);
    const auto = `read_csv('${file.absolutePath.replaceAll("'", "''")}')`;
    expect(await described(reader as string)).toEqual(await described(auto));
  });
});
