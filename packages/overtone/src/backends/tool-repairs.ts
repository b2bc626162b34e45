/**
 * Tool calls repaired before anyone acts on them, against the tools the request offered — the lenient parser
 * cannot do this, as it does not know them. Every backend's stream passes through here (gpt-oss-profile.ts's
 * checkedParts), so the gateway and `run`/`chat` get the same calls whatever the server:
 *
 *   - a recipient that names an offered function in another spelling becomes that function
 *     (`read_file` → `functions.read_file`, `functions.shelljson`, `functions.Web Search` → `functions.web_search`,
 *     leaked markup cut): `recipient-normalized`;
 *   - a function's arguments are made JSON when they are not (tool-arguments.ts): `arguments-repaired`, or named
 *     `arguments-not-json` when nothing can be done;
 *   - a final message that is a call written as JSON text (`[{"name":"get_weather","parameters":{…}}]`, vllm#22337)
 *     to an offered function becomes that call, and a `stop` becomes `tool-calls`: `call-leaked-into-final`.
 *
 * The repairs go on the `finish` part after the parser's. To repair a call its parts are held until its end
 * (clients act on a call only once it is whole); a final message is held only while it could still be a call —
 * tools offered and its text so far starting with `{` or `[` — so an ordinary answer streams as it comes.
 */
import type { FinishPart, Part, Repair, ToolDescription } from "@overtone/harmony";
import { repair } from "@overtone/harmony";
import { type PartStep, throughSteps } from "./part-steps.js";
import { repairArguments } from "./tool-arguments.js";

type ToolStart = Extract<Part, { type: "tool-call-start" }>;
type ToolEnd = Extract<Part, { type: "tool-call-end" }>;
type FinalStart = Extract<Part, { type: "final-start" }>;
type FinalEnd = Extract<Part, { type: "final-end" }>;

const CALL_CONTENT_TYPE = "<|constrain|>json";

/** `parts` with tool calls repaired against `offered` (see above). */
export function withToolRepairs(
  parts: AsyncIterable<Part>,
  offered: readonly ToolDescription[],
): AsyncGenerator<Part, void, undefined> {
  return throughSteps(parts, [toolRepairs(offered)]);
}

/** The repairs as a step of a backend's stream (part-steps.ts). */
export function toolRepairs(offered: readonly ToolDescription[]): PartStep {
  const repairs: Repair[] = [];
  let held: Part[] | undefined;
  let finalText = "";
  let leaked = false;
  return {
    push(part, out) {
      if (held !== undefined) {
        if (part.type === "tool-call-end") {
          out.push(...repairedCall(held[0] as ToolStart, held.slice(1), part, offered, repairs));
          held = undefined;
        } else if (part.type === "final-end") {
          const calls = leakedCalls(held[0] as FinalStart, part, offered);
          if (calls === undefined) out.push(...held, part);
          else {
            out.push(...calls);
            leaked = true;
            repairs.push(repair("call-leaked-into-final", part.text));
          }
          held = undefined;
        } else if (part.type === "final-delta") {
          finalText += part.delta;
          held.push(part);
          if (!couldBeCall(finalText)) {
            out.push(...held);
            held = undefined;
          }
        } else if (part.type === "error") {
          out.push(...held, part);
          held = undefined;
        } else {
          held.push(part);
        }
        return;
      }
      if (part.type === "tool-call-start" || (part.type === "final-start" && offered.length > 0)) {
        held = [part];
        finalText = "";
      } else if (part.type === "finish") out.push(finished(part, repairs, leaked));
      else out.push(part);
    },
    end(out) {
      if (held !== undefined) out.push(...held);
      held = undefined;
    },
  };
}

function finished(part: FinishPart, repairs: readonly Repair[], leaked: boolean): FinishPart {
  if (repairs.length === 0) return part;
  const reason = leaked && part.reason === "stop" ? "tool-calls" : part.reason;
  return { ...part, reason, repairs: [...(part.repairs ?? []), ...repairs] };
}

function couldBeCall(text: string): boolean {
  const start = text.trimStart();
  return start === "" || start.startsWith("{") || start.startsWith("[");
}

/**
 * The offered function a recipient means, when it does not name one as it is: leaked markup cut, the
 * `functions.` namespace added, a glued `json` dropped, case, spaces, `-` and `_` ignored.
 */
export function offeredRecipient(recipient: string, offered: readonly ToolDescription[]): string | undefined {
  const names = new Set(offered.map((tool) => tool.name));
  if (recipient.startsWith("functions.") && names.has(recipient.slice("functions.".length))) return undefined;
  const base = recipient.replace(/<\|.*$/s, "").trim();
  const name = base.startsWith("functions.") ? base.slice("functions.".length) : base;
  const squash = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, "");
  for (const candidate of [name, name.replace(/json$/, "")]) {
    if (names.has(candidate)) return `functions.${candidate}`;
    const matches = offered.filter((tool) => squash(tool.name) === squash(candidate));
    if (matches.length === 1) return `functions.${matches[0]?.name}`;
  }
  return undefined;
}

function* repairedCall(
  start: ToolStart,
  between: readonly Part[],
  end: ToolEnd,
  offered: readonly ToolDescription[],
  repairs: Repair[],
): Generator<Part, void, undefined> {
  let recipient = start.recipient;
  const renamed = offeredRecipient(recipient, offered);
  if (renamed !== undefined) {
    repairs.push(repair("recipient-normalized", `${recipient} → ${renamed}`));
    recipient = renamed;
  }
  let text = end.text;
  if (recipient.startsWith("functions.")) {
    const fixed = repairArguments(text, recipient.slice("functions.".length));
    if (fixed.repair !== undefined) repairs.push(fixed.repair);
    text = fixed.text;
  }
  if (recipient === start.recipient && text === end.text) {
    yield* [start, ...between, end];
    return;
  }
  yield { ...start, recipient };
  if (text !== "") yield { type: "tool-call-delta", id: start.id, delta: text };
  yield {
    ...end,
    recipient,
    text,
    message: { ...end.message, recipient, content: [{ type: "text", text }] },
  };
}

/** The calls a final message's JSON text makes to offered functions, as tool-call parts; undefined if none. */
function leakedCalls(
  start: FinalStart,
  end: FinalEnd,
  offered: readonly ToolDescription[],
): Part[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(end.text);
  } catch {
    return undefined;
  }
  const items = Array.isArray(value) ? value : [value];
  const calls: { recipient: string; args: string }[] = [];
  for (const item of items) {
    const call = asCall(item, offered);
    if (call === undefined) return undefined;
    calls.push(call);
  }
  if (calls.length === 0) return undefined;
  const { type: _type, channel: _channel, contentType: _contentType, ...fields } = start;
  return calls.flatMap(({ recipient, args }, index): Part[] => {
    const id = index === 0 ? start.id : `${start.id}-${index}`;
    const message = {
      ...end.message,
      recipient,
      channel: "commentary",
      content_type: CALL_CONTENT_TYPE,
      content: [{ type: "text" as const, text: args }],
    };
    return [
      {
        ...fields,
        id,
        type: "tool-call-start",
        recipient,
        channel: "commentary",
        contentType: CALL_CONTENT_TYPE,
      },
      { type: "tool-call-delta", id, delta: args },
      {
        type: "tool-call-end",
        id,
        recipient,
        channel: "commentary",
        contentType: CALL_CONTENT_TYPE,
        text: args,
        terminator: "call",
        message,
      },
    ];
  });
}

/** `{"name": tool, "arguments"|"parameters": {…}}` (or the arguments beside the name) for an offered tool. */
function asCall(
  item: unknown,
  offered: readonly ToolDescription[],
): { recipient: string; args: string } | undefined {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return undefined;
  const { name, arguments: args, parameters, ...rest } = item as Record<string, unknown>;
  if (typeof name !== "string") return undefined;
  const recipient = offered.some((tool) => tool.name === name)
    ? `functions.${name}`
    : offeredRecipient(name, offered);
  if (recipient === undefined) return undefined;
  const given = args ?? parameters;
  if (given !== undefined && Object.keys(rest).length > 0) return undefined;
  const value = given ?? rest;
  if (typeof value === "string") {
    const fixed = repairArguments(value, recipient.slice("functions.".length));
    return fixed.repair?.kind === "arguments-not-json" ? undefined : { recipient, args: fixed.text };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return { recipient, args: JSON.stringify(value) };
}
