/**
 * Harmony's data model, field for field as openai/harmony's `chat.rs` (v0.0.8). Optional fields are absent
 * (undefined) when not set: that is `None` upstream, and it renders as nothing. The library defaults (model
 * identity, effort, knowledge cutoff, channels) live in builders.ts and apply only when you use a builder.
 */
export type Role = "user" | "assistant" | "system" | "developer" | "tool";
export const ROLES: readonly Role[] = ["user", "assistant", "system", "developer", "tool"];

export type ReasoningEffort = "Low" | "Medium" | "High";
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ["Low", "Medium", "High"];

export interface Author {
  role: Role;
  name?: string;
}

export interface ToolDescription {
  name: string;
  description: string;
  /** A JSON Schema; absent means the tool takes no arguments (`() => any`). */
  parameters?: JsonValue;
}

export interface ToolNamespaceConfig {
  name: string;
  description?: string;
  tools: ToolDescription[];
}

export interface ChannelConfig {
  valid_channels: string[];
  channel_required: boolean;
}

export interface SystemContent {
  model_identity?: string;
  reasoning_effort?: ReasoningEffort;
  /** Keyed by namespace; rendered in key-sorted order (upstream uses a BTreeMap). */
  tools?: Record<string, ToolNamespaceConfig>;
  conversation_start_date?: string;
  knowledge_cutoff?: string;
  channel_config?: ChannelConfig;
}

export interface DeveloperContent {
  instructions?: string;
  tools?: Record<string, ToolNamespaceConfig>;
}

export type Content =
  | { type: "text"; text: string }
  | ({ type: "system_content" } & SystemContent)
  | ({ type: "developer_content" } & DeveloperContent);

export interface Message {
  author: Author;
  /** Who the message is for: a tool name such as `functions.get_weather` for a call, `assistant` for a result. */
  recipient?: string;
  content: Content[];
  channel?: string;
  /** e.g. `<|constrain|>json` (rendered with the special token) or `json`/`code` (rendered as text). */
  content_type?: string;
}

export interface Conversation {
  messages: Message[];
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
