/**
 * The token-level Harmony parser: openai/harmony v0.0.8's `StreamableParser` (spec §7), state for state and
 * error for error, plus what Overtone adds: the token that ended each message, PR #144's
 * `<|channel|>final <|constrain|>json` header, and (strict: false only) recovery from malformed output that real
 * servers produce — see `headerToken`, `expectStartToken` and `recoverHeader`.
 */
import { HarmonyParseError, InputError } from "@overtone/errors";
import { messageFromHeader, readHeader, readUnclosedHeader } from "./header-tokens.js";
import { MessageContent } from "./message-content.js";
import { LEFTOVER_HINT, missingStartHint, unfinishedHeaderHint } from "./parser-hints.js";
import type {
  MessageHeader,
  ParsedMessage,
  ParserEvent,
  ParserOptions,
  ParserState,
  Terminator,
} from "./parser-types.js";
import { CALL, CHANNEL, END, isSpecialToken, MESSAGE, RETURN, START } from "./special-tokens.js";
import { TokenLog } from "./token-log.js";
import { tokenTable } from "./token-table.js";
import { isKnownToken } from "./tokenizer.js";
import type { Message, Role } from "./types.js";
import { ROLES } from "./types.js";

const EXPECT_START = 0;
const HEADER = 1;
const CONTENT = 2;
const STATE_NAMES: readonly ParserState[] = ["ExpectStart", "Header", "Content"];

function terminatorOf(token: number): Terminator | undefined {
  if (token === END) return "end";
  if (token === CALL) return "call";
  if (token === RETURN) return "return";
  return undefined;
}

export class StreamableParser {
  private strict = true;
  private onEvent: ((event: ParserEvent) => void) | undefined;
  private stateKind = EXPECT_START;
  /** The role of the next header when the prompt already named it; upstream's `next_role`. */
  private nextRole: Role | undefined;
  private readonly fed = new TokenLog();
  private parsed: ParsedMessage[] = [];
  private parsedPlain: Message[] = [];
  private headerTokens: number[] = [];
  /** Non-strict: the current header began without `<|start|>`. */
  private headerWithoutStart = false;
  private header: MessageHeader | undefined;
  private readonly content = new MessageContent();
  private delta: string | undefined;

  constructor(options: ParserOptions = {}) {
    this.restart(options);
  }

  /** Start over as `new StreamableParser(options)`, keeping the buffers (arrays handed out stay intact). */
  restart(options: ParserOptions = {}): this {
    if (options.role !== undefined && !ROLES.includes(options.role)) {
      throw new InputError(`unknown role: ${String(options.role)}`, {
        where: "role",
        hint: `use one of ${ROLES.join(", ")}`,
      });
    }
    this.strict = options.strict ?? true;
    this.onEvent = options.onEvent;
    this.nextRole = options.role;
    this.stateKind = options.role === undefined ? EXPECT_START : HEADER;
    this.fed.clear();
    this.parsed = [];
    this.parsedPlain = [];
    this.headerTokens = [];
    this.headerWithoutStart = false;
    this.header = undefined;
    this.content.reset();
    this.delta = undefined;
    return this;
  }

  process(token: number): this {
    this.fed.push(token);
    if (this.stateKind === CONTENT) {
      if (token === END || token === CALL || token === RETURN) {
        this.endMessage(terminatorOf(token) as Terminator);
        return this;
      }
      const delta = this.content.push(token);
      this.delta = delta;
      if (delta !== undefined && delta !== "" && this.onEvent !== undefined) {
        this.onEvent({ type: "content-delta", text: delta });
      }
    } else if (this.stateKind === HEADER) this.headerToken(token);
    else this.expectStartToken(token);
    return this;
  }

  /** `process` each token in turn, but take a stretch of content made of whole tokens in one step. */
  processAll(tokens: readonly number[]): this {
    let i = 0;
    while (i < tokens.length) {
      const whole = this.stateKind === CONTENT && this.onEvent === undefined;
      const stop = whole ? this.content.pushWholeTokens(tokens, i) : i;
      if (stop === i) this.process(tokens[i++] as number);
      else {
        // What feeding them one by one leaves behind: the tokens, and the last one's text as the delta.
        this.fed.pushRange(tokens, i, stop);
        this.delta = tokenTable().texts[tokens[stop - 1] as number] as string;
        i = stop;
      }
    }
    return this;
  }

  processEos(): this {
    if (this.stateKind === CONTENT) this.endMessage("eos");
    else if (this.stateKind === HEADER) {
      if (!this.strict && this.headerWithoutStart) this.recoverHeader("eos", this.fed.count);
      else {
        throw this.error(
          "Unexpected EOS while waiting for message header to complete",
          this.fed.count,
          "Header",
          unfinishedHeaderHint(this.nextRole !== undefined),
        );
      }
    }
    return this;
  }

  private expectStartToken(token: number): void {
    if (token === START) {
      this.stateKind = HEADER;
      this.headerTokens = [];
      return;
    }
    if (!this.strict) {
      // A stop token right after a finished message (`<|end|><|return|>`) ends nothing: nothing to lose.
      if (terminatorOf(token) !== undefined) return;
      // The model skipped `<|start|>`: read what follows as an assistant header (openai/harmony#60/#68).
      if (token === CHANNEL || (isKnownToken(token) && !isSpecialToken(token))) {
        this.stateKind = HEADER;
        this.headerTokens = [token];
        this.headerWithoutStart = true;
        return;
      }
    }
    throw this.error(
      `Unexpected token ${token} while expecting start token ${START}`,
      this.fed.count - 1,
      "ExpectStart",
      this.strict ? missingStartHint(token, this.fed.count === 1) : undefined,
    );
  }

  private headerToken(token: number): void {
    if (token === MESSAGE) {
      this.openContent();
      return;
    }
    if (!this.strict) {
      const terminator = terminatorOf(token);
      if (terminator !== undefined) {
        this.recoverHeader(terminator, this.fed.count - 1);
        return;
      }
      if (token === START) {
        // A header interrupted by a new `<|start|>`: the earlier tokens were no header, and the role now comes
        // from the new one.
        this.headerTokens = [];
        this.headerWithoutStart = false;
        this.nextRole = undefined;
        return;
      }
    }
    this.headerTokens.push(token);
  }

  private openContent(): void {
    const offset = this.fed.count - 1;
    const read = readHeader(this.headerTokens, this.nextRole, this.headerWithoutStart);
    this.headerTokens = [];
    this.headerWithoutStart = false;
    if (!read.ok) {
      // Upstream leaves the parser expecting `<|start|>` when the header turns out to be unparsable.
      this.stateKind = EXPECT_START;
      const hint = read.leftover && this.strict ? LEFTOVER_HINT : undefined;
      throw this.error(read.error, offset, "Header", hint);
    }
    this.nextRole = undefined;
    this.header = read.header;
    this.stateKind = CONTENT;
    this.onEvent?.({ type: "message-start", header: read.header });
  }

  /**
   * Non-strict: a header closed by a stop token (or, for one that began without `<|start|>`, by EOS) never got
   * its `<|message|>`. As upstream v0.0.8 does for the first message, its words after channel and role become
   * the content; Overtone does the same (as the assistant's) for later messages, which upstream drops.
   */
  private recoverHeader(terminator: Terminator, offset: number): void {
    let recovered: ParsedMessage | undefined;
    if (this.headerTokens.length > 0) {
      const read = readUnclosedHeader(this.headerTokens, this.nextRole ?? "assistant");
      if (!read.ok) throw this.error(read.error, offset, "Header");
      recovered = { message: messageFromHeader(read.header, read.text), terminator };
      // No content-delta: deltas are exactly upstream's last_content_delta values, and recovery sets none.
      this.onEvent?.({ type: "message-start", header: read.header });
    }
    this.stateKind = EXPECT_START;
    this.nextRole = undefined;
    this.headerTokens = [];
    this.headerWithoutStart = false;
    if (recovered !== undefined) this.record(recovered);
  }

  private endMessage(terminator: Terminator): void {
    const message = messageFromHeader(this.header as MessageHeader, this.content.finish());
    this.header = undefined;
    this.stateKind = EXPECT_START;
    this.delta = undefined;
    this.record({ message, terminator });
  }

  private record(parsed: ParsedMessage): void {
    this.parsed.push(parsed);
    this.parsedPlain.push(parsed.message);
    this.onEvent?.({ type: "message-end", parsed });
  }

  /** `state` is where the error arose: a failed header has already been dropped (upstream does so too). */
  private error(message: string, offset: number, state: ParserState, hint?: string): HarmonyParseError {
    return new HarmonyParseError(message, { offset, state, ...(hint !== undefined ? { hint } : {}) });
  }

  get state(): ParserState {
    return STATE_NAMES[this.stateKind] as ParserState;
  }

  /** The header's role while content streams; otherwise the role the prompt named (upstream's `next_role`). */
  get currentRole(): Role | undefined {
    return this.stateKind === CONTENT ? this.header?.role : this.nextRole;
  }

  get currentChannel(): string | undefined {
    return this.stateKind === CONTENT ? this.header?.channel : undefined;
  }

  get currentRecipient(): string | undefined {
    return this.stateKind === CONTENT ? this.header?.recipient : undefined;
  }

  get currentContentType(): string | undefined {
    return this.stateKind === CONTENT ? this.header?.content_type : undefined;
  }

  /** The current message's text decoded so far; "" outside a message's content. */
  get currentContent(): string {
    return this.stateKind === CONTENT ? this.content.text() : "";
  }

  /** What the last content token added; undefined when it added nothing (an unfinished UTF-8 sequence). */
  get lastContentDelta(): string | undefined {
    return this.delta;
  }

  /** Finished messages (the parser's own array: read, do not modify). */
  get messages(): Message[] {
    return this.parsedPlain;
  }

  /** Finished messages with the token that ended each (the parser's own array). */
  get parsedMessages(): ParsedMessage[] {
    return this.parsed;
  }

  /** Every token fed so far (a copy). */
  get tokens(): number[] {
    return this.fed.toArray();
  }

  /** upstream's `state_json`, as an object. */
  stateJson(): unknown {
    if (this.stateKind === HEADER) return { state: "Header", header_tokens: [...this.headerTokens] };
    if (this.stateKind === EXPECT_START) return { state: "ExpectStart" };
    const header = this.header as MessageHeader;
    return {
      state: "Content",
      header: {
        author: header.name === undefined ? { role: header.role } : { role: header.role, name: header.name },
        recipient: header.recipient ?? null,
        channel: header.channel ?? null,
        content_type: header.content_type ?? null,
      },
      content_tokens: this.content.contentTokens(),
    };
  }
}
