/**
 * A Harmony conversation as an OpenAI Chat Completions request (the server renders Harmony from it).
 *
 * - The system message is not sent as a message: the server writes its own; its reasoning effort goes out as
 *   the effort fields (gpt-oss profile). The developer message's instructions become a `system` message,
 *   which every gpt-oss template (llama.cpp, vLLM, LM Studio) puts into the developer message's
 *   `# Instructions`; its `functions` tools become `tools`.
 * - Assistant analysis is carried back in the reasoning field of the next assistant message that holds a
 *   tool call or a final answer, as the servers want it for tool loops (backends.md §0, vllm#27653).
 *   llama.cpp's gpt-oss template refuses reasoning and content together on a tool-call message
 *   (llama.cpp#17040), so there a preamble is dropped in favour of the reasoning.
 * - A tool call becomes `tool_calls` with an id we make up (`call_N`); the tool's answer (author `functions.X`)
 *   becomes a `tool` message with the id of the latest call to that tool without an answer.
 * - A response format becomes `response_format` in OpenAI's shape; vLLM and llama-server take it and, with
 *   their gpt-oss reasoning parsers, constrain the answer only (the analysis stays free).
 */
import { InputError } from "@overtone/errors";
import { dropAnalysisBefore, type Message, type ToolDescription } from "@overtone/harmony";
import type { GenerateRequest, ResponseFormat } from "../contract.js";
import {
  effortFields,
  functionTools,
  type GptOssFlavor,
  historyReasoningField,
  openAISampling,
  requestedEffort,
  toolName,
} from "../gpt-oss-profile.js";

export type ChatMessage = Record<string, unknown> & { role: string };

export function chatCompletionBody(
  request: GenerateRequest,
  options: { flavor: GptOssFlavor; model: string | undefined; stream: boolean },
): Record<string, unknown> {
  const tools = functionTools(request);
  const body: Record<string, unknown> = {
    ...(options.model !== undefined ? { model: options.model } : {}),
    messages: chatMessages(request.conversation.messages, options.flavor),
    stream: options.stream,
    ...(options.stream ? { stream_options: { include_usage: true } } : {}),
    ...openAISampling(request, options.flavor),
    ...effortFields(requestedEffort(request), options.flavor),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
  };
  if (tools.length > 0) body.tools = tools.map(chatTool);
  if (request.responseFormat !== undefined) body.response_format = chatResponseFormat(request.responseFormat);
  return body;
}

/** `response_format` as OpenAI spells it; a schema without a name is called `response` (OpenAI needs one). */
export function chatResponseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type === "json_object") return { type: "json_object" };
  return {
    type: "json_schema",
    json_schema: {
      name: format.name ?? "response",
      schema: format.schema,
      ...(format.strict !== undefined ? { strict: format.strict } : {}),
    },
  };
}

export function chatTool(tool: ToolDescription): Record<string, unknown> {
  return {
    type: "function",
    function: {
      name: tool.name,
      description: tool.description,
      // A tool without parameters takes none; an empty object schema says so to every server.
      parameters: tool.parameters ?? { type: "object", properties: {} },
    },
  };
}

function textOf(message: Message): string {
  let text = "";
  for (const content of message.content) if (content.type === "text") text += content.text;
  return text;
}

export function chatMessages(messages: readonly Message[], flavor: GptOssFlavor): ChatMessage[] {
  const out: ChatMessage[] = [];
  const reasoningField = historyReasoningField(flavor);
  let reasoning: string[] = [];
  let preamble: string[] = [];
  let callCount = 0;
  /** Calls not answered yet, per recipient, oldest first. */
  const openCalls = new Map<string, string[]>();
  // vLLM renders whatever reasoning it is sent (vllm#27653), so earlier turns' analysis is left out here, where
  // Harmony's renderer drops it; a tool loop's reasoning in the current turn still goes back.
  const dropBefore = dropAnalysisBefore(messages);
  const assistant = (fields: Record<string, unknown>): void => {
    const message: ChatMessage = { role: "assistant", ...fields };
    if (reasoning.length > 0) message[reasoningField] = reasoning.join("\n");
    reasoning = [];
    preamble = [];
    out.push(message);
  };

  messages.forEach((message, index) => {
    const role = message.author.role;
    if (role === "system") return;
    if (role === "developer") {
      for (const content of message.content) {
        if (content.type === "developer_content" && content.instructions) {
          out.push({ role: "system", content: content.instructions });
        } else if (content.type === "text" && content.text !== "") {
          out.push({ role: "system", content: content.text });
        }
      }
      return;
    }
    if (role === "user") {
      out.push({ role: "user", content: textOf(message) });
      return;
    }
    if (role === "tool") {
      const recipient = message.author.name;
      if (recipient === undefined) {
        throw new InputError(`messages[${index}]: a tool message needs the tool's name as its author name`, {
          where: `conversation.messages[${index}].author.name`,
          hint: 'set author.name to the tool it answers, e.g. "functions.get_weather"',
        });
      }
      const id = openCalls.get(recipient)?.shift() ?? `call_${callCount++}`;
      out.push({ role: "tool", tool_call_id: id, content: textOf(message) });
      return;
    }
    // assistant
    const text = textOf(message);
    if (message.recipient !== undefined && message.recipient !== "all") {
      const id = `call_${callCount++}`;
      const queue = openCalls.get(message.recipient) ?? [];
      queue.push(id);
      openCalls.set(message.recipient, queue);
      const keepPreamble = preamble.length > 0 && !(flavor === "llama-server" && reasoning.length > 0);
      assistant({
        ...(keepPreamble ? { content: preamble.join("\n") } : {}),
        tool_calls: [
          { id, type: "function", function: { name: toolName(message.recipient), arguments: text } },
        ],
      });
    } else if (message.channel === "analysis") {
      if (index >= dropBefore) reasoning.push(text);
    } else if (message.channel === "commentary") {
      preamble.push(text);
    } else {
      assistant({ content: [...preamble, text].join("\n") });
    }
  });
  // Reasoning or a preamble with nothing after it (a turn in progress) still goes back to the server.
  if (reasoning.length > 0 || preamble.length > 0) assistant({ content: preamble.join("\n") });
  return out;
}
