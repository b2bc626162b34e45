/**
 * Lines from the user for `overtone chat`, over node:readline. On a terminal: a prompt with line editing and
 * history (↑), Ctrl-D to end, Ctrl-C reported as an interrupt (or, while `busy`, handed to the turn). Keys
 * typed when no prompt is up (while the model writes) are not echoed into its output but kept: finished lines
 * wait their turn and a half-typed line comes back at the next prompt. From a pipe: no prompt and no echo, one
 * line at a time, lines that arrive early wait their turn.
 */
import { EventEmitter } from "node:events";
import { createInterface, type Interface } from "node:readline";

export type ReadResult = { type: "line"; text: string } | { type: "interrupt" } | { type: "end" };

export interface ChatInput {
  /** True when reading a terminal (prompts shown, keys edited). */
  readonly terminal: boolean;
  /** The next line, shown after `prompt` on a terminal; `interrupt` for Ctrl-C at an empty line; `end` at EOF. */
  read(prompt: string): Promise<ReadResult>;
  /** Until the returned function is called, Ctrl-C calls `onInterrupt` (and does not end a read). */
  busy(onInterrupt: () => void): () => void;
  close(): void;
}

export interface ChatInputStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  /** Default: both streams are terminals. */
  terminal?: boolean;
  /** Also listen to the process's SIGINT (a pipe gets Ctrl-C as a signal). Default true. */
  processSignals?: boolean;
}

export function createChatInput(streams: ChatInputStreams): ChatInput {
  const terminal = streams.terminal ?? (streams.input.isTTY === true && streams.output.isTTY === true);
  // Muted except while a read waits: keys typed while the model writes must not land inside its answer.
  const output = new MutableOutput(streams.output);
  output.muted = true;
  const rl: Interface = createInterface({
    input: streams.input,
    ...(terminal
      ? { output: output as unknown as NodeJS.WritableStream, terminal: true }
      : { terminal: false }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const queued: string[] = [];
  let ended = false;
  let waiting: ((result: ReadResult) => void) | undefined;
  let onBusyInterrupt: (() => void) | undefined;

  const settle = (result: ReadResult) => {
    const resolve = waiting;
    waiting = undefined;
    output.muted = true;
    resolve?.(result);
  };
  rl.on("line", (line) => {
    if (waiting !== undefined) settle({ type: "line", text: line });
    else queued.push(line);
  });
  rl.on("close", () => {
    ended = true;
    if (waiting !== undefined) {
      if (terminal) streams.output.write("\n");
      settle({ type: "end" });
    }
  });
  const onInterrupt = () => {
    if (onBusyInterrupt !== undefined) onBusyInterrupt();
    else if (waiting === undefined) return;
    else if (terminal && rl.line !== "") {
      // As in a shell: Ctrl-C on a half-typed line drops that line and prompts again.
      clearTypedLine(rl);
      streams.output.write("^C\n");
      rl.prompt();
    } else {
      if (terminal) streams.output.write("^C\n");
      settle({ type: "interrupt" });
    }
  };
  rl.on("SIGINT", onInterrupt);
  const listenToProcess = streams.processSignals ?? true;
  if (listenToProcess) process.on("SIGINT", onInterrupt);

  return {
    terminal,
    read(prompt) {
      const early = queued.shift();
      if (early !== undefined) {
        // Typed while the model wrote (not echoed then): show it now so the transcript reads right.
        if (terminal) streams.output.write(`${prompt}${early}\n`);
        return Promise.resolve({ type: "line", text: early });
      }
      if (ended) return Promise.resolve({ type: "end" });
      return new Promise<ReadResult>((resolve) => {
        waiting = resolve;
        if (!terminal) return;
        // Keys typed since the last prompt were kept but not shown, and readline's idea of the screen went
        // stale meanwhile: take the half-typed line out (still muted), draw the prompt, and type it back.
        const typed = rl.line;
        if (typed !== "") clearTypedLine(rl);
        output.muted = false;
        rl.setPrompt(prompt);
        rl.prompt();
        if (typed !== "") rl.write(typed);
      });
    },
    busy(interrupt) {
      onBusyInterrupt = interrupt;
      return () => {
        onBusyInterrupt = undefined;
      };
    },
    close() {
      if (listenToProcess) process.off("SIGINT", onInterrupt);
      rl.close();
    },
  };
}

function clearTypedLine(rl: Interface): void {
  rl.write(null, { ctrl: true, name: "e" });
  rl.write(null, { ctrl: true, name: "u" });
}

/**
 * readline's output: passes writes through to the terminal unless muted. Not a stream.Writable on purpose — a
 * Writable may buffer, and readline's writes must stay in order with the chat's own writes to the terminal.
 */
class MutableOutput extends EventEmitter {
  muted = false;
  readonly writable = true;
  readonly #target: ChatInputStreams["output"];

  constructor(target: ChatInputStreams["output"]) {
    super();
    this.#target = target;
    target.on("resize", () => this.emit("resize"));
  }

  get isTTY(): boolean {
    return this.#target.isTTY === true;
  }

  get columns(): number | undefined {
    return this.#target.columns;
  }

  get rows(): number | undefined {
    return this.#target.rows;
  }

  write(data: string | Uint8Array, callback?: (error?: Error | null) => void): boolean {
    if (!this.muted) return this.#target.write(data, callback);
    if (callback !== undefined) process.nextTick(callback);
    return true;
  }
}
