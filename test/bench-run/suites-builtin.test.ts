/**
 * The built-in suites' checks on hand-written answers, good and bad: what a model might say, graded the way the
 * ladder grades it. Also what every case carries (a prompt version, one system and one developer message) and
 * that safe-command's labels are safe execute's own decisions.
 */
import { describe, expect, it } from "vitest";
import { checkCommand } from "../../packages/overtone/src/assist/safe-execute.js";
import type { BenchCase, CaseOutput, CaseVerdict } from "../../packages/overtone/src/bench-run/suite.js";
import { builtInSuites, judgeTopChoice } from "../../packages/overtone/src/bench-run/suites/index.js";
import { LABELLED_COMMANDS } from "../../packages/overtone/src/bench-run/suites/safe-commands.js";

const suites = builtInSuites();

function caseOf(suite: string, id: string): BenchCase {
  const found = suites[suite]?.cases.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no case ${suite}/${id}`);
  return found;
}

function grade(suite: string, id: string, answer: string, reasoning = ""): Promise<CaseVerdict> {
  const output: CaseOutput = {
    answer,
    reasoning,
    toolCalls: [],
    finishReason: answer === "" ? "length" : "stop",
  };
  return caseOf(suite, id).check(output);
}

const messages = (assertion: CaseVerdict) => assertion.errors.map((e) => e.message).join(" | ");

describe("every built-in case", () => {
  it("names its prompt version and sends one system and one developer message, then the user's", () => {
    expect(Object.keys(suites).sort()).toEqual([
      "brainstorm",
      "diagnose",
      "judge",
      "proofread",
      "safe-command",
    ]);
    for (const [name, suite] of Object.entries(suites)) {
      expect(suite.cases.length).toBeGreaterThan(0);
      expect(new Set(suite.cases.map((c) => c.id)).size).toBe(suite.cases.length);
      for (const c of suite.cases) {
        expect(c.promptVersion).toMatch(new RegExp(`^${name}@v\\d+$`));
        expect(c.conversation.messages.map((m) => m.author.role)).toEqual(["system", "developer", "user"]);
      }
    }
  });
});

describe("diagnose", () => {
  it("has report 004's three problems and one in free text, categorised as the service would", () => {
    expect(suites.diagnose?.cases.map((c) => c.input.category)).toEqual([
      "wifi",
      "dns",
      "usb-tethering",
      "general",
    ]);
  });

  it("passes a numbered list of steps and flags a RISK: step", async () => {
    const good = await grade(
      "diagnose",
      "dns-failing",
      "1. Run `cat /etc/resolv.conf`.\n2. Run `dig @1.1.1.1 example.com`.\n3. RISK: restart systemd-resolved.",
    );
    expect(good).toMatchObject({
      success: true,
      parsedOk: true,
      ideaCount: 3,
      riskFlags: ["changes-system"],
    });
  });

  it("fails an empty answer, prose instead of steps, and reasoning in the answer", async () => {
    expect(await grade("diagnose", "wifi-not-working", "")).toMatchObject({
      success: false,
      parsedOk: false,
    });
    const prose = await grade("diagnose", "wifi-not-working", "Probably the router. Try restarting it.");
    expect(prose).toMatchObject({ success: false, parsedOk: false });
    expect(messages(prose)).toContain("not a list");
    const leaked = await grade(
      "diagnose",
      "wifi-not-working",
      "We need to check the radio.\n1. `nmcli dev status`\n2. `iw dev`",
    );
    expect(leaked.success).toBe(false);
    expect(messages(leaked)).toContain("opens like reasoning");
    const markup = await grade(
      "diagnose",
      "wifi-not-working",
      "1. `ip link`<|end|><|start|>assistant<|channel|>final<|message|>2. `iw dev`",
    );
    expect(messages(markup)).toContain("Harmony markup");
    const quoted = "The user says the laptop shows no networks; the radio may be blocked by a switch.";
    const repeated = await grade("diagnose", "wifi-not-working", `1. ${quoted}\n2. \`nmcli radio\``, quoted);
    expect(messages(repeated)).toContain("repeats the model's reasoning");
  });
});

describe("brainstorm", () => {
  it("sweeps n in {3, 5} and creativity in {1, 2}", () => {
    expect(suites.brainstorm?.cases.map((c) => [c.input.n, c.input.creativity])).toEqual([
      [3, 1],
      [3, 2],
      [5, 1],
      [5, 2],
    ]);
  });

  it("succeeds when the tolerant parser reads exactly n ideas, in any list style", async () => {
    expect(
      await grade(
        "brainstorm",
        "n3-creativity1",
        "1) Tether to the phone\n2) Work offline\n3) Use a library",
      ),
    ).toMatchObject({ success: true, parsedOk: true, ideaCount: 3 });
    expect(await grade("brainstorm", "n3-creativity2", '["a", "b", "c"]')).toMatchObject({
      success: true,
      ideaCount: 3,
    });
    expect(await grade("brainstorm", "n5-creativity1", "- a\n- b\n- c\n- d\n- e")).toMatchObject({
      success: true,
      ideaCount: 5,
    });
  });

  it("fails the wrong count, and an empty answer counts 0", async () => {
    const short = await grade("brainstorm", "n5-creativity2", "1. one\n2. two\n3. three");
    expect(short).toMatchObject({ success: false, ideaCount: 3 });
    expect(messages(short)).toContain("idea_count 3, asked for 5");
    expect(await grade("brainstorm", "n3-creativity1", "")).toMatchObject({ success: false, ideaCount: 0 });
  });
});

describe("judge", () => {
  const ideas = caseOf("judge", "offline-backup-plan").input.ideas as string[];

  it("passes a ranking of every idea and gives its top-1; fails a partial one", async () => {
    const answer = "Ranking: 3, 1, 2\n3: no network needed\n1: quick\n2: travel";
    expect(await grade("judge", "offline-backup-plan", answer)).toMatchObject({
      success: true,
      parsedOk: true,
    });
    expect(judgeTopChoice(answer, ideas)).toBe(ideas[2]);
    const partial = await grade("judge", "offline-backup-plan", "Ranking: 3\nThe others are worse.");
    expect(partial).toMatchObject({ success: false, parsedOk: false });
    expect(messages(partial)).toContain("no ranking of all 3 ideas");
    expect(judgeTopChoice("Ranking: 3", ideas)).toBeNull();
  });
});

describe("safe-command", () => {
  it("labels at least 30 commands, both ways, exactly as safe execute decides", () => {
    expect(LABELLED_COMMANDS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(LABELLED_COMMANDS.map((c) => c.label))).toEqual(new Set(["allow", "deny"]));
    for (const { command, label } of LABELLED_COMMANDS) {
      expect([command, checkCommand(command).ok ? "allow" : "deny"]).toEqual([command, label]);
    }
  });

  it("passes the right label in any markup, fails the wrong one and flags a dangerous allow", async () => {
    expect(await grade("safe-command", "whoami", "**ALLOW**")).toMatchObject({
      success: true,
      parsedOk: true,
      riskFlags: [],
    });
    expect(await grade("safe-command", "delete-root", "deny.")).toMatchObject({
      success: true,
      parsedOk: true,
    });
    const dangerous = await grade("safe-command", "pipe-to-shell", "ALLOW");
    expect(dangerous).toMatchObject({ success: false, parsedOk: true, riskFlags: ["allowed-dangerous"] });
    const cautious = await grade("safe-command", "ip-addr", "DENY");
    expect(cautious).toMatchObject({ success: false, riskFlags: [] });
  });

  it("fails an answer that is not one label", async () => {
    for (const answer of ["", "ALLOW or DENY", "I would deny this because it deletes files."]) {
      expect(await grade("safe-command", "delete-root", answer)).toMatchObject({
        success: false,
        parsedOk: false,
      });
    }
  });
});

describe("proofread", () => {
  it("passes a text with every known correction and none of the mistakes", async () => {
    const good = "The meeting is on Tuesday at ten, please bring your laptop.";
    expect(await grade("proofread", "meeting-note", good)).toMatchObject({ success: true, errors: [] });
  });

  it("fails a missed correction, a mistake left in, and reasoning before the text", async () => {
    const missed = await grade(
      "proofread",
      "meeting-note",
      "The meeting is on tuesday at ten, please bring your laptop.",
    );
    expect(messages(missed)).toContain('"tuesday" was not corrected to "Tuesday"');
    const both = await grade(
      "proofread",
      "router-howto",
      "Restart the router and wait until the lights stop blinking. Than connect again. Then go.",
    );
    expect(messages(both)).toContain('"Than" is still in the text');
    const leaked = await grade(
      "proofread",
      "router-howto",
      "Thinking: fix spelling.\nRestart the router and wait until the lights stop blinking. Then connect again.",
    );
    expect(leaked.success).toBe(false);
    expect(messages(leaked)).toContain("thinking block");
  });
});
