/**
 * Chat templates shipped in the package's `data/templates/` (see SOURCE.md there): the official gpt-oss Harmony
 * template, byte-identical to llama.cpp's models/templates/openai-gpt-oss-120b.jinja; the same template with its
 * tool round trip fixed (what Overtone writes into GGUFs); and a generic ChatML one.
 * They are data files, not string literals, so the shipped bytes can be compared with their source exactly.
 * The path is resolved from this module's URL: `src/gguf/` and the built `dist/gguf/` both sit two levels
 * below the package root, which holds `data/` (listed in package.json `files`).
 */
import { readFile } from "node:fs/promises";

const TEMPLATE_DIR = new URL("../data/templates/", import.meta.url);

/** File of the official gpt-oss chat template (OpenAI, Apache-2.0). */
export const HARMONY_TEMPLATE_URL = new URL("gpt-oss.jinja", TEMPLATE_DIR);
/**
 * File of the official template with its tool round trip fixed: tool arguments and tool results that arrive as
 * strings (as every OpenAI-style client sends them) are written as they are, not JSON-encoded a second time
 * (llama.cpp issue #19520), and a call's content type is `<|constrain|>json` as Harmony renders it.
 */
export const FIXED_HARMONY_TEMPLATE_URL = new URL("gpt-oss-fixed.jinja", TEMPLATE_DIR);
/** File of a generic ChatML template: the wrong template that field report 000's GGUF shipped with. */
export const CHATML_TEMPLATE_URL = new URL("chatml.jinja", TEMPLATE_DIR);

const cache = new Map<string, Promise<string>>();

function load(url: URL): Promise<string> {
  let text = cache.get(url.href);
  if (text === undefined) {
    text = readFile(url, "utf8");
    // A failed read is not cached, so a later call can succeed once the file is there.
    text.catch(() => cache.delete(url.href));
    cache.set(url.href, text);
  }
  return text;
}

/** The official gpt-oss Harmony chat template, exactly as llama.cpp v0.5.0 ships it. */
export function loadHarmonyTemplate(): Promise<string> {
  return load(HARMONY_TEMPLATE_URL);
}

/**
 * The official gpt-oss template with its tool round trip fixed (see `FIXED_HARMONY_TEMPLATE_URL`): renders a
 * conversation with tool calls and results token for token as the Harmony renderer does, where the official one
 * hands the model double-encoded JSON. Everything else is unchanged.
 */
export function loadFixedHarmonyTemplate(): Promise<string> {
  return load(FIXED_HARMONY_TEMPLATE_URL);
}

/** A generic ChatML template (`<|im_start|>role\ncontent<|im_end|>\n`). */
export function loadChatmlTemplate(): Promise<string> {
  return load(CHATML_TEMPLATE_URL);
}
