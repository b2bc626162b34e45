/**
 * `npm run bench:harmony-fuzz`: the StreamableParser on the parser fuzz test's mutated streams
 * (test/harmony/fuzz-streams.ts) against the same parser on the unmutated streams they come from, measured in
 * the same run. Prints tokens per second and the ratio, for all mutated streams together and for the one that
 * took longest: garbage input should cost about what good input costs, so a ratio far below 1× (a quadratic
 * blow-up, a loop, an error path gone slow) is what to look into. The fuzz test itself checks
 * only behaviour, never time. HARMONY_FUZZ_STREAMS sets how many streams (default 20,000).
 */

import { buildCorpus, type FuzzStream, feedTokens, nextStream, prng } from "../test/harmony/fuzz-streams.js";
import { PROPERTY_SEED } from "../test/oracle/differential.js";
import { measure, printTable } from "./measure.js";

const STREAMS = Number(process.env.HARMONY_FUZZ_STREAMS ?? 20_000);

const corpus = buildCorpus(PROPERTY_SEED);
const draw = prng(PROPERTY_SEED);
const streams: FuzzStream[] = Array.from({ length: STREAMS }, () => nextStream(corpus, draw));

/** Each stream gets its own seeded PRNG (how many errors it feeds past), so every timing sees the same work. */
function feed({ tokens, role, strict }: FuzzStream, seed: number): void {
  const unexpected = feedTokens(tokens, role, strict, prng(seed));
  if (unexpected !== undefined) throw new Error(`stream #${seed} threw an untyped error: run the fuzz test`);
}

// One more than the tokens: the EOS each stream ends with.
const count = (items: readonly { length: number }[]) => items.reduce((n, t) => n + t.length + 1, 0);
const wellFormed = corpus.map((tokens): FuzzStream => ({ tokens, role: undefined, strict: false }));
const baseline = count(corpus) / measure(() => wellFormed.forEach(feed), 2_000);
const mutated = count(streams.map((s) => s.tokens)) / measure(() => streams.forEach(feed), 2_000);

// The slowest stream: each timed alone, best of three (the least disturbed by other processes).
let slowest = { index: -1, seconds: 0 };
streams.forEach((stream, index) => {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    feed(stream, index);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  if (best > slowest.seconds) slowest = { index, seconds: best };
});
const worst = streams[slowest.index] as FuzzStream;

printTable(`StreamableParser: ${STREAMS} mutated streams vs the ${corpus.length} they come from`, [
  { what: "all mutated streams", baseline, ours: mutated, note: "tokens/s" },
  {
    what: `slowest stream (#${slowest.index}, ${worst.tokens.length} tok)`,
    baseline,
    ours: (worst.tokens.length + 1) / slowest.seconds,
    note: `${(slowest.seconds * 1000).toFixed(2)} ms, role ${worst.role}, strict ${worst.strict}`,
  },
]);
