/**
 * The growing window over a GGUF header that read-header.ts parses: each byte of the header is read from the
 * file once, into as few buffers as possible.
 */
import type { FileHandle } from "node:fs/promises";
import { formatError, HeaderCursor } from "./header-cursor.js";

/** Read `length` bytes at `position` into `buf` from `offset` on. */
async function readInto(fh: FileHandle, buf: Buffer, offset: number, length: number, position: number) {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, offset + got, length - got, position + got);
    if (bytesRead === 0) {
      // Only a file that shrank after we took its size gets here; retrying would loop forever.
      throw formatError("header (file shrank while being read)", position + got, {
        limit: `${length} bytes`,
      });
    }
    got += bytesRead;
  }
}

/**
 * Room for the window to grow in once it outgrows the first read: enough for a gpt-oss header (13 MB) and more.
 * Not bigger: a 64 MB buffer set off a full garbage collection (V8's external memory pressure), ~10 ms of a
 * ~50 ms open; 32 MB only a quick young-generation one.
 */
export const WINDOW_ROOM = 32 << 20;

/**
 * The header bytes read so far: file offsets `start … start + filled` in `buf`, which has room to grow. A
 * window that runs out is extended by reading only what follows it into that room (untouched room costs no
 * memory), so no byte is read twice; only when the room runs out do the bytes from the last complete item on
 * move to a bigger buffer. Buffers stay referenced by the values read from them (value-source.ts).
 */
export class HeaderWindow {
  private buf: Buffer;
  private start = 0;
  private filled = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly fileSize: number,
    /** Size of the first window: one read covers a small model's whole header. */
    firstRead: number,
    private readonly room = WINDOW_ROOM,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(firstRead, fileSize));
  }

  /** A cursor at `resumeAt` over a window reaching at least `end` (and at least twice the last one). */
  async cursor(resumeAt: number, end: number): Promise<HeaderCursor> {
    const target = Math.min(this.fileSize, Math.max(end, this.start + 2 * this.filled));
    if (target - this.start > this.buf.length) {
      const room = Math.min(this.fileSize - resumeAt, Math.max(target - resumeAt, this.room));
      const next = Buffer.allocUnsafe(room);
      this.buf.copy(next, 0, resumeAt - this.start, this.filled);
      this.filled -= resumeAt - this.start;
      this.start = resumeAt;
      this.buf = next;
    }
    const more = target - this.start - this.filled;
    await readInto(this.fh, this.buf, this.filled, more, this.start + this.filled);
    this.filled += more;
    const cur = new HeaderCursor(this.buf.subarray(0, this.filled), this.start, this.fileSize);
    cur.pos = resumeAt;
    return cur;
  }
}
