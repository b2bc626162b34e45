/**
 * `npm run bench:doctor`: the wall time of `overtone doctor` on a healthy embedded toy (issue 17's goal:
 * < 60 s at default effort on 2 cores), at `--quick` and at default, against a named baseline in the same run:
 * the same default probes run one at a time (concurrency 1). A third variant gives the engine 3 sequences
 * (`parallel: 3`), so concurrent probes are batched into one decode instead of queueing for the one sequence the
 * CLI opens. Variants take turns, so load from elsewhere on the machine hits them alike; medians are printed with
 * the ratio to the baseline.
 */
import { createBackend } from "../packages/overtone/src/backends/index.js";
import { runDoctor } from "../packages/overtone/src/doctor/index.js";
import { toyModelPath } from "../test/support/toy-model.js";

const RUNS = Number(process.env.DOCTOR_BENCH_RUNS ?? 2);
const toy = await toyModelPath();

interface Variant {
  name: string;
  quick: boolean;
  concurrency: number;
  parallel: number;
}

const VARIANTS: readonly Variant[] = [
  { name: "baseline: default, one probe at a time", quick: false, concurrency: 1, parallel: 1 },
  { name: "default (as the CLI runs it)", quick: false, concurrency: 3, parallel: 1 },
  { name: "default, engine parallel 3", quick: false, concurrency: 3, parallel: 3 },
  { name: "--quick (as the CLI runs it)", quick: true, concurrency: 3, parallel: 1 },
];

async function once(variant: Variant): Promise<{ seconds: number; verdict: string }> {
  // The model load counts: a user's `overtone doctor --gguf` pays it too.
  const started = performance.now();
  const backend = await createBackend({ kind: "embedded", model: toy, parallel: variant.parallel });
  try {
    const report = await runDoctor({
      target: { kind: "embedded", gguf: toy },
      backend,
      quick: variant.quick,
      concurrency: variant.concurrency,
    });
    return { seconds: (performance.now() - started) / 1000, verdict: report.verdict };
  } finally {
    await backend.close();
  }
}

const times = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
for (let run = 0; run < RUNS; run++) {
  for (const variant of VARIANTS) {
    const { seconds, verdict } = await once(variant);
    if (verdict !== "healthy") throw new Error(`${variant.name}: the toy should be healthy, got ${verdict}`);
    times.get(variant.name)?.push(seconds);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const baseline = median(times.get(VARIANTS[0]?.name as string) as number[]);
console.log(
  `overtone doctor on the embedded toy, ${RUNS} runs each (median wall time, model load included):`,
);
for (const variant of VARIANTS) {
  const m = median(times.get(variant.name) as number[]);
  console.log(
    `  ${variant.name.padEnd(42)} ${m.toFixed(1).padStart(6)} s   ${(m / baseline).toFixed(2)}× baseline`,
  );
}
console.log(`goal: default < 60 s on 2 cores`);
