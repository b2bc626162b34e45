/**
 * Tool-call arguments made into the JSON a client can parse. gpt-oss writes a function's arguments as JSON, but
 * not always valid JSON: a bracket too many after the object (`{"input":"…"}]`, ollama#17638), the call cut
 * before its closing brackets, raw newlines inside a string of code, the call wrapped as
 * `{"name":…,"arguments":…}` or in a one-element array, or nothing at all for a tool without parameters.
 * A client that `JSON.parse`s the arguments (every OpenAI SDK's tool runner does) fails on each of these.
 *
 * `repairArguments` returns valid JSON unchanged — pretty-printed included, since clients parse it — and
 * otherwise the smallest repair that parses, with what it did. What no repair turns into JSON (`ls -R`, a line
 * of Python for a `python` function) passes unchanged and is named: the model gets the tool's error back and
 * can correct itself, which a guessed wrapping would not allow.
 */
import { type Repair, repair } from "@overtone/harmony";

export interface ArgumentsRepair {
  /** The arguments to pass on. */
  text: string;
  /** What was done (`arguments-repaired`) or found (`arguments-not-json`); undefined for valid JSON. */
  repair?: Repair;
}

/** Arguments for the function `toolName` (the name without `functions.`), repaired when they are not JSON. */
export function repairArguments(text: string, toolName: string): ArgumentsRepair {
  const valid = parse(text);
  if (valid.ok) {
    const inner = unwrapped(valid.value, toolName);
    if (inner === undefined) return { text };
    return { text: JSON.stringify(inner.value), repair: repair("arguments-repaired", inner.why) };
  }
  if (text.trim() === "") return { text: "{}", repair: repair("arguments-repaired", "no arguments: {}") };
  const done: string[] = [];
  let candidate = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(candidate);
  if (fenced !== null) {
    candidate = fenced[1] as string;
    done.push("code fence removed");
  }
  const start = candidate.search(/[[{]/);
  if (start > 0) {
    done.push(`text before the JSON cut: ${candidate.slice(0, start).trim()}`);
    candidate = candidate.slice(start);
  } else if (start < 0) {
    return { text, repair: repair("arguments-not-json", text) };
  }
  const scanned = scan(candidate);
  if (scanned.escaped) done.push("control characters escaped");
  let json = scanned.json;
  if (scanned.rest.trim() !== "") done.push(`trailing text cut: ${scanned.rest.trim()}`);
  if (scanned.open.length > 0 || scanned.inString) {
    json = closed(json, scanned.inString, scanned.open);
    done.push(`closed ${scanned.open.length} bracket(s)${scanned.inString ? " and a string" : ""}`);
  }
  const result = parse(json);
  if (!result.ok) return { text, repair: repair("arguments-not-json", text) };
  const inner = unwrapped(result.value, toolName);
  if (inner !== undefined) done.push(inner.why);
  return {
    text: JSON.stringify(inner === undefined ? result.value : inner.value),
    repair: repair("arguments-repaired", done.join("; ")),
  };
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The arguments inside a call written out whole (`{"name":tool,"arguments":{…}}`) or in a one-element array. */
function unwrapped(value: unknown, toolName: string): { value: unknown; why: string } | undefined {
  if (Array.isArray(value) && value.length === 1 && isObject(value[0])) {
    const inner = unwrapped(value[0], toolName);
    return inner ?? { value: value[0], why: "one-element array unwrapped" };
  }
  if (!isObject(value) || value.name !== toolName) return undefined;
  const keys = Object.keys(value);
  const field = keys.find((key) => key === "arguments" || key === "parameters");
  if (field === undefined || keys.length !== 2) return undefined;
  const inner = value[field];
  if (isObject(inner)) return { value: inner, why: `{"name","${field}"} unwrapped` };
  if (typeof inner === "string") {
    const parsed = parse(inner);
    if (parsed.ok && isObject(parsed.value))
      return { value: parsed.value, why: `{"name","${field}"} unwrapped` };
  }
  return undefined;
}

interface Scan {
  /** The first JSON value (control characters in strings escaped), or all of the text if it never closed. */
  json: string;
  /** What follows the first value. */
  rest: string;
  /** Brackets still open at the end of the text, innermost last. */
  open: string[];
  inString: boolean;
  escaped: boolean;
}

/** Reads the JSON value at the start of `text` bracket by bracket, tolerating raw control characters in strings. */
function scan(text: string): Scan {
  const open: string[] = [];
  let json = "";
  let inString = false;
  let backslash = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inString) {
      if (backslash) backslash = false;
      else if (char === "\\") backslash = true;
      else if (char === '"') inString = false;
      else if (char < " ") {
        json += `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
        escaped = true;
        continue;
      }
      json += char;
      continue;
    }
    json += char;
    if (char === '"') inString = true;
    else if (char === "{" || char === "[") open.push(char === "{" ? "}" : "]");
    else if (char === "}" || char === "]") {
      open.pop();
      if (open.length === 0) return { json, rest: text.slice(i + 1), open, inString, escaped };
    }
  }
  return { json, rest: "", open, inString, escaped };
}

/** `json` cut off inside a value, made whole: the string closed, a dangling `,` or `:` dropped, brackets closed. */
function closed(json: string, inString: boolean, open: readonly string[]): string {
  let text = inString ? `${json.endsWith("\\") ? json.slice(0, -1) : json}"` : json;
  text = text.replace(/[,:\s]+$/, "");
  // In an object, a key without its value (`{"a":1,"b"`): drop the key.
  if (open.at(-1) === "}") {
    text = text.replace(/,\s*"(?:[^"\\]|\\.)*"$/, "").replace(/{\s*"(?:[^"\\]|\\.)*"$/, "{");
  }
  return text + [...open].reverse().join("");
}
