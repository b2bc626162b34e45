/**
 * Reads the recorded wire exchanges under test/fixtures/wire/ (format: that folder's README, copied from
 * shared/reference/wire/README.md): `#` lines are annotations, `# >>> request …` and `# <<< response …` open
 * each part, recorded headers follow as `# Name: value`, and every other line is body bytes as published.
 *
 * Bodies are turned into the chunks a server would have written, without changing what was recorded:
 *   - SSE (`data:` / `event:` lines): one chunk per event, blank separator lines kept;
 *   - NDJSON / JSON written one object per line: each line verbatim, one chunk each;
 *   - JSON the publisher pretty-printed (the fixture header says so): each object re-compacted to one line,
 *     which is what the wire carried;
 *   - anything else (a partial body, a log line): the text as is, one chunk.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const WIRE_FIXTURE_DIR = fileURLToPath(new URL("../fixtures/wire/", import.meta.url));

export interface RecordedRequest {
  /** The annotation line after `# >>> `. */
  note: string;
  method?: string;
  path?: string;
  headers: Record<string, string>;
  /** Body lines as recorded (may be a published command rather than a body). */
  body: string;
}

export interface RecordedResponse {
  note: string;
  /** Undefined when the publication did not capture it. */
  status?: number;
  headers: Record<string, string>;
  body: string;
}

export interface RecordedExchange {
  request?: RecordedRequest;
  /** Usually one; a documentation sample may show a stream in several excerpts. */
  responses: RecordedResponse[];
}

export interface WireFixture {
  file: string;
  /** The header block (`source`, `status`, `shows`, …). */
  meta: Record<string, string>;
  exchanges: RecordedExchange[];
}

const ANNOTATION = /^# ?(.*)$/;
const HEADER_LINE = /^# ([A-Za-z][A-Za-z0-9-]*): (.*)$/;
const META_LINE = /^# ([a-z][a-z /-]*): (.*)$/;

export function loadWireFixture(name: string): WireFixture {
  const file = name.includes("/") ? name : `${WIRE_FIXTURE_DIR}${name}`;
  return parseWireFixture(readFileSync(file, "utf8"), file);
}

export function parseWireFixture(text: string, file = "<inline>"): WireFixture {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const fixture: WireFixture = { file, meta: {}, exchanges: [] };
  type Section = RecordedRequest | RecordedResponse;
  let section: Section | undefined;
  let bodyLines: string[] = [];
  let inHeaders = false;
  const flush = () => {
    if (section !== undefined) section.body = bodyLines.join("\n");
    bodyLines = [];
  };
  for (const line of lines) {
    if (line.startsWith("# >>> ")) {
      flush();
      const note = line.slice(6);
      const request: RecordedRequest = { note, headers: {}, body: "" };
      const target = /\b(GET|POST|PUT|DELETE|PATCH)\s+(\S+)/.exec(note);
      if (target?.[1] !== undefined && target[2] !== undefined) {
        request.method = target[1];
        request.path = target[2].replace(/^https?:\/\/[^/]+/, "");
      }
      fixture.exchanges.push({ request, responses: [] });
      section = request;
      inHeaders = true;
    } else if (line.startsWith("# <<< ")) {
      flush();
      const note = line.slice(6);
      const response: RecordedResponse = { note, headers: {}, body: "" };
      const status = /\bHTTP (\d{3})\b/.exec(note)?.[1];
      if (status !== undefined) response.status = Number(status);
      const type = /Content-Type: ([^\s,()]+)/i.exec(note)?.[1];
      if (type !== undefined) response.headers["content-type"] = type;
      let exchange = fixture.exchanges.at(-1);
      if (exchange === undefined || (section === undefined && exchange.responses.length > 0)) {
        exchange = { responses: [] };
        fixture.exchanges.push(exchange);
      }
      exchange.responses.push(response);
      section = response;
      inHeaders = true;
    } else if (line.startsWith("#")) {
      const header = inHeaders ? HEADER_LINE.exec(line) : null;
      if (section !== undefined && header?.[1] !== undefined && header[2] !== undefined) {
        section.headers[header[1].toLowerCase()] = header[2];
      } else {
        inHeaders = false;
        const meta = section === undefined ? META_LINE.exec(line) : null;
        if (meta?.[1] !== undefined && meta[2] !== undefined) fixture.meta[meta[1]] = meta[2];
        else if (section === undefined && ANNOTATION.test(line)) {
          // a continuation of the header block without a key: kept under "notes"
          fixture.meta.notes = [fixture.meta.notes, line.slice(2)].filter(Boolean).join("\n");
        }
      }
    } else {
      inHeaders = false;
      bodyLines.push(line);
    }
  }
  flush();
  return fixture;
}

/** The chunks a server wrote for this body (see the file comment for the rules). */
export function bodyChunks(body: string): string[] {
  if (body === "") return [];
  const lines = body.split("\n");
  if (lines.some((l) => /^(data|event|id|retry):/.test(l))) return sseChunks(lines);
  if (lines.every((l) => l.trim() === "" || isJson(l))) {
    return lines.filter((l) => l.trim() !== "").map((l) => `${l}\n`);
  }
  const values = splitJsonValues(body);
  if (values !== undefined) return values.map((v) => `${JSON.stringify(v)}\n`);
  return [body];
}

/** The body as one JSON value, for a non-streaming answer (pretty-printed ones re-compacted). */
export function bodyText(body: string): string {
  const chunks = bodyChunks(body);
  return chunks.length === 1 ? (chunks[0] as string).replace(/\n$/, "") : chunks.join("");
}

export function requestJson(request: RecordedRequest | undefined): unknown {
  if (request === undefined) return undefined;
  try {
    return JSON.parse(request.body);
  } catch {
    return undefined;
  }
}

function sseChunks(lines: string[]): string[] {
  const chunks: string[] = [];
  let event: string[] = [];
  for (const line of lines) {
    if (line === "") {
      if (event.length > 0) chunks.push(`${event.join("\n")}\n\n`);
      event = [];
    } else {
      event.push(line);
    }
  }
  if (event.length > 0) chunks.push(`${event.join("\n")}\n\n`);
  return chunks;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Consecutive JSON values in `text` (objects printed over several lines), or undefined if it is not that. */
function splitJsonValues(text: string): unknown[] | undefined {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) {
        try {
          values.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          return undefined;
        }
      }
    } else if (depth === 0 && c !== undefined && c.trim() !== "") {
      return undefined;
    }
  }
  return depth === 0 && values.length > 0 ? values : undefined;
}
