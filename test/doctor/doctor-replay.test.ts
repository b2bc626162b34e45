/**
 * The doctor on replays of recorded (and derived) Ollama traffic (test/fixtures/wire/; each file's header names
 * its source): the seed failures it must name — a ChatML template (field report 000), `/api/generate` answering
 * `response: ""` while `thinking` is full (report 004), the context cutting the analysis (`done_reason:
 * length`), effort that changes nothing, a 500 on the model's tool call — and what it does when a probe cannot
 * run (the backend gone mid-way, the model missing, nothing listening). Probes run one at a time here, so the
 * replay server's per-path queues answer in a known order.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createOllama, createOpenAICompatible } from "../../packages/overtone/src/backends/index.js";
import { applyFixes, type Check, type ProbeId, runDoctor } from "../../packages/overtone/src/doctor/index.js";
import { KNOWN_QUESTION } from "../../packages/overtone/src/doctor/template-compare.js";
import { parseGatewayConfig } from "../../packages/overtone/src/gateway/config.js";
import { LLAMA_SWAP } from "../replay/llama-swap.js";
import { recorded, replay } from "../replay/replay-kit.js";
import { type ReplayRoute, startReplayServer } from "../replay/replay-server.js";
import { tempDir } from "../support/gguf-samples.js";

const MODEL = "gpt-oss:120b";
const TAGS = () =>
  recorded("105-ollama-derived-api-tags-gptoss.txt", 0, { path: "/api/tags", method: "GET" });
const VERSION = () => recorded("014-ollama-api-version.txt", 0, { path: "/api/version", method: "GET" });
const SHOW_HEALTHY = () =>
  recorded("007-ollama-api-show-gptoss.txt", 0, { path: "/api/show", method: "POST" });
const SHOW_CHATML = () =>
  recorded("100-ollama-derived-api-show-chatml-template.txt", 0, { path: "/api/show", method: "POST" });
const CHAT = (file: string) => recorded(file, 0, { path: "/api/chat", method: "POST" });
const GENERATE = (file: string) => recorded(file, 0, { path: "/api/generate", method: "POST" });
/** A recorded generate reply without `context` (a hosted server's). */
const NO_CONTEXT = "006-ollama-api-generate-nonstream-thinking.txt";

async function doctorOn(only: ProbeId[], routes: ReplayRoute[], model: string | undefined = MODEL) {
  const server = await replay(VERSION(), ...routes);
  const backend = createOllama({ baseURL: server.url });
  const report = await runDoctor({
    target: { kind: "ollama", root: server.url, ...(model !== undefined ? { model } : {}) },
    backend,
    only,
    tries: 1,
    concurrency: 1,
  });
  await backend.close();
  const check = (id: ProbeId) => report.checks.find((c) => c.id === id) as Check;
  return { report, check, server };
}

describe("seed failures on Ollama replays", () => {
  it("a ChatML template (report 000): template fails, the fix is a Modelfile and its ollama create line", async () => {
    // No recording shows the prompt tokens of a ChatML-templated gpt-oss: the generate reply carries no context.
    const { check, report } = await doctorOn(["template"], [TAGS(), SHOW_CHATML(), GENERATE(NO_CONTEXT)]);
    expect(check("reachable").status).toBe("pass");
    expect(check("reachable").summary).toMatch(/is up \(Ollama 0\.34\.4\)/);
    const template = check("template");
    expect(template.status).toBe("fail");
    expect(template.summary).toMatch(/chatml, not Harmony.*report 000/);
    expect(template.evidence.serverRendering).toMatch(/no context in the reply/);
    expect(template.fix?.kind).toBe("ollama-modelfile");
    expect(template.fix?.command).toMatch(/^cd OUT && ollama create gpt-oss-harmony -f Modelfile$/);
    expect(template.fix?.files?.Modelfile).toMatch(/^FROM gpt-oss:20b$/m);
    expect(template.fix?.files?.Modelfile).not.toMatch(/^TEMPLATE/m);
    expect(report.verdict).toBe("problems");
  });

  it("a model whose template Ollama does not show, nor its prompt's tokens: template inconclusive, not a false pass", async () => {
    const { check } = await doctorOn(["template"], [TAGS(), SHOW_HEALTHY(), GENERATE(NO_CONTEXT)]);
    expect(check("template").status).toBe("inconclusive");
  });

  it("Ollama 0.18's prompt tokens for the known question (recorded `context`): equal to Overtone's, template passes", async () => {
    // The recording is gpt-oss:20b's; Ollama renders 20b and 120b with the same template.
    const generate = recorded("013-ollama-api-generate-context-gptoss.txt", 0, {
      path: "/api/generate",
      method: "POST",
      expect: (body) =>
        (body as { prompt?: unknown }).prompt === KNOWN_QUESTION ? undefined : "not the known question",
    });
    const { check } = await doctorOn(["template"], [TAGS(), SHOW_HEALTHY(), generate]);
    const template = check("template");
    expect(template.status, template.summary).toBe("pass");
    expect(template.summary).toMatch(
      /Ollama renders the known conversation token for token as Overtone does/,
    );
    expect(template.evidence.serverRendering).toMatch(
      /^<\|start\|>system<\|message\|>You are ChatGPT.*Current date: 2026-03-23/s,
    );
    expect(template.evidence.serverRendering).toMatch(
      /<\|start\|>user<\|message\|>What is your model\?<\|end\|><\|start\|>assistant$/,
    );
  });

  it("generate returns an empty response with full thinking (report 004): named as such", async () => {
    const { check } = await doctorOn(
      ["generate-route"],
      [
        TAGS(),
        SHOW_HEALTHY(),
        GENERATE("101-ollama-derived-api-generate-stream-length-thinking-only.txt"),
        CHAT("001-ollama-api-chat-stream-thinking.txt"),
      ],
    );
    const route = check("generate-route");
    expect(route.status).toBe("fail");
    expect(route.summary).toMatch(/generate 1\/1 empty, chat 0\/1 empty/);
    expect(route.summary).toMatch(/`response` empty while `thinking` is full in 1 \(report 004/);
    expect(route.summary).toMatch(/finish: length/);
    expect(route.evidence.generate).toMatchObject({ empty: 1, thinkingOnly: 1, of: 1 });
  });

  it("generate and chat both answering (recorded): generate-route passes", async () => {
    const { check } = await doctorOn(
      ["generate-route"],
      [
        TAGS(),
        SHOW_HEALTHY(),
        GENERATE("005-ollama-api-generate-stream-thinking.txt"),
        CHAT("001-ollama-api-chat-stream-thinking.txt"),
      ],
    );
    expect(check("generate-route").status).toBe("pass");
  });

  it("the context cuts the analysis (done_reason length, no answer): context fails naming the truncation", async () => {
    const { check } = await doctorOn(
      ["context"],
      [TAGS(), SHOW_HEALTHY(), CHAT("102-ollama-derived-api-chat-stream-length-thinking-only.txt")],
    );
    const context = check("context");
    expect(context.status).toBe("fail");
    expect(context.summary).toMatch(/truncated inside the analysis.*finish: length/);
    expect(context.fix?.files?.Modelfile).toMatch(/^PARAMETER num_ctx 8192$/m);
  });

  it("effort that changes nothing (the same recorded turn at low, medium and high): effort fails", async () => {
    const turn = "001-ollama-api-chat-stream-thinking.txt";
    const { check } = await doctorOn(
      ["effort"],
      [TAGS(), SHOW_HEALTHY(), CHAT(turn), CHAT(turn), CHAT(turn)],
    );
    const effort = check("effort");
    expect(effort.status).toBe("fail");
    expect(effort.summary).toMatch(/does not reach the model/);
    const medians = effort.evidence.medians as Record<string, number>;
    expect(medians.low).toBeGreaterThan(0);
    expect(medians.low).toBe(medians.high);
  });

  it("a 500 on the model's tool call: tools fails with the server's error, the fix puts Overtone in front", async () => {
    const { check } = await doctorOn(
      ["tools"],
      [TAGS(), SHOW_HEALTHY(), CHAT("009-ollama-api-chat-500-toolcall-parse.txt")],
    );
    const tools = check("tools");
    expect(tools.status).toBe("fail");
    expect(tools.summary).toMatch(/the server failed on the turn: .*error parsing tool call/);
    expect(tools.fix?.kind).toBe("serve-config");
  });

  it("a healthy recorded chat turn: channels passes", async () => {
    const { check } = await doctorOn(
      ["channels"],
      [TAGS(), SHOW_HEALTHY(), CHAT("001-ollama-api-chat-stream-thinking.txt")],
    );
    expect(check("channels").status).toBe("pass");
  });
});

describe("probes that cannot run", () => {
  it("nothing listening: reachable fails, every other probe is skipped saying why, verdict could-not-run", async () => {
    // Not the kit's replay(): this server is closed here, before the doctor starts.
    const server = await startReplayServer();
    const url = server.url;
    await server.close();
    const report = await runDoctor({
      target: { kind: "ollama", root: url, model: MODEL },
      backend: createOllama({ baseURL: url }),
      tries: 1,
    });
    expect(report.checks[0]).toMatchObject({ id: "reachable", status: "fail", evidence: { reached: false } });
    for (const check of report.checks.slice(1)) {
      expect(check.status).toBe("skipped");
      expect(check.summary).toMatch(/could not run|only Ollama|--quick/);
    }
    expect(report.verdict).toBe("could-not-run");
  });

  it("the model missing: reachable fails naming it, the other probes still run", async () => {
    const { check, report } = await doctorOn(
      ["template", "model-family"],
      [TAGS(), SHOW_HEALTHY()],
      "gpt-oss:20b",
    );
    expect(check("reachable").status).toBe("fail");
    expect(check("reachable").summary).toMatch(/gpt-oss:20b is not there/);
    expect(check("reachable").fix?.command).toBe("ollama pull gpt-oss:20b");
    expect(check("template").status).toBe("inconclusive");
    expect(check("model-family").status).toBe("inconclusive");
    expect(report.verdict).toBe("problems");
  });

  it("the backend gone mid-way: the probes after it say could not run, none passes", async () => {
    const server = await startReplayServer([VERSION(), TAGS(), SHOW_HEALTHY()]);
    const backend = createOllama({ baseURL: server.url });
    let closing: Promise<void> | undefined;
    const report = await runDoctor({
      target: { kind: "ollama", root: server.url, model: MODEL },
      backend,
      only: ["channels", "sampling"],
      tries: 1,
      concurrency: 1,
      onCheck: (check) => {
        if (check.id === "reachable") closing = server.close();
      },
    });
    await closing;
    expect(server.problems).toEqual([]);
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId.reachable?.status).toBe("pass");
    for (const id of ["channels", "sampling"]) {
      expect(byId[id]?.status).toBe("inconclusive");
      expect(byId[id]?.summary).toMatch(/^could not run: /);
    }
  });
});

describe("--fix on a replayed Ollama with a ChatML template", () => {
  it("writes the Modelfile and the serve config into --out, each with its command; the config is one overtone serve reads", async () => {
    const { report } = await doctorOn(
      ["template", "tools"],
      [TAGS(), SHOW_CHATML(), GENERATE(NO_CONTEXT), CHAT("009-ollama-api-chat-500-toolcall-parse.txt")],
    );
    const out = tempDir("overtone-doctor-ollama-");
    try {
      const applied = await applyFixes(report.checks, report.resolved, out.dir);
      expect(applied.map((f) => f.kind).sort()).toEqual(["ollama-modelfile", "serve-config"]);
      expect(readdirSync(out.dir).sort()).toEqual(["Modelfile", "serve.yaml"]); // no temporary file left behind
      const modelfile = applied.find((f) => f.kind === "ollama-modelfile");
      expect(modelfile?.command).toBe(`cd ${out.dir} && ollama create gpt-oss-harmony -f Modelfile`);
      expect(readFileSync(out.path("Modelfile"), "utf8")).toMatch(/^PARAMETER temperature 1$/m);
      const serve = applied.find((f) => f.kind === "serve-config");
      expect(serve?.command).toBe(`overtone serve --config ${out.dir}/serve.yaml`);
      const config = parseGatewayConfig(readFileSync(out.path("serve.yaml"), "utf8"), "serve.yaml");
      expect(config.models[0]).toMatchObject({
        name: MODEL,
        upstreams: [{ backend: "ollama", url: report.resolved.root, model: MODEL }],
      });
    } finally {
      out.remove();
    }
  });
});

describe("seed failures on an OpenAI-compatible replay", () => {
  it("tool calls never formatted (Harmony left in content): tools fails naming the text, not the recovered call", async () => {
    const server = await replay(
      // llama-swap's model list (llama-swap.ts), asked by the doctor and by the backend; no /props behind it.
      ...LLAMA_SWAP.filter((r) => r.path === "/v1/models"),
      ...LLAMA_SWAP.filter((r) => r.path === "/v1/models"),
      recorded("133-llamaserver-derived-v1-chat-stream-toolcall-in-content.txt", 0, {
        path: "/v1/chat/completions",
      }),
    );
    const report = await runDoctor({
      target: { kind: "openai-compatible", root: server.url },
      backend: createOpenAICompatible({ baseURL: server.url }),
      only: ["tools"],
      tries: 1,
      concurrency: 1,
    });
    const tools = report.checks.find((c) => c.id === "tools") as Check;
    expect(tools.status).toBe("fail");
    expect(tools.summary).toMatch(
      /returned the call as text in the answer.*Overtone recovered it: markup-in-content/,
    );
  });
});
