/**
 * What `overtone gguf inspect` shows, as data: metadata with long arrays summarised, tensors, totals by type, and
 * the chat template's class. JSON-safe (64-bit integers become numbers when exact, else decimal strings).
 */
import { type ChatTemplateCheck, checkChatTemplate } from "./chat-template.js";
import type { GgufFile } from "./gguf-file.js";
import type { GgufArray, GgufValue } from "./gguf-values.js";
import { arrayHead } from "./lazy-array.js";

export type JsonLike = null | boolean | number | string | JsonLike[] | { [key: string]: JsonLike };

export interface GgufSummary {
  path: string;
  fileSize: number;
  version: number;
  alignment: number;
  dataOffset: number;
  metadata: Record<string, JsonLike>;
  /** Type of each metadata value: `u32`, `str`, `arr[str]`… */
  metadataTypes: Record<string, string>;
  tensors: { name: string; type: string; shape: number[]; offset: number; bytes: number }[];
  totalsByType: { type: string; tensors: number; elements: number; bytes: number }[];
  chatTemplate: ChatTemplateCheck;
}

/** Arrays longer than this are shown as their length and first items (unless `fullArrays`). */
export const SUMMARY_ARRAY_ITEMS = 8;

function scalar(value: unknown): JsonLike {
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value as JsonLike;
}

function arrayValue(array: GgufArray, full: boolean): JsonLike {
  const { length, first } = full
    ? { length: array.value.length, first: array.value as unknown[] }
    : arrayHead(array, SUMMARY_ARRAY_ITEMS);
  const mapped = first.map((item) =>
    array.itemType === "arr" ? arrayValue(item as GgufArray, full) : scalar(item),
  );
  if (full || length <= SUMMARY_ARRAY_ITEMS) return mapped;
  return { length, first: mapped };
}

export function valueType(value: GgufValue): string {
  return value.type === "arr" ? `arr[${value.itemType}]` : value.type;
}

export function summarizeGguf(
  file: GgufFile,
  officialHarmonyTemplate: string,
  options: { fullArrays?: boolean } = {},
): GgufSummary {
  const metadata: Record<string, JsonLike> = {};
  const metadataTypes: Record<string, string> = {};
  for (const [key, value] of file.metadata) {
    metadata[key] =
      value.type === "arr" ? arrayValue(value, options.fullArrays ?? false) : scalar(value.value);
    metadataTypes[key] = valueType(value);
  }
  const totals = new Map<string, { type: string; tensors: number; elements: number; bytes: number }>();
  for (const t of file.tensors) {
    const total = totals.get(t.typeName) ?? { type: t.typeName, tensors: 0, elements: 0, bytes: 0 };
    total.tensors++;
    total.elements += t.elements;
    total.bytes += t.bytes;
    totals.set(t.typeName, total);
  }
  return {
    path: file.path,
    fileSize: file.fileSize,
    version: file.version,
    alignment: file.alignment,
    dataOffset: file.dataOffset,
    metadata,
    metadataTypes,
    tensors: file.tensors.map((t) => ({
      name: t.name,
      type: t.typeName,
      shape: [...t.shape],
      offset: t.offset,
      bytes: t.bytes,
    })),
    totalsByType: [...totals.values()].sort((a, b) => b.bytes - a.bytes),
    chatTemplate: checkChatTemplate(file.metadata, officialHarmonyTemplate),
  };
}
