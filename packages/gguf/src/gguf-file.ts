/**
 * An open GGUF file: its parsed header plus streamed access to tensor data. Only the header is read on open;
 * tensor bytes are read on demand from the same handle, so a 13 GB model costs its header in memory (kept as
 * the bytes read, from which big arrays are decoded when first used).
 */

import { constants as bufferConstants } from "node:buffer";
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { fileSystemError, InputError } from "@overtone/errors";
import type { GgufMetadata } from "./gguf-values.js";
import { formatError } from "./header-cursor.js";
import { readGgufHeader } from "./read-header.js";
import type { GgufTensorInfo } from "./tensor-info.js";

export type { GgufTensorInfo } from "./tensor-info.js";

/** A byte range of an open file; the writer copies it through without decoding (see `GgufFile.tensorRange`). */
export interface GgufFileRange {
  handle: FileHandle;
  position: number;
  length: number;
}

/** Default chunk for `streamTensor`: big enough for throughput, small enough to keep memory flat. */
export const TENSOR_STREAM_CHUNK = 8 << 20;

export class GgufFile {
  private readonly byName: Map<string, GgufTensorInfo>;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly version: number,
    /**
     * Metadata in file order, each value with its exact GGUF type. Big arrays (a vocabulary) are checked on
     * open but decoded on first access of their `value` (lazy-array.ts); values left unchanged are written
     * back as their original bytes (value-source.ts).
     */
    readonly metadata: GgufMetadata,
    /** Tensor infos in header order. */
    readonly tensors: readonly GgufTensorInfo[],
    readonly alignment: number,
    /** Absolute offset of the data section. */
    readonly dataOffset: number,
    /** Offset just past the tensor infos, before padding. */
    readonly headerEnd: number,
    readonly fileSize: number,
  ) {
    this.byName = new Map(tensors.map((t) => [t.name, t]));
  }

  /** Open `path` read-only and parse its header; the handle stays open until `close()`. */
  static async open(path: string): Promise<GgufFile> {
    const handle = await open(path, "r").catch((error: unknown) => {
      throw fileSystemError(error, path, "read");
    });
    try {
      // A directory opens on Linux and fails on the first read (EISDIR).
      const h = await readGgufHeader(handle).catch((error: unknown) => {
        throw fileSystemError(error, path, "read");
      });
      return new GgufFile(
        path,
        handle,
        h.version,
        h.metadata,
        h.tensors,
        h.alignment,
        h.dataOffset,
        h.headerEnd,
        h.fileSize,
      );
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /** The tensor info, or undefined. */
  getTensor(name: string): GgufTensorInfo | undefined {
    return this.byName.get(name);
  }

  /** The tensor info; throws InputError naming the file when there is no such tensor. */
  tensor(name: string): GgufTensorInfo {
    const t = this.byName.get(name);
    if (t === undefined) {
      throw new InputError(`no tensor named "${name}" in ${this.path}`, {
        where: this.path,
        hint: `the file has ${this.tensors.length} tensors, e.g. ${this.tensors
          .slice(0, 3)
          .map((x) => x.name)
          .join(", ")}`,
      });
    }
    return t;
  }

  /** The tensor's bytes as a range of this file, for `writeGguf` to copy without decoding. */
  tensorRange(name: string): GgufFileRange {
    const t = this.tensor(name);
    return { handle: this.handle, position: t.absoluteOffset, length: t.bytes };
  }

  /** All of a tensor's bytes in one Buffer (use `streamTensor` for tensors too big to hold). */
  async readTensorData(name: string): Promise<Buffer> {
    const t = this.tensor(name);
    if (t.bytes > bufferConstants.MAX_LENGTH) {
      throw new InputError(`tensor "${name}" has ${t.bytes} bytes, more than one Buffer can hold`, {
        where: this.path,
        hint: "read it with streamTensor()",
      });
    }
    const buf = Buffer.allocUnsafe(t.bytes);
    await this.readAt(buf, t.absoluteOffset, t.bytes, name);
    return buf;
  }

  /** A tensor's bytes as consecutive chunks of at most `chunkSize` bytes (each chunk a fresh Buffer). */
  async *streamTensor(name: string, options: { chunkSize?: number } = {}): AsyncGenerator<Buffer> {
    const t = this.tensor(name);
    const chunk = Math.max(1, options.chunkSize ?? TENSOR_STREAM_CHUNK);
    for (let done = 0; done < t.bytes; ) {
      const n = Math.min(chunk, t.bytes - done);
      const buf = Buffer.allocUnsafe(n);
      await this.readAt(buf, t.absoluteOffset + done, n, name);
      done += n;
      yield buf;
    }
  }

  private async readAt(buf: Buffer, position: number, length: number, name: string): Promise<void> {
    await readFully(this.handle, buf, position, length, name);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * pread `length` bytes into `buf`; a short file (truncated after open) is a format error, not a hang. `name`
 * names the tensor, or gives the name of the one at a file offset (where the data ran out).
 */
export async function readFully(
  handle: FileHandle,
  buf: Uint8Array,
  position: number,
  length: number,
  name: string | ((position: number) => string),
): Promise<void> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) {
      throw formatError("tensor data (file ends early; was it truncated after opening?)", position + got, {
        key: typeof name === "string" ? name : name(position + got),
        limit: `${length - got} more bytes`,
      });
    }
    got += bytesRead;
  }
}

/** Open a GGUF file and read its header. Close it with `close()` (or `await using`). */
export function openGguf(path: string): Promise<GgufFile> {
  return GgufFile.open(path);
}
