/**
 * The chat's line input, through node:readline as in the CLI: terminal mode fed with the bytes a terminal sends
 * (Enter is \r, Ctrl-C \x03, Ctrl-D \x04), and pipe mode. The real terminal is covered in test/cli/chat-tty.
 */
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type ChatInput, createChatInput } from "./chat-input.js";

const settle = () => new Promise((resolve) => setImmediate(resolve));
const opened: ChatInput[] = [];

afterEach(() => {
  for (const input of opened.splice(0)) input.close();
});

function terminal() {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  let screen = "";
  output.on("data", (chunk: Buffer) => {
    screen += chunk.toString("utf8");
  });
  const chat = createChatInput({ input, output, terminal: true, processSignals: false });
  opened.push(chat);
  return {
    chat,
    type: async (keys: string) => {
      input.write(keys);
      await settle();
    },
    /** What was written since the last call, escape sequences removed. */
    shown: () => {
      const text = stripVTControlCharacters(screen);
      screen = "";
      return text;
    },
  };
}

describe("createChatInput on a terminal", () => {
  it("shows the prompt and echoes the line being typed", async () => {
    const t = terminal();
    const line = t.chat.read("› ");
    await t.type("hello\r");
    expect(await line).toEqual({ type: "line", text: "hello" });
    expect(t.shown()).toContain("› hello");
  });

  it("Ctrl-C drops a half-typed line and prompts again; at an empty prompt it is an interrupt", async () => {
    const t = terminal();
    const first = t.chat.read("› ");
    await t.type("abc\x03");
    await t.type("x\r");
    expect(await first).toEqual({ type: "line", text: "x" });
    const second = t.chat.read("› ");
    await t.type("\x03");
    expect(await second).toEqual({ type: "interrupt" });
  });

  it("keeps keys typed while no prompt is up without echoing them, and hands them over at the next prompt", async () => {
    const t = terminal();
    const first = t.chat.read("› ");
    await t.type("one\r");
    await first;
    t.shown();
    // The model is writing now: a whole line and half of the next are typed ahead.
    await t.type("two\rthr");
    expect(t.shown()).toBe("");
    expect(await t.chat.read("› ")).toEqual({ type: "line", text: "two" });
    expect(t.shown()).toBe("› two\n");
    const third = t.chat.read("› ");
    expect(t.shown()).toContain("› thr");
    await t.type("ee\r");
    expect(await third).toEqual({ type: "line", text: "three" });
  });

  it("while busy, Ctrl-C goes to the turn; Ctrl-D at an empty prompt ends the input", async () => {
    const t = terminal();
    let interrupts = 0;
    const idle = t.chat.busy(() => interrupts++);
    await t.type("\x03");
    idle();
    expect(interrupts).toBe(1);
    const line = t.chat.read("› ");
    await t.type("\x04");
    expect(await line).toEqual({ type: "end" });
    expect(await t.chat.read("› ")).toEqual({ type: "end" });
  });
});

describe("createChatInput from a pipe", () => {
  it("reads lines in order without prompting, then ends", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = "";
    output.on("data", (chunk: Buffer) => {
      written += chunk.toString("utf8");
    });
    const chat = createChatInput({ input, output, processSignals: false });
    opened.push(chat);
    expect(chat.terminal).toBe(false);
    input.end("first\r\nsecond\nthird");
    await settle();
    expect(await chat.read("› ")).toEqual({ type: "line", text: "first" });
    expect(await chat.read("› ")).toEqual({ type: "line", text: "second" });
    expect(await chat.read("› ")).toEqual({ type: "line", text: "third" });
    expect(await chat.read("› ")).toEqual({ type: "end" });
    expect(written).toBe("");
  });
});
