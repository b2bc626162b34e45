import { type Part, partsFromText, type ToolDescription } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { withEmptyAnswerNotice } from "./checked-parts.js";
import { withToolCallCheck } from "./tool-call-check.js";

const WEATHER: ToolDescription = {
  name: "get_weather",
  description: "Gets the current weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const TIME: ToolDescription = { name: "get_time", description: "Local time in a city." };

const THOUGHT = "<|channel|>analysis<|message|>Call the weather tool.<|end|><|start|>assistant";
const NO_RECIPIENT = '<|channel|>commentary <|constrain|>json<|message|>{"city":"Paris"}<|call|>';

/** The parts a raw route yields for `text` (the embedded engine's path: parser → adapter), checked. */
async function check(text: string, offered: ToolDescription[], chunk = 3): Promise<Part[]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunk) chunks.push(text.slice(i, i + chunk));
  const out: Part[] = [];
  for await (const part of withEmptyAnswerNotice(
    withToolCallCheck(partsFromText(chunks, { role: "assistant" }), offered),
  )) {
    out.push(part);
  }
  return out;
}

function finishOf(parts: Part[]) {
  const last = parts.at(-1);
  if (last?.type !== "finish") throw new Error(`expected a finish, got ${last?.type}`);
  return last;
}

describe("withToolCallCheck", () => {
  it("repairs a call without a recipient when one tool was offered and the arguments are JSON", async () => {
    const parts = await check(THOUGHT + NO_RECIPIENT, [WEATHER]);
    expect(parts.filter((p) => p.type.startsWith("commentary"))).toEqual([]);
    const calls = parts.filter((p) => p.type.startsWith("tool-call"));
    expect(calls[0]).toMatchObject({ type: "tool-call-start", recipient: "functions.get_weather" });
    const deltas = calls
      .filter((p) => p.type === "tool-call-delta")
      .map((p) => (p as { delta: string }).delta);
    expect(deltas.join("")).toBe('{"city":"Paris"}');
    expect(calls.at(-1)).toMatchObject({
      type: "tool-call-end",
      recipient: "functions.get_weather",
      channel: "commentary",
      contentType: "<|constrain|>json",
      text: '{"city":"Paris"}',
      terminator: "call",
      message: { recipient: "functions.get_weather", channel: "commentary" },
    });
    const finish = finishOf(parts);
    expect(finish.reason).toBe("tool-calls");
    expect(finish.notice).toBe(
      "repaired a malformed tool call: the model ended a message with <|call|> but named no tool; it was sent to functions.get_weather, the only tool offered",
    );
    expect(parts.filter((p) => p.type === "finish" || p.type === "error")).toHaveLength(1);
  });

  it("reports a call it cannot repair as a malformed call, naming the tools offered", async () => {
    const parts = await check(THOUGHT + NO_RECIPIENT, [WEATHER, TIME]);
    expect(parts.some((p) => p.type.startsWith("tool-call"))).toBe(false);
    expect(parts.at(-2)).toMatchObject({ type: "commentary-end", terminator: "call" });
    const finish = finishOf(parts);
    expect(finish.reason).toBe("tool-calls");
    expect(finish.notice).toMatch(/^malformed tool call: .*named no tool/);
    expect(finish.notice).toContain(
      "it cannot be repaired: more than one tool was offered (functions.get_weather, functions.get_time)",
    );
  });

  it("does not repair arguments that are not a JSON object, nor when no tool was offered", async () => {
    const notJson = await check(`${THOUGHT}<|channel|>commentary<|message|>Paris please<|call|>`, [WEATHER]);
    expect(notJson.some((p) => p.type.startsWith("tool-call"))).toBe(false);
    expect(finishOf(notJson)).toMatchObject({ reason: "tool-calls" });
    expect(finishOf(notJson).notice).toContain("its text is not a JSON object of arguments");
    const none = await check(THOUGHT + NO_RECIPIENT, []);
    expect(finishOf(none).notice).toContain("no tools were offered");
  });

  it("passes a preamble through unchanged, and a well-formed call without a notice", async () => {
    const text = `${THOUGHT}<|channel|>commentary<|message|>Let me look.<|end|><|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json<|message|>{"city":"Paris"}<|call|>`;
    const parts = await check(text, [WEATHER]);
    const plain: Part[] = [];
    for await (const part of partsFromText([text], { role: "assistant" })) plain.push(part);
    const types = (list: Part[]) => [...new Set(list.map((p) => p.type))];
    expect(types(parts)).toEqual(types(plain));
    expect(parts.find((p) => p.type === "commentary-end")).toMatchObject({ text: "Let me look." });
    expect(finishOf(parts).reason).toBe(finishOf(plain).reason);
    expect(finishOf(parts).notice).toBeUndefined();
  });

  it("notes a call to a function that was not offered, and passes it on", async () => {
    const text = `${THOUGHT} to=functions.weather<|channel|>commentary json<|message|>{"city":"Paris"}<|call|>`;
    const parts = await check(text, [WEATHER]);
    expect(parts.at(-2)).toMatchObject({ type: "tool-call-end", recipient: "functions.weather" });
    expect(finishOf(parts)).toMatchObject({
      reason: "tool-calls",
      notice: "the model called functions.weather, which was not offered (offered: functions.get_weather)",
    });
  });

  it("releases a held message unchanged when the stream is cut inside it", async () => {
    const parts = await check(`${THOUGHT}<|channel|>commentary<|message|>Let me`, [WEATHER]);
    expect(parts.some((p) => p.type === "commentary-start")).toBe(true);
    expect(finishOf(parts).reason).toBe("length");
  });
});
