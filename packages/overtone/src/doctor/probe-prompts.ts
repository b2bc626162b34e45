/**
 * The conversations the behavioural probes send: short questions with one right answer, in the shapes any
 * gpt-oss handles (and the toy model was trained on: a system message with the effort, a developer message with
 * the instructions and tools), so a healthy set-up answers them whatever the model's size, and an answer can
 * be checked by a substring.
 */
import {
  type Conversation,
  conversation,
  developerContent,
  developerMessage,
  message,
  systemContent,
  systemMessage,
  type ToolDescription,
  withFunctionTools,
} from "@overtone/harmony";

export interface KnownQuestion {
  question: string;
  /** Text a right answer contains. */
  answer: string;
}

/** Questions with a checkable answer; probes take the first N (`--tries`). */
export const KNOWN_QUESTIONS: readonly KnownQuestion[] = [
  { question: "What is 46 minus 8?", answer: "38" },
  { question: "Add 90 and 31.", answer: "121" },
  { question: "Which city is the capital of Cuba?", answer: "Havana" },
  { question: "How many letters are in candle?", answer: "6" },
  { question: "What is 0 degrees celsius in fahrenheit?", answer: "32" },
  { question: "Multiply 29 by 5.", answer: "145" },
];

export function questionAt(index: number): KnownQuestion {
  return KNOWN_QUESTIONS[index % KNOWN_QUESTIONS.length] as KnownQuestion;
}

/** The weather tool of the usual examples (a typical weather.json: `location`, optional `unit`). */
export const WEATHER_TOOL: ToolDescription = {
  name: "get_weather",
  description: "Gets the current weather in a city.",
  parameters: {
    type: "object",
    properties: {
      location: { type: "string", description: "The city, e.g. Paris" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["location"],
    additionalProperties: false,
  },
};

export const TOOL_CITIES: readonly { city: string; temperature: number; sky: string }[] = [
  { city: "Paris", temperature: 18, sky: "cloudy" },
  { city: "Tokyo", temperature: 24, sky: "sunny" },
  { city: "Lima", temperature: 21, sky: "clear" },
  { city: "Oslo", temperature: 7, sky: "rainy" },
];

/** A question, with instructions and (optionally) tools, as a fresh conversation. */
export function askConversation(question: string, tools: readonly ToolDescription[] = []): Conversation {
  const developer = developerContent({ instructions: "Keep answers short." });
  return conversation([
    systemMessage(systemContent()),
    developerMessage(tools.length > 0 ? withFunctionTools(developer, tools) : developer),
    message("user", question),
  ]);
}
