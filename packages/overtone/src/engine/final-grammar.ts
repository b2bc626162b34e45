/**
 * Structured output on the embedded engine (issue 14 item 4): a JSON answer enforced with llama.cpp's grammar
 * sampler on the final channel only. gpt-oss reasons before it answers, so a grammar over the whole output (what
 * a server's `json_schema` does on a raw completion) would force the analysis into JSON too and wreck it. Here
 * the grammar is off while the model writes its analysis and headers, and a fresh grammar state starts at the
 * `<|message|>` that opens a `final` message (`<|channel|>final<|message|>`, or `… <|constrain|>json<|message|>`).
 * Tool calls (commentary to=functions.…) stay free as well.
 *
 * The grammar text comes from node-llama-cpp's JSON-schema converter, which ends its root rule with four newlines
 * and then any number (its chat wrappers stop on them). Here the turn ends with `<|return|>` instead — once the
 * JSON is complete the grammar admits only end-of-generation tokens — so that tail is cut off.
 */
import { InputError } from "@overtone/errors";
import {
  CALL,
  CHANNEL,
  CONSTRAIN,
  decode,
  END_OF_TEXT,
  FORMAT_TOKENS,
  MESSAGE,
  RETURN,
  START,
  START_OF_TEXT,
  STOP_TOKENS,
} from "@overtone/harmony";
import {
  type Llama,
  type LlamaGrammar,
  LlamaGrammarEvaluationState,
  type LlamaModel,
  type Token,
  TokenBias,
} from "node-llama-cpp";
import { ANY_JSON, grammarSchema } from "./grammar-schema.js";

/** The answer's format: any JSON object, or JSON matching a schema. */
export type FinalFormat = { type: "json_object" } | { type: "json_schema"; schema: Record<string, unknown> };

const CONVERTER_TAIL = ` "\\n\\n\\n\\n" [\\n]*`;
/**
 * Grammars made from schemas, per llama.cpp runtime (a grammar belongs to the one that made it, and a disposed
 * runtime takes its grammars with it) and by schema text: a service sees the same few schemas again and again.
 */
const CACHE_SIZE = 32;
const cachesByRuntime = new WeakMap<Llama, Map<string, Promise<LlamaGrammar>>>();

/** llama.cpp's grammar for `format` (cached). Rejects with an InputError for a schema it cannot express. */
export function grammarFor(llama: Llama, format: FinalFormat): Promise<LlamaGrammar> {
  let grammars = cachesByRuntime.get(llama);
  if (grammars === undefined) {
    grammars = new Map();
    cachesByRuntime.set(llama, grammars);
  }
  const key = format.type === "json_object" ? "json_object" : JSON.stringify(format.schema);
  let grammar = grammars.get(key);
  if (grammar === undefined) {
    grammar = makeGrammar(llama, format);
    grammar.catch(() => grammars?.delete(key));
    grammars.set(key, grammar);
    if (grammars.size > CACHE_SIZE) grammars.delete(grammars.keys().next().value as string);
  }
  return grammar;
}

/** Why `format` cannot be enforced with a grammar (then the answer can only be checked), or undefined. */
export function finalFormatProblem(format: FinalFormat): string | undefined {
  if (format.type === "json_object") return undefined;
  const converted = grammarSchema(format.schema);
  return typeof converted === "object" && "refused" in converted
    ? `the schema cannot be enforced with a grammar (${converted.refused})`
    : undefined;
}

async function makeGrammar(llama: Llama, format: FinalFormat): Promise<LlamaGrammar> {
  const converted = format.type === "json_object" ? ANY_JSON : grammarSchema(format.schema);
  // An object is one answer any schema that admits everything accepts.
  if (converted === ANY_JSON) return llama.getGrammarFor("json");
  if ("refused" in converted) {
    throw new InputError(`the response format's schema cannot be enforced: ${converted.refused}`, {
      where: "responseFormat.schema",
      hint: "use the JSON Schema subset of OpenAI's strict mode (type, properties, required, items, enum, anyOf, $defs)",
    });
  }
  const text = (await llama.createGrammarForJsonSchema(converted as never)).grammar;
  const lines = text.split("\n");
  const root = lines.findIndex((line) => line.startsWith("root ::="));
  if (root >= 0 && lines[root]?.endsWith(CONVERTER_TAIL)) {
    lines[root] = lines[root].slice(0, -CONVERTER_TAIL.length);
  }
  return llama.createGrammar({ grammar: lines.join("\n") });
}

/**
 * Watches the generated ids (each one before the next is sampled) and hands the sampler a grammar state while,
 * and only while, the model writes a final message.
 */
export class FinalChannelGate {
  private header: Token[] | undefined;
  private active: LlamaGrammarEvaluationState | undefined;

  private readonly free: TokenBias;
  private readonly inAnswer: TokenBias;

  constructor(
    private readonly model: LlamaModel,
    private readonly grammar: LlamaGrammar,
  ) {
    this.free = TokenBias.for(model);
    this.inAnswer = TokenBias.for(model);
    // llama.cpp's grammar reads a special token as its text, so `<|end|>` would pass as seven characters of a
    // JSON string (seen on the toy model: the answer cut, a second final message begun inside the string).
    // The end-of-generation ones are left to the grammar (TokenBias skips them anyway).
    for (const token of [...FORMAT_TOKENS, START_OF_TEXT]) this.inAnswer.set(token as Token, "never");
  }

  /** For the `tokenBias` option: no Harmony markup inside the answer. */
  readonly bias = (): TokenBias => (this.active === undefined ? this.free : this.inAnswer);

  /** For node-llama-cpp's `grammarEvaluationState` option, read at every sampling step. */
  readonly state = (): LlamaGrammarEvaluationState | undefined => this.active;

  /**
   * The ids, each observed before the next is sampled (the gate is what that sampling reads). Once the JSON is
   * complete the grammar admits any end-of-generation token, and node-llama-cpp cannot bias those away; what
   * ends a complete answer is the end of the turn, so `<|call|>` or `<|endoftext|>` there is passed on as
   * `<|return|>` (never evaluated, so the sequence's cache holds no trace of it).
   */
  async *watch(tokens: AsyncIterable<number>): AsyncGenerator<number, void, undefined> {
    for await (const token of tokens) {
      const answerEnd = this.active !== undefined && WRONG_ANSWER_ENDS.has(token);
      this.observe(token);
      yield answerEnd ? RETURN : token;
    }
  }

  private observe(token: number): void {
    if (token === CHANNEL) {
      this.header = [];
      this.active = undefined;
    } else if (this.header !== undefined && token === MESSAGE) {
      const channel = decode(this.header).trim().split(/\s+/)[0];
      this.header = undefined;
      // A fresh state per final message: the grammar starts from its root.
      if (channel === "final")
        this.active = new LlamaGrammarEvaluationState({ model: this.model, grammar: this.grammar });
    } else if (this.header !== undefined) {
      // `<|constrain|>json` belongs to the header; the channel name is its first word.
      if (token !== CONSTRAIN) this.header.push(token as Token);
    } else if (this.active !== undefined && isMessageBoundary(token)) {
      this.active = undefined;
    }
  }
}

const WRONG_ANSWER_ENDS = new Set([CALL, END_OF_TEXT]);

/** The end of the message (`<|end|>`, `<|return|>`, `<|call|>`) or the start of another. */
function isMessageBoundary(token: number): boolean {
  return token === START || STOP_TOKENS.has(token);
}
