import { parseMessagesFromCompletionTokens, renderConversation } from "../src/harmony/index.js";
import { toolHeavy } from "./harmony-corpus.js";

const stream = renderConversation(toolHeavy(), { autoDropAnalysis: false });
const t0 = performance.now();
let n = 0;
while (performance.now() - t0 < 4000) {
  parseMessagesFromCompletionTokens(stream);
  n++;
}
console.log((((performance.now() - t0) * 1e6) / n / stream.length).toFixed(1), "ns/tok");
