/**
 * Upstream's `StreamableParser` (from the openai-harmony 0.4.0 WASM) with Overtone-shaped getters: absent
 * values are `undefined` (the WASM getters return "" for `None`, so header fields are read from the state JSON,
 * where `None` and `""` differ: a header `to=` gives recipient "").
 *
 * The WASM parser always takes a role and has no `process_eos`; see harmony-oracle.ts for how both are filled.
 */
import type { JsStreamableParser } from "openai-harmony";
import type { JsonValue, Role } from "../../packages/harmony/src/types.js";

/** An error raised by the upstream WASM (which throws bare strings), carrying upstream's message. */
export class OracleError extends Error {
  override name = "OracleError";
}

export function asOracleError(thrown: unknown): OracleError {
  return thrown instanceof OracleError ? thrown : new OracleError(String(thrown));
}

type JsonObject = { [key: string]: JsonValue };

export type OracleParserState = "ExpectStart" | "Header" | "Content";

/** Everything a streaming client reads after each token, in one crossing into the WASM. */
export interface OracleParserSnapshot {
  state: OracleParserState;
  currentRole: Role | undefined;
  currentChannel: string | undefined;
  currentRecipient: string | undefined;
  currentContentType: string | undefined;
  currentContent: string;
  lastContentDelta: string | undefined;
}

interface StateJson {
  state: OracleParserState;
  header_tokens?: number[];
  header?: {
    author: { role: Role; name?: string | null };
    recipient: string | null;
    channel: string | null;
    content_type: string | null;
  };
  content_tokens?: number[];
}

const MESSAGE = 200008;
const END = 200007;

export class OracleStreamableParser {
  readonly #inner: JsStreamableParser;
  readonly #role: Role | null;
  readonly #reparse: (tokens: readonly number[]) => JsonObject[];
  readonly #fed: number[] = [];
  /** Messages produced by priming a role-less parser; not part of the stream. */
  readonly #hidden: number;
  #afterEos: JsonObject[] | undefined;
  #failure: Error | undefined;

  constructor(
    inner: JsStreamableParser,
    role: Role | null,
    reparse: (tokens: readonly number[]) => JsonObject[],
  ) {
    this.#inner = inner;
    this.#role = role;
    this.#reparse = reparse;
    if (role === null) {
      // <|message|><|end|> finishes the role's (empty) first message: upstream is then in ExpectStart with no
      // next role, exactly where a parser created without a role starts.
      inner.process(MESSAGE);
      inner.process(END);
      this.#hidden = 1;
    } else {
      this.#hidden = 0;
    }
  }

  /** The role this parser was created with (null: none). */
  get role(): Role | null {
    return this.#role;
  }

  process(token: number): void {
    this.#checkUsable();
    this.#fed.push(token);
    try {
      this.#inner.process(token);
    } catch (error) {
      this.#failure = asOracleError(error);
      throw this.#failure;
    }
  }

  processEos(): void {
    this.#checkUsable();
    try {
      this.#afterEos = this.#reparse(this.#fed);
    } catch (error) {
      this.#failure = asOracleError(error);
      throw this.#failure;
    }
  }

  #checkUsable(): void {
    if (this.#failure) throw new Error(`oracle parser already failed: ${this.#failure.message}`);
    if (this.#afterEos) throw new Error("oracle parser: process after processEos");
  }

  #stateJson(): StateJson {
    if (this.#afterEos) return { state: "ExpectStart" };
    return JSON.parse(this.#inner.state) as StateJson;
  }

  snapshot(): OracleParserSnapshot {
    const state = this.#stateJson();
    return {
      state: state.state,
      currentRole: this.currentRole,
      currentChannel: state.header?.channel ?? undefined,
      currentRecipient: state.header?.recipient ?? undefined,
      currentContentType: state.header?.content_type ?? undefined,
      currentContent: this.currentContent,
      lastContentDelta: this.lastContentDelta,
    };
  }

  get state(): OracleParserState {
    return this.#stateJson().state;
  }

  get currentRole(): Role | undefined {
    if (this.#afterEos) return undefined;
    return (this.#inner.currentRole || undefined) as Role | undefined;
  }

  get currentChannel(): string | undefined {
    return this.#stateJson().header?.channel ?? undefined;
  }

  get currentRecipient(): string | undefined {
    return this.#stateJson().header?.recipient ?? undefined;
  }

  get currentContentType(): string | undefined {
    return this.#stateJson().header?.content_type ?? undefined;
  }

  get currentContent(): string {
    if (this.#afterEos) return "";
    return this.#inner.currentContent;
  }

  /** The text the last token added to the content; undefined when it added none (upstream's `None`). */
  get lastContentDelta(): string | undefined {
    if (this.#afterEos) return undefined;
    return this.#inner.lastContentDelta || undefined;
  }

  /** Finished messages in serde shape (content is a plain string). */
  get messages(): JsonObject[] {
    if (this.#afterEos) return this.#afterEos;
    return (JSON.parse(this.#inner.messages) as JsonObject[]).slice(this.#hidden);
  }

  /** Every token fed (the priming tokens of a role-less parser excluded). */
  get tokens(): number[] {
    return [...this.#fed];
  }
}
