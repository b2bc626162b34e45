/**
 * One `surgery ablate` in a process of its own, for bench/surgery.bench.ts: prints its wall time and the
 * process's peak resident memory as JSON, so the memory is the ablation's and nothing else's.
 * Arguments: MODEL DIRECTIONS OUT CONFIG_YAML.
 */
import { ablate, parseAblateConfig } from "../packages/overtone/src/surgery/index.js";

const [model, directions, out, yaml] = process.argv.slice(2) as [string, string, string, string];
const started = performance.now();
const result = await ablate({ model, directions, out, config: parseAblateConfig(yaml, "bench") });
const ms = performance.now() - started;
console.log(
  JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, tensors: result.tensors.length }),
);
