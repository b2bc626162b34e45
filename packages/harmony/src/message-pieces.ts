/**
 * The pieces of one message (spec.md §3): `<|start|>` header `<|message|>` contents `<|end|>`/`<|call|>`. The
 * header is role (or, for tools, the tool's name), `:name`, ` to=recipient`, `<|channel|>channel` and the
 * content type, in that order and each its own piece, as upstream renders it.
 */
import { HarmonyRenderError } from "@overtone/errors";
import { contentText } from "./render-content.js";
import type { Piece } from "./render-pieces.js";
import { CALL, CHANNEL, CONSTRAIN, END, MESSAGE, START } from "./special-tokens.js";
import { type Message, ROLES, type Role } from "./types.js";

const CONSTRAIN_MARKER = "<|constrain|>";

export function checkRole(role: unknown, where: () => string): asserts role is Role {
  if (!(ROLES as readonly unknown[]).includes(role)) {
    throw new HarmonyRenderError(`unknown role ${JSON.stringify(role)} in ${where()}`, {
      hint: `use one of: ${ROLES.join(", ")}`,
    });
  }
}

/** Appends the pieces of `message`; `where` names it in error hints (e.g. `conversation.messages[3]`). */
export function appendMessagePieces(
  out: Piece[],
  message: Message,
  conversationHasFunctionTools: boolean,
  where: () => string,
): void {
  const { role, name } = message.author;
  checkRole(role, where);
  out.push(START);
  if (role === "tool") {
    // A tool's result is headed by the tool's own name (e.g. functions.get_weather), not by "tool".
    if (name === undefined) {
      throw new HarmonyRenderError("Tools should have a name!", {
        hint: `give the author of ${where()} the name of the tool that answered, e.g. "functions.get_weather"`,
      });
    }
    out.push(name);
  } else {
    out.push(role);
    if (name !== undefined) out.push(`:${name}`);
  }
  const recipient = message.recipient;
  if (recipient !== undefined && recipient !== "all") out.push(` to=${recipient}`);
  if (message.channel !== undefined) out.push(CHANNEL, message.channel);
  const contentType = message.content_type;
  if (contentType !== undefined) {
    // The marker must become the special token, not its text; the rest (e.g. "json") follows as text.
    if (contentType.startsWith(CONSTRAIN_MARKER))
      out.push(" ", CONSTRAIN, contentType.slice(CONSTRAIN_MARKER.length));
    else out.push(` ${contentType}`);
  }
  out.push(MESSAGE);
  for (const content of message.content) {
    out.push(contentText(content, role, conversationHasFunctionTools, where));
  }
  // Upstream ends every assistant message with a recipient in <|call|>, even `to=all` (which it does not print).
  out.push(role === "assistant" && recipient !== undefined ? CALL : END);
}
