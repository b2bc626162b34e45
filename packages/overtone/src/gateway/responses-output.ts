/**
 * Parts → Responses output items, shared by the whole body (responses-reply.ts) and the event stream
 * (responses-stream.ts), so that both build the very same items (rule 33: `response.completed.output` equals the
 * items of `output_item.done`). Each model message becomes one item, in order (rule 29):
 * - `analysis` → a `reasoning` item, its raw chain of thought as one `reasoning_text` part (gpt-oss has no
 *   summaries; §2.3);
 * - `final` and `commentary` (a preamble the user sees) → a `message` item with one `output_text` part; a preamble
 *   is marked `phase:"commentary"` so that, sent back as input, it is a preamble again, not a final answer;
 * - `tool-call` → a `function_call` item with fresh `fc_…`/`call_…` ids (rule 31).
 * `push` returns the item-scoped stream events of a part, without `sequence_number` (the framer numbers them).
 * An item cut off by the token budget (its message ended without a stop token) or by a failure is
 * `status:"incomplete"`.
 */
import { randomUUID } from "node:crypto";
import type { Part, PartKind } from "@overtone/harmony";
import { functionName, MarkupFilter } from "./clean-text.js";
import type { ResponsesItem } from "./responses-input.js";

export type Json = Record<string, unknown>;
export type OutputItem = Json & { type: string; id: string };
/** A stream event without its `sequence_number`. */
export type OutputEvent = Json & { type: string };

interface OpenItem {
  kind: PartKind;
  partId: string;
  index: number;
  id: string;
  callId: string;
  name: string;
  /** The text as the parts gave it, and as sent (Harmony markup filtered out, rule 15). */
  raw: string;
  text: string;
  filter: MarkupFilter;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}

export class OutputAssembler {
  /** Items whose `output_item.done` was produced, in output order. */
  readonly items: OutputItem[] = [];
  /** The same items in stored form (the next turn's input). */
  readonly stored: ResponsesItem[] = [];
  private open: OpenItem | undefined;
  private added = 0;

  /** Handles message parts; `finish` and `error` are the caller's. */
  push(part: Part): OutputEvent[] {
    if (part.type.endsWith("-start") && this.open === undefined) {
      return this.start(part as Extract<Part, { type: `${PartKind}-start` }>);
    }
    const open = this.open;
    if (open === undefined || !("id" in part) || part.id !== open.partId) return [];
    if (part.type.endsWith("-delta")) return this.delta(open, (part as { delta: string }).delta);
    if (part.type.endsWith("-end")) {
      const end = part as Extract<Part, { type: `${PartKind}-end` }>;
      // A backend may end a message with more text than its deltas carried; send the rest as a delta first.
      const events = end.text.startsWith(open.raw) ? this.delta(open, end.text.slice(open.raw.length)) : [];
      const rest = open.filter.flush();
      if (rest !== "") events.push(...this.textEvent(open, rest));
      this.open = undefined;
      return [...events, ...this.done(open, end.terminator === "eos" ? "incomplete" : "completed")];
    }
    return [];
  }

  /** Closes the item in progress as `incomplete` (the stream failed inside it), so that every added item is done. */
  abandon(): OutputEvent[] {
    const open = this.open;
    if (open === undefined) return [];
    this.open = undefined;
    return [...this.textEvent(open, open.filter.flush()), ...this.done(open, "incomplete")];
  }

  private start(part: Extract<Part, { type: `${PartKind}-start` }>): OutputEvent[] {
    const kind = part.type.slice(0, -"-start".length) as PartKind;
    const prefix = kind === "analysis" ? "rs" : kind === "tool-call" ? "fc" : "msg";
    const open: OpenItem = {
      kind,
      partId: part.id,
      index: this.added++,
      id: newId(prefix),
      callId: kind === "tool-call" ? newId("call") : "",
      // Servers have leaked markup into names (`get_weather<|channel|>commentary`, gateway.md §6.8).
      name: part.type === "tool-call-start" ? functionName(part.recipient) : "",
      raw: "",
      text: "",
      filter: new MarkupFilter(),
    };
    this.open = open;
    const item = this.item(open, "in_progress", false);
    const events: OutputEvent[] = [{ type: "response.output_item.added", output_index: open.index, item }];
    if (kind === "tool-call") return events;
    events.push({
      type: "response.content_part.added",
      item_id: open.id,
      output_index: open.index,
      content_index: 0,
      part: this.contentPart(open, ""),
    });
    return events;
  }

  private delta(open: OpenItem, delta: string): OutputEvent[] {
    if (delta === "") return [];
    open.raw += delta;
    return this.textEvent(open, open.filter.push(delta));
  }

  private textEvent(open: OpenItem, text: string): OutputEvent[] {
    if (text === "") return [];
    open.text += text;
    const scope = { item_id: open.id, output_index: open.index };
    if (open.kind === "tool-call")
      return [{ type: "response.function_call_arguments.delta", ...scope, delta: text }];
    if (open.kind === "analysis") {
      return [{ type: "response.reasoning_text.delta", ...scope, content_index: 0, delta: text }];
    }
    return [{ type: "response.output_text.delta", ...scope, content_index: 0, delta: text, logprobs: [] }];
  }

  private done(open: OpenItem, status: "completed" | "incomplete"): OutputEvent[] {
    const item = this.item(open, status, true);
    this.items.push(item);
    this.stored.push(this.storedItem(open));
    const scope = { item_id: open.id, output_index: open.index };
    const itemDone = { type: "response.output_item.done", output_index: open.index, item };
    if (open.kind === "tool-call") {
      return [
        { type: "response.function_call_arguments.done", ...scope, name: open.name, arguments: open.text },
        itemDone,
      ];
    }
    const textDone =
      open.kind === "analysis"
        ? { type: "response.reasoning_text.done", ...scope, content_index: 0, text: open.text }
        : { type: "response.output_text.done", ...scope, content_index: 0, text: open.text, logprobs: [] };
    const part = this.contentPart(open, open.text);
    return [textDone, { type: "response.content_part.done", ...scope, content_index: 0, part }, itemDone];
  }

  private contentPart(open: OpenItem, text: string): Json {
    return open.kind === "analysis"
      ? { type: "reasoning_text", text }
      : { type: "output_text", text, annotations: [] };
  }

  /** The item as added (no content yet) or as done. */
  private item(open: OpenItem, status: string, full: boolean): OutputItem {
    const content = full ? [this.contentPart(open, open.text)] : [];
    switch (open.kind) {
      case "analysis":
        return { type: "reasoning", id: open.id, summary: [], content, status };
      case "tool-call":
        return {
          type: "function_call",
          id: open.id,
          call_id: open.callId,
          name: open.name,
          arguments: full ? open.text : "",
          status,
        };
      default:
        return {
          type: "message",
          id: open.id,
          role: "assistant",
          status,
          content,
          ...(open.kind === "commentary" ? { phase: "commentary" } : {}),
        };
    }
  }

  private storedItem(open: OpenItem): ResponsesItem {
    if (open.kind === "analysis") return { type: "reasoning", text: open.text };
    if (open.kind === "tool-call") {
      return { type: "function_call", callId: open.callId, name: open.name, arguments: open.text };
    }
    return {
      type: "message",
      role: "assistant",
      text: open.text,
      ...(open.kind === "commentary" ? { phase: "commentary" as const } : {}),
    };
  }
}
