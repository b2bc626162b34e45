/** The Harmony conversation → `/api/chat` request mapping (no server needed: pure functions). */

import { InputError } from "@overtone/errors";
import {
  conversation,
  developerContent,
  developerMessage,
  message,
  renderConversationText,
  systemContent,
  systemMessage,
  withBrowserTool,
  withFunctionTools,
  withPythonTool,
} from "@overtone/harmony";
import { describe, expect, it } from "vitest";
import {
  chatMessages,
  chatRequestBody,
  ollamaTools,
} from "../../../packages/overtone/src/backends/ollama/chat-request.js";
import { rawGenerateBody } from "../../../packages/overtone/src/backends/ollama/generate-request.js";
import { WEATHER_TOOL } from "./ollama-replay.js";

describe("chatMessages", () => {
  it("joins every system/developer text into one system message, first (Ollama collects them anyway)", () => {
    const messages = chatMessages(
      conversation([
        systemMessage(systemContent({ model_identity: "You are Overtone." })),
        developerMessage(developerContent({ instructions: "Answer in French." })),
        message("user", "Hi"),
        message("system", "Be brief."),
        message("developer", "No emojis."),
        message("user", "Again"),
      ]),
    );
    expect(messages).toEqual([
      { role: "system", content: "Answer in French.\n\nBe brief.\n\nNo emojis." },
      { role: "user", content: "Hi" },
      { role: "user", content: "Again" },
    ]);
  });

  it("makes one assistant message of each run: analysis → thinking, text → content, calls → tool_calls", () => {
    const messages = chatMessages(
      conversation([
        message("user", "Weather?"),
        message("assistant", "Need the tool.", { channel: "analysis" }),
        message("assistant", "Checking…", { channel: "commentary" }),
        message("assistant", '{"location":"Rome"}', {
          channel: "commentary",
          recipient: "functions.weather",
          content_type: "<|constrain|>json",
        }),
        message("tool", "25 C", { name: "functions.weather", recipient: "assistant", channel: "commentary" }),
        message("assistant", "Warm.", { channel: "analysis" }),
        message("assistant", "Still checking…", { channel: "commentary" }),
      ]),
    );
    // A turn in progress: no final yet, so its reasoning goes back (the tool loop needs it).
    expect(messages).toEqual([
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: "Checking…",
        thinking: "Need the tool.",
        tool_calls: [{ function: { name: "weather", arguments: { location: "Rome" } } }],
      },
      { role: "tool", content: "25 C", tool_name: "weather" },
      { role: "assistant", content: "Still checking…", thinking: "Warm." },
    ]);
  });

  it("leaves out a finished turn's reasoning, exactly where Harmony's renderer drops it", () => {
    const history = [
      message("user", "Weather?"),
      message("assistant", "Need the tool.", { channel: "analysis" }),
      message("assistant", "Sunny.", { channel: "final" }),
      message("user", "And tomorrow?"),
    ];
    expect(chatMessages(conversation(history))).toEqual([
      { role: "user", content: "Weather?" },
      { role: "assistant", content: "Sunny." },
      { role: "user", content: "And tomorrow?" },
    ]);
    expect(renderConversationText(conversation(history))).not.toContain("Need the tool.");
  });

  it("keeps built-in tool names (browser.search, python) on calls and results", () => {
    const messages = chatMessages(
      conversation([
        message("assistant", '{"query":"x"}', { channel: "analysis", recipient: "browser.search" }),
        message("tool", "results", { name: "browser.search", recipient: "assistant" }),
      ]),
    );
    expect(messages[0]?.tool_calls?.[0]?.function.name).toBe("browser.search");
    expect(messages[1]?.tool_name).toBe("browser.search");
  });

  it("refuses tool-call arguments that are not a JSON object, saying where", () => {
    const bad = conversation([
      message("assistant", "ls -R", { channel: "commentary", recipient: "functions.sh" }),
    ]);
    expect(() => chatMessages(bad)).toThrow(InputError);
    expect(() => chatMessages(bad)).toThrow(
      /conversation\.messages\[0\]: tool-call arguments are not a JSON object/,
    );
  });

  it("refuses a tool result without the tool's name", () => {
    expect(() => chatMessages(conversation([message("tool", "x")]))).toThrow(/without the tool's name/);
  });
});

describe("chatRequestBody", () => {
  it("takes the effort from the system message, tools from developer, system and request", () => {
    const request = {
      conversation: conversation([
        systemMessage(withPythonTool(withBrowserTool(systemContent({ reasoning_effort: "Low" })))),
        developerMessage(withFunctionTools(developerContent(), [WEATHER_TOOL])),
        message("user", "Hi"),
      ]),
      tools: [{ name: "clock", description: "Current time" }],
      temperature: 0.5,
    };
    const body = chatRequestBody(request, { model: "gpt-oss:20b", modelNumCtx: 32768 });
    expect(body.think).toBe("low");
    expect(body.options).toEqual({ temperature: 0.5, top_p: 1, repeat_penalty: 1, num_ctx: 32768 });
    expect(ollamaTools(request).map((t) => t.function.name)).toEqual([
      "weather",
      "clock",
      "browser.search",
      "browser.open",
      "browser.find",
      "python",
    ]);
    expect(body.tools?.[1]).toEqual({
      type: "function",
      function: { name: "clock", description: "Current time" },
    });
  });

  it("says think: medium when nothing sets the effort (never think: false)", () => {
    const body = chatRequestBody({ conversation: conversation([message("user", "Hi")]) }, { model: "m" });
    expect(body.think).toBe("medium");
    expect(body.tools).toBeUndefined();
    expect(body.format).toBeUndefined();
  });

  it('passes a response format on as format: "json" or the schema itself', () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const conv = conversation([message("user", "Hi")]);
    const json = chatRequestBody(
      { conversation: conv, responseFormat: { type: "json_object" } },
      { model: "m" },
    );
    expect(json.format).toBe("json");
    const typed = chatRequestBody(
      { conversation: conv, responseFormat: { type: "json_schema", name: "city", schema } },
      { model: "m" },
    );
    expect(typed.format).toEqual(schema);
    // The raw route's /api/generate would constrain the analysis too: no format there.
    const raw = rawGenerateBody(
      { conversation: conv, responseFormat: { type: "json_schema", schema } },
      { model: "m" },
    );
    expect(raw).not.toHaveProperty("format");
  });
});
