/**
 * The ladder file (bench-run/ladder-file.ts): defaults filled in, suite files resolved against the ladder's
 * folder, and every mistake refused up front as one ConfigError naming the file and the key path.
 */
import { hostname } from "node:os";
import { ConfigError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { parseLadder } from "../../packages/overtone/src/bench-run/ladder-file.js";

const FILE = "/ladders/ladder.yaml";
const minimal = [
  "exp_id: e1",
  "suites: [smoke, {file: suites/mine.yaml}]",
  "models:",
  "  - { name: toy, backend: embedded, model: toy }",
];

function refusal(lines: readonly string[]): string {
  try {
    parseLadder(lines.join("\n"), FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the ladder was accepted");
}

describe("parseLadder", () => {
  it("fills in the defaults and resolves suite files against the ladder's folder", () => {
    const ladder = parseLadder(minimal.join("\n"), FILE);
    expect(ladder).toMatchObject({
      expId: "e1",
      device: hostname(),
      repetitions: 5,
      warmup: 1,
      concurrency: 1,
      callTimeoutMs: 600_000,
    });
    expect(ladder.maxTokens).toBeUndefined();
    expect(ladder.suites).toEqual([{ name: "smoke" }, { file: "/ladders/suites/mine.yaml" }]);
    expect(ladder.models).toEqual([
      { name: "toy", backend: "embedded", model: "toy", harmony: true, params: {} },
    ]);
  });

  it("reads every backend's fields and the params", () => {
    const ladder = parseLadder(
      [
        ...minimal,
        "  - name: llama",
        "    backend: ollama",
        '    model: "llama3.2:3b"',
        "    harmony: false",
        "    params: { temperature: 0.2, top_p: 0.9, seed: 3, max_tokens: 64, route: chat }",
        "  - { name: gw, backend: gateway, url: http://127.0.0.1:9000/v1, params: { effort: low } }",
      ].join("\n"),
      FILE,
    );
    expect(ladder.models[1]).toMatchObject({
      backend: "ollama",
      harmony: false,
      params: { temperature: 0.2, topP: 0.9, seed: 3, maxTokens: 64, route: "chat" },
    });
    expect(ladder.models[2]).toMatchObject({ url: "http://127.0.0.1:9000/v1", params: { effort: "low" } });
  });

  it.each([
    [["exp_id: e1", "suites: [smoke]", "models: []"], `${FILE}: models lists no model`],
    [[...minimal, "repetition: 3"], `${FILE}: repetition is not a known key`],
    [[...minimal.slice(1)], `${FILE}: exp_id is missing`],
    [[...minimal, "warmup: -1"], `${FILE}: warmup must be a whole number ≥ 0, not -1`],
    [
      [...minimal, "  - { name: toy, backend: embedded, model: tiny }"],
      `${FILE}: models[1].name repeats "toy"`,
    ],
    [[...minimal, "  - { name: x, backend: ollamma, model: m }"], `${FILE}: models[1].backend is "ollamma"`],
    [[...minimal, "  - { name: x, backend: ollama }"], `${FILE}: models[1].model is missing`],
    [[...minimal, "  - { name: x, backend: gateway }"], `${FILE}: models[1].url is missing`],
    [
      [...minimal, "  - { name: x, backend: embedded, model: toy, url: http://h:1 }"],
      `${FILE}: models[1].url is set`,
    ],
    [
      [...minimal, "  - { name: x, backend: embedded, model: toy, harmony: false }"],
      "models[1].harmony is false",
    ],
    [
      [...minimal, "  - { name: x, backend: vllm, params: { top_p: 3 } }"],
      "models[1].params.top_p must be a number from 0 to 1, not 3",
    ],
    [
      [...minimal, "  - { name: x, backend: vllm, params: { effort: max } }"],
      'models[1].params.effort is "max"',
    ],
    [
      [...minimal, "  - { name: x, backend: vllm, params: { temp: 1 } }"],
      "models[1].params.temp is not a known key",
    ],
    [
      ["exp_id: e1", "suites: [{path: x.yaml}]", ...minimal.slice(2)],
      `${FILE}: suites[0].path is not a known key`,
    ],
    [["exp_id: [e1"], `${FILE}: not valid YAML`],
    [[...minimal, "grader: { backend: ollama }"], `${FILE}: grader.model is missing`],
    [
      [...minimal, "call_timeout_s: 0"],
      `${FILE}: call_timeout_s must be a number from 0.001 to 86400, not 0`,
    ],
  ])("refuses %j naming the key", (lines, message) => {
    expect(refusal(lines)).toContain(message);
  });
});
