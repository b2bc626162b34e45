/**
 * The realistic corpus of `npm run bench:harmony`: a short chat, a tool-heavy developer message, and a 50-turn
 * conversation with reasoning and tool calls. Built with the library's own builders; the same objects go to the
 * WASM oracle as serde JSON.
 */
import {
  type Conversation,
  developerMessage,
  message,
  systemContent,
  systemMessage,
  type ToolDescription,
  withFunctionTools,
} from "@overtone/harmony";

const system = systemMessage(
  systemContent({ reasoning_effort: "High", conversation_start_date: "2026-11-22" }),
);

function tool(i: number): ToolDescription {
  return {
    name: `tool_${i}`,
    description: `Tool number ${i}: looks things up in system ${i} and returns a JSON report.`,
    parameters: {
      type: "object",
      properties: {
        query: { type: "string", description: "What to look up, in plain words." },
        limit: { type: "integer", default: 10, description: "How many results." },
        unit: { type: "string", enum: ["celsius", "fahrenheit"], default: "celsius" },
        filters: {
          type: "object",
          description: "Optional filters.",
          properties: { since: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
        },
        mode: {
          oneOf: [
            { type: "string", default: "fast" },
            { type: "number", description: "a level" },
          ],
        },
        note: { type: "string", nullable: true, default: "none" },
      },
      required: ["query"],
    },
  };
}

export function shortChat(): Conversation {
  return {
    messages: [
      system,
      message("user", "What is the capital of the largest country in the world?"),
      message("assistant", "The user asks a geography question. Largest country: Russia.", {
        channel: "analysis",
      }),
      message("assistant", "Moscow is the capital of Russia, the largest country.", { channel: "final" }),
      message("user", "And its population?"),
    ],
  };
}

export function toolHeavy(): Conversation {
  const developer = withFunctionTools(
    { instructions: "You are a careful assistant. Use tools when they fit, and cite them." },
    Array.from({ length: 12 }, (_, i) => tool(i)),
  );
  return {
    messages: [system, developerMessage(developer), message("user", "Look up the weather in Paris.")],
  };
}

export function fiftyTurns(): Conversation {
  const messages = [system, ...toolHeavy().messages.slice(1, 2)];
  for (let turn = 0; turn < 50; turn++) {
    messages.push(
      message(
        "user",
        `Question ${turn}: what is ${turn} times ${turn + 3}, and the weather in city ${turn}?`,
      ),
    );
    messages.push(
      message("assistant", `The user wants ${turn}×${turn + 3} and a weather lookup. Use tool_1.`, {
        channel: "analysis",
      }),
    );
    messages.push(
      message("assistant", `{"query":"weather in city ${turn}","limit":3}`, {
        channel: "commentary",
        recipient: "functions.tool_1",
        content_type: "<|constrain|>json",
      }),
    );
    messages.push(
      message("tool", `{"temperature": ${turn % 30}, "sky": "clear"}`, {
        name: "functions.tool_1",
        channel: "commentary",
        recipient: "assistant",
      }),
    );
    messages.push(
      message("assistant", `${turn * (turn + 3)}. In city ${turn} it is ${turn % 30} °C and clear.`, {
        channel: "final",
      }),
    );
  }
  return { messages };
}
