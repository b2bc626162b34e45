/**
 * Checks call records (call-record.ts) line by line, so a broken run file is reported where it is broken: which
 * file, which line, which field, what was found, instead of a DuckDB cast error about "row group 3". Nullable
 * fields may be left out and read as null, so a hand-written or older writer's line stays readable; everything
 * present must have its documented type and range. Unknown fields are allowed (a newer writer may add some).
 */
import { InputError } from "@overtone/errors";
import { BACKEND_KINDS, CALL_RECORD_SCHEMA, type CallRecord, FINISH_REASONS } from "./call-record.js";

/** A call-record line that is not valid JSON or breaks the schema: the file, the 1-based line and the field. */
export class CallRecordError extends InputError {
  readonly file: string;
  readonly line: number;
  /** Dotted path of the offending field (`timing.decode_tps.client`), or "" when the line is not JSON at all. */
  readonly field: string;

  constructor(message: string, details: { file: string; line: number; field: string; cause?: unknown }) {
    super(`${details.file} line ${details.line}: ${message}`, {
      where: `${details.file}:${details.line}`,
      hint: `each line is one call record of schema ${CALL_RECORD_SCHEMA} (field list: docs/bench.md); fix or remove the line`,
      cause: details.cause,
    });
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
  }
}

/** Returns what the value should have been, or undefined when it is fine. */
type Check = (value: unknown) => string | undefined;
/** A field: its check, whether null (or leaving it out) is allowed, or the fields of a nested object. */
type Field = { check: Check; nullable?: true } | { fields: Shape; nullable?: true };
type Shape = Record<string, Field>;

const is =
  (ok: (v: unknown) => boolean, expected: string): Check =>
  (v) =>
    ok(v) ? undefined : expected;
const string = is((v) => typeof v === "string", "a string");
const label = is((v) => typeof v === "string" && v.trim() !== "", "a non-empty string");
const bool = is((v) => typeof v === "boolean", "true or false");
const nonNegative = is((v) => typeof v === "number" && Number.isFinite(v) && v >= 0, "a number ≥ 0");
const count = is((v) => Number.isInteger(v) && (v as number) >= 0, "a whole number ≥ 0");
const object = is((v) => typeof v === "object" && v !== null && !Array.isArray(v), "a JSON object");
const oneOf = (values: readonly string[]): Check => {
  const allowed = new Set(values);
  return is((v) => allowed.has(v as string), `one of ${values.join(", ")}`);
};
const timestamp = is((v) => typeof v === "string" && !Number.isNaN(Date.parse(v)), "an ISO 8601 time");
const strings = is((v) => Array.isArray(v) && v.every((s) => typeof s === "string"), "a list of strings");
const callErrors = is(
  (v) => Array.isArray(v) && v.every((e) => typeof e?.kind === "string" && typeof e?.message === "string"),
  'a list of {"kind": string, "message": string}',
);
const rating = is((v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5, "1, 2, 3, 4 or 5");

const req = (check: Check): Field => ({ check });
const opt = (check: Check): Field => ({ check, nullable: true });
const pair: Field = { fields: { client: opt(nonNegative), server: opt(nonNegative) }, nullable: true };

const SHAPE: Shape = {
  schema: req(is((v) => v === CALL_RECORD_SCHEMA, `${CALL_RECORD_SCHEMA} (this Overtone reads schema 1)`)),
  call_id: req(label),
  run_id: req(label),
  exp_id: opt(string),
  ts: req(timestamp),
  model: req(label),
  model_size_bytes: opt(nonNegative),
  model_params_b: opt(nonNegative),
  suite: req(label),
  case_id: req(label),
  repetition: req(is((v) => Number.isInteger(v) && (v as number) >= 1, "a whole number ≥ 1")),
  device: req(label),
  backend_kind: req(oneOf(BACKEND_KINDS)),
  endpoint: opt(string),
  prompt_version: opt(string),
  params: opt(object),
  input: opt(object),
  output: { fields: { raw: req(string), final: opt(string), analysis: opt(string) } },
  latency_ms: req(nonNegative),
  timing: {
    nullable: true,
    fields: {
      ttft_ms: opt(nonNegative),
      ttfat_ms: opt(nonNegative),
      itl: {
        nullable: true,
        fields: {
          count: opt(count),
          mean_ms: opt(nonNegative),
          p50_ms: req(nonNegative),
          p90_ms: req(nonNegative),
          max_ms: req(nonNegative),
        },
      },
      tpot_ms: pair,
      prefill_tps: pair,
      decode_tps: pair,
    },
  },
  tokens: {
    nullable: true,
    fields: {
      prompt: opt(count),
      cached_prompt: opt(count),
      analysis: opt(count),
      final: opt(count),
      commentary: opt(count),
    },
  },
  finish_reason: opt(oneOf(FINISH_REASONS)),
  empty_answer_cause: opt(string),
  success: req(bool),
  parsed_ok: opt(bool),
  idea_count: opt(count),
  risk_flags: opt(strings),
  errors: opt(callErrors),
  warmup: req(bool),
  cold_load_ms: opt(nonNegative),
  env: opt(object),
  human: { nullable: true, fields: { rating: opt(rating), note: opt(string) } },
};

/** Lists that a writer may leave out: read as empty. */
const EMPTY_LISTS = new Set(["risk_flags", "errors"]);

/** A field ready to check: its dotted path built once, not per record (the report checks 100,000s of lines). */
interface Compiled {
  name: string;
  path: string;
  field: Field;
  nested: Compiled[] | null;
  /** What a left-out value reads as (computed per use: a shared object would be shared between records). */
  empty: () => unknown;
}

function compile(shape: Shape, prefix: string): Compiled[] {
  return Object.entries(shape).map(([name, field]) => ({
    name,
    path: prefix + name,
    field,
    nested: "fields" in field ? compile(field.fields, `${prefix}${name}.`) : null,
    empty: prefix === "" && EMPTY_LISTS.has(name) ? () => [] : () => nullFilled(field),
  }));
}

const COMPILED = compile(SHAPE, "");

/** A failed check, thrown by checkFields and given its file and line by parseCallRecord. */
class FieldProblem {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly found: unknown,
  ) {}
}

/**
 * Parses one JSONL line into a call record, filling left-out nullable fields with null (and nested objects with
 * their null fields), or throws a CallRecordError naming `file`, `line` and the field.
 */
export function parseCallRecord(text: string, file: string, line: number): CallRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    throw new CallRecordError(`not valid JSON (${reason})`, { file, line, field: "", cause: error });
  }
  try {
    if (object(value) !== undefined) throw new FieldProblem("(the line)", "a JSON object", value);
    checkFields(value as Record<string, unknown>, COMPILED);
    checkTimeOrder(value as CallRecord);
  } catch (problem) {
    if (!(problem instanceof FieldProblem)) throw problem;
    const message = `field "${problem.field}" must be ${problem.expected}, found ${describe(problem.found)}`;
    throw new CallRecordError(message, { file, line, field: problem.field });
  }
  return value as CallRecord;
}

function checkFields(target: Record<string, unknown>, fields: readonly Compiled[]): void {
  for (const { name, path, field, nested, empty } of fields) {
    const value = target[name];
    if (value === undefined || value === null) {
      if (field.nullable !== true)
        throw new FieldProblem(path, value === null ? "set (not null)" : "present", value);
      target[name] = empty();
    } else if (nested === null) {
      const expected = (field as { check: Check }).check(value);
      if (expected !== undefined) throw new FieldProblem(path, expected, value);
    } else {
      if (object(value) !== undefined) throw new FieldProblem(path, "a JSON object", value);
      checkFields(value as Record<string, unknown>, nested);
    }
  }
}

/**
 * The moments of one call come in order: first token, then first answer token (later exactly when there was
 * reasoning), then the end. A writer that breaks this has measured from the wrong start or on the wrong clock.
 */
function checkTimeOrder(record: CallRecord): void {
  const { ttft_ms: ttft, ttfat_ms: ttfat } = record.timing;
  if (ttft !== null && ttft > record.latency_ms) {
    throw new FieldProblem("timing.ttft_ms", `at most latency_ms (${record.latency_ms})`, ttft);
  }
  if (ttfat !== null && ttfat > record.latency_ms) {
    throw new FieldProblem("timing.ttfat_ms", `at most latency_ms (${record.latency_ms})`, ttfat);
  }
  if (ttft !== null && ttfat !== null && ttfat < ttft) {
    throw new FieldProblem(
      "timing.ttfat_ms",
      `at least timing.ttft_ms (${ttft}): the answer's first token is a token`,
      ttfat,
    );
  }
}

/** What a left-out field reads as: null, or for timing/tokens/human an object of nulls (readers need no `?.`). */
function nullFilled(field: Field): unknown {
  if ("check" in field || !Object.values(field.fields).every((f) => f.nullable)) return null;
  return Object.fromEntries(Object.entries(field.fields).map(([k, f]) => [k, nullFilled(f)]));
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
