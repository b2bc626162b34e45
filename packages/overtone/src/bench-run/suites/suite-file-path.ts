/**
 * A key path in a user's suite file (`cases[2].assert[0].value`) and the checks that name it: every mistake in
 * the file is one ConfigError saying which file, which key, what was wrong and how to fix it, raised before any
 * model is asked anything.
 */
import { ConfigError } from "@overtone/errors";

const SEE_DOCS = "see the Suites section of docs/bench.md, or examples/suite.yaml";

export class SuiteFilePath {
  constructor(
    readonly file: string,
    readonly path = "",
  ) {}

  to(key: string | number): SuiteFilePath {
    const step = typeof key === "number" ? `[${key}]` : this.path === "" ? key : `.${key}`;
    return new SuiteFilePath(this.file, `${this.path}${step}`);
  }

  fail(problem: string, hint = SEE_DOCS): ConfigError {
    const where = this.path === "" ? this.file : `${this.file}: ${this.path}`;
    return new ConfigError(`${where} ${problem}`, { where, hint });
  }

  /** A mapping, its keys limited to `allowed` (a misspelt key is an error, not a silently skipped check). */
  object(value: unknown, allowed: readonly string[]): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw this.fail("must be a mapping (key: value lines)");
    }
    const unknown = Object.keys(value).find((key) => !allowed.includes(key));
    if (unknown !== undefined) {
      throw this.to(unknown).fail("is not a known key", `use one of: ${allowed.join(", ")}`);
    }
    return value as Record<string, unknown>;
  }

  list(value: unknown): unknown[] {
    if (Array.isArray(value)) return value;
    throw this.fail("must be a list (lines starting with -)");
  }

  string(value: unknown): string {
    if (typeof value === "string" && value.trim() !== "") return value;
    throw this.fail(
      `must be a non-empty string, not ${JSON.stringify(value) ?? "nothing"}`,
      "quote it if it looks like a number",
    );
  }

  oneOf<T extends string>(value: unknown, options: readonly T[]): T {
    if (options.includes(value as T)) return value as T;
    throw this.fail(`is ${JSON.stringify(value) ?? "missing"}`, `use one of: ${options.join(", ")}`);
  }

  positiveInteger(value: unknown): number {
    if (Number.isInteger(value) && (value as number) > 0) return value as number;
    throw this.fail(`must be a whole number above 0, not ${JSON.stringify(value)}`);
  }
}
