import { InputError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { dataFiles, quoteIdentifier, quoteLiteral, tableName } from "./table-names.js";

describe("tableName", () => {
  it.each([
    ["sales", "sales"],
    ["Sales Q1 2024", "sales_q1_2024"],
    ["  --odd--name--  ", "odd_name"],
    ["2024", "t_2024"],
    ["Café-Crème", "cafe_creme"],
    ["日本", "t"],
    ["already_fine_1", "already_fine_1"],
  ])("%j → %s", (stem, name) => {
    expect(tableName(stem)).toBe(name);
  });
});

describe("dataFiles", () => {
  it("reads each extension with its reader, gzipped text included", () => {
    const files = dataFiles([
      "a.csv",
      "b.TSV",
      "c.parquet",
      "d.json",
      "e.ndjson",
      "f.jsonl",
      "g.csv.gz",
      "h.json.gz",
    ]);
    expect(files.map((f) => [f.table, f.format])).toEqual([
      ["a", "csv"],
      ["b", "csv"],
      ["c", "parquet"],
      ["d", "json"],
      ["e", "json"],
      ["f", "json"],
      ["g", "csv"],
      ["h", "json"],
    ]);
    expect(files[0]?.absolutePath.startsWith("/")).toBe(true);
  });

  it("refuses names that collide case-insensitively, naming both files", () => {
    expect(() => dataFiles(["x/Sales.csv", "y/sales.parquet"])).toThrow(
      /x\/Sales\.csv and y\/sales\.parquet would both become the table sales/,
    );
  });

  it.each([["notes.txt"], [".csv"], ["data.xlsx"]])("refuses %s as no data file", (path) => {
    expect(() => dataFiles([path])).toThrow(InputError);
  });
});

describe("quoting", () => {
  it("doubles the quote characters", () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });
});
