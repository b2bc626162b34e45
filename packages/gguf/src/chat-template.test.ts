import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CHATML_TEMPLATE_URL,
  HARMONY_TEMPLATE_URL,
  loadChatmlTemplate,
  loadFixedHarmonyTemplate,
  loadHarmonyTemplate,
} from "./bundled-templates.js";
import {
  CHAT_TEMPLATE_KEY,
  chatTemplateOf,
  checkChatTemplate,
  classifyChatTemplate,
} from "./chat-template.js";
import type { GgufMetadata } from "./gguf-values.js";

const LLAMA_TEMPLATES = new URL(
  "../../../node_modules/node-llama-cpp/llama/llama.cpp/models/templates/",
  import.meta.url,
);
const LLAMA_GPT_OSS = new URL("openai-gpt-oss-120b.jinja", LLAMA_TEMPLATES);
const unpacked = existsSync(LLAMA_GPT_OSS);
// test/global-setup.ts unpacks it before any test runs; missing here means that failed.
const UNPACK = "llama.cpp source not unpacked: run `npx --no node-llama-cpp source download --skipBuild`";

/** The macro gpt-oss-fixed.jinja adds: a call's arguments, when llama.cpp hands them over as an object. */
const COMPACT_JSON_MACRO = [
  "{#- Compact JSON (no spaces after , and :), as the model writes a call's arguments #}",
  "{%- macro compact_json(value) -%}",
  "    {%- if value is mapping -%}",
  '        {{- "{" -}}',
  "        {%- for key, item in value.items() -%}",
  '            {{- key|tojson + ":" + compact_json(item) -}}',
  "            {%- if not loop.last -%}",
  '                {{- "," -}}',
  "            {%- endif -%}",
  "        {%- endfor -%}",
  '        {{- "}" -}}',
  "    {%- elif value is iterable and value is not string -%}",
  '        {{- "[" -}}',
  "        {%- for item in value -%}",
  "            {{- compact_json(item) -}}",
  "            {%- if not loop.last -%}",
  '                {{- "," -}}',
  "            {%- endif -%}",
  "        {%- endfor -%}",
  '        {{- "]" -}}',
  "    {%- else -%}",
  "        {{- value|tojson -}}",
  "    {%- endif -%}",
  "{%- endmacro -%}",
].join("\n");

describe("the bundled templates", () => {
  it("gpt-oss.jinja is byte-identical to llama.cpp's openai-gpt-oss-120b.jinja", () => {
    expect(unpacked, UNPACK).toBe(true);
    expect(readFileSync(HARMONY_TEMPLATE_URL).equals(readFileSync(LLAMA_GPT_OSS))).toBe(true);
  });

  it("load through the package-relative loader, once", async () => {
    const harmony = await loadHarmonyTemplate();
    expect(harmony).toBe(readFileSync(HARMONY_TEMPLATE_URL, "utf8"));
    expect(await loadHarmonyTemplate()).toBe(harmony);
    expect(harmony.length).toBeGreaterThan(10_000);
    expect(await loadChatmlTemplate()).toBe(readFileSync(CHATML_TEMPLATE_URL, "utf8"));
    expect(existsSync(new URL("SOURCE.md", HARMONY_TEMPLATE_URL))).toBe(true);
  });

  it("gpt-oss-fixed.jinja is the official template with SOURCE.md's edits and nothing else", async () => {
    const official = await loadHarmonyTemplate();
    const edits: [string, string][] = [
      [
        `else "json") + "<|message|>" }}\n            {{- tool_call.arguments|tojson }}`,
        `else "<|constrain|>json") + "<|message|>" }}\n            {%- if tool_call.arguments is string %}\n                {{- tool_call.arguments }}\n            {%- else %}\n                {{- compact_json(tool_call.arguments) }}\n            {%- endif %}`,
      ],
      ["{#- System Message Construction =", `${COMPACT_JSON_MACRO}\n\n{#- System Message Construction =`],
      [
        `        {{- " to=assistant<|channel|>commentary<|message|>" + message.content|tojson + "<|end|>" }}`,
        `        {%- if message.content is string %}\n            {{- " to=assistant<|channel|>commentary<|message|>" + message.content + "<|end|>" }}\n        {%- else %}\n            {{- " to=assistant<|channel|>commentary<|message|>" + message.content|tojson + "<|end|>" }}\n        {%- endif %}`,
      ],
    ];
    let expected = official;
    for (const [from, to] of edits) {
      expect(expected.split(from).length, from).toBe(2); // each edit applies at exactly one place
      expected = expected.replace(from, to);
    }
    expect(await loadFixedHarmonyTemplate()).toBe(expected);
  });

  it("classify as what they are", async () => {
    expect(classifyChatTemplate(await loadHarmonyTemplate())).toBe("harmony");
    expect(classifyChatTemplate(await loadFixedHarmonyTemplate())).toBe("harmony");
    expect(classifyChatTemplate(await loadChatmlTemplate())).toBe("chatml");
  });
});

describe("classifyChatTemplate", () => {
  const cases: [string | undefined, string][] = [
    [undefined, "missing"],
    ["", "missing"],
    [" \n\t", "missing"],
    ["{{ '<|start|>' + role + '<|channel|>' + ch + '<|message|>' }}", "harmony"],
    // Harmony needs all three markers: a template with only <|start|> is not a Harmony one.
    ["{{ '<|start|>' + role + '<|message|>' }}", "other"],
    ["{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>{% endfor %}", "chatml"],
    ["{{ '<|start_header_id|>' + role + '<|end_header_id|>' }}", "other"],
    ["[INST] {{ content }} [/INST]", "other"],
  ];
  for (const [text, kind] of cases)
    it(`${JSON.stringify(text)?.slice(0, 50)} → ${kind}`, () =>
      expect(classifyChatTemplate(text)).toBe(kind));

  it("finds exactly one Harmony template among llama.cpp's 70-odd, and the ChatML family", () => {
    expect(unpacked, UNPACK).toBe(true);
    const kinds = new Map<string, string>();
    for (const f of readdirSync(LLAMA_TEMPLATES).filter((x) => x.endsWith(".jinja"))) {
      kinds.set(f, classifyChatTemplate(readFileSync(new URL(f, LLAMA_TEMPLATES), "utf8")));
    }
    expect([...kinds].filter(([, k]) => k === "harmony").map(([f]) => f)).toEqual([
      "openai-gpt-oss-120b.jinja",
    ]);
    expect(kinds.get("Qwen-Qwen2.5-7B-Instruct.jinja")).toBe("chatml");
    expect(kinds.get("meta-llama-Llama-3.1-8B-Instruct.jinja")).toBe("other");
    expect([...kinds.values()].filter((k) => k === "chatml").length).toBeGreaterThan(5);
  });
});

describe("a GGUF's template", () => {
  it("is read from tokenizer.chat_template and compared with the official one", async () => {
    const official = await loadHarmonyTemplate();
    const meta = (value?: string): GgufMetadata =>
      new Map(value === undefined ? [] : [[CHAT_TEMPLATE_KEY, { type: "str", value }]]);
    expect(checkChatTemplate(meta(official), official)).toEqual({
      kind: "harmony",
      official: true,
      bytes: 16738,
    });
    expect(checkChatTemplate(meta(`${official}\n`), official)).toMatchObject({
      kind: "harmony",
      official: false,
    });
    // Field report 000: a gpt-oss GGUF carrying a ChatML template.
    expect(checkChatTemplate(meta(await loadChatmlTemplate()), official)).toMatchObject({
      kind: "chatml",
      official: false,
    });
    expect(checkChatTemplate(meta(), official)).toEqual({ kind: "missing", official: false, bytes: 0 });
    expect(chatTemplateOf(new Map([[CHAT_TEMPLATE_KEY, { type: "u8", value: 1 }]]))).toBeUndefined();
  });
});
