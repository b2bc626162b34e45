/**
 * The call record's validator: a complete record passes unchanged, a minimal one reads with nulls filled in, and
 * each kind of broken line (not JSON, not an object, a missing or mistyped field, a nested field out of range, a
 * newer schema) is a CallRecordError naming the file, the line and the field. The report refuses a run file with
 * such a line the same way (its line number counted in the file, blank lines included); ratings lines likewise.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  benchReport,
  CallRecordError,
  parseCallRecord,
  parseRatings,
  RatingLineError,
} from "../../packages/overtone/src/bench/index.js";
import { jsonl, runsDir, sampleCall } from "./sample-calls.js";

const dirs = runsDir();
afterAll(() => dirs.remove());

function failure(text: string): CallRecordError {
  try {
    parseCallRecord(text, "calls.jsonl", 7);
  } catch (error) {
    expect(error).toBeInstanceOf(CallRecordError);
    return error as CallRecordError;
  }
  throw new Error(`accepted: ${text}`);
}

describe("parseCallRecord", () => {
  it("accepts a complete record as it is", () => {
    const record = sampleCall();
    expect(parseCallRecord(JSON.stringify(record), "calls.jsonl", 1)).toEqual(record);
  });

  it("reads left-out nullable fields as null, nested objects as objects of nulls, lists as empty", () => {
    const minimal = {
      schema: 1,
      call_id: "c1",
      run_id: "r",
      ts: "2026-12-07T20:00:00Z",
      model: "m",
      suite: "s",
      case_id: "k",
      repetition: 1,
      device: "d",
      backend_kind: "embedded",
      output: { raw: "" },
      latency_ms: 5,
      success: false,
      warmup: false,
    };
    const record = parseCallRecord(JSON.stringify(minimal), "calls.jsonl", 1);
    expect(record.timing.decode_tps).toEqual({ client: null, server: null });
    expect(record.timing.itl).toBeNull();
    expect(record.human).toEqual({ rating: null, note: null });
    expect(record.output).toEqual({ raw: "", final: null, analysis: null });
    expect(record.errors).toEqual([]);
    expect(record.finish_reason).toBeNull();
  });

  it("names the line and the field of each kind of mistake", () => {
    const cases: [string, string, RegExp][] = [
      ['{"schema": 1,', "", /line 7: not valid JSON/],
      ["[1, 2]", "(the line)", /must be a JSON object/],
      [
        JSON.stringify({ ...sampleCall(), model: undefined }),
        "model",
        /"model" must be present, found nothing/,
      ],
      [
        JSON.stringify({ ...sampleCall(), latency_ms: "fast" }),
        "latency_ms",
        /must be a number ≥ 0, found "fast"/,
      ],
      [JSON.stringify({ ...sampleCall(), success: null }), "success", /"success" must be set \(not null\)/],
      [
        JSON.stringify({ ...sampleCall(), backend_kind: "ollamaa" }),
        "backend_kind",
        /one of embedded, llama-server/,
      ],
      [JSON.stringify({ ...sampleCall(), schema: 2 }), "schema", /this Overtone reads schema 1/],
      [JSON.stringify({ ...sampleCall(), repetition: 0 }), "repetition", /whole number ≥ 1/],
      [
        JSON.stringify({ ...sampleCall(), timing: { ...sampleCall().timing, decode_tps: { client: -3 } } }),
        "timing.decode_tps.client",
        /"timing\.decode_tps\.client" must be a number ≥ 0, found -3/,
      ],
      [
        JSON.stringify({ ...sampleCall(), human: { rating: 6, note: null } }),
        "human.rating",
        /1, 2, 3, 4 or 5/,
      ],
      [JSON.stringify({ ...sampleCall(), errors: ["boom"] }), "errors", /kind/],
      [
        JSON.stringify({ ...sampleCall(), timing: { ...sampleCall().timing, ttft_ms: 300, ttfat_ms: 200 } }),
        "timing.ttfat_ms",
        /at least timing\.ttft_ms \(300\)/,
      ],
      [JSON.stringify({ ...sampleCall(), latency_ms: 50 }), "timing.ttft_ms", /at most latency_ms \(50\)/],
    ];
    for (const [text, field, message] of cases) {
      const error = failure(text);
      expect(error.line).toBe(7);
      expect(error.field).toBe(field);
      expect(error.message).toMatch(/^calls\.jsonl line 7: /);
      expect(error.message).toMatch(message);
      expect(error.code).toBe("INPUT");
      expect(error.hint).toMatch(/docs\/bench\.md/);
    }
  });
});

describe("run files with a broken line", () => {
  it("the report names the file and the line number (blank lines counted)", async () => {
    const good = jsonl([sampleCall({ call_id: "a" }), sampleCall({ call_id: "b" })]);
    const run = dirs.run("broken", `${good}\n${JSON.stringify({ ...sampleCall(), ts: "yesterday" })}\n`);
    const error = await benchReport([run]).catch((e: unknown) => e as CallRecordError);
    expect(error).toBeInstanceOf(CallRecordError);
    expect((error as CallRecordError).line).toBe(4);
    expect((error as CallRecordError).field).toBe("ts");
    expect((error as CallRecordError).file).toBe(`${run}/calls.jsonl`);
  });

  it("a call_id used twice in one file is refused at its second line", async () => {
    const run = dirs.run(
      "twice",
      jsonl([sampleCall({ call_id: "a" }), sampleCall({ call_id: "b" }), sampleCall({ call_id: "a" })]),
    );
    await expect(benchReport([run])).rejects.toThrow(
      /line 3: field "call_id" is "a", already used on line 1/,
    );
  });

  it("a broken ratings line is a RatingLineError with its line", async () => {
    const ratings =
      '{"call_id":"a","rating":4,"note":null,"at":"2026-12-07T21:00:00Z"}\n{"call_id":"a","rating":9}\n';
    expect(() => parseRatings(ratings, "ratings.jsonl")).toThrow(RatingLineError);
    expect(() => parseRatings(ratings, "ratings.jsonl")).toThrow(/ratings\.jsonl line 2: field "rating"/);
    const run = dirs.run("bad-ratings", jsonl([sampleCall({ call_id: "a" })]), ratings);
    await expect(benchReport([run])).rejects.toThrow(RatingLineError);
  });

  it("a missing run is an InputError that says what a run directory holds", async () => {
    await expect(benchReport([`${dirs.root}/nowhere`])).rejects.toThrow(/does not exist/);
    await expect(benchReport([dirs.root])).rejects.toThrow(/has no calls\.jsonl/);
  });
});
