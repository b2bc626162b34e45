/**
 * `npm run api:report`: writes each workspace entry point's public surface to packages/<pkg>/api/<entry>.api.md
 * (every exported name, its kind and its declaration as `tsc` emits it; see scripts/api-report/).
 * `npm run api:report -- --check`: writes nothing, exits 1 naming what changed when the sources' surface differs
 * from the committed reports (test/api/api-report.test.ts runs the same check in `npm test`).
 */
import { fileURLToPath } from "node:url";
import { checkReports, generateReports, writeReports } from "./api-report/reports.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const check = process.argv.includes("--check");

const started = performance.now();
const reports = generateReports(root);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (check) {
  const message = checkReports(root, reports);
  if (message !== "") {
    console.error(message);
    process.exit(1);
  }
  console.log(`API reports match the sources (${reports.size} entry points, ${seconds} s).`);
} else {
  const { written, removed } = writeReports(root, reports);
  for (const path of written) console.log(`wrote ${path}`);
  for (const path of removed) console.log(`removed ${path}`);
  console.log(
    `${reports.size} entry points, ${written.length} report(s) updated, ${removed.length} removed (${seconds} s).`,
  );
}
