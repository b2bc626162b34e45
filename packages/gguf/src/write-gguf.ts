/**
 * Writing a GGUF file: header, then each tensor's data padded with zeros to the alignment — after every tensor,
 * the last included — which is byte for byte what ggml's gguf_write_to_file and gguf-py produce. Tensor offsets
 * are assigned in the order given; consecutive tensors copied from a file go through as one range where they
 * can (tensor-runs.ts). The file is written under a temporary name in the target directory and renamed into
 * place only when complete, so a failed write never leaves a half file under the real name.
 */
import { randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileSystemError, InputError } from "@overtone/errors";
import { encodeHeader, type HeaderTensor } from "./encode-header.js";
import { FileSink } from "./file-sink.js";
import { ggmlTypeInfo, tensorByteSize } from "./ggml-types.js";
import {
  alignUp,
  GGUF_ALIGNMENT_KEY,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAX_VERSION,
  GGUF_MIN_VERSION,
  GGUF_WRITE_VERSION,
  MAX_ALIGNMENT,
  MAX_DIMS,
  MAX_TENSOR_NAME_BYTES,
} from "./gguf-limits.js";
import type { GgufMetadata, GgufValue } from "./gguf-values.js";
import { type GgufTensorData, planCopyRuns, tensorNameAt } from "./tensor-runs.js";

export type { GgufTensorData };

export interface GgufTensorInput {
  name: string;
  /** ggml type id (GGML_TYPE). */
  type: number;
  /** ne0 first. */
  shape: readonly number[];
  data: GgufTensorData;
}

export interface WriteGgufOptions {
  /** Written in iteration order. */
  metadata: GgufMetadata | Iterable<[string, GgufValue]> | Record<string, GgufValue>;
  tensors: readonly GgufTensorInput[];
  /** Defaults to `general.alignment` from the metadata, else 32; a non-default value is added as that key. */
  alignment?: number;
  /** 2 or 3 (default 3); v2 and v3 are laid out the same. */
  version?: number;
  /**
   * Pad the header even when there are no tensors (default true, as ggml does; gguf-py does not, which
   * `copyWithEdits` preserves).
   */
  padEmptyDataSection?: boolean;
}

export interface WriteGgufResult {
  path: string;
  bytes: number;
  dataOffset: number;
}

function toMap(m: WriteGgufOptions["metadata"]): GgufMetadata {
  if (m instanceof Map) return new Map(m);
  if (Symbol.iterator in m) return new Map(m as Iterable<[string, GgufValue]>);
  return new Map(Object.entries(m));
}

function resolveAlignment(metadata: GgufMetadata, requested: number | undefined, where: string): number {
  const fromKey = metadata.get(GGUF_ALIGNMENT_KEY);
  if (fromKey !== undefined && fromKey.type !== "u32") {
    throw new InputError(`${GGUF_ALIGNMENT_KEY} must be a u32, not ${fromKey.type}`, { where });
  }
  const keyValue = fromKey?.value;
  if (requested !== undefined && keyValue !== undefined && requested !== keyValue) {
    throw new InputError(`alignment ${requested} contradicts ${GGUF_ALIGNMENT_KEY} = ${keyValue}`, { where });
  }
  const alignment = requested ?? keyValue ?? GGUF_DEFAULT_ALIGNMENT;
  if (
    !Number.isInteger(alignment) ||
    alignment <= 0 ||
    alignment > MAX_ALIGNMENT ||
    (alignment & (alignment - 1)) !== 0
  ) {
    throw new InputError(`alignment ${alignment} is not a power of two up to ${MAX_ALIGNMENT}`, { where });
  }
  // ggml only learns a non-default alignment from the key.
  if (keyValue === undefined && alignment !== GGUF_DEFAULT_ALIGNMENT) {
    metadata.set(GGUF_ALIGNMENT_KEY, { type: "u32", value: alignment });
  }
  return alignment;
}

/** Validate tensors and lay them out: offsets relative to the data section, each aligned. */
function layOut(
  tensors: readonly GgufTensorInput[],
  alignment: number,
  where: string,
): [HeaderTensor[], number[]] {
  const names = new Set<string>();
  const infos: HeaderTensor[] = [];
  const sizes: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    const bad = (what: string, cause?: unknown) =>
      new InputError(`tensor "${t.name}": ${what}`, { where, cause });
    if (t.name.length === 0 || Buffer.byteLength(t.name) > MAX_TENSOR_NAME_BYTES) {
      throw bad(`name must be 1..${MAX_TENSOR_NAME_BYTES} bytes (ggml's GGML_MAX_NAME)`);
    }
    if (names.has(t.name)) throw bad("duplicate name");
    names.add(t.name);
    if (ggmlTypeInfo(t.type) === undefined) throw bad(`unknown ggml type ${t.type}`);
    if (t.shape.length > MAX_DIMS) throw bad(`${t.shape.length} dimensions (ggml allows ${MAX_DIMS})`);
    let bytes: number;
    try {
      bytes = tensorByteSize(t.type, t.shape);
    } catch (e) {
      throw bad((e as Error).message, e);
    }
    infos.push({ name: t.name, type: t.type, shape: t.shape, offset });
    sizes.push(bytes);
    offset = alignUp(offset + bytes, alignment);
  }
  return [infos, sizes];
}

async function writeTensorData(
  sink: FileSink,
  t: GgufTensorInput,
  bytes: number,
  where: string,
): Promise<void> {
  const data = t.data;
  if (data instanceof Uint8Array) {
    if (data.byteLength !== bytes) throw lengthError(t, data.byteLength, bytes, where);
    await sink.write(data);
  } else if (typeof data === "function") {
    let got = 0;
    for await (const chunk of data()) {
      got += chunk.byteLength;
      // Stop at once: a producer that overruns may never end.
      if (got > bytes) throw lengthError(t, got, bytes, where);
      await sink.write(chunk);
    }
    if (got !== bytes) throw lengthError(t, got, bytes, where);
  } else {
    // Ranges of the right length are copied in runs (tensor-runs.ts); only a wrong one gets here.
    throw lengthError(t, data.length, bytes, where);
  }
}

function lengthError(t: GgufTensorInput, got: number, bytes: number, where: string): InputError {
  const size = got > bytes ? `at least ${got}` : `${got}`;
  return new InputError(
    `tensor "${t.name}" got ${size} bytes of data, but type ${t.type} with shape [${t.shape.join(", ")}] needs ${bytes}`,
    { where },
  );
}

/** A temporary name beside `path`, so the final rename stays on one file system. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
}

/** Write a GGUF file at `path` (atomically replacing any file there). */
export async function writeGguf(path: string, options: WriteGgufOptions): Promise<WriteGgufResult> {
  const version = options.version ?? GGUF_WRITE_VERSION;
  if (!Number.isInteger(version) || version < GGUF_MIN_VERSION || version > GGUF_MAX_VERSION) {
    throw new InputError(`cannot write GGUF version ${version}`, { where: path });
  }
  const metadata = toMap(options.metadata);
  const alignment = resolveAlignment(metadata, options.alignment, path);
  const [infos, sizes] = layOut(options.tensors, alignment, path);
  const pad = infos.length > 0 || options.padEmptyDataSection !== false;
  const header = encodeHeader(version, metadata, infos, alignment, pad);

  // A directory at `path` would only fail at the final rename, after writing the whole file beside it.
  if ((await stat(path).catch(() => undefined))?.isDirectory()) {
    throw fileSystemError(Object.assign(new Error(`EISDIR: ${path}`), { code: "EISDIR" }), path, "write");
  }
  const temp = tempPathFor(path);
  // The temporary file's name is ours: errors name the user's path.
  let handle: FileHandle | undefined = await open(temp, "wx").catch((error: unknown) => {
    throw fileSystemError(error, path, "write");
  });
  try {
    // Sized up front: writes into a file that already has its length were ~10 % faster on a 450 MB copy
    // than writes that extend it (ext4), and the length is known from the layout.
    const headerBytes = header.reduce((n, piece) => n + piece.byteLength, 0);
    const last = infos.length - 1;
    const dataBytes =
      last < 0 ? 0 : alignUp((infos[last] as HeaderTensor).offset + (sizes[last] as number), alignment);
    const size = headerBytes + dataBytes;
    await handle.truncate(size);
    const sink = new FileSink(handle);
    // The header's pieces are ours (or views of a file's header that nobody changes): written in the background.
    for (const piece of header) await sink.writeBehind(piece);
    const dataOffset = sink.position;
    const names = options.tensors.map((t) => t.name);
    const plan = planCopyRuns(
      options.tensors.map((t) => t.data),
      infos,
      sizes,
    );
    for (const step of plan) {
      if (typeof step === "number") {
        await writeTensorData(sink, options.tensors[step] as GgufTensorInput, sizes[step] as number, path);
      } else {
        await sink.copyRange(step.range, (offset) => tensorNameAt(step, names, offset), step.gaps);
      }
      await sink.pad(alignment);
    }
    await sink.finish();
    const bytes = sink.position;
    // A writer bug, not bad input: the layout and what was written disagree (the file would have a wrong tail).
    if (bytes !== size) throw new Error(`internal: wrote ${bytes} bytes of GGUF, the layout has ${size}`);
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    return { path, bytes, dataOffset };
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw fileSystemError(e, path, "write");
  }
}
