/**
 * `npm run eval:data-agent [-- --per-family N] [--seed S] [--json] [backend flags]`: the data agent end to end on
 * real DuckDB over held-out tables and questions (issue 15, Must show (a)), scored per family against values
 * computed from the generated rows. The backend flags are `overtone run`'s (cli/backend-flags.ts, the same
 * checks): the toy offline by default (`--model toy`), or e.g. `--backend ollama --model gpt-oss:20b`.
 * Greedy (`--temperature 0`) unless a temperature is given, so a run repeats. `--json` writes one JSON line per
 * case (family, question, expected, answer, sql, correct, steps, ms) instead of the table.
 * It reports and never fails: the exit code is 0 whatever the score (the goal line says whether it was met).
 */
import { Command } from "commander";
import {
  addBackendOptions,
  backendSetup,
  loadNow,
  openBackend,
} from "../packages/overtone/src/cli/backend-flags.js";
import { positiveInt } from "../packages/overtone/src/cli/flag-values.js";
import { formatEval, runDataAgentEval, summarizeEval } from "./data-agent-run.js";

const command = addBackendOptions(new Command("eval:data-agent"))
  .option("--per-family <n>", "cases per question family", "10")
  .option("--json", "one JSON line per case instead of the table")
  .option("--max-steps <n>", "tool calls per attempt (the agent's default 6)")
  .option("--max-retries <n>", "corrections per question (the agent's default 3)")
  .allowExcessArguments(false);
// `--seed S` (run's sampling-seed flag) also seeds the held-out tables and questions (default 1): one seed, one run.
command.parse(process.argv);
const flags = command.opts();
const perFamily = positiveInt("--per-family", flags.perFamily);
const seed = flags.seed === undefined ? 1 : Number(flags.seed);
if (flags.backend === "embedded" && flags.model === undefined) flags.model = "toy";
if (flags.temperature === undefined) flags.temperature = "0";

const setup = await backendSetup(flags as Parameters<typeof backendSetup>[0]);
const backend = await openBackend(setup);
const json = flags.json === true;
try {
  await loadNow(backend);
  const where = `${setup.kind}${setup.model !== undefined ? ` ${setup.model}` : ""}`;
  if (!json) {
    console.log(
      `data agent eval: ${where}; ${perFamily} case(s) per family, case seed ${seed}, ${JSON.stringify(setup.sampling)}`,
    );
  }
  const started = performance.now();
  const records = await runDataAgentEval(backend, {
    seed,
    perFamily,
    agent: {
      sampling: setup.sampling,
      ...(setup.maxTokens !== undefined ? { maxTokens: setup.maxTokens } : {}),
      ...(flags.maxSteps !== undefined ? { maxSteps: positiveInt("--max-steps", flags.maxSteps) } : {}),
      ...(flags.maxRetries !== undefined ? { maxRetries: Number(flags.maxRetries) } : {}),
    },
    onRecord: (r) => {
      if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        // The question, then what came back (or why not), cut to a line: where a retrain should aim.
        const got = (r.error ?? r.answer).replace(/\s+/g, " ").slice(0, 80);
        process.stderr.write(`${r.correct ? "✓" : "✗"} ${r.family} ${r.detail}: ${r.question} → ${got}\n`);
      }
    },
  });
  if (!json) {
    console.log(`\n${formatEval(summarizeEval(records))}`);
    console.log(`(${records.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
} finally {
  await backend.close();
}
