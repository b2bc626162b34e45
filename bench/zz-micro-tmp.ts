import {
  parseMessagesFromCompletionTokens,
  renderConversation,
  StreamableParser,
} from "../src/harmony/index.js";
import { tokenTable } from "../src/harmony/token-table.js";
import { fiftyTurns, shortChat, toolHeavy } from "./harmony-corpus.js";
import { measure } from "./measure.js";

for (const [name, conv] of [
  ["tool", toolHeavy()],
  ["short", shortChat()],
  ["fifty", fiftyTurns()],
] as const) {
  const stream = renderConversation(conv, { autoDropAnalysis: false });
  const m = stream.length;
  const t = measure(() => parseMessagesFromCompletionTokens(stream), 1000);
  const s = measure(() => {
    const p = new StreamableParser();
    for (const x of stream) p.process(x);
    p.processEos();
  }, 1000);
  const texts = tokenTable().texts;
  const j = measure(() => {
    let s = "";
    for (const x of stream) {
      const q = texts[x];
      if (typeof q === "string") s += q;
    }
    return s.length;
  }, 1000);
  console.log(
    name,
    m,
    "parse ns/tok",
    ((t * 1e9) / m).toFixed(1),
    "stream",
    ((s * 1e9) / m).toFixed(1),
    "join-only",
    ((j * 1e9) / m).toFixed(1),
  );
}
