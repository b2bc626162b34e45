import { renderConversation } from "../src/harmony/index.js";
import { tokenTable } from "../src/harmony/token-table.js";
import { toolHeavy } from "./harmony-corpus.js";
import { measure } from "./measure.js";

const stream = renderConversation(toolHeavy(), { autoDropAnalysis: false });
const m = stream.length;
const { parseMessagesFromCompletionTokens } = await import("../src/harmony/index.js");
parseMessagesFromCompletionTokens(stream);
const tb = tokenTable();
const texts = tb.texts;
const fed = new Float64Array(4096);
const buf = new Uint8Array(1 << 16);
const dec = new TextDecoder("utf-8", { ignoreBOM: true });
const a = measure(() => {
  let s = "";
  for (let i = 0; i < stream.length; i++) {
    const x = stream[i] as number;
    fed[i] = x;
    const q = texts[x];
    if (typeof q === "string") s += q;
  }
  return s.charCodeAt(0);
}, 1000);
const b = measure(() => {
  let at = 0;
  const bytes = tb.bytes;
  for (let i = 0; i < stream.length; i++) {
    const x = stream[i] as number;
    fed[i] = x;
    const q = texts[x];
    if (typeof q === "string") {
      const st = tb.starts[x] as number;
      const e = st + (tb.lengths[x] as number);
      for (let k = st; k < e; k++) buf[at++] = bytes[k] as number;
    }
  }
  return dec.decode(buf.subarray(0, at)).length;
}, 1000);
const c = measure(() => {
  const parts: string[] = [];
  for (let i = 0; i < stream.length; i++) {
    const x = stream[i] as number;
    fed[i] = x;
    const q = texts[x];
    if (typeof q === "string") parts.push(q);
  }
  return parts.join("").length;
}, 1000);
console.log(
  "rope+flatten",
  ((a * 1e9) / m).toFixed(1),
  "bytes+decode",
  ((b * 1e9) / m).toFixed(1),
  "join",
  ((c * 1e9) / m).toFixed(1),
);
