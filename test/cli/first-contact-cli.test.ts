/**
 * The rough edges a first-time user hit (issue 13, finding 7), through the built CLI: `--version`, `toy` in help
 * and in `models pull` with the right verb, a hint before waiting on a terminal's stdin (in a pty, via util-linux
 * `script`), the hint to add `--from text`, flag words in parse errors, grammar, tool names and parameters.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const BIN = fileURLToPath(new URL("../../packages/overtone/bin/overtone.js", import.meta.url));
const SCRIPT = "/usr/bin/script";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "overtone-first-contact-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Exit 1 and one line on stderr, returned. */
function failsWithOneLine(args: string[], input?: string): string {
  const result = runCli(args, input);
  expect(result.stderr.trimEnd().split("\n"), result.stderr).toHaveLength(1);
  expect(result.status).toBe(1);
  return result.stderr;
}

describe("version and models", () => {
  it("--version prints the main package's version", () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../../packages/overtone/package.json", import.meta.url), "utf8"),
    ) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const result = runCli([flag]);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it("toy is offered by --model and by models pull", () => {
    expect(runCli(["run", "--help"]).stdout).toMatch(/--model <model>[\s\S]*\btoy\b/);
    expect(runCli(["models", "pull", "--help"]).stdout).toMatch(/unpack toy/);
  });

  it("models pull says made for tiny and unpacked for toy, never downloaded; then already cached", () => {
    const env = { OVERTONE_CACHE: join(dir, "cache") };
    const tiny = runCli(["models", "pull", "tiny"], undefined, env);
    expect(tiny.status).toBe(0);
    expect(tiny.stdout).toMatch(/^tiny: made \(random weights, generated here\), [\d.]+ MiB at /);
    const toy = runCli(["models", "pull", "toy"], undefined, env);
    expect(toy.status).toBe(0);
    expect(toy.stdout).toMatch(/^toy: unpacked \(shipped with Overtone\), [\d.]+ MiB at /);
    expect(runCli(["models", "pull", "toy"], undefined, env).stdout).toMatch(/^toy: already cached, /);
  });
});

describe("waiting on standard input", () => {
  // In a pty (util-linux `script`), stdin is a terminal: a hint comes before the wait. `script` gets EOF from
  // /dev/null and passes it on as Ctrl-D, so the command ends.
  it.runIf(existsSync(SCRIPT))("says what it waits for when stdin is a terminal", () => {
    for (const [args, what] of [
      ["harmony render", "a Conversation JSON"],
      ["harmony parse --from text", "Harmony text"],
      ["run --backend openai --url http://127.0.0.1:65534/v1", "the prompt"],
    ]) {
      const command = `${process.execPath} ${BIN} ${args}`;
      // Each ends in an error (nothing was typed), which is not what is checked here.
      const out = spawnSync(SCRIPT, ["-qc", command, "/dev/null"], {
        input: "",
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(out.stdout).toContain(
        `overtone: reading ${what} from the terminal; end it with Ctrl-D, or pass a file`,
      );
    }
  });

  it("stays silent when stdin is a pipe", () => {
    const result = runCli(["harmony", "parse", "--from", "text"], "<|channel|>final<|message|>hi<|end|>");
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
  });
});

describe("harmony parse speaks in flags", () => {
  it("text given as tokens gets the hint to add --from text", async () => {
    const file = join(dir, "completion.txt");
    await writeFile(file, "<|start|>assistant<|message|>hi<|end|>");
    expect(failsWithOneLine(["harmony", "parse", file])).toMatch(/is not a token id \(.*add --from text/);
  });

  it("says --lenient and --role, not the library's strict: false and role: 'assistant'", () => {
    const stray = failsWithOneLine(
      ["harmony", "parse", "--from", "text", "--role", "none"],
      "<|start|>user<|message|>x<|end|><|channel|>final",
    );
    expect(stray).toMatch(/--lenient recovers/);
    expect(stray).not.toMatch(/strict/);
    const reply = failsWithOneLine(
      ["harmony", "parse", "--from", "text", "--role", "none"],
      "<|channel|>final<|message|>hi<|end|>",
    );
    expect(reply).toMatch(/begins with <\|channel\|>: pass --role assistant\)/);
    expect(reply).not.toMatch(/after the first/);
    const header = failsWithOneLine(
      ["harmony", "parse", "--from", "text", "--role", "none"],
      "<|start|>assistant",
    );
    expect(header).toMatch(/pass --role assistant instead/);
  });

  it("on text whose special tokens were stripped, points to --lenient, not to the --role it already uses", async () => {
    const file = join(dir, "stripped.txt");
    await writeFile(file, "analysisUser asks 2+2.assistantfinal2 + 2 = 4");
    const stripped = failsWithOneLine(["harmony", "parse", file, "--from", "text"]);
    expect(stripped).toMatch(/--lenient puts them back/);
    expect(stripped).not.toMatch(/--role|recoverStrippedTokens/);
    expect(runCli(["harmony", "parse", file, "--from", "text", "--lenient"]).status).toBe(0);
  });
});

describe("conversation and tool errors read as sentences", () => {
  it("an unknown role is quoted, a missing one is missing", () => {
    const unknown = failsWithOneLine(["harmony", "render"], '[{"role":"bob","content":"x"}]');
    expect(unknown).toMatch(/messages\[0\]\.role: unknown role "bob" \(use one of/);
    const missing = failsWithOneLine(["harmony", "render"], '[{"content":"x"}]');
    expect(missing).toMatch(/messages\[0\]\.role: is missing \(use one of/);
    const content = failsWithOneLine(["harmony", "render"], '[{"role":"user","content":7}]');
    expect(content).toMatch(/found a number/);
    expect(content).not.toMatch(/\ba (undefined|object|array)/);
  });

  it("--tools rejects a name that is no identifier and parameters that are no object, by JSON path", async () => {
    const spaced = join(dir, "spaced.json");
    await writeFile(spaced, JSON.stringify([{ name: "get weather", description: "d" }]));
    expect(failsWithOneLine(["run", "--tools", spaced, "hi"])).toMatch(
      /spaced\.json\[0\]\.name: "get weather" is not a valid tool name \(use letters, digits and _/,
    );
    const params = join(dir, "params.json");
    await writeFile(
      params,
      JSON.stringify({ tools: [{ type: "function", function: { name: "f", parameters: "not an object" } }] }),
    );
    expect(failsWithOneLine(["run", "--tools", params, "hi"])).toMatch(
      /params\.json\[0\]\.parameters: expected a JSON Schema object, found the string "not an object"/,
    );
  });

  it("harmony render checks the tools of a developer message the same way", () => {
    const tools = (tool: object) =>
      JSON.stringify([
        {
          role: "developer",
          content: [
            { type: "developer_content", tools: { functions: { name: "functions", tools: [tool] } } },
          ],
        },
      ]);
    expect(failsWithOneLine(["harmony", "render"], tools({ name: "1st", description: "d" }))).toMatch(
      /tools\.functions\.tools\[0\]\.name: "1st" is not a valid tool name/,
    );
    expect(
      failsWithOneLine(["harmony", "render"], tools({ name: "f", description: "d", parameters: [1] })),
    ).toMatch(/tools\[0\]\.parameters: expected a JSON Schema object, found an array/);
  });
});
