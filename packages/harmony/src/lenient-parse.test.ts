/**
 * parseLenient and the repairs it reports: one case per repair kind the parsers make, with the exact messages
 * recovered, the same through text and token ids, and the repairs on a parts stream's `finish`. Strict parsing of
 * the same inputs still fails as upstream does (streamable-parser-lenient.test.ts checks that case by case).
 */
import { describe, expect, it } from "vitest";
import { messageToJson } from "./json.js";
import { parseLenient } from "./lenient-parse.js";
import type { ParserEvent } from "./parser-types.js";
import type { Part } from "./parts.js";
import { partsFromText, partsFromTokens } from "./parts-stream.js";
import { REPAIR_KINDS, type RepairKind } from "./repairs.js";
import { StreamableParser } from "./streamable-parser.js";
import { encodeWithSpecialTokens } from "./tokenizer.js";
import type { Role } from "./types.js";

interface Case {
  kind: RepairKind;
  text: string;
  role?: Role;
  /** Messages in serde JSON shape. */
  messages: unknown[];
  kinds: RepairKind[];
}

const CASES: Case[] = [
  {
    kind: "stripped-special-tokens",
    text: "analysisNeed the answer.assistantfinal4",
    role: "assistant",
    messages: [
      { role: "assistant", channel: "analysis", content: "Need the answer." },
      { role: "assistant", channel: "final", content: "4" },
    ],
    kinds: ["stripped-special-tokens"],
  },
  {
    kind: "missing-start",
    text: "<|channel|>final<|message|>Hi.<|end|>",
    messages: [{ role: "assistant", channel: "final", content: "Hi." }],
    kinds: ["missing-start"],
  },
  {
    kind: "missing-end",
    text: "<|channel|>analysis<|message|>Think.<|channel|>final<|message|>Done.<|return|>",
    role: "assistant",
    messages: [
      { role: "assistant", channel: "analysis", content: "Think." },
      { role: "assistant", channel: "final", content: "Done." },
    ],
    kinds: ["missing-end"],
  },
  {
    kind: "headerless-message",
    text: "I can't help with that.<|end|>",
    role: "assistant",
    messages: [{ role: "assistant", content: "I can't help with that." }],
    kinds: ["headerless-message"],
  },
  {
    kind: "free-text-channel-header",
    text: "<|start|>assistant<|channel|>final I cannot help.<|return|>",
    messages: [{ role: "assistant", channel: "final", content: "I cannot help." }],
    kinds: ["free-text-channel-header"],
  },
  {
    kind: "cut-mid-header",
    text: "<|channel|>analysis<|message|>Ok.<|end|><|start|>assistant<|channel|>fin",
    role: "assistant",
    messages: [{ role: "assistant", channel: "analysis", content: "Ok." }],
    kinds: ["cut-mid-header"],
  },
  {
    kind: "cut-mid-message",
    text: "<|channel|>final<|message|>The answer is",
    role: "assistant",
    messages: [{ role: "assistant", channel: "final", content: "The answer is" }],
    kinds: ["cut-mid-message"],
  },
  {
    kind: "interrupted-header",
    text: "<|start|>assistant<|channel|>ana<|start|>assistant<|channel|>final<|message|>Yes.<|return|>",
    messages: [{ role: "assistant", channel: "final", content: "Yes." }],
    kinds: ["interrupted-header"],
  },
  {
    kind: "junk-in-header",
    text: "<|channel|>commentary?? to=functions.f <|constrain|>json<|message|>{}<|call|>",
    role: "assistant",
    messages: [
      {
        role: "assistant",
        channel: "commentary",
        recipient: "functions.f",
        content_type: "<|constrain|>json",
        content: "{}",
      },
    ],
    kinds: ["junk-in-header"],
  },
  {
    kind: "recipient-with-spaces",
    text: "<|channel|>commentary to=functions.Web Search <|constrain|>json<|message|>{}<|call|>",
    role: "assistant",
    messages: [
      {
        role: "assistant",
        channel: "commentary",
        recipient: "functions.Web Search",
        content_type: "<|constrain|>json",
        content: "{}",
      },
    ],
    kinds: ["recipient-with-spaces"],
  },
  {
    kind: "constrain-as-recipient",
    text: "<|channel|>final json<|message|>{}<|return|>",
    role: "assistant",
    messages: [{ role: "assistant", channel: "final", content_type: "json", content: "{}" }],
    kinds: ["constrain-as-recipient"],
  },
  {
    kind: "stray-token",
    text: "<|channel|>final<|message|>A<|endoftext|>B<|end|><|return|>",
    role: "assistant",
    messages: [{ role: "assistant", channel: "final", content: "AB" }],
    kinds: ["stray-token", "stray-token"],
  },
];

describe("parseLenient: one case per repair the parsers make", () => {
  for (const c of CASES) {
    it(c.kind, () => {
      const options = c.role === undefined ? {} : { role: c.role };
      const fromText = parseLenient(c.text, options);
      expect(fromText.messages.map(messageToJson)).toEqual(c.messages);
      expect(fromText.repairs.map((r) => r.kind)).toEqual(c.kinds);
      // The same from the token ids (the stripped case has no special tokens to tokenize).
      if (c.kind !== "stripped-special-tokens") {
        const fromTokens = parseLenient(encodeWithSpecialTokens(c.text), options);
        expect(fromTokens.messages).toEqual(fromText.messages);
        expect(fromTokens.repairs).toEqual(fromText.repairs);
      }
    });
  }

  it("covers every kind the parsers make (the rest are the tool checks' and the chat API backends')", () => {
    const elsewhere: RepairKind[] = [
      "markup-in-content",
      "recipient-normalized",
      "call-without-recipient",
      "call-leaked-into-final",
      "arguments-repaired",
      "arguments-not-json",
    ];
    expect(new Set([...CASES.map((c) => c.kind), ...elsewhere])).toEqual(new Set(REPAIR_KINDS));
  });

  it("reports nothing for well-formed output", () => {
    const text =
      "<|channel|>analysis<|message|>Tool.<|end|><|start|>assistant<|channel|>commentary to=functions.f <|constrain|>json<|message|>{}<|call|>";
    expect(parseLenient(text, { role: "assistant" }).repairs).toEqual([]);
    expect(parseLenient("analysis of the problem", { role: "assistant" }).repairs).toEqual([
      { kind: "headerless-message", detail: "analysis of the problem" },
    ]);
  });

  it("drops unknown ids and keeps going (upstream would silence the rest of the message)", () => {
    const ids = [...encodeWithSpecialTokens("<|channel|>final<|message|>A"), 4294967295, -1];
    ids.push(...encodeWithSpecialTokens("B<|return|>"));
    const parsed = parseLenient(ids, { role: "assistant" });
    expect(parsed.messages.map(messageToJson)).toEqual([
      { role: "assistant", channel: "final", content: "AB" },
    ]);
    expect(parsed.repairs.map((r) => r.detail)).toEqual([
      "unknown token id 4294967295 inside a message",
      "unknown token id -1 inside a message",
    ]);
  });
});

describe("repairs reach events, the parser and the finish part", () => {
  it("StreamableParser reports each repair as an event and keeps them in `repairs`", () => {
    const events: ParserEvent[] = [];
    const parser = new StreamableParser({ role: "assistant", strict: false, onEvent: (e) => events.push(e) });
    parser.processAll(encodeWithSpecialTokens("<|channel|>final<|message|>A<|end|><|return|>")).processEos();
    expect(parser.repairs).toEqual([{ kind: "stray-token", detail: "<|return|> between messages" }]);
    expect(events.filter((e) => e.type === "repair")).toEqual([
      { type: "repair", repair: parser.repairs[0] },
    ]);
    // Strict parsing reports none.
    const strict = new StreamableParser({ role: "assistant" });
    strict.processAll(encodeWithSpecialTokens("<|channel|>final<|message|>A")).processEos();
    expect(strict.repairs).toEqual([]);
  });

  async function finishOf(parts: AsyncIterable<Part>) {
    let last: Part | undefined;
    for await (const part of parts) last = part;
    return last;
  }

  it("a parts stream's finish carries the repairs, in order", async () => {
    const finish = await finishOf(
      partsFromText(["<|channel|>analysis<|message|>A<|cha", "nnel|>final<|message|>B"], {
        role: "assistant",
        strict: false,
      }),
    );
    expect(finish).toMatchObject({
      type: "finish",
      reason: "length",
      repairs: [{ kind: "missing-end", detail: "<|channel|> inside a message" }, { kind: "cut-mid-message" }],
    });
  });

  it("a header recovered as a message reaches the consumer as deltas too", async () => {
    const parts: Part[] = [];
    const text = "<|start|>assistant<|channel|>final I cannot help.<|return|>";
    for await (const part of partsFromText([text], { strict: false })) parts.push(part);
    expect(parts.filter((p) => p.type === "final-delta")).toEqual([
      { type: "final-delta", id: "msg-0", delta: "I cannot help." },
    ]);
  });

  it("a caller that knows why the output ended takes the cut-off repairs back", async () => {
    const finish = await finishOf(
      partsFromTokens(encodeWithSpecialTokens("<|channel|>final<|message|>B"), {
        role: "assistant",
        strict: false,
        finishDetails: () => ({ reason: "stop", repairs: [{ kind: "markup-in-content" }] }),
      }),
    );
    expect(finish).toMatchObject({
      type: "finish",
      reason: "stop",
      repairs: [{ kind: "markup-in-content" }],
    });
    const clean = await finishOf(
      partsFromTokens(encodeWithSpecialTokens("<|channel|>final<|message|>B<|return|>"), {
        role: "assistant",
      }),
    );
    expect(clean).not.toHaveProperty("repairs");
  });
});
