/**
 * Tool calls checked against the tools a request offered. Harmony makes a message ended by `<|call|>` a tool
 * call whatever its header says; a small model sometimes leaves out the recipient
 * (`<|channel|>commentary <|constrain|>json<|message|>{"city":"Paris"}<|call|>`) or calls a function that was
 * never offered. Passed through as they come, such turns looked like a normal, empty stop: `run` printed an
 * empty line and exited 0, `chat` showed the arguments as dim reasoning. Here they come out as what they are:
 *
 *   - a call without a recipient, when repair is safe — exactly one function tool was offered and the text
 *     parses as a JSON object — becomes that tool's call (`tool-call-*` parts, recipient `functions.<name>`),
 *     and the finish (`tool-calls`) says in its `notice` that it was repaired (and lists the repair,
 *     `call-without-recipient`, in its `repairs`);
 *   - a call without a recipient that cannot be repaired stays the message it was (its end keeps terminator
 *     `call`), the finish is `tool-calls` (the parser's verdict, parts-adapter.ts) and its notice says why no
 *     repair was made and which tools were offered: a caller sees a malformed call, never an empty stop;
 *   - a call to a function that was not offered passes unchanged (the caller answers it, e.g. with an error
 *     the model can correct), with a notice naming the offered tools.
 *
 * To repair, a recipient-less commentary message must come out as a tool call from its start, and only its end
 * tells whether it is one; so while repair is possible (one tool offered) such messages are held back until
 * their end. Those are preambles of a sentence or two, so the delay is short; analysis and final messages are
 * never held (the reasoning streams live; a malformed call there keeps its channel and gets the notice).
 */
import { type FinishPart, type Part, repair, type ToolDescription } from "@overtone/harmony";
import { type PartStep, throughSteps } from "./part-steps.js";

const MALFORMED_PREFIX = "malformed tool call:";

type CommentaryEnd = Extract<Part, { type: "commentary-end" }>;

/** `parts` with malformed calls repaired or explained (see above); `offered`: the request's function tools. */
export function withToolCallCheck(
  parts: AsyncIterable<Part>,
  offered: readonly ToolDescription[],
): AsyncGenerator<Part, void, undefined> {
  return throughSteps(parts, [toolCallCheck(offered)]);
}

/** The check as a step of a backend's stream (part-steps.ts). */
export function toolCallCheck(offered: readonly ToolDescription[]): PartStep {
  const only = offered.length === 1 ? offered[0]?.name : undefined;
  let held: Part[] | undefined;
  /** What the finish must say about the last message, when it was a questionable call. */
  let note: string | undefined;
  let repaired = false;
  return {
    push(part, out) {
      if (held !== undefined) {
        if (part.type === "commentary-delta") {
          held.push(part);
          return;
        }
        const start = held[0] as Extract<Part, { type: "commentary-start" }>;
        const parts_ = held;
        held = undefined;
        if (
          part.type === "commentary-end" &&
          part.terminator === "call" &&
          only !== undefined &&
          isJsonObject(part.text)
        ) {
          out.push(...asToolCall(start, parts_, part, `functions.${only}`));
          repaired = true;
          note = `repaired a malformed tool call: the model ended a message with <|call|> but named no tool; it was sent to functions.${only}, the only tool offered`;
          return;
        }
        out.push(...parts_);
      }
      if (part.type === "commentary-start" && part.role === "assistant" && only !== undefined) {
        held = [part];
        return;
      }
      if (part.type === "tool-call-end") {
        repaired = false;
        note = notOffered(part.recipient, offered);
      } else if (part.type.endsWith("-end")) {
        repaired = false;
        note = undefined;
      }
      out.push(part.type === "finish" ? withNote(part, repaired, note, offered, only) : part);
    },
    end(out) {
      // A stream ends with a finish or an error, which lets a held message go; this is for one that did not.
      if (held !== undefined) out.push(...held);
      held = undefined;
    },
  };
}

function asToolCall(
  start: Extract<Part, { type: "commentary-start" }>,
  held: readonly Part[],
  end: CommentaryEnd,
  recipient: string,
): Part[] {
  const { type: _start, ...fields } = start;
  const out: Part[] = [{ ...fields, type: "tool-call-start", recipient }];
  for (const part of held) {
    if (part.type === "commentary-delta")
      out.push({ type: "tool-call-delta", id: part.id, delta: part.delta });
  }
  out.push({
    type: "tool-call-end",
    id: end.id,
    recipient,
    ...(end.message.channel !== undefined ? { channel: end.message.channel } : {}),
    ...(end.message.content_type !== undefined ? { contentType: end.message.content_type } : {}),
    text: end.text,
    terminator: end.terminator,
    message: { ...end.message, recipient },
  });
  return out;
}

function withNote(
  part: FinishPart,
  repaired: boolean,
  note: string | undefined,
  offered: readonly ToolDescription[],
  only: string | undefined,
): FinishPart {
  const own = part.notice;
  if (repaired && note !== undefined) {
    // The parser's notice said the call stayed a plain message; after the repair that is no longer true.
    const rest = own?.startsWith(MALFORMED_PREFIX) ? undefined : own;
    const reason = part.reason === "stop" ? "tool-calls" : part.reason;
    const repairs = [...(part.repairs ?? []), repair("call-without-recipient", `sent to functions.${only}`)];
    return { ...part, reason, notice: rest === undefined ? note : `${note}; ${rest}`, repairs };
  }
  if (own?.startsWith(MALFORMED_PREFIX)) {
    const why =
      offered.length === 0
        ? "no tools were offered"
        : only === undefined
          ? `it cannot be repaired: more than one tool was offered (${offeredList(offered)})`
          : `it cannot be repaired: its text is not a JSON object of arguments for functions.${only}, the only tool offered`;
    return { ...part, notice: `${own}; ${why}; retrying usually helps` };
  }
  if (note === undefined) return part;
  return { ...part, notice: own === undefined ? note : `${note}; ${own}` };
}

function notOffered(recipient: string, offered: readonly ToolDescription[]): string | undefined {
  if (!recipient.startsWith("functions.")) return undefined;
  const name = recipient.slice("functions.".length);
  if (offered.some((tool) => tool.name === name)) return undefined;
  const tools = offered.length === 0 ? "no tools were offered" : `offered: ${offeredList(offered)}`;
  return `the model called ${recipient}, which was not offered (${tools})`;
}

function offeredList(offered: readonly ToolDescription[]): string {
  return offered.map((tool) => `functions.${tool.name}`).join(", ");
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
