import { HarmonyRenderError } from "@overtone/errors";
import { describe, expect, it } from "vitest";
import { contentText, developerContentText, systemContentText } from "./render-content.js";

const CHANNELS = { valid_channels: ["analysis", "commentary", "final"], channel_required: true };

describe("systemContentText", () => {
  it("renders nothing for an all-absent system content (serde None everywhere)", () => {
    expect(systemContentText({}, true)).toBe("");
  });

  it("joins identity, cutoff and date with newlines and the sections with blank lines", () => {
    const text = systemContentText(
      {
        model_identity: "I am X.",
        knowledge_cutoff: "2024-06",
        conversation_start_date: "2025-01-02",
        reasoning_effort: "Low",
        channel_config: CHANNELS,
      },
      false,
    );
    expect(text).toBe(
      "I am X.\nKnowledge cutoff: 2024-06\nCurrent date: 2025-01-02\n\nReasoning: low\n\n" +
        "# Valid channels: analysis, commentary, final. Channel must be included for every message.",
    );
  });

  it("keeps each optional line out when its field is absent", () => {
    expect(systemContentText({ conversation_start_date: "d", reasoning_effort: "High" }, false)).toBe(
      "Current date: d\n\nReasoning: high",
    );
  });

  it("adds the function-tools line only with a non-empty channel config", () => {
    expect(systemContentText({ channel_config: CHANNELS }, true)).toBe(
      "# Valid channels: analysis, commentary, final. Channel must be included for every message.\n" +
        "Calls to these tools must go to the commentary channel: 'functions'.",
    );
    expect(systemContentText({ channel_config: { valid_channels: [], channel_required: true } }, true)).toBe(
      "",
    );
    expect(systemContentText({ reasoning_effort: "Medium" }, true)).toBe("Reasoning: medium");
  });

  it("says nothing about requiring channels when they are optional", () => {
    expect(
      systemContentText({ channel_config: { valid_channels: ["final"], channel_required: false } }, false),
    ).toBe("# Valid channels: final.");
  });

  it("puts tools between reasoning and channels, and skips an empty tools map", () => {
    const tools = { python: { name: "python", description: "Runs code.", tools: [] } };
    expect(systemContentText({ reasoning_effort: "Medium", tools, channel_config: CHANNELS }, false)).toBe(
      "Reasoning: medium\n\n# Tools\n\n## python\n\nRuns code.\n\n" +
        "# Valid channels: analysis, commentary, final. Channel must be included for every message.",
    );
    expect(systemContentText({ reasoning_effort: "Medium", tools: {} }, false)).toBe("Reasoning: medium");
  });

  it("rejects an effort that is not Low, Medium or High", () => {
    const bad = { reasoning_effort: "Extreme" } as unknown as Parameters<typeof systemContentText>[0];
    expect(() => systemContentText(bad, false)).toThrow(HarmonyRenderError);
  });
});

describe("developerContentText", () => {
  it("renders instructions under a heading, then tools", () => {
    expect(developerContentText({ instructions: "Be brief." })).toBe("# Instructions\n\nBe brief.");
    expect(developerContentText({ instructions: "" })).toBe("# Instructions\n\n");
    expect(developerContentText({})).toBe("");
    expect(developerContentText({ tools: {} })).toBe("");
    const tools = { functions: { name: "functions", tools: [{ name: "f", description: "" }] } };
    expect(developerContentText({ instructions: "I", tools })).toBe(
      "# Instructions\n\nI\n\n# Tools\n\n## functions\n\nnamespace functions {\n\ntype f = () => any;\n\n} // namespace functions",
    );
  });
});

describe("contentText", () => {
  const where = () => "conversation.messages[4]";

  it("returns text as is", () => {
    expect(contentText({ type: "text", text: "<|end|> hi" }, "user", false, where)).toBe("<|end|> hi");
  });

  it("allows system content only in system messages, with upstream's error text", () => {
    expect(contentText({ type: "system_content", reasoning_effort: "Low" }, "system", false, where)).toBe(
      "Reasoning: low",
    );
    const inUser = () => contentText({ type: "system_content" }, "user", false, where);
    expect(inUser).toThrow(HarmonyRenderError);
    expect(inUser).toThrow("SystemContent may only appear in system messages, found in User");
    try {
      inUser();
    } catch (error) {
      expect((error as HarmonyRenderError).hint).toContain("conversation.messages[4]");
    }
  });

  it("allows developer content only in developer messages, with upstream's error text", () => {
    expect(contentText({ type: "developer_content", instructions: "x" }, "developer", false, where)).toBe(
      "# Instructions\n\nx",
    );
    expect(() => contentText({ type: "developer_content" }, "system", false, where)).toThrow(
      "DeveloperContent may only appear in developer messages, found in System",
    );
    expect(() => contentText({ type: "developer_content" }, "tool", false, where)).toThrow("found in Tool");
  });

  it("rejects an unknown content type", () => {
    const bad = { type: "image", url: "x" } as unknown as Parameters<typeof contentText>[0];
    expect(() => contentText(bad, "user", false, where)).toThrow(HarmonyRenderError);
  });
});
