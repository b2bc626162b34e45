/**
 * `npm run bench:tokenizers`: the measurement behind the choice of o200k_base encoder for harmony/tokenizer.ts.
 * Encodes the Harmony vectors' text and a field report (special-token strings removed) with each candidate, checks
 * they agree token for token, and prints throughput against tiktoken's WASM build, the named baseline.
 */
import { readdirSync, readFileSync } from "node:fs";
import { encode as gptTokenizerEncode } from "gpt-tokenizer/encoding/o200k_base";
import { Tiktoken } from "js-tiktoken/lite";
import o200k from "js-tiktoken/ranks/o200k_base";
import { get_encoding } from "tiktoken";
import { encodeOrdinary } from "../packages/harmony/src/tokenizer.js";
import { measure, printTable } from "./measure.js";

const dir = new URL("../test/fixtures/harmony/", import.meta.url);
const texts = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .map((f) => readFileSync(new URL(f, dir), "utf8").replace(/<\|[a-z_0-9]+\|>/g, " "));
const pieces = texts.join("\n").split(/(?<=\n)/);

const started = performance.now();
const jsTiktoken = new Tiktoken(o200k);
const jsTiktokenLoadMs = performance.now() - started;
const wasm = get_encoding("o200k_base");
const none = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

const candidates: Record<string, (s: string) => ArrayLike<number>> = {
  "overtone encodeOrdinary (gpt-tokenizer)": (s) => encodeOrdinary(s),
  "gpt-tokenizer 4.0.0": (s) => gptTokenizerEncode(s, none),
  "js-tiktoken 1.0.21": (s) => jsTiktoken.encode(s, [], []),
};

let tokens = 0;
for (const piece of pieces) {
  const expected = Array.from(wasm.encode_ordinary(piece)).join();
  tokens += wasm.encode_ordinary(piece).length;
  for (const [name, encode] of Object.entries(candidates)) {
    if (Array.from(encode(piece)).join() !== expected)
      throw new Error(`${name} differs from tiktoken on ${piece}`);
  }
}

const encodeAll = (encode: (s: string) => ArrayLike<number>) => () => {
  for (const piece of pieces) encode(piece);
};
const baseline =
  tokens /
  measure(
    encodeAll((s) => wasm.encode_ordinary(s)),
    1500,
  );
printTable(
  `o200k_base ordinary encoding, ${tokens} tokens; baseline: tiktoken 1.0.22 (WASM); js-tiktoken loads in ${jsTiktokenLoadMs.toFixed(0)} ms`,
  Object.entries(candidates).map(([what, encode]) => ({
    what,
    baseline,
    ours: tokens / measure(encodeAll(encode), 1500),
  })),
);
wasm.free();
