/**
 * Which prompt format a GGUF's `tokenizer.chat_template` speaks. This is the first check for field report 000:
 * a gpt-oss GGUF shipped with a ChatML template loses its channels, reasoning effort and tool calls, because
 * every runtime that renders the embedded template then prompts gpt-oss in a format it was not trained on.
 *
 * The rule, in order:
 * - `missing`: no key, a non-string value, or only whitespace.
 * - `harmony`: the template emits all three of `<|start|>`, `<|channel|>` and `<|message|>` — the Harmony
 *   tokens no other format uses together. (llama.cpp's own matcher, llm_chat_detect_template, keys gpt-oss on
 *   `<|start|>` + `<|channel|>`; we also require `<|message|>`, without which no Harmony message can be built.)
 * - `chatml`: it contains `<|im_start|>` (llama.cpp's test for ChatML). Harmony is tested first because it is
 *   the more specific rule; a template mixing both is treated as the Harmony one it mostly is.
 * - `other`: anything else (Llama 3 headers, Mistral [INST], Gemma turns, …).
 */
import type { GgufMetadata } from "./gguf-values.js";

export const CHAT_TEMPLATE_KEY = "tokenizer.chat_template";

export type ChatTemplateKind = "harmony" | "chatml" | "other" | "missing";

export const HARMONY_TEMPLATE_MARKERS = ["<|start|>", "<|channel|>", "<|message|>"] as const;
export const CHATML_TEMPLATE_MARKER = "<|im_start|>";

/** Classify a chat template's text (undefined = the file has none). */
export function classifyChatTemplate(text: string | undefined): ChatTemplateKind {
  if (text === undefined || text.trim().length === 0) return "missing";
  if (HARMONY_TEMPLATE_MARKERS.every((m) => text.includes(m))) return "harmony";
  if (text.includes(CHATML_TEMPLATE_MARKER)) return "chatml";
  return "other";
}

/** The file's chat template, or undefined when the key is absent or not a string. */
export function chatTemplateOf(metadata: GgufMetadata): string | undefined {
  const v = metadata.get(CHAT_TEMPLATE_KEY);
  return v?.type === "str" ? v.value : undefined;
}

export interface ChatTemplateCheck {
  kind: ChatTemplateKind;
  /** True when the template is byte for byte the official gpt-oss one (see `loadHarmonyTemplate`). */
  official: boolean;
  /** Bytes of the embedded template (0 when missing). */
  bytes: number;
}

/** Classify a file's template and compare it with the official gpt-oss template text handed in. */
export function checkChatTemplate(metadata: GgufMetadata, officialHarmony: string): ChatTemplateCheck {
  const text = chatTemplateOf(metadata);
  return {
    kind: classifyChatTemplate(text),
    official: text === officialHarmony,
    bytes: text === undefined ? 0 : new TextEncoder().encode(text).length,
  };
}
