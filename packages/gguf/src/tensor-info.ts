/**
 * Tensor infos: reading one from the header, then checking all of them against the file once the alignment
 * and data offset are known. A tensor's data must lie inside the file, start on an alignment boundary, and not
 * overlap another tensor's bytes; ggml further requires the tensors to be packed in header order, which the
 * writer always does, but the reader only insists on what reading needs.
 */

import { ggmlTypeInfo, ggmlTypeName } from "./ggml-types.js";
import { MAX_DIMS } from "./gguf-limits.js";
import type { FormatErrorDetails, HeaderCursor } from "./header-cursor.js";
import { formatError } from "./header-cursor.js";

export interface GgufTensorInfo {
  name: string;
  /** ggml type id (GGML_TYPE). */
  type: number;
  /** GGML_TYPE name: `F32`, `MXFP4`, `Q8_0`. */
  typeName: string;
  /** Dimensions ne0 first (ne0 is the contiguous one), exactly as many as the file lists. */
  shape: number[];
  elements: number;
  /** Data offset relative to the data section, as stored in the file. */
  offset: number;
  /** Data offset from the start of the file. */
  absoluteOffset: number;
  /** Data bytes, without alignment padding. */
  bytes: number;
}

/** A tensor info as read, plus where its fields are for error messages. */
export interface RawTensorInfo {
  name: string;
  shape: number[];
  type: number;
  offset: number;
  /** Byte offsets of the info's start, its type field and its offset field. */
  at: number;
  typeAt: number;
  offsetAt: number;
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** One tensor info at the cursor: name, n_dims, dims (u64 each), type (i32), offset (u64). */
export function readTensorInfo(cur: HeaderCursor, index: number): RawTensorInfo {
  const at = cur.pos;
  const name = cur.string(`tensor ${index} name`);
  const dimsAt = cur.pos;
  const nDims = cur.u32("tensor n_dims");
  if (nDims > MAX_DIMS)
    throw formatError("tensor n_dims", dimsAt, { key: name, found: nDims, limit: MAX_DIMS });
  const shape: number[] = [];
  let elements = 1n;
  for (let i = 0; i < nDims; i++) {
    const dimAt = cur.pos;
    const d = cur.u64(`tensor dimension ${i}`);
    elements *= d;
    // ggml stores dims as int64 and requires the element count to fit; we also need it to fit a double.
    if (d > SAFE_MAX || elements > SAFE_MAX) {
      throw formatError(`tensor dimension ${i} (element count overflow)`, dimAt, {
        key: name,
        found: d,
        limit: Number.MAX_SAFE_INTEGER,
      });
    }
    shape.push(Number(d));
  }
  const typeAt = cur.pos;
  const type = cur.i32("tensor type");
  const offsetAt = cur.pos;
  const offset = cur.u64("tensor data offset");
  if (offset > SAFE_MAX) {
    throw formatError("tensor data offset", offsetAt, {
      key: name,
      found: offset,
      limit: Number.MAX_SAFE_INTEGER,
    });
  }
  return { name, shape, type, offset: Number(offset), at, typeAt, offsetAt };
}

interface Layout {
  alignment: number;
  dataOffset: number;
  fileSize: number;
}

function sizeOf(raw: RawTensorInfo): number {
  const info = ggmlTypeInfo(raw.type);
  const fail = (what: string, d: FormatErrorDetails) =>
    formatError(what, raw.typeAt, { key: raw.name, ...d });
  if (info === undefined) {
    throw fail("tensor type (unknown or removed ggml type)", {
      found: raw.type,
      hint: "see GGML_TYPE for the ids",
    });
  }
  const ne0 = raw.shape[0] ?? 1;
  if (ne0 % info.blockSize !== 0) {
    throw fail(`tensor ne0 (not a whole number of ${info.name} blocks)`, {
      found: ne0,
      limit: info.blockSize,
    });
  }
  let blocks = BigInt(ne0 / info.blockSize);
  for (let i = 1; i < raw.shape.length; i++) blocks *= BigInt(raw.shape[i] as number);
  const bytes = blocks * BigInt(info.typeSize);
  if (bytes > SAFE_MAX) throw fail("tensor byte size", { found: bytes, limit: Number.MAX_SAFE_INTEGER });
  return Number(bytes);
}

/** Size, place and check every tensor; the result keeps header order. */
export function resolveTensors(raws: RawTensorInfo[], layout: Layout): GgufTensorInfo[] {
  const names = new Set<string>();
  const tensors = raws.map((raw): GgufTensorInfo => {
    if (names.has(raw.name))
      throw formatError("tensor name (duplicate)", raw.at, { key: raw.name, found: raw.name });
    names.add(raw.name);
    const bytes = sizeOf(raw);
    if (raw.offset % layout.alignment !== 0) {
      throw formatError("tensor data offset (unaligned)", raw.offsetAt, {
        key: raw.name,
        found: raw.offset,
        limit: `a multiple of ${layout.alignment}`,
      });
    }
    const absoluteOffset = layout.dataOffset + raw.offset;
    if (absoluteOffset + bytes > layout.fileSize) {
      throw formatError("tensor data (past the end of the file)", raw.offsetAt, {
        key: raw.name,
        found: `bytes ${absoluteOffset}..${absoluteOffset + bytes}`,
        limit: `file size ${layout.fileSize}`,
        hint: "the file is truncated or the tensor offset is corrupt",
      });
    }
    const elements = raw.shape.reduce((a, b) => a * b, 1);
    return {
      name: raw.name,
      type: raw.type,
      typeName: ggmlTypeName(raw.type),
      shape: raw.shape,
      elements,
      offset: raw.offset,
      absoluteOffset,
      bytes,
    };
  });
  checkOverlap(tensors, raws);
  return tensors;
}

function checkOverlap(tensors: GgufTensorInfo[], raws: RawTensorInfo[]): void {
  const order = tensors
    .map((_, i) => i)
    .sort((a, b) => (tensors[a]?.offset ?? 0) - (tensors[b]?.offset ?? 0));
  // The furthest end so far, not just the previous tensor's: a zero-byte tensor inside a big one hides nothing.
  let end = 0;
  let owner = "";
  for (const i of order) {
    const t = tensors[i] as GgufTensorInfo;
    // Zero-byte tensors occupy nothing, so they may share an offset with a neighbour.
    if (t.bytes > 0 && t.offset < end) {
      throw formatError("tensor data offset (overlaps another tensor)", raws[i]?.offsetAt ?? 0, {
        key: t.name,
        found: t.offset,
        limit: `>= ${end}, the end of "${owner}"`,
      });
    }
    if (t.offset + t.bytes > end) {
      end = t.offset + t.bytes;
      owner = t.name;
    }
  }
}
