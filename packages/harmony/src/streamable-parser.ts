/**
 * The token-level Harmony parser: openai/harmony v0.0.8's `StreamableParser` (spec §7), state for state and
 * error for error, plus what Overtone adds: the token that ended each message, PR #144's
 * `<|channel|>final <|constrain|>json` header, and (strict: false only) recovery from malformed output that real
 * servers produce — see `headerToken`, `expectStartToken`, `interruptContent` and `recoverHeader`.
 *
 * strict: false is total: no input makes it throw. Every recovery is reported as a named repair (repairs.ts),
 * through `onEvent` as it happens and in `repairs`; strict parsing reports none and fails as upstream does.
 */
import { HarmonyParseError, InputError } from "@overtone/errors";
import { type HeaderContext, readHeaderLeniently, recoverFromHeader, strayToken } from "./header-recovery.js";
import { headerJson, messageFromHeader, readHeader } from "./header-tokens.js";
import { decodeHeaderTokens, type HeaderEnd, normalizeHeader } from "./lenient-header.js";
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
import { type Repair, repair } from "./repairs.js";
import {
  CALL,
  CHANNEL,
  CONSTRAIN,
  END,
  FIRST_SPECIAL_TOKEN,
  isSpecialToken,
  MESSAGE,
  RETURN,
  START,
  specialTokenText,
} from "./special-tokens.js";
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
  /** Non-strict: …because a `<|channel|>` cut the previous message's content short (reported as missing-end). */
  private startImplied = false;
  private repairList: Repair[] = [];
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
    this.startImplied = false;
    this.repairList = [];
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
      if (!this.strict && !(token >= 0 && token < FIRST_SPECIAL_TOKEN && isKnownToken(token))) {
        this.lenientContentToken(token);
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
    if (this.stateKind === CONTENT) {
      if (!this.strict) this.report(repair("cut-mid-message"));
      this.endMessage("eos");
    } else if (this.stateKind === HEADER) {
      if (!this.strict) this.recoverHeader("eos", "eos");
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
      // The model skipped `<|start|>`: read what follows as an assistant header (openai/harmony#60/#68).
      if (token === CHANNEL || token === CONSTRAIN || (isKnownToken(token) && !isSpecialToken(token))) {
        this.stateKind = HEADER;
        this.headerTokens = [token];
        this.headerWithoutStart = true;
        return;
      }
      if (token === MESSAGE) {
        this.openHeaderless();
        return;
      }
      // A stop token right after a finished message (`<|end|><|return|>`), a reserved or unknown id: nothing
      // can follow from it, so it is dropped.
      this.report(strayToken(token, "between messages"));
      return;
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
        this.recoverHeader("stop", terminator);
        return;
      }
      if (token === START) {
        // A header interrupted by a new `<|start|>`: the earlier tokens were no header, and the role now comes
        // from the new one.
        const dropped = decodeHeaderTokens(this.headerTokens).text.trim();
        if (dropped !== "") this.report(repair("interrupted-header", dropped));
        this.headerTokens = [];
        this.headerWithoutStart = false;
        this.startImplied = false;
        this.nextRole = undefined;
        return;
      }
    }
    this.headerTokens.push(token);
  }

  private openContent(): void {
    const offset = this.fed.count - 1;
    const read = readHeader(this.headerTokens, this.nextRole, this.headerWithoutStart);
    let header: MessageHeader;
    if (read.ok) {
      header = read.header;
      if (!this.strict) {
        if (this.headerWithoutStart && !this.startImplied) this.report(repair("missing-start"));
        for (const made of normalizeHeader(header)) this.report(made);
      }
    } else if (this.strict) {
      this.headerTokens = [];
      this.headerWithoutStart = false;
      // Upstream leaves the parser expecting `<|start|>` when the header turns out to be unparsable.
      this.stateKind = EXPECT_START;
      const hint = read.leftover ? LEFTOVER_HINT : undefined;
      throw this.error(read.error, offset, "Header", hint);
    } else {
      const lenient = readHeaderLeniently(this.headerTokens, this.headerContext(), "message");
      for (const made of [...lenient.decoded, ...lenient.repairs]) this.report(made);
      header = lenient.header;
    }
    this.headerTokens = [];
    this.headerWithoutStart = false;
    this.startImplied = false;
    this.nextRole = undefined;
    this.header = header;
    this.stateKind = CONTENT;
    this.onEvent?.({ type: "message-start", header });
  }

  /** Non-strict: where the current header stood, for header-recovery.ts. */
  private headerContext(): HeaderContext {
    return { role: this.nextRole, withoutStart: this.headerWithoutStart, startImplied: this.startImplied };
  }

  /** Non-strict: a header closed before its `<|message|>` (header-recovery.ts says what it still holds). */
  private recoverHeader(end: Exclude<HeaderEnd, "message">, terminator: Terminator): void {
    const { repairs, recovered } = recoverFromHeader(
      this.headerTokens,
      this.headerContext(),
      end,
      terminator,
    );
    for (const made of repairs) this.report(made);
    // No content-delta: deltas are exactly upstream's last_content_delta values, and recovery sets none.
    if (recovered !== undefined) this.onEvent?.({ type: "message-start", header: recovered.header });
    this.stateKind = EXPECT_START;
    this.nextRole = undefined;
    this.headerTokens = [];
    this.headerWithoutStart = false;
    this.startImplied = false;
    if (recovered !== undefined) this.record(recovered.parsed);
  }

  /**
   * Non-strict: `<|start|>` or `<|channel|>` inside content — the model skipped `<|end|>` (and, before a bare
   * `<|channel|>`, `<|start|>assistant` too). The message ends there (a tool call as if by `<|call|>`) and the
   * token begins the next header.
   */
  private interruptContent(token: number): void {
    const header = this.header as MessageHeader;
    const call = header.role === "assistant" && header.recipient !== undefined && header.recipient !== "all";
    this.report(repair("missing-end", `${specialTokenText(token)} inside a message`));
    this.endMessage(call ? "call" : "end");
    this.stateKind = HEADER;
    this.headerTokens = token === CHANNEL ? [token] : [];
    this.headerWithoutStart = token === CHANNEL;
    this.startImplied = token === CHANNEL;
  }

  /**
   * Non-strict: a special or unknown token inside content. `<|start|>` and `<|channel|>` begin the next message
   * (`interruptContent`); any other would be markup or garbage in the text (upstream writes a special token's
   * name into the content, and an unknown id silences the rest of the message), so it is dropped.
   */
  private lenientContentToken(token: number): void {
    if (token === START || token === CHANNEL) {
      this.interruptContent(token);
      return;
    }
    this.delta = undefined;
    this.report(strayToken(token, "inside a message"));
  }

  /** Non-strict: `<|message|>` where a message must begin — content with no header at all, the assistant's. */
  private openHeaderless(): void {
    this.report(repair("headerless-message", "<|message|> without a header"));
    const header: MessageHeader = { role: "assistant" };
    this.header = header;
    this.stateKind = CONTENT;
    this.onEvent?.({ type: "message-start", header });
  }

  private report(made: Repair): void {
    this.repairList.push(made);
    this.onEvent?.({ type: "repair", repair: made });
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

  /** strict: false: the repairs made so far, in order (the parser's own array; always empty when strict). */
  get repairs(): readonly Repair[] {
    return this.repairList;
  }

  /** Every token fed so far (a copy). */
  get tokens(): number[] {
    return this.fed.toArray();
  }

  /** upstream's `state_json`, as an object. */
  stateJson(): unknown {
    if (this.stateKind === HEADER) return { state: "Header", header_tokens: [...this.headerTokens] };
    if (this.stateKind === EXPECT_START) return { state: "ExpectStart" };
    return {
      state: "Content",
      header: headerJson(this.header as MessageHeader),
      content_tokens: this.content.contentTokens(),
    };
  }
}
