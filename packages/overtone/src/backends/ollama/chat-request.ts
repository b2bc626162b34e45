/**
 * A Harmony conversation as an Ollama `/api/chat` request, shaped for Ollama's gpt-oss template
 * (backends.md §1.6). That template writes the Harmony system message itself (identity, knowledge cutoff,
 * date, `Reasoning:` from `think`) and puts every `system` message's text, joined, under `# Instructions` in
 * the developer message. Ollama also merges consecutive messages of one role, keeping only the first one's
 * thinking and tool calls (template.go `collate`). So:
 *   - Harmony system content → `think` (effort) and built-in tools; its identity, date and cutoff cannot be
 *     passed (Ollama's template fixes them);
 *   - developer instructions and any text system/developer messages → one `system` message, first;
 *   - each run of assistant messages → one assistant message: analysis → `thinking`, final and commentary text
 *     → `content`, tool calls → `tool_calls` with the arguments as a JSON object;
 *   - tool results → role `tool` with `tool_name` (`functions.get_weather` → `get_weather`);
 *   - earlier turns' analysis is left out exactly where Harmony's renderer drops it (dropAnalysisBefore);
 *   - a response format → `format` (`"json"` or the schema): since ollama#11691 was fixed Ollama leaves gpt-oss's
 *     thinking free and constrains the answer, though not always when streaming (ollama#14440): the gateway
 *     validates the answer either way.
 */
import { InputError } from "@overtone/errors";
import {
  type Conversation,
  dropAnalysisBefore,
  type Message,
  type ToolDescription,
  type ToolNamespaceConfig,
} from "@overtone/harmony";
import type { GenerateRequest, ResponseFormat } from "../contract.js";
import { functionTools, ollamaOptions, ollamaThink, requestedEffort, toolName } from "../gpt-oss-profile.js";
import type { OllamaChatRequest, OllamaMessage, OllamaTool } from "./wire.js";

export interface ChatRequestContext {
  model: string;
  numCtx?: number;
  modelNumCtx?: number;
  keepAlive?: string | number;
}

export function chatRequestBody(request: GenerateRequest, context: ChatRequestContext): OllamaChatRequest {
  const tools = ollamaTools(request);
  return {
    model: context.model,
    messages: chatMessages(request.conversation),
    stream: true,
    think: ollamaThink(requestedEffort(request)),
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.responseFormat !== undefined ? { format: ollamaFormat(request.responseFormat) } : {}),
    options: ollamaOptions(request, context),
    ...(context.keepAlive !== undefined ? { keep_alive: context.keepAlive } : {}),
  };
}

/** A response format in Ollama's terms: `"json"` for any JSON object, else the schema itself. */
export function ollamaFormat(format: ResponseFormat): "json" | Record<string, unknown> {
  return format.type === "json_object" ? "json" : format.schema;
}

export function chatMessages(conversation: Conversation): OllamaMessage[] {
  const instructions: string[] = [];
  const out: OllamaMessage[] = [];
  let assistant: OllamaMessage | undefined;
  const flush = () => {
    if (assistant !== undefined) out.push(assistant);
    assistant = undefined;
  };
  // Earlier turns' reasoning is dropped as Harmony's renderer drops it, whatever the server's template does.
  const dropBefore = dropAnalysisBefore(conversation.messages);
  conversation.messages.forEach((message, index) => {
    const where = `conversation.messages[${index}]`;
    const role = message.author.role;
    if (message.channel === "analysis" && index < dropBefore) return;
    if (role === "system" || role === "developer") {
      for (const c of message.content) {
        if (c.type === "text" && c.text !== "") instructions.push(c.text);
        if (c.type === "developer_content" && c.instructions) instructions.push(c.instructions);
      }
    } else if (role === "user") {
      flush();
      out.push({ role: "user", content: textOf(message) });
    } else if (role === "tool") {
      flush();
      const name = message.author.name;
      if (name === undefined || name === "") {
        throw new InputError(`${where}: a tool result without the tool's name`, {
          where,
          hint: 'give tool messages the called tool as author name, e.g. { role: "tool", name: "functions.get_weather" }',
        });
      }
      out.push({ role: "tool", content: textOf(message), tool_name: toolName(name) });
    } else {
      assistant ??= { role: "assistant", content: "" };
      addAssistant(assistant, message, where);
    }
  });
  flush();
  if (instructions.length > 0) out.unshift({ role: "system", content: instructions.join("\n\n") });
  return out;
}

function addAssistant(target: OllamaMessage, message: Message, where: string): void {
  const text = textOf(message);
  if (message.recipient !== undefined && message.recipient !== "all") {
    target.tool_calls ??= [];
    target.tool_calls.push({
      function: { name: toolName(message.recipient), arguments: argumentsObject(text, where) },
    });
  } else if (message.channel === "analysis") {
    target.thinking = target.thinking === undefined ? text : `${target.thinking}\n\n${text}`;
  } else if (text !== "") {
    target.content = target.content === "" ? text : `${target.content}\n\n${text}`;
  }
}

function argumentsObject(text: string, where: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let parsed: unknown;
  let failure: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    failure = error;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InputError(`${where}: tool-call arguments are not a JSON object: ${text.slice(0, 120)}`, {
      where,
      hint: "Ollama takes tool-call arguments as a JSON object; fix or drop this call before sending the history",
      cause: failure,
    });
  }
  return parsed as Record<string, unknown>;
}

function textOf(message: Message): string {
  let text = "";
  for (const c of message.content) if (c.type === "text") text += c.text;
  return text;
}

/**
 * Tools as Ollama declares them: the function tools (developer `functions` namespace plus the request's), then
 * the built-ins of the system message under the names Ollama's template knows (`browser.search`, …, `python`),
 * then other developer namespaces as `ns.tool` (Ollama maps such names to safe ones and back).
 */
export function ollamaTools(request: GenerateRequest): OllamaTool[] {
  const tools = functionTools(request).map((t) => ollamaTool(t.name, t));
  for (const m of request.conversation.messages) {
    for (const c of m.content) {
      if (c.type !== "system_content" && c.type !== "developer_content") continue;
      for (const ns of Object.values(c.tools ?? {})) {
        if (ns.name === "functions") continue;
        tools.push(...namespaceTools(ns));
      }
    }
  }
  return tools;
}

function namespaceTools(ns: ToolNamespaceConfig): OllamaTool[] {
  if (ns.tools.length === 0)
    return [ollamaTool(ns.name, { name: ns.name, description: ns.description ?? "" })];
  return ns.tools.map((t) => ollamaTool(`${ns.name}.${t.name}`, t));
}

function ollamaTool(name: string, tool: ToolDescription): OllamaTool {
  return {
    type: "function",
    function: {
      name,
      description: tool.description,
      ...(tool.parameters !== undefined ? { parameters: tool.parameters } : {}),
    },
  };
}
