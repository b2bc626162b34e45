import { writeFileSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { pseudoRandomBytes, tempDir } from "../../../test/support/gguf-samples.js";
import { HeaderWindow } from "./header-window.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("HeaderWindow", () => {
  it("gives the file's bytes from where parsing resumes, reading each byte once and not far ahead", async () => {
    const file = pseudoRandomBytes(5000, 9);
    writeFileSync(tmp.path("bytes"), file);
    await using fh = await open(tmp.path("bytes"));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 900 })), { minLength: 1, maxLength: 12 }),
        fc.record({ chunk: fc.integer({ min: 1, max: 200 }), bytes: fc.nat({ max: 600 }) }),
        async (firstRead, room, steps, ahead) => {
          const timesRead = new Uint8Array(file.length);
          // The real handle, counting how often each byte is asked for.
          const counting = {
            read: (buf: Buffer, offset: number, length: number, position: number) => {
              for (let i = position; i < position + length; i++) timesRead[i] = (timesRead[i] as number) + 1;
              return fh.read(buf, offset, length, position);
            },
          } as unknown as FileHandle;
          const window = new HeaderWindow(counting, file.length, firstRead, room, ahead);
          let cur = await window.cursor(0, Math.min(firstRead, file.length));
          for (const [back, more] of steps) {
            if (cur.end === file.length) break;
            // Parsing resumes at or before where the window ended, and needs bytes past it.
            const resumeAt = cur.end - (back % (cur.end - cur.base + 1));
            const end = Math.min(file.length, cur.end + 1 + more);
            cur = await window.cursor(resumeAt, end);
            expect(cur.pos).toBe(resumeAt);
            expect(cur.end).toBeGreaterThanOrEqual(end);
            expect(cur.bytes.equals(file.subarray(cur.base, cur.end))).toBe(true);
          }
          await window.settle();
          // Bytes kept when moving to a new buffer are copied, not read again; reading ahead stops in time.
          expect(Math.max(...timesRead)).toBe(1);
          const lastRead = timesRead.lastIndexOf(1) + 1;
          expect(lastRead).toBeLessThanOrEqual(Math.min(file.length, cur.end + ahead.bytes));
          expect(timesRead.subarray(0, cur.end).every((n) => n === 1)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
