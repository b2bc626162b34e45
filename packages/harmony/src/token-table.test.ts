import { describe, expect, it } from "vitest";
import { START } from "./special-tokens.js";
import { learnToken, tokenTable } from "./token-table.js";
import { encodeOrdinary, tokenBytes } from "./tokenizer.js";

function bytesOf(token: number): number[] {
  const table = tokenTable();
  const start = table.starts[token] as number;
  return Array.from(table.bytes.subarray(start, start + (table.lengths[token] as number)));
}

describe("tokenTable / learnToken", () => {
  it("learns a token's text and bytes once", () => {
    const [hello] = encodeOrdinary("hello");
    expect(learnToken(hello as number)).toBe(true);
    expect(tokenTable().texts[hello as number]).toBe("hello");
    expect(bytesOf(hello as number)).toEqual(Array.from(tokenBytes(hello as number)));
    const used = tokenTable().used;
    expect(learnToken(hello as number)).toBe(true);
    expect(tokenTable().used).toBe(used);
  });

  it("keeps null as the text of a piece of a character, and special tokens' literal text", () => {
    expect(learnToken(9552)).toBe(true);
    expect(tokenTable().texts[9552]).toBeNull();
    expect(bytesOf(9552)).toEqual([0x20, 0xf0, 0x9f]);
    expect(learnToken(START)).toBe(true);
    expect(tokenTable().texts[START]).toBe("<|start|>");
  });

  it("refuses what is no token of o200k_harmony", () => {
    for (const id of [-1, 1.5, 201089, 4294967295, Number.NaN]) expect(learnToken(id)).toBe(false);
  });

  it("grows its arena without losing what it learned", () => {
    const ids = Array.from({ length: 15000 }, (_, i) => 100000 + i * 6);
    expect(ids.every((id) => learnToken(id))).toBe(true);
    expect(tokenTable().used).toBeGreaterThan(1 << 16);
    expect(ids.flatMap(bytesOf)).toEqual(ids.flatMap((id) => Array.from(tokenBytes(id))));
  });
});
