/**
 * `overtone gguf template FILE`: print the chat template's class and text; with `--set
 * harmony|official|chatml|@path --out NEW.gguf`, write a copy with that template and every other byte of metadata
 * and data preserved. `harmony` is the official gpt-oss template with its tool round trip fixed (the official one
 * hands the model double-encoded JSON under llama.cpp, llama.cpp#19520); `official` is OpenAI's bytes unchanged.
 */
import { InputError } from "@overtone/errors";
import { CHAT_TEMPLATE_KEY, chatTemplateOf, classifyChatTemplate, ggufValue } from "@overtone/gguf";
import {
  copyWithEdits,
  loadChatmlTemplate,
  loadFixedHarmonyTemplate,
  loadHarmonyTemplate,
  openGguf,
} from "@overtone/gguf/node";
import type { Command } from "commander";
import { bytes } from "./format.js";
import { readTextFile, writeOut } from "./io.js";

export function registerGgufTemplate(gguf: Command): void {
  gguf
    .command("template")
    .description("show a GGUF's chat template, or write a copy with another one")
    .argument("<file>", "the GGUF file (never modified)")
    .option(
      "--set <template>",
      "harmony (gpt-oss's template, tool round trip fixed), official (OpenAI's bytes), chatml, or @path to a Jinja file",
    )
    .option("--out <file>", "where to write the copy (required with --set)")
    .action(async (file: string, flags: { set?: string; out?: string }) => {
      if (flags.set === undefined) {
        const gguf = await openGguf(file);
        const text = chatTemplateOf(gguf.metadata);
        await gguf.close();
        await writeOut(`${classifyChatTemplate(text)}\n${text === undefined ? "" : `${text}\n`}`);
        return;
      }
      if (flags.out === undefined) {
        throw new InputError("--set needs --out: the input file is never modified", {
          where: "--out",
          hint: `e.g. --out ${file.replace(/\.gguf$/, "")}-harmony.gguf`,
        });
      }
      const template = await templateText(flags.set);
      const result = await copyWithEdits(file, flags.out, {
        setMetadata: { [CHAT_TEMPLATE_KEY]: ggufValue.str(template) },
      });
      await writeOut(
        `wrote ${result.path} (${bytes(result.bytes)}) with a ${classifyChatTemplate(template)} chat template\n`,
      );
    });
}

async function templateText(choice: string): Promise<string> {
  if (choice === "harmony") return loadFixedHarmonyTemplate();
  if (choice === "official") return loadHarmonyTemplate();
  if (choice === "chatml") return loadChatmlTemplate();
  if (choice.startsWith("@")) return readTextFile(choice.slice(1), "--set");
  throw new InputError(`--set: unknown template ${JSON.stringify(choice)}`, {
    where: "--set",
    hint: "use harmony, official, chatml, or @path/to/template.jinja",
  });
}
