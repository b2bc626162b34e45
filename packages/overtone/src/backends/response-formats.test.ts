import {
  conversation,
  developerContent,
  developerMessage,
  message,
  renderConversationForCompletionText,
  systemMessage,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import { withResponseFormat } from "./response-formats.js";

const SCHEMA = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const FORMAT = {
  type: "json_schema" as const,
  name: "place",
  schema: { ...SCHEMA, description: "Where it is" },
};

describe("withResponseFormat", () => {
  it("appends the section to the developer message, as OpenAI's harmony docs write it", () => {
    const base = conversation([
      systemMessage(),
      developerMessage(developerContent({ instructions: "Be terse." })),
      message("user", "hi"),
    ]);
    const text = renderConversationForCompletionText(withResponseFormat(base, FORMAT), "assistant");
    expect(text).toContain(
      `<|start|>developer<|message|># Instructions\n\nBe terse.\n\n# Response Formats\n\n## place\n\n// Where it is\n${JSON.stringify(SCHEMA)}<|end|><|start|>user`,
    );
  });

  it("makes a developer message after the system message when there is none", () => {
    const base = conversation([systemMessage(), message("user", "hi")]);
    const messages = withResponseFormat(base, { type: "json_schema", schema: SCHEMA }).messages;
    expect(messages.map((m) => m.author.role)).toEqual(["system", "developer", "user"]);
    expect(messages[1]?.content).toEqual([
      { type: "text", text: `# Response Formats\n\n## response\n\n${JSON.stringify(SCHEMA)}` },
    ]);
  });

  it("adds nothing for json_object or no format", () => {
    const base = conversation([systemMessage(), message("user", "hi")]);
    expect(withResponseFormat(base, { type: "json_object" })).toBe(base);
    expect(withResponseFormat(base, undefined)).toBe(base);
  });
});
