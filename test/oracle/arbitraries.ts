/**
 * fast-check arbitraries for Harmony conversations in Overtone's data model (src/harmony/types.ts): every
 * role, author names, recipients, channels, content types (`<|constrain|>json` included), multi-part content,
 * SystemContent and DeveloperContent with each field independently present or absent, tool namespaces with
 * random JSON Schemas. Hand them to the oracle with `conversationToJson` (src/harmony/json.ts).
 *
 * Some messages are deliberately unrenderable (a tool message without a name, SystemContent outside a system
 * message): upstream errors on them, and Overtone must too.
 */
import fc from "fast-check";
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
} from "../../packages/harmony/src/types.js";
import { REASONING_EFFORTS, ROLES } from "../../packages/harmony/src/types.js";
import { toolParameters } from "./schema-arbitraries.js";
import { identifier, multilineText, text } from "./text-arbitraries.js";

export * from "./schema-arbitraries.js";
export * from "./text-arbitraries.js";
export * from "./token-stream-arbitraries.js";

export const toolDescription: fc.Arbitrary<ToolDescription> = fc.record(
  {
    name: identifier,
    description: fc.oneof(multilineText, fc.constant("")),
    parameters: toolParameters,
  },
  { requiredKeys: ["name", "description"], noNullPrototype: true },
);

export const toolNamespace: fc.Arbitrary<ToolNamespaceConfig> = fc.record(
  {
    name: identifier,
    description: multilineText,
    tools: fc.array(toolDescription, { maxLength: 2 }),
  },
  { requiredKeys: ["name", "tools"], noNullPrototype: true },
);

/**
 * Namespace maps. Keys are usually the namespace's own name (as the builders make them); sometimes a different
 * key, or keys whose UTF-16 order differs from UTF-8/code-point order (`\uffff` vs `😀`): upstream sorts a
 * BTreeMap<String> by bytes.
 */
export const toolNamespaces: fc.Arbitrary<Record<string, ToolNamespaceConfig>> = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom("functions", "browser", "python") },
        { weight: 2, arbitrary: identifier },
        { weight: 1, arbitrary: fc.constantFrom("\uffff", "\u{1f600}", "\ue000", "Z", "a", "functions ") },
      ),
      toolNamespace,
      fc.boolean(),
    ),
    { maxLength: 3 },
  )
  .map((entries) => {
    const out: Record<string, ToolNamespaceConfig> = {};
    for (const [key, ns, keyIsName] of entries) {
      if (key === "__proto__") continue;
      out[key] = keyIsName ? { ...ns, name: key } : ns;
    }
    return out;
  });

export const channelConfig: fc.Arbitrary<ChannelConfig> = fc.record({
  valid_channels: fc.oneof(
    fc.constant(["analysis", "commentary", "final"]).map((channels) => [...channels]),
    fc.array(fc.oneof(identifier, text), { maxLength: 4 }),
  ),
  channel_required: fc.boolean(),
});

export const systemContent: fc.Arbitrary<SystemContent> = fc.record(
  {
    model_identity: fc.oneof(
      fc.constant("You are ChatGPT, a large language model trained by OpenAI."),
      multilineText,
    ),
    reasoning_effort: fc.constantFrom(...REASONING_EFFORTS),
    tools: toolNamespaces,
    conversation_start_date: fc.oneof(fc.constant("2025-06-28"), text),
    knowledge_cutoff: fc.oneof(fc.constant("2024-06"), text),
    channel_config: channelConfig,
  },
  { requiredKeys: [], noNullPrototype: true },
);

export const developerContent: fc.Arbitrary<DeveloperContent> = fc.record(
  { instructions: multilineText, tools: toolNamespaces },
  { requiredKeys: [], noNullPrototype: true },
);

const textContent: fc.Arbitrary<Content> = text.map((t) => ({ type: "text", text: t }));
const systemPart: fc.Arbitrary<Content> = systemContent.map((s) => ({ type: "system_content", ...s }));
const developerPart: fc.Arbitrary<Content> = developerContent.map((d) => ({
  type: "developer_content",
  ...d,
}));

/** Content parts: mostly what the role allows; rarely a system/developer part in the wrong role. */
function contentFor(role: Role): fc.Arbitrary<Content[]> {
  const own = role === "system" ? systemPart : role === "developer" ? developerPart : textContent;
  const part = fc.oneof(
    { weight: 12, arbitrary: own },
    { weight: 4, arbitrary: textContent },
    { weight: 1, arbitrary: fc.oneof(systemPart, developerPart) },
  );
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(own).map((parts) => [...parts]) },
    { weight: 3, arbitrary: fc.array(part, { minLength: 2, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant<Content[]>([]).map(() => []) },
  );
}

export const recipient: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("functions.get_weather", "assistant", "browser.search", "python", "all"),
  },
  { weight: 2, arbitrary: identifier },
  { weight: 1, arbitrary: text },
);

export const channel: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("analysis", "commentary", "final") },
  { weight: 1, arbitrary: identifier },
  { weight: 1, arbitrary: text },
);

export const contentType: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "<|constrain|>json",
      "json",
      "code",
      "<|constrain|>",
      "<|constrain|> json",
      "<|constrain|>json<|constrain|>",
    ),
  },
  { weight: 1, arbitrary: identifier },
  { weight: 1, arbitrary: text },
);

export const message: fc.Arbitrary<Message> = fc.constantFrom(...ROLES).chain((role) =>
  fc
    .record(
      {
        // Tool messages need a name (upstream errors without one); keep that error rare but present.
        name: role === "tool" ? fc.oneof({ weight: 9, arbitrary: identifier }, fc.constant(undefined)) : text,
        recipient,
        channel,
        content_type: contentType,
        content: contentFor(role),
      },
      { requiredKeys: ["content"], noNullPrototype: true },
    )
    .map(({ name, content, ...header }): Message => {
      const author = name === undefined ? { role } : { role, name };
      return { author, content, ...header };
    }),
);

/** One turn as a model produces it: analysis, tool calls and their results, then (usually) a final answer. */
const chatTurn: fc.Arbitrary<Message[]> = fc
  .tuple(
    text,
    fc.array(text, { maxLength: 2 }),
    fc.array(fc.tuple(identifier, text, text), { maxLength: 2 }),
    fc.option(text, { freq: 4 }),
  )
  .map(([question, thoughts, calls, answer]) => {
    const turn: Message[] = [{ author: { role: "user" }, content: [{ type: "text", text: question }] }];
    for (const thought of thoughts) {
      turn.push({
        author: { role: "assistant" },
        channel: "analysis",
        content: [{ type: "text", text: thought }],
      });
    }
    for (const [tool, args, result] of calls) {
      const name = `functions.${tool}`;
      turn.push({
        author: { role: "assistant" },
        recipient: name,
        channel: "commentary",
        content_type: "<|constrain|>json",
        content: [{ type: "text", text: args }],
      });
      turn.push({
        author: { role: "tool", name },
        recipient: "assistant",
        channel: "commentary",
        content: [{ type: "text", text: result }],
      });
    }
    if (answer !== null) {
      turn.push({
        author: { role: "assistant" },
        channel: "final",
        content: [{ type: "text", text: answer }],
      });
    }
    return turn;
  });

/** Conversations shaped like real chats, so that analysis dropping (first final, last assistant) is exercised. */
export const chatConversation: fc.Arbitrary<Conversation> = fc
  .tuple(
    fc.option(systemPart, { nil: undefined }),
    fc.option(developerPart, { nil: undefined }),
    fc.array(chatTurn, { maxLength: 3 }),
  )
  .map(([system, developer, turns]) => {
    const messages: Message[] = [];
    if (system) messages.push({ author: { role: "system" }, content: [system] });
    if (developer) messages.push({ author: { role: "developer" }, content: [developer] });
    for (const turn of turns) messages.push(...turn);
    return { messages };
  });

/** Free-form conversations (any message in any order) and chat-shaped ones, half and half. */
export const conversation: fc.Arbitrary<Conversation> = fc.oneof(
  fc.array(message, { maxLength: 6 }).map((messages) => ({ messages })),
  chatConversation,
);
