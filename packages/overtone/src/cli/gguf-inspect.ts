/** `overtone gguf inspect FILE [--json]`: what is inside a GGUF, including whether its chat template is Harmony. */

import {
  type GgufSummary,
  loadFixedHarmonyTemplate,
  loadHarmonyTemplate,
  openGguf,
  summarizeGguf,
} from "@overtone/gguf/node";
import type { Command } from "commander";
import { bytes, table } from "./format.js";
import { writeOut } from "./io.js";

const TEMPLATE_NOTE: Record<string, string> = {
  harmony: "Harmony",
  chatml:
    "ChatML — wrong for gpt-oss: channels, effort and tool calls are lost (fix: overtone gguf template --set harmony)",
  other: "not Harmony — wrong for gpt-oss (fix: overtone gguf template --set harmony)",
  missing: "none embedded (runtimes fall back to a guess; fix: overtone gguf template --set harmony)",
};

export function registerGgufInspect(gguf: Command): void {
  gguf
    .command("inspect")
    .description("show a GGUF's version, metadata, tensors, totals by type and chat template class")
    .argument("<file>", "the GGUF file")
    .option("--json", "one JSON object: version, metadata, tensors (name, type, shape, offset, bytes), …")
    .option("--full-arrays", "do not summarise long metadata arrays (the vocabulary is ~200k items)")
    .action(async (file: string, flags: { json?: boolean; fullArrays?: boolean }) => {
      const gguf = await openGguf(file);
      try {
        const summary = summarizeGguf(gguf, await loadHarmonyTemplate(), {
          fullArrays: flags.fullArrays ?? false,
        });
        await writeOut(
          flags.json ? `${JSON.stringify(summary)}\n` : render(summary, await loadFixedHarmonyTemplate()),
        );
      } finally {
        await gguf.close();
      }
    });
}

function render(s: GgufSummary, fixedHarmony: string): string {
  const template = s.chatTemplate;
  const which = template.official
    ? " (the official gpt-oss template; its tool round trip is double-encoded under llama.cpp: overtone gguf template --set harmony fixes it)"
    : s.metadata["tokenizer.chat_template"] === fixedHarmony
      ? " (the official gpt-oss template, tool round trip fixed)"
      : "";
  const lines = [
    `${s.path}: GGUF v${s.version}, ${bytes(s.fileSize)}, ${Object.keys(s.metadata).length} metadata keys, ${s.tensors.length} tensors, alignment ${s.alignment}, data at byte ${s.dataOffset}`,
    `chat template: ${template.kind}${which} — ${TEMPLATE_NOTE[template.kind]}`,
    "",
    "metadata:",
    table(
      Object.entries(s.metadata).map(([key, value]) => [
        `  ${key}`,
        s.metadataTypes[key] ?? "",
        key === "tokenizer.chat_template" ? `<${bytes(template.bytes)} template>` : show(value),
      ]),
    ),
    "",
    "tensors:",
    table([
      ["  name", "type", "shape", "bytes", "offset"],
      ...s.tensors.map((t) => [
        `  ${t.name}`,
        t.type,
        `[${t.shape.join(", ")}]`,
        bytes(t.bytes),
        String(t.offset),
      ]),
    ]),
    "",
    "totals by type:",
    table(
      s.totalsByType.map((t) => [
        `  ${t.type}`,
        `${t.tensors} tensors`,
        `${t.elements} values`,
        bytes(t.bytes),
      ]),
    ),
  ];
  return `${lines.join("\n")}\n`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? "";
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
