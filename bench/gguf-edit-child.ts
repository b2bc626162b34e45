/**
 * Child process of `bench:gguf`: one template change (metadata edit, every tensor streamed through), timed, with
 * this process's peak RSS, printed as JSON. A separate process so the peak is the edit's alone.
 */
import { copyWithEdits, ggufValue, loadHarmonyTemplate } from "../src/gguf/index.js";

const [input, output] = process.argv.slice(2) as [string, string];
const template = await loadHarmonyTemplate();
const rssBefore = process.memoryUsage().rss;
const start = performance.now();
await copyWithEdits(input, output, { setMetadata: { "tokenizer.chat_template": ggufValue.str(template) } });
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBefore }));
