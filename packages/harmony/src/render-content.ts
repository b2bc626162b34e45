/**
 * The text of one content part (spec.md §4, §5.1). Each part becomes exactly one text piece: upstream formats a
 * system or developer content into a single string and encodes it in one go.
 */
import { HarmonyRenderError } from "@overtone/errors";
import { toolsSection } from "./tools-section.js";
import type { Content, DeveloperContent, ReasoningEffort, Role, SystemContent } from "./types.js";

const EFFORT_TEXT: Readonly<Record<ReasoningEffort, string>> = { Low: "low", Medium: "medium", High: "high" };

/** Upstream's error texts print roles with Rust's `{:?}`, i.e. the enum variant name. */
const ROLE_DEBUG_NAME: Readonly<Record<Role, string>> = {
  user: "User",
  assistant: "Assistant",
  system: "System",
  developer: "Developer",
  tool: "Tool",
};

export function systemContentText(system: SystemContent, conversationHasFunctionTools: boolean): string {
  const sections: string[] = [];
  const top: string[] = [];
  if (system.model_identity !== undefined) top.push(system.model_identity);
  if (system.knowledge_cutoff !== undefined) top.push(`Knowledge cutoff: ${system.knowledge_cutoff}`);
  if (system.conversation_start_date !== undefined)
    top.push(`Current date: ${system.conversation_start_date}`);
  if (top.length > 0) sections.push(top.join("\n"));
  if (system.reasoning_effort !== undefined) {
    const effort = EFFORT_TEXT[system.reasoning_effort];
    if (effort === undefined) {
      throw new HarmonyRenderError(`unknown reasoning_effort ${JSON.stringify(system.reasoning_effort)}`, {
        hint: "use Low, Medium or High",
      });
    }
    sections.push(`Reasoning: ${effort}`);
  }
  if (system.tools !== undefined && Object.keys(system.tools).length > 0)
    sections.push(toolsSection(system.tools));
  const channels = system.channel_config;
  if (channels !== undefined && channels.valid_channels.length > 0) {
    let header = `# Valid channels: ${channels.valid_channels.join(", ")}.`;
    if (channels.channel_required) header += " Channel must be included for every message.";
    // Function tools are declared in the developer message, but the routing rule lives here.
    if (conversationHasFunctionTools) {
      header += "\nCalls to these tools must go to the commentary channel: 'functions'.";
    }
    sections.push(header);
  }
  return sections.join("\n\n");
}

export function developerContentText(developer: DeveloperContent): string {
  const sections: string[] = [];
  if (developer.instructions !== undefined) sections.push("# Instructions", developer.instructions);
  if (developer.tools !== undefined && Object.keys(developer.tools).length > 0) {
    sections.push(toolsSection(developer.tools));
  }
  return sections.join("\n\n");
}

/**
 * The text of a content part inside a message of `role`. System and developer contents are only valid in
 * their own role (upstream's checks and error texts); `where` names the message for the hint.
 */
export function contentText(
  content: Content,
  role: Role,
  conversationHasFunctionTools: boolean,
  where: () => string,
): string {
  switch (content.type) {
    case "text":
      return content.text;
    case "system_content":
      if (role !== "system") {
        throw new HarmonyRenderError(
          `SystemContent may only appear in system messages, found in ${ROLE_DEBUG_NAME[role]}`,
          { hint: `move the system content of ${where()} into a message with role "system"` },
        );
      }
      return systemContentText(content, conversationHasFunctionTools);
    case "developer_content":
      if (role !== "developer") {
        throw new HarmonyRenderError(
          `DeveloperContent may only appear in developer messages, found in ${ROLE_DEBUG_NAME[role]}`,
          { hint: `move the developer content of ${where()} into a message with role "developer"` },
        );
      }
      return developerContentText(content);
    default:
      throw new HarmonyRenderError(
        `unknown content type ${JSON.stringify((content as { type?: unknown }).type)} in ${where()}`,
        { hint: "use text, system_content or developer_content" },
      );
  }
}
