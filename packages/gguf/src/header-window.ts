/**
 * The growing window over a GGUF header that read-header.ts parses: each byte of the header is read from the
 * file once, into as few buffers as possible. Once a header turns out bigger than the first read (a
 * vocabulary: 13 MB), the window reads ahead of the parser in chunks, several at once on libuv's threads, so
 * reading (mostly page faults on fresh memory) overlaps parsing instead of alternating with it.
 */
import type { FileHandle } from "node:fs/promises";
import { formatError, HeaderCursor } from "./header-cursor.js";
import { walkableBuffer } from "./string-walk.js";

/**
 * Room for the window to grow in once it outgrows the first read: enough for a gpt-oss header (13 MB) and more.
 * Not bigger: a 64 MB buffer set off a full garbage collection (V8's external memory pressure), ~10 ms of a
 * ~50 ms open; 32 MB only a quick young-generation one.
 */
export const WINDOW_ROOM = 32 << 20;
/** Read-ahead: chunk size and how far past the parser's last need it reads (with 4 chunks in flight). */
export const READ_AHEAD = { chunk: 1 << 20, bytes: 4 << 20 };
const READS_IN_FLIGHT = 4;

/**
 * The header bytes read so far: file offsets `start … start + filled` in `buf`, which has room to grow. A
 * window that runs out is extended by reading only what follows it into that room (untouched room costs no
 * memory), so no byte is read twice; only when the room runs out do the bytes from the last complete item on
 * move to a bigger buffer. Buffers stay referenced by the values read from them (value-source.ts).
 */
export class HeaderWindow {
  private buf: Buffer;
  private start = 0;
  /** Bytes after `start` read without a hole. */
  private filled = 0;
  /** Bytes after `start` asked of the file (reads past `filled` are in flight or done out of order). */
  private issued = 0;
  /** How far (after `start`) reads may go now. */
  private limit = 0;
  /** Chunks read out of order, by their offset after `start`: their end. */
  private done = new Map<number, number>();
  private inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private wake: (() => void) | undefined;

  constructor(
    private readonly fh: FileHandle,
    private readonly fileSize: number,
    /** Size of the first window: one read covers a small model's whole header. */
    firstRead: number,
    private readonly room = WINDOW_ROOM,
    private readonly ahead = READ_AHEAD,
  ) {
    this.buf = walkableBuffer(Math.min(firstRead, fileSize));
  }

  /**
   * A cursor at `resumeAt` over a window reaching at least `end`. The first call reads just what it is asked;
   * later ones also keep reading ahead (the header is big).
   */
  async cursor(resumeAt: number, end: number): Promise<HeaderCursor> {
    const firstCall = this.issued === 0;
    const ahead = firstCall ? 0 : this.ahead.bytes;
    if (end - this.start > this.buf.length) await this.move(resumeAt, end + ahead);
    this.limit = Math.min(
      this.buf.length,
      this.fileSize - this.start,
      Math.max(this.limit, end + ahead - this.start),
    );
    this.pump();
    while (this.start + this.filled < end) {
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    const cur = new HeaderCursor(this.buf.subarray(0, this.filled), this.start, this.fileSize);
    cur.pos = resumeAt;
    return cur;
  }

  /** Wait for every read in flight (none may write into a buffer after parsing is over). */
  async settle(): Promise<void> {
    this.limit = this.issued;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Move the bytes from `resumeAt` on into a new buffer with room for `want` (absolute end). */
  private async move(resumeAt: number, want: number): Promise<void> {
    await this.settle();
    if (this.failure !== undefined) throw this.failure;
    const room = Math.min(this.fileSize - resumeAt, Math.max(want - resumeAt, this.room));
    const next = walkableBuffer(room);
    this.buf.copy(next, 0, resumeAt - this.start, this.filled);
    const shift = resumeAt - this.start;
    this.filled -= shift;
    this.issued = this.filled;
    this.limit = this.filled;
    this.start = resumeAt;
    this.buf = next;
  }

  /** Issue reads up to `limit`, a chunk at a time, while fewer than READS_IN_FLIGHT are out. */
  private pump(): void {
    while (this.failure === undefined && this.issued < this.limit && this.inFlight.size < READS_IN_FLIGHT) {
      const from = this.issued;
      const to = Math.min(this.limit, from + this.ahead.chunk);
      this.issued = to;
      const read: Promise<void> = this.readChunk(from, to).then(
        () => this.landed(read, from, to),
        (error) => this.landed(read, from, to, error),
      );
      this.inFlight.add(read);
    }
  }

  private landed(read: Promise<void>, from: number, to: number, error?: unknown): void {
    this.inFlight.delete(read);
    if (error !== undefined) this.failure ??= error;
    else {
      this.done.set(from, to);
      for (let end = this.done.get(this.filled); end !== undefined; end = this.done.get(this.filled)) {
        this.done.delete(this.filled);
        this.filled = end;
      }
      this.pump();
    }
    this.wake?.();
    this.wake = undefined;
  }

  /** Read `[from, to)` (offsets after `start`) into the buffer, however many reads it takes. */
  private async readChunk(from: number, to: number): Promise<void> {
    for (let got = from; got < to; ) {
      const { bytesRead } = await this.fh.read(this.buf, got, to - got, this.start + got);
      if (bytesRead === 0) {
        // Only a file that shrank after we took its size gets here; retrying would loop forever.
        throw formatError("header (file shrank while being read)", this.start + got, {
          limit: `${to - from} bytes`,
        });
      }
      got += bytesRead;
    }
  }
}
