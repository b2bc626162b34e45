/**
 * The GGUF constants and the reader's safety limits. A corrupt or hostile header can claim any count or length;
 * each limit below is checked before anything is allocated, so a bad file gives a GgufFormatError instead of an
 * out-of-memory crash or a hang. The limits sit far above what real models use (gpt-oss: ~460 tensors, ~40
 * keys, 201,088 tokens, 446,189 merges, a 17 KB chat template) and, where ggml has its own limit
 * (gguf.cpp, llama.cpp v0.5.0), at or below it, so anything we accept llama.cpp can also load.
 */

/** "GGUF" as it appears in the first four bytes. */
export const GGUF_MAGIC = "GGUF";
/** v1 used u32 counts and lengths and is no longer read by llama.cpp either; v2 and v3 differ only in endianness rules. */
export const GGUF_MIN_VERSION = 2;
export const GGUF_MAX_VERSION = 3;
/** The version we write: the one llama.cpp writes. */
export const GGUF_WRITE_VERSION = 3;
/** ggml's GGUF_DEFAULT_ALIGNMENT, used when `general.alignment` is absent. */
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const GGUF_ALIGNMENT_KEY = "general.alignment";

/** Tensor infos in one file: real models have hundreds to a few thousand. */
export const MAX_TENSOR_COUNT = 1 << 20;
/** Metadata keys in one file: real models have tens. */
export const MAX_KV_COUNT = 1 << 20;
/** Bytes of one string (key, value, tensor name): ggml allows 1 GiB, V8 strings stop near 512 MiB. */
export const MAX_STRING_LENGTH = 64 * 1024 * 1024;
/** Items of one metadata array: the largest real vocabularies are a few hundred thousand entries. */
export const MAX_ARRAY_LENGTH = 1 << 24;
/** Depth of arrays of arrays: the spec allows nesting (ggml does not); a deep chain is only an attack. */
export const MAX_ARRAY_NESTING = 8;
/** ggml's GGML_MAX_DIMS. */
export const MAX_DIMS = 4;
/** ggml's GGML_MAX_NAME is 64 bytes including the terminating NUL: a longer tensor name does not load. */
export const MAX_TENSOR_NAME_BYTES = 63;
/** `general.alignment` must be a power of two; above this it can only be corruption. */
export const MAX_ALIGNMENT = 1 << 30;

/** First window of the header read: one read covers a small model's whole header. */
export const HEADER_INITIAL_READ = 1 << 20;
/** Later windows double up to this, so a 12 MB vocabulary header takes a handful of reads. */
export const HEADER_MAX_READ = 64 << 20;

/** Round `n` up to a multiple of `alignment` (ggml's GGML_PAD). */
export function alignUp(n: number, alignment: number): number {
  const rem = n % alignment;
  return rem === 0 ? n : n + alignment - rem;
}
