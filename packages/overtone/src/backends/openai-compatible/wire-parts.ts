/**
 * Builds stream parts from what a chat API hands back already split up — reasoning text, content text, tool-call
 * fragments — by driving the Harmony parts adapter with the parser events those pieces stand for. So parts from
 * a server look exactly like parts from our own parser: same ids, same start/delta/end shape, an end part that
 * carries the Harmony message (analysis on channel `analysis`, content on `final`, a tool call on `commentary`
 * to `functions.NAME` with content type `<|constrain|>json`).
 *
 * Content that still holds Harmony markup (the server did not parse the output) is re-parsed with the text
 * parser, so channels and tool calls are recovered (backends.md §8.5); see gpt-oss-profile's
 * classifyContentStart for when. Both are repairs the finish part names: `markup-in-content` here, and
 * `stripped-special-tokens` from the text parser; so is a tool name with Harmony markup leaked into it
 * (`recipient-normalized`).
 */
import {
  type FinishDetails,
  HarmonyPartsAdapter,
  type MessageHeader,
  type Part,
  repair,
  type Terminator,
  TextStreamParser,
} from "@overtone/harmony";
import {
  classifyContentStart,
  confirmsStrippedHarmony,
  isHeaderCutOff,
  TOOL_CALL_CONTENT_TYPE,
  toolRecipient,
} from "../gpt-oss-profile.js";

type Open = { kind: "analysis" | "final" } | { kind: "tool"; index: number };
type ContentMode = "undecided" | "stripped-candidate" | "plain" | "harmony" | "stripped";

export class WirePartsBuilder {
  private readonly adapter: HarmonyPartsAdapter;
  private open: Open | undefined;
  private openHeader: MessageHeader | undefined;
  private openText = "";
  private contentMode: ContentMode = "undecided";
  private heldContent = "";
  private textParser: TextStreamParser | undefined;
  /** Tool calls whose name has not arrived yet: their argument fragments wait here. */
  private pendingArguments = new Map<number, string>();
  private startedTools = new Set<number>();

  constructor(emit: (part: Part) => void) {
    this.adapter = new HarmonyPartsAdapter(emit);
  }

  get done(): boolean {
    return this.adapter.done;
  }

  reasoning(text: string): void {
    if (text === "") return;
    if (this.open?.kind !== "analysis") this.startMessage({ kind: "analysis" }, { channel: "analysis" });
    this.delta(text);
  }

  content(text: string): void {
    if (text === "") return;
    switch (this.contentMode) {
      case "plain":
        this.plainContent(text);
        return;
      case "harmony":
      case "stripped":
        this.textParser?.push(text);
        return;
      default:
        this.heldContent += text;
        this.decideContent(false);
    }
  }

  /** One `tool_calls[]` fragment: the first of a call carries its name, later ones only argument text. */
  toolCall(index: number, name: string | undefined, argumentsDelta: string | undefined): void {
    if (this.open?.kind === "tool" && this.open.index === index) {
      this.delta(argumentsDelta ?? "");
      return;
    }
    if (this.startedTools.has(index)) return; // a late fragment of a call already closed: nothing to attach to
    if (name === undefined || name === "") {
      this.pendingArguments.set(index, (this.pendingArguments.get(index) ?? "") + (argumentsDelta ?? ""));
      return;
    }
    this.flushHeldContent();
    this.startedTools.add(index);
    const recipient = toolRecipient(name);
    if (recipient !== (name.includes(".") ? name : `functions.${name}`)) {
      this.adapter.repair(repair("recipient-normalized", `${name} → ${recipient}`));
    }
    this.startMessage(
      { kind: "tool", index },
      { channel: "commentary", recipient, content_type: TOOL_CALL_CONTENT_TYPE },
    );
    this.delta((this.pendingArguments.get(index) ?? "") + (argumentsDelta ?? ""));
    this.pendingArguments.delete(index);
  }

  /** End of output: close what is open with the terminator the reason implies, then emit `finish`. */
  finish(details: FinishDetails): void {
    let reason = details.reason;
    this.decideContent(true);
    if (this.textParser !== undefined) {
      // The server stopped on a stop token it did not show us; put it back so the message ends as the model
      // ended it: `<|call|>` after a tool call, `<|return|>` otherwise (a stripped stream gets its natural stop
      // token from the recovery itself).
      const parser = this.textParser;
      if (this.contentMode === "harmony" && parser.state === "Content" && reason !== "length") {
        parser.push(parser.currentRecipient !== undefined ? "<|call|>" : "<|return|>");
      }
      try {
        parser.end();
      } catch (error) {
        if (!(reason === "length" && isHeaderCutOff(error))) throw error;
      }
      // A server that did not parse Harmony cannot know the turn ended in a tool call; the parser does.
      if (reason === "stop" && this.adapter.reason === "tool-calls") reason = "tool-calls";
    }
    const open = this.open?.kind;
    this.closeOpen(
      reason === "length" ? "eos" : open === "tool" ? "call" : open === "final" ? "return" : "end",
    );
    this.adapter.finish({ ...details, ...(reason !== undefined ? { reason } : {}) });
  }

  abort(details: Omit<FinishDetails, "reason">): void {
    this.adapter.abort(details);
  }

  fail(error: unknown): void {
    if (!this.adapter.done) this.adapter.fail(error);
  }

  private plainContent(text: string): void {
    if (this.open?.kind !== "final") this.startMessage({ kind: "final" }, { channel: "final" });
    this.delta(text);
  }

  private decideContent(atEnd: boolean): void {
    if (this.contentMode !== "undecided" && this.contentMode !== "stripped-candidate") return;
    if (this.contentMode === "undecided") {
      const kind = classifyContentStart(this.heldContent);
      if (kind === "undecided" && !atEnd) return;
      this.contentMode =
        kind === "stripped" ? "stripped-candidate" : kind === "harmony" ? "harmony" : "plain";
    }
    if (this.contentMode === "stripped-candidate") {
      if (confirmsStrippedHarmony(this.heldContent)) this.contentMode = "stripped";
      else if (atEnd) this.contentMode = "plain";
      else return;
    }
    const held = this.heldContent;
    this.heldContent = "";
    if (this.contentMode === "plain") {
      if (held !== "") this.plainContent(held);
      return;
    }
    this.closeOpen("end");
    if (this.contentMode === "harmony") this.adapter.repair(repair("markup-in-content"));
    this.textParser = new TextStreamParser({
      role: "assistant",
      strict: false,
      recoverStrippedTokens: this.contentMode === "stripped",
      onEvent: this.adapter.onEvent,
    });
    this.textParser.push(held);
  }

  /** Content held back while undecided must go out before a tool call starts (it came first). */
  private flushHeldContent(): void {
    if (this.contentMode === "undecided" || this.contentMode === "stripped-candidate") {
      if (this.heldContent === "") return;
      this.contentMode = "plain";
      const held = this.heldContent;
      this.heldContent = "";
      this.plainContent(held);
    }
  }

  private startMessage(open: Open, header: Omit<MessageHeader, "role">): void {
    this.closeOpen("end");
    this.open = open;
    this.openHeader = { role: "assistant", ...header };
    this.openText = "";
    this.adapter.onEvent({ type: "message-start", header: this.openHeader });
  }

  private delta(text: string): void {
    if (text === "") return;
    this.openText += text;
    this.adapter.onEvent({ type: "content-delta", text });
  }

  private closeOpen(terminator: Terminator): void {
    const header = this.openHeader;
    if (header === undefined) return;
    this.open = undefined;
    this.openHeader = undefined;
    this.adapter.onEvent({
      type: "message-end",
      parsed: {
        message: {
          author: { role: "assistant" },
          ...(header.recipient !== undefined ? { recipient: header.recipient } : {}),
          content: [{ type: "text", text: this.openText }],
          ...(header.channel !== undefined ? { channel: header.channel } : {}),
          ...(header.content_type !== undefined ? { content_type: header.content_type } : {}),
        },
        terminator,
      },
    });
  }
}

/**
 * The queued parts, taken out. Callers loop over them with a plain `yield`: `yield*` of a generator inside an
 * async generator wraps every item in a promise of its own, and this runs for every upstream chunk.
 */
export function drain(queue: Part[]): Part[] {
  return queue.splice(0);
}
