/**
 * A key path in a ladder file and the checks that name it in their errors (`ladder.yaml: models[1].params.top_p
 * must be a number from 0 to 1, not 3`), in the gateway config's style (gateway/config.ts). Unknown keys are
 * refused too: a misspelt `repetition:` silently meaning "5 repetitions" would cost a whole run.
 */
import { ConfigError } from "@overtone/errors";

const DOCS = "see the ladder file format in docs/bench.md";

export class KeyPath {
  constructor(
    private readonly file: string,
    private readonly path: string,
  ) {}

  to(key: string): KeyPath {
    return new KeyPath(this.file, this.path === "" ? key : `${this.path}.${key}`);
  }

  fail(problem: string, hint: string): ConfigError {
    const where = this.path === "" ? this.file : `${this.file}: ${this.path}`;
    return new ConfigError(`${where} ${problem}`, { where, hint });
  }

  /** A mapping whose keys are all among `known`. */
  object(value: unknown, known: readonly string[]): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw this.fail("must be a mapping (key: value lines)", DOCS);
    const entry = value as Record<string, unknown>;
    const unknown = Object.keys(entry).find((key) => !known.includes(key));
    if (unknown !== undefined)
      throw this.to(unknown).fail("is not a known key", `use one of: ${known.join(", ")}`);
    return entry;
  }

  list(value: unknown): unknown[] {
    if (Array.isArray(value)) return value;
    throw this.fail(value === undefined ? "is missing" : "must be a list (lines starting with -)", DOCS);
  }

  label(value: unknown): string {
    if (typeof value === "string" && value.trim() !== "") return value;
    if (value === undefined) throw this.fail("is missing", DOCS);
    throw this.fail(
      `must be a non-empty string, not ${JSON.stringify(value)}`,
      "quote it if it looks like a number",
    );
  }

  boolean(value: unknown): boolean {
    if (typeof value === "boolean") return value;
    throw this.fail(`must be true or false, not ${JSON.stringify(value)}`, "gpt-oss models: true");
  }

  oneOf<T extends string>(value: unknown, allowed: readonly T[]): T {
    if (allowed.includes(value as T)) return value as T;
    throw this.fail(`is ${JSON.stringify(value)}`, `use one of: ${allowed.join(", ")}`);
  }

  number(value: unknown, min: number, max: number): number {
    if (typeof value === "number" && value >= min && value <= max) return value;
    throw this.fail(
      `must be a number from ${min} to ${max}, not ${JSON.stringify(value)}`,
      `e.g. ${max / 2}`,
    );
  }

  integer(value: unknown, min: number): number {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= min) return value;
    throw this.fail(
      `must be a whole number ≥ ${min}, not ${JSON.stringify(value)}`,
      `e.g. ${Math.max(min, 1)}`,
    );
  }

  url(value: unknown): string {
    const text = this.label(value);
    if (/^https?:\/\/[^/\s]+/.test(text)) return text;
    throw this.fail(`must be an http(s) URL, not ${JSON.stringify(text)}`, "e.g. http://127.0.0.1:8080/v1");
  }
}
