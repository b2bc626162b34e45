/**
 * The repairs lenient parsing makes to malformed model output, by name: one stable list, so a caller can count
 * them (the gateway's `gateway:repairs_total{kind}`), log them and test them. A parse reports each repair it
 * made as `{ kind, detail }` — `parseLenient`'s `repairs`, a parser's `repair` events, the `finish` part's
 * `repairs` — and `detail` says what it saw, in words for a person (never needed to act on the repair).
 *
 * Where each is made: the token parser (streamable-parser.ts and lenient-header.ts) for everything about
 * messages and headers; the text parser for `stripped-special-tokens`; the backends that read a chat API's
 * reply for `markup-in-content`; the tool-call checks every backend's stream passes through
 * (`@overtone/overtone`'s backends/tool-call-check.ts and tool-repairs.ts) for the `call`, `recipient` and
 * `arguments` kinds, because only they know which tools the request offered.
 */

export const REPAIR_KINDS = [
  /** The text held no special token (`analysis…assistantfinal…`): they were put back (stripped-tokens.ts). */
  "stripped-special-tokens",
  /** A chat API's content still held Harmony markup (`<|channel|>…`): it was parsed instead of shown. */
  "markup-in-content",
  /** A message began without `<|start|>` (after `<|end|>`/`<|call|>`, or at the start without a role). */
  "missing-start",
  /** `<|start|>` or `<|channel|>` came inside a message's content: that message ended there. */
  "missing-end",
  /** Text with no header at all (no channel, no role): read as the assistant's message. */
  "headerless-message",
  /** A header a stop token or the end closed without `<|message|>`: its words after the channel are the text. */
  "free-text-channel-header",
  /** The output ended inside a header: the unfinished header was dropped. */
  "cut-mid-header",
  /** The output ended inside a message's content, without a stop token (a token limit, or a server that drops it). */
  "cut-mid-message",
  /** A header was cut short by a new `<|start|>`: the words before it were dropped. */
  "interrupted-header",
  /** Words in a header that are no role, channel, recipient or content type (a second `<|channel|>`, `??`, …). */
  "junk-in-header",
  /** A recipient written with spaces (`to=functions.Web Search`) or after a lone `to=`: joined. */
  "recipient-with-spaces",
  /** `json`, `code` or `<|constrain|>…` where the recipient goes: it is the content type, no tool is called. */
  "constrain-as-recipient",
  /** A special token where none can stand (`<|end|><|return|>`, a reserved id) or an unknown id: dropped. */
  "stray-token",
  /** A recipient turned into a tool that was offered (`read_file` → `functions.read_file`, leaked markup cut). */
  "recipient-normalized",
  /** A message ended by `<|call|>` that named no tool, sent to the only tool offered. */
  "call-without-recipient",
  /** A final message that was a tool call written as JSON text: turned into that call. */
  "call-leaked-into-final",
  /** Tool arguments made valid JSON: trailing junk cut, brackets closed, control characters escaped, unwrapped. */
  "arguments-repaired",
  /** Tool arguments that are not JSON and could not be made JSON: passed on as they came. */
  "arguments-not-json",
] as const;

export type RepairKind = (typeof REPAIR_KINDS)[number];

export interface Repair {
  kind: RepairKind;
  /** What was seen and done, for a person (e.g. the dropped words); absent when the kind says it all. */
  detail?: string;
}

/** A repair, with `detail` cut to a length that fits a log line. */
export function repair(kind: RepairKind, detail?: string): Repair {
  if (detail === undefined) return { kind };
  return { kind, detail: detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail };
}

const MAX_DETAIL = 120;
