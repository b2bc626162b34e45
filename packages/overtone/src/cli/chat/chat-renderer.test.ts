import { BackendError, InputError } from "@overtone/errors";
import { type Part, partsFromText } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { ChatRenderer, clean, toolLabel } from "./chat-renderer.js";

const DIM = "\x1b[2m";
const UNDIM = "\x1b[22m";

/** Model output as Harmony text, streamed in chunks of `size` characters, through the real parser. */
async function partsOf(text: string, size = 3): Promise<Part[]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  const parts: Part[] = [];
  for await (const part of partsFromText(chunks, { role: "assistant" })) parts.push(part);
  return parts;
}

function renderAll(renderer: ChatRenderer, parts: Part[]): string {
  return parts.map((part) => renderer.render(part)).join("");
}

const REASON_THEN_ANSWER =
  "<|channel|>analysis<|message|>User greets.\nAnswer briefly.<|end|>" +
  "<|start|>assistant<|channel|>final<|message|>Hello!\nHow are you?<|return|>";

const TOOL_CALL =
  "<|channel|>analysis<|message|>Need weather.<|end|>" +
  '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Paris"}<|call|>';

/** The text outside dim…undim spans. */
function outsideDim(text: string): string {
  let rest = text;
  for (let start = rest.indexOf(DIM); start >= 0; start = rest.indexOf(DIM)) {
    const end = rest.indexOf(UNDIM, start);
    if (end < 0) return rest;
    rest = rest.slice(0, start) + rest.slice(end + UNDIM.length);
  }
  return rest;
}

/** Dim escapes removed: what the characters on screen are. */
const visible = (text: string) => text.replaceAll(DIM, "").replaceAll(UNDIM, "");

describe("ChatRenderer", () => {
  it("dims the reasoning on its own lines and leaves the answer plain", async () => {
    const out = renderAll(new ChatRenderer({ color: true }), await partsOf(REASON_THEN_ANSWER));
    expect(visible(out)).toBe("User greets.\nAnswer briefly.\nHello!\nHow are you?\n");
    // Every reasoning character sits between a dim and an undim; no answer character does.
    const [reasoning = "", answer = ""] = out.split("\nHello!");
    expect(reasoning.startsWith(DIM)).toBe(true);
    expect(outsideDim(reasoning)).toBe("");
    expect(answer).not.toContain(DIM);
  });

  it("without colours, puts the reasoning behind a gutter, line by line, whatever the chunking", async () => {
    for (const size of [1, 4, 100]) {
      const out = renderAll(new ChatRenderer({ color: false }), await partsOf(REASON_THEN_ANSWER, size));
      expect(out).toBe("│ User greets.\n│ Answer briefly.\nHello!\nHow are you?\n");
    }
  });

  it("shows a tool call as → name(arguments) on its own line, and says nothing more for finish tool-calls", async () => {
    const parts = await partsOf(TOOL_CALL);
    expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "tool-calls" });
    const out = renderAll(new ChatRenderer({ color: false }), parts);
    expect(out).toBe('│ Need weather.\n→ get_weather({"city":"Paris"})\n');
    expect(toolLabel("browser.search")).toBe("browser.search");
  });

  it("shows a call that named no tool as → ?(arguments), then the note, even with the reasoning hidden", async () => {
    const text =
      "<|channel|>analysis<|message|>Need weather.<|end|>" +
      '<|start|>assistant<|channel|>commentary <|constrain|>json<|message|>{"city":"Paris"}<|call|>';
    const parts = await partsOf(text);
    const out = renderAll(new ChatRenderer({ color: false }), parts);
    expect(out).toMatch(
      /^│ Need weather\.\n│ \{"city":"Paris"\}\n→ \?\(\{"city":"Paris"\}\)\nnote: malformed tool call: /,
    );
    const hidden = renderAll(new ChatRenderer({ color: false, reasoning: false }), parts);
    expect(hidden).toMatch(/^thinking…\n→ \?\(\{"city":"Paris"\}\)\nnote: malformed tool call: /);
    const run = renderAll(new ChatRenderer({ color: false, malformedCalls: false, notesApart: true }), parts);
    expect(run).not.toContain("→");
  });

  it("hides the reasoning on request, with one dim 'thinking…' line per turn", async () => {
    const renderer = new ChatRenderer({ color: true, reasoning: false });
    const parts = await partsOf(REASON_THEN_ANSWER);
    const out = renderAll(renderer, [...parts, ...parts]);
    expect(out).not.toContain("User greets");
    expect(out).toBe(`${DIM}thinking…${UNDIM}\nHello!\nHow are you?\n`.repeat(2));
  });

  it("explains a finish that is not a stop in one dim line, in the CLI's words, not the library's", () => {
    const renderer = new ChatRenderer({ color: true, maxTokens: 3 });
    const out = renderAll(renderer, [
      { type: "final-start", id: "m1", role: "assistant", channel: "final" },
      { type: "final-delta", id: "m1", delta: "Par" },
      { type: "finish", reason: "length", notice: "raise maxTokens" },
    ]);
    expect(out).toBe(
      `Par\n${DIM}stopped at the token limit (--max-tokens 3): the answer is cut short; raise --max-tokens${UNDIM}\n`,
    );
    const reasoning = renderAll(new ChatRenderer({ color: false, maxTokens: 2 }), [
      { type: "analysis-start", id: "m1", role: "assistant", channel: "analysis" },
      { type: "analysis-delta", id: "m1", delta: "Hm" },
      { type: "finish", reason: "length", notice: "truncated (maxTokens 2); raise maxTokens" },
    ]);
    expect(reasoning).toBe(
      "│ Hm\nstopped at the token limit (--max-tokens 2) while the model was still reasoning, before any answer; " +
        "raise --max-tokens or lower --effort\n",
    );
    const empty = new ChatRenderer({ color: false }).render({
      type: "finish",
      reason: "stop",
      notice: "raise maxTokens",
    });
    expect(empty).toBe("note: raise --max-tokens\n");
    const aborted = new ChatRenderer({ color: false }).render({ type: "finish", reason: "aborted" });
    expect(aborted).toBe("interrupted; this turn is not kept\n");
  });

  it("keeps the notes apart on request, for the caller to write elsewhere", () => {
    const renderer = new ChatRenderer({ color: false, notesApart: true, maxTokens: 1, session: false });
    const out = renderAll(renderer, [
      { type: "final-start", id: "m1", role: "assistant", channel: "final" },
      { type: "final-delta", id: "m1", delta: "12" },
      { type: "finish", reason: "length" },
    ]);
    expect(out).toBe("12\n");
    expect(renderer.takeNotes()).toEqual([
      "stopped at the token limit (--max-tokens 1): the answer is cut short; raise --max-tokens",
    ]);
    expect(renderer.takeNotes()).toEqual([]);
    renderer.render({ type: "finish", reason: "aborted" });
    expect(renderer.takeNotes()).toEqual(["interrupted"]);
  });

  it("shows an error part as one line with its hint, after ending the open line", () => {
    const renderer = new ChatRenderer({ color: false });
    renderer.render({ type: "final-start", id: "m1", role: "assistant" });
    renderer.render({ type: "final-delta", id: "m1", delta: "Half" });
    const error = new BackendError("Ollama: model not found", {
      url: "http://127.0.0.1:11434/api/chat",
      retryable: false,
      hint: "ollama pull gpt-oss:20b",
    });
    expect(renderer.render({ type: "error", error })).toBe(
      "\nerror: Ollama: model not found (ollama pull gpt-oss:20b)\n",
    );
    expect(
      new ChatRenderer({ color: false }).render({
        type: "error",
        error: new InputError("x", { where: "y" }),
      }),
    ).toBe("error: x\n");
    const body = new Error("Ollama answered 500: raw='*** Begin Patch\n*** End Patch'\n");
    expect(new ChatRenderer({ color: false }).render({ type: "error", error: body })).toBe(
      "error: Ollama answered 500: raw='*** Begin Patch *** End Patch'\n",
    );
  });

  it("strips control characters from model text so it cannot drive the terminal", () => {
    expect(clean("a\x1b[31mred\x07\r\nb\tc\u009b")).toBe("a[31mred\nb\tc");
    const renderer = new ChatRenderer({ color: false });
    renderer.render({ type: "final-start", id: "m1", role: "assistant" });
    expect(renderer.render({ type: "final-delta", id: "m1", delta: "\x1b]0;pwned\x07ok" })).toBe(
      "]0;pwnedok",
    );
  });

  it("puts information lines on a fresh line", () => {
    const renderer = new ChatRenderer({ color: false });
    renderer.render({ type: "final-start", id: "m1", role: "assistant" });
    renderer.render({ type: "final-delta", id: "m1", delta: "no newline yet" });
    expect(renderer.info("effort: high")).toBe("\neffort: high\n");
    expect(renderer.info("again")).toBe("again\n");
  });
});
