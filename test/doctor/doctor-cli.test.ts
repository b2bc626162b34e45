/**
 * `overtone doctor` as a user runs it (the built CLI): the tiny model in the embedded engine (random weights —
 * the behaviour is inconclusive, never a pass, and the doctor says the engine renders Harmony itself), `--json`'s
 * shape, the exit statuses (1 problems, 2 could not run), and flags refused with a reason.
 */
import { describe, expect, it } from "vitest";
import { runCli, runCliAsync } from "../cli/run-cli.js";
import { startReplayServer } from "../replay/replay-server.js";
import { tinyModelPath } from "../support/tiny-models.js";

interface JsonReport {
  target: string;
  checks: { id: string; status: string; summary: string; evidence: Record<string, unknown>; fix: unknown }[];
  verdict: string;
}

describe("overtone doctor (embedded, tiny model)", () => {
  it("--json: { target, checks, verdict }; template passes; behavioural probes inconclusive, never pass", async () => {
    const tiny = await tinyModelPath();
    const result = await runCliAsync(["doctor", "--gguf", tiny, "--json", "--tries", "1"]);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(Object.keys(report)).toEqual(expect.arrayContaining(["target", "checks", "verdict"]));
    expect(report.target).toContain(tiny);
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    for (const check of report.checks)
      expect(Object.keys(check)).toEqual(
        expect.arrayContaining(["id", "status", "summary", "evidence", "fix"]),
      );
    expect(byId.template?.status).toBe("pass");
    expect(byId.template?.evidence.renderedBy).toMatch(/Overtone/);
    for (const id of ["channels", "tools", "effort", "structured-output"]) {
      expect(byId[id]?.status, `${id}: ${byId[id]?.summary}`).toBe("inconclusive");
    }
    expect(byId["generate-route"]?.status).toBe("skipped");
    // A model whose behaviour cannot be judged is not a healthy set-up.
    expect(report.verdict).toBe("problems");
    expect(result.status).toBe(1);
  }, 120_000);

  it("a model file that is not there: reachable fails, the rest are skipped, exit 2", () => {
    const result = runCli(["doctor", "--gguf", "/nonexistent/model.gguf"]);
    expect(result.stdout).toMatch(/FAIL {2}reachable {9}cannot reach the embedded backend/);
    expect(result.stdout).toMatch(/SKIP {2}template {10}could not run/);
    expect(result.stdout).toMatch(/verdict: could not run/);
    expect(result.status).toBe(2);
  });
});

describe("overtone doctor against a server", () => {
  it("nothing listening: exit 2 with the reason, no colour when not on a terminal", async () => {
    const server = await startReplayServer();
    const url = server.url;
    await server.close();
    const result = await runCliAsync([
      "doctor",
      "--backend",
      "ollama",
      "--url",
      url,
      "--model",
      "gpt-oss:20b",
    ]);
    expect(result.stdout).toMatch(/FAIL {2}reachable/);
    expect(result.stdout).toMatch(/fix: start the server, or pass its address with --url/);
    expect(result.stdout).not.toContain("\u001b[");
    expect(result.status).toBe(2);
  });

  it("refuses --fix without --out, and an unknown probe, naming the flag", () => {
    const noOut = runCli(["doctor", "--model", "tiny", "--fix"]);
    expect(noOut.stderr).toMatch(/--fix needs --out/);
    expect(noOut.status).toBe(1);
    const unknown = runCli(["doctor", "--model", "tiny", "--only", "channels,telepathy"]);
    expect(unknown.stderr).toMatch(/--only: unknown probe "telepathy"/);
    expect(unknown.status).toBe(1);
  });
});
