/**
 * Writes the derived Ollama fixtures (test/fixtures/wire/1xx-ollama-derived-*.txt) from the recorded ones, for
 * failure modes the field reports describe but nobody published a recording of. Each derived file says in
 * its header that it is derived, from which file, and exactly what was changed; every line not named there
 * is a recorded line (re-compacted where the original was pretty-printed).
 *
 * Run: npx tsx test/replay/derive-ollama-fixtures.ts   (writes each file to a temp name, then renames it)
 */
import { renameSync, writeFileSync } from "node:fs";
import { bodyChunks, loadWireFixture, WIRE_FIXTURE_DIR } from "./wire-fixture.js";

type Line = Record<string, unknown>;

function responseLines(file: string, exchange = 0): Line[] {
  const fixture = loadWireFixture(file);
  const responses = fixture.exchanges[exchange]?.responses ?? [];
  return responses.flatMap((r) => bodyChunks(r.body)).map((chunk) => JSON.parse(chunk) as Line);
}

function write(name: string, header: string[], sections: Array<{ mark: string; body: string[] }>): void {
  const text = [
    ...header.map((h) => `# ${h}`),
    ...sections.flatMap((s) => [`# ${s.mark}`, ...s.body]),
    "",
  ].join("\n");
  const path = `${WIRE_FIXTURE_DIR}${name}`;
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const FORMAT =
  "format: '#' lines are annotations; '# >>> request' / '# <<< response' start each part; body lines follow";
const json = (line: Line) => JSON.stringify(line);

// Field report 000: a gpt-oss GGUF served with a ChatML template.
{
  const [show] = responseLines("007-ollama-api-show-gptoss.txt");
  // Ollama's own ChatML template file (template/chatml.gotmpl, ollama/ollama commit 4a8e5e2, MIT), verbatim.
  const chatml =
    "{{- if .Messages }}\n{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}\n{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n{{ else }}\n{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}{{ if .Prompt }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n{{ end }}<|im_start|>assistant\n{{ .Response }}<|im_end|>\n{{- end }}";
  write(
    "100-ollama-derived-api-show-chatml-template.txt",
    [
      "source: DERIVED from test/fixtures/wire/007-ollama-api-show-gptoss.txt (see its header for the recording's source)",
      "derivation: the recorded /api/show object, re-compacted, with one field added: template = the text of ollama/ollama template/chatml.gotmpl (commit 4a8e5e29421d505cb733648ae06e083316e5d663, MIT licence), verbatim",
      "why: field report 000 (shared/seeds/000) - a gpt-oss GGUF imported with a ChatML template; no recording of such a /api/show is published",
      "status: derived, not a recording",
      FORMAT,
    ],
    [{ mark: "<<< response: HTTP 200, application/json", body: [json({ template: chatml, ...show })] }],
  );
}

// Field report 004: `/api/generate` answers that look empty: all text in `thinking`, cut off by the budget.
{
  const lines = responseLines("005-ollama-api-generate-stream-thinking.txt");
  const thinking = lines.filter((l) => !l.done && (l.response === "" || l.response === undefined));
  const last = lines.at(-1) as Line;
  write(
    "101-ollama-derived-api-generate-stream-length-thinking-only.txt",
    [
      "source: DERIVED from test/fixtures/wire/005-ollama-api-generate-stream-thinking.txt (see its header for the recording's source)",
      `derivation: the recorded lines re-compacted; the lines with non-empty "response" (the answer) removed; in the last line done_reason changed from "stop" to "length" (counters unchanged)`,
      "why: field report 004 (shared/seeds/004) - gpt-oss via /api/generate with a small context: the budget ends inside the reasoning, response stays empty while thinking holds text",
      "status: derived, not a recording",
      FORMAT,
    ],
    [
      {
        mark: "<<< response: HTTP 200, NDJSON",
        body: [...thinking, { ...last, done_reason: "length" }].map(json),
      },
    ],
  );
}

// The same failure on /api/chat, and a turn that ends (stop) after reasoning with no answer.
for (const doneReason of ["length", "stop"] as const) {
  const lines = responseLines("001-ollama-api-chat-stream-thinking.txt");
  const content = (l: Line) => (l.message as { content?: string } | undefined)?.content ?? "";
  const thinking = lines.filter((l) => !l.done && content(l) === "");
  const last = lines.at(-1) as Line;
  if (doneReason === "stop") {
    write(
      "106-ollama-derived-api-chat-stream-stop-thinking-only.txt",
      [
        "source: DERIVED from test/fixtures/wire/001-ollama-api-chat-stream-thinking.txt (see its header for the recording's source)",
        "derivation: the recorded lines; the lines with non-empty message.content removed; the last line as recorded (done_reason stop)",
        "why: backends.md §3.3 (llama.cpp#15789) - gpt-oss ends its turn after the analysis, with no answer and no tool call",
        "status: derived, not a recording",
        FORMAT,
      ],
      [{ mark: "<<< response: HTTP 200, NDJSON", body: [...thinking, last].map(json) }],
    );
    continue;
  }
  write(
    "102-ollama-derived-api-chat-stream-length-thinking-only.txt",
    [
      "source: DERIVED from test/fixtures/wire/001-ollama-api-chat-stream-thinking.txt (see its header for the recording's source)",
      `derivation: the recorded lines; the lines with non-empty message.content removed; in the last line done_reason changed from "stop" to "length" (counters unchanged)`,
      "why: backends.md §1.7 item 3 - num_ctx 4096 + verbose analysis: the final channel is never reached",
      "status: derived, not a recording",
      FORMAT,
    ],
    [
      {
        mark: "<<< response: HTTP 200, NDJSON",
        body: [...thinking, { ...last, done_reason: "length" }].map(json),
      },
    ],
  );
}

// The raw route: `raw: true` runs no parser and strips special tokens (backends.md §1.1).
{
  const lines = responseLines("005-ollama-api-generate-stream-thinking.txt");
  const out: Line[] = [];
  let inAnswer = false;
  for (const line of lines) {
    const { thinking, ...rest } = line;
    if (typeof thinking === "string") {
      if (out.length === 0 || out.at(-1)?.response === "") out.push({ ...rest, response: "analysis" });
      out.push({ ...rest, response: thinking });
    } else if (!line.done && line.response !== "" && !inAnswer) {
      inAnswer = true;
      out.push({ ...rest, response: "assistantfinal" }, rest);
    } else {
      out.push(rest);
    }
  }
  write(
    "103-ollama-derived-api-generate-raw-stream-stripped.txt",
    [
      "source: DERIVED from test/fixtures/wire/005-ollama-api-generate-stream-thinking.txt (see its header for the recording's source)",
      `derivation: the recorded lines re-compacted; each "thinking" value moved into "response" (key "thinking" removed); a line with response "analysis" inserted before the first of them and one with response "assistantfinal" before the first answer line - the text of the stripped special tokens <|channel|>analysis<|message|> … <|end|><|start|>assistant<|channel|>final<|message|>, which raw mode leaves as plain words`,
      "why: backends.md §1.1 - with raw:true no harmony parser runs and special tokens are not preserved (analysis…assistantfinal…); no recording of a raw gpt-oss stream is published",
      "status: derived, not a recording",
      FORMAT,
    ],
    [{ mark: "<<< response: HTTP 200, NDJSON", body: out.map(json) }],
  );
}

// A raw-route tool call: the recorded call of 003, as stripped Harmony text.
{
  const lines = responseLines("003-ollama-api-chat-stream-toolcall.txt");
  const out: Line[] = [];
  for (const line of lines) {
    const { message, ...rest } = line;
    const m = (message ?? {}) as {
      thinking?: string;
      tool_calls?: Array<{ function: { name: string; arguments: unknown } }>;
    };
    if (typeof m.thinking === "string") {
      if (out.length === 0) out.push({ ...rest, response: "analysis" });
      out.push({ ...rest, response: m.thinking });
    } else if (m.tool_calls !== undefined) {
      const call = m.tool_calls[0]?.function;
      out.push({ ...rest, response: `assistantcommentary to=functions.${call?.name} json` });
      out.push({ ...rest, response: JSON.stringify(call?.arguments) });
    } else {
      out.push({ ...rest, response: "" });
    }
  }
  write(
    "104-ollama-derived-api-generate-raw-stream-toolcall.txt",
    [
      "source: DERIVED from test/fixtures/wire/003-ollama-api-chat-stream-toolcall.txt interaction 1 (see its header for the recording's source)",
      `derivation: /api/chat lines turned into /api/generate lines: "message" removed and its text put in "response" - thinking as is (after a line "analysis"), the tool call as the stripped Harmony text gpt-oss writes for it ("assistantcommentary to=functions.weather json" then the arguments as JSON); counters and done_reason as recorded`,
      "why: the raw route's tool calls (special tokens stripped, backends.md §1.1)",
      "status: derived, not a recording",
      FORMAT,
    ],
    [{ mark: "<<< response: HTTP 200, NDJSON", body: out.map(json) }],
  );
}

// `/api/tags`: no gpt-oss listing is published; the recorded /api/show details stand in for it.
{
  const [show] = responseLines("007-ollama-api-show-gptoss.txt");
  const details = (show as { details: Line }).details;
  write(
    "105-ollama-derived-api-tags-gptoss.txt",
    [
      "source: DERIVED from test/fixtures/wire/007-ollama-api-show-gptoss.txt (see its header for the recording's source)",
      `derivation: a /api/tags answer in the documented shape (backends.md §1.4: {"models":[{"name","model","details"}]}) listing the one model of 007 ("gpt-oss:120b") with 007's recorded "details" object; modified_at, size and digest left out (not recorded)`,
      "why: listModels reads /api/tags, then /api/show for gpt-oss models; no /api/tags listing a gpt-oss model is published",
      "status: derived, not a recording",
      FORMAT,
    ],
    [
      {
        mark: "<<< response: HTTP 200, application/json",
        body: [json({ models: [{ name: "gpt-oss:120b", model: "gpt-oss:120b", details }] })],
      },
    ],
  );
}
