/**
 * The run's calls.jsonl (bench-run/calls-file.ts): appended a whole line at a time; on resume the ids already
 * written are read through the bench validator, a torn last line (the call in flight when the disk or the machine
 * died) is cut off so the file stays valid, and a broken line in the middle is refused naming its line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CallRecordError } from "../../packages/overtone/src/bench/call-record-check.js";
import { openCallsFile } from "../../packages/overtone/src/bench-run/calls-file.js";
import { sampleCall } from "../bench/sample-calls.js";

const root = mkdtempSync(join(tmpdir(), "overtone-calls-file-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const line = (id: string) => `${JSON.stringify(sampleCall({ call_id: id }))}\n`;

describe("openCallsFile", () => {
  it("appends whole lines (in the file as soon as append returns) and knows their ids", async () => {
    const dir = join(root, "fresh");
    const file = openCallsFile(dir, false);
    file.append(sampleCall({ call_id: "a" }));
    file.append(sampleCall({ call_id: "b" }));
    // A reader sees both lines before any fsync finished: a killed run has written what it appended.
    expect(readFileSync(join(dir, "calls.jsonl"), "utf8")).toBe(line("a") + line("b"));
    await file.close();
    expect(readFileSync(join(dir, "calls.jsonl"), "utf8")).toBe(line("a") + line("b"));
    expect([...file.done]).toEqual(["a", "b"]);
  });

  it("on resume cuts off a torn last line and skips the ids before it", async () => {
    const dir = join(root, "torn");
    await openCallsFile(dir, false).close();
    const torn = line("c").slice(0, 40);
    writeFileSync(join(dir, "calls.jsonl"), line("a") + line("b") + torn);
    const file = openCallsFile(dir, true);
    expect([...file.done]).toEqual(["a", "b"]);
    file.append(sampleCall({ call_id: "c" }));
    await file.close();
    expect(readFileSync(join(dir, "calls.jsonl"), "utf8")).toBe(line("a") + line("b") + line("c"));
  });

  it("refuses a folder that holds calls unless resuming, and a broken line with its number", async () => {
    const dir = join(root, "held");
    await openCallsFile(dir, false).close();
    writeFileSync(join(dir, "calls.jsonl"), line("a"));
    expect(() => openCallsFile(dir, false)).toThrow(/calls\.jsonl already holds 1 calls/);
    writeFileSync(join(dir, "calls.jsonl"), `${line("a")}{"schema": 1}\n${line("b")}`);
    expect(() => openCallsFile(dir, true)).toThrow(CallRecordError);
    expect(() => openCallsFile(dir, true)).toThrow(/calls\.jsonl line 2: field "call_id" must be present/);
  });
});
