/**
 * The "# Response Formats" section of gpt-oss's developer message (reference/harmony/spec.md §8: documented by
 * OpenAI for structured output, with no API in the harmony library). A raw route renders the prompt itself, so
 * this is where a `json_schema` response format reaches the model as it was trained to read it:
 *
 *     # Response Formats
 *
 *     ## {name}
 *
 *     // {description}
 *     {schema}
 *
 * appended to the developer message (one is made after the system message when there is none). The model then
 * knows the shape before it answers; on the embedded engine the grammar also enforces it (final-grammar.ts).
 * `json_object` names no shape and adds nothing.
 */
import { type Conversation, type Message, message } from "@overtone/harmony";
import type { ResponseFormat } from "./contract.js";

export function withResponseFormat(
  conversation: Conversation,
  format: ResponseFormat | undefined,
): Conversation {
  if (format === undefined || format.type !== "json_schema") return conversation;
  const { description, ...schema } = format.schema;
  const lines = [
    "# Response Formats",
    "",
    `## ${format.name ?? "response"}`,
    "",
    ...(typeof description === "string" && description !== "" ? [`// ${description}`] : []),
    JSON.stringify(schema),
  ];
  const section = lines.join("\n");
  const messages = [...conversation.messages];
  const at = messages.findLastIndex((m) => m.author.role === "developer");
  if (at >= 0) {
    const developer = messages[at] as Message;
    messages[at] = {
      ...developer,
      content: [...developer.content, { type: "text", text: `\n\n${section}` }],
    };
  } else {
    const after = messages.findIndex((m) => m.author.role !== "system");
    messages.splice(after < 0 ? messages.length : after, 0, message("developer", section));
  }
  return { ...conversation, messages };
}
