/**
 * Reads the header of a Harmony message whose special tokens a server stripped: `analysis…`,
 * `commentary to=functions.get_weather json{…}`, `to=functions.xcommentary json{…}` (after `assistant`).
 * Guesswork on text by design; the shapes and their limits are listed in stripped-tokens.ts.
 */

export const STRIPPED_CHANNELS = ["analysis", "commentary", "final"] as const;

/** What a stripped header said, and how many characters of the text it took (the content starts there). */
export interface StrippedHeader {
  length: number;
  roleWord: boolean;
  recipient?: string;
  recipientBeforeChannel: boolean;
  channel: string;
  contentType?: string;
}

/** "more": the text so far could still become (a longer) header; "none": it cannot be one. */
export type StrippedHeaderResult = StrippedHeader | "more" | "none";

/** Longer than any plausible header: past this, stop waiting and give up on recovery. */
export const MAX_STRIPPED_HEADER = 256;

// Recipient names seen in the wild: functions.x, browser.search, python, container.exec, mcp/x:y, x-y.
const NAME_CHAR = /[A-Za-z0-9_.\-:/@]/;

/** A boundary (`<|end|><|start|>assistant<|channel|>…` stripped) and everything after it. */
const NEXT_HEADER = /assistant(?:analysis|commentary|final).*$/s;

type Match = "yes" | "partial" | "no";

/**
 * Parse the stripped header at the start of `text`. `allowRoleWord`: a leading `assistant` may be there (stream
 * start). `ended`: no more text will come, so nothing is "more".
 */
export function parseStrippedHeader(
  text: string,
  allowRoleWord: boolean,
  ended: boolean,
): StrippedHeaderResult {
  const result = parse(text, allowRoleWord, ended);
  if (result === "more" && text.length > MAX_STRIPPED_HEADER) return "none";
  return result;
}

function parse(text: string, allowRoleWord: boolean, ended: boolean): StrippedHeaderResult {
  const match = (at: number, word: string): Match => {
    if (text.startsWith(word, at)) return "yes";
    if (!ended && text.length - at < word.length && word.startsWith(text.slice(at))) return "partial";
    return "no";
  };
  let at = 0;
  let roleWord = false;
  if (allowRoleWord) {
    const role = match(0, "assistant");
    if (role === "partial") return "more";
    if (role === "yes") {
      roleWord = true;
      at = "assistant".length;
    }
  }

  let recipient: string | undefined;
  let channel: string | undefined;
  const toBeforeChannel = match(at, " to=");
  if (toBeforeChannel === "partial") return "more";
  if (toBeforeChannel === "yes") {
    // `<|start|>assistant to=NAME<|channel|>commentary`: NAME runs straight into the channel word, so the
    // channel is the last channel word inside the run of name characters.
    const runStart = at + 4;
    const runEnd = nameRunEnd(text, runStart);
    if (runEnd === text.length && !ended) return "more";
    // An empty message's content ends at once: the run must not reach into the next message's header.
    const run = text.slice(runStart, runEnd).replace(NEXT_HEADER, "");
    const split = lastChannelWord(run);
    if (split !== undefined && split.index > 0) {
      recipient = run.slice(0, split.index);
      channel = split.channel;
      at = runStart + split.index + split.channel.length;
    } else if (run.length > 0) {
      // `assistant to=NAME <|channel|>commentary`: a space survived between them.
      let next = runEnd;
      while (text[next] === " ") next++;
      if (next === text.length && !ended) return "more";
      const word = channelAt(next, match);
      if (word === "partial") return "more";
      if (word === undefined) return "none";
      recipient = run;
      channel = word;
      at = next + word.length;
    } else {
      return "none";
    }
  } else {
    const word = channelAt(at, match);
    if (word === "partial") return "more";
    if (word === undefined) return "none";
    channel = word;
    at += word.length;
  }

  if (recipient === undefined) {
    const toAfterChannel = match(at, " to=");
    if (toAfterChannel === "partial") return "more";
    if (toAfterChannel === "yes") {
      const runEnd = nameRunEnd(text, at + 4);
      if (runEnd === text.length && !ended) return "more";
      // ` to=` with no name is content that happens to start that way.
      if (runEnd > at + 4) {
        recipient = text.slice(at + 4, runEnd);
        at = runEnd;
      }
    }
  }

  let contentType: string | undefined;
  for (const word of ["json", "code"]) {
    const found = match(at, ` ${word}`);
    if (found === "partial") return "more";
    if (found !== "yes") continue;
    if (recipient !== undefined) {
      contentType = word;
      at += word.length + 1;
    } else if (word === "json") {
      // Structured output (`final <|constrain|>json`) is only believed when JSON visibly follows.
      const next = text[at + 5];
      if (next === undefined && !ended) return "more";
      if (next === "{" || next === "[") {
        contentType = word;
        at += word.length + 1;
      }
    }
    break;
  }

  const header: StrippedHeader = {
    length: at,
    roleWord,
    recipientBeforeChannel: toBeforeChannel === "yes",
    channel,
  };
  if (recipient !== undefined) header.recipient = recipient;
  if (contentType !== undefined) header.contentType = contentType;
  return header;
}

function channelAt(at: number, match: (at: number, word: string) => Match): string | "partial" | undefined {
  let partial = false;
  for (const channel of STRIPPED_CHANNELS) {
    const found = match(at, channel);
    if (found === "yes") return channel;
    if (found === "partial") partial = true;
  }
  return partial ? "partial" : undefined;
}

function nameRunEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && NAME_CHAR.test(text[end] as string)) end++;
  return end;
}

function lastChannelWord(run: string): { index: number; channel: string } | undefined {
  let best: { index: number; channel: string } | undefined;
  for (const channel of STRIPPED_CHANNELS) {
    const index = run.lastIndexOf(channel);
    if (index >= 0 && (best === undefined || index > best.index)) best = { index, channel };
  }
  return best;
}
