/**
 * Issue 13, "offline, no model named": `overtone run "hi"` and `overtone models pull gpt-oss-20b` with no way to
 * reach the Hub must fail at once (no backing off and retrying a host that does not resolve) and point at
 * `--model toy`, the shipped model that really speaks Harmony, not at `tiny` (random weights). Through the built
 * CLI; the Hub is moved with HF_ENDPOINT to a name that cannot resolve (`.invalid` is reserved for that) or to a
 * local server that counts requests, so no test needs or touches the internet.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliAsync } from "./run-cli.js";

/** Runs the CLI without blocking this process, which serves the stand-in Hub the CLI talks to. */
// Plenty of free memory, whatever this machine has: gpt-oss-20b must pass the fit check (model-fallback.ts) and
// reach the download these tests are about.
const cli = (args: readonly string[], env: Record<string, string>) =>
  runCliAsync(args, undefined, { OVERTONE_FREE_MEMORY_BYTES: "64000000000", ...env });

let cache: string;
let hub: Server;
let hubOrigin: string;
const requests: string[] = [];

beforeAll(async () => {
  cache = mkdtempSync(join(tmpdir(), "overtone-offline-cli-"));
  hub = createServer((req, res) => {
    requests.push(req.url ?? "");
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
  hubOrigin = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => hub.close(() => resolve()));
  rmSync(cache, { recursive: true, force: true });
});

function expectToyAdvice(stderr: string): void {
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("--model toy");
  expect(lines[0]).not.toMatch(/--model tiny/);
  expect(lines[0]).toContain(join(cache, "models"));
}

describe("no network and no model named", () => {
  for (const args of [
    ["run", "hi"],
    ["models", "pull", "gpt-oss-20b"],
  ]) {
    it(`overtone ${args.join(" ")}: the Hub's name does not resolve → one line naming the host and --model toy`, async () => {
      const { status, stderr } = await cli(args, {
        OVERTONE_CACHE: cache,
        HF_ENDPOINT: "http://hub.nonexistent.invalid",
      });
      expect(status).toBe(1);
      expect(stderr).toMatch(/hub\.nonexistent\.invalid cannot be reached \((ENOTFOUND|EAI_AGAIN)\)/);
      expectToyAdvice(stderr);
    });
  }

  it("OVERTONE_OFFLINE=1 never asks the Hub and says what works offline", async () => {
    const { status, stderr } = await cli(["run", "hi"], {
      OVERTONE_CACHE: cache,
      HF_ENDPOINT: hubOrigin,
      OVERTONE_OFFLINE: "1",
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/offline mode is on \(OVERTONE_OFFLINE=1\)/);
    // Connecting would not help while the variable is set: it is what to undo.
    expect(stderr).toMatch(/unset OVERTONE_OFFLINE and retry/);
    expect(stderr).not.toMatch(/connect and retry/);
    expectToyAdvice(stderr);
    expect(requests).toEqual([]);
  });
});
