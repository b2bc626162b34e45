/**
 * Message-header parsing, exactly upstream's `parse_header_from_string` (spec §7.2) on the decoded header text,
 * plus PR #144's fix (a lone `<|constrain|>json` part is a content type, not a recipient). Rust's notions of
 * whitespace differ from JavaScript's, so they are spelled out here.
 */
import type { MessageHeader } from "./parser-types.js";
import type { Role } from "./types.js";
import { ROLES } from "./types.js";

export const CHANNEL_MARKER = "<|channel|>";
/** What starts a content type such as `<|constrain|>json` in a header. */
export const CONSTRAIN_MARKER = "<|constrain|>";

/** Rust's `char::is_whitespace` (Unicode White_Space): unlike JS `\s`, it has U+0085 and lacks U+FEFF. */
export function isRustWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Rust's `str::trim`. */
export function rustTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isRustWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isRustWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Rust's `str::split_ascii_whitespace`: only space, \t, \n, \f and \r separate; empty parts are dropped. */
export function splitAsciiWhitespace(text: string): string[] {
  return text.split(/[ \t\n\f\r]+/).filter((part) => part !== "");
}

/** The role a header word names, if it is one of the five. */
export function knownRole(word: string): Role | undefined {
  return (ROLES as readonly string[]).includes(word) ? (word as Role) : undefined;
}

export type HeaderParse =
  | { ok: true; header: MessageHeader; remaining: string | undefined }
  | { ok: false; error: string };

/**
 * Take the first `<|channel|>` value out of the header text: the characters after the marker up to whitespace
 * or `<`. Returns the channel and the text without it, or an error when the marker has no value.
 */
export function extractChannel(
  text: string,
): { channel: string | undefined; rest: string } | { error: string } {
  const at = text.indexOf(CHANNEL_MARKER);
  if (at < 0) return { channel: undefined, rest: text };
  const valueStart = at + CHANNEL_MARKER.length;
  let valueEnd = valueStart;
  while (valueEnd < text.length) {
    const code = text.charCodeAt(valueEnd);
    if (code === 0x3c || isRustWhitespace(code)) break;
    valueEnd++;
  }
  if (valueEnd === valueStart)
    return { error: "channel marker present but no channel value found in header" };
  return { channel: text.slice(valueStart, valueEnd), rest: text.slice(0, at) + text.slice(valueEnd) };
}

/**
 * Parse decoded header text. `role` is the known role (the parser's `next_role`), else it is read from the text.
 * `fields`: true for a header closed by `<|message|>` (recipient and content type are parsed; `remaining` is
 * what is left over, an error for the caller); false for upstream's non-strict recovery, where everything after
 * the channel and role is `remaining` content.
 */
export function parseHeaderText(text: string, role: Role | undefined, fields: boolean): HeaderParse {
  const extracted = extractChannel(text);
  if ("error" in extracted) return { ok: false, error: extracted.error };
  let rest = rustTrim(extracted.rest);
  if (rest.includes(CONSTRAIN_MARKER))
    rest = rustTrim(rest.replaceAll(CONSTRAIN_MARKER, ` ${CONSTRAIN_MARKER}`));
  const parts = splitAsciiWhitespace(rest);

  let resolvedRole = role;
  let roleWord: string | undefined;
  if (resolvedRole === undefined) {
    roleWord = parts[0];
    if (roleWord === undefined) return { ok: false, error: "message header did not contain a role" };
    resolvedRole = knownRole(roleWord);
    if (resolvedRole === undefined) {
      // An unknown first word followed by more (or a lone `to=`) is a tool's name: `functions.x to=assistant`.
      if (parts.length > 1 || roleWord.startsWith("to=")) {
        parts.shift();
        resolvedRole = "tool";
      } else return { ok: false, error: `Unknown role: ${roleWord}` };
    }
  }
  if (parts[0] === resolvedRole) parts.shift();

  const header: MessageHeader = { role: resolvedRole };
  if (resolvedRole === "tool" && roleWord !== undefined) header.name = roleWord;
  let recipient: string | undefined;
  let contentType: string | undefined;
  if (fields && parts.length > 0) {
    const count = parts.length;
    const last = parts.pop() as string;
    if (last.startsWith("to=")) recipient = last.slice(3);
    else if (count === 1) {
      if (last.startsWith(CONSTRAIN_MARKER)) contentType = last;
      else recipient = last;
    } else {
      contentType = last;
      const before = parts.pop();
      if (before !== undefined) recipient = before.startsWith("to=") ? before.slice(3) : before;
    }
  }
  if (recipient !== undefined) header.recipient = recipient;
  if (extracted.channel !== undefined) header.channel = extracted.channel;
  if (contentType !== undefined) header.content_type = contentType;
  return { ok: true, header, remaining: parts.length > 0 ? parts.join(" ") : undefined };
}

/**
 * What Rust's `{:?}` of a string writes as `\u{…}`: what its `is_printable` rejects (separators but the space,
 * controls, format characters, surrogates, private use, unassigned) and grapheme extenders (combining marks).
 */
const RUST_ESCAPED = /^[\p{Zs}\p{Zl}\p{Zp}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Grapheme_Extend}]$/u;

/** Rust's `{:?}` of a `String`, for upstream's "unexpected tokens remaining" message. */
export function rustDebugString(text: string): string {
  let out = '"';
  for (const char of text) {
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === "\0") out += "\\0";
    else if (char !== " " && RUST_ESCAPED.test(char))
      out += `\\u{${(char.codePointAt(0) as number).toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}
