/**
 * The o200k_harmony vocabulary as llama.cpp's `gpt2` tokenizer wants it in a GGUF, exactly as llama.cpp's
 * converter (convert_hf_to_gguf.py, `_set_vocab_gpt2`) writes it from gpt-oss's HF tokenizer.json: 199,998
 * byte-level BPE tokens, 446,189 merges, 21 added special tokens typed CONTROL, padded to the model's 201,088
 * embedding rows with `[PAD<id>]` tokens typed UNUSED.
 *
 * Nothing is read from a tokenizer.json: that file is itself derived from tiktoken's o200k_base ranks (the HF
 * `TikTokenConverter`), so we derive it the same way from the ranks `@overtone/harmony` already ships (via
 * gpt-tokenizer): a token's string is its bytes through GPT-2's bytes_to_unicode table; its merges are the
 * splits whose two halves are both tokens, ordered by (rank of left, rank of right), tokens taken in rank order.
 * This spares users a 28 MB JSON package; a test compares the result field by field with that package's file.
 */
import { ConfigError } from "@overtone/errors";
import { FIRST_SPECIAL_TOKEN, isKnownToken, specialTokenText, tokenBytes } from "@overtone/harmony";
import { hfMerges, hfTokenStrings, type PackedTokens, packTokens } from "./tiktoken-to-hf.js";

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

/**
 * gpt-oss's tokenizer.json adds 199998..200018 as special tokens. Harmony names 200018 `<|reserved_200018|>`,
 * but the HF file (like Python tiktoken's o200k_harmony) calls it `<|endofprompt|>`, and that is what GGUFs of
 * gpt-oss hold.
 */
const ADDED_TOKENS_END = 200019;
const ADDED_TOKEN_NAMES: ReadonlyMap<number, string> = new Map([[200018, "<|endofprompt|>"]]);

/** The ranks are installed data, not user input: if they are wrong, the installation is. */
function broken(what: string): ConfigError {
  return new ConfigError(`o200k_base ranks: ${what}`, {
    where: "gpt-tokenizer/bpeRanks/o200k_base",
    hint: "reinstall gpt-tokenizer, the package @overtone/harmony reads the ranks from (npm ci)",
  });
}

/** The ordinary tokens' bytes, indexed by rank. */
function ordinaryTokenBytes(): PackedTokens {
  const pieces = new Array<Uint8Array>(FIRST_SPECIAL_TOKEN);
  for (let rank = 0; rank < FIRST_SPECIAL_TOKEN; rank++) {
    if (!isKnownToken(rank)) throw broken(`no token of rank ${rank}`);
    pieces[rank] = tokenBytes(rank);
  }
  return packTokens(pieces);
}

function deriveGptOssVocab(): GptOssVocab {
  const packed = ordinaryTokenBytes();
  const ordinary = hfTokenStrings(packed);
  const merges = hfMerges(packed, ordinary);
  if (merges.length !== GPT_OSS_MERGE_COUNT)
    throw broken(`${merges.length} merges, expected ${GPT_OSS_MERGE_COUNT}`);
  const tokens = new Array<string>(GPT_OSS_VOCAB_SIZE);
  const tokenTypes = new Array<number>(GPT_OSS_VOCAB_SIZE);
  for (let id = 0; id < GPT_OSS_VOCAB_SIZE; id++) {
    if (id < FIRST_SPECIAL_TOKEN) {
      tokens[id] = ordinary[id] as string;
      tokenTypes[id] = TOKEN_TYPE.normal;
    } else if (id < ADDED_TOKENS_END) {
      tokens[id] = ADDED_TOKEN_NAMES.get(id) ?? (specialTokenText(id) as string);
      tokenTypes[id] = TOKEN_TYPE.control;
    } else {
      tokens[id] = `[PAD${id}]`;
      tokenTypes[id] = TOKEN_TYPE.unused;
    }
  }
  return { tokens, tokenTypes, merges };
}

let cached: GptOssVocab | undefined;

/** The vocabulary, derived once per process (a few hundred ms). Async for callers written against a file read. */
export async function loadGptOssVocab(): Promise<GptOssVocab> {
  cached ??= deriveGptOssVocab();
  return cached;
}
