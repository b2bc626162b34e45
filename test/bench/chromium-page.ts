/**
 * Opens a local page in headless Chromium (Debian's package) and reports what a person opening it would meet:
 * console errors and uncaught exceptions, every request the page made, a few DOM facts, and a full-page PNG.
 * No CDP library is installed, so this speaks the DevTools protocol directly over `--remote-debugging-pipe`
 * (fd 3 in, fd 4 out, NUL-separated JSON). A dead proxy (127.0.0.1:9) makes any network request fail as well as
 * show up here, so a page that needs the network cannot pass by luck of a cache.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pathToFileURL } from "node:url";

export interface PageVisit {
  consoleErrors: string[];
  requests: string[];
  /** Results of the `probes` expressions, in order. */
  probes: unknown[];
  screenshot: Buffer;
}

export function chromiumPath(): string {
  for (const candidate of [process.env.CHROMIUM, "/usr/bin/chromium", "chromium", "chromium-browser"]) {
    if (candidate !== undefined && spawnSync(candidate, ["--version"], { stdio: "ignore" }).status === 0)
      return candidate;
  }
  throw new Error(
    "No Chromium for the HTML report test: apt-get install -y --no-install-recommends chromium, or set CHROMIUM",
  );
}

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: unknown;
  sessionId?: string;
};

export async function visitPage(
  file: string,
  probes: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<PageVisit> {
  const profile = mkdtempSync(join(tmpdir(), "overtone-chromium-"));
  const child = spawn(
    chromiumPath(),
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--remote-debugging-pipe",
      `--user-data-dir=${profile}`,
      "--proxy-server=127.0.0.1:9",
      "--no-first-run",
      "--hide-scrollbars",
      "--window-size=1280,900",
      "about:blank",
    ],
    // Its own process group: the browser's helper processes (renderer, zygote) are killed with it below.
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true },
  );
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const pending = new Map<number, (m: Message) => void>();
  const listeners: ((m: Message) => void)[] = [];
  let buffered = "";
  output.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    for (let end = buffered.indexOf("\0"); end >= 0; end = buffered.indexOf("\0")) {
      const message = JSON.parse(buffered.slice(0, end)) as Message;
      buffered = buffered.slice(end + 1);
      if (message.id !== undefined) pending.get(message.id)?.(message);
      else for (const listen of listeners) listen(message);
    }
  });
  let nextId = 0;
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, (m) =>
        m.error ? reject(new Error(`${method}: ${JSON.stringify(m.error)}`)) : resolve(m.result ?? {}),
      );
      input.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const exited = new Promise<never>((_, reject) =>
    child.on("exit", (code) =>
      reject(new Error(`Chromium exited (${code}) before the visit ended:\n${stderr.slice(-2000)}`)),
    ),
  );
  exited.catch(() => undefined);
  try {
    const visit = async (): Promise<PageVisit> => {
      const { targetId } = await send("Target.createTarget", { url: "about:blank" });
      const { sessionId } = (await send("Target.attachToTarget", { targetId, flatten: true })) as {
        sessionId: string;
      };
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      let loaded: () => void = () => undefined;
      const load = new Promise<void>((resolve) => {
        loaded = resolve;
      });
      listeners.push((m) => {
        if (m.sessionId !== sessionId || m.params === undefined) return;
        // biome-ignore lint/suspicious/noExplicitAny: CDP event payloads, read defensively.
        const p = m.params as Record<string, any>;
        if (m.method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "assert"))
          consoleErrors.push(JSON.stringify(p.args));
        if (m.method === "Runtime.exceptionThrown") consoleErrors.push(JSON.stringify(p.exceptionDetails));
        if (m.method === "Log.entryAdded" && p.entry?.level === "error")
          consoleErrors.push(`${p.entry.source}: ${p.entry.text} ${p.entry.url ?? ""}`);
        if (m.method === "Network.requestWillBeSent") requests.push(String(p.request?.url));
        if (m.method === "Page.loadEventFired") loaded();
      });
      for (const domain of ["Runtime", "Log", "Network", "Page"])
        await send(`${domain}.enable`, {}, sessionId);
      await send("Page.navigate", { url: pathToFileURL(file).href }, sessionId);
      await load;
      const results: unknown[] = [];
      for (const expression of probes) {
        const r = (await send("Runtime.evaluate", { expression, returnByValue: true }, sessionId)) as {
          result?: { value?: unknown };
        };
        results.push(r.result?.value);
      }
      const shot = (await send(
        "Page.captureScreenshot",
        { format: "png", captureBeyondViewport: true },
        sessionId,
      )) as { data: string };
      return { consoleErrors, requests, probes: results, screenshot: Buffer.from(shot.data, "base64") };
    };
    return await Promise.race([visit(), exited]);
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      killGroup(child.pid);
      await gone;
    }
    killGroup(child.pid); // helpers that outlived the browser
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
    } catch (error) {
      // A temporary profile left behind is not what these tests check: say so and go on.
      process.stderr.write(`chromium-page: could not remove ${profile}: ${String(error)}\n`);
    }
  }
}

/** SIGKILL to the whole process group `pid` leads (the browser and its helpers); a group already gone is fine. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: nothing left in the group.
  }
}
