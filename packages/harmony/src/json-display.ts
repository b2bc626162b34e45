/**
 * Compact JSON text exactly as `serde_json`'s `Display` writes it, because the tools section prints JSON-Schema
 * defaults with `format!("{default}")`. It differs from `JSON.stringify` only for numbers: serde formats floats
 * with `ryu` (`1e-6`, `1.5e300`, `1.0`) where JavaScript writes `0.000001`, `1.5e+300`, `1`.
 *
 * Which numbers are integers follows upstream's WASM build, which receives JavaScript numbers as we do: a safe
 * integer is an integer, anything else an f64. (Reading JSON text, serde would also keep `1.0` a float and
 * 2^53..2^64 integers exact; JSON.parse has already erased both distinctions.)
 */
import type { JsonValue } from "./types.js";

export function jsonDisplay(value: JsonValue): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return serdeNumber(value);
    case "string":
      // serde_json and JSON.stringify escape the same characters, with lowercase \u00xx.
      return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(jsonDisplay).join(",")}]`;
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) parts.push(`${JSON.stringify(key)}:${jsonDisplay(item)}`);
  return `{${parts.join(",")}}`;
}

export function serdeNumber(n: number): string {
  if (!Number.isFinite(n)) return "null"; // serde_json writes non-finite floats as null
  // -0 is a safe integer too, and prints as 0 (upstream's WASM reads it as the integer 0).
  if (Number.isSafeInteger(n)) return String(Math.abs(n) === 0 ? 0 : n);
  return ryuFloat(n);
}

/** ryu's `format_finite` (the `ryu` crate's pretty printer) for a finite f64. */
export function ryuFloat(n: number): string {
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const sign = n < 0 ? "-" : "";
  // toExponential() without an argument gives the shortest round-trip digits, the same digits ryu finds.
  const [mantissa = "", exponentText = "0"] = Math.abs(n).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const length = digits.length;
  const kk = Number(exponentText) + 1; // 10^(kk-1) <= |n| < 10^kk
  const k = kk - length; // |n| = digits * 10^k
  if (k >= 0 && kk <= 16) return `${sign}${digits}${"0".repeat(k)}.0`;
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -5 && kk <= 0) return `${sign}0.${"0".repeat(-kk)}${digits}`;
  const exponent = `e${kk - 1}`;
  if (length === 1) return `${sign}${digits}${exponent}`;
  return `${sign}${digits[0]}.${digits.slice(1)}${exponent}`;
}
