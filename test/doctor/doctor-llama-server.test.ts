/**
 * Issue 17's Must-show on a real llama-server (full tier): the toy gpt-oss behind a ChatML template — llama-server
 * renders the file's template — fails `template`, `channels`, `tools` and `effort` with evidence; `--fix` writes
 * the GGUF with the Harmony template, and on a server started on that copy the same probes run again and pass.
 * The same toy with its own Harmony template (and gpt-oss's sampling flags): every probe passes. Behind the
 * official template, whose tool round trip llama.cpp double-encodes, `tools` warns and names it. The tiny model
 * (random weights, Harmony template): `template` passes, every behavioural probe is inconclusive — never a pass.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { classifyChatTemplate } from "@overtone/gguf";
import { conversation, message, toolResult } from "@overtone/harmony";
import { afterAll, describe, expect, it } from "vitest";
import { createOpenAICompatible } from "../../packages/overtone/src/backends/index.js";
import { readGgufFacts } from "../../packages/overtone/src/doctor/gguf-facts.js";
import {
  applyFixes,
  type Check,
  type DoctorRun,
  harmonyGgufName,
  type ProbeId,
  rerunFixed,
  runDoctor,
} from "../../packages/overtone/src/doctor/index.js";
import type { ProbeContext } from "../../packages/overtone/src/doctor/probe.js";
import { askConversation, WEATHER_TOOL } from "../../packages/overtone/src/doctor/probe-prompts.js";
import { serverRenderingDifference } from "../../packages/overtone/src/doctor/template-compare.js";
import { runCliAsync } from "../cli/run-cli.js";
import { tempDir } from "../support/gguf-samples.js";
import {
  LLAMA_SERVER_BUILD_TIMEOUT_MS,
  type LlamaServerHandle,
  llamaServerBinary,
  startLlamaServer,
} from "../support/llama-server.js";
import { tinyModelPath } from "../support/tiny-models.js";
import { toyChatmlModelPath, toyModelPath, toyOfficialModelPath } from "../support/toy-model.js";

const servers: LlamaServerHandle[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const BEHAVIOURAL: readonly ProbeId[] = ["channels", "tools", "effort", "structured-output"];

async function serve(model: string, extraArgs: string[] = []): Promise<LlamaServerHandle> {
  // 8192: the context the doctor asks for high-effort reasoning; the toy's KV cache for it is a few MB.
  const server = await startLlamaServer({ model, ctx: 8192, extraArgs });
  servers.push(server);
  return server;
}

async function doctorAt(server: LlamaServerHandle, gguf?: string): Promise<DoctorRun> {
  const backend = createOpenAICompatible({ baseURL: server.baseURL });
  return runDoctor({
    target: { kind: "openai-compatible", root: server.baseURL, ...(gguf ? { gguf } : {}) },
    backend,
  });
}

function byId(run: DoctorRun): Record<string, Check> {
  return Object.fromEntries(run.checks.map((c) => [c.id, c]));
}

function show(run: DoctorRun): string {
  return run.checks.map((c) => `${c.status.padEnd(12)} ${c.id}: ${c.summary}`).join("\n");
}

describe("the toy behind a ChatML template on llama-server", () => {
  it(
    "template, channels, tools and effort fail with evidence; --fix writes the Harmony GGUF and they pass on it",
    async () => {
      const chatml = await toyChatmlModelPath();
      const server = await serve(chatml);
      const before = await doctorAt(server, chatml);
      console.log(`ChatML toy on llama-server:\n${show(before)}`);
      const checks = byId(before);
      for (const id of ["template", "channels", "tools", "effort"])
        expect(checks[id]?.status, id).toBe("fail");
      expect(checks.template?.summary).toMatch(/chatml, not Harmony.*; first difference at token 0/);
      expect(checks.template?.evidence.firstDifference).toMatchObject({ index: 0 });
      expect(checks.channels?.summary).toMatch(/did not parse Harmony/);
      expect(checks.effort?.evidence.medians).toBeDefined();
      expect(checks.template?.fix?.kind).toBe("gguf-harmony-template");
      expect(before.verdict).toBe("problems");

      const temp = tempDir("overtone-doctor-");
      try {
        const out = temp.dir;
        const applied = await applyFixes(before.checks, before.resolved, out);
        const fixed = applied.find((f) => f.kind === "gguf-harmony-template");
        expect(fixed?.files).toEqual([join(out, harmonyGgufName(chatml))]);
        const file = fixed?.files[0] as string;
        expect((await readGgufFacts(file)).templateKind).toBe("harmony");
        expect((await stat(chatml)).isFile()).toBe(true); // never modified in place: the input is still ChatML
        expect((await readGgufFacts(chatml)).templateKind).toBe("chatml");
        expect(fixed?.command).toContain(`--out ${out}/`);

        const after = await rerunFixed(before, file, async (gguf) => {
          const fixedServer = await serve(gguf);
          return {
            target: { kind: "openai-compatible", root: fixedServer.baseURL, gguf },
            backend: createOpenAICompatible({ baseURL: fixedServer.baseURL }),
            close: () => fixedServer.stop(),
          };
        });
        console.log(`after --fix (llama-server on the repaired copy):\n${show(after)}`);
        const rerun = byId(after);
        expect(Object.keys(rerun).sort()).toEqual([
          "channels",
          "effort",
          "reachable",
          "sampling",
          "template",
          "tools",
        ]);
        for (const id of ["template", "channels", "tools", "effort"])
          expect(rerun[id]?.status, `${id}: ${rerun[id]?.summary}`).toBe("pass");
      } finally {
        temp.remove();
      }
    },
    LLAMA_SERVER_BUILD_TIMEOUT_MS + 300_000,
  );
});

describe("the toy with its Harmony template on llama-server, started with gpt-oss's sampling", () => {
  it(
    "every probe passes",
    async () => {
      const toy = await toyModelPath();
      expect(classifyChatTemplate((await readGgufFacts(toy)).template)).toBe("harmony");
      const server = await serve(toy, ["--temp", "1.0", "--top-p", "1.0", "--top-k", "0", "--min-p", "0"]);
      const run = await doctorAt(server);
      console.log(`Harmony toy on llama-server:\n${show(run)}`);
      const checks = byId(run);
      for (const id of [
        "reachable",
        "model-family",
        "template",
        "sampling",
        "context",
        "channels",
        "effort",
        "tools",
        "structured-output",
      ]) {
        expect(checks[id]?.status, `${id}: ${checks[id]?.summary}`).toBe("pass");
      }
      expect(checks["generate-route"]?.status).toBe("skipped");

      // Its template renders a whole tool round trip (call with analysis, result, answer asked) token for token
      // as Overtone does, where the official template double-encodes the result (the next test).
      const roundTrip = conversation([
        ...askConversation("What's the weather in Paris?", [WEATHER_TOOL]).messages,
        message("assistant", '{"location":"Paris"}', {
          channel: "commentary",
          recipient: "functions.get_weather",
          content_type: "<|constrain|>json",
        }),
        toolResult("functions.get_weather", '{"temperature":18,"sky":"cloudy"}'),
      ]);
      const context = {
        target: { kind: "openai-compatible", root: server.baseURL },
      } as unknown as ProbeContext;
      expect(await serverRenderingDifference(context, roundTrip)).toBeUndefined();
    },
    LLAMA_SERVER_BUILD_TIMEOUT_MS + 300_000,
  );
});

describe("the toy behind the official gpt-oss template on llama-server", () => {
  it(
    "tools warns: calls valid, results unused, the round trip double-encoded (llama.cpp#19520); the fix is the GGUF",
    async () => {
      const official = await toyOfficialModelPath();
      const server = await serve(official);
      const run = await doctorAt(server, official);
      console.log(`toy with the official template on llama-server:\n${show(run)}`);
      const checks = byId(run);
      expect(checks.template?.status).toBe("pass"); // a plain conversation renders exactly
      const tools = checks.tools;
      expect(tools?.status).toBe("warn");
      expect(tools?.evidence.validCalls).toBe(tools?.evidence.of);
      expect(tools?.evidence.resultsUsed).toBe(0);
      expect(tools?.summary).toMatch(/encoded a second time.*llama\.cpp#19520/);
      expect(tools?.fix?.kind).toBe("gguf-harmony-template");
    },
    LLAMA_SERVER_BUILD_TIMEOUT_MS + 300_000,
  );
});

describe("the tiny model (random weights) on llama-server", () => {
  it(
    "template passes; behavioural probes are inconclusive, never a pass",
    async () => {
      const tiny = await tinyModelPath();
      const server = await serve(tiny);
      const run = await doctorAt(server);
      console.log(`tiny model on llama-server:\n${show(run)}`);
      const checks = byId(run);
      expect(checks.template?.status).toBe("pass");
      for (const id of BEHAVIOURAL) {
        expect(checks[id]?.status, `${id}: ${checks[id]?.summary}`).toBe("inconclusive");
        expect(checks[id]?.summary).toMatch(/not language/);
      }
    },
    LLAMA_SERVER_BUILD_TIMEOUT_MS + 300_000,
  );
});

describe("overtone doctor --llama-server (the doctor starts the server itself)", () => {
  it(
    "--fix on the ChatML toy: the server started on the repaired copy, before → after printed",
    async () => {
      const chatml = await toyChatmlModelPath();
      const temp = tempDir("overtone-doctor-cli-");
      try {
        const args = [
          "doctor",
          "--llama-server",
          await llamaServerBinary(),
          "--gguf",
          chatml,
          "--fix",
          "--out",
          temp.dir,
        ];
        const result = await runCliAsync(args);
        console.log(result.stdout);
        expect(result.stdout).toMatch(/FAIL {2}template {10}llama-server's template is chatml/);
        expect(result.stdout).toMatch(/wrote .*-chatml-harmony\.gguf/);
        for (const id of ["template", "channels", "effort"]) {
          expect(result.stdout).toMatch(new RegExp(`^ {2}${id} +fail → pass `, "m"));
        }
        expect(result.stdout).toMatch(/^ {2}tools +fail → pass /m);
        expect(result.status).toBe(1);
      } finally {
        temp.remove();
      }
    },
    LLAMA_SERVER_BUILD_TIMEOUT_MS + 600_000,
  );
});
