/**
 * `npm run bench:harmony`: Overtone's Harmony rendering and parsing against openai/harmony's own Rust core
 * (npm openai-harmony, WASM), measured in the same run on the same corpus. Prints throughput and the ratio.
 * Goals (issue 2): rendering ≥ 1.5× the oracle, parsing ≥ 10×, streaming parser < 200 ns/token.
 */
import {
  conversationToJson,
  parseMessagesFromCompletionTokens,
  renderConversation,
  renderConversationForCompletion,
  StreamableParser,
} from "@overtone/harmony";
import { clearPieceCache } from "../packages/harmony/src/render-pieces.js";
import { loadHarmonyOracle } from "../test/oracle/harmony-oracle.js";
import { fiftyTurns, shortChat, toolHeavy } from "./harmony-corpus.js";
import { measure, printTable, type Row } from "./measure.js";

const oracle = await loadHarmonyOracle();
const corpus = {
  "short chat": shortChat(),
  "tool-heavy developer": toolHeavy(),
  "50-turn conversation": fiftyTurns(),
};
const rows: Row[] = [];
const config = { autoDropAnalysis: true };

for (const [name, conv] of Object.entries(corpus)) {
  const json = conversationToJson(conv);
  const tokens = renderConversationForCompletion(conv, "assistant", config);
  const oracleTokens = oracle.renderConversationForCompletion(json, "assistant", config);
  if (tokens.join() !== oracleTokens.join())
    throw new Error(`${name}: renderings differ; fix that before timing`);
  const n = tokens.length;
  const theirs = measure(() =>
    oracle.renderConversationForCompletion(conversationToJson(conv), "assistant", config),
  );
  rows.push({
    what: `render ${name} (${n} tok)`,
    baseline: n / theirs,
    ours: n / measure(() => renderConversationForCompletion(conv, "assistant", config)),
    note: "warm cache",
  });
  rows.push({
    what: `render ${name} (${n} tok)`,
    baseline: n / theirs,
    ours:
      n /
      measure(() => {
        clearPieceCache();
        renderConversationForCompletion(conv, "assistant", config);
      }),
    note: "cold cache",
  });

  // Parse the whole conversation as a completion stream (no role: it starts with <|start|>).
  const stream = renderConversation(conv, { autoDropAnalysis: false });
  const m = stream.length;
  rows.push({
    what: `parse ${name} (${m} tok)`,
    baseline: m / measure(() => oracle.parseMessagesFromCompletionTokens(stream, null)),
    ours: m / measure(() => parseMessagesFromCompletionTokens(stream)),
  });
  rows.push({
    what: `stream-parse ${name}, per token`,
    baseline:
      m /
      measure(() => {
        const p = oracle.createStreamableParser(null);
        for (const t of stream) p.process(t);
      }),
    ours:
      m /
      measure(() => {
        const p = new StreamableParser();
        for (const t of stream) p.process(t);
        p.processEos();
      }),
  });
}

printTable("Harmony: Overtone vs openai-harmony 0.4.0 (WASM build of openai/harmony's Rust core)", rows);
