/**
 * DuckDB values as JSON-safe values, for a result that goes to a terminal, `--json` and a model's context alike.
 * DuckDB's own JSON converter turns every BIGINT and DECIMAL into a string, so a `count(*)` would read "3" — a
 * model (and a test) comparing numbers wants 3. Here a number stays a number when JavaScript holds it exactly
 * and becomes its exact decimal text only when it would not; dates and timestamps are ISO 8601 text.
 */
import {
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValueConverter,
  type Json,
  JsonDuckDBValueConverter,
} from "@duckdb/node-api";

/** A JSON-safe value in a query result. */
export type JsonValue = Json;

/** Integer types wider than a double's 53 bits of mantissa. */
const WIDE_INTEGERS = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.BIGNUM,
]);

/** Timestamp types, whose DuckDB text `2024-01-02 03:04:05` becomes ISO's `2024-01-02T03:04:05`. */
const TIMESTAMPS = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

/** The converter to hand DuckDB's readers (`reader.convertRows(toJsonValue)`); it recurses into lists and structs. */
export const toJsonValue: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null;
  if (WIDE_INTEGERS.has(type.typeId) || type.typeId === DuckDBTypeId.DECIMAL)
    return exactNumber(String(value));
  if (TIMESTAMPS.has(type.typeId)) return isoTimestamp(String(value));
  return JsonDuckDBValueConverter(value, type, converter);
};

/**
 * `text` (an integer or a plain decimal) as a number when it is within ±(2^53 − 1) and the number prints back as
 * the same value, else the text itself: 12 → 12, "10.50" → 10.5, but 2^53 + 2 (exact as a double, yet past the
 * range where integers are unambiguous), 2^63 − 1 or a DECIMAL(38,2) sum of that size stay exact as text.
 */
export function exactNumber(text: string): number | string {
  const number = Number(text);
  if (!Number.isFinite(number) || Math.abs(number) > Number.MAX_SAFE_INTEGER) return text;
  if (canonicalDecimal(String(number)) !== canonicalDecimal(text)) return text;
  return number === 0 ? 0 : number; // JSON has no -0
}

/** A decimal's text without a leading `+`, leading zeros, trailing fraction zeros or a bare `.`, and `-0` as `0`. */
function canonicalDecimal(text: string): string {
  if (/e/i.test(text)) return text; // exponent form: only produced for numbers far outside the safe range
  const negative = text.startsWith("-");
  let body = text.replace(/^[-+]/, "");
  if (body.includes(".")) body = body.replace(/0+$/, "").replace(/\.$/, "");
  body = body.replace(/^0+(?=\d)/, "");
  return negative && body !== "0" ? `-${body}` : body;
}

/** DuckDB's timestamp text with ISO's `T` between date and time; `infinity` and the like pass through. */
function isoTimestamp(text: string): string {
  return /^-?\d{4,}-\d\d-\d\d \d/.test(text) ? text.replace(" ", "T") : text;
}

/** A value's DuckDB type as SQL text (`DECIMAL(18,3)`, `STRUCT("a" INTEGER)`). */
export function typeText(type: DuckDBType): string {
  return type.toString();
}
