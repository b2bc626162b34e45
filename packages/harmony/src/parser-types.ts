/**
 * The contract of Harmony's parsers (token-level `StreamableParser`, text-level `TextStreamParser`): what they
 * report while parsing. Parsers call `onEvent` synchronously as input is processed, in order.
 */
import type { Repair } from "./repairs.js";
import type { Message, Role } from "./types.js";

/** Which token ended a message; `eos` when the stream ended inside the message's content. */
export type Terminator = "end" | "call" | "return" | "eos";

/** A finished message plus what upstream's parser does not record: the token that ended it. */
export interface ParsedMessage {
  message: Message;
  terminator: Terminator;
}

/** The parsed header of the message whose content is now streaming. */
export interface MessageHeader {
  role: Role;
  name?: string;
  recipient?: string;
  channel?: string;
  content_type?: string;
}

export type ParserEvent =
  | { type: "message-start"; header: MessageHeader }
  | { type: "content-delta"; text: string }
  | { type: "message-end"; parsed: ParsedMessage }
  /** strict: false only: a malformation was recovered from (repairs.ts), reported where it was seen. */
  | { type: "repair"; repair: Repair };

export type ParserState = "ExpectStart" | "Header" | "Content";

export interface ParserOptions {
  /** The role of the first message when the prompt already ended in `<|start|>{role}` (upstream's `role`). */
  role?: Role;
  /**
   * true (default): upstream's strict parsing, same errors. false: upstream v0.0.8's non-strict recovery plus
   * Overtone's lenient recoveries for malformed output seen from real servers (see docs/harmony.md): never
   * throws on any input, and reports each recovery as a `repair` event.
   */
  strict?: boolean;
  onEvent?: (event: ParserEvent) => void;
}
