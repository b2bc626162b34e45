/**
 * Harmony parsing for backends that hand back text in which the special tokens appear as text
 * (`<|channel|>analysis<|message|>…<|end|>`), fed in chunks of any size.
 *
 * It cuts the text at special-token strings (holding back a possible `<|…` prefix, and a lone high surrogate,
 * at a chunk's end), encodes the text between them with `encodeOrdinary`, and feeds the ids to a
 * StreamableParser. So it gives exactly the messages and events of the token parser on
 * `encodeWithSpecialTokens(text)`, whatever the chunking, and its errors at the same place (as a character
 * offset). Only the token ids themselves may differ, and so the size of each delta and the id named in an
 * "Unexpected token" message, because text cut at a chunk boundary is encoded in two pieces.
 *
 * With strict: false it never throws. Its `repairs` are the token parser's, after `stripped-special-tokens`
 * when stripped-token recovery put special tokens back (which it reports in strict mode too).
 */
import { HarmonyParseError } from "@overtone/errors";
import { strippedTokensHint } from "./parser-hints.js";
import type { ParsedMessage, ParserEvent, ParserOptions, ParserState } from "./parser-types.js";
import { type Repair, repair } from "./repairs.js";
import {
  END_OF_TEXT,
  FORMAT_TOKENS,
  START_OF_TEXT,
  specialTokenId,
  specialTokenText,
} from "./special-tokens.js";
import { StreamableParser } from "./streamable-parser.js";
import { type HarmonySink, StrippedTokenRecovery } from "./stripped-tokens.js";
import { encodeOrdinary, tokenBytes } from "./tokenizer.js";
import type { Message, Role } from "./types.js";

export interface TextParserOptions extends ParserOptions {
  /** Put back special tokens that the server stripped (`analysis…assistantfinal…`); see stripped-tokens.ts. */
  recoverStrippedTokens?: boolean;
}

// The same pattern as encodeWithSpecialTokens: the two must cut text at the same places.
const SPECIAL_PATTERN =
  /<\|(?:startoftext|endoftext|return|constrain|channel|start|end|message|call|reserved_\d{6})\|>/g;
const NAMED_SPECIALS = [START_OF_TEXT, END_OF_TEXT, ...FORMAT_TOKENS].map(
  (id) => specialTokenText(id) as string,
);
const RESERVED_PREFIX = "<|reserved_";
/** `<|reserved_200013|>` is the longest special-token string; a held-back prefix is shorter. */
const LONGEST_SPECIAL = RESERVED_PREFIX.length + 8;

export class TextStreamParser {
  private readonly parser: StreamableParser;
  private readonly recovery: StrippedTokenRecovery | undefined;
  private readonly sink: HarmonySink;
  /** Text received but not yet passed on (it may be the start of a special token or of a surrogate pair). */
  private held = "";
  private heldOffset = 0;
  private sawSpecial = false;
  private failure: unknown;
  private callDelta: string | undefined;
  private readonly repairList: Repair[] = [];
  private rewrote = false;
  private readonly onEvent: ((event: ParserEvent) => void) | undefined;

  constructor(options: TextParserOptions = {}) {
    const { recoverStrippedTokens, onEvent, ...parserOptions } = options;
    this.onEvent = onEvent;
    this.parser = new StreamableParser({
      ...parserOptions,
      onEvent: (event: ParserEvent) => {
        if (event.type === "content-delta") this.callDelta = (this.callDelta ?? "") + event.text;
        else if (event.type === "repair") this.repairList.push(event.repair);
        else this.callDelta = undefined; // upstream clears last_content_delta when a message ends
        onEvent?.(event);
      },
    });
    this.sink = {
      text: (text, offset) => this.feedText(text, offset),
      // Only the recovery puts special tokens into the sink: the first one is where it committed to rewriting.
      special: (id, at) => {
        if (!this.rewrote) this.reportStripped();
        this.feedSpecial(id, at);
      },
    };
    if (recoverStrippedTokens)
      this.recovery = new StrippedTokenRecovery(this.sink, options.role !== undefined);
  }

  push(chunk: string): this {
    this.guard(() => {
      this.held += chunk;
      this.scan(false);
    });
    return this;
  }

  /** The text ended (EOS): flush what was held back and close the message in progress. */
  end(): this {
    this.guard(() => {
      this.scan(true);
      if (!this.sawSpecial) this.recovery?.end();
      try {
        this.parser.processEos();
      } catch (error) {
        const stripped = !this.sawSpecial && this.recovery === undefined && this.heldOffset > 0;
        throw atCharacter(error, this.heldOffset, stripped ? strippedTokensHint() : undefined);
      }
    });
    return this;
  }

  get state(): ParserState {
    return this.parser.state;
  }
  get currentRole(): Role | undefined {
    return this.parser.currentRole;
  }
  get currentChannel(): string | undefined {
    return this.parser.currentChannel;
  }
  get currentRecipient(): string | undefined {
    return this.parser.currentRecipient;
  }
  get currentContentType(): string | undefined {
    return this.parser.currentContentType;
  }
  get currentContent(): string {
    return this.parser.currentContent;
  }
  /** The content added to the current message by the last push() or end(), undefined if none. */
  get lastContentDelta(): string | undefined {
    return this.callDelta;
  }
  get messages(): Message[] {
    return this.parser.messages;
  }
  get parsedMessages(): ParsedMessage[] {
    return this.parser.parsedMessages;
  }
  /** The repairs made so far, in order: none when strict, but for `stripped-special-tokens`. */
  get repairs(): readonly Repair[] {
    return this.repairList;
  }
  /** The ids fed to the token parser so far (text cut by chunking is encoded in pieces, see above). */
  get tokens(): number[] {
    return this.parser.tokens;
  }

  private reportStripped(): void {
    this.rewrote = true;
    const made = repair("stripped-special-tokens");
    this.repairList.unshift(made);
    this.onEvent?.({ type: "repair", repair: made });
  }

  /** After a parse error the parser's state is undefined: every later call throws the same error. */
  private guard(step: () => void): void {
    if (this.failure !== undefined) throw this.failure;
    this.callDelta = undefined;
    try {
      step();
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  private scan(final: boolean): void {
    const text = this.held;
    const base = this.heldOffset;
    let last = 0;
    // Most chunks of a stream hold no `<` at all: skip the regex for them.
    if (text.includes("<")) {
      for (const match of text.matchAll(SPECIAL_PATTERN)) {
        const id = specialTokenId(match[0]);
        if (id === undefined) continue; // e.g. <|reserved_300000|>: not a token, stays text
        this.route(text.slice(last, match.index), base + last);
        this.onSpecial(id, base + match.index);
        last = match.index + match[0].length;
      }
    }
    const keep = final ? text.length : holdBackStart(text, last);
    this.route(last === 0 && keep === text.length ? text : text.slice(last, keep), base + last);
    this.held = keep === text.length ? "" : text.slice(keep);
    this.heldOffset = base + keep;
  }

  private route(text: string, offset: number): void {
    if (text === "") return;
    if (this.recovery !== undefined && !this.sawSpecial) this.recovery.push(text, offset);
    else this.feedText(text, offset);
  }

  private onSpecial(id: number, offset: number): void {
    if (!this.sawSpecial) {
      this.sawSpecial = true;
      this.recovery?.disable();
    }
    this.feedSpecial(id, offset);
  }

  private feedText(text: string, offset: number): void {
    if (text === "") return;
    const ids = encodeOrdinary(text);
    const parser = this.parser;
    let index = 0;
    try {
      for (; index < ids.length; index++) parser.process(ids[index] as number);
    } catch (error) {
      throw atCharacter(error, offset + charsBeforeToken(text, ids, index));
    }
  }

  private feedSpecial(id: number, offset: number): void {
    try {
      this.parser.process(id);
    } catch (error) {
      throw atCharacter(error, offset);
    }
  }
}

/**
 * The token parser's error, with the character offset in the text instead of the token offset, and `hint` instead
 * of its own when the text says more about the cause than the tokens did.
 */
function atCharacter(error: unknown, offset: number, hint?: string): unknown {
  if (!(error instanceof HarmonyParseError)) return error;
  const told = hint ?? error.hint;
  return new HarmonyParseError(`${error.message} (at character ${offset} of the text)`, {
    offset,
    state: error.state,
    ...(told === undefined ? {} : { hint: told }),
    cause: error,
  });
}

/** Parse a whole completion text (everything after the prompt) into messages, as parseMessagesFromCompletionTokens. */
export function parseMessagesFromText(text: string, options: TextParserOptions = {}): Message[] {
  return new TextStreamParser(options).push(text).end().messages;
}

/** Where the text that may not be passed on yet starts: a possible special-token prefix or a lone high surrogate. */
function holdBackStart(text: string, from: number): number {
  let start = text.length;
  for (let at = Math.max(from, text.length - LONGEST_SPECIAL); at < text.length; at++) {
    if (text.charCodeAt(at) === 0x3c /* < */ && isSpecialPrefix(text.slice(at))) {
      start = at;
      break;
    }
  }
  if (start > from && isHighSurrogate(text.charCodeAt(start - 1))) start--;
  return start;
}

function isSpecialPrefix(text: string): boolean {
  if (NAMED_SPECIALS.some((name) => name.startsWith(text))) return true;
  if (text.length <= RESERVED_PREFIX.length) return RESERVED_PREFIX.startsWith(text);
  if (!text.startsWith(RESERVED_PREFIX)) return false;
  return /^(?:\d{0,6}|\d{6}\|)$/.test(text.slice(RESERVED_PREFIX.length));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The character offset in `text` where token `index` of `ids` (its ordinary encoding) starts. */
function charsBeforeToken(text: string, ids: readonly number[], index: number): number {
  let bytes = 0;
  for (let i = 0; i < index; i++) bytes += tokenBytes(ids[i] as number).length;
  let chars = 0;
  while (bytes > 0 && chars < text.length) {
    const code = text.codePointAt(chars) as number;
    bytes -= code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    chars += code >= 0x10000 ? 2 : 1;
  }
  return chars;
}
