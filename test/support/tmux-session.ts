/**
 * A command in a real terminal for tests: a fresh tmux server (a pty of the given size) runs it, keys go in with
 * send-keys, the screen is read with capture-pane. On exit the pane shows `[exit N]` and stays, so a test can read
 * the last screen. `closeTmuxSessions()` (in afterAll) ends every server started here.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

const TMUX = "/usr/bin/tmux";
const sockets: string[] = [];

function tmux(socket: string, ...args: string[]): string {
  try {
    return execFileSync(TMUX, ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  } catch (error) {
    if (args[0] === "kill-server" || args[0] === "display-message") return "";
    throw error;
  }
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

export interface TmuxSession {
  screen(): string;
  /** Keys by tmux name (`4`, `Enter`, `BSpace`). */
  keys(...names: string[]): void;
  /** Types text as it is. */
  literal(text: string): void;
  /** Polls the screen until `test` holds (generous: the machine is shared; nothing here is timed). */
  waitFor(test: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
}

/** `argv` (the program first) in a fresh tmux server of `columns` × `rows`. */
export function startInTmux(argv: readonly string[], columns = 100, rows = 30): TmuxSession {
  const socket = `overtone-tty-${process.pid}-${sockets.length}`;
  sockets.push(socket);
  const command = argv.map(quote).join(" ");
  const size = ["-x", String(columns), "-y", String(rows)];
  tmux(socket, "new-session", "-d", ...size, "-s", "main", `${command}; echo "[exit $?]"; sleep 600`);
  const screen = () => tmux(socket, "capture-pane", "-p", "-t", "main");
  return {
    screen,
    keys: (...names) => void tmux(socket, "send-keys", "-t", "main", ...names),
    literal: (text) => void tmux(socket, "send-keys", "-t", "main", "-l", text),
    waitFor: async (test, what, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (test(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

export function closeTmuxSessions(): void {
  for (const socket of sockets.splice(0)) {
    const path = tmux(socket, "display-message", "-p", "#{socket_path}").trim();
    tmux(socket, "kill-server");
    if (path !== "") rmSync(path, { force: true });
  }
}
