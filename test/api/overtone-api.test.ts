/**
 * `@overtone/overtone` as a user imports it: the root entry exports the names its header promises, and only
 * those; `createBackend` takes each backend's own options (an option of another kind is a type error: the
 * `@ts-expect-error` lines are checked by `tsc -p tsconfig.json`), passes them on, and never picks a model
 * for the embedded backend; `@overtone/overtone/errors` exports every error class.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as errorsPackage from "@overtone/errors";
import * as root from "@overtone/overtone";
import {
  type Backend,
  BackendError,
  ConfigError,
  type CreateBackendOptions,
  createBackend,
  type EmbeddedBackend,
  type EngineModel,
  type GenerateRequest,
  type LoadModelOptions,
  type OllamaBackend,
  type Part,
  type ResolvedModel,
} from "@overtone/overtone";
import * as errorsEntry from "@overtone/overtone/errors";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";

const ROOT_VALUES = [
  "AbortedError",
  "BACKEND_KINDS",
  "BackendError",
  "ConfigError",
  "GgufCodecError",
  "GgufFormatError",
  "HarmonyParseError",
  "HarmonyRenderError",
  "InputError",
  "OvertoneError",
  "TokenizerError",
  "collectParts",
  "conversation",
  "createBackend",
  "developerMessage",
  "isOvertoneError",
  "loadModel",
  "message",
  "partsFromText",
  "partsFromTokens",
  "renderConversation",
  "renderConversationForCompletion",
  "resolveModel",
  "systemContent",
  "systemMessage",
  "toolResult",
  "withFunctionTools",
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-api-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the root entry", () => {
  it("exports the promised values and nothing else (no namespace, no internals)", () => {
    expect(Object.keys(root).sort()).toEqual([...ROOT_VALUES].sort());
  });

  it("names the backend kinds as the backends do", () => {
    expect(root.BACKEND_KINDS).toEqual(["embedded", "ollama", "openai-compatible"]);
    expectTypeOf<CreateBackendOptions["kind"]>().toEqualTypeOf<"embedded" | "ollama" | "openai-compatible">();
  });

  it("exports the types a request and its answer need", () => {
    expectTypeOf<GenerateRequest["conversation"]>().toEqualTypeOf<root.Conversation>();
    expectTypeOf<ReturnType<Backend["stream"]>>().toEqualTypeOf<AsyncIterable<Part>>();
    expectTypeOf<LoadModelOptions>().toHaveProperty("contextSize");
    expectTypeOf<EngineModel["info"]>().toEqualTypeOf<root.EngineModelInfo>();
    expectTypeOf<ResolvedModel["path"]>().toEqualTypeOf<string>();
  });
});

/** Never called: what the type-check alone must accept or reject. */
function createBackendTypes(engine: EngineModel): void {
  expectTypeOf(createBackend({ kind: "embedded", model: "tiny" })).resolves.toEqualTypeOf<EmbeddedBackend>();
  expectTypeOf(createBackend({ kind: "embedded", model: engine })).resolves.toEqualTypeOf<EmbeddedBackend>();
  expectTypeOf(
    createBackend({ kind: "ollama", model: "gpt-oss:20b" }),
  ).resolves.toEqualTypeOf<OllamaBackend>();
  expectTypeOf(
    createBackend({ kind: "openai-compatible", flavor: "vllm" }),
  ).resolves.toEqualTypeOf<Backend>();
  createBackend({
    kind: "embedded",
    model: "tiny",
    threads: 1,
    contextSize: 4096,
    gpu: false,
    offline: true,
  });
  createBackend({
    kind: "ollama",
    numCtx: 16384,
    keepAlive: "5m",
    fetch,
    headers: {},
    timeoutMs: 1,
    apiKey: "k",
  });
  createBackend({ kind: "openai-compatible", api: "responses", streaming: false, fetch, timeoutMs: 1 });

  // @ts-expect-error the embedded backend has no default model
  createBackend({ kind: "embedded" });
  // @ts-expect-error a server URL is not an embedded option
  createBackend({ kind: "embedded", model: "tiny", baseURL: "http://127.0.0.1:8080" });
  // @ts-expect-error threads are the embedded engine's, not a server's
  createBackend({ kind: "ollama", threads: 2 });
  // @ts-expect-error `flavor` is an OpenAI-compatible option
  createBackend({ kind: "ollama", flavor: "vllm" });
  // @ts-expect-error `numCtx` is an Ollama option
  createBackend({ kind: "openai-compatible", numCtx: 8192 });
  // @ts-expect-error the kind is `openai-compatible` (`openai` is only the CLI's spelling)
  createBackend({ kind: "openai" });
}
void createBackendTypes;

describe("createBackend", () => {
  it("refuses an embedded backend without a model, naming the choices, before resolving anything", async () => {
    // offline and a fresh cache: should the check ever go, this fails on "offline mode" instead of downloading.
    const resolving = { offline: true, cacheDir: dir };
    for (const model of [undefined, "", "  "]) {
      const made = createBackend({ kind: "embedded", ...resolving, model } as CreateBackendOptions);
      await expect(made).rejects.toThrow(ConfigError);
      await expect(made).rejects.toThrow(/needs a model/);
      const error = (await made.catch((e: unknown) => e)) as ConfigError;
      expect(error.hint).toMatch(
        /"toy".*works offline.*\.gguf path.*"gpt-oss-20b" to download it.*"tiny" \(random weights/,
      );
    }
  });

  it("hands the resolving options to the model resolution (offline, cacheDir)", async () => {
    const made = createBackend({ kind: "embedded", model: "gpt-oss-20b", offline: true, cacheDir: dir });
    await expect(made).rejects.toThrow(ConfigError);
    await expect(made).rejects.toThrow(/offline mode is on/);
    await expect(made).rejects.toMatchObject({ hint: expect.stringContaining(dir) });
  });

  it("makes an embedded backend for a local GGUF without loading it", async () => {
    const path = join(dir, "header-only.gguf");
    await writeFile(path, "GGUF");
    const backend = await createBackend({ kind: "embedded", model: path });
    expect(backend.kind).toBe("embedded");
    expect(backend.location).toBe(path);
    await backend.close();
  });

  it("passes fetch, headers, the API key and the timeout to an OpenAI-compatible server", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers) });
      return Response.json({ object: "list", data: [{ id: "gpt-oss-20b", object: "model" }] });
    };
    const backend = await createBackend({
      kind: "openai-compatible",
      baseURL: "http://models.invalid/v1",
      flavor: "vllm",
      fetch: fakeFetch,
      headers: { "x-team": "overtone" },
      apiKey: "secret",
    });
    expect((await backend.listModels()).map((m) => m.id)).toEqual(["gpt-oss-20b"]);
    expect(seen.map((s) => s.url)).toEqual(["http://models.invalid/v1/models"]);
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer secret");
    expect(seen[0]?.headers.get("x-team")).toBe("overtone");

    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    const slow = await createBackend({ kind: "ollama", fetch: silent, timeoutMs: 5 });
    await expect(slow.listModels()).rejects.toThrow(BackendError);
    await expect(slow.listModels()).rejects.toThrow(/within 5 ms/);
  });

  it("keeps an authorization header given in headers over the API key", async () => {
    let authorization: string | null = null;
    const fakeFetch: typeof fetch = async (_input, init) => {
      authorization = new Headers(init?.headers).get("authorization");
      return Response.json({ models: [] });
    };
    const backend = await createBackend({
      kind: "ollama",
      fetch: fakeFetch,
      headers: { Authorization: "Basic abc" },
      apiKey: "ignored",
    });
    await backend.listModels();
    expect(authorization).toBe("Basic abc");
  });

  it("defaults a server's address to the local install", async () => {
    expect((await createBackend({ kind: "ollama" })).location).toBe("http://127.0.0.1:11434");
    expect((await createBackend({ kind: "openai-compatible" })).location).toBe("http://127.0.0.1:8080");
  });

  it("rejects an unknown kind (from JavaScript) with the kinds it knows", async () => {
    const made = createBackend({ kind: "openai" } as unknown as CreateBackendOptions);
    await expect(made).rejects.toThrow(ConfigError);
    await expect(made).rejects.toMatchObject({ hint: "use one of: embedded, ollama, openai-compatible" });
  });
});

describe("@overtone/overtone/errors", () => {
  it("exports every error class of every layer, the same classes the root exports", () => {
    const classes = Object.entries(errorsPackage).filter(
      ([, value]) => typeof value === "function" && value.prototype instanceof Error,
    );
    expect(classes.map(([name]) => name)).toContain("ConfigError");
    expect(classes.length).toBeGreaterThanOrEqual(10);
    const entry: Record<string, unknown> = { ...errorsEntry };
    const top: Record<string, unknown> = { ...root };
    for (const [name, value] of classes) {
      expect(entry[name], name).toBe(value);
      expect(top[name], name).toBe(value);
    }
    expect(errorsEntry.isOvertoneError).toBe(errorsPackage.isOvertoneError);
  });
});
