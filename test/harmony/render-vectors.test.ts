/**
 * openai/harmony v0.0.8's rendering vectors (test/fixtures/harmony, inputs as its README transcribes them),
 * checked the way upstream's tests check them: token-equal files against `encode(text, allowed_special=all)`,
 * text-equal files against the decoded render, both after right-trimming the file.
 */
import { readFileSync } from "node:fs";
import {
  channelConfig,
  conversation,
  developerContent,
  developerMessage,
  encodeWithSpecialTokens,
  type JsonValue,
  type Message,
  message,
  RETURN,
  type ReasoningEffort,
  renderConversation,
  renderConversationForCompletion,
  renderConversationForCompletionText,
  renderConversationForTraining,
  renderConversationText,
  renderMessage,
  renderMessageText,
  START,
  type SystemContent,
  systemContent,
  systemMessage,
  type ToolDescription,
  withBrowserTool,
  withFunctionTools,
  withPythonTool,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";

const FIXTURES = new URL("../fixtures/harmony/", import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8").replace(/\r\n/g, "\n").trimEnd();
}

const sys = (fields: SystemContent = {}): Message => systemMessage(systemContent(fields));
const user = (text: string): Message => message("user", text);
const assistant = (channel: string, text: string): Message => message("assistant", text, { channel });
const DATE = "2025-06-28";

/** Token-equal vectors: a prompt for the assistant whose ids equal the file encoded with specials. */
const tokenEqual: Record<string, Message[]> = {
  "test_simple_convo.txt": [sys(), user("What is 2 + 2?")],
  "test_reasoning_system_message.txt": [
    sys({ reasoning_effort: "Medium", channel_config: channelConfig(["analysis", "final"]) }),
    user("What is 2 + 2?"),
  ],
  "test_reasoning_system_message_no_instruction.txt": [
    sys({ reasoning_effort: "High", channel_config: channelConfig(["analysis", "final"]) }),
    user("What is the best place to eat candy in the world?"),
  ],
  "test_reasoning_system_message_with_dates.txt": [
    sys({
      reasoning_effort: "Medium",
      conversation_start_date: "2021-01-01",
      knowledge_cutoff: "2021-01",
      channel_config: channelConfig(["analysis", "final"]),
    }),
    user("What is 42 * pi?"),
  ],
};
const efforts: [ReasoningEffort, string][] = [
  ["Low", "low"],
  ["Medium", "medium"],
  ["High", "high"],
];
for (const [effort, name] of efforts) {
  const question = user("What is the capital of the largest country in the world?");
  tokenEqual[`test_simple_convo_${name}_effort.txt`] = [
    sys({ reasoning_effort: effort }),
    developerMessage(developerContent({ instructions: "Answer the user's questions like a robot." })),
    question,
  ];
  tokenEqual[`test_simple_convo_${name}_effort_no_instruction.txt`] = [
    sys({ reasoning_effort: effort }),
    question,
  ];
}

/** The fixtures' README gives the tool definitions as JSON blocks under these headings; read them from there. */
function readmeJson(heading: string): unknown {
  const readme = readFileSync(new URL("README.md", FIXTURES), "utf8");
  const after = readme.slice(readme.indexOf(heading));
  const block = /```json\n([\s\S]*?)```/.exec(after);
  if (!after.startsWith(heading) || !block?.[1])
    throw new Error(`no JSON block under "${heading}" in README.md`);
  return JSON.parse(block[1]);
}
/** Upstream reads `"parameters": null` as no parameters (serde's None). */
function toolFromReadme(raw: { name: string; description: string; parameters: JsonValue }): ToolDescription {
  return raw.parameters === null ? { name: raw.name, description: raw.description } : raw;
}
const kitchenTools = {
  functions: (readmeJson("### The four tools") as Parameters<typeof toolFromReadme>[0][]).map(toolFromReadme),
  lookupWeather: toolFromReadme(
    readmeJson("### The function tool of") as Parameters<typeof toolFromReadme>[0],
  ),
};

const toolCall = message("assistant", '{"location": "San Francisco"}', {
  channel: "commentary",
  recipient: "functions.lookup_weather",
  content_type: "<|constrain|>json",
});
const toolResult = message("tool", '{"temperature": 20, "description": "sunny"}', {
  name: "functions.lookup_weather",
});

/** Text-equal vectors, each with the config its upstream test used (undefined = our default, drop = true). */
const textEqual: Record<string, { messages: Message[]; autoDropAnalysis?: boolean }> = {
  "test_no_tools.txt": { messages: [sys({ conversation_start_date: DATE })] },
  "test_browser_tool_only.txt": {
    messages: [systemMessage(withBrowserTool(systemContent({ conversation_start_date: DATE })))],
  },
  "test_browser_and_python_tool.txt": {
    messages: [
      systemMessage(withPythonTool(withBrowserTool(systemContent({ conversation_start_date: DATE })))),
    ],
  },
  "test_browser_and_function_tool.txt": {
    messages: [
      systemMessage(withBrowserTool(systemContent({ conversation_start_date: DATE }))),
      developerMessage(withFunctionTools(developerContent(), [kitchenTools.lookupWeather])),
    ],
  },
  "test_render_functions_with_parameters.txt": {
    messages: [
      sys({ reasoning_effort: "High", conversation_start_date: DATE }),
      developerMessage(
        withFunctionTools(
          developerContent({ instructions: "Always respond in riddles" }),
          kitchenTools.functions,
        ),
      ),
      user("What is the weather like in SF?"),
    ],
  },
  "test_dropping_cot_by_default.txt": {
    autoDropAnalysis: true,
    messages: [
      user("What is 2 + 2?"),
      assistant("analysis", "User asks: “What is 2 + 2?” Simple arithmetic. Provide answer."),
      assistant("final", "2 + 2 equals 4."),
      user("What about 9 / 2?"),
    ],
  },
  "test_preserve_cot.txt": {
    autoDropAnalysis: false,
    messages: [
      user("What is 2 + 2?"),
      assistant("analysis", 'User asks a simple question: "What is 2 + 2?" The answer: 4.'),
      assistant("final", "2 + 2 equals 4."),
      user("What about 9 / 2?"),
    ],
  },
  "test_does_not_drop_if_ongoing_analysis.txt": {
    autoDropAnalysis: true,
    messages: [
      user("What is the weather in SF?"),
      assistant("analysis", "User asks: “What is the weather in SF?” We need to use lookup_weather tool."),
      toolCall,
      toolResult,
    ],
  },
};

describe("upstream vectors, token-equal", () => {
  for (const [file, messages] of Object.entries(tokenEqual)) {
    it(file, () => {
      const expected = encodeWithSpecialTokens(fixture(file));
      expect(renderConversationForCompletion(conversation(messages), "assistant")).toEqual(expected);
    });
  }

  it("test_does_not_drop_if_ongoing_analysis.txt (Python also compares tokens)", () => {
    const { messages } = textEqual["test_does_not_drop_if_ongoing_analysis.txt"] ?? { messages: [] };
    const expected = encodeWithSpecialTokens(fixture("test_does_not_drop_if_ongoing_analysis.txt"));
    expect(renderConversationForCompletion(conversation(messages), "assistant")).toEqual(expected);
  });
});

describe("upstream vectors, text-equal", () => {
  for (const [file, { messages, autoDropAnalysis }] of Object.entries(textEqual)) {
    it(file, () => {
      const config = autoDropAnalysis === undefined ? undefined : { autoDropAnalysis };
      const conv = conversation(messages);
      expect(renderConversationForCompletionText(conv, "assistant", config)).toBe(fixture(file));
      // Whole-file encoding matches too for these vectors (derived/token-ids.json), so ids must agree as well.
      expect(renderConversationForCompletion(conv, "assistant", config)).toEqual(
        encodeWithSpecialTokens(fixture(file)),
      );
    });
  }

  it("test_keep_analysis_between_finals.txt (renderConversation, default config)", () => {
    const conv = conversation([
      user("What is 2 + 2?"),
      assistant("analysis", "thinking 2+2"),
      assistant("final", "4"),
      user("What is 3 + 5?"),
      assistant("analysis", "thinking 3+5"),
      assistant("final", "8"),
    ]);
    expect(renderConversationText(conv)).toBe(fixture("test_keep_analysis_between_finals.txt"));
  });

  it("test_tool_response_parsing.txt (render without its last token)", () => {
    const result = message("tool", '{"result": "https://openai.com/"}', {
      name: "browser.search",
      channel: "commentary",
      recipient: "assistant",
    });
    expect(renderMessageText(result)).toBe(`${fixture("test_tool_response_parsing.txt")}<|end|>`);
    expect(renderMessage(result).slice(0, -1)).toEqual(
      encodeWithSpecialTokens(fixture("test_tool_response_parsing.txt")),
    );
  });
});

describe("inline vectors (inline-vectors.json)", () => {
  const cases = (
    JSON.parse(readFileSync(new URL("inline-vectors.json", FIXTURES), "utf8")) as {
      cases: { id: string; input_text?: string }[];
    }
  ).cases;
  const inlineCase = (id: string) => cases.find((c) => c.id === id);

  it("constrain_tokenized_correctly_roundtrip: render equals encode(input_text)", () => {
    const text = inlineCase("constrain_tokenized_correctly_roundtrip")?.input_text ?? "";
    expect(text).not.toBe("");
    const call = message("assistant", '{"location": "Tokyo"}', {
      channel: "commentary",
      recipient: "functions.get_weather",
      content_type: "<|constrain|>json",
    });
    const tokens = renderConversation(conversation([call]));
    expect(tokens).toEqual(encodeWithSpecialTokens(text));
    const constrainAt = tokens.indexOf(200003);
    expect(tokens[constrainAt - 1]).toBe(220);
  });

  it("training_render_final_uses_return", () => {
    expect(inlineCase("training_render_final_uses_return")).toBeDefined();
    const conv = conversation([user("hi"), assistant("final", "hello")]);
    const regular = renderConversation(conv);
    const training = renderConversationForTraining(conv);
    expect(training.slice(0, -1)).toEqual(regular.slice(0, -1));
    expect(regular.at(-1)).toBe(200007);
    expect(training.at(-1)).toBe(RETURN);
    const onlyUser = conversation([user("hi")]);
    expect(renderConversationForTraining(onlyUser)).toEqual(renderConversation(onlyUser));
  });

  it("render_single_equals_conversation", () => {
    expect(inlineCase("render_single_equals_conversation")).toBeDefined();
    const hello = user("Hello");
    const single = renderMessage(hello);
    expect(renderConversation(conversation([hello]))).toEqual(single);
    expect(renderConversationForCompletion(conversation([hello]), "assistant")).toEqual([
      ...single,
      START,
      173781,
    ]);
  });
});
