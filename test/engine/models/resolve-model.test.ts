/**
 * resolveModel end to end against a local Hub-like server (HF_ENDPOINT pointed at it): download into the cache,
 * reuse, `:quant` selection, gated repos, 404, offline, local paths and `tiny`.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@overtone/errors";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listCachedModels, resolveModel } from "../../../packages/overtone/src/engine/models/index.js";
import { type FileServer, generatedBody, refusedOrigin, startFileServer } from "./file-server.js";

const body = generatedBody(300_000, 11);
let hub: FileServer;
let cdn: FileServer;
let gated: FileServer;
let slowCdn: FileServer;
let cacheDir: string;

beforeAll(async () => {
  cdn = await startFileServer({ body });
  hub = await startFileServer({
    body,
    cdnOrigin: () => cdn.origin,
    listed: ["README.md", "m-Q4_K_M.gguf", "m-mxfp4.gguf", "m-Q8_0-00001-of-00002.gguf", "mmproj-m-f16.gguf"],
  });
  gated = await startFileServer({ body, token: "hf_secret", cdnOrigin: () => cdn.origin });
  slowCdn = await startFileServer({ body, chunkSize: 10_000, chunkDelayMs: 20 });
});
afterAll(async () => {
  await Promise.all([hub.close(), cdn.close(), gated.close(), slowCdn.close()]);
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "overtone-cache-"));
  for (const s of [hub, cdn, gated]) s.log.length = 0;
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

const opts = (env: Record<string, string>) => ({ cacheDir, env, download: { retryDelayMs: 5 } });

describe("resolveModel: Hugging Face references", () => {
  it("downloads owner/repo/file.gguf into the cache, then reuses it without the network", async () => {
    const first = await resolveModel("owner/repo/m-mxfp4.gguf", opts({ HF_ENDPOINT: hub.origin }));
    expect(first).toMatchObject({
      source: "huggingface",
      ref: "hf:owner/repo/m-mxfp4.gguf",
      sizeBytes: body.length,
      cached: false,
      sha256: hub.sha256,
    });
    expect(first.path).toBe(join(cacheDir, "models", "hf", "owner", "repo", "main", "m-mxfp4.gguf"));
    expect((await readFile(first.path)).equals(body)).toBe(true);
    expect(hub.log.map((r) => r.path)).toEqual(["/owner/repo/resolve/main/m-mxfp4.gguf"]);
    expect(cdn.log).toHaveLength(1);

    const refused = await refusedOrigin();
    const again = await resolveModel("hf:owner/repo/m-mxfp4.gguf", opts({ HF_ENDPOINT: refused }));
    expect(again).toMatchObject({ path: first.path, cached: true, sizeBytes: body.length });

    const listed = await listCachedModels({ cacheDir });
    expect(listed).toEqual([
      expect.objectContaining({ ref: "hf:owner/repo/m-mxfp4.gguf", sha256: hub.sha256, complete: true }),
    ]);
  });

  it("picks a file by :quant from the repo listing and verifies it against the listed sha256", async () => {
    const resolved = await resolveModel("owner/repo:q4_k_m", opts({ HF_ENDPOINT: hub.origin }));
    expect(resolved.ref).toBe("hf:owner/repo/m-Q4_K_M.gguf");
    expect(resolved.sha256).toBe(hub.sha256);
    expect(hub.log[0]?.path).toBe("/api/models/owner/repo/tree/main?recursive=true");
    // Cached: a second resolution needs no listing, so it works offline.
    const again = await resolveModel("owner/repo:Q4_K_M", { cacheDir, offline: true });
    expect(again).toMatchObject({ path: resolved.path, cached: true });
  });

  it("explains a :quant that matches nothing, and one that exists only split", async () => {
    await expect(resolveModel("owner/repo:q5_k_m", opts({ HF_ENDPOINT: hub.origin }))).rejects.toThrow(
      /no GGUF with quantization "q5_k_m" \(files: m-Q4_K_M.gguf, m-mxfp4.gguf\)/,
    );
    await expect(resolveModel("owner/repo:q8_0", opts({ HF_ENDPOINT: hub.origin }))).rejects.toThrow(
      /only as a multi-part GGUF/,
    );
  });

  it("a gated repo without HF_TOKEN: ConfigError saying to set HF_TOKEN", async () => {
    const error = await resolveModel("owner/repo/m.gguf", opts({ HF_ENDPOINT: gated.origin })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/access refused \(401\)/);
    expect(error.hint).toMatch(/set HF_TOKEN/);
    expect(existsSync(join(cacheDir, "models", "hf", "owner", "repo", "main", "m.gguf.part"))).toBe(false);
  });

  it("sends HF_TOKEN as a bearer token to the Hub, never to the CDN it redirects to", async () => {
    const env = { HF_ENDPOINT: gated.origin, HF_TOKEN: "hf_secret" };
    const resolved = await resolveModel("owner/repo/m.gguf", opts(env));
    expect((await readFile(resolved.path)).equals(body)).toBe(true);
    expect(gated.log[0]?.authorization).toBe("Bearer hf_secret");
    expect(cdn.log[0]?.authorization).toBeUndefined();
  });

  it("a refused token gets a hint about the token, not about setting one", async () => {
    const env = { HF_ENDPOINT: gated.origin, HF_TOKEN: "hf_wrong" };
    const error = await resolveModel("owner/repo/m.gguf", opts(env)).catch((e) => e);
    expect(error.hint).toMatch(/HF_TOKEN was sent but refused/);
  });

  it("lists an interrupted download as incomplete, with its URL", async () => {
    const controller = new AbortController();
    const url = `${slowCdn.origin}/file/big.gguf`;
    const onProgress = (p: { bytes: number }) => {
      if (p.bytes > 50_000) controller.abort();
    };
    await expect(
      resolveModel(url, { cacheDir, onProgress, signal: controller.signal }),
    ).rejects.toMatchObject({
      name: "AbortError",
    });
    const [entry] = await listCachedModels({ cacheDir });
    expect(entry).toMatchObject({ ref: url, url, source: "url", complete: false });
    expect(entry?.sizeBytes).toBeGreaterThan(50_000);
    expect(entry?.sizeBytes).toBeLessThan(body.length);
    const done = await resolveModel(url, { cacheDir });
    expect(done).toMatchObject({ source: "url", sizeBytes: body.length, sha256: slowCdn.sha256 });
    expect(await listCachedModels({ cacheDir })).toEqual([
      expect.objectContaining({ ref: url, complete: true, sha256: slowCdn.sha256 }),
    ]);
  });

  it("404 becomes a ConfigError: on the Hub naming the repo page, on a plain URL naming the URL", async () => {
    const hubMissing = await resolveModel("owner/repo/none.gguf", opts({ HF_ENDPOINT: hub.origin })).catch(
      (e) => e,
    );
    expect(hubMissing).toBeInstanceOf(ConfigError);
    expect(hubMissing.message).toBe("hf:owner/repo/none.gguf: not found (404)");
    expect(hubMissing.hint).toContain(`${hub.origin}/owner/repo/tree/main`);
    const missing = await resolveModel(`${hub.origin}/nothing/here.gguf`, opts({})).catch((e) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toMatch(/answered 404/);
  });
});

describe("resolveModel: offline", () => {
  it("connection refused and not cached: one line naming toy, a local path, and retrying", async () => {
    const refused = await refusedOrigin();
    const error = await resolveModel("owner/repo/m.gguf", opts({ HF_ENDPOINT: refused })).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain("\n");
    expect(error.message).toMatch(/cannot be reached \(ECONNREFUSED\)/);
    expect(error.message).toMatch(/--model toy/);
    expect(error.message).toMatch(/local \.gguf path/);
    expect(error.message).toMatch(/connect and retry/);
    expect(error.hint).toContain(join(cacheDir, "models"));
  });

  it("offline mode never touches the network", async () => {
    const error = await resolveModel(
      "owner/repo/m.gguf",
      opts({ HF_ENDPOINT: hub.origin, HF_HUB_OFFLINE: "1" }),
    )
      .then(() => undefined)
      .catch((e) => e);
    expect(error?.message).toMatch(/offline mode is on \(HF_HUB_OFFLINE=1\): run with --model toy/);
    expect(error?.message).toMatch(/or unset HF_HUB_OFFLINE and retry$/);
    expect(hub.log).toHaveLength(0);
  });

  it("offline: true from the caller, not a variable, says to connect", async () => {
    const error = await resolveModel("owner/repo/m.gguf", {
      ...opts({ OVERTONE_OFFLINE: "1" }),
      offline: true,
    })
      .then(() => undefined)
      .catch((e) => e);
    expect(error?.message).toMatch(/offline mode is on: .*or connect and retry$/);
  });

  it("names the reference as the caller's user gave it (where)", async () => {
    const error = await resolveModel("nonsense", { ...opts({}), where: "models pull" }).catch((e) => e);
    expect(error).toMatchObject({ where: "models pull" });
    expect(error.message).toMatch(/^models pull "nonsense": not a file here/);
    const offline = await resolveModel("owner/repo/m.gguf", {
      ...opts({ OVERTONE_OFFLINE: "1" }),
      where: "models pull",
    }).catch((e) => e);
    expect(offline).toMatchObject({ where: "models pull" });
  });
});

describe("resolveModel: local files and tiny", () => {
  it("uses an existing GGUF in place and rejects a file that is not one", async () => {
    const path = join(cacheDir, "mine.gguf");
    await writeFile(path, Buffer.concat([Buffer.from("GGUF"), body]));
    expect(await resolveModel(path, { cacheDir })).toMatchObject({ path, source: "local", cached: true });
    const text = join(cacheDir, "notes.gguf");
    await writeFile(text, "hello");
    await expect(resolveModel(text, { cacheDir })).rejects.toThrow(/not a GGUF file/);
    await expect(resolveModel(join(cacheDir, "absent.gguf"), { cacheDir })).rejects.toThrow(
      /model file not found/,
    );
  });

  it("tiny is made once into the cache and reused", async () => {
    const first = await resolveModel("tiny", { cacheDir, offline: true });
    expect(first).toMatchObject({ source: "tiny", ref: "tiny", cached: false });
    expect(first.path.startsWith(join(cacheDir, "models", "tiny"))).toBe(true);
    const header = (await readFile(first.path)).subarray(0, 4).toString("latin1");
    expect(header).toBe("GGUF");
    const made = await stat(first.path);
    const second = await resolveModel("tiny", { cacheDir, offline: true });
    expect(second).toMatchObject({ path: first.path, cached: true, sizeBytes: made.size });
    expect((await stat(first.path)).mtimeMs).toBe(made.mtimeMs);
    expect(await listCachedModels({ cacheDir })).toEqual([
      expect.objectContaining({ ref: "tiny", source: "tiny", complete: true, sizeBytes: made.size }),
    ]);
  });
});
