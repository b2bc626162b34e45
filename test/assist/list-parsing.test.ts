/**
 * The tolerant parsers behind brainstorm's "exactly n" and judge's ranking: the ways real models write lists
 * (numbered in five styles, bulleted, wrapped onto indented lines, bold, JSON) read the same; text without a list
 * falls back to lines, then sentences; a ranking is read from its `Ranking:` line, a line of numbers, or the
 * order a numbered list names the ideas, and what it left out is filled in and flagged.
 */
import { describe, expect, it } from "vitest";
import { suggestedCommands } from "../../packages/overtone/src/assist/assist-tasks.js";
import { parseList, parseRanking } from "../../packages/overtone/src/assist/list-parsing.js";

describe("parseList", () => {
  it.each([
    ["1. Fan\n2. Pad\n3. Shade", "numbered"],
    ["1) Fan\n2) Pad\n3) Shade", "numbered"],
    ["(1) Fan\n(2) Pad\n(3) Shade", "numbered"],
    ["**1.** Fan\n**2.** Pad\n**3.** Shade", "numbered"],
    ["Idea 1: Fan\nIdea 2: Pad\nIdea 3: Shade", "numbered"],
    ["Here are three:\n\n1. **Fan**\n2. Pad\n3. Shade\n\nHope this helps!", "numbered"],
    ["- Fan\n- Pad\n- Shade", "bulleted"],
    ["* Fan\n• Pad\n+ Shade", "bulleted"],
    ['["Fan", "Pad", "Shade"]', "json"],
    ['Sure: [{"idea": "Fan"}, {"idea": "Pad"}, {"idea": "Shade"}]', "json"],
    ["Fan\nPad\nShade", "lines"],
    ["Fan. Pad! Shade?", "sentences"],
  ])("reads %j as %s", (text, style) => {
    const parsed = parseList(text);
    expect(parsed.style).toBe(style);
    expect(parsed.items.map((item) => item.replace(/[.!?]$/, ""))).toEqual(["Fan", "Pad", "Shade"]);
  });

  it("joins an item's indented continuation lines", () => {
    expect(parseList("1. A cooling pad\n   under the laptop.\n2. A fan").items).toEqual([
      "A cooling pad under the laptop.",
      "A fan",
    ]);
  });

  it("gives nothing for blank text", () => {
    expect(parseList("  \n ").items).toEqual([]);
  });
});

describe("parseRanking", () => {
  it("reads the Ranking: line and keeps the rest as reasons", () => {
    const ranking = parseRanking("Ranking: 3, 1, 2\n3: cheapest\n1: works\n2: risky", 3);
    expect(ranking).toEqual({ order: [2, 0, 1], parsedOk: true, reasons: "3: cheapest\n1: works\n2: risky" });
  });

  it("reads a line of numbers when there is no Ranking: label", () => {
    expect(parseRanking("Best first: 2 > 3 > 1", 3).order).toEqual([1, 2, 0]);
  });

  it("reads the order a numbered list names the ideas", () => {
    expect(parseRanking("1. Idea 2 is best.\n2. Idea 1 next.\n3. Idea 3 last.", 3)).toMatchObject({
      order: [1, 0, 2],
      parsedOk: true,
    });
  });

  it("fills in ideas it never placed, in their order, and says so", () => {
    expect(parseRanking("Ranking: 3, 3, 9", 4)).toMatchObject({ order: [2, 0, 1, 3], parsedOk: false });
    expect(parseRanking("no idea which is best", 2)).toEqual({
      order: [0, 1],
      parsedOk: false,
      reasons: "no idea which is best",
    });
  });
});

describe("suggestedCommands", () => {
  it("lists the allowlisted commands in backticks, each runnable or refused with the reason", () => {
    const steps = parseList(
      [
        "1. Check the link: `ip addr show dev wlan0` and `iw dev wlan0 link`.",
        "2. Look at the resolver: `cat /etc/resolv.conf`, then `ip addr show dev wlan0` again.",
        "3. RISK: bring it up with `ip link set wlan0 up` (changes the link).",
        "4. RISK: `sudo systemctl restart NetworkManager` restarts the network; `wlan0` is the interface.",
      ].join("\n"),
    ).items;
    expect(suggestedCommands(steps)).toEqual([
      { command: "ip addr show dev wlan0", runnable: true, reason: expect.stringMatching(/^allowed: ip /) },
      { command: "iw dev wlan0 link", runnable: true, reason: expect.stringMatching(/^allowed: iw /) },
      { command: "cat /etc/resolv.conf", runnable: true, reason: expect.stringMatching(/^allowed: cat /) },
      {
        command: "ip link set wlan0 up",
        runnable: false,
        reason: expect.stringContaining("refused: ip link may be followed by show"),
      },
    ]);
  });
});
