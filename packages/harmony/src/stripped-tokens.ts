/**
 * Stripped-token recovery (an Overtone extension; upstream has nothing like it).
 *
 * Some servers detokenize gpt-oss output with special tokens skipped (llama-server `/completion` without
 * `--special`, vLLM `/v1/completions` with `skip_special_tokens`, Ollama `raw: true`), so
 * `<|channel|>analysis<|message|>Hm.<|end|><|start|>assistant<|channel|>final<|message|>4<|return|>` arrives as
 * `analysisHm.assistantfinal4`. This rewriter puts the special tokens back, so the stripped text parses to the
 * same messages as the original would have.
 *
 * The heuristic, as a grammar over the text:
 *   stream   = header content (boundary header content)*
 *   boundary = "assistant" followed by a channel word or " to="        (was `<|end|><|start|>assistant`)
 *   header   = ["assistant"]  -- only at stream start
 *              (" to=" NAME CHANNEL | CHANNEL [" to=" NAME]) [" json" | " code"]
 *   CHANNEL  = analysis | commentary | final
 * ` json` becomes ` <|constrain|>json` (that is how gpt-oss writes it); without a recipient it is only taken as a
 * content type when `{` or `[` follows. The stream's last message gets its natural stop token: `<|call|>` if it
 * has a recipient, `<|return|>` otherwise (a server that strips tokens also stops on them; a caller that knows
 * the server hit its length limit should say so in the finish part).
 *
 * Limits (it is guesswork on text):
 * - a message without a channel (`<|start|>assistant<|message|>…`) cannot be recognised;
 * - content that itself contains `assistantanalysis`, `assistantcommentary`, `assistantfinal` or
 *   `assistant to=` is split there;
 * - a recipient written before the channel (`to=NAMEcommentary`) ends at the last channel word in the run of
 *   name characters, so content glued to the channel with name characters (`to=pythonanalysisprint_final`)
 *   can be misread; `to=NAME<|constrain|>json` without a space leaves `json` in the name;
 * - text that does not start like a header is passed through untouched (the parser then reports what it
 *   reports for it), and so is a boundary whose header does not parse;
 * - it only ever runs while no real special token has been seen: the first one turns it off for good, and any
 *   text it was holding back is passed on unchanged. It commits only once the first header and 32 characters
 *   after it arrived without a special token (or the text ended), so text with real special tokens, which
 *   come within the first header, is never rewritten. The price: the first deltas of a stripped stream come
 *   32 characters late. A stream that mixes stripped and real special tokens after that point is not
 *   supported.
 */
import { CALL, CHANNEL, CONSTRAIN, END, MESSAGE, RETURN, START } from "./special-tokens.js";
import { parseStrippedHeader, type StrippedHeader } from "./stripped-header.js";

/** Where rewritten output goes: ordinary text and special tokens, each with its character offset in the input. */
export interface HarmonySink {
  text(text: string, offset: number): void;
  special(token: number, offset: number): void;
}

const ROLE_WORD = "assistant";
/** Characters of content the first header must be followed by, without a special token, before rewriting. */
const COMMIT_AFTER = 32;
const BOUNDARY_TAILS = ["analysis", "commentary", "final", " to="];

type Mode = "header" | "content" | "passthrough";

export class StrippedTokenRecovery {
  private mode: Mode = "header";
  /** Text not yet passed on: a header being read, or a tail of content that may start a boundary. */
  private pending = "";
  private pendingOffset = 0;
  private atStreamStart = true;
  private currentHasRecipient = false;
  /** Offset of the `assistant` that opened the header being read (mid-stream only). */
  private boundaryOffset = 0;

  /**
   * @param startsInHeader the parser was given a role (the prompt ended in `<|start|>assistant`), so the first
   *   message needs no `<|start|>assistant` of its own.
   */
  constructor(
    private readonly sink: HarmonySink,
    private readonly startsInHeader: boolean,
  ) {}

  push(text: string, offset: number): void {
    if (text === "") return;
    if (this.mode === "passthrough") {
      this.sink.text(text, offset);
      return;
    }
    if (this.pending === "") this.pendingOffset = offset;
    this.pending += text;
    this.advance(false);
  }

  /** The input ended: finish what is pending and close the last message with its natural stop token. */
  end(): void {
    if (this.mode === "passthrough") return;
    this.advance(true);
    if (this.mode !== "content") return;
    this.sink.special(this.currentHasRecipient ? CALL : RETURN, this.pendingOffset);
    this.mode = "passthrough";
  }

  /** A real special token arrived: hand on what is held back as it was and stop rewriting. */
  disable(): void {
    if (this.mode === "header" && !this.atStreamStart) {
      this.sink.text(ROLE_WORD, this.boundaryOffset);
    }
    if (this.mode !== "passthrough" && this.pending !== "") this.sink.text(this.pending, this.pendingOffset);
    this.pending = "";
    this.mode = "passthrough";
  }

  private advance(ended: boolean): void {
    for (;;) {
      if (this.mode === "header") {
        if (!this.readHeader(ended)) return;
      } else if (this.mode === "content") {
        if (!this.readContent(ended)) return;
      } else {
        return;
      }
    }
  }

  /** Returns true when it moved on to another mode with text left to look at. */
  private readHeader(ended: boolean): boolean {
    const header = parseStrippedHeader(this.pending, this.atStreamStart, ended);
    if (header === "more") return false;
    if (header === "none") {
      if (this.atStreamStart) {
        this.mode = "passthrough";
        this.take(this.pending.length);
        return false;
      }
      // Looked like a boundary but is not one: the `assistant` was content after all.
      this.sink.text(ROLE_WORD, this.boundaryOffset);
      this.mode = "content";
      return true;
    }
    // Real special tokens come within a completion's first header (`<|channel|>` or ` to=x<|channel|>`), so
    // waiting for some content after the first header keeps recovery from ever rewriting unstripped text.
    if (this.atStreamStart && !ended && this.pending.length - header.length < COMMIT_AFTER) return false;
    this.emitHeader(header);
    this.mode = "content";
    this.atStreamStart = false;
    this.currentHasRecipient = header.recipient !== undefined;
    this.consume(header.length);
    return true;
  }

  private emitHeader(header: StrippedHeader): void {
    const at = this.pendingOffset;
    const { sink } = this;
    if (!this.atStreamStart) sink.special(END, this.boundaryOffset);
    if (!this.atStreamStart || !this.startsInHeader) {
      sink.special(START, at);
      sink.text(ROLE_WORD, at);
    } else if (header.roleWord) {
      sink.text(ROLE_WORD, at);
    }
    if (header.recipientBeforeChannel) sink.text(` to=${header.recipient}`, at);
    sink.special(CHANNEL, at);
    sink.text(header.channel, at);
    if (!header.recipientBeforeChannel && header.recipient !== undefined)
      sink.text(` to=${header.recipient}`, at);
    if (header.contentType === "json") {
      sink.text(" ", at);
      sink.special(CONSTRAIN, at);
      sink.text("json", at);
    } else if (header.contentType !== undefined) {
      sink.text(` ${header.contentType}`, at);
    }
    sink.special(MESSAGE, at + header.length);
  }

  /** Pass content on up to the next boundary (or a tail that may become one). */
  private readContent(ended: boolean): boolean {
    const text = this.pending;
    let from = 0;
    for (;;) {
      const index = text.indexOf(ROLE_WORD, from);
      if (index < 0) {
        this.take(ended ? text.length : partialRoleWordStart(text));
        return false;
      }
      const tail = text.slice(index + ROLE_WORD.length, index + ROLE_WORD.length + 10);
      if (BOUNDARY_TAILS.some((word) => tail.startsWith(word))) {
        this.take(index);
        this.boundaryOffset = this.pendingOffset;
        this.consume(ROLE_WORD.length);
        this.mode = "header";
        return true;
      }
      const couldBecomeBoundary = BOUNDARY_TAILS.some(
        (word) => tail.length < word.length && word.startsWith(tail),
      );
      if (couldBecomeBoundary && !ended) {
        this.take(index);
        return false;
      }
      from = index + 1;
    }
  }

  /** Pass the first `count` pending characters on as text. */
  private take(count: number): void {
    if (count > 0) this.sink.text(this.pending.slice(0, count), this.pendingOffset);
    this.consume(count);
  }

  private consume(count: number): void {
    this.pending = this.pending.slice(count);
    this.pendingOffset += count;
  }
}

/** Where a trailing prefix of `assistant` starts (e.g. `…assis`), or the length if there is none. */
function partialRoleWordStart(text: string): number {
  for (let length = Math.min(ROLE_WORD.length - 1, text.length); length > 0; length--) {
    if (ROLE_WORD.startsWith(text.slice(text.length - length))) return text.length - length;
  }
  return text.length;
}
