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
  HEADER_MAX_READ,
  MAX_KV_COUNT,
  MAX_TENSOR_COUNT,
} from "./gguf-limits.js";
import type { GgufMetadata } from "./gguf-values.js";
import { formatError, HeaderCursor, NeedMoreBytes } from "./header-cursor.js";
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
    const [key, value] = readKeyValue(cur);
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

/** Read `length` bytes at `position` into `buf` from `offset` on. */
async function readInto(fh: FileHandle, buf: Buffer, offset: number, length: number, position: number) {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, offset + got, length - got, position + got);
    if (bytesRead === 0) {
      // Only a file that shrank after we took its size gets here; retrying would loop forever.
      throw formatError("header (file shrank while being read)", position + got, {
        limit: `${length} bytes`,
      });
    }
    got += bytesRead;
  }
}

/**
 * The header bytes read so far: file offsets `start … start + filled` in `buf`, which has room to grow. A
 * window that runs out is extended by reading only what follows it into that room (untouched room costs no
 * memory), so no byte is read twice; only when the room runs out do the bytes from the last complete item on
 * move to a bigger buffer. Buffers stay referenced by the values read from them (value-source.ts).
 */
class HeaderWindow {
  private buf: Buffer;
  private start = 0;
  private filled = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly fileSize: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(HEADER_INITIAL_READ, fileSize));
  }

  /** A cursor at `resumeAt` over a window reaching at least `end` (and at least twice the last one). */
  async cursor(resumeAt: number, end: number): Promise<HeaderCursor> {
    const target = Math.min(this.fileSize, Math.max(end, this.start + 2 * this.filled));
    if (target - this.start > this.buf.length) {
      const room = Math.min(this.fileSize - resumeAt, Math.max(target - resumeAt, HEADER_MAX_READ));
      const next = Buffer.allocUnsafe(room);
      this.buf.copy(next, 0, resumeAt - this.start, this.filled);
      this.filled -= resumeAt - this.start;
      this.start = resumeAt;
      this.buf = next;
    }
    const more = target - this.start - this.filled;
    await readInto(this.fh, this.buf, this.filled, more, this.start + this.filled);
    this.filled += more;
    const cur = new HeaderCursor(this.buf.subarray(0, this.filled), this.start, this.fileSize);
    cur.pos = resumeAt;
    return cur;
  }
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
  };
  const window = new HeaderWindow(fh, fileSize);
  let T = performance.now(); const L = (w: string) => { const x = performance.now(); process.stderr.write(`${w} ${(x - T).toFixed(1)}; `); T = x; };
  let cur = await window.cursor(0, Math.min(HEADER_INITIAL_READ, fileSize));
  L("read");
  for (;;) {
    try {
      parseFrom(cur, st);
      L("parsed\n");
      break;
    } catch (e) {
      L(`parse to ${st.resumeAt} need ${(e as any).end}`);
      if (!(e instanceof NeedMoreBytes)) throw e;
      // Restart at the last complete item, with the window grown to cover the need.
      cur = await window.cursor(st.resumeAt, e.end);
      L(`read to ${cur.end}`);
    }
  }
  const headerEnd = cur.pos;
  const alignment = alignmentOf(st.metadata, headerEnd);
  // ggml seeks past the padding only when there are tensors; with none, its data offset is the header end.
  const dataOffset = st.raw.length === 0 ? headerEnd : Math.ceil(headerEnd / alignment) * alignment;
  const tensors = resolveTensors(st.raw, { alignment, dataOffset, fileSize });
  return { version: st.version, metadata: st.metadata, tensors, alignment, headerEnd, dataOffset, fileSize };
}
