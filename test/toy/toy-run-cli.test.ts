/**
 * The demo, as a user types it: `overtone run --model toy --json --tools weather.json "What's the weather
 * in Paris?"` shows analysis, a tool call with the city in its arguments, and `finish` with reason `tool-calls`.
 * At gpt-oss's own temperature (1) with a few seeds, and greedy.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { TEST_MODEL_DIR } from "../support/tiny-models.js";

const WEATHER = fileURLToPath(new URL("../../examples/tools/weather.json", import.meta.url));
// The same cache the other toy tests unpack into, so the model is unpacked once per machine.
const env = { OVERTONE_CACHE: join(TEST_MODEL_DIR, "toy-cache"), OVERTONE_OFFLINE: "1" };

function run(...extra: string[]) {
  const args = ["run", "--model", "toy", "--json", "--tools", WEATHER, "--threads", "1", ...extra];
  const result = runCli([...args, "What's the weather in Paris?"], undefined, env);
  expect(result.stderr).not.toMatch(/overtone: /);
  expect(result.status).toBe(0);
  return result.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { type: string; reason?: string; recipient?: string; delta?: string });
}

describe("overtone run --model toy --tools weather.json", () => {
  for (const sampling of [
    ["--seed", "1"],
    ["--seed", "2"],
    ["--seed", "3"],
    ["--temperature", "0"],
  ]) {
    it(`thinks, calls get_weather for Paris and finishes with tool-calls (${sampling.join(" ")})`, () => {
      const parts = run(...sampling);
      const kinds = parts.map((p) => p.type).filter((t) => !t.endsWith("-delta"));
      expect(kinds).toEqual(["analysis-start", "analysis-end", "tool-call-start", "tool-call-end", "finish"]);
      expect(parts.find((p) => p.type === "tool-call-start")?.recipient).toBe("functions.get_weather");
      const args = parts
        .filter((p) => p.type === "tool-call-delta")
        .map((p) => p.delta)
        .join("");
      expect(JSON.parse(args)).toMatchObject({ location: "Paris" });
      expect(parts.at(-1)).toMatchObject({ type: "finish", reason: "tool-calls" });
    }, 60_000);
  }
});
