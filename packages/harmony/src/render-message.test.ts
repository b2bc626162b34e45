import { HarmonyRenderError } from "@overtone/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { message, systemContent } from "./builders.js";
import { renderMessage, renderMessageText } from "./render-message.js";
import { CALL, CHANNEL, CONSTRAIN, END, MESSAGE, START } from "./special-tokens.js";
import { decodeUtf8, encodeOrdinary, encodeWithSpecialTokens } from "./tokenizer.js";
import type { Message } from "./types.js";

describe("message header", () => {
  it("orders role, :name, to=recipient, channel, content type", () => {
    const call = message("assistant", "{}", {
      name: "bob",
      recipient: "functions.x",
      channel: "commentary",
      content_type: "json",
    });
    const text = "<|start|>assistant:bob to=functions.x<|channel|>commentary json<|message|>{}<|call|>";
    expect(renderMessageText(call)).toBe(text);
    expect(renderMessage(call)).toEqual(encodeWithSpecialTokens(text));
  });

  it("renders <|constrain|> as the special token after a space, the rest as text", () => {
    const call = message("assistant", "{}", {
      recipient: "functions.lookup_weather",
      channel: "commentary",
      content_type: "<|constrain|>json",
    });
    const tokens = renderMessage(call);
    const at = tokens.indexOf(CONSTRAIN);
    expect(tokens.slice(at - 4, at + 3)).toEqual([CHANNEL, 12606, 815, 220, CONSTRAIN, 4108, MESSAGE]);
    expect(renderMessage({ ...call, content_type: "<|constrain|>" }).slice(at - 1, at + 2)).toEqual([
      220,
      CONSTRAIN,
      MESSAGE,
    ]);
    const spaceJson = encodeOrdinary(" json");
    expect(
      renderMessage({ ...call, content_type: "<|constrain|> json" }).slice(at, at + 1 + spaceJson.length),
    ).toEqual([CONSTRAIN, ...spaceJson]);
    // Only a prefix counts: elsewhere the marker is ordinary text.
    expect(renderMessage({ ...call, content_type: "json<|constrain|>" })).not.toContain(CONSTRAIN);
  });

  it("leaves out recipient 'all' but still ends an assistant message with a recipient in <|call|>", () => {
    const toAll = message("assistant", "hi", { recipient: "all" });
    expect(renderMessageText(toAll)).toBe("<|start|>assistant<|message|>hi<|call|>");
    expect(renderMessage(toAll).at(-1)).toBe(CALL);
  });

  it("ends non-assistant messages with a recipient in <|end|>", () => {
    const result = message("user", "x", { recipient: "assistant" });
    expect(renderMessageText(result)).toBe("<|start|>user to=assistant<|message|>x<|end|>");
    expect(renderMessage(message("assistant", "x", { channel: "final" })).at(-1)).toBe(END);
  });

  it("heads a tool message with the tool's name only", () => {
    const result = message("tool", "{}", {
      name: "functions.lookup_weather",
      recipient: "assistant",
      channel: "commentary",
    });
    expect(renderMessageText(result)).toBe(
      "<|start|>functions.lookup_weather to=assistant<|channel|>commentary<|message|>{}<|end|>",
    );
  });

  it("renders an empty channel as the channel token alone", () => {
    expect(renderMessage(message("assistant", "x", { channel: "" })).slice(0, 4)).toEqual([
      START,
      173781,
      CHANNEL,
      MESSAGE,
    ]);
  });
});

describe("message content", () => {
  it("encodes special-token strings in text as ordinary text", () => {
    // "<|start|>" as plain text is [27, 91, 5236, 91, 29] (spec.md §1).
    expect(renderMessage(message("user", "<|start|>"))).toEqual([
      START,
      1428,
      MESSAGE,
      27,
      91,
      5236,
      91,
      29,
      END,
    ]);
  });

  it("encodes each content part on its own (no BPE merge across parts)", () => {
    const parts: Message = {
      author: { role: "user" },
      content: [
        { type: "text", text: "hel" },
        { type: "text", text: "lo world" },
      ],
    };
    const tokens = renderMessage(parts);
    expect(tokens).toEqual([
      START,
      1428,
      MESSAGE,
      ...encodeOrdinary("hel"),
      ...encodeOrdinary("lo world"),
      END,
    ]);
    expect(tokens).not.toEqual(renderMessage(message("user", "hello world")));
    expect(renderMessageText(parts)).toBe("<|start|>user<|message|>hello world<|end|>");
  });

  it("adds the function-tools line to a system message only when asked", () => {
    const system = message("system", { type: "system_content", ...systemContent() });
    const line = "Calls to these tools must go to the commentary channel: 'functions'.";
    expect(renderMessageText(system)).not.toContain(line);
    expect(renderMessageText(system, { conversationHasFunctionTools: true })).toContain(
      `every message.\n${line}<|end|>`,
    );
  });
});

describe("message errors", () => {
  it("requires a tool message to have a name", () => {
    const nameless = message("tool", "{}");
    expect(() => renderMessage(nameless)).toThrow(HarmonyRenderError);
    expect(() => renderMessageText(nameless)).toThrow("Tools should have a name!");
  });

  it("rejects system content outside system messages", () => {
    const wrong = message("assistant", { type: "system_content", ...systemContent() });
    expect(() => renderMessage(wrong)).toThrow(
      "SystemContent may only appear in system messages, found in Assistant",
    );
  });

  it("rejects an unknown role", () => {
    const wrong = { author: { role: "robot" }, content: [] } as unknown as Message;
    expect(() => renderMessage(wrong)).toThrow(HarmonyRenderError);
  });
});

const text = fc
  .array(
    fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("<|end|>", "<|constrain|>", "\n\n", " ", "json")),
    {
      maxLength: 4,
    },
  )
  .map((parts) => parts.join(""));

const anyMessage: fc.Arbitrary<Message> = fc
  .record({
    role: fc.constantFrom("user", "assistant", "developer", "tool"),
    name: fc.option(text, { nil: undefined }),
    recipient: fc.option(text, { nil: undefined }),
    channel: fc.option(text, { nil: undefined }),
    content_type: fc.option(
      fc.oneof(
        text,
        text.map((t) => `<|constrain|>${t}`),
      ),
      { nil: undefined },
    ),
    parts: fc.array(text, { maxLength: 3 }),
  })
  .map(({ role, name, recipient, channel, content_type, parts }) => ({
    author: { role, name: role === "tool" ? (name ?? "functions.f") : name },
    recipient,
    channel,
    content_type,
    content: parts.map((t) => ({ type: "text" as const, text: t })),
  }));

describe("tokens and text", () => {
  it("always agree: the tokens decode to the text", () => {
    fc.assert(
      fc.property(anyMessage, (m) => {
        expect(decodeUtf8(renderMessage(m))).toBe(renderMessageText(m));
      }),
      { numRuns: 150 },
    );
  });
});
