/**
 * Turns a parser's events into stream parts (parts.ts), synchronously: hand `adapter.onEvent` to a
 * StreamableParser or TextStreamParser as its `onEvent`, and the parts come out of `emit` as the parser runs.
 * The stream helpers (parts-stream.ts) add the ends: `finish`, `abort`, `fail`.
 *
 * A message that ends with `<|call|>` is a tool call by Harmony's definition, recipient or not. An assistant
 * message without one (`<|channel|>commentary <|constrain|>json<|message|>{…}<|call|>`, seen from small models)
 * cannot be streamed as a `tool-call` (its kind is decided at the header, the recipient is missing), so it
 * streams by channel; but the stream must not end as a plain `stop` with an empty answer: the finish says
 * `tool-calls` and its `notice` names the malformed call. Backends, which know the offered tools, repair it
 * when that is safe (backends/tool-call-check.ts in @overtone/overtone).
 *
 * The parser's `repair` events (strict: false) are kept and go out on the `finish` part as `repairs`, with
 * those the caller adds (`repair`, `FinishDetails.repairs`). A caller that knows why the output ended (its
 * `reason`) explains a cut-off ending itself: `cut-mid-message` and `cut-mid-header` are then not repairs.
 */
import { messageFromHeader } from "./header-tokens.js";
import type { MessageHeader, ParsedMessage, ParserEvent } from "./parser-types.js";
import type { ErrorPart, FinishPart, FinishReason, Part, PartKind, Timings, Usage } from "./parts.js";
import type { Repair } from "./repairs.js";
import type { Message } from "./types.js";

export interface PartsAdapterOptions {
  /** Message ids are `${idPrefix}${index}` (index counts messages from 0); default "msg-". */
  idPrefix?: string;
}

/** What a caller knows at the end that the parser does not: the backend's usage, timings, or own reason. */
export interface FinishDetails {
  reason?: FinishReason;
  usage?: Usage;
  timings?: Timings;
  /** Repairs the caller made (after the parser's). */
  repairs?: Repair[];
}

const CUT_OFF: ReadonlySet<string> = new Set(["cut-mid-message", "cut-mid-header"]);

/** Which part kind a message header maps to (see parts.ts for the rule and why). */
export function partKindOf(header: MessageHeader): PartKind {
  if (isToolCall(header.role, header.recipient)) return "tool-call";
  if (header.channel === "analysis") return "analysis";
  if (header.channel === "commentary") return "commentary";
  return "final";
}

function isToolCall(role: string, recipient: string | undefined): boolean {
  return role === "assistant" && recipient !== undefined && recipient !== "all";
}

export class HarmonyPartsAdapter {
  private readonly idPrefix: string;
  private count = 0;
  private openId = "";
  private openHeader: MessageHeader | undefined;
  private openKindValue: PartKind | undefined;
  private openText = "";
  private lastParsed: ParsedMessage | undefined;
  private ended = false;
  private readonly repairList: Repair[] = [];

  /** Pass to a parser as `onEvent` (bound, so it can be handed on as is). */
  readonly onEvent = (event: ParserEvent): void => {
    if (event.type === "content-delta") this.delta(event.text);
    else if (event.type === "message-start") this.start(event.header);
    else if (event.type === "repair") this.repairList.push(event.repair);
    else this.end(event.parsed);
  };

  constructor(
    private readonly emit: (part: Part) => void,
    options: PartsAdapterOptions = {},
  ) {
    this.idPrefix = options.idPrefix ?? "msg-";
  }

  /** The kind of the message whose content is streaming now, if any. */
  get openKind(): PartKind | undefined {
    return this.openKindValue;
  }

  /** Record a repair the caller made (it goes out on the `finish` part). */
  repair(made: Repair): void {
    this.repairList.push(made);
  }

  /** The repairs so far: the parser's and the caller's, in order. */
  get repairs(): readonly Repair[] {
    return this.repairList;
  }

  /** True once finish/abort/fail emitted the stream's last part. */
  get done(): boolean {
    return this.ended;
  }

  /**
   * The reason the parsed output implies: `tool-calls` when the last message is an assistant message ended by
   * `<|call|>` (a malformed one without a recipient too), `length` when the output ended inside a message,
   * `stop` otherwise (also for no messages).
   */
  get reason(): FinishReason {
    const last = this.lastParsed;
    if (this.openKindValue !== undefined || last?.terminator === "eos") return "length";
    if (last?.terminator === "call" && last.message.author.role === "assistant") return "tool-calls";
    return "stop";
  }

  /** The notice for a last message ended by `<|call|>` that names no tool, undefined otherwise. */
  get malformedCallNotice(): string | undefined {
    const last = this.lastParsed;
    if (this.openKindValue !== undefined || last?.terminator !== "call") return undefined;
    if (last.message.author.role !== "assistant" || isToolCall("assistant", last.message.recipient)) {
      return undefined;
    }
    const channel = last.message.channel ?? "no";
    return `malformed tool call: the model ended a ${channel} channel message with <|call|> but named no tool (no to=…); it is reported as that message, not as a call`;
  }

  /** Emit the one `finish` part. `details` (the backend's view) override what the parser implies. */
  finish(details: FinishDetails = {}): FinishPart {
    const part: FinishPart = { type: "finish", reason: details.reason ?? this.reason };
    if (details.usage !== undefined) part.usage = details.usage;
    if (details.timings !== undefined) part.timings = details.timings;
    const notice =
      details.reason === undefined || details.reason === "tool-calls" ? this.malformedCallNotice : undefined;
    if (notice !== undefined) part.notice = notice;
    const own =
      details.reason === undefined
        ? this.repairList
        : this.repairList.filter((made) => !CUT_OFF.has(made.kind));
    const repairs = [...own, ...(details.repairs ?? [])];
    if (repairs.length > 0) part.repairs = repairs;
    this.close(part);
    return part;
  }

  /** The consumer gave up: close the message in progress as cut off (terminator `eos`), then `finish: aborted`. */
  abort(details: Omit<FinishDetails, "reason"> = {}): FinishPart {
    if (this.openHeader !== undefined && !this.ended) {
      const header = this.openHeader;
      this.end({ message: messageFromHeader(header, this.openText), terminator: "eos" });
    }
    return this.finish({ ...details, reason: "aborted" });
  }

  /** Emit the `error` part that ends the stream (non-Errors are wrapped so consumers can rely on `.message`). */
  fail(error: unknown): ErrorPart {
    const part: ErrorPart = {
      type: "error",
      error: error instanceof Error ? error : new Error(String(error)),
    };
    this.close(part);
    return part;
  }

  private close(part: FinishPart | ErrorPart): void {
    if (this.ended) throw new Error(`stream already ended; cannot emit another ${part.type} part`);
    this.ended = true;
    this.emit(part);
  }

  private start(header: MessageHeader): void {
    const kind = partKindOf(header);
    const id = `${this.idPrefix}${this.count++}`;
    this.openId = id;
    this.openHeader = header;
    this.openKindValue = kind;
    this.openText = "";
    const fields = {
      id,
      role: header.role,
      ...(header.name !== undefined ? { name: header.name } : {}),
      ...(header.channel !== undefined ? { channel: header.channel } : {}),
      ...(header.content_type !== undefined ? { contentType: header.content_type } : {}),
    };
    if (kind === "tool-call") {
      this.emit({ type: "tool-call-start", recipient: header.recipient as string, ...fields });
    } else {
      this.emit({ type: `${kind}-start`, ...fields });
    }
  }

  private delta(text: string): void {
    const kind = this.openKindValue;
    if (kind === undefined || text === "") return;
    this.openText += text;
    this.emit({ type: `${kind}-delta`, id: this.openId, delta: text });
  }

  private end(parsed: ParsedMessage): void {
    const kind = this.openKindValue;
    this.lastParsed = parsed;
    const { message, terminator } = parsed;
    const text = textOf(message);
    // Content the parser only settled at the end (bytes of an unfinished UTF-8 sequence become U+FFFD, the text
    // of a header recovered as a message) still reaches the consumer as a delta, so deltas always add up to the
    // end's text. Emitted while the message is still open.
    if (kind !== undefined && text.length > this.openText.length && text.startsWith(this.openText)) {
      this.delta(text.slice(this.openText.length));
    }
    this.openHeader = undefined;
    this.openKindValue = undefined;
    if (kind === undefined) return;
    const id = this.openId;
    if (kind === "tool-call") {
      this.emit({
        type: "tool-call-end",
        id,
        recipient: message.recipient as string,
        ...(message.channel !== undefined ? { channel: message.channel } : {}),
        ...(message.content_type !== undefined ? { contentType: message.content_type } : {}),
        text,
        terminator,
        message,
      });
    } else {
      this.emit({ type: `${kind}-end`, id, text, terminator, message });
    }
  }
}

function textOf(message: Message): string {
  let text = "";
  for (const content of message.content) if (content.type === "text") text += content.text;
  return text;
}
