/**
 * Headers read however the model malformed them (strict: false only). Upstream's header grammar fails on much
 * of what real servers hand back — a second `<|channel|>`, `??` after the channel, `to=functions.Web Search`,
 * `final json` (upstream's recipient `json`), a header cut by the end of the output — and a parse that fails
 * loses the whole turn. Here every header yields one: a role, at most one known-looking channel, a recipient,
 * a content type, and the repairs that say what was dropped or moved (repairs.ts).
 *
 * A header closed by `<|message|>` that upstream reads is kept as upstream reads it, only normalized
 * (`normalizeHeader`); otherwise `readLenientHeader` takes it word by word. A header closed by a stop token or
 * the end of the output has no content of its own: its words after the channel are the message's text, kept
 * as written (upstream's recovery joins them with single spaces).
 */
import { DEFAULT_VALID_CHANNELS } from "./builders.js";
import {
  CHANNEL_MARKER,
  CONSTRAIN_MARKER,
  isRustWhitespace,
  knownRole,
  splitAsciiWhitespace,
} from "./header.js";
import type { MessageHeader } from "./parser-types.js";
import { type Repair, repair } from "./repairs.js";
import { decode, isKnownToken } from "./tokenizer.js";
import { ROLES, type Role } from "./types.js";

/** The text of any special token (as encodeWithSpecialTokens reads them). */
const SPECIAL_MARKUP =
  /<\|(?:startoftext|endoftext|return|constrain|channel|start|end|message|call|reserved_\d{6})\|>/g;
/** Characters of recipient names seen in the wild: functions.x, browser.search, container.exec, mcp/x:y. */
const NAME_WORD = /^[A-Za-z0-9_.\-:/@]+$/;

/** What closed the header: its `<|message|>`, a stop token, or the end of the output. */
export type HeaderEnd = "message" | "stop" | "eos";

export interface LenientHeaderOptions {
  /** The role the prompt already named (first message only). */
  role: Role | undefined;
  /** The header began without `<|start|>`. */
  withoutStart: boolean;
  /** …because a `<|channel|>` inside the previous message's content started it (already reported). */
  startImplied: boolean;
  end: HeaderEnd;
}

export interface LenientHeader {
  header: MessageHeader;
  /** For a header closed by a stop token or the end: its free text, the message's content. "" otherwise. */
  text: string;
  repairs: Repair[];
}

/** A header's tokens as text: unknown ids dropped, invalid UTF-8 as U+FFFD. */
export function decodeHeaderTokens(tokens: readonly number[]): { text: string; repairs: Repair[] } {
  const known = tokens.filter(isKnownToken);
  const dropped = tokens.length - known.length;
  return {
    text: decode(known),
    repairs: dropped > 0 ? [repair("stray-token", `${dropped} unknown token id(s) in a header`)] : [],
  };
}

/** The leading known channel of a channel value glued to more (`commentary?`, `final__HANDOFF__`), if any. */
function knownChannelPrefix(value: string): string | undefined {
  for (const channel of DEFAULT_VALID_CHANNELS) {
    if (value.startsWith(channel) && !/^[A-Za-z0-9]/.test(value.slice(channel.length))) return channel;
  }
  return undefined;
}

/**
 * Adjustments to a header upstream's grammar accepted but that names no real tool or channel: a content type
 * in the recipient's place, markup glued to the recipient, `to=assistant` on the assistant's own message, a
 * channel with junk glued on. Changes `header` in place; returns what it did.
 */
export function normalizeHeader(header: MessageHeader): Repair[] {
  const repairs: Repair[] = [];
  const recipient = header.recipient;
  if (recipient !== undefined) {
    if (isContentType(recipient)) {
      delete header.recipient;
      header.content_type ??= recipient;
      repairs.push(repair("constrain-as-recipient", recipient));
    } else if (recipient.includes("<|")) {
      const cut = recipient.slice(0, recipient.indexOf("<|"));
      if (cut === "") delete header.recipient;
      else header.recipient = cut;
      repairs.push(repair("junk-in-header", recipient.slice(cut.length)));
    } else if (header.role === "assistant" && recipient === "assistant") {
      delete header.recipient;
      repairs.push(repair("recipient-normalized", "to=assistant on the assistant's own message"));
    }
  }
  const channel = header.channel;
  if (channel !== undefined && !DEFAULT_VALID_CHANNELS.includes(channel)) {
    const known = knownChannelPrefix(channel);
    if (known !== undefined) {
      header.channel = known;
      repairs.push(repair("junk-in-header", channel.slice(known.length)));
    }
  }
  return repairs;
}

/** Every `<|channel|>` taken out: the first value is the channel (junk glued to it stays behind as text). */
function takeChannels(text: string, repairs: Repair[]): { channel: string | undefined; rest: string } {
  let channel: string | undefined;
  let rest = text;
  for (let at = rest.indexOf(CHANNEL_MARKER); at >= 0; at = rest.indexOf(CHANNEL_MARKER, at)) {
    const valueStart = at + CHANNEL_MARKER.length;
    let valueEnd = valueStart;
    while (valueEnd < rest.length) {
      const code = rest.charCodeAt(valueEnd);
      if (code === 0x3c || isRustWhitespace(code)) break;
      valueEnd++;
    }
    const value = rest.slice(valueStart, valueEnd);
    let left = "";
    if (value === "") {
      repairs.push(repair("junk-in-header", "<|channel|> without a channel"));
    } else if (channel !== undefined) {
      repairs.push(repair("junk-in-header", `a second channel: ${value}`));
    } else {
      const known = knownChannelPrefix(value);
      channel = known ?? value;
      if (known !== undefined && known !== value) left = ` ${value.slice(known.length)}`;
    }
    rest = `${rest.slice(0, at)}${left} ${rest.slice(valueEnd)}`;
  }
  return { channel, rest };
}

/** Rust's split_ascii_whitespace, with `<|constrain|>` split off the word it is glued to. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const word of splitAsciiWhitespace(text)) {
    const at = word.indexOf(CONSTRAIN_MARKER);
    if (at > 0) out.push(word.slice(0, at), word.slice(at));
    else out.push(word);
  }
  // `<|constrain|> json`: the marker and its value came apart.
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i] === CONSTRAIN_MARKER) out.splice(i, 2, `${CONSTRAIN_MARKER}${out[i + 1]}`);
  }
  return out;
}

function isContentType(word: string): boolean {
  return word === "json" || word === "code" || word.startsWith(CONSTRAIN_MARKER);
}

function isNameWord(word: string): boolean {
  return NAME_WORD.test(word) && !isContentType(word) && !word.startsWith("to=");
}

/** Where the word starting at (or after the whitespace at) `from` ends, and the word. */
function wordAt(text: string, from: number): { word: string; start: number; end: number } {
  let start = from;
  while (start < text.length && /[ \t\n\f\r]/.test(text[start] as string)) start++;
  let end = start;
  while (end < text.length && !/[ \t\n\f\r]/.test(text[end] as string)) end++;
  return { word: text.slice(start, end), start, end };
}

export function readLenientHeader(text: string, options: LenientHeaderOptions): LenientHeader {
  const repairs: Repair[] = [];
  const taken = takeChannels(text, repairs);
  let channel = taken.channel;
  const rest = taken.rest;
  const junk: string[] = [];
  let role = options.role;
  let name: string | undefined;
  let roleWord = false;
  let cursor = 0;

  const first = wordAt(rest, 0);
  if (role !== undefined) {
    // As upstream: a role word repeating the known role is dropped.
    if (first.word === role) cursor = first.end;
  } else if (first.word === "") {
    role = "assistant";
  } else if (knownRole(first.word) !== undefined) {
    role = knownRole(first.word) as Role;
    roleWord = true;
    cursor = first.end;
  } else if (options.end === "message") {
    const glued = ROLES.find((known) => first.word.startsWith(known));
    const more = wordAt(rest, first.end).word !== "";
    if (channel === undefined && DEFAULT_VALID_CHANNELS.includes(first.word)) {
      // `commentary to=…` after `<|end|>`, `<|start|>final<|message|>`: a channel without its marker.
      role = "assistant";
      channel = first.word;
      cursor = first.end;
    } else if (options.withoutStart) {
      role = "assistant";
    } else if (glued !== undefined) {
      role = glued;
      roleWord = true;
      junk.push(first.word.slice(glued.length));
      cursor = first.end;
    } else if (more || first.word.startsWith("to=")) {
      // As upstream: an unknown first word followed by more is a tool's name (`functions.x to=assistant`).
      role = "tool";
      name = first.word;
      cursor = first.end;
    } else {
      role = "assistant";
      junk.push(first.word);
      cursor = first.end;
    }
  } else {
    role = "assistant";
  }

  const header: MessageHeader = { role };
  if (name !== undefined) header.name = name;
  if (channel !== undefined) header.channel = channel;
  let content = "";
  if (options.end === "message") {
    readFields(words(rest.slice(cursor)), header, junk, repairs);
  } else {
    // A leading `to=NAME` (and a content type after it) still belongs to the header; the rest is the text.
    const to = wordAt(rest, cursor);
    if (to.word.startsWith("to=") && to.word.length > 3) {
      header.recipient = to.word.slice(3);
      cursor = to.end;
      const type = wordAt(rest, cursor);
      if (isContentType(type.word)) {
        header.content_type = type.word;
        cursor = type.end;
      }
    }
    content = rest.slice(cursor).trim();
    // Special tokens in a header are markup, never text: they do not become the message's.
    const bare = content.replace(SPECIAL_MARKUP, "").trim();
    if (bare !== content) {
      repairs.push(repair("stray-token", content.match(SPECIAL_MARKUP)?.join(" ")));
      content = bare;
    }
  }
  if (junk.length > 0) repairs.push(repair("junk-in-header", junk.join(" ")));
  repairs.push(...normalizeHeader(header));

  const headerless = channel === undefined && !roleWord && header.recipient === undefined;
  if (headerless && (options.end !== "message" || !options.withoutStart)) {
    repairs.unshift(repair("headerless-message", content === "" ? undefined : content));
  } else {
    if (options.withoutStart && !options.startImplied) repairs.unshift(repair("missing-start"));
    // A cut header with no text is dropped, which the parser reports itself.
    if (options.end === "stop" || (options.end === "eos" && content !== "")) {
      repairs.push(repair("free-text-channel-header", content === "" ? "no text" : content));
    }
  }
  return { header, text: content, repairs };
}

/** Recipient, content type and junk out of the words after role and channel of a `<|message|>` header. */
function readFields(list: string[], header: MessageHeader, junk: string[], repairs: Repair[]): void {
  let recipient: string | undefined;
  for (let i = 0; i < list.length; i++) {
    const word = list[i] as string;
    if (recipient === undefined && word.startsWith("to=")) {
      let name = word.slice(3);
      // A name cut by spaces runs up to the content type (`to=functions.Web Search <|constrain|>json`); a lone
      // `to=` takes the next word.
      let last = i;
      while (last + 1 < list.length && isNameWord(list[last + 1] as string)) last++;
      const upToType = last + 1 < list.length && isContentType(list[last + 1] as string);
      if (!upToType && name === "") last = Math.min(last, i + 1);
      else if (!upToType) last = i;
      const joined = last > i;
      for (; i < last; ) name = name === "" ? (list[++i] as string) : `${name} ${list[++i]}`;
      if (joined) repairs.push(repair("recipient-with-spaces", name));
      if (name !== "") recipient = name;
      else junk.push(word);
    } else if (header.content_type === undefined && isContentType(word)) {
      header.content_type = word;
    } else {
      junk.push(word);
    }
  }
  // As upstream: a lone name without `to=` is the recipient (`commentary functions.x json`).
  if (recipient === undefined && header.name === undefined && junk.length === 1) {
    const bare = junk[0] as string;
    if (bare.includes(".") && isNameWord(bare)) {
      recipient = bare;
      junk.length = 0;
    }
  }
  if (recipient !== undefined) header.recipient = recipient;
}
