/**
 * Reading a GGUF header (magic, version, counts, metadata, tensor infos) from an open file handle, in a
 * growing window. Parsing resumes from the last complete item when the window runs out, so each byte is read
 * once and parsed about once, and the whole file is never read. Tensor infos are then checked against the file: type known, row a
 * whole number of blocks, size representable, data aligned, inside the file and not overlapping another tensor.
 */
import type { FileHandle } from "node:fs/promises";
import {
  GGUF_ALIGNMENT_KEY,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_MAX_VERSION,
  GGUF_MIN_VERSION,
  HEADER_INITIAL_READ,
  MAX_KV_COUNT,
  MAX_TENSOR_COUNT,
} from "./gguf-limits.js";
import type { GgufMetadata } from "./gguf-values.js";
import { formatError, type HeaderCursor, NeedMoreBytes } from "./header-cursor.js";
import { HeaderWindow } from "./header-window.js";
import { SkipProgress } from "./lazy-array.js";
import { readKeyValue } from "./read-metadata.js";
import type { GgufTensorInfo, RawTensorInfo } from "./tensor-info.js";
import { readTensorInfo, resolveTensors } from "./tensor-info.js";

export interface GgufHeader {
  version: number;
  metadata: GgufMetadata;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Byte offset just past the last tensor info, before the alignment padding. */
  headerEnd: number;
  /** Absolute byte offset of the data section (tensor offsets are relative to it). */
  dataOffset: number;
  fileSize: number;
}

/** Parse progress, kept across windows: everything before `resumeAt` is complete. */
interface ParseState {
  resumeAt: number;
  version: number;
  tensorCount: number;
  kvCount: number;
  metadata: GgufMetadata;
  raw: RawTensorInfo[];
  started: boolean;
  /** How far a big array's skip got in the last window. */
  skip: SkipProgress;
}

function readPreamble(cur: HeaderCursor, st: ParseState): void {
  const magicBytes = [cur.u8("magic"), cur.u8("magic"), cur.u8("magic"), cur.u8("magic")];
  const magic = String.fromCharCode(...magicBytes);
  if (magic !== GGUF_MAGIC) {
    throw formatError("magic", 0, {
      found: JSON.stringify(magic),
      limit: JSON.stringify(GGUF_MAGIC),
      hint: "this is not a GGUF file",
    });
  }
  const version = cur.u32("version");
  if (version < GGUF_MIN_VERSION || version > GGUF_MAX_VERSION) {
    // A big-endian v3 file reads as 0x03000000 here: its low 16 bits are zero.
    const hint =
      version === 1
        ? "GGUF v1 (u32 counts) is no longer supported by llama.cpp either; re-convert the model"
        : (version & 0xffff) === 0
          ? "this looks like a big-endian GGUF, which is not supported"
          : "this file needs a newer reader";
    throw formatError("version", 4, {
      found: version,
      limit: `${GGUF_MIN_VERSION}..${GGUF_MAX_VERSION}`,
      hint,
    });
  }
  st.version = version;
  st.tensorCount = cur.count("tensor count", MAX_TENSOR_COUNT);
  st.kvCount = cur.count("metadata key/value count", MAX_KV_COUNT);
  st.started = true;
}

/** Continue parsing from `st.resumeAt`; throws NeedMoreBytes when the window ends first. */
function parseFrom(cur: HeaderCursor, st: ParseState): void {
  if (!st.started) {
    readPreamble(cur, st);
    st.resumeAt = cur.pos;
  }
  while (st.metadata.size < st.kvCount) {
    const at = cur.pos;
    const [key, value] = readKeyValue(cur, st.skip);
    if (st.metadata.has(key)) throw formatError("metadata key (duplicate)", at, { key, found: key });
    st.metadata.set(key, value);
    st.resumeAt = cur.pos;
  }
  while (st.raw.length < st.tensorCount) {
    st.raw.push(readTensorInfo(cur, st.raw.length));
    st.resumeAt = cur.pos;
  }
}

/** `general.alignment`: must be a u32 power of two, like ggml requires. */
function alignmentOf(metadata: GgufMetadata, headerEnd: number): number {
  const v = metadata.get(GGUF_ALIGNMENT_KEY);
  if (v === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (v.type !== "u32" || v.value === 0 || (v.value & (v.value - 1)) !== 0) {
    // The key's own offset is gone by now; report the end of the header, where the data layout starts.
    throw formatError(`${GGUF_ALIGNMENT_KEY} (must be a u32 power of two)`, headerEnd, {
      key: GGUF_ALIGNMENT_KEY,
      found: v.type === "u32" ? v.value : `type ${v.type}`,
    });
  }
  return v.value;
}

/** Read and validate the header of the GGUF file open as `fh`. */
export async function readGgufHeader(fh: FileHandle): Promise<GgufHeader> {
  const fileSize = (await fh.stat()).size;
  const st: ParseState = {
    resumeAt: 0,
    version: 0,
    tensorCount: 0,
    kvCount: 0,
    metadata: new Map(),
    raw: [],
    started: false,
    skip: new SkipProgress(),
  };
  const window = new HeaderWindow(fh, fileSize, HEADER_INITIAL_READ);
  let cur = await window.cursor(0, Math.min(HEADER_INITIAL_READ, fileSize));
  try {
    for (;;) {
      try {
        parseFrom(cur, st);
        break;
      } catch (e) {
        if (!(e instanceof NeedMoreBytes)) throw e;
        // Restart at the last complete item, with the window grown to cover the need.
        cur = await window.cursor(st.resumeAt, e.end);
      }
    }
  } finally {
    await window.settle(); // reads ahead past the header end land before anyone closes the file
  }
  const headerEnd = cur.pos;
  const alignment = alignmentOf(st.metadata, headerEnd);
  // ggml seeks past the padding only when there are tensors; with none, its data offset is the header end.
  const dataOffset = st.raw.length === 0 ? headerEnd : Math.ceil(headerEnd / alignment) * alignment;
  const tensors = resolveTensors(st.raw, { alignment, dataOffset, fileSize });
  return { version: st.version, metadata: st.metadata, tensors, alignment, headerEnd, dataOffset, fileSize };
}
