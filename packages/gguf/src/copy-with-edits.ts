/**
 * Copying a GGUF file with metadata and tensor edits. Unchanged tensors are streamed through byte for byte;
 * keys keep their position and exact types. With no edits, a file written by ggml (or gguf-py) comes out
 * byte-identical, because the writer lays data out exactly as ggml does and keeps the input's version and, for
 * a file without tensors, its choice of header padding. The input is never opened for writing, and an output
 * path that is (or links to) the input is refused.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileSystemError, InputError } from "@overtone/errors";
import { GgufFile } from "./gguf-file.js";
import type { GgufMetadata, GgufValue } from "./gguf-values.js";
import type { GgufTensorData, GgufTensorInput, WriteGgufResult } from "./write-gguf.js";
import { writeGguf } from "./write-gguf.js";

export interface TensorReplacement {
  /** Defaults to the original type. */
  type?: number;
  /** Defaults to the original shape. */
  shape?: readonly number[];
  data: GgufTensorData;
}

export interface CopyEdits {
  /** Replace a key in place (keeping its position) or append a new one. */
  setMetadata?: Map<string, GgufValue> | Record<string, GgufValue>;
  /** Keys to remove; a key that is not there is an error (it is usually a typo). */
  deleteMetadata?: readonly string[];
  /** New data (and optionally type/shape) for existing tensors, by name. */
  replaceTensors?: Map<string, TensorReplacement> | Record<string, TensorReplacement>;
}

function entries<T>(m: Map<string, T> | Record<string, T> | undefined): [string, T][] {
  if (m === undefined) return [];
  return m instanceof Map ? [...m] : Object.entries(m);
}

async function refuseSameFile(inPath: string, outPath: string): Promise<void> {
  const same = () =>
    new InputError(`refusing to write ${outPath}: it is the input file, which is never modified`, {
      where: outPath,
      hint: "write to a new path",
    });
  if (resolve(inPath) === resolve(outPath)) throw same();
  const [a, b] = await Promise.all([
    stat(inPath).catch((error: unknown) => {
      throw fileSystemError(error, inPath, "read");
    }),
    stat(outPath).catch(() => undefined),
  ]);
  // A hard link or a symlink reaches the same inode under another name.
  if (b !== undefined && a.dev === b.dev && a.ino === b.ino) throw same();
}

function editMetadata(metadata: GgufMetadata, edits: CopyEdits, where: string): GgufMetadata {
  const out = new Map(metadata);
  for (const key of edits.deleteMetadata ?? []) {
    if (!out.delete(key))
      throw new InputError(`cannot delete metadata key "${key}": the file does not have it`, { where });
  }
  // Map.set keeps an existing key's position and appends a new one: exactly the wanted order.
  for (const [key, value] of entries(edits.setMetadata)) out.set(key, value);
  return out;
}

/** Copy `inPath` to `outPath` applying `edits`; returns what was written. */
export async function copyWithEdits(
  inPath: string,
  outPath: string,
  edits: CopyEdits = {},
): Promise<WriteGgufResult> {
  await refuseSameFile(inPath, outPath);
  const input = await GgufFile.open(inPath);
  try {
    const metadata = editMetadata(input.metadata, edits, inPath);
    const replacements = new Map(entries(edits.replaceTensors));
    for (const name of replacements.keys()) input.tensor(name); // throws for an unknown name
    const tensors = input.tensors.map((t): GgufTensorInput => {
      const r = replacements.get(t.name);
      if (r === undefined)
        return { name: t.name, type: t.type, shape: t.shape, data: input.tensorRange(t.name) };
      return { name: t.name, type: r.type ?? t.type, shape: r.shape ?? t.shape, data: r.data };
    });
    return await writeGguf(outPath, {
      metadata,
      tensors,
      version: input.version,
      padEmptyDataSection: input.fileSize > input.headerEnd,
    });
  } finally {
    await input.close();
  }
}
