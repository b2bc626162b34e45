/**
 * `overtone data describe FILES…`: what the data agent tells the model about the files — each table's columns
 * and DuckDB types, its row count (an estimate for big CSV/JSON files) and its first rows — so a person can see
 * the table names and columns to write `data query` SQL against, and check what a prompt would contain.
 */
import type { Command } from "commander";
import { openSandbox } from "../data/index.js";
import { writeOut } from "./io.js";

export function registerDataDescribe(data: Command): void {
  data
    .command("describe")
    .description(
      "show each file's table: columns and types, row count and first rows (what the model is told)",
    )
    .argument("<files...>", "CSV, Parquet or JSON files")
    .option("--json", "write the descriptions as one JSON array")
    .action(async (files: string[], flags: { json?: boolean }) => {
      const sandbox = await openSandbox(files);
      try {
        await writeOut(flags.json ? `${JSON.stringify(sandbox.tables)}\n` : `${sandbox.describe()}\n`);
      } finally {
        sandbox.close();
      }
    });
}
