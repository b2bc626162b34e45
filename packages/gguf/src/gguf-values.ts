/**
 * Typed GGUF metadata values. Every value keeps its exact GGUF type, so a file copied through Overtone writes a
 * u32 back as a u32 and an f32 as an f32; llama.cpp's loader is strict about some types (e.g.
 * `general.alignment` must be u32). Type names are ggml's own (`gguf_type_name`: u8, i8, …, str, arr).
 * 64-bit integers are bigint so no value is rounded.
 */
export const GGUF_VALUE_TYPE = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  str: 8,
  arr: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPE;
export type GgufNumberType = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64";
export type GgufBigIntType = "u64" | "i64";

/** An array's items: all of one type; arrays of arrays hold nested `GgufArray`s (the spec allows it, ggml does not). */
export type GgufArray =
  | { itemType: GgufNumberType; value: number[] }
  | { itemType: GgufBigIntType; value: bigint[] }
  | { itemType: "bool"; value: boolean[] }
  | { itemType: "str"; value: string[] }
  | { itemType: "arr"; value: GgufArray[] };

export type GgufValue =
  | { type: GgufNumberType; value: number }
  | { type: GgufBigIntType; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "str"; value: string }
  | ({ type: "arr" } & GgufArray);

/** Metadata in file order. */
export type GgufMetadata = Map<string, GgufValue>;

const NAME_BY_ID: readonly (GgufValueTypeName | undefined)[] = (() => {
  const names: (GgufValueTypeName | undefined)[] = [];
  for (const [name, id] of Object.entries(GGUF_VALUE_TYPE)) names[id] = name as GgufValueTypeName;
  return names;
})();

/** The type name for a GGUF value type id, or undefined for an id the format does not define. */
export function ggufValueTypeName(id: number): GgufValueTypeName | undefined {
  return NAME_BY_ID[id];
}

/** Bytes of one fixed-size item; 0 for str and arr, whose size depends on content. */
export const GGUF_VALUE_SIZE: Record<GgufValueTypeName, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  str: 0,
  arr: 0,
  u64: 8,
  i64: 8,
  f64: 8,
};

/** Shorthands for building typed values: `ggufValue.u32(5)`, `ggufValue.array("str", ["a"])`. */
export const ggufValue = {
  u8: (value: number): GgufValue => ({ type: "u8", value }),
  i8: (value: number): GgufValue => ({ type: "i8", value }),
  u16: (value: number): GgufValue => ({ type: "u16", value }),
  i16: (value: number): GgufValue => ({ type: "i16", value }),
  u32: (value: number): GgufValue => ({ type: "u32", value }),
  i32: (value: number): GgufValue => ({ type: "i32", value }),
  f32: (value: number): GgufValue => ({ type: "f32", value }),
  f64: (value: number): GgufValue => ({ type: "f64", value }),
  u64: (value: bigint): GgufValue => ({ type: "u64", value }),
  i64: (value: bigint): GgufValue => ({ type: "i64", value }),
  bool: (value: boolean): GgufValue => ({ type: "bool", value }),
  str: (value: string): GgufValue => ({ type: "str", value }),
  array: (...[itemType, value]: ArrayArgs): GgufValue => ({ type: "arr", itemType, value }) as GgufValue,
};

/** The items for an item type (by conditions: numeric types share one union member, which `Extract` misses). */
type ItemsOf<K extends GgufArray["itemType"]> = K extends GgufNumberType
  ? number[]
  : K extends GgufBigIntType
    ? bigint[]
    : K extends "bool"
      ? boolean[]
      : K extends "str"
        ? string[]
        : GgufArray[];
type ArrayArgs = { [K in GgufArray["itemType"]]: [K, ItemsOf<K>] }[GgufArray["itemType"]];

/** Plain JavaScript view of a value (arrays unwrapped, nested arrays too), for display and simple lookups. */
export function plainValue(v: GgufValue | GgufArray): unknown {
  if ("type" in v && v.type !== "arr") return v.value;
  if (v.itemType === "arr") return v.value.map(plainValue);
  return v.value;
}
