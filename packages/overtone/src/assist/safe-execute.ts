/**
 * Safe execute (`POST /api/execute`): a command line is tokenized strictly (command-tokenizer.ts), checked
 * against the allowlist of read-only diagnostic commands (command-allowlist.ts), and only then run — with
 * execFile, never a shell; the binary found in the system's own directories, never through PATH (a PATH that
 * leads to some other `ping` is the caller's environment, not a choice this service makes); a minimal
 * environment; no input; a timeout that kills; output capped, and said so when cut. A refusal says why.
 */
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { ALLOWLIST } from "./command-allowlist.js";
import { tokenizeCommand } from "./command-tokenizer.js";

/** Where allowed commands are looked for, in order: the distribution's own binaries only. */
export const SYSTEM_BIN_DIRS: readonly string[] = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Per stream: enough for `ip addr` on a busy machine, small enough to send back in one reply. */
export const DEFAULT_OUTPUT_CAP_BYTES = 64 * 1024;

export interface ExecuteResult {
  executed: boolean;
  /** The exit status; null when refused, or killed (timeout, output cap). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why it was refused, or what the allowed command does (and whether it was cut short). */
  reason: string;
  /** The words it ran as (absent when the command could not be tokenized). */
  argv?: string[];
  /** Set when the timeout or the output cap stopped it. */
  timedOut?: boolean;
  truncated?: boolean;
}

export interface SafeExecuteOptions {
  timeoutMs?: number;
  outputCapBytes?: number;
  binDirs?: readonly string[];
}

/** What the tokenizer and the allowlist make of a command, without running it. */
export type CommandCheck =
  | { ok: true; argv: string[]; description: string }
  | { ok: false; reason: string; argv?: string[] };

/** Whether `command` would be run, and if not why (the `reason` starts with `refused:`). */
export function checkCommand(command: string): CommandCheck {
  const tokens = tokenizeCommand(command);
  if (!tokens.ok) return { ok: false, reason: `refused: ${tokens.reason}` };
  const argv = tokens.argv;
  const [name, ...args] = argv as [string, ...string[]];
  if (name.includes("/")) {
    return {
      ok: false,
      argv,
      reason: `refused: "${name}" is a path; name an allowed command instead (a path could be any binary)`,
    };
  }
  const allowed = Object.hasOwn(ALLOWLIST, name) ? ALLOWLIST[name] : undefined;
  if (allowed === undefined) {
    const names = Object.keys(ALLOWLIST).join(", ");
    return {
      ok: false,
      argv,
      reason: `refused: "${name}" is not on the allowlist of read-only diagnostic commands (${names})`,
    };
  }
  const problem = allowed.check(args);
  if (problem !== undefined)
    return { ok: false, argv, reason: `refused: ${problem}; usage: ${allowed.usage}` };
  return { ok: true, argv, description: allowed.description };
}

/** Runs `command` if the allowlist allows it; never throws for a refused or failing command. */
export async function safeExecute(command: string, options: SafeExecuteOptions = {}): Promise<ExecuteResult> {
  const checked = checkCommand(command);
  if (!checked.ok) return refused(checked.reason, checked.argv);
  const name = checked.argv[0] as string;
  const dirs = options.binDirs ?? SYSTEM_BIN_DIRS;
  const binary = await findBinary(name, dirs);
  if (binary === undefined) {
    return refused(
      `not run: ${name} is allowed but not installed here (looked in ${dirs.join(", ")})`,
      checked.argv,
    );
  }
  return run(binary, checked.argv, checked.description, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    cap: options.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES,
    path: dirs.join(":"),
  });
}

async function findBinary(name: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

interface RunLimits {
  timeoutMs: number;
  cap: number;
  path: string;
}

function run(binary: string, argv: string[], description: string, limits: RunLimits): Promise<ExecuteResult> {
  return new Promise((resolve) => {
    const child = execFile(
      binary,
      argv.slice(1),
      {
        encoding: "buffer",
        shell: false,
        cwd: "/",
        // Nothing of the service's own environment (keys, proxies, LD_PRELOAD) reaches the command.
        env: { PATH: limits.path, LANG: "C", LC_ALL: "C" },
        timeout: limits.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: limits.cap,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
        const truncated =
          failure?.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER" ||
          stdout.length > limits.cap ||
          stderr.length > limits.cap;
        const timedOut = !truncated && failure?.killed === true;
        const exitCode = failure === null ? 0 : typeof failure.code === "number" ? failure.code : null;
        const notes = [
          ...(timedOut ? [`killed after ${limits.timeoutMs / 1000} s (the time limit)`] : []),
          ...(truncated ? [`output cut at ${limits.cap} bytes per stream (stopped there)`] : []),
          ...(failure !== null && exitCode === null && !timedOut && !truncated
            ? [`failed to run: ${failure.message}`]
            : []),
        ];
        resolve({
          executed: true,
          exitCode,
          stdout: stdout.subarray(0, limits.cap).toString("utf8"),
          stderr: stderr.subarray(0, limits.cap).toString("utf8"),
          reason: [`allowed: ${argv[0]} ${description}`, ...notes].join("; "),
          argv,
          ...(timedOut ? { timedOut } : {}),
          ...(truncated ? { truncated } : {}),
        });
      },
    );
    // No input: a command that would read its standard input (nslookup without a name) sees its end at once.
    child.stdin?.end();
  });
}

function refused(reason: string, argv?: string[]): ExecuteResult {
  return {
    executed: false,
    exitCode: null,
    stdout: "",
    stderr: "",
    reason,
    ...(argv !== undefined ? { argv } : {}),
  };
}
