/**
 * One tensor's ablation, streamed from the input GGUF with bounded memory: whole rows are read in batches,
 * decoded to F32, edited, re-encoded in the tensor's own type and handed to the writer; nothing else of the
 * file is held. A residual writer (`attn_output.weight`, every expert of `ffn_down_exps.weight`) needs its
 * column statistics first (ablation-math.ts), so it is read twice; residual-space vectors (a bias, each row of
 * `token_embd`) are edited in one pass. A row the edit leaves alone (its direction component is 0) keeps its
 * original bytes, so a sparse direction re-encodes only what it changes.
 */
import { decodeTensor, encodedByteLength, encodeTensor } from "@overtone/gguf";
import type { GgufFile, GgufTensorInfo } from "@overtone/gguf/node";
import { type Ablation, ColumnStats, editRows, editVectors } from "./ablation-math.js";

/** Rows per batch: ~4 MB of F32 for gpt-oss's 2880-wide rows. */
const ROWS_PER_BATCH = 384;

/** How the tensor meets the residual stream. */
export type EditKind = "writer" | "vectors";

/** What one edit did, for the report: ‖r̂ᵀW‖ (writer) or ‖(r̂·v)‖ (vectors) before and after, summed over slices. */
export interface TensorEditReport {
  name: string;
  type: string;
  kind: EditKind;
  before: number;
  after: number;
  rowsChanged: number;
  rows: number;
}

export interface TensorEdit {
  info: GgufTensorInfo;
  kind: EditKind;
  ablation: Ablation;
}

/** The edited tensor's bytes as a stream (for copyWithEdits); `report` is filled in as it runs. */
export function editedTensorStream(
  file: GgufFile,
  edit: TensorEdit,
  report: TensorEditReport,
): () => AsyncIterable<Uint8Array> {
  return () => (edit.kind === "writer" ? writerStream(file, edit, report) : vectorStream(file, edit, report));
}

export function newReport({ info, kind }: TensorEdit): TensorEditReport {
  return {
    name: info.name,
    type: info.typeName,
    kind,
    before: 0,
    after: 0,
    rowsChanged: 0,
    rows: 0,
  };
}

interface Batch {
  first: number;
  bytes: Uint8Array;
  values: Float32Array;
}

async function* rowBatches(file: GgufFile, info: GgufTensorInfo): AsyncGenerator<Batch> {
  const rowBytes = encodedByteLength(info.type, Number(info.shape[0]));
  const rowElements = Number(info.shape[0]);
  let first = 0;
  for await (const bytes of file.streamTensor(info.name, { chunkSize: rowBytes * ROWS_PER_BATCH })) {
    const rows = bytes.length / rowBytes;
    yield { first, bytes, values: decodeTensor(info.type, bytes, rows * rowElements) };
    first += rows;
  }
}

/** W' = W − s·r̂(r̂ᵀW) per slice (each expert of a 3-D tensor is its own matrix of ne1 rows). */
async function* writerStream(
  file: GgufFile,
  { info, ablation }: TensorEdit,
  report: TensorEditReport,
): AsyncGenerator<Uint8Array> {
  const columns = Number(info.shape[0]);
  const rowsPerSlice = Number(info.shape[1]);
  const slices = info.shape.length > 2 ? Number(info.shape[2]) : 1;
  const stats = Array.from({ length: slices }, () => new ColumnStats(ablation.direction, columns));
  for await (const batch of rowBatches(file, info)) accumulateSlices(batch, rowsPerSlice, columns, stats);
  report.before = Math.hypot(...stats.map((s) => s.writeNorm()));
  const after = Array.from({ length: slices }, () => new ColumnStats(ablation.direction, columns));
  for await (const batch of rowBatches(file, info)) {
    const rowBytes = batch.bytes.length / (batch.values.length / columns);
    const changed: boolean[] = [];
    for (let row = 0; row * columns < batch.values.length; row++) {
      const global = batch.first + row;
      const slice = Math.floor(global / rowsPerSlice);
      const inSlice = global % rowsPerSlice;
      const view = batch.values.subarray(row * columns, (row + 1) * columns);
      changed.push(ablation.scale * (ablation.direction[inSlice] as number) !== 0);
      editRows(view, inSlice, stats[slice] as ColumnStats, ablation);
    }
    const encoded = encodeKeepingRows(info.type, batch, changed, rowBytes);
    report.rowsChanged += changed.filter(Boolean).length;
    report.rows += changed.length;
    const decoded = { ...batch, values: decodeTensor(info.type, encoded, batch.values.length) };
    accumulateSlices(decoded, rowsPerSlice, columns, after);
    yield encoded;
  }
  report.after = Math.hypot(...after.map((s) => s.writeNorm()));
}

function accumulateSlices(batch: Batch, rowsPerSlice: number, columns: number, stats: ColumnStats[]): void {
  for (let row = 0; row * columns < batch.values.length; row++) {
    const global = batch.first + row;
    const slice = stats[Math.floor(global / rowsPerSlice)] as ColumnStats;
    slice.accumulate(batch.values.subarray(row * columns, (row + 1) * columns), global % rowsPerSlice);
  }
}

/** v ← v − s(r̂·v)r̂ for every row of ne0 = n_embd values (a bias is one row per expert, token_embd one per token). */
async function* vectorStream(
  file: GgufFile,
  { info, ablation }: TensorEdit,
  report: TensorEditReport,
): AsyncGenerator<Uint8Array> {
  const width = Number(info.shape[0]);
  let before = 0;
  let after = 0;
  for await (const batch of rowBatches(file, info)) {
    const rowBytes = batch.bytes.length / (batch.values.length / width);
    const changed: boolean[] = [];
    for (let row = 0; row * width < batch.values.length; row++) {
      const view = batch.values.subarray(row * width, (row + 1) * width);
      const moved = editVectors(view, ablation);
      before += moved.before ** 2;
      changed.push(moved.before !== 0 && ablation.scale !== 0);
    }
    const encoded = encodeKeepingRows(info.type, batch, changed, rowBytes);
    const decoded = decodeTensor(info.type, encoded, batch.values.length);
    for (let row = 0; row * width < decoded.length; row++) {
      let dot = 0;
      for (let i = 0; i < width; i++)
        dot += (ablation.direction[i] as number) * (decoded[row * width + i] as number);
      after += dot * dot;
    }
    report.rowsChanged += changed.filter(Boolean).length;
    report.rows += changed.length;
    yield encoded;
  }
  report.before = Math.sqrt(before);
  report.after = Math.sqrt(after);
}

/** The batch re-encoded, with the original bytes of every row the edit did not change. */
function encodeKeepingRows(type: number, batch: Batch, changed: boolean[], rowBytes: number): Uint8Array {
  if (!changed.some(Boolean)) return batch.bytes;
  const encoded = encodeTensor(type, batch.values);
  changed.forEach((c, row) => {
    if (!c) encoded.set(batch.bytes.subarray(row * rowBytes, (row + 1) * rowBytes), row * rowBytes);
  });
  return encoded;
}

/** The refusal for a type the codecs cannot re-encode. */
export function uneditableTypeMessage(info: GgufTensorInfo): string {
  return `${info.name} is ${info.typeName}, which Overtone cannot re-encode exactly (F32, F16, BF16, Q8_0 and MXFP4 can)`;
}
