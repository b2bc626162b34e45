import { collectParts, type Part, partsFromText, type ToolDescription } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { offeredRecipient, withToolRepairs } from "./tool-repairs.js";

const tool = (name: string): ToolDescription => ({ name, description: name });
const WEATHER = tool("get_weather");

/** The parts a raw route yields for `text` in small chunks (parser → adapter), repaired unless `offered` is null. */
async function repaired(text: string, offered: ToolDescription[] | null): Promise<Part[]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 5) chunks.push(text.slice(i, i + 5));
  const parts = partsFromText(chunks, { role: "assistant", strict: false, clock: () => 0 });
  const out: Part[] = [];
  for await (const part of offered === null ? parts : withToolRepairs(parts, offered)) out.push(part);
  return out;
}

async function* stream(parts: Part[]): AsyncGenerator<Part> {
  yield* parts;
}

describe("withToolRepairs", () => {
  it("renames a recipient to the offered function and repairs its arguments", async () => {
    const parts = await repaired(
      '<|channel|>commentary to=get_weather <|constrain|>json<|message|>{"city":"Paris"}]<|call|>',
      [WEATHER],
    );
    const collected = await collectParts(stream(parts));
    expect(collected.toolCalls).toEqual([
      {
        id: "msg-0",
        recipient: "functions.get_weather",
        channel: "commentary",
        contentType: "<|constrain|>json",
        arguments: '{"city":"Paris"}',
      },
    ]);
    // Deltas add up to the end's text.
    const deltas = parts.flatMap((p) => (p.type === "tool-call-delta" ? [p.delta] : []));
    expect(deltas.join("")).toBe('{"city":"Paris"}');
    expect(collected.finish?.repairs).toEqual([
      { kind: "recipient-normalized", detail: "get_weather → functions.get_weather" },
      { kind: "arguments-repaired", detail: "trailing text cut: ]" },
    ]);
  });

  it("passes a good call through part for part", async () => {
    const text = '<|channel|>commentary to=functions.get_weather json<|message|>{"city":"Paris"}<|call|>';
    const parts = await repaired(text, [WEATHER]);
    expect(parts).toEqual(await repaired(text, null));
    expect(parts.at(-1)).not.toHaveProperty("repairs");
  });

  it("turns a call leaked into the final answer as JSON into that call (vllm#22337)", async () => {
    const parts = await repaired(
      '<|channel|>final<|message|>[{ "name": "get_weather", "parameters": { "city": "Berlin" } }]<|return|>',
      [WEATHER],
    );
    const collected = await collectParts(stream(parts));
    expect(collected.final).toBe("");
    expect(collected.toolCalls.map((c) => [c.recipient, c.arguments])).toEqual([
      ["functions.get_weather", '{"city":"Berlin"}'],
    ]);
    expect(collected.finish).toMatchObject({
      reason: "tool-calls",
      repairs: [{ kind: "call-leaked-into-final" }],
    });
  });

  it("streams an ordinary answer as it comes and leaves JSON answers that call nothing alone", async () => {
    const parts = await repaired("<|channel|>final<|message|>Sunny, 21 °C.<|return|>", [WEATHER]);
    expect((await collectParts(stream(parts))).final).toBe("Sunny, 21 °C.");
    const json = await collectParts(
      stream(await repaired('<|channel|>final<|message|>{"name":"Bob","age":3}<|return|>', [WEATHER])),
    );
    expect(json.final).toBe('{"name":"Bob","age":3}');
    expect(json.finish?.reason).toBe("stop");
  });

  it("holds a final message only while it could still be a call", async () => {
    const parts: Part[] = [
      { type: "final-start", id: "m", role: "assistant", channel: "final" },
      { type: "final-delta", id: "m", delta: "Hel" },
    ];
    const out: Part[] = [];
    const source = (async function* () {
      yield* parts;
      // Everything up to here must be out before the stream goes on.
      expect(out.map((p) => p.type)).toEqual(["final-start", "final-delta"]);
    })();
    for await (const part of withToolRepairs(source, [WEATHER])) out.push(part);
  });
});

describe("offeredRecipient", () => {
  const offered = [tool("read_file"), tool("web_search"), tool("shell")];
  it("finds the offered function a recipient means", () => {
    expect(offeredRecipient("read_file", offered)).toBe("functions.read_file");
    expect(offeredRecipient("functions.Web Search", offered)).toBe("functions.web_search");
    expect(offeredRecipient("functions.shelljson", offered)).toBe("functions.shell");
    expect(offeredRecipient("query_dataset<|channel|>commentary", [tool("query_dataset")])).toBe(
      "functions.query_dataset",
    );
  });
  it("leaves offered, unknown and built-in recipients alone", () => {
    expect(offeredRecipient("functions.read_file", offered)).toBeUndefined();
    expect(offeredRecipient("functions.delete_all", offered)).toBeUndefined();
    expect(offeredRecipient("browser.search", offered)).toBeUndefined();
    expect(offeredRecipient("read_file", [])).toBeUndefined();
  });
});
