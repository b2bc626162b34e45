/**
 * `@overtone/errors`: Overtone's error tree. A leaf that imports nothing, so every package (the pure Harmony and
 * GGUF libraries included) may use it without pulling in anything else.
 *
 * Every error carries a stable `code` (one of `OvertoneErrorCode`, to switch on), the structured facts of what
 * went wrong, a `hint` that says what to do about it, and the error it wraps as `cause` (ES2022) when it wraps
 * one. The CLI prints `message` (plus the hint) on one line; `--debug` adds the stack and the causes.
 */

/** Every `code` an Overtone error can carry. */
export type OvertoneErrorCode =
  | "HARMONY_PARSE"
  | "HARMONY_RENDER"
  | "TOKENIZER"
  | "INPUT"
  | "CONFIG"
  | "GGUF_FORMAT"
  | "GGUF_CODEC"
  | "BACKEND"
  | "ABORTED";

/** Options every Overtone error takes: what to do about it, and the error it wraps. */
export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

/**
 * Marks Overtone errors across realms and copies: `instanceof` fails when an error comes from another copy of this
 * package (two versions in node_modules, a worker, a vm context); a registered symbol does not.
 */
const BRAND = Symbol.for("overtone.error");

export class OvertoneError extends Error {
  readonly code: OvertoneErrorCode;
  readonly hint: string | undefined;

  constructor(code: OvertoneErrorCode, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options?.hint;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Whether `value` is an Overtone error, from this copy of the package or any other (see BRAND). Narrow further on
 * `code`: `if (isOvertoneError(e) && e.code === "BACKEND") …`.
 */
export function isOvertoneError(value: unknown): value is OvertoneError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Harmony output that cannot be parsed: where in the token (or character) stream, and in which parser state. */
export class HarmonyParseError extends OvertoneError {
  readonly offset: number;
  readonly state: string;

  constructor(message: string, details: { offset: number; state: string } & ErrorOptions) {
    super("HARMONY_PARSE", message, details);
    this.offset = details.offset;
    this.state = details.state;
  }
}

/** A conversation that cannot be rendered as Harmony (e.g. a tool message without a name). */
export class HarmonyRenderError extends OvertoneError {
  constructor(message: string, options?: ErrorOptions) {
    super("HARMONY_RENDER", message, options);
  }
}

/** Token ids or bytes that the o200k_harmony tokenizer cannot decode. */
export class TokenizerError extends OvertoneError {
  readonly token: number | undefined;

  constructor(message: string, options?: { token?: number } & ErrorOptions) {
    super("TOKENIZER", message, options);
    this.token = options?.token;
  }
}

/** Bad input handed in by a user or a caller: what was wrong, where (a JSON path, a file, a flag), and the fix. */
export class InputError extends OvertoneError {
  readonly where: string;

  constructor(message: string, details: { where: string } & ErrorOptions) {
    super("INPUT", message, details);
    this.where = details.where;
  }
}

/** Configuration that cannot work (missing model, bad option combination): what, where, and the fix. */
export class ConfigError extends OvertoneError {
  readonly where: string;

  constructor(message: string, details: { where: string } & ErrorOptions) {
    super("CONFIG", message, details);
    this.where = details.where;
  }
}

/**
 * A GGUF file that cannot be read: what was being read, at which byte offset, what was found there, and the limit
 * it broke. `key` names the metadata key or tensor involved, when there is one.
 */
export class GgufFormatError extends OvertoneError {
  readonly offset: number;
  readonly key: string | undefined;
  readonly what: string;
  readonly found: number | bigint | string | undefined;
  readonly limit: number | bigint | string | undefined;

  constructor(
    message: string,
    details: {
      offset: number;
      what: string;
      key?: string;
      found?: number | bigint | string;
      limit?: number | bigint | string;
    } & ErrorOptions,
  ) {
    super("GGUF_FORMAT", message, details);
    this.offset = details.offset;
    this.what = details.what;
    this.key = details.key;
    this.found = details.found;
    this.limit = details.limit;
  }
}

/**
 * Tensor data a GGUF codec cannot convert: which ggml type, what was wrong (no codec for the type, an element
 * count that is not a whole number of blocks, too few bytes or too small an output), what was found and the limit.
 */
export class GgufCodecError extends OvertoneError {
  readonly type: number;
  readonly typeName: string;
  readonly what: string;
  readonly found: number | undefined;
  readonly limit: number | undefined;

  constructor(
    message: string,
    details: { type: number; typeName: string; what: string; found?: number; limit?: number } & ErrorOptions,
  ) {
    super("GGUF_CODEC", message, details);
    this.type = details.type;
    this.typeName = details.typeName;
    this.what = details.what;
    this.found = details.found;
    this.limit = details.limit;
  }
}

/**
 * A request to a server (a backend, a model host) that failed: the HTTP status (undefined when no response came
 * back at all), the URL, the start of the response body, and whether trying again may help. `network` carries the
 * system error code (`ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT`, …) when the connection itself failed, so callers can
 * tell "offline" from "the server said no".
 */
export class BackendError extends OvertoneError {
  readonly status: number | undefined;
  readonly url: string;
  readonly body: string | undefined;
  readonly retryable: boolean;
  readonly network: string | undefined;

  constructor(
    message: string,
    details: {
      url: string;
      retryable: boolean;
      status?: number;
      body?: string;
      network?: string;
    } & ErrorOptions,
  ) {
    super("BACKEND", message, details);
    this.status = details.status;
    this.url = details.url;
    this.body = details.body;
    this.retryable = details.retryable;
    this.network = details.network;
  }
}

/**
 * A request the caller aborted (its `AbortSignal` fired). Streams report an abort as a `finish` with reason
 * `aborted`; this error is what a call that returns a single value throws instead.
 */
export class AbortedError extends OvertoneError {
  constructor(message = "the request was aborted", options?: ErrorOptions) {
    super("ABORTED", message, options);
  }
}

/**
 * Ordinary file-system mistakes (a path that is not there, a directory where a file was meant, no permission, a
 * full or read-only disk) as Overtone errors: one line naming the user's path and the fix, instead of Node's
 * `ENOENT: no such file or directory, open '.model.gguf.1234-ab.tmp'` reported as a crash. Every place that opens,
 * reads or writes a file the user named maps its errors through `fileSystemError`, so they all read alike.
 * Pure (it looks only at the error's `code`): this package imports nothing, Node's `fs` included.
 */

/** What was being done to the path: read an input, or write an output. */
export type FileAction = "read" | "write";

interface Wording {
  /** Said after the path. */
  what: string;
  hint: string;
  /** A mistake in the path the user typed (InputError), or in the machine's state (ConfigError). */
  kind: "input" | "config";
}

const READ: Record<string, Wording> = {
  ENOENT: { what: "no such file", hint: "check the path", kind: "input" },
  EISDIR: { what: "is a directory, not a file", hint: "pass the path of a file", kind: "input" },
  ENOTDIR: { what: "a part of the path is a file, not a directory", hint: "check the path", kind: "input" },
  EACCES: { what: "permission denied", hint: "check the file's permissions", kind: "config" },
  EPERM: { what: "permission denied", hint: "check the file's permissions", kind: "config" },
};

const WRITE: Record<string, Wording> = {
  ENOENT: {
    what: "its directory does not exist",
    hint: "create the directory first, or write somewhere else",
    kind: "input",
  },
  EISDIR: {
    what: "is a directory",
    hint: "give a file name, e.g. a name inside that directory",
    kind: "input",
  },
  ENOTEMPTY: {
    what: "is a directory",
    hint: "give a file name, e.g. a name inside that directory",
    kind: "input",
  },
  ENOTDIR: { what: "a part of the path is a file, not a directory", hint: "check the path", kind: "input" },
  EEXIST: { what: "already exists", hint: "remove it, or write somewhere else", kind: "input" },
  EACCES: {
    what: "permission denied",
    hint: "check the directory's permissions, or write somewhere else",
    kind: "config",
  },
  EPERM: {
    what: "permission denied",
    hint: "check the directory's permissions, or write somewhere else",
    kind: "config",
  },
  ENOSPC: { what: "the disk is full", hint: "free some space, or write to another disk", kind: "config" },
  EDQUOT: {
    what: "the disk quota is used up",
    hint: "free some space, or write to another disk",
    kind: "config",
  },
  EROFS: { what: "the file system is read-only", hint: "write somewhere else", kind: "config" },
};

/**
 * `error` as an InputError or ConfigError naming `path` (the path the user gave, never a temporary file) with the
 * fix, the original error kept as `cause`; any other error (not a file-system one, or one already an Overtone
 * error) is returned unchanged. Use as `catch (e) { throw fileSystemError(e, path, "write"); }`.
 */
export function fileSystemError(
  error: unknown,
  path: string,
  action: FileAction,
  options: { where?: string } = {},
): unknown {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== "string") return error;
  const table = action === "read" ? READ : WRITE;
  if (!Object.hasOwn(table, code)) return error;
  const wording = table[code] as Wording;
  const message = action === "read" ? `${path}: ${wording.what}` : `cannot write ${path}: ${wording.what}`;
  const details = { where: options.where ?? path, hint: wording.hint, cause: error };
  return wording.kind === "input" ? new InputError(message, details) : new ConfigError(message, details);
}
