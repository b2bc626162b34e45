/**
 * What the package tests run in three places, the same code each time: in the repository (on the sources), in a
 * project that installed the packed tarballs (pack-install.test.ts) and in a browser bundle (browser-bundle
 * .test.ts). Each scenario takes the package's module namespace as an argument, so it names no path, and returns
 * plain JSON, so the three results compare with `toEqual`. Keep it free of imports other than types: the
 * install test strips the types with esbuild and copies the file as is.
 */
import type * as Gguf from "@overtone/gguf";
import type * as Harmony from "@overtone/harmony";

/** A system, developer (one function tool) and user turn, rendered for the assistant; a tool call parsed back. */
export function harmonyScenario(h: typeof Harmony) {
  const conversation = h.conversation([
    h.systemMessage(h.systemContent({ reasoning_effort: "Low", conversation_start_date: "2025-06-28" })),
    h.developerMessage(
      h.withFunctionTools(h.developerContent({ instructions: "Answer in one sentence." }), [
        {
          name: "get_weather",
          description: "Current weather for a city.",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ]),
    ),
    h.message("user", "What is the weather in Tōkyō? ☀️"),
  ]);
  const completion =
    "<|channel|>analysis<|message|>Need the tool.<|end|>" +
    '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Tokyo"}<|call|>';
  const completionTokens = h.encodeWithSpecialTokens(completion);
  const parsed = h.parseMessagesFromCompletionTokens(completionTokens, { role: "assistant" });
  return {
    tokens: h.renderConversationForCompletion(conversation, "assistant"),
    text: h.renderConversationForCompletionText(conversation, "assistant"),
    completionTokens,
    parsed: parsed.map((m) => h.messageToJson(m)),
    decoded: h.decode(completionTokens),
  };
}

/** A hand-made Q8_0 block (scale 0.5 as f16, quants −16…15) decoded, the same values re-encoded, templates classified. */
export function ggufScenario(g: typeof Gguf) {
  const block = new Uint8Array(34);
  new DataView(block.buffer).setUint16(0, 0x3800, true); // f16 0.5
  for (let i = 0; i < 32; i++) block[2 + i] = (i - 16) & 0xff;
  const decoded = g.decodeTensor(g.GGML_TYPE.Q8_0, block);
  return {
    typeName: g.ggmlTypeName(g.GGML_TYPE.Q8_0),
    byteSize: g.tensorByteSize(g.GGML_TYPE.Q8_0, [32, 2]),
    decoded: Array.from(decoded),
    reencoded: Array.from(g.encodeTensor(g.GGML_TYPE.Q8_0, decoded)),
    templates: [
      g.classifyChatTemplate("{{ '<|start|>' + role + '<|channel|>final<|message|>' + content }}"),
      g.classifyChatTemplate("{% for m in messages %}<|im_start|>{{ m.role }}{% endfor %}"),
      g.classifyChatTemplate("[INST] {{ prompt }} [/INST]"),
      g.classifyChatTemplate(undefined),
    ],
  };
}
