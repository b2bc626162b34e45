import { message, type Part } from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { finish, modelMessage } from "../../../../test/gateway/parts-fixtures.js";
import { withStopSequences } from "./stop-sequences.js";

const usage = { inputTokens: 10, outputTokens: 20 };
const done = finish("stop", usage);

async function* from(parts: Part[], after?: () => void): AsyncGenerator<Part> {
  for (const part of parts) {
    yield part;
    after?.();
  }
}

async function run(parts: Part[], stops: string[]): Promise<{ out: Part[]; stopped: number }> {
  let stopped = 0;
  const out: Part[] = [];
  for await (const part of withStopSequences(from(parts), stops, () => stopped++)) out.push(part);
  return { out, stopped };
}

/** The answer text the parts carry: deltas of final/commentary, which must equal their ends' texts. */
function answer(parts: Part[]): string {
  let deltas = "";
  let ends = "";
  for (const part of parts) {
    if (part.type === "final-delta" || part.type === "commentary-delta") deltas += part.delta;
    if (part.type === "final-end" || part.type === "commentary-end") ends += part.text;
  }
  expect(deltas).toBe(ends);
  return deltas;
}

describe("withStopSequences", () => {
  it("passes everything through unchanged without stop strings (or with only empty ones)", async () => {
    const parts = [...modelMessage("final", "m0", ["Hello ", "world"]), done];
    expect((await run(parts, [])).out).toEqual(parts);
    expect((await run(parts, [""])).out).toEqual(parts);
  });

  it("passes everything through when no stop string occurs, holding back nothing at the end", async () => {
    const parts = [...modelMessage("final", "m0", ["Hello ", "wor", "ld EN"]), done];
    const { out, stopped } = await run(parts, ["END"]);
    expect(answer(out)).toBe("Hello world EN");
    expect(out.at(-1)).toEqual(done);
    expect(stopped).toBe(0);
  });

  it("cuts the answer before the stop string, ends the message, finishes with stop and calls onStop", async () => {
    const parts = [...modelMessage("final", "m0", ["One. Two.", " STOP Three."]), done];
    const { out, stopped } = await run(parts, ["STOP"]);
    expect(stopped).toBe(1);
    expect(answer(out)).toBe("One. Two. ");
    const end = out.find((part) => part.type === "final-end");
    expect(end).toMatchObject({ id: "m0", text: "One. Two. ", terminator: "return" });
    expect(end?.type === "final-end" && end.message).toEqual(
      message("assistant", "One. Two. ", { channel: "final" }),
    );
    expect(out.at(-1)).toEqual({ type: "finish", reason: "stop", usage });
    expect(out.filter((part) => part.type === "finish")).toHaveLength(1);
  });

  it("finds a stop string split across deltas and never sends its beginning", async () => {
    const parts = [...modelMessage("final", "m0", ["abc\n", "\nEN", "D", "tail"]), done];
    const { out } = await run(parts, ["\n\nEND"]);
    expect(answer(out)).toBe("abc");
    expect(out.some((part) => part.type === "final-delta" && part.delta.includes("\n"))).toBe(false);
  });

  it("stops at the earliest of several stop strings", async () => {
    const { out } = await run([...modelMessage("final", "m0", ["x. B then A"]), done], ["A", "B"]);
    expect(answer(out)).toBe("x. ");
  });

  it("cuts a commentary preamble too, and what follows it (a tool call) is never sent", async () => {
    const call = modelMessage("tool-call", "m1", ["{}"], { recipient: "functions.f" }).slice(0, 2);
    const { out } = await run(
      [...modelMessage("commentary", "m0", ["Let me check.", "###"]), ...call, done],
      ["###"],
    );
    expect(answer(out)).toBe("Let me check.");
    expect(out.some((part) => part.type.startsWith("tool-call"))).toBe(false);
    expect(out.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
  });

  it("never cuts the reasoning", async () => {
    const parts = [
      ...modelMessage("analysis", "m0", ["Maybe STOP here."]),
      ...modelMessage("final", "m1", ["Answer."]),
      done,
    ];
    const { out, stopped } = await run(parts, ["STOP"]);
    expect(out).toEqual(parts);
    expect(stopped).toBe(0);
  });

  it("drains the aborted upstream and finishes with its usage, not its aborted reason", async () => {
    let aborted = false;
    const upstream = async function* (): AsyncGenerator<Part> {
      yield* modelMessage("final", "m0", ["Hi STOP more"]).slice(0, 2);
      // A real backend sees the abort and ends with finish: aborted.
      expect(aborted).toBe(true);
      yield { type: "final-delta", id: "m0", delta: "ignored" };
      yield { type: "finish", reason: "aborted", usage: { inputTokens: 10, outputTokens: 4 } };
    };
    const out: Part[] = [];
    for await (const part of withStopSequences(upstream(), ["STOP"], () => (aborted = true))) out.push(part);
    expect(answer(out)).toBe("Hi ");
    expect(out.at(-1)).toEqual({
      type: "finish",
      reason: "stop",
      usage: { inputTokens: 10, outputTokens: 4 },
    });
  });

  it("still finishes with stop when the upstream reports an error after the abort", async () => {
    const parts: Part[] = [
      ...modelMessage("final", "m0", ["a|b"]).slice(0, 2),
      { type: "error", error: new Error("x") },
    ];
    const { out } = await run(parts, ["|"]);
    expect(out.at(-1)).toEqual({ type: "finish", reason: "stop" });
  });
});
