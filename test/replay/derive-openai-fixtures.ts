/**
 * Writes the derived llama-server fixtures (test/fixtures/wire/13x-llamaserver-derived-*.txt) from the recorded
 * streams 031 and 033, for failure modes nobody published a recording of: Harmony markup or stripped tokens in
 * `content`, a tool call written as text, a budget spent on reasoning. Each file's header says it is derived,
 * from which file, and exactly what was changed; every other byte of each event is the recorded value,
 * re-serialized as compact JSON with the recorded key order.
 *
 * Run: npx tsx test/replay/derive-openai-fixtures.ts   (writes each file to a temp name, then renames it)
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { WIRE_FIXTURE_DIR } from "./wire-fixture.js";

type Json = Record<string, unknown>;
type Delta = Json & { content?: string | null; reasoning_content?: string; tool_calls?: Json[] };
type Choice = { finish_reason: string | null; delta: Delta };

const FORMAT =
  "format: '#' lines are annotations; '# >>> request' / '# <<< response' start each part; body lines follow";

/** The request lines and the response's header and event lines of one interaction, as recorded. */
function interaction(
  file: string,
  which?: number,
): { request: string[]; response: string[]; events: string[] } {
  const lines = readFileSync(`${WIRE_FIXTURE_DIR}${file}`, "utf8").split("\n");
  const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
  const tag = which === undefined ? "" : ` (interaction ${which}`;
  const request = at(`# >>> request${tag}`);
  const response = at(`# <<< response${tag}`);
  const next = which === undefined ? -1 : at(`# >>> request (interaction ${which + 1}`);
  const end = next < 0 ? lines.length : next;
  return {
    request: lines.slice(request, response),
    response: lines.slice(response, response + 2),
    events: lines.slice(response + 2, end),
  };
}

/** Rewrite each `data: {…}` event (return undefined to drop it); other lines are kept. */
function mapEvents(events: string[], f: (event: Json) => Json | undefined): string[] {
  const out: string[] = [];
  for (const line of events) {
    if (!line.startsWith("data: {")) {
      if (!(line === "" && out.at(-1) === "")) out.push(line);
      continue;
    }
    const mapped = f(JSON.parse(line.slice(6)) as Json);
    if (mapped === undefined) {
      if (out.at(-1) === "") out.pop(); // the dropped event's blank separator goes too
      continue;
    }
    out.push(`data: ${JSON.stringify(mapped)}`);
  }
  while (out.at(-1) === "") out.pop();
  return out;
}

const choiceOf = (event: Json) => (event.choices as Choice[])[0];

function write(name: string, source: string, derivation: string, why: string, body: string[]): void {
  const header = [
    `source: DERIVED from test/fixtures/wire/${source} (see its header for the recording's source: charmbracelet/fantasy cassette, llama-server b7010, gpt-oss-20b)`,
    `derivation: ${derivation}`,
    `why: ${why}`,
    "status: derived, not a recording",
    FORMAT,
  ];
  const path = `${WIRE_FIXTURE_DIR}${name}`;
  writeFileSync(`${path}.tmp`, `${[...header.map((h) => `# ${h}`), ...body].join("\n")}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Reasoning moved into content with `first` before it and `answer` before the first answer fragment. */
function reasoningIntoContent(events: string[], first: string, answer: string): string[] {
  let firstReasoning = true;
  let firstAnswer = true;
  return mapEvents(events, (event) => {
    const choice = choiceOf(event);
    if (choice === undefined) return event;
    const delta = choice.delta;
    if (delta.reasoning_content !== undefined) {
      const { reasoning_content, ...rest } = delta;
      choice.delta = { ...rest, content: (firstReasoning ? first : "") + reasoning_content };
      firstReasoning = false;
    } else if (typeof delta.content === "string") {
      delta.content = (firstAnswer ? answer : "") + delta.content;
      firstAnswer = false;
    }
    return event;
  });
}

const STREAM = "031-llamaserver-v1-chat-stream.txt";
const TOOLS = "033-llamaserver-v1-chat-stream-toolcall.txt";
const MOVED =
  "the recorded delta.reasoning_content fragments moved into delta.content, the first one prefixed with";
{
  const { request, response, events } = interaction(STREAM);
  write(
    "130-llamaserver-derived-v1-chat-stream-reasoning-format-none.txt",
    STREAM,
    `${MOVED} "<|channel|>analysis<|message|>" and the first answer fragment with "<|end|><|start|>assistant<|channel|>final<|message|>"; every other byte of each event re-serialized unchanged (compact JSON, key order kept)`,
    "what llama-server sends with --reasoning-format none (or a server without a Harmony parser): the chain of thought and the channel markup inside content (backends.md §3.1, llama.cpp PR #21094)",
    [
      ...request,
      ...response,
      ...reasoningIntoContent(
        events,
        "<|channel|>analysis<|message|>",
        "<|end|><|start|>assistant<|channel|>final<|message|>",
      ),
    ],
  );
  write(
    "131-llamaserver-derived-v1-chat-stream-stripped-tokens.txt",
    STREAM,
    `${MOVED} "analysis" and the first answer fragment with "assistantfinal" (the special tokens removed, as a detokenizer that skips them leaves the text); every other byte re-serialized unchanged`,
    'Harmony output whose special tokens the server stripped: "analysis…assistantfinal…" (oobabooga/textgen#7374, trymirai/lalamo#278)',
    [...request, ...response, ...reasoningIntoContent(events, "analysis", "assistantfinal")],
  );
  write(
    "132-llamaserver-derived-v1-chat-stream-length-reasoning-only.txt",
    STREAM,
    'the events carrying delta.content removed; finish_reason "stop" changed to "length" (usage and timings unchanged)',
    "the output budget running out while gpt-oss is still reasoning: reasoning_content only, finish_reason length, empty answer (backends.md §1.7 item 3, §8.4)",
    [
      ...request,
      ...response,
      ...mapEvents(events, (event) => {
        const choice = choiceOf(event);
        if (choice === undefined) return event;
        if (typeof choice.delta.content === "string") return undefined;
        if (choice.finish_reason === "stop") choice.finish_reason = "length";
        return event;
      }),
    ],
  );
}
{
  const { request, response, events } = interaction(TOOLS, 1);
  let firstReasoning = true;
  let firstCall = true;
  write(
    "133-llamaserver-derived-v1-chat-stream-toolcall-in-content.txt",
    `${TOOLS}, interaction 1`,
    'delta.reasoning_content fragments moved into delta.content, the first prefixed with "<|channel|>analysis<|message|>"; each tool_calls fragment replaced by its arguments text in delta.content, the first prefixed with "<|end|><|start|>assistant<|channel|>commentary to=functions.weather <|constrain|>json<|message|>"; finish_reason "tool_calls" changed to "stop"; every other byte re-serialized unchanged',
    "a server that does not parse Harmony (--reasoning-format none plus no tool parser, or a non-Harmony-aware OpenAI layer): the tool call arrives as Harmony text in content and the server says stop (backends.md §8.5)",
    [
      ...request,
      ...response,
      ...mapEvents(events, (event) => {
        const choice = choiceOf(event);
        if (choice === undefined) return event;
        const { reasoning_content, tool_calls, ...rest } = choice.delta;
        if (reasoning_content !== undefined) {
          choice.delta = {
            ...rest,
            content: (firstReasoning ? "<|channel|>analysis<|message|>" : "") + reasoning_content,
          };
          firstReasoning = false;
        } else if (tool_calls !== undefined) {
          const args = String((tool_calls[0]?.function as Json | undefined)?.arguments ?? "");
          const header =
            "<|end|><|start|>assistant<|channel|>commentary to=functions.weather <|constrain|>json<|message|>";
          choice.delta = { ...rest, content: (firstCall ? header : "") + args };
          firstCall = false;
        }
        if (choice.finish_reason === "tool_calls") choice.finish_reason = "stop";
        return event;
      }),
    ],
  );
}
