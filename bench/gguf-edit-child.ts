/**
 * Child process of `bench:gguf`: one template change (metadata edit, every tensor streamed through), timed, with
 * this process's peak RSS, printed as JSON. A separate process so the peak is the edit's alone, and so the edit
 * runs cold, as in a CLI run. With `--open-only <file>` it times opening the file (parsing its header) instead.
 */
import { ggufValue } from "@overtone/gguf";
import { copyWithEdits, loadHarmonyTemplate, openGguf } from "@overtone/gguf/node";

const args = process.argv.slice(2);
if (args[0] === "--open-only") {
  const start = performance.now();
  const file = await openGguf(args[1] as string);
  const seconds = (performance.now() - start) / 1000;
  await file.close();
  console.log(JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
} else {
  const [input, output] = args as [string, string];
  const template = await loadHarmonyTemplate();
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  await copyWithEdits(input, output, { setMetadata: { "tokenizer.chat_template": ggufValue.str(template) } });
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBefore }));
}
