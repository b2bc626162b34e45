/**
 * Builders with openai/harmony's library defaults (`SystemContent::new()` etc.). Raw JSON never gets these
 * defaults (see json.ts); only code that asks for them does.
 */
import { browserTool, pythonTool } from "./builtin-tools.js";
import type {
  ChannelConfig,
  Content,
  Conversation,
  DeveloperContent,
  Message,
  Role,
  SystemContent,
  ToolDescription,
  ToolNamespaceConfig,
} from "./types.js";

export const DEFAULT_MODEL_IDENTITY = "You are ChatGPT, a large language model trained by OpenAI.";
export const DEFAULT_KNOWLEDGE_CUTOFF = "2024-06";
export const DEFAULT_VALID_CHANNELS: readonly string[] = ["analysis", "commentary", "final"];

export function channelConfig(validChannels: readonly string[] = DEFAULT_VALID_CHANNELS): ChannelConfig {
  return { valid_channels: [...validChannels], channel_required: true };
}

/**
 * A system content with upstream's defaults (identity, Medium effort, cutoff 2024-06, the three channels), then
 * `fields` on top. Pass a field as `undefined` to leave it out of the rendering.
 */
export function systemContent(fields: SystemContent = {}): SystemContent {
  return {
    model_identity: DEFAULT_MODEL_IDENTITY,
    reasoning_effort: "Medium",
    knowledge_cutoff: DEFAULT_KNOWLEDGE_CUTOFF,
    channel_config: channelConfig(),
    ...fields,
  };
}

export function developerContent(fields: DeveloperContent = {}): DeveloperContent {
  return { ...fields };
}

/** Adds (or replaces) one tool namespace, keyed by its name. */
export function withTools<T extends SystemContent | DeveloperContent>(
  content: T,
  namespace: ToolNamespaceConfig,
): T {
  return { ...content, tools: { ...content.tools, [namespace.name]: namespace } };
}

/** Function tools go into the `functions` namespace, the one the model calls as `functions.<name>`. */
export function withFunctionTools(
  content: DeveloperContent,
  tools: readonly ToolDescription[],
): DeveloperContent {
  return withTools(content, { name: "functions", tools: [...tools] });
}

export function withBrowserTool(content: SystemContent): SystemContent {
  return withTools(content, browserTool());
}

export function withPythonTool(content: SystemContent): SystemContent {
  return withTools(content, pythonTool());
}

export interface MessageOptions {
  name?: string;
  channel?: string;
  recipient?: string;
  content_type?: string;
}

/** One message. A string is a text content; system/developer contents are tagged by `system`/`developer`. */
export function message(
  role: Role,
  content: string | Content | readonly Content[],
  options: MessageOptions = {},
): Message {
  const contents: Content[] =
    typeof content === "string"
      ? [{ type: "text", text: content }]
      : Array.isArray(content)
        ? [...content]
        : [content as Content];
  const out: Message = {
    author: options.name === undefined ? { role } : { role, name: options.name },
    content: contents,
  };
  if (options.recipient !== undefined) out.recipient = options.recipient;
  if (options.channel !== undefined) out.channel = options.channel;
  if (options.content_type !== undefined) out.content_type = options.content_type;
  return out;
}

/** A tool's output as Harmony sends it back: from the tool (`functions.get_weather`) to the assistant, on commentary. */
export function toolResult(tool: string, output: string): Message {
  return message("tool", output, { name: tool, recipient: "assistant", channel: "commentary" });
}

export function systemMessage(content: SystemContent = systemContent()): Message {
  return message("system", { type: "system_content", ...content });
}

export function developerMessage(content: DeveloperContent): Message {
  return message("developer", { type: "developer_content", ...content });
}

export function conversation(messages: readonly Message[]): Conversation {
  return { messages: [...messages] };
}
